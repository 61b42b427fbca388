import type net from 'node:net';
import tls from 'node:tls';
import { V2gtpReader, encodeV2gtpHeader } from '../v2gtp/index.js';
import type { V2gtpDecodeOptions, V2gtpMessage, V2gtpPayloadType } from '../v2gtp/index.js';
import { V2gTransportError, describeCloseReason } from './errors.js';
import type { V2gCloseReason } from './errors.js';

/** One V2GTP message sent (`tx`) or received (`rx`). */
export interface V2gTransportTraceEvent {
  readonly direction: 'tx' | 'rx';
  readonly payloadType: V2gtpPayloadType;
  /** Payload bytes (the 8 header bytes not included). */
  readonly size: number;
  readonly payload: Uint8Array;
}

export interface V2gConnectionOptions extends V2gtpDecodeOptions {
  /** Every message sent and received. */
  readonly trace?: (event: V2gTransportTraceEvent) => void;
  /** Reading pauses while this many received messages wait unread. Default 32. */
  readonly highWaterMark?: number;
  /** After `close()`, destroy the socket if the peer has not closed within this time. Default 2000 ms. */
  readonly closeTimeoutMs?: number;
}

export interface ReceiveOptions {
  /** Reject with `RECEIVE_TIMEOUT` after this long (e.g. V2G_EVCC_Msg_Timeout). */
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
}

/** TLS details of a connection, for traces and checks. */
export interface V2gTlsInfo {
  readonly protocol: string | null;
  readonly cipher: string;
  /** The peer certificate chain verified against the CA. */
  readonly authorized: boolean;
  readonly peerCertificate: tls.PeerCertificate | undefined;
}

interface Waiter {
  resolve(message: V2gtpMessage): void;
  reject(error: V2gTransportError): void;
}

/**
 * V2GTP messages over one TCP or TLS socket.
 *
 * Receiving is pull-based: `await conn.receive({ timeoutMs })` or `for await (const msg of conn)`.
 * V2G communication is strictly request → response, so the caller always knows when it wants
 * the next message and with which timeout; a pull API gives that directly, and backpressure
 * for free (reading pauses while `highWaterMark` messages wait). There is no message callback:
 * `(async () => { for await (const m of conn) handle(m) })()` is one.
 *
 * `closed` resolves (never rejects) with the {@link V2gCloseReason}. On an invalid V2GTP header
 * the connection closes itself with reason `v2gtp`. Messages received before a close are still
 * delivered; after them `receive` rejects with `CLOSED`, and iteration ends (peer/local close)
 * or throws `CLOSED` (V2GTP or socket error).
 */
export class V2gConnection implements AsyncIterable<V2gtpMessage> {
  readonly socket: net.Socket;
  /** Resolves once the socket is fully closed. */
  readonly closed: Promise<V2gCloseReason>;
  readonly #reader: V2gtpReader;
  readonly #trace: ((event: V2gTransportTraceEvent) => void) | undefined;
  readonly #highWaterMark: number;
  readonly #closeTimeoutMs: number;
  readonly #queue: V2gtpMessage[] = [];
  readonly #waiters: Waiter[] = [];
  #reason: V2gCloseReason | undefined;
  #isClosed = false;
  #resolveClosed!: (reason: V2gCloseReason) => void;

  constructor(socket: net.Socket, options: V2gConnectionOptions = {}) {
    this.socket = socket;
    this.#reader = new V2gtpReader(options);
    this.#trace = options.trace;
    this.#highWaterMark = Math.max(1, options.highWaterMark ?? 32);
    this.#closeTimeoutMs = options.closeTimeoutMs ?? 2000;
    this.closed = new Promise((resolve) => {
      this.#resolveClosed = resolve;
    });
    // The CurrentDemand loop is latency-bound: no Nagle delay on 25 ms budgets.
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.#onData(chunk));
    socket.on('end', () => this.#onEnd());
    socket.on('error', (error) => this.#setReason({ kind: 'socket', error }));
    socket.on('close', () => this.#onClose());
    if (socket.destroyed) this.#onClose();
  }

  /** The peer's address and port. */
  get remote(): { readonly address: string | undefined; readonly port: number | undefined } {
    return { address: this.socket.remoteAddress, port: this.socket.remotePort };
  }

  /** TLS details, or undefined on plain TCP. */
  get tls(): V2gTlsInfo | undefined {
    if (!(this.socket instanceof tls.TLSSocket)) return undefined;
    const peer = this.socket.getPeerCertificate();
    return {
      protocol: this.socket.getProtocol(),
      cipher: this.socket.getCipher().name,
      authorized: this.socket.authorized,
      peerCertificate: peer !== null && Object.keys(peer).length > 0 ? peer : undefined,
    };
  }

  /** Whether the connection is closing or closed (no more sends). */
  get isClosing(): boolean {
    return this.#reason !== undefined || this.#isClosed;
  }

  /** The close reason once known (possibly before `closed` resolves). */
  get closeReason(): V2gCloseReason | undefined {
    return this.#reason;
  }

  /**
   * Writes the 8-byte header and the payload in one corked write (one TCP segment / TLS record
   * for small messages). Resolves when the data is handed to the OS. Rejects with `CLOSED` on a
   * closing connection, or with the V2gtpError of an invalid payload type / length.
   */
  send(payloadType: V2gtpPayloadType, payload: Uint8Array): Promise<void> {
    if (this.isClosing) {
      return Promise.reject(this.#closedError());
    }
    let header: Uint8Array;
    try {
      header = encodeV2gtpHeader(payloadType, payload.length);
    } catch (error) {
      return Promise.reject(error as Error);
    }
    this.#trace?.({ direction: 'tx', payloadType, size: payload.length, payload });
    return new Promise<void>((resolve, reject) => {
      this.socket.cork();
      this.socket.write(header);
      this.socket.write(payload, (error) => (error ? reject(error) : resolve()));
      this.socket.uncork();
    });
  }

  /** The next message. Rejects with `CLOSED`, `RECEIVE_TIMEOUT` or `ABORTED` (V2gTransportError). */
  receive(options: ReceiveOptions = {}): Promise<V2gtpMessage> {
    const queued = this.#dequeue();
    if (queued !== undefined) return Promise.resolve(queued);
    if (this.#isClosed || this.#reason !== undefined) return Promise.reject(this.#closedError());
    if (options.signal?.aborted) return Promise.reject(new V2gTransportError('ABORTED', 'receive aborted'));
    return new Promise<V2gtpMessage>((resolve, reject) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const cleanup = (): void => {
        if (timer !== undefined) clearTimeout(timer);
        options.signal?.removeEventListener('abort', onAbort);
        const at = this.#waiters.indexOf(waiter);
        if (at >= 0) this.#waiters.splice(at, 1);
      };
      const waiter: Waiter = {
        resolve: (message) => {
          cleanup();
          resolve(message);
        },
        reject: (error) => {
          cleanup();
          reject(error);
        },
      };
      const onAbort = (): void => waiter.reject(new V2gTransportError('ABORTED', 'receive aborted'));
      if (options.timeoutMs !== undefined) {
        const ms = options.timeoutMs;
        timer = setTimeout(() => waiter.reject(new V2gTransportError('RECEIVE_TIMEOUT', `no message within ${ms} ms`)), ms);
      }
      options.signal?.addEventListener('abort', onAbort, { once: true });
      this.#waiters.push(waiter);
    });
  }

  async *[Symbol.asyncIterator](): AsyncIterator<V2gtpMessage> {
    for (;;) {
      try {
        yield await this.receive();
      } catch (error) {
        if (error instanceof V2gTransportError && error.code === 'CLOSED') {
          const kind = error.reason?.kind;
          if (kind === 'local' || kind === 'peer') return;
        }
        throw error;
      }
    }
  }

  /** Closes gracefully (FIN after pending writes); resolves with the reason once closed. */
  close(): Promise<V2gCloseReason> {
    if (this.#setReason({ kind: 'local' })) {
      this.socket.end();
      setTimeout(() => this.socket.destroy(), this.#closeTimeoutMs).unref();
    }
    return this.closed;
  }

  /** Closes at once (RST-like, pending writes dropped). */
  destroy(): Promise<V2gCloseReason> {
    this.#setReason({ kind: 'local' });
    this.socket.destroy();
    return this.closed;
  }

  #onData(chunk: Buffer): void {
    if (this.#reason !== undefined && this.#reason.kind !== 'local') return;
    const { messages, error } = this.#reader.push(chunk);
    for (const message of messages) {
      this.#trace?.({ direction: 'rx', payloadType: message.payloadType, size: message.payload.length, payload: message.payload });
      const waiter = this.#waiters.shift();
      if (waiter !== undefined) waiter.resolve(message);
      else this.#queue.push(message);
    }
    if (this.#queue.length >= this.#highWaterMark) this.socket.pause();
    if (error !== undefined && this.#setReason({ kind: 'v2gtp', error })) {
      // The stream position is lost after a bad header: close at once [ISO 15118-2 §7.8.3].
      this.socket.destroy();
    }
  }

  #onEnd(): void {
    const error = this.#reader.end();
    if (error !== undefined) {
      if (this.#setReason({ kind: 'v2gtp', error })) this.socket.destroy();
    } else {
      this.#setReason({ kind: 'peer' });
    }
  }

  #onClose(): void {
    if (this.#isClosed) return;
    this.#setReason({ kind: 'peer' });
    this.#isClosed = true;
    const reason = this.#reason!;
    for (const waiter of this.#waiters.splice(0)) waiter.reject(this.#closedError());
    this.#resolveClosed(reason);
  }

  /** Records the first reason only; returns whether this call set it. */
  #setReason(reason: V2gCloseReason): boolean {
    if (this.#reason !== undefined) return false;
    this.#reason = reason;
    if (this.#queue.length === 0) {
      // Nobody will get a message any more; waiting receivers learn why now.
      for (const waiter of this.#waiters.splice(0)) waiter.reject(this.#closedError());
    }
    return true;
  }

  #dequeue(): V2gtpMessage | undefined {
    const message = this.#queue.shift();
    if (message !== undefined && this.#queue.length < this.#highWaterMark && this.socket.isPaused()) this.socket.resume();
    return message;
  }

  #closedError(): V2gTransportError {
    const reason = this.#reason ?? { kind: 'peer' as const };
    return new V2gTransportError('CLOSED', `V2G connection ${describeCloseReason(reason)}`, {
      reason,
      cause: reason.kind === 'v2gtp' || reason.kind === 'socket' ? reason.error : undefined,
    });
  }
}
