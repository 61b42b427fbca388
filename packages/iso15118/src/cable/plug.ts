/**
 * The EV's end of the cable: connecting to the EVSE's cable socket is the plug-in, closing it
 * the unplug. The EV controls S2 (state B ↔ C/D) and can signal a fault (E).
 */
import net from 'node:net';
import { CableEnd } from './end.js';
import type { CableCommit, CableEndOptions } from './end.js';
import type { CableChange, CableEvent, CableSide, UnplugReason } from './events.js';
import { isCableCurrent, isEvCpState } from './model.js';
import type { CableCurrent, EvCpState } from './model.js';
import { CABLE_PROTOCOL_VERSION, CableError, LineSplitter, encodeCableMessage, parseEvseLine } from './wire.js';
import type { EvToEvseMessage, EvseAckMessage, EvseToEvMessage } from './wire.js';

export interface PlugInOptions extends CableEndOptions {
  /** The EVSE's cable socket. Default host `127.0.0.1`. */
  readonly host?: string;
  readonly port: number;
  /** The cable's current capacity (PP coding). Default 32 A. */
  readonly cableCurrentA?: CableCurrent;
  /** The EV's load at plug-in. Default `B` (S2 open). */
  readonly state?: EvCpState;
  /** Reject with CableError `TIMEOUT` if the EVSE has not acknowledged the plug-in within this. Default 5000 ms. */
  readonly timeoutMs?: number;
}

interface Pending {
  readonly change: CableChange;
  readonly t: number;
  resolve(commit: CableCommit): void;
  reject(error: CableError): void;
}

/**
 * Plugs the EV in: connects to the EVSE's cable socket, sends `plug` and resolves once the EVSE
 * has acknowledged it (the `plugged` event is then in `plug.events`). Rejects with CableError
 * `OCCUPIED` (another EV is plugged in), `VERSION`, `TIMEOUT` or `SOCKET`.
 */
export async function plugIn(options: PlugInOptions): Promise<CablePlug> {
  const cableCurrentA = options.cableCurrentA ?? 32;
  const state = options.state ?? 'B';
  if (!isCableCurrent(cableCurrentA)) throw new RangeError(`cable current ${String(cableCurrentA)} A is not 13, 20, 32 or 63`);
  if (!isEvCpState(state)) throw new RangeError(`the EV cannot set CP state ${String(state)}`);
  const socket = net.connect({ host: options.host ?? '127.0.0.1', port: options.port, noDelay: true });
  const plug = new CablePlug(socket, options);
  await plug.plug(cableCurrentA, state, options.timeoutMs ?? 5000);
  return plug;
}

/** The EV's plug, connected to an EVSE's {@link CableSocket}. */
export class CablePlug extends CableEnd {
  readonly side: CableSide = 'ev';
  readonly socket: net.Socket;
  readonly #splitter = new LineSplitter();
  readonly #pending = new Map<number, Pending>();
  readonly #closed: Promise<void>;
  #seq = 0;
  #lastN = 0;
  #s2: EvCpState = 'B';
  #ended = false;
  #plugAck: ((ack: EvseAckMessage) => void) | undefined;
  #plugFail: ((error: CableError) => void) | undefined;

  /** Use {@link plugIn}. */
  constructor(socket: net.Socket, options: CableEndOptions = {}) {
    super(options);
    this.socket = socket;
    socket.on('data', (chunk: Buffer) => {
      for (const item of this.#splitter.push(chunk)) {
        if (item.tooLong) this.emitError(new CableError('LINE_TOO_LONG', 'line too long, ignored', { line: item.line }));
        else this.#onLine(item.line);
      }
    });
    socket.on('error', (error) => {
      this.#plugFail?.(new CableError('SOCKET', error.message, { cause: error }));
    });
    this.#closed = new Promise((resolve) => socket.on('close', () => resolve()));
    socket.on('close', () => this.#end('connection-lost'));
  }

  /** The EV's own load on the line (S2) as set, before the EVSE has acknowledged it. */
  get evState(): EvCpState {
    return this.#s2;
  }

  /** The EVSE holds its oscillator at −12 V (state F). */
  get fault(): boolean {
    return this.cable.evseFault;
  }

  /** Sends `plug` once connected and waits for the EVSE's ack (done by {@link plugIn}). */
  plug(cableCurrentA: CableCurrent, state: EvCpState, timeoutMs: number): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => fail(new CableError('TIMEOUT', `no plug-in ack within ${timeoutMs} ms`)), timeoutMs);
      const settle = (): void => {
        clearTimeout(timer);
        this.#plugAck = undefined;
        this.#plugFail = undefined;
      };
      const fail = (error: CableError): void => {
        settle();
        this.#ended = true;
        this.socket.destroy();
        reject(error);
      };
      this.#plugFail = fail;
      // Synchronous on the ack line, so that the lines after it in the same chunk (a PWM change
      // the EVSE made on 'plugged') find the cable plugged in.
      this.#plugAck = (ack) => {
        settle();
        // The EVSE's oscillator before the plug-in is not an event; the plugged event carries it.
        this.setSilently({ duty: ack.duty ?? null, evseFault: ack.fault ?? false });
        this.#commit(ack);
        resolve();
      };
      const send = (): void => {
        const seq = ++this.#seq;
        const t = this.now();
        this.#s2 = state;
        const change: CableChange = { type: 'plug', cableCurrentA, state };
        this.#pending.set(seq, { change, t, resolve: () => undefined, reject: () => undefined });
        this.#send({ type: 'plug', v: CABLE_PROTOCOL_VERSION, seq, t, cableCurrentA, state });
      };
      if (this.socket.connecting) this.socket.once('connect', send);
      else send();
    });
  }

  /**
   * Sets the EV's load: `C` (or `D`, with ventilation) closes S2, `B` opens it, `E` is a CP
   * fault. Resolves with the commit once the EVSE has acknowledged it; the `cp` event (with `t`,
   * the moment of the switch) is emitted just before. Rejects with CableError `UNPLUGGED`.
   */
  setState(state: EvCpState): Promise<CableCommit> {
    if (!isEvCpState(state)) return Promise.reject(new RangeError(`the EV cannot set CP state ${String(state)}`));
    return this.#request({ type: 'ev-cp', state }, (seq, t) => ({ type: 'cp', seq, t, state }));
  }

  /** Pulls the plug: sends `unplug`, waits for the ack (at most 2 s), closes the connection. */
  async unplug(): Promise<void> {
    if (this.#ended) return;
    const done = this.#request({ type: 'unplug', reason: 'unplug' }, (seq, t) => ({ type: 'unplug', seq, t }));
    const timeout = new Promise<void>((resolve) => setTimeout(resolve, 2000).unref());
    await Promise.race([done.then(() => undefined, () => undefined), timeout]);
    this.#end('unplug');
    this.socket.end();
    await this.#closed;
  }

  /** Ends the connection abruptly, as if the EV process died (the EVSE sees the connection drop). */
  destroy(): void {
    this.#end('closed');
    this.socket.destroy();
  }

  #request(change: CableChange, message: (seq: number, t: number) => EvToEvseMessage): Promise<CableCommit> {
    if (this.#ended || !this.plugged) {
      return Promise.reject(new CableError('UNPLUGGED', `${change.type}: the cable is not plugged in`));
    }
    const seq = ++this.#seq;
    const t = this.now();
    if (change.type === 'ev-cp') this.#s2 = change.state;
    return new Promise((resolve, reject) => {
      this.#pending.set(seq, { change, t, resolve, reject });
      this.#send(message(seq, t));
    });
  }

  /** The EVSE acknowledged one of our changes: it takes its place in the sequence now. */
  #commit(ack: EvseAckMessage): void {
    const pending = this.#pending.get(ack.seq);
    if (pending === undefined) {
      this.emitError(new CableError('UNEXPECTED', `ack for unknown change ${ack.seq}`));
      return;
    }
    this.#pending.delete(ack.seq);
    this.#lastN = Math.max(this.#lastN, ack.n);
    let events: CableEvent[] = [];
    try {
      events = this.apply(pending.change, { n: ack.n, t: pending.t, by: 'ev' });
    } catch (error) {
      this.emitError(error as CableError);
    }
    this.emitEvents(events);
    pending.resolve({ n: ack.n, t: pending.t, events, ackedAt: ack.t });
  }

  #onLine(line: string): void {
    const receivedAt = this.now();
    this.traceLine?.({ direction: 'rx', line, at: receivedAt });
    let message: EvseToEvMessage;
    try {
      message = parseEvseLine(line);
    } catch (error) {
      this.emitError(error as CableError);
      return;
    }
    switch (message.type) {
      case 'error':
        if (this.#plugFail !== undefined) this.#plugFail(new CableError(message.code, message.message));
        else this.emitError(new CableError('UNEXPECTED', `the EVSE says: ${message.message}`, { line }));
        return;
      case 'ack':
        if (this.#plugAck !== undefined && message.seq === 1) this.#plugAck(message);
        else this.#commit(message);
        return;
      case 'pwm':
      case 'cp': {
        if (!this.plugged) {
          this.emitError(new CableError('UNEXPECTED', `${message.type} before the plug-in ack`, { line }));
          return;
        }
        this.#lastN = Math.max(this.#lastN, message.n);
        const change: CableChange = message.type === 'pwm' ? { type: 'pwm', duty: message.duty } : { type: 'fault' };
        const events = this.apply(change, { n: message.n, t: message.t, by: 'evse', receivedAt });
        this.#send({ type: 'ack', n: message.n, t: receivedAt });
        this.emitEvents(events);
        return;
      }
    }
  }

  /** The cable is unplugged on this side (once). Pending changes are rejected. */
  #end(reason: UnplugReason): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#plugFail?.(new CableError('SOCKET', 'the connection closed before the plug-in was acknowledged'));
    for (const pending of this.#pending.values()) {
      pending.reject(new CableError('UNPLUGGED', `${pending.change.type}: unplugged before the EVSE acknowledged it`));
    }
    this.#pending.clear();
    if (!this.plugged) return;
    const events = this.apply({ type: 'unplug', reason }, { n: ++this.#lastN, t: this.now(), by: 'ev' });
    this.emitEvents(events);
  }

  #send(message: EvToEvseMessage): void {
    const line = encodeCableMessage(message);
    this.traceLine?.({ direction: 'tx', line: line.slice(0, -1), at: this.now() });
    if (!this.socket.destroyed && this.socket.writable) this.socket.write(line);
  }
}
