// The charging station side: connects to `<endpoint>/<identity>` offering its OCPP versions in
// order of preference, with the credentials of its security profile (1: Basic auth over ws,
// 2: Basic auth over TLS, 3: TLS client certificate), keeps its handlers across reconnects and
// reconnects with exponential back-off and jitter when the connection is lost ([J21] §5.4).
import { EventEmitter } from 'node:events';
import type { ConnectionOptions as TlsConnectionOptions } from 'node:tls';
import type { Tracer } from '@v2xsim/trace';
import WebSocket from 'ws';
import type { CallAction, CallRequest, CallResponse, SendAction, SendPayload } from './actions.js';
import { basicAuthHeader, isValidIdentity, MAX_IDENTITY_LENGTH } from './auth.js';
import { backoffDelayMs, DEFAULT_BACKOFF, type BackoffOptions } from './backoff.js';
import {
  DEFAULT_MAX_FRAME_BYTES,
  HandlerRegistry,
  OcppConnection,
  type CallHandlers,
  type CallOptions,
  type CloseInfo,
  type OcppConnectionOptions,
  type SendHandlers,
} from './connection.js';
import { OcppConnectionClosedError, OcppHandshakeError } from './errors.js';
import { subprotocolOf, versionOfSubprotocol, type OcppVersion } from './versions.js';

export interface OcppClientOptions<V extends OcppVersion> {
  /** the CSMS's OCPP-J endpoint, ws:// or wss:// (the identity is appended, percent-encoded) */
  url: string;
  identity: string;
  /** the versions offered, most preferred first */
  protocols: readonly V[];
  /** BasicAuthPassword (profiles 1 and 2); for 1.6 the AuthorizationKey bytes as a Buffer */
  password?: string | Buffer;
  /** TLS (profiles 2 and 3): `ca` to trust the CSMS, `cert` + `key` for the client certificate */
  tls?: Pick<TlsConnectionOptions, 'ca' | 'cert' | 'key' | 'servername' | 'rejectUnauthorized' | 'passphrase'>;
  /** reconnect after a lost connection and retry a failed first connect (default on) */
  reconnect?: boolean | Partial<BackoffOptions>;
  /** offer permessage-deflate (default true) */
  compression?: boolean;
  /** opening handshake timeout (default 10 s) */
  handshakeTimeoutMs?: number;
  tracer?: Tracer;
  callTimeoutMs?: number;
  maxFrameBytes?: number;
  pingIntervalMs?: number;
  validate?: boolean;
  newMessageId?: () => string;
}

interface ClientEvents<V extends OcppVersion> {
  open: [OcppConnection<V>];
  close: [CloseInfo];
  /** a connection attempt failed or the connection was lost: the next attempt comes after `delayMs` */
  reconnecting: [{ attempt: number; delayMs: number; error?: Error }];
}

export class OcppClient<V extends OcppVersion = OcppVersion> extends EventEmitter<ClientEvents<V>> {
  readonly handlers = new HandlerRegistry();
  private current: OcppConnection<V> | undefined;
  private stopped = true;
  private attempt = 0;
  private retryTimer: NodeJS.Timeout | undefined;
  private socket: WebSocket | undefined;
  private readonly backoff: BackoffOptions | undefined;

  constructor(private readonly opts: OcppClientOptions<V>) {
    super();
    if (!isValidIdentity(opts.identity)) throw new RangeError(`identity must have 1 to ${MAX_IDENTITY_LENGTH} characters and no ':'`);
    if (opts.protocols.length === 0) throw new RangeError('offer at least one OCPP version');
    this.backoff = opts.reconnect === false ? undefined : { ...DEFAULT_BACKOFF, ...(typeof opts.reconnect === 'object' ? opts.reconnect : {}) };
  }

  /** The connection URL: endpoint + '/' + percent-encoded identity ([J21] §3.1.1). */
  get connectionUrl(): string {
    return `${this.opts.url.replace(/\/+$/, '')}/${encodeURIComponent(this.opts.identity)}`;
  }

  /** The open connection, if any (its `version` is the negotiated one). */
  get connection(): OcppConnection<V> | undefined {
    return this.current?.isOpen ? this.current : undefined;
  }

  handle<A extends CallAction<V>>(action: A, handler: CallHandlers<V>[A]): this {
    this.handlers.calls.set(action, handler as never);
    return this;
  }

  onSend<A extends SendAction<V>>(action: A, handler: SendHandlers<V>[A]): this {
    this.handlers.sends.set(action, handler as never);
    return this;
  }

  call<A extends CallAction<V>>(action: A, payload: CallRequest<V, A>, options?: CallOptions): Promise<CallResponse<V, A>> {
    const conn = this.connection;
    if (!conn) return Promise.reject(new OcppConnectionClosedError('not connected'));
    return conn.call(action, payload, options);
  }

  send<A extends SendAction<V>>(action: A, payload: SendPayload<V, A>): void {
    const conn = this.connection;
    if (!conn) throw new OcppConnectionClosedError('not connected');
    conn.send(action, payload);
  }

  /**
   * Connects and resolves with the open connection. A failed attempt is retried with back-off
   * when reconnecting is on (`reconnecting` events say why); with `reconnect: false` the first
   * failure rejects (OcppHandshakeError carries the HTTP status of a refusal).
   */
  connect(): Promise<OcppConnection<V>> {
    this.stopped = false;
    return new Promise((resolve, reject) => {
      const onOpen = (conn: OcppConnection<V>): void => {
        this.off('close', onStop);
        resolve(conn);
      };
      const onStop = (): void => {
        this.off('open', onOpen);
        reject(new OcppConnectionClosedError('client closed before it connected'));
      };
      this.once('open', onOpen);
      this.once('close', onStop);
      this.tryConnect().catch((error: Error) => {
        this.off('open', onOpen);
        this.off('close', onStop);
        reject(error);
      });
    });
  }

  /** Stops reconnecting and closes the connection. */
  async close(code = 1000, reason = ''): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    const conn = this.current;
    this.current = undefined;
    if (conn?.isOpen) await conn.close(code, reason);
    else this.socket?.terminate();
    this.emit('close', { code, reason });
  }

  // ---------------------------------------------------------------------------------------------

  /** One attempt; on failure either schedules the next (reconnect on) or rejects. */
  private async tryConnect(): Promise<void> {
    try {
      const conn = await this.open();
      this.attempt = 0;
      this.current = conn;
      conn.once('close', (info) => this.onLost(conn, info));
      this.emit('open', conn);
    } catch (e) {
      const error = e instanceof Error ? e : new Error(String(e));
      if (!this.backoff || this.stopped) throw error;
      this.scheduleRetry(error);
    }
  }

  private onLost(conn: OcppConnection<V>, _info: CloseInfo): void {
    if (this.current === conn) this.current = undefined;
    if (this.stopped) return;
    if (!this.backoff) {
      this.stopped = true;
      this.emit('close', _info);
      return;
    }
    this.scheduleRetry();
  }

  private scheduleRetry(error?: Error): void {
    if (!this.backoff || this.stopped) return;
    const delayMs = backoffDelayMs(this.attempt, this.backoff);
    this.attempt++;
    this.emit('reconnecting', { attempt: this.attempt, delayMs, ...(error ? { error } : {}) });
    this.retryTimer = setTimeout(() => {
      if (this.stopped) return;
      this.tryConnect().catch(() => undefined);
    }, delayMs);
  }

  private open(): Promise<OcppConnection<V>> {
    const o = this.opts;
    const maxFrame = o.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES;
    const ws = new WebSocket(this.connectionUrl, o.protocols.map(subprotocolOf), {
      headers: o.password !== undefined ? { authorization: basicAuthHeader(o.identity, o.password) } : {},
      perMessageDeflate: o.compression ?? true,
      maxPayload: maxFrame * 4,
      handshakeTimeout: o.handshakeTimeoutMs ?? 10_000,
      ...(o.tls ?? {}),
    });
    this.socket = ws;
    return new Promise((resolve, reject) => {
      let settled = false;
      const fail = (error: Error): void => {
        if (settled) return;
        settled = true;
        ws.removeAllListeners();
        ws.on('error', () => undefined);
        ws.terminate();
        reject(error);
      };
      ws.once('unexpected-response', (_req, res) => {
        res.resume();
        fail(new OcppHandshakeError(`CSMS refused the connection: HTTP ${res.statusCode} ${res.statusMessage ?? ''}`.trim(), res.statusCode));
      });
      ws.once('error', (err) => {
        // ws refuses a handshake without (or with an unoffered) Sec-WebSocket-Protocol itself
        fail(/subprotocol/i.test(err.message) ? new OcppHandshakeError(`no agreed OCPP version: ${err.message}`) : err);
      });
      ws.once('open', () => {
        const version = versionOfSubprotocol(ws.protocol) as V | undefined;
        if (!version || !o.protocols.includes(version)) {
          fail(new OcppHandshakeError(`CSMS chose subprotocol '${ws.protocol}', not one of ${o.protocols.map(subprotocolOf).join(', ')}`));
          return;
        }
        settled = true;
        ws.removeAllListeners('unexpected-response');
        ws.removeAllListeners('error');
        const options: OcppConnectionOptions = {
          identity: o.identity,
          peer: o.url,
          handlers: this.handlers,
          tracer: o.tracer,
          callTimeoutMs: o.callTimeoutMs,
          maxFrameBytes: maxFrame,
          pingIntervalMs: o.pingIntervalMs ?? 30_000,
          validate: o.validate,
          newMessageId: o.newMessageId,
        };
        resolve(new OcppConnection<V>(ws, version, options));
      });
    });
  }
}
