/**
 * The EVSE's end of the cable: a TCP listener on which one EV at a time "plugs in" by
 * connecting. The EVSE numbers every change on the cable (its own and the EV's), so both ends
 * see the same sequence.
 */
import net from 'node:net';
import { CableEnd } from './end.js';
import type { CableCommit, CableEndOptions } from './end.js';
import type { CableChange, CableEvent, CableSide, UnplugReason } from './events.js';
import { isPwmDuty } from './model.js';
import type { PwmDuty } from './model.js';
import { CABLE_PROTOCOL_VERSION, CableError, LineSplitter, encodeCableMessage, parseEvLine } from './wire.js';
import type { EvToEvseMessage, EvseToEvMessage } from './wire.js';

export interface CableListenerOptions extends CableEndOptions {
  /** Address to bind. Default `127.0.0.1`. */
  readonly host?: string;
  /** TCP port; 0 (default) picks a free one (see `port`). */
  readonly port?: number;
}

interface Connection {
  readonly socket: net.Socket;
  readonly splitter: LineSplitter;
  /** The EV sent `plug` on this connection (and no `unplug` yet). */
  plugged: boolean;
  /** Unacknowledged EVSE changes on this connection. */
  readonly pending: Map<number, (ackedAt: number | undefined) => void>;
}

/** Opens the EVSE's cable socket. */
export async function createCableListener(options: CableListenerOptions = {}): Promise<CableSocket> {
  const socket = new CableSocket(options);
  await socket.listen(options.host ?? '127.0.0.1', options.port ?? 0);
  return socket;
}

/**
 * The EVSE's socket outlet. It controls the PWM (`setPwm`) and state F (`setFault`) and sees the
 * EV's plug-in, S2 changes and unplug as events. A dropped connection is an unplug (state A).
 */
export class CableSocket extends CableEnd {
  readonly side: CableSide = 'evse';
  readonly server: net.Server;
  #host = '';
  #port = 0;
  #n = 0;
  #connection: Connection | undefined;
  #closing = false;
  /** Every accepted TCP connection, refused ones included (closed on `close()`). */
  readonly #open = new Set<net.Socket>();

  constructor(options: CableEndOptions = {}) {
    super(options);
    this.server = net.createServer({ noDelay: true }, (socket) => this.#accept(socket));
    this.server.on('error', (error) => this.emitError(new CableError('SOCKET', error.message, { cause: error })));
  }

  /** The bound address. */
  get host(): string {
    return this.#host;
  }

  /** The bound TCP port. */
  get port(): number {
    return this.#port;
  }

  /** The oscillator is held at −12 V (state F). */
  get fault(): boolean {
    return this.cable.evseFault;
  }

  /** Binds and listens (done by {@link createCableListener}). */
  async listen(host: string, port: number): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    const bound = this.server.address() as net.AddressInfo;
    this.#host = bound.address;
    this.#port = bound.port;
  }

  /**
   * Sets the oscillator: PWM with `duty` percent (5 = digital communication required), or `null`
   * for off (+12 V constant). Clears state F. Resolves once the EV has acknowledged it (at once
   * while unplugged). Throws RangeError for a duty cycle outside [0, 100].
   */
  setPwm(duty: PwmDuty): Promise<CableCommit> {
    if (!isPwmDuty(duty)) throw new RangeError(`duty cycle ${String(duty)} is not null or a number in [0, 100]`);
    return this.#change({ type: 'pwm', duty }, (n, t) => ({ type: 'pwm', n, t, duty }));
  }

  /** Holds the oscillator at −12 V: state F, EVSE not available. The next `setPwm` clears it. */
  setFault(): Promise<CableCommit> {
    return this.#change({ type: 'fault' }, (n, t) => ({ type: 'cp', n, t, state: 'F' }));
  }

  /** Stops listening; an EV still plugged in is disconnected (unplugged, reason `closed`). */
  async close(): Promise<void> {
    this.#closing = true;
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    const connection = this.#connection;
    if (connection !== undefined) this.#drop(connection, 'closed');
    for (const socket of this.#open) socket.destroy();
    await closed;
  }

  #change(change: CableChange, message: (n: number, t: number) => EvseToEvMessage): Promise<CableCommit> {
    const n = ++this.#n;
    const t = this.now();
    const events = this.apply(change, { n, t, by: 'evse' });
    const connection = this.#connection;
    let acked: Promise<number | undefined> = Promise.resolve(undefined);
    if (connection?.plugged === true) {
      acked = new Promise((resolve) => connection.pending.set(n, resolve));
      this.#send(connection, message(n, t));
    }
    this.emitEvents(events);
    return acked.then((ackedAt) => ({ n, t, events, ...(ackedAt !== undefined ? { ackedAt } : {}) }));
  }

  #accept(socket: net.Socket): void {
    socket.setNoDelay(true);
    this.#open.add(socket);
    socket.on('close', () => this.#open.delete(socket));
    socket.on('error', () => {
      // A reset from a dying EV: handled as a lost connection on 'close'.
    });
    if (this.#connection !== undefined || this.#closing) {
      const refusal: EvseToEvMessage = { type: 'error', code: 'OCCUPIED', message: 'an EV is already plugged in' };
      this.traceLine?.({ direction: 'tx', line: JSON.stringify(refusal), at: this.now() });
      socket.resume(); // read (and drop) until the EV closes, so that its FIN is seen
      socket.end(encodeCableMessage(refusal));
      setTimeout(() => socket.destroy(), 2000).unref();
      return;
    }
    const connection: Connection = { socket, splitter: new LineSplitter(), plugged: false, pending: new Map() };
    this.#connection = connection;
    socket.on('data', (chunk: Buffer) => {
      for (const item of connection.splitter.push(chunk)) {
        if (this.#connection !== connection) return;
        if (item.tooLong) this.emitError(new CableError('LINE_TOO_LONG', 'line too long, ignored', { line: item.line }));
        else this.#onLine(connection, item.line);
      }
    });
    socket.on('close', () => this.#drop(connection, 'connection-lost'));
  }

  #onLine(connection: Connection, line: string): void {
    const receivedAt = this.now();
    this.traceLine?.({ direction: 'rx', line, at: receivedAt });
    let message: EvToEvseMessage;
    try {
      message = parseEvLine(line);
    } catch (error) {
      this.emitError(error as CableError);
      return;
    }
    if (message.type === 'ack') {
      const resolve = connection.pending.get(message.n);
      if (resolve === undefined) {
        this.emitError(new CableError('UNEXPECTED', `ack for unknown change ${message.n}`, { line }));
        return;
      }
      connection.pending.delete(message.n);
      resolve(message.t);
      return;
    }
    if (message.type === 'plug' && message.v !== CABLE_PROTOCOL_VERSION) {
      this.#send(connection, { type: 'error', code: 'VERSION', message: `protocol version ${CABLE_PROTOCOL_VERSION} only` });
      connection.socket.end();
      return;
    }
    const change: CableChange =
      message.type === 'plug'
        ? { type: 'plug', cableCurrentA: message.cableCurrentA, state: message.state }
        : message.type === 'cp'
          ? { type: 'ev-cp', state: message.state }
          : { type: 'unplug', reason: 'unplug' };
    if ((message.type === 'plug') === connection.plugged) {
      const what = connection.plugged ? 'already plugged in' : 'not plugged in';
      this.emitError(new CableError('UNEXPECTED', `${message.type}: ${what}`, { line }));
      return;
    }
    const n = ++this.#n;
    let events: CableEvent[];
    try {
      events = this.apply(change, { n, t: message.t, by: 'ev', receivedAt });
    } catch (error) {
      this.#n -= 1;
      this.emitError(error as CableError);
      return;
    }
    // The wire first, then the listeners: a listener's own change (e.g. PWM 5 % on 'plugged')
    // must reach the EV after this ack, in the cable's order.
    if (message.type === 'plug') {
      connection.plugged = true;
      this.#send(connection, {
        type: 'ack',
        seq: message.seq,
        n,
        t: receivedAt,
        duty: this.cable.duty,
        fault: this.cable.evseFault,
      });
    } else {
      this.#send(connection, { type: 'ack', seq: message.seq, n, t: receivedAt });
    }
    if (message.type === 'unplug') {
      this.#release(connection);
      connection.socket.end();
    }
    this.emitEvents(events);
  }

  /** The connection ended: an unplug unless the EV already sent `unplug`. */
  #drop(connection: Connection, reason: UnplugReason): void {
    if (this.#connection !== connection) return;
    const wasPlugged = connection.plugged;
    this.#release(connection);
    if (!wasPlugged) return;
    const events = this.apply({ type: 'unplug', reason }, { n: ++this.#n, t: this.now(), by: 'evse' });
    this.emitEvents(events);
  }

  #release(connection: Connection): void {
    connection.plugged = false;
    if (this.#connection === connection) this.#connection = undefined;
    for (const resolve of connection.pending.values()) resolve(undefined);
    connection.pending.clear();
  }

  #send(connection: Connection, message: EvseToEvMessage): void {
    const line = encodeCableMessage(message);
    this.traceLine?.({ direction: 'tx', line: line.slice(0, -1), at: this.now() });
    if (!connection.socket.destroyed && connection.socket.writable) connection.socket.write(line);
  }
}
