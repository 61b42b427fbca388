// Where the EVSE's power limit comes from. Pluggable: a static configuration for now; OCPP
// charging profiles (the composite schedule of the CSMS) plug in later behind the same interface.

import { activePMaxScheduleEntry, rebasePMaxSchedule, validatePMaxSchedule } from './schedule.js';
import type { PMaxSchedule, PMaxScheduleEntry } from './schedule.js';

/** The limit in force at one sim time. */
export interface EvseLimit {
  /** maximum power now, W (the active schedule entry already folded in); absent = hardware limit only */
  maxPowerW?: number;
  /** maximum current now, A (per phase for AC); absent = hardware limit only */
  maxCurrentA?: number;
  /** maximum discharge power now, W (bidirectional power transfer); absent = hardware limit only */
  maxDischargePowerW?: number;
  /** the planned limit from now on, t = 0 being the time asked for; absent = no plan */
  schedule?: PMaxScheduleEntry[];
}

export interface LimitSource {
  currentLimit(simTime: number): EvseLimit;
}

export interface StaticLimitConfig {
  maxPowerW?: number;
  maxCurrentA?: number;
  schedule?: PMaxSchedule;
  /** sim time of the schedule's t = 0, ms since the epoch. Default: the first currentLimit() call. */
  scheduleStart?: number;
}

/**
 * Limits from local configuration: a maximum power and current, plus an optional PMaxSchedule.
 * Outside the schedule's entries only the maximums apply. Schedule entries above the maximum
 * power are capped to it, so what the EVSE offers and what it enforces agree.
 */
export class StaticLimitSource implements LimitSource {
  private readonly maxPowerW: number | undefined;
  private readonly maxCurrentA: number | undefined;
  private readonly schedule: PMaxScheduleEntry[] | undefined;
  private scheduleStart: number | undefined;

  constructor(config: StaticLimitConfig = {}) {
    const { maxPowerW, maxCurrentA, schedule } = config;
    if (maxPowerW !== undefined && !(maxPowerW >= 0)) throw new RangeError(`maxPowerW must be ≥ 0, got ${maxPowerW}`);
    if (maxCurrentA !== undefined && !(maxCurrentA >= 0)) throw new RangeError(`maxCurrentA must be ≥ 0, got ${maxCurrentA}`);
    if (schedule) validatePMaxSchedule(schedule);
    this.maxPowerW = maxPowerW;
    this.maxCurrentA = maxCurrentA;
    this.schedule = schedule?.map((e) => ({ ...e, pMaxW: maxPowerW === undefined ? e.pMaxW : Math.min(e.pMaxW, maxPowerW) }));
    this.scheduleStart = config.scheduleStart;
  }

  /** Start the schedule again at `simTime` (a new session). */
  restartSchedule(simTime: number): void {
    this.scheduleStart = simTime;
  }

  currentLimit(simTime: number): EvseLimit {
    const limit: EvseLimit = {};
    if (this.maxPowerW !== undefined) limit.maxPowerW = this.maxPowerW;
    if (this.maxCurrentA !== undefined) limit.maxCurrentA = this.maxCurrentA;
    if (!this.schedule) return limit;
    this.scheduleStart ??= simTime;
    const elapsedS = (simTime - this.scheduleStart) / 1000;
    const active = activePMaxScheduleEntry(this.schedule, elapsedS);
    if (active) limit.maxPowerW = Math.min(active.pMaxW, limit.maxPowerW ?? Infinity);
    const ahead = rebasePMaxSchedule(this.schedule, elapsedS);
    if (ahead.length > 0) {
      // A gap before the first planned entry is covered by the plain maximum, when there is one,
      // so the schedule sent covers now: a hole would read as "no power" to the EV.
      if (ahead[0].startS > 0 && this.maxPowerW !== undefined) ahead.unshift({ startS: 0, durationS: ahead[0].startS, pMaxW: this.maxPowerW });
      limit.schedule = ahead;
    }
    return limit;
  }
}
