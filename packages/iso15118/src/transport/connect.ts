import net from 'node:net';
import tls from 'node:tls';
import { V2G_TIMING } from '../timing/table.js';
import { V2gConnection } from './connection.js';
import type { V2gConnectionOptions } from './connection.js';
import { V2gTransportError } from './errors.js';
import { skipHostnameCheck } from './tls-presets.js';

/** TLS settings of an EVCC: spread a preset and add the trust anchor, e.g. `{ ...TLS_ISO15118_2, ca }`. */
export type EvccTlsOptions = Pick<
  tls.ConnectionOptions,
  | 'ca'
  | 'cert'
  | 'key'
  | 'passphrase'
  | 'minVersion'
  | 'maxVersion'
  | 'ciphers'
  | 'ecdhCurve'
  | 'sigalgs'
  | 'servername'
  | 'rejectUnauthorized'
  | 'checkServerIdentity'
> & {
  /** V2G root certificate(s) (PEM) the SECC chain must lead to. */
  readonly ca: tls.ConnectionOptions['ca'];
};

export interface ConnectToSeccOptions extends V2gConnectionOptions {
  /** SECC address, e.g. from `discoverSecc` (a link-local one with its zone: `fe80::1%eth1`). */
  readonly host: string;
  readonly port: number;
  /** Present: TLS; absent: plain TCP. */
  readonly tls?: EvccTlsOptions;
  /** Give up on TCP connect + TLS handshake after this long. Default 20 s (V2G_EVCC_CommunicationSetup_Timeout). */
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
}

/**
 * Connects the EVCC to the SECC. With `tls`, the SECC's chain is verified against `ca` but its
 * hostname is not (see {@link skipHostnameCheck}). Rejects with {@link V2gTransportError}:
 * `CONNECT_FAILED`, `TLS_HANDSHAKE_FAILED`, `CONNECT_TIMEOUT` or `ABORTED`.
 */
export function connectToSecc(options: ConnectToSeccOptions): Promise<V2gConnection> {
  const timeoutMs = options.timeoutMs ?? V2G_TIMING.iso2.timers.V2G_EVCC_CommunicationSetup_Timeout.value;
  return new Promise<V2gConnection>((resolve, reject) => {
    let tcpConnected = false;
    let settled = false;
    let socket: net.Socket;
    const secure = options.tls !== undefined;

    const fail = (error: V2gTransportError): void => {
      if (settled) return;
      settled = true;
      cleanup();
      socket.destroy();
      reject(error);
    };
    const onError = (error: Error): void => {
      if (secure && tcpConnected) fail(new V2gTransportError('TLS_HANDSHAKE_FAILED', `TLS handshake failed: ${error.message}`, { cause: error }));
      else fail(new V2gTransportError('CONNECT_FAILED', `cannot connect to ${options.host}:${options.port}: ${error.message}`, { cause: error }));
    };
    const onAbort = (): void => fail(new V2gTransportError('ABORTED', 'connect aborted'));
    const timer = setTimeout(
      () => fail(new V2gTransportError('CONNECT_TIMEOUT', `no connection to ${options.host}:${options.port} within ${timeoutMs} ms`)),
      timeoutMs,
    );
    const cleanup = (): void => {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      socket.off('error', onError);
    };
    const ready = (): void => {
      if (settled) return;
      settled = true;
      cleanup();
      resolve(new V2gConnection(socket, options));
    };

    if (options.tls !== undefined) {
      socket = tls.connect({
        checkServerIdentity: skipHostnameCheck,
        rejectUnauthorized: true,
        ...options.tls,
        host: options.host,
        port: options.port,
      });
      socket.setNoDelay(true); // applied once the TCP handle exists, so the handshake is not delayed either
      socket.once('connect', () => {
        tcpConnected = true;
      });
      socket.once('secureConnect', ready);
    } else {
      socket = net.connect({ host: options.host, port: options.port, noDelay: true });
      socket.once('connect', ready);
    }
    socket.on('error', onError);
    if (options.signal?.aborted) onAbort();
    else options.signal?.addEventListener('abort', onAbort, { once: true });
  });
}
