// The CSMS side: a WebSocket server on a node http/https server. At the upgrade it takes the
// station identity from the URL path, lets `authenticate` decide per station (404 unknown, 401
// bad credentials), negotiates the subprotocol among ocpp1.6 / ocpp2.0.1 / ocpp2.1 (the version
// is the subprotocol's, never the URL's: [J21] §3.1.2), offers permessage-deflate ([J21] §3.4:
// a CSMS SHALL support it) and hands each accepted station an OcppConnection.
import { EventEmitter } from 'node:events';
import { createServer as createHttpServer, STATUS_CODES, type IncomingMessage, type Server as HttpServer } from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer, type ServerOptions as HttpsServerOptions } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { TLSSocket } from 'node:tls';
import type { Tracer } from '@v2xsim/trace';
import { WebSocketServer, type WebSocket } from 'ws';
import { identityFromPath, parseBasicAuth, type Authenticate, type HandshakeInfo } from './auth.js';
import type { CallAction, SendAction } from './actions.js';
import {
  DEFAULT_MAX_FRAME_BYTES,
  HandlerRegistry,
  OcppConnection,
  type CallHandlers,
  type OcppConnectionOptions,
  type SendHandlers,
} from './connection.js';
import { OCPP_VERSIONS, versionOfSubprotocol, type OcppVersion } from './versions.js';

export interface OcppServerOptions {
  /** the OCPP-J endpoint path; stations connect to `<path>/<identity>` (default '' : `/<identity>`) */
  path?: string;
  /** the versions accepted (default all three); the station's order of preference decides among them */
  protocols?: readonly OcppVersion[];
  /** per-station decision at the upgrade (default: accept every station) */
  authenticate?: Authenticate;
  /** TLS for `listen` (profiles 2 and 3: add `requestCert`, `ca` for client certificates) */
  tls?: HttpsServerOptions;
  /** permessage-deflate (default true) */
  compression?: boolean;
  tracer?: Tracer;
  callTimeoutMs?: number;
  maxFrameBytes?: number;
  pingIntervalMs?: number;
  validate?: boolean;
}

/** Any connection, narrowed by its `version`. */
export type AnyOcppConnection = OcppConnection<'1.6'> | OcppConnection<'2.0.1'> | OcppConnection<'2.1'>;

interface ServerEvents {
  connection: [AnyOcppConnection, HandshakeInfo];
  /** a station was refused at the upgrade */
  refused: [{ info: Partial<HandshakeInfo>; status: number; reason?: string }];
}

export class OcppServer extends EventEmitter<ServerEvents> {
  /** the open connection of each station identity */
  readonly connections = new Map<string, AnyOcppConnection>();
  /** handlers every new connection of a version starts with (see `handle`) */
  readonly handlers: Readonly<Record<OcppVersion, HandlerRegistry>> = {
    '1.6': new HandlerRegistry(),
    '2.0.1': new HandlerRegistry(),
    '2.1': new HandlerRegistry(),
  };
  private readonly wss: WebSocketServer;
  private readonly pending = new WeakMap<IncomingMessage, HandshakeInfo>();
  private httpServer: HttpServer | HttpsServer | undefined;
  private ownsHttpServer = false;
  private readonly path: string;

  constructor(private readonly opts: OcppServerOptions = {}) {
    super();
    this.path = (opts.path ?? '').replace(/\/+$/, '');
    const maxFrame = opts.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES;
    this.wss = new WebSocketServer({
      noServer: true,
      perMessageDeflate: opts.compression ?? true,
      // beyond the frame limit a CALLERROR answers; ws itself closes (1009) only far beyond it
      maxPayload: maxFrame * 4,
      handleProtocols: (_offered, req) => {
        const version = this.pending.get(req)?.version;
        return version ? `ocpp${version}` : false;
      },
    });
  }

  /**
   * Registers a handler for incoming CALLs of `action` on every connection of `version` opened
   * from now on (a connection's own `handle` overrides it for that connection).
   */
  handle<V extends OcppVersion, A extends CallAction<V>>(version: V, action: A, handler: CallHandlers<V>[A]): this {
    this.handlers[version].calls.set(action, handler as never);
    return this;
  }

  /** Registers a handler for incoming SEND messages (2.1) on every new connection of `version`. */
  onSend<V extends OcppVersion, A extends SendAction<V>>(version: V, action: A, handler: SendHandlers<V>[A]): this {
    this.handlers[version].sends.set(action, handler as never);
    return this;
  }

  /** Creates an http (or, with `tls`, https) server for this endpoint and listens. */
  async listen(port = 0, host = '127.0.0.1'): Promise<{ port: number; url: string }> {
    const server = this.opts.tls ? createHttpsServer(this.opts.tls) : createHttpServer();
    server.on('request', (_req, res) => {
      res.writeHead(426, { Upgrade: 'websocket', 'Content-Type': 'text/plain' }).end('OCPP-J endpoint: connect with a WebSocket\n');
    });
    this.attach(server);
    this.ownsHttpServer = true;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    return { port: (server.address() as AddressInfo).port, url: this.url };
  }

  /** The endpoint URL once listening (stations append `/<identity>`). */
  get url(): string {
    const addr = this.httpServer?.address();
    if (!addr || typeof addr === 'string') throw new Error('OcppServer is not listening');
    const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
    return `${this.opts.tls ? 'wss' : 'ws'}://${host}:${addr.port}${this.path}`;
  }

  /** Serves OCPP-J upgrades on an existing http/https server (e.g. one also serving an API). */
  attach(server: HttpServer | HttpsServer): void {
    this.httpServer = server;
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      void this.handleUpgrade(req, socket, head);
    });
  }

  async handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    socket.on('error', () => undefined);
    const path = req.url ?? '/';
    const identity = identityFromPath(path, this.path);
    if (identity === undefined) {
      this.refuse(socket, 404, 'no charging station identity in the path', { path });
      return;
    }
    const offeredProtocols = (req.headers['sec-websocket-protocol'] ?? '')
      .split(',')
      .map((p) => p.trim())
      .filter(Boolean);
    const accepted = this.opts.protocols ?? OCPP_VERSIONS;
    const version = offeredProtocols.map(versionOfSubprotocol).find((v): v is OcppVersion => v !== undefined && accepted.includes(v));
    const tlsSocket = req.socket instanceof TLSSocket ? req.socket : undefined;
    const certificate = tlsSocket?.getPeerCertificate();
    const info: HandshakeInfo = {
      identity,
      path,
      offeredProtocols,
      version,
      remoteAddress: req.socket.remoteAddress,
      headers: req.headers,
      basicAuth: parseBasicAuth(req.headers.authorization),
      tls: tlsSocket
        ? {
            authorized: tlsSocket.authorized,
            ...(tlsSocket.authorizationError ? { authorizationError: String(tlsSocket.authorizationError) } : {}),
            ...(certificate && Object.keys(certificate).length > 0 ? { certificate } : {}),
          }
        : undefined,
    };
    let decision;
    try {
      decision = this.opts.authenticate ? await this.opts.authenticate(info) : ({ accept: true } as const);
    } catch {
      decision = { accept: false, status: 500, reason: 'authentication failed' } as const;
    }
    if (!decision.accept) {
      this.refuse(socket, decision.status, decision.reason, info);
      return;
    }
    this.pending.set(req, info);
    this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws, info));
  }

  private refuse(socket: Duplex, status: number, reason: string | undefined, info: Partial<HandshakeInfo>): void {
    const headers = [`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}`, 'Connection: close', 'Content-Length: 0'];
    // RFC 7617: a 401 names the scheme the client should use
    if (status === 401) headers.push('WWW-Authenticate: Basic realm="OCPP", charset="UTF-8"');
    socket.end(`${headers.join('\r\n')}\r\n\r\n`);
    this.emit('refused', { info, status, ...(reason ? { reason } : {}) });
  }

  private accept(ws: WebSocket, info: HandshakeInfo): void {
    const version = info.version;
    if (!version) {
      // [J21] §3.3: handshake completed without Sec-WebSocket-Protocol, then closed at once
      ws.close(1002, 'no agreed OCPP version');
      return;
    }
    const options: OcppConnectionOptions = {
      identity: info.identity,
      peer: info.identity,
      handlers: new HandlerRegistry(this.handlers[version]),
      tracer: this.opts.tracer,
      callTimeoutMs: this.opts.callTimeoutMs,
      maxFrameBytes: this.opts.maxFrameBytes,
      pingIntervalMs: this.opts.pingIntervalMs,
      validate: this.opts.validate,
    };
    const conn = new OcppConnection(ws, version, options) as AnyOcppConnection;
    const previous = this.connections.get(info.identity);
    this.connections.set(info.identity, conn);
    // a station that reconnects replaces its old (often half-open) connection
    if (previous) void previous.close(1000, 'replaced by a new connection');
    conn.once('close', () => {
      if (this.connections.get(info.identity) === conn) this.connections.delete(info.identity);
    });
    this.emit('connection', conn, info);
  }

  /** Closes every connection (1001 going away) and, when `listen` made it, the http server. */
  async close(): Promise<void> {
    await Promise.all([...this.connections.values()].map((c) => c.close(1001, 'server shutting down')));
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    if (this.ownsHttpServer && this.httpServer) {
      const server = this.httpServer;
      server.closeAllConnections?.();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  }
}
