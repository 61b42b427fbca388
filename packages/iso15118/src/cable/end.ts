import { CableEvents, INITIAL_CABLE_STATE, applyCableChange, cableCpState, wallClockMs } from './events.js';
import type {
  CableChange,
  CableEvent,
  CableEventMap,
  CableEventName,
  CableSide,
  CableState,
  WaitForOptions,
} from './events.js';
import type { CableCurrent, CpState, PwmDuty } from './model.js';
import type { CableError } from './wire.js';

/** One line sent (`tx`) or received (`rx`) on the side channel. */
export interface CableTraceEvent {
  readonly direction: 'tx' | 'rx';
  /** The line without its newline. */
  readonly line: string;
  /** This end's clock when the line was written or read. */
  readonly at: number;
}

export interface CableEndOptions {
  /** Timestamps of changes: wall clock, ms since the epoch. Default `performance.timeOrigin + performance.now()`. */
  readonly now?: () => number;
  /** Every line sent and received. */
  readonly trace?: (event: CableTraceEvent) => void;
  /** How many past events `events` keeps. Default 1000. */
  readonly historyLimit?: number;
}

/** A change committed to the cable's sequence. */
export interface CableCommit {
  /** The change's number in the cable's sequence. */
  readonly n: number;
  /** When the change was made (this end's clock). */
  readonly t: number;
  /** The events it caused (none if it changed nothing, e.g. the same duty cycle again). */
  readonly events: readonly CableEvent[];
  /** When the other end acknowledged it (the other end's clock); absent if it was never acknowledged. */
  readonly ackedAt?: number;
}

/** What the EV's plug and the EVSE's socket have in common: the cable state and its events. */
export abstract class CableEnd {
  abstract readonly side: CableSide;
  protected readonly now: () => number;
  protected readonly traceLine: ((event: CableTraceEvent) => void) | undefined;
  readonly #emitter = new CableEvents();
  readonly #history: CableEvent[] = [];
  readonly #historyLimit: number;
  #cable: CableState = INITIAL_CABLE_STATE;

  constructor(options: CableEndOptions) {
    this.now = options.now ?? wallClockMs;
    this.traceLine = options.trace;
    this.#historyLimit = Math.max(1, options.historyLimit ?? 1000);
  }

  /** The cable state in the cable's sequence (see docs/cable.md). */
  get cable(): CableState {
    return this.#cable;
  }

  get plugged(): boolean {
    return this.#cable.plugged;
  }

  /** The CP state as the EVSE measures it. */
  get state(): CpState {
    return cableCpState(this.#cable);
  }

  /** The EVSE's oscillator: `null` off, else the PWM duty cycle in percent. */
  get duty(): PwmDuty {
    return this.#cable.duty;
  }

  /** The plugged cable's current capacity (PP), or undefined while unplugged. */
  get cableCurrentA(): CableCurrent | undefined {
    return this.#cable.cableCurrentA;
  }

  /** The last events, oldest first (at most `historyLimit`). */
  get events(): readonly CableEvent[] {
    return this.#history;
  }

  /** Calls `listener` for each event `name`; returns a function that removes it. */
  on<K extends CableEventName>(name: K, listener: (event: CableEventMap[K]) => void): () => void {
    return this.#emitter.on(name, listener);
  }

  /** The next event `name` (matching `predicate`) from now on; see {@link CableEvents.waitFor}. */
  waitFor<K extends CableEventName>(
    name: K,
    predicate?: (event: CableEventMap[K]) => boolean,
    options?: WaitForOptions,
  ): Promise<CableEventMap[K]> {
    return this.#emitter.waitFor(name, predicate, options);
  }

  /** Applies a change and records its events; the caller emits them once the wire is written. */
  protected apply(change: CableChange, stamp: { n: number; t: number; by: CableSide; receivedAt?: number }): CableEvent[] {
    const { state, events } = applyCableChange(this.#cable, change, stamp);
    this.#cable = state;
    for (const event of events) {
      this.#history.push(event);
      if (this.#history.length > this.#historyLimit) this.#history.shift();
    }
    return events;
  }

  /** Sets state without events (the EVSE's oscillator as the EV learns it at plug-in). */
  protected setSilently(patch: Partial<CableState>): void {
    this.#cable = { ...this.#cable, ...patch };
  }

  protected emitEvents(events: readonly CableEvent[]): void {
    for (const event of events) this.#emitter.emitCableEvent(event);
  }

  protected emitError(error: CableError): void {
    this.#emitter.emit('error', error);
  }
}
