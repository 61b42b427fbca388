import { evccMessageTimeout, seccPerformanceTime, timingMessageKey } from './lookup.js';
import type { V2gProtocol } from './table.js';

/**
 * Which budget a meter checks:
 * - `evcc`: request sent → response received, against V2G_EVCC_Msg_Timeout;
 * - `secc`: request received → response sent, against V2G_SECC_Msg_Performance_Time.
 */
export type TimingRole = 'evcc' | 'secc';

export interface TimingSample {
  /** Table key of the pair, e.g. `CurrentDemand`. */
  readonly message: string;
  readonly elapsedMs: number;
  readonly budgetMs: number;
  /** `elapsedMs > budgetMs`. */
  readonly breach: boolean;
  /** The standard's name for the budget. */
  readonly budget: 'V2G_EVCC_Msg_Timeout' | 'V2G_SECC_Msg_Performance_Time' | 'custom';
}

export interface TimingMeterOptions {
  readonly protocol: V2gProtocol;
  readonly role: TimingRole;
  /** Monotonic clock in ms. Default `performance.now`. Protocol timing is wall-clock time. */
  readonly now?: () => number;
  /** Called with every completed sample (e.g. to trace it). */
  readonly onSample?: (sample: TimingSample) => void;
}

export interface TimingStats {
  readonly count: number;
  readonly breaches: number;
  readonly maxMs: number;
  readonly totalMs: number;
}

interface Pending {
  readonly startedAt: number;
  readonly budgetMs: number;
  readonly budget: TimingSample['budget'];
}

/**
 * Measures request/response pairs against the timing table. Pure apart from the injected
 * clock: call {@link request} when the request crosses this endpoint (sent by the EVCC,
 * received by the SECC) and {@link response} when the response does; `response` returns the
 * sample. Keeps per-message statistics, not every sample, so a long CurrentDemand loop costs
 * nothing.
 */
export class TimingMeter {
  readonly protocol: V2gProtocol;
  readonly role: TimingRole;
  readonly #now: () => number;
  readonly #onSample: ((sample: TimingSample) => void) | undefined;
  readonly #pending = new Map<string, Pending>();
  readonly #stats = new Map<string, { count: number; breaches: number; maxMs: number; totalMs: number }>();

  constructor(options: TimingMeterOptions) {
    this.protocol = options.protocol;
    this.role = options.role;
    this.#now = options.now ?? (() => performance.now());
    this.#onSample = options.onSample;
  }

  /**
   * Starts timing `message` (`CurrentDemandReq`, `CurrentDemand`, …). `budgetMs` overrides the
   * table, e.g. for a message the table does not know. Throws V2gTimingError for an unknown
   * message without `budgetMs`. A second `request` for the same message restarts its timer.
   */
  request(message: string, budgetMs?: number): void {
    const key = timingMessageKey(message);
    let budget: TimingSample['budget'];
    if (budgetMs !== undefined) {
      budget = 'custom';
    } else if (this.role === 'evcc') {
      budgetMs = evccMessageTimeout(this.protocol, key);
      budget = 'V2G_EVCC_Msg_Timeout';
    } else {
      budgetMs = seccPerformanceTime(this.protocol, key);
      budget = 'V2G_SECC_Msg_Performance_Time';
    }
    this.#pending.set(key, { startedAt: this.#now(), budgetMs, budget });
  }

  /** Stops timing `message`; returns the sample, or undefined if no request was pending. */
  response(message: string): TimingSample | undefined {
    const key = timingMessageKey(message);
    const pending = this.#pending.get(key);
    if (pending === undefined) return undefined;
    this.#pending.delete(key);
    const elapsedMs = this.#now() - pending.startedAt;
    const sample: TimingSample = {
      message: key,
      elapsedMs,
      budgetMs: pending.budgetMs,
      breach: elapsedMs > pending.budgetMs,
      budget: pending.budget,
    };
    let stats = this.#stats.get(key);
    if (stats === undefined) {
      stats = { count: 0, breaches: 0, maxMs: 0, totalMs: 0 };
      this.#stats.set(key, stats);
    }
    stats.count += 1;
    stats.totalMs += elapsedMs;
    stats.maxMs = Math.max(stats.maxMs, elapsedMs);
    if (sample.breach) stats.breaches += 1;
    this.#onSample?.(sample);
    return sample;
  }

  /** Messages whose request is out and whose response is not yet in. */
  get pending(): readonly string[] {
    return [...this.#pending.keys()];
  }

  /** Milliseconds left before the pending `message` breaches its budget (negative once it has). */
  remainingMs(message: string): number | undefined {
    const pending = this.#pending.get(timingMessageKey(message));
    return pending === undefined ? undefined : pending.budgetMs - (this.#now() - pending.startedAt);
  }

  /** Per-message statistics so far. */
  stats(): ReadonlyMap<string, TimingStats> {
    return new Map([...this.#stats].map(([k, v]) => [k, { ...v }]));
  }
}
