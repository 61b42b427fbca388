import 'reflect-metadata'; // @peculiar/x509 (tsyringe) needs the Reflect metadata polyfill
import tls from 'node:tls';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TLS_ISO15118_2, TLS_ISO15118_20, connectToSecc, createSeccListener } from '../src/transport/index.js';
import type { SeccListener, V2gConnection } from '../src/transport/index.js';
import { V2gtpPayloadType } from '../src/v2gtp/index.js';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };

interface Issued {
  readonly cert: x509.X509Certificate;
  readonly keys: webcrypto.CryptoKeyPair;
  readonly pem: string;
  readonly keyPem: string;
}

/** A throwaway ECDSA P-256 certificate, CA or leaf, valid from a minute ago for a day. */
async function issue(subject: string, issuer: Issued | undefined, ca: boolean): Promise<Issued> {
  const keys = (await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const common = {
    notBefore: new Date(Date.now() - 60_000),
    notAfter: new Date(Date.now() + 86_400_000),
    signingAlgorithm: ALG,
    extensions: ca
      ? [
          new x509.BasicConstraintsExtension(true, undefined, true),
          new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
        ]
      : [
          new x509.BasicConstraintsExtension(false, undefined, true),
          new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyAgreement, true),
        ],
  };
  const cert =
    issuer === undefined
      ? await x509.X509CertificateGenerator.createSelfSigned({ ...common, name: subject, keys })
      : await x509.X509CertificateGenerator.create({
          ...common,
          subject,
          issuer: issuer.cert.subject,
          publicKey: keys.publicKey,
          signingKey: issuer.keys.privateKey,
        });
  const pkcs8 = await webcrypto.subtle.exportKey('pkcs8', keys.privateKey as webcrypto.CryptoKey);
  return { cert, keys, pem: cert.toString('pem'), keyPem: x509.PemConverter.encode(pkcs8, 'PRIVATE KEY') };
}

let v2gRoot: Issued;
let secc: Issued;
let seccChain: string;
let otherRoot: Issued;
let oemRoot: Issued;
let evcc: Issued;

beforeAll(async () => {
  // V2G root → CPO sub-CA → SECC leaf (CN=SECCCert, no hostname), as in the ISO 15118-2 PKI.
  v2gRoot = await issue('CN=Test V2G Root CA, O=v2xsim', undefined, true);
  const cpoSubCa = await issue('CN=Test CPO Sub-CA, O=v2xsim', v2gRoot, true);
  secc = await issue('CN=SECCCert, DC=CPO', cpoSubCa, false);
  seccChain = `${secc.pem}\n${cpoSubCa.pem}\n`;
  otherRoot = await issue('CN=Some Other Root, O=elsewhere', undefined, true);
  // -20 mutual TLS: the EVCC presents an OEM provisioning certificate.
  oemRoot = await issue('CN=Test OEM Root CA, O=v2xsim', undefined, true);
  evcc = await issue('CN=OEMProvCert, DC=OEM', oemRoot, false);
});

const listeners: SeccListener[] = [];
afterEach(async () => {
  await Promise.all(listeners.splice(0).map((l) => l.close()));
});

async function listen(options: Parameters<typeof createSeccListener>[0]): Promise<SeccListener> {
  const listener = await createSeccListener(options);
  listeners.push(listener);
  return listener;
}

function nextConnection(listener: SeccListener): Promise<V2gConnection> {
  return new Promise((resolve) => listener.onConnection(resolve));
}

describe('TLS 1.2 (ISO 15118-2 preset)', () => {
  it('connects with ECDHE-ECDSA-AES128-SHA256, verifies the chain, skips the hostname', async () => {
    const listener = await listen({ tls: { ...TLS_ISO15118_2, key: secc.keyPem, cert: seccChain } });
    expect(listener.secure).toBe(true);
    const accepted = nextConnection(listener);
    const conn = await connectToSecc({ host: '::1', port: listener.port, tls: { ...TLS_ISO15118_2, ca: v2gRoot.pem } });
    const server = await accepted;
    expect(conn.tls).toMatchObject({ protocol: 'TLSv1.2', cipher: 'ECDHE-ECDSA-AES128-SHA256', authorized: true });
    expect(conn.tls?.peerCertificate?.subject).toMatchObject({ CN: 'SECCCert', DC: 'CPO' });
    expect(server.tls).toMatchObject({ protocol: 'TLSv1.2', peerCertificate: undefined });

    await conn.send(V2gtpPayloadType.Exi, Uint8Array.of(0x80, 0x01));
    const request = await server.receive({ timeoutMs: 2000 });
    expect(Array.from(request.payload)).toEqual([0x80, 0x01]);
    await server.send(V2gtpPayloadType.Exi, Uint8Array.of(0x80, 0x02));
    expect(Array.from((await conn.receive({ timeoutMs: 2000 })).payload)).toEqual([0x80, 0x02]);
    await conn.close();
    expect(await server.closed).toEqual({ kind: 'peer' });
  });

  it('refuses a SECC whose chain does not lead to the EVCC trust anchor', async () => {
    const listener = await listen({ tls: { ...TLS_ISO15118_2, key: secc.keyPem, cert: seccChain }, onError: () => undefined });
    const error = await connectToSecc({ host: '::1', port: listener.port, tls: { ...TLS_ISO15118_2, ca: otherRoot.pem } }).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code: 'TLS_HANDSHAKE_FAILED' });
    expect(((error as Error).cause as NodeJS.ErrnoException).code).toMatch(/UNABLE_TO_GET_ISSUER_CERT|UNABLE_TO_VERIFY|SELF_SIGNED/);
    // Node's client checks the chain after the handshake and then drops the connection, so the
    // SECC may see a connection that closes at once; it must not linger.
    await expect.poll(() => listener.connections.size).toBe(0);
  });

  it('would fail on the hostname check without skipHostnameCheck (why the presets skip it)', async () => {
    const listener = await listen({ tls: { ...TLS_ISO15118_2, key: secc.keyPem, cert: seccChain } });
    const error = await connectToSecc({
      host: '::1',
      port: listener.port,
      tls: { ...TLS_ISO15118_2, ca: v2gRoot.pem, checkServerIdentity: tls.checkServerIdentity },
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'TLS_HANDSHAKE_FAILED' });
    expect(((error as Error).cause as NodeJS.ErrnoException).code).toBe('ERR_TLS_CERT_ALTNAME_INVALID');
  });

  it('refuses a client limited to TLS 1.3', async () => {
    const listener = await listen({ tls: { ...TLS_ISO15118_2, key: secc.keyPem, cert: seccChain }, onError: () => undefined });
    await expect(
      connectToSecc({ host: '::1', port: listener.port, tls: { ...TLS_ISO15118_20, ca: v2gRoot.pem, cert: evcc.pem, key: evcc.keyPem } }),
    ).rejects.toMatchObject({ code: 'TLS_HANDSHAKE_FAILED' });
  });
});

describe('TLS 1.3 (ISO 15118-20 preset, mutual authentication)', () => {
  const seccTls = (): Parameters<typeof createSeccListener>[0] => ({
    tls: { ...TLS_ISO15118_20, key: secc.keyPem, cert: seccChain, ca: oemRoot.pem },
    onError: () => undefined,
  });

  it('connects with TLS_AES_256_GCM_SHA384 and both certificates verified', async () => {
    const listener = await listen(seccTls());
    const accepted = nextConnection(listener);
    const conn = await connectToSecc({
      host: '::1',
      port: listener.port,
      tls: { ...TLS_ISO15118_20, ca: v2gRoot.pem, cert: evcc.pem, key: evcc.keyPem },
    });
    const server = await accepted;
    expect(conn.tls).toMatchObject({ protocol: 'TLSv1.3', cipher: 'TLS_AES_256_GCM_SHA384', authorized: true });
    expect(server.tls).toMatchObject({ protocol: 'TLSv1.3', authorized: true });
    expect(server.tls?.peerCertificate?.subject).toMatchObject({ CN: 'OEMProvCert' });
    await conn.send(V2gtpPayloadType.CommonMessages, Uint8Array.of(0x80, 0x8c));
    expect(await server.receive({ timeoutMs: 2000 })).toMatchObject({ payloadType: 0x8002 });
    await conn.close();
  });

  it('refuses an EVCC without a client certificate', async () => {
    const listener = await listen(seccTls());
    // In TLS 1.3 the client finishes its side before the server checks the client certificate,
    // so the refusal shows either as a failed connect or as the connection being closed at once.
    const outcome = await connectToSecc({ host: '::1', port: listener.port, tls: { ...TLS_ISO15118_20, ca: v2gRoot.pem } }).then(
      async (conn) => (await conn.closed).kind,
      (e: { code: string }) => e.code,
    );
    expect(['TLS_HANDSHAKE_FAILED', 'socket', 'peer']).toContain(outcome);
    expect(listener.connections.size).toBe(0);
  });
});
