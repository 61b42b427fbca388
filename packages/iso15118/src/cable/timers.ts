/**
 * The ISO 15118 timers that start at a control-pilot change, armed from the cable's events.
 * Budgets come from the timing table (`v2gTimer`); a test may override them or inject a clock.
 */
import { V2gTimingError, v2gTimer } from '../timing/index.js';
import type { V2gProtocol } from '../timing/index.js';
import type { CableEnd } from './end.js';
import { wallClockMs } from './events.js';
import type { CableEvent, CableState } from './events.js';
import { isDigitalCommunication } from './model.js';

/** Time and timers for {@link CableTimer}; inject a fake one in tests. */
export interface CableClock {
  /** ms; must be the same time base as the cable ends' `now` (events carry that time). */
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** The wall clock (the cable ends' default time base) and the global timers. */
export const WALL_CLOCK: CableClock = {
  now: wallClockMs,
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/**
 * - `waiting`: not started (its start condition has not happened);
 * - `running`: started, not stopped (a performance timer keeps running past its budget);
 * - `done`: stopped by `done()` (in time or, for a performance time, late: see `breach`);
 * - `expired`: a timeout reached its budget before `done()`;
 * - `cancelled`: stopped without a result (e.g. unplugged).
 */
export type CableTimerStatus = 'waiting' | 'running' | 'done' | 'expired' | 'cancelled';

export interface CableTimerResult {
  /** The measurement's short name, e.g. `CommunicationSetup`, `B→C`. */
  readonly name: string;
  /** The standard's timer, e.g. `V2G_EVCC_CommunicationSetup_Timeout`. */
  readonly timer: string;
  readonly kind: 'timeout' | 'performance';
  readonly status: CableTimerStatus;
  readonly budgetMs: number;
  readonly startedAt: number | undefined;
  readonly endedAt: number | undefined;
  /** Time since the start (until the end once stopped); undefined while waiting. */
  readonly elapsedMs: number | undefined;
  /** The budget was exceeded. */
  readonly breach: boolean;
  /** Where the budget comes from (the timing table's `source`, or `override`). */
  readonly source: string;
}

export interface CableTimerOptions {
  readonly name: string;
  readonly timer: string;
  readonly kind: 'timeout' | 'performance';
  readonly budgetMs: number;
  readonly source: string;
  readonly clock?: CableClock;
  /**
   * Called once when the budget runs out before `done()`: for a timeout the timer then stops
   * (status `expired`, the caller's error handling starts); a performance timer keeps running.
   */
  readonly onExpire?: (result: CableTimerResult) => void;
}

/**
 * One timer: `start(at)`, then `done(at)`, `cancel()` or expiry. `result` resolves once it stops
 * (`done`, `expired` or `cancelled`); it never rejects.
 */
export class CableTimer {
  readonly name: string;
  readonly timer: string;
  readonly kind: 'timeout' | 'performance';
  readonly budgetMs: number;
  readonly source: string;
  /** Resolves when the timer stops. */
  readonly result: Promise<CableTimerResult>;
  readonly #clock: CableClock;
  readonly #onExpire: ((result: CableTimerResult) => void) | undefined;
  #status: CableTimerStatus = 'waiting';
  #startedAt: number | undefined;
  #endedAt: number | undefined;
  #expired = false;
  #handle: unknown;
  #resolve!: (result: CableTimerResult) => void;

  constructor(options: CableTimerOptions) {
    this.name = options.name;
    this.timer = options.timer;
    this.kind = options.kind;
    this.budgetMs = options.budgetMs;
    this.source = options.source;
    this.#clock = options.clock ?? WALL_CLOCK;
    this.#onExpire = options.onExpire;
    this.result = new Promise((resolve) => {
      this.#resolve = resolve;
    });
  }

  get status(): CableTimerStatus {
    return this.#status;
  }

  get startedAt(): number | undefined {
    return this.#startedAt;
  }

  /** The budget ran out before `done()` (a timeout expired, or a performance time was breached). */
  get expired(): boolean {
    return this.#expired;
  }

  /** Whether the timer has stopped (`done`, `expired` or `cancelled`). */
  get stopped(): boolean {
    return this.#status !== 'waiting' && this.#status !== 'running';
  }

  /** ms left of the budget (negative once past it); undefined unless running. */
  remainingMs(): number | undefined {
    if (this.#status !== 'running' || this.#startedAt === undefined) return undefined;
    return this.budgetMs - (this.#clock.now() - this.#startedAt);
  }

  /** Starts the timer at `at` (default now; may be in the past, e.g. an event's time). No-op unless waiting. */
  start(at = this.#clock.now()): void {
    if (this.#status !== 'waiting') return;
    this.#status = 'running';
    this.#startedAt = at;
    const delay = Math.max(0, at + this.budgetMs - this.#clock.now());
    this.#handle = this.#clock.setTimeout(() => this.#expire(), delay);
  }

  /**
   * Stops the timer at `at` (default now): the awaited event happened. Returns the result; after
   * a timeout has expired, or on a stopped timer, returns the existing result unchanged. On a
   * waiting timer it starts and stops it at `at` (elapsed 0).
   */
  done(at = this.#clock.now()): CableTimerResult {
    if (this.stopped) return this.snapshot();
    if (this.#status === 'waiting') this.#startedAt = at;
    return this.#stop('done', Math.max(at, this.#startedAt!));
  }

  /** Stops the timer without a result (e.g. the cable was unplugged). */
  cancel(at = this.#clock.now()): CableTimerResult {
    if (this.stopped) return this.snapshot();
    return this.#stop('cancelled', this.#startedAt === undefined ? undefined : at);
  }

  /** The current state as a result (elapsed so far while running). */
  snapshot(): CableTimerResult {
    const end = this.#endedAt ?? (this.#status === 'running' ? this.#clock.now() : undefined);
    const elapsedMs = this.#startedAt === undefined || end === undefined ? undefined : end - this.#startedAt;
    return {
      name: this.name,
      timer: this.timer,
      kind: this.kind,
      status: this.#status,
      budgetMs: this.budgetMs,
      startedAt: this.#startedAt,
      endedAt: this.#endedAt,
      elapsedMs,
      breach: this.#expired || (elapsedMs !== undefined && elapsedMs > this.budgetMs),
      source: this.source,
    };
  }

  #expire(): void {
    this.#handle = undefined;
    if (this.stopped) return;
    this.#expired = true;
    if (this.kind === 'timeout') {
      const result = this.#stop('expired', this.#startedAt! + this.budgetMs);
      this.#onExpire?.(result);
    } else {
      this.#onExpire?.(this.snapshot());
    }
  }

  #stop(status: CableTimerStatus, endedAt: number | undefined): CableTimerResult {
    if (this.#handle !== undefined) this.#clock.clearTimeout(this.#handle);
    this.#handle = undefined;
    this.#status = status;
    this.#endedAt = endedAt;
    const result = this.snapshot();
    this.#resolve(result);
    return result;
  }
}

/** A timer's budget and source from the timing table. */
export interface CableTimerBudget {
  readonly timer: string;
  readonly budgetMs: number;
  readonly kind: 'timeout' | 'performance';
  readonly source: string;
}

/**
 * Looks up `timer` in the table of `protocol`; if that protocol has no such entry (DIN 70121 has
 * neither the SECC communication-setup time nor the CP B→C time), in the ISO 15118-2 table,
 * which the result's `source` then says. Throws V2gTimingError `UNKNOWN_TIMER`.
 */
export function cableTimerBudget(protocol: V2gProtocol, timer: string): CableTimerBudget {
  let entry;
  let source: string;
  try {
    entry = v2gTimer(protocol, timer);
    source = entry.source;
  } catch (error) {
    if (!(error instanceof V2gTimingError) || error.code !== 'UNKNOWN_TIMER' || protocol === 'iso2') throw error;
    entry = v2gTimer('iso2', timer);
    source = `${entry.source} (ISO 15118-2 value; no ${protocol} entry)`;
  }
  if (entry.unit !== 'ms' || entry.kind === 'limit') {
    throw new V2gTimingError('UNKNOWN_TIMER', `${timer} is not a duration`);
  }
  return { timer, budgetMs: entry.value, kind: entry.kind, source };
}

/** The standard's timers the cable arms. */
export const CABLE_TIMERS = {
  /** EV: plug-in with 5 % PWM → SessionSetupRes [V2G2-714]. */
  evccCommunicationSetup: 'V2G_EVCC_CommunicationSetup_Timeout',
  /** EVSE: PWM 5 % (EV plugged in) → SessionSetupReq. */
  seccCommunicationSetup: 'V2G_SECC_CommunicationSetup_Performance_Time',
  /** EV: PowerDeliveryReq(Start) → CP state C or D [V2G2-847]. */
  evccBToC: 'V2G_EVCC_CP_StateC_Performance_Time',
} as const;

export interface CableTimersOptions {
  /** Whose table to read. Default `iso2` (before the SupportedAppProtocol handshake the EV does not know; -2 and -20 agree). */
  readonly protocol?: V2gProtocol;
  readonly clock?: CableClock;
  /** Budget overrides in ms (tests), by measurement name. */
  readonly budgets?: Partial<Record<CableMeasurementName, number>>;
  /** Called when a timeout expires or a performance time is breached. */
  readonly onExpire?: (result: CableTimerResult) => void;
}

/** The measurements the cable timers expose. */
export type CableMeasurementName = 'CommunicationSetup' | 'B→C';

function makeTimer(name: CableMeasurementName, timer: string, options: CableTimersOptions): CableTimer {
  const budget = cableTimerBudget(options.protocol ?? 'iso2', timer);
  const override = options.budgets?.[name];
  return new CableTimer({
    name,
    timer,
    kind: budget.kind,
    budgetMs: override ?? budget.budgetMs,
    source: override === undefined ? budget.source : `override (table: ${budget.budgetMs} ms, ${budget.source})`,
    ...(options.clock !== undefined ? { clock: options.clock } : {}),
    ...(options.onExpire !== undefined ? { onExpire: options.onExpire } : {}),
  });
}

/** When this end learned of an event, on its own clock: its receipt time for the peer's changes. */
const observedAt = (event: CableEvent): number => event.receivedAt ?? event.t;

const setupCondition = (state: CableState): boolean => state.plugged && isDigitalCommunication(state.duty);

/**
 * The communication-setup timer of one end, per plug-in: it starts when the cable is plugged in
 * with 5 % PWM (at the event that made both true), is stopped by `done()` (SessionSetupRes at the
 * EV, SessionSetupReq at the EVSE) and is cancelled by an unplug; then a fresh timer waits for
 * the next plug-in.
 */
class CommunicationSetupWatch {
  #timer: CableTimer;
  readonly #make: () => CableTimer;

  constructor(end: CableEnd, make: () => CableTimer, subscriptions: (() => void)[]) {
    this.#make = make;
    this.#timer = make();
    // The history tells whether the condition already holds (e.g. the EV plugged in before the
    // timers were made) and since when.
    let since: number | undefined;
    let state = { plugged: false, duty: null as CableState['duty'] };
    for (const event of end.events) {
      state = step(state, event);
      if (state.plugged && isDigitalCommunication(state.duty)) since ??= observedAt(event);
      else since = undefined;
    }
    if (since !== undefined && setupCondition(end.cable)) this.#timer.start(since);
    subscriptions.push(
      end.on('change', (event) => {
        if (event.type === 'unplugged') {
          this.#timer.cancel(observedAt(event));
          this.#timer = this.#make();
        } else if (setupCondition(end.cable)) {
          this.#timer.start(observedAt(event));
        }
      }),
    );
  }

  get timer(): CableTimer {
    return this.#timer;
  }
}

function step(state: { plugged: boolean; duty: CableState['duty'] }, event: CableEvent): typeof state {
  switch (event.type) {
    case 'plugged':
      return { plugged: true, duty: event.duty };
    case 'unplugged':
      return { plugged: false, duty: state.duty };
    case 'pwm':
      return { plugged: state.plugged, duty: event.duty };
    case 'cp':
      return state;
  }
}

/**
 * The EV's cable timers:
 * - `communicationSetup`: V2G_EVCC_CommunicationSetup_Timeout (20 s), from plug-in with 5 % PWM
 *   until SessionSetupRes (call {@link sessionSetupRes}); on expiry the EV stops trying;
 * - `B→C`: V2G_EVCC_CP_StateC_Performance_Time (250 ms) [V2G2-847]: the EV switches CP to C or
 *   D within 250 ms of PowerDeliveryReq(Start); call {@link powerDeliveryStart} when it sends
 *   that request; the switch (the EV's `cp` event, at the time S2 closed) stops it.
 */
export class EvCableTimers {
  readonly #options: CableTimersOptions;
  readonly #setup: CommunicationSetupWatch;
  readonly #subscriptions: (() => void)[] = [];
  readonly #end: CableEnd;
  #bToC: CableTimer | undefined;

  constructor(plug: CableEnd, options: CableTimersOptions = {}) {
    this.#options = options;
    this.#end = plug;
    this.#setup = new CommunicationSetupWatch(
      plug,
      () => makeTimer('CommunicationSetup', CABLE_TIMERS.evccCommunicationSetup, options),
      this.#subscriptions,
    );
    this.#subscriptions.push(
      plug.on('cp', (event) => {
        if (event.by === 'ev' && (event.state === 'C' || event.state === 'D')) this.#bToC?.done(event.t);
      }),
      plug.on('unplugged', (event) => this.#bToC?.cancel(event.t)),
    );
  }

  /** V2G_EVCC_CommunicationSetup_Timeout of the current plug-in. */
  get communicationSetup(): CableTimer {
    return this.#setup.timer;
  }

  /** SessionSetupRes arrived: stops the communication-setup timer. */
  sessionSetupRes(at?: number): CableTimerResult {
    return this.#setup.timer.done(at);
  }

  /**
   * The EV sent PowerDeliveryReq(Start) (at `at`, default now): starts the B→C measurement. If
   * the EV is already in C or D it is stopped at once (elapsed 0).
   */
  powerDeliveryStart(at?: number): CableTimer {
    this.#bToC?.cancel();
    const timer = makeTimer('B→C', CABLE_TIMERS.evccBToC, this.#options);
    this.#bToC = timer;
    timer.start(at);
    const state = this.#end.state;
    if (state === 'C' || state === 'D') timer.done(timer.startedAt);
    return timer;
  }

  /** The measurement so far (elapsed vs budget); `B→C` is undefined before {@link powerDeliveryStart}. */
  measure(name: CableMeasurementName): CableTimerResult | undefined {
    if (name === 'B→C') return this.#bToC?.snapshot();
    return this.#setup.timer.snapshot();
  }

  /** Stops listening to the plug and cancels running timers. */
  dispose(): void {
    for (const off of this.#subscriptions.splice(0)) off();
    this.#setup.timer.cancel();
    this.#bToC?.cancel();
  }
}

/**
 * The EVSE's cable timers: `communicationSetup` is V2G_SECC_CommunicationSetup_Performance_Time
 * (18 s), from PWM 5 % with an EV plugged in until SessionSetupReq (call {@link sessionSetupReq}).
 * A new timer is armed for every plug-in.
 */
export class EvseCableTimers {
  readonly #setup: CommunicationSetupWatch;
  readonly #subscriptions: (() => void)[] = [];

  constructor(socket: CableEnd, options: CableTimersOptions = {}) {
    this.#setup = new CommunicationSetupWatch(
      socket,
      () => makeTimer('CommunicationSetup', CABLE_TIMERS.seccCommunicationSetup, options),
      this.#subscriptions,
    );
  }

  /** V2G_SECC_CommunicationSetup_Performance_Time of the current (or next) plug-in. */
  get communicationSetup(): CableTimer {
    return this.#setup.timer;
  }

  /** SessionSetupReq arrived: stops the communication-setup timer. */
  sessionSetupReq(at?: number): CableTimerResult {
    return this.#setup.timer.done(at);
  }

  /** The measurement so far, or undefined for a measurement the EVSE does not make. */
  measure(name: CableMeasurementName): CableTimerResult | undefined {
    return name === 'CommunicationSetup' ? this.#setup.timer.snapshot() : undefined;
  }

  /** Stops listening to the socket and cancels the running timer. */
  dispose(): void {
    for (const off of this.#subscriptions.splice(0)) off();
    this.#setup.timer.cancel();
  }
}
