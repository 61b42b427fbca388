/**
 * The cable's side channel on the wire: one JSON object per line (UTF-8, `\n`), pure.
 * See docs/cable.md for the protocol.
 */
import { isCableCurrent, isEvCpState, isPwmDuty } from './model.js';
import type { CableCurrent, EvCpState, PwmDuty } from './model.js';

/** Protocol version, sent in `plug`. */
export const CABLE_PROTOCOL_VERSION = 1;

/** Longest line accepted, in bytes (without the newline). */
export const CABLE_MAX_LINE_BYTES = 4096;

export type CableErrorCode =
  /** A line that is not JSON, or not a message of this protocol. The line is ignored. */
  | 'MALFORMED'
  /** A line longer than {@link CABLE_MAX_LINE_BYTES}. It is ignored up to the next newline. */
  | 'LINE_TOO_LONG'
  /** A valid message at the wrong time (a change before `plug`, a second `plug`, an ack for nothing). Ignored. */
  | 'UNEXPECTED'
  /** The EVSE already has an EV plugged in and refused the connection. */
  | 'OCCUPIED'
  /** The EV sent a protocol version the EVSE does not speak. */
  | 'VERSION'
  /** The operation needs a plugged-in cable. */
  | 'UNPLUGGED'
  /** No answer in time (plug-in, waitFor). */
  | 'TIMEOUT'
  /** The TCP connection failed (cause: the Node error). */
  | 'SOCKET'
  /** An event listener threw (cause: its error). */
  | 'LISTENER';

export class CableError extends Error {
  override readonly name = 'CableError';
  readonly code: CableErrorCode;
  /** The offending line, for MALFORMED / UNEXPECTED. */
  readonly line: string | undefined;

  constructor(code: CableErrorCode, message: string, options?: { cause?: unknown; line?: string }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.line = options?.line;
  }
}

export function isCableError(value: unknown): value is CableError {
  return value instanceof CableError;
}

/** EV → EVSE: the first line after connecting. The EV's load is on the line from now on. */
export interface PlugMessage {
  readonly type: 'plug';
  readonly v: number;
  readonly seq: number;
  /** Wall-clock time of the change, ms since the epoch with sub-ms resolution. */
  readonly t: number;
  readonly cableCurrentA: CableCurrent;
  readonly state: EvCpState;
}

/** EV → EVSE: S2 or a fault changed the EV's load. */
export interface EvCpMessage {
  readonly type: 'cp';
  readonly seq: number;
  readonly t: number;
  readonly state: EvCpState;
}

/** EV → EVSE: the plug is pulled (the EV closes the connection after the ack). */
export interface UnplugMessage {
  readonly type: 'unplug';
  readonly seq: number;
  readonly t: number;
}

/** EV → EVSE: the EV has seen the EVSE's change `n`. */
export interface EvAckMessage {
  readonly type: 'ack';
  readonly n: number;
  readonly t: number;
}

/** EVSE → EV: the oscillator changed: PWM with `duty` percent, or off (`null`, +12 V). Clears state F. */
export interface PwmMessage {
  readonly type: 'pwm';
  readonly n: number;
  readonly t: number;
  readonly duty: PwmDuty;
}

/** EVSE → EV: the oscillator is held at −12 V (state F). The next `pwm` clears it. */
export interface EvseCpMessage {
  readonly type: 'cp';
  readonly n: number;
  readonly t: number;
  readonly state: 'F';
}

/**
 * EVSE → EV: the EV's change `seq` is number `n` in the cable's sequence; `t` is when the EVSE
 * received it. The ack of `plug` also carries the EVSE's oscillator at that moment.
 */
export interface EvseAckMessage {
  readonly type: 'ack';
  readonly seq: number;
  readonly n: number;
  readonly t: number;
  readonly duty?: PwmDuty;
  readonly fault?: boolean;
}

/** EVSE → EV: the connection is refused (then closed). */
export interface RefuseMessage {
  readonly type: 'error';
  readonly code: 'OCCUPIED' | 'VERSION';
  readonly message: string;
}

export type EvToEvseMessage = PlugMessage | EvCpMessage | UnplugMessage | EvAckMessage;
export type EvseToEvMessage = PwmMessage | EvseCpMessage | EvseAckMessage | RefuseMessage;

/** One message as one line, newline included. */
export function encodeCableMessage(message: EvToEvseMessage | EvseToEvMessage): string {
  return `${JSON.stringify(message)}\n`;
}

const isCount = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) >= 0;
const isTime = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);

function parseObject(line: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (error) {
    throw new CableError('MALFORMED', `not JSON: ${(error as Error).message}`, { line });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new CableError('MALFORMED', 'not a JSON object', { line });
  }
  return value as Record<string, unknown>;
}

function bad(line: string, what: string): CableError {
  return new CableError('MALFORMED', what, { line });
}

/** Parses a line the EVSE received. Throws CableError `MALFORMED`. Unknown fields are ignored. */
export function parseEvLine(line: string): EvToEvseMessage {
  const o = parseObject(line);
  switch (o.type) {
    case 'plug':
      if (!isCount(o.v) || !isCount(o.seq) || !isTime(o.t)) throw bad(line, 'plug needs v, seq and t');
      if (!isCableCurrent(o.cableCurrentA)) throw bad(line, 'plug: cableCurrentA must be 13, 20, 32 or 63');
      if (!isEvCpState(o.state)) throw bad(line, 'plug: state must be B, C, D or E');
      return { type: 'plug', v: o.v, seq: o.seq, t: o.t, cableCurrentA: o.cableCurrentA, state: o.state };
    case 'cp':
      if (!isCount(o.seq) || !isTime(o.t)) throw bad(line, 'cp needs seq and t');
      if (!isEvCpState(o.state)) throw bad(line, 'cp: the EV sets state B, C, D or E');
      return { type: 'cp', seq: o.seq, t: o.t, state: o.state };
    case 'unplug':
      if (!isCount(o.seq) || !isTime(o.t)) throw bad(line, 'unplug needs seq and t');
      return { type: 'unplug', seq: o.seq, t: o.t };
    case 'ack':
      if (!isCount(o.n) || !isTime(o.t)) throw bad(line, 'ack needs n and t');
      return { type: 'ack', n: o.n, t: o.t };
    default:
      throw bad(line, `unknown message type ${JSON.stringify(o.type)}`);
  }
}

/** Parses a line the EV received. Throws CableError `MALFORMED`. Unknown fields are ignored. */
export function parseEvseLine(line: string): EvseToEvMessage {
  const o = parseObject(line);
  switch (o.type) {
    case 'pwm':
      if (!isCount(o.n) || !isTime(o.t)) throw bad(line, 'pwm needs n and t');
      if (!isPwmDuty(o.duty)) throw bad(line, 'pwm: duty must be null or a number in [0, 100]');
      return { type: 'pwm', n: o.n, t: o.t, duty: o.duty };
    case 'cp':
      if (!isCount(o.n) || !isTime(o.t)) throw bad(line, 'cp needs n and t');
      if (o.state !== 'F') throw bad(line, 'cp: the EVSE sets state F only');
      return { type: 'cp', n: o.n, t: o.t, state: 'F' };
    case 'ack': {
      if (!isCount(o.seq) || !isCount(o.n) || !isTime(o.t)) throw bad(line, 'ack needs seq, n and t');
      if (o.duty !== undefined && !isPwmDuty(o.duty)) throw bad(line, 'ack: duty must be null or a number in [0, 100]');
      if (o.fault !== undefined && typeof o.fault !== 'boolean') throw bad(line, 'ack: fault must be a boolean');
      return {
        type: 'ack',
        seq: o.seq,
        n: o.n,
        t: o.t,
        ...(o.duty !== undefined ? { duty: o.duty } : {}),
        ...(o.fault !== undefined ? { fault: o.fault } : {}),
      };
    }
    case 'error':
      if (o.code !== 'OCCUPIED' && o.code !== 'VERSION') throw bad(line, 'error: unknown code');
      return { type: 'error', code: o.code, message: typeof o.message === 'string' ? o.message : '' };
    default:
      throw bad(line, `unknown message type ${JSON.stringify(o.type)}`);
  }
}

/** A line from {@link LineSplitter}: a complete line, or the start of one that was too long. */
export interface SplitLine {
  /** The line without its newline (`\r` removed); for a line too long, its first 80 bytes. */
  readonly line: string;
  readonly tooLong: boolean;
}

/**
 * Splits a byte stream into lines, in order. `\r\n` is accepted; empty lines are skipped. A
 * line longer than `maxBytes` is reported once (`tooLong`) and dropped up to its newline.
 */
export class LineSplitter {
  readonly #maxBytes: number;
  #parts: Buffer[] = [];
  #size = 0;
  #discarding = false;

  constructor(maxBytes = CABLE_MAX_LINE_BYTES) {
    this.#maxBytes = maxBytes;
  }

  /** The complete lines in `chunk` (with what came before it), and the over-long ones, in order. */
  push(chunk: Buffer): SplitLine[] {
    const lines: SplitLine[] = [];
    let start = 0;
    for (;;) {
      const end = chunk.indexOf(0x0a, start);
      const piece = chunk.subarray(start, end === -1 ? chunk.length : end);
      if (!this.#discarding) {
        this.#parts.push(piece);
        this.#size += piece.length;
        if (this.#size > this.#maxBytes) {
          lines.push({ line: Buffer.concat(this.#parts).subarray(0, 80).toString('utf8'), tooLong: true });
          this.#parts = [];
          this.#size = 0;
          this.#discarding = true;
        }
      }
      if (end === -1) break;
      if (!this.#discarding) {
        let line = Buffer.concat(this.#parts).toString('utf8');
        if (line.endsWith('\r')) line = line.slice(0, -1);
        if (line.trim() !== '') lines.push({ line, tooLong: false });
      }
      this.#parts = [];
      this.#size = 0;
      this.#discarding = false;
      start = end + 1;
    }
    return lines;
  }
}
