// Between OCPI ChargingProfiles and the optimiser, both ways (pure):
//  - the active charging profile (the composite schedule the charge point computed) → the limits
//    the schedule must keep: OCPI 2.2.1 has no EV data, so the SCSP reads the EV's and the
//    station's constraints out of it (D2.3 §9.5, §11.4);
//  - a schedule → a ChargingProfile. OCPI 2.2.1 limits are maxima and cannot be negative: a V2G
//    schedule's discharge periods cannot be sent (D2.3 §8.4.1.2, §10.2 "with limitation"); they
//    are sent as 0 W and reported as not transmitted.
import { ocpiNow, parseOcpiDateTime, type ActiveChargingProfile, type ChargingProfile, type ChargingProfilePeriod } from '@v2xsim/ocpi';
import type { LimitStep, ScheduleResult, SchedulePeriod } from '../optimiser/types.js';

export interface AcSupply {
  /** phase-to-neutral voltage, V */
  voltageV: number;
  phases: number;
}

export interface ProfileConstraints {
  /** the profile's limits over time, W (sim time) */
  limits: LimitStep[];
  /** the highest limit: the most the EV and the station allow (D2.3 §11.4) */
  maxW?: number;
  /** ChargingProfile.min_charging_rate, W: the EV's minimum */
  minW?: number;
  /** the profile's end, when it has a duration */
  end?: number;
  notes: string[];
}

/** W from a limit in the profile's unit; amperes are per phase (mod_charging_profiles) */
function toW(value: number, unit: ChargingProfile['charging_rate_unit'], ac: AcSupply): number {
  return unit === 'W' ? value : value * ac.voltageV * ac.phases;
}

export function constraintsFromActiveProfile(active: ActiveChargingProfile, ac: AcSupply): ProfileConstraints {
  const p = active.charging_profile;
  const notes: string[] = [];
  // "If absent the profile will be relative to start of charging": the CPO's start_date_time of the active profile is that reference
  const t0 = parseOcpiDateTime(p.start_date_time ?? active.start_date_time).getTime();
  if (p.charging_rate_unit === 'A') notes.push(`the active profile is in A: converted at ${ac.voltageV} V × ${ac.phases} phases (configured; OCPI 2.2.1 does not say)`);
  const periods = [...(p.charging_profile_period ?? [])].sort((a, b) => a.start_period - b.start_period);
  const limits = periods.map((x) => ({ start: t0 + x.start_period * 1000, maxW: toW(x.limit, p.charging_rate_unit, ac) }));
  const end = p.duration !== undefined ? t0 + p.duration * 1000 : undefined;
  // after a profile with a duration, nothing is known: the limit of the last period is not extended
  const maxW = limits.length > 0 ? Math.max(...limits.map((l) => l.maxW)) : undefined;
  if (limits.length === 0) notes.push('the active profile has no periods: no limits read from it');
  return {
    limits,
    ...(maxW !== undefined ? { maxW } : {}),
    ...(p.min_charging_rate !== undefined ? { minW: toW(p.min_charging_rate, p.charging_rate_unit, ac) } : {}),
    ...(end !== undefined ? { end } : {}),
    notes,
  };
}

export interface ProfileForOcpi {
  profile: ChargingProfile;
  /** the discharge periods (negative power) OCPI 2.2.1 cannot carry, sent as 0 W */
  notCarried: SchedulePeriod[];
  notCarriedWh: number;
}

/** One decimal at most (ChargingProfilePeriod.limit); never above the schedule's power. */
const limit = (w: number): number => Math.max(0, Math.floor(w * 10 + 1e-6) / 10);

/** The schedule as a ChargingProfile (its start is taken to whole seconds, as OCPI DateTimes are here). */
export function chargingProfileOf(schedule: Pick<ScheduleResult, 'start' | 'end' | 'periods'>): ProfileForOcpi {
  const periods: ChargingProfilePeriod[] = [];
  const notCarried: SchedulePeriod[] = [];
  let notCarriedWh = 0;
  for (const p of schedule.periods) {
    if (p.powerW < 0) {
      notCarried.push(p);
      notCarriedWh += (-p.powerW * (p.end - p.start)) / 3_600_000;
    }
    const l = limit(p.powerW);
    const start_period = Math.round((p.start - schedule.start) / 1000);
    if (periods.length > 0 && periods[periods.length - 1].limit === l) continue;
    periods.push({ start_period, limit: l });
  }
  return {
    profile: {
      start_date_time: ocpiNow(new Date(schedule.start)),
      duration: Math.round((schedule.end - schedule.start) / 1000),
      charging_rate_unit: 'W',
      charging_profile_period: periods,
    },
    notCarried,
    notCarriedWh,
  };
}
