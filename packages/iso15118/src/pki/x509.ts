// @peculiar/x509 on Node's WebCrypto. The library resolves its algorithm providers through
// tsyringe, which needs the Reflect metadata polyfill loaded first: every module of this folder
// reaches @peculiar/x509 only through this file, so the import order is fixed here.
import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

/** Node's WebCrypto, the provider every @peculiar/x509 call here uses. */
export const nodeWebCrypto: webcrypto.Crypto = webcrypto;

x509.cryptoProvider.set(nodeWebCrypto);

export { x509 };
