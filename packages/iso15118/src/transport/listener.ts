import net from 'node:net';
import tls from 'node:tls';
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

  let server: net.Server;
  if (options.tls !== undefined) {
    const { requestCert = false } = options.tls;
    server = tls.createServer({ rejectUnauthorized: requestCert, ...options.tls, noDelay: true });
    server.on('secureConnection', accept);
    server.on('tlsClientError', (error) => options.onError?.(error));
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
    secure: options.tls !== undefined,
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
