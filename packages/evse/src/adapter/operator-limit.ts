// An operator's cap on top of any limit source: the control API's set-limit (and, later, a local
// load manager) lowers the power without replacing where the plan comes from (static
// configuration now, OCPP charging profiles later). Every change bumps `revision`, which is how
// the SECC adapter notices that the schedule it offered is out of date (ReNegotiation).
import type { EvseLimit, LimitSource } from '../model/limits.js';

/** A limit source that says when its plan changed. */
export interface RevisedLimitSource extends LimitSource {
  /** grows on every change of the limits or the schedule */
  readonly revision: number;
}

export class OperatorLimitSource implements RevisedLimitSource {
  private cap: number | undefined;
  private rev = 0;

  constructor(private innerSource: LimitSource) {}

  get revision(): number {
    return this.rev + ((this.innerSource as Partial<RevisedLimitSource>).revision ?? 0);
  }

  /** the operator's maximum power, W; undefined = none */
  get maxPowerW(): number | undefined {
    return this.cap;
  }

  /** Set (W ≥ 0) or clear (undefined) the operator's maximum power. Returns whether it changed. */
  setMaxPowerW(maxPowerW: number | undefined): boolean {
    if (maxPowerW !== undefined && !(maxPowerW >= 0 && Number.isFinite(maxPowerW))) throw new RangeError(`maxPowerW must be a finite number ≥ 0, got ${maxPowerW}`);
    if (maxPowerW === this.cap) return false;
    this.cap = maxPowerW;
    this.rev++;
    return true;
  }

  /** the source underneath (static configuration, or OCPP over it) */
  get inner(): LimitSource {
    return this.innerSource;
  }

  /** Replace the source underneath (e.g. OCPP takes over from the static configuration). */
  setInner(inner: LimitSource): void {
    this.innerSource = inner;
    this.rev++;
  }

  /** Start the inner source's schedule again at `simTime`, if it has one that restarts (a new session). */
  restartSchedule(simTime: number): void {
    const inner = this.innerSource as LimitSource & { restartSchedule?: (t: number) => void };
    inner.restartSchedule?.(simTime);
  }

  currentLimit(simTime: number): EvseLimit {
    const limit = this.innerSource.currentLimit(simTime);
    const cap = this.cap;
    if (cap === undefined) return limit;
    return {
      ...limit,
      maxPowerW: Math.min(limit.maxPowerW ?? Infinity, cap),
      ...(limit.schedule ? { schedule: limit.schedule.map((e) => ({ ...e, pMaxW: Math.min(e.pMaxW, cap) })) } : {}),
    };
  }
}
