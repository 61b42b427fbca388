// One OCPP-J connection over an open WebSocket, the same on both sides (CSMS and station): CALLs
// out through a queue that keeps exactly one outstanding per direction ([J21] §4.1.1), CALLs in to
// handlers registered by action, every payload checked against the negotiated version's schemas
// in both directions, call timeouts, 2.1 SEND and CALLRESULTERROR, one trace event per frame.
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { Tracer } from '@v2xsim/trace';
import WebSocket from 'ws';
import type { CallAction, CallRequest, CallResponse, SendAction, SendPayload } from './actions.js';
import {
  OcppCallError,
  OcppConnectionClosedError,
  OcppError,
  OcppTimeoutError,
  OcppValidationError,
  parseErrorCode,
  wireErrorCode,
  type OcppErrorCode,
} from './errors.js';
import {
  MAX_MESSAGE_ID_LENGTH,
  parseMessage,
  serializeFrame,
  sniffHead,
  type CallErrorFrame,
  type CallFrame,
  type CallResultFrame,
  type OcppFrame,
  type Payload,
  type SendFrame,
} from './framing.js';
import { isCallAction, isSendAction, messageName, validatePayload } from './validation.js';
import { subprotocolOf, type OcppSubprotocol, type OcppVersion } from './versions.js';

export const DEFAULT_CALL_TIMEOUT_MS = 30_000;
/** Default frame size limit; OCPP has none ([J21] §5.2: 99 % of messages fit in 2 kB). */
export const DEFAULT_MAX_FRAME_BYTES = 1024 * 1024;

/** What a handler learns besides the request payload. */
export interface CallContext<V extends OcppVersion = OcppVersion> {
  connection: OcppConnection<V>;
  messageId: string;
  action: string;
}

export type CallHandler<V extends OcppVersion, A extends CallAction<V>> = (
  request: CallRequest<V, A>,
  context: CallContext<V>,
) => CallResponse<V, A> | Promise<CallResponse<V, A>>;

export type SendHandler<V extends OcppVersion, A extends SendAction<V>> = (payload: SendPayload<V, A>, context: CallContext<V>) => void | Promise<void>;

/** Handler per action; `handle(action, handler)` indexes it so a handler's literals stay typed. */
export type CallHandlers<V extends OcppVersion> = { [A in CallAction<V>]: CallHandler<V, A> };
export type SendHandlers<V extends OcppVersion> = { [A in SendAction<V>]: SendHandler<V, A> };

type AnyCallHandler = (request: never, context: CallContext<never>) => unknown;
type AnySendHandler = (payload: never, context: CallContext<never>) => unknown;

/**
 * Handlers by action. A connection owns one; a client passes the same registry to every
 * connection it opens, so handlers survive reconnects.
 */
export class HandlerRegistry {
  readonly calls: Map<string, AnyCallHandler>;
  readonly sends: Map<string, AnySendHandler>;

  /** A registry, optionally starting as a copy of `from` (later changes to either stay apart). */
  constructor(from?: HandlerRegistry) {
    this.calls = new Map(from?.calls);
    this.sends = new Map(from?.sends);
  }
}

export interface OcppConnectionOptions {
  /** the station's identity (on the CSMS: from the connection URL) */
  identity: string;
  /** the other side, for traces: the station id on the CSMS, the CSMS URL on the station */
  peer?: string;
  tracer?: Tracer;
  /** how long a CALL waits for its CALLRESULT/CALLERROR once sent (default 30 s) */
  callTimeoutMs?: number;
  /** frames larger than this (bytes, after decompression) are refused with a CALLERROR (default 1 MiB) */
  maxFrameBytes?: number;
  /** WebSocket ping interval; a missing pong by the next ping ends the connection (0: no pings) */
  pingIntervalMs?: number;
  /** validate every payload against the schemas (default true); false only for peers known to be broken */
  validate?: boolean;
  handlers?: HandlerRegistry;
  /** message ids for CALL/SEND (default: random UUIDs, unique across connections as [J21] §4.1.4 wants) */
  newMessageId?: () => string;
}

export interface CallOptions {
  timeoutMs?: number;
  /** a retry MAY reuse the id of the original message ([J21] §4.1.4) */
  messageId?: string;
}

export interface CloseInfo {
  code: number;
  reason: string;
}

/** A CALLRESULTERROR received (2.1): the peer could not process our CALLRESULT. */
export interface CallResultErrorInfo {
  messageId: string;
  code: OcppErrorCode | undefined;
  wireCode: string;
  description: string;
  details: Payload;
}

interface ConnectionEvents {
  close: [CloseInfo];
  callResultError: [CallResultErrorInfo];
  /** a handler failed or produced an invalid response (the peer got a CALLERROR) */
  handlerError: [{ action: string; messageId: string; error: unknown }];
}

interface PendingCall {
  action: string;
  messageId: string;
  payload: Payload;
  timeoutMs: number;
  resolve: (payload: Payload) => void;
  reject: (error: Error) => void;
  timer?: NodeJS.Timeout;
  sentAt?: number;
}

export class OcppConnection<V extends OcppVersion = OcppVersion> extends EventEmitter<ConnectionEvents> {
  readonly version: V;
  readonly identity: string;
  readonly handlers: HandlerRegistry;
  private readonly opts: Required<Pick<OcppConnectionOptions, 'callTimeoutMs' | 'maxFrameBytes' | 'validate' | 'newMessageId'>> & OcppConnectionOptions;
  private readonly queue: PendingCall[] = [];
  private inFlight: PendingCall | undefined;
  /** the message id of the inbound CALL being handled, if any */
  private handling: string | undefined;
  private pingTimer: NodeJS.Timeout | undefined;
  private awaitingPong = false;
  private closed = false;

  constructor(
    private readonly ws: WebSocket,
    version: V,
    options: OcppConnectionOptions,
  ) {
    super();
    this.version = version;
    this.identity = options.identity;
    this.handlers = options.handlers ?? new HandlerRegistry();
    this.opts = {
      ...options,
      callTimeoutMs: options.callTimeoutMs ?? DEFAULT_CALL_TIMEOUT_MS,
      maxFrameBytes: options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES,
      validate: options.validate ?? true,
      newMessageId: options.newMessageId ?? randomUUID,
    };
    ws.on('message', (data, isBinary) => this.onMessage(data, isBinary));
    ws.on('close', (code, reason) => this.onClose(code, reason.toString('utf8')));
    ws.on('pong', () => {
      this.awaitingPong = false;
    });
    // socket errors end in 'close'; without a listener ws would throw them
    ws.on('error', () => undefined);
    const ping = options.pingIntervalMs ?? 0;
    if (ping > 0) {
      this.pingTimer = setInterval(() => this.ping(), ping);
      this.pingTimer.unref();
    }
  }

  get subprotocol(): OcppSubprotocol {
    return subprotocolOf(this.version);
  }

  /** Whether RFC 7692 permessage-deflate was negotiated ([J21] §3.4). */
  get compression(): boolean {
    return this.ws.extensions.includes('permessage-deflate');
  }

  get isOpen(): boolean {
    return !this.closed && this.ws.readyState === WebSocket.OPEN;
  }

  /** Narrows the connection to one version: `if (conn.is('2.1')) conn.send(…)`. */
  is<W extends OcppVersion>(version: W): this is OcppConnection<W> {
    return (this.version as OcppVersion) === version;
  }

  /** Registers the handler for incoming CALLs of `action` (replacing any earlier one). */
  handle<A extends CallAction<V>>(action: A, handler: CallHandlers<V>[A]): this {
    this.handlers.calls.set(action, handler as unknown as AnyCallHandler);
    return this;
  }

  /** Registers the handler for incoming SEND messages of `action` (2.1). */
  onSend<A extends SendAction<V>>(action: A, handler: SendHandlers<V>[A]): this {
    this.handlers.sends.set(action, handler as unknown as AnySendHandler);
    return this;
  }

  /**
   * Sends a CALL and resolves with the CALLRESULT payload. Rejects with OcppValidationError
   * before sending anything when the payload fails its schema, OcppCallError on a CALLERROR,
   * OcppTimeoutError, or OcppConnectionClosedError. Calls queue: one is outstanding at a time.
   */
  call<A extends CallAction<V>>(action: A, payload: CallRequest<V, A>, options: CallOptions = {}): Promise<CallResponse<V, A>> {
    return this.callUnchecked(action, payload as Payload, options) as Promise<CallResponse<V, A>>;
  }

  /** `call` for an action name known only at run time; the payload is still validated. */
  callUnchecked(action: string, payload: Payload, options: CallOptions = {}): Promise<Payload> {
    if (!this.isOpen) return Promise.reject(new OcppConnectionClosedError());
    if (this.opts.validate) {
      const invalid = isCallAction(this.version, action)
        ? validatePayload(this.version, action, 'request', payload, 'outbound')
        : new OcppValidationError('NotImplemented', `${action} is not a CALL action of OCPP ${this.version}`, {}, 'outbound', messageName(action, 'request'));
      if (invalid) return Promise.reject(invalid);
    }
    const messageId = options.messageId ?? this.opts.newMessageId();
    if (messageId.length === 0 || messageId.length > MAX_MESSAGE_ID_LENGTH) return Promise.reject(new RangeError(`message id must have 1 to ${MAX_MESSAGE_ID_LENGTH} characters`));
    return new Promise<Payload>((resolve, reject) => {
      this.queue.push({ action, messageId, payload, timeoutMs: options.timeoutMs ?? this.opts.callTimeoutMs, resolve, reject });
      this.pump();
    });
  }

  /** Sends a SEND message (2.1, [J21] §4.2.4): never answered, may go while a CALL is outstanding. */
  send<A extends SendAction<V>>(action: A, payload: SendPayload<V, A>, messageId: string = this.opts.newMessageId()): void {
    if (this.version !== '2.1') throw new OcppError('MessageTypeNotSupported', `SEND exists from OCPP 2.1 on, this connection speaks ${this.version}`);
    if (this.opts.validate) {
      const invalid = isSendAction(this.version, action)
        ? validatePayload(this.version, action, 'send', payload, 'outbound')
        : new OcppValidationError('NotImplemented', `${action} is not a SEND action of OCPP ${this.version}`, {}, 'outbound', action);
      if (invalid) throw invalid;
    }
    this.transmit({ type: 'SEND', messageId, action, payload: payload as Payload }, action);
  }

  /** Closes the WebSocket; pending calls reject with OcppConnectionClosedError. */
  close(code = 1000, reason = ''): Promise<CloseInfo> {
    return new Promise((resolve) => {
      if (this.closed || this.ws.readyState === WebSocket.CLOSED) {
        resolve({ code, reason });
        return;
      }
      this.once('close', resolve);
      this.ws.close(code, reason);
      // a peer that never completes the closing handshake does not hold us
      setTimeout(() => this.ws.terminate(), 2000).unref();
    });
  }

  /** Drops the TCP connection without a closing handshake (a station losing its network). */
  terminate(): void {
    this.ws.terminate();
  }

  // ---------------------------------------------------------------------------------------------

  private pump(): void {
    if (this.inFlight || !this.isOpen) return;
    const next = this.queue.shift();
    if (!next) return;
    this.inFlight = next;
    next.sentAt = performance.now();
    next.timer = setTimeout(() => {
      if (this.inFlight !== next) return;
      this.inFlight = undefined;
      next.reject(new OcppTimeoutError(next.action, next.messageId, next.timeoutMs));
      this.pump();
    }, next.timeoutMs);
    try {
      this.transmit({ type: 'CALL', messageId: next.messageId, action: next.action, payload: next.payload }, messageName(next.action, 'request'));
    } catch (e) {
      clearTimeout(next.timer);
      this.inFlight = undefined;
      next.reject(e instanceof Error ? e : new Error(String(e)));
      this.pump();
    }
  }

  private settle(call: PendingCall, outcome: { payload: Payload } | { error: Error }): void {
    clearTimeout(call.timer);
    if (this.inFlight === call) this.inFlight = undefined;
    if ('payload' in outcome) call.resolve(outcome.payload);
    else call.reject(outcome.error);
    this.pump();
  }

  private transmit(frame: OcppFrame, message: string, extra: { error?: string; action?: string } = {}): void {
    if (!this.isOpen) throw new OcppConnectionClosedError();
    const text = serializeFrame(frame);
    this.ws.send(text);
    this.trace('tx', frame, message, Buffer.byteLength(text), extra);
  }

  private trace(
    direction: 'tx' | 'rx',
    frame: OcppFrame | undefined,
    message: string,
    size: number,
    extra: { error?: string; action?: string; raw?: string; messageId?: string; timing?: { elapsedMs: number; budgetMs: number } } = {},
  ): void {
    const tracer = this.opts.tracer;
    if (!tracer) return;
    let body: unknown;
    if (!frame) body = { raw: extra.raw };
    else if ('payload' in frame) body = frame.payload;
    else body = { ...(extra.action ? { action: extra.action } : {}), errorCode: frame.errorCode, errorDescription: frame.errorDescription, errorDetails: frame.errorDetails };
    tracer.message({
      // the subprotocol name, as the data-object dictionary and the other links spell protocols
      protocol: subprotocolOf(this.version),
      version: this.version,
      direction,
      message,
      peer: this.opts.peer ?? this.identity,
      correlationId: frame?.messageId ?? extra.messageId,
      size,
      body,
      ...(extra.timing ? { timing: { kind: 'ocpp-call', ...extra.timing, breach: extra.timing.elapsedMs > extra.timing.budgetMs } } : {}),
      ...(extra.error ? { error: extra.error } : {}),
    });
  }

  private answerError(messageId: string, code: OcppErrorCode, description: string, details: Payload = {}, action?: string): void {
    const frame: CallErrorFrame = { type: 'CALLERROR', messageId, errorCode: wireErrorCode(code, this.version), errorDescription: description, errorDetails: details };
    try {
      this.transmit(frame, 'CALLERROR', { error: `${code}: ${description}`, ...(action ? { action } : {}) });
    } catch {
      // closed meanwhile: nothing to answer on
    }
  }

  private onMessage(data: WebSocket.RawData, isBinary: boolean): void {
    const buf = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
    const size = buf.length;
    if (size > this.opts.maxFrameBytes) {
      // not parsed: the id (when it leads the message) is enough to answer
      const head = sniffHead(buf.subarray(0, 128).toString('utf8'));
      const description = `message of ${size} bytes exceeds the limit of ${this.opts.maxFrameBytes} bytes`;
      this.trace('rx', undefined, 'invalid', size, { raw: buf.subarray(0, 128).toString('utf8'), error: description, ...(head.messageId ? { messageId: head.messageId } : {}) });
      if (head.messageTypeId === 3 || head.messageTypeId === 4) {
        if (this.inFlight && this.inFlight.messageId === head.messageId) {
          this.settle(this.inFlight, { error: new OcppValidationError('FormatViolation', description, {}, 'inbound', messageName(this.inFlight.action, 'response')) });
        }
        return;
      }
      this.answerError(head.messageId ?? '-1', 'RpcFrameworkError', description);
      return;
    }
    // OCPP-J is text ([J21] §4.1.2); a binary frame is read as UTF-8 like any other
    void isBinary;
    const text = buf.toString('utf8');
    const parsed = parseMessage(text, this.version);
    if (!parsed.ok) {
      this.trace('rx', undefined, 'invalid', size, { raw: text.slice(0, 512), error: `${parsed.code}: ${parsed.description}`, messageId: parsed.messageId });
      const pending = this.inFlight;
      if ((parsed.messageTypeId === 3 || parsed.messageTypeId === 4) && pending && pending.messageId === parsed.messageId) {
        this.settle(pending, { error: new OcppValidationError(parsed.code, parsed.description, {}, 'inbound', messageName(pending.action, 'response')) });
        if (parsed.messageTypeId === 3) this.answerResultError(parsed.messageId, parsed.code, parsed.description);
        return;
      }
      if (parsed.answer) this.answerError(parsed.messageId, parsed.code, parsed.description);
      return;
    }
    const frame = parsed.frame;
    switch (frame.type) {
      case 'CALL':
        this.trace('rx', frame, messageName(frame.action, 'request'), size);
        void this.onCall(frame);
        return;
      case 'CALLRESULT':
        this.onCallResult(frame, size);
        return;
      case 'CALLERROR':
        this.onCallError(frame, size);
        return;
      case 'CALLRESULTERROR':
        this.trace('rx', frame, 'CALLRESULTERROR', size);
        this.emit('callResultError', {
          messageId: frame.messageId,
          code: parseErrorCode(frame.errorCode),
          wireCode: frame.errorCode,
          description: frame.errorDescription,
          details: frame.errorDetails,
        });
        return;
      case 'SEND':
        this.onSendFrame(frame, size);
        return;
      default: {
        const never: never = frame;
        throw new Error(`unhandled frame ${JSON.stringify(never)}`);
      }
    }
  }

  private async onCall(frame: CallFrame): Promise<void> {
    const { messageId, action } = frame;
    if (this.handling !== undefined) {
      // [J21] §4.1.1: the peer must wait for our answer before its next CALL
      this.answerError(messageId, 'RpcFrameworkError', `a CALL (${this.handling}) is still being handled: one CALL at a time per direction`, {}, action);
      return;
    }
    if (!isCallAction(this.version, action) && this.opts.validate) {
      this.answerError(messageId, 'NotImplemented', `${action} is not a CALL action of OCPP ${this.version}`, {}, action);
      return;
    }
    const handler = this.handlers.calls.get(action);
    if (!handler) {
      this.answerError(messageId, 'NotSupported', `${action} is not supported here`, {}, action);
      return;
    }
    if (this.opts.validate) {
      const invalid = validatePayload(this.version, action, 'request', frame.payload, 'inbound');
      if (invalid) {
        this.answerError(messageId, invalid.code, invalid.description, invalid.details, action);
        return;
      }
    }
    this.handling = messageId;
    let response: unknown;
    try {
      response = await (handler as unknown as (r: unknown, c: CallContext<V>) => unknown)(frame.payload, { connection: this, messageId, action });
    } catch (error) {
      this.handling = undefined;
      this.emit('handlerError', { action, messageId, error });
      if (error instanceof OcppError) this.answerError(messageId, error.code, error.description, error.details, action);
      else this.answerError(messageId, 'InternalError', `${action} could not be processed`, {}, action);
      return;
    }
    this.handling = undefined;
    if (this.opts.validate) {
      const invalid = validatePayload(this.version, action, 'response', response, 'outbound');
      if (invalid) {
        // our own response is wrong: the peer learns only that we failed, never gets a bad payload
        this.emit('handlerError', { action, messageId, error: invalid });
        this.answerError(messageId, 'InternalError', `${action} could not be processed`, {}, action);
        return;
      }
    }
    try {
      this.transmit({ type: 'CALLRESULT', messageId, payload: (response ?? {}) as Payload }, messageName(action, 'response'));
    } catch {
      // closed while the handler ran
    }
  }

  private onCallResult(frame: CallResultFrame, size: number): void {
    const call = this.inFlight;
    if (!call || call.messageId !== frame.messageId) {
      // late (after a timeout) or never asked for: nothing to settle, and never answered
      this.trace('rx', frame, 'CALLRESULT', size, { error: `CALLRESULT ${frame.messageId} matches no outstanding CALL` });
      return;
    }
    const timing = { elapsedMs: performance.now() - (call.sentAt ?? performance.now()), budgetMs: call.timeoutMs };
    const invalid = this.opts.validate ? validatePayload(this.version, call.action, 'response', frame.payload, 'inbound') : undefined;
    this.trace('rx', frame, messageName(call.action, 'response'), size, { timing, ...(invalid ? { error: `${invalid.code}: ${invalid.description}` } : {}) });
    if (invalid) {
      this.settle(call, { error: invalid });
      this.answerResultError(frame.messageId, invalid.code, invalid.description, invalid.details);
      return;
    }
    this.settle(call, { payload: frame.payload });
  }

  /** [J21] §4.2.3: a CALLRESULT we cannot process is answered with CALLRESULTERROR, on 2.1 only. */
  private answerResultError(messageId: string, code: OcppErrorCode, description: string, details: Payload = {}): void {
    if (this.version !== '2.1') return;
    try {
      this.transmit({ type: 'CALLRESULTERROR', messageId, errorCode: code, errorDescription: description, errorDetails: details }, 'CALLRESULTERROR', { error: `${code}: ${description}` });
    } catch {
      // closed meanwhile
    }
  }

  private onCallError(frame: CallErrorFrame, size: number): void {
    const call = this.inFlight;
    const matched = call && call.messageId === frame.messageId ? call : undefined;
    this.trace('rx', frame, 'CALLERROR', size, {
      error: matched ? `${frame.errorCode}: ${frame.errorDescription}` : `CALLERROR ${frame.messageId} matches no outstanding CALL`,
      ...(matched ? { action: matched.action } : {}),
    });
    if (!matched) return;
    const code = parseErrorCode(frame.errorCode) ?? 'GenericError';
    this.settle(matched, { error: new OcppCallError(code, frame.errorDescription, frame.errorDetails, frame.errorCode, matched.action, frame.messageId) });
  }

  private onSendFrame(frame: SendFrame, size: number): void {
    // [J21] §4.2.4: a SEND is never answered, not even with a CALLERROR
    const invalid = !isSendAction(this.version, frame.action)
      ? `${frame.action} is not a SEND action of OCPP ${this.version}`
      : this.opts.validate
        ? validatePayload(this.version, frame.action, 'send', frame.payload, 'inbound')?.message
        : undefined;
    const handler = this.handlers.sends.get(frame.action);
    this.trace('rx', frame, frame.action, size, invalid ? { error: invalid } : handler ? {} : { error: `no handler for ${frame.action}` });
    if (invalid || !handler) return;
    Promise.resolve()
      .then(() => (handler as unknown as (p: unknown, c: CallContext<V>) => unknown)(frame.payload, { connection: this, messageId: frame.messageId, action: frame.action }))
      .catch((error: unknown) => this.emit('handlerError', { action: frame.action, messageId: frame.messageId, error }));
  }

  private ping(): void {
    if (!this.isOpen) return;
    if (this.awaitingPong) {
      this.ws.terminate();
      return;
    }
    this.awaitingPong = true;
    this.ws.ping();
  }

  private onClose(code: number, reason: string): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.pingTimer);
    const error = new OcppConnectionClosedError(`OCPP connection closed (${code}${reason ? ` ${reason}` : ''})`);
    const pending = [...(this.inFlight ? [this.inFlight] : []), ...this.queue.splice(0)];
    this.inFlight = undefined;
    for (const call of pending) {
      clearTimeout(call.timer);
      call.reject(error);
    }
    this.emit('close', { code, reason });
  }
}
