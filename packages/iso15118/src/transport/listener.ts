import net from 'node:net';
import tls from 'node:tls';
import { V2G_TIMING } from '../timing/table.js';
import { MAX_CLIENT_HELLO_BYTES, clientHelloVersion } from './client-hello.js';
import { V2gConnection } from './connection.js';
import type { V2gConnectionOptions } from './connection.js';

/** TLS settings of a SECC: spread a preset and add the credentials, e.g. `{ ...TLS_ISO15118_2, key, cert }`. */
export type SeccTlsOptions = Pick<
  tls.TlsOptions,
  | 'key'
  | 'cert'
  | 'ca'
  | 'passphrase'
  | 'requestCert'
  | 'rejectUnauthorized'
  | 'minVersion'
  | 'maxVersion'
  | 'ciphers'
  | 'ecdhCurve'
  | 'sigalgs'
  | 'honorCipherOrder'
> & {
  /** Private key (PEM). */
  readonly key: tls.TlsOptions['key'];
  /** Certificate chain (PEM): the SECC leaf first, then the sub-CAs. */
  readonly cert: tls.TlsOptions['cert'];
};

export interface SeccListenerOptions extends V2gConnectionOptions {
  /** Address to bind. Default `::1`. */
  readonly host?: string;
  /** TCP port; 0 (default) picks a free one (see `port` on the result). */
  readonly port?: number;
  /** Present: TLS; absent: plain TCP. */
  readonly tls?: SeccTlsOptions;
  /**
   * The TLS 1.3 profile (ISO 15118-20: `{ ...TLS_ISO15118_20, key, cert, ca: oemRoot }`). With
   * `tls` too, the SECC serves both: each connection gets the profile of the ClientHello, TLS 1.3
   * when the EV offers it (the client certificate then required and verified in the handshake),
   * else `tls` (ISO 15118-2: TLS 1.2, server authentication only). Alone: TLS 1.3 only.
   */
  readonly tls13?: SeccTlsOptions;
  /** Both profiles: destroy a connection whose ClientHello has not come within this long. Default 20 s (V2G_EVCC_CommunicationSetup_Timeout). */
  readonly clientHelloTimeoutMs?: number;
  /** Each accepted connection (after the TLS handshake). Also settable later with `onConnection`. */
  readonly onConnection?: (connection: V2gConnection) => void;
  /** Failed TLS handshakes and server errors; the listener keeps running. */
  readonly onError?: (error: Error) => void;
}

export interface SeccListener {
  readonly server: net.Server;
  readonly address: string;
  readonly port: number;
  readonly secure: boolean;
  /** Open connections. */
  readonly connections: ReadonlySet<V2gConnection>;
  /**
   * Sets the handler for new connections; connections accepted before a handler was set are
   * handed to it at once. Returns a function that removes the handler.
   */
  onConnection(handler: (connection: V2gConnection) => void): () => void;
  /** Stops accepting and closes every open connection. */
  close(): Promise<void>;
}

/** Opens the SECC's TCP or TLS listener for V2G communication. */
export async function createSeccListener(options: SeccListenerOptions = {}): Promise<SeccListener> {
  const host = options.host ?? '::1';
  const connections = new Set<V2gConnection>();
  const backlog: V2gConnection[] = [];
  let handler = options.onConnection;

  const accept = (socket: net.Socket): void => {
    const connection = new V2gConnection(socket, options);
    connections.add(connection);
    void connection.closed.then(() => connections.delete(connection));
    if (handler !== undefined) handler(connection);
    else backlog.push(connection);
  };

  const tlsServer = (profile: SeccTlsOptions): tls.Server => {
    const { requestCert = false } = profile;
    const server = tls.createServer({ rejectUnauthorized: requestCert, ...profile, noDelay: true });
    server.on('secureConnection', accept);
    server.on('tlsClientError', (error) => options.onError?.(error));
    return server;
  };

  let server: net.Server;
  if (options.tls !== undefined && options.tls13 !== undefined) {
    const tls12 = tlsServer(options.tls);
    const tls13 = tlsServer(options.tls13);
    const timeoutMs = options.clientHelloTimeoutMs ?? V2G_TIMING.iso20.timers.V2G_EVCC_CommunicationSetup_Timeout.value;
    server = net.createServer({ noDelay: true }, (socket) => dispatchByClientHello(socket, { tls12, tls13 }, timeoutMs));
  } else if (options.tls !== undefined || options.tls13 !== undefined) {
    server = tlsServer((options.tls ?? options.tls13)!);
  } else {
    server = net.createServer({ noDelay: true }, accept);
  }
  server.on('error', (error) => options.onError?.(error));

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const bound = server.address() as net.AddressInfo;

  return {
    server,
    address: bound.address,
    port: bound.port,
    secure: options.tls !== undefined || options.tls13 !== undefined,
    connections,
    onConnection(next) {
      handler = next;
      for (const connection of backlog.splice(0)) next(connection);
      return () => {
        if (handler === next) handler = undefined;
      };
    },
    async close() {
      const closing = new Promise<void>((resolve) => server.close(() => resolve()));
      await Promise.all([...connections].map((c) => c.close()));
      await closing;
    },
  };
}

/**
 * Reads the ClientHello (without consuming it) and hands the raw socket to the TLS server of the
 * version it offers; Node's TLS socket reads the bytes already buffered first.
 */
function dispatchByClientHello(socket: net.Socket, servers: { tls12: tls.Server; tls13: tls.Server }, timeoutMs: number): void {
  let buffered = Buffer.alloc(0);
  const timer = setTimeout(() => socket.destroy(), timeoutMs);
  const done = (): void => {
    clearTimeout(timer);
    socket.off('data', onData);
    socket.off('error', onError);
    socket.off('close', onClose);
  };
  const onError = (): void => done();
  const onClose = (): void => done();
  const onData = (chunk: Buffer): void => {
    buffered = Buffer.concat([buffered, chunk]);
    const version = clientHelloVersion(buffered);
    if (version === 'incomplete' && buffered.length < MAX_CLIENT_HELLO_BYTES) return;
    done();
    socket.pause();
    socket.unshift(buffered);
    // not TLS, or too long: the TLS 1.2 server answers it with the protocol's alert
    (version === 'tls13' ? servers.tls13 : servers.tls12).emit('connection', socket);
  };
  socket.on('data', onData);
  socket.on('error', onError);
  socket.on('close', onClose);
}
