// Where a charging schedule's periods fall in absolute time. Each profile kind anchors its
// schedule differently [P2-21 §3.3, 1.6 §3.13]: Absolute at startSchedule, Recurring at
// startSchedule + k days/weeks, Relative (and, without startSchedule, Dynamic) at the moment the
// EVSE is ready to deliver energy (K01.FR.42). Periods run until the next period starts or the
// schedule's duration ends (K01.FR.12); a period starting at or after the duration never runs
// (K01.FR.11); outside [validFrom, validTo) the profile does not count (K01.FR.36/37).
import type { ChargingProfile, ChargingSchedule, ChargingSchedulePeriod } from './model.js';

export const DAY_MS = 86_400_000;
export const WEEK_MS = 7 * DAY_MS;

export interface ScheduleContext {
  /** epoch ms: "now" (the composite's start), the anchor of a Relative schedule when no transaction has started */
  now: number;
  /** epoch ms: when the EVSE became ready to deliver energy in this transaction (K01.FR.42) */
  transactionStart?: number;
  /** epoch ms: since when the station is offline; profiles with maxOfflineDuration lapse (K01.FR.101) */
  offlineSince?: number;
  /** the station's local time offset from UTC in minutes, for schedules with useLocalTime (K01.FR.90) */
  localTimeOffsetMinutes?: number;
}

/** One period of one schedule, placed in absolute time: it applies on [from, to). */
export interface ScheduleSegment {
  from: number;
  to: number;
  period: ChargingSchedulePeriod;
}

/** [from, to) in which the profile counts at all: its validity, cut short by an offline timeout. */
export function profileValidity(profile: ChargingProfile, ctx: ScheduleContext): { from: number; to: number } {
  let to = profile.validTo ?? Infinity;
  if (ctx.offlineSince !== undefined && profile.maxOfflineDuration !== undefined) {
    to = Math.min(to, ctx.offlineSince + profile.maxOfflineDuration * 1000);
  }
  return { from: profile.validFrom ?? -Infinity, to };
}

function startScheduleOf(schedule: ChargingSchedule, ctx: ScheduleContext): number | undefined {
  if (schedule.startSchedule === undefined) return undefined;
  // useLocalTime: startSchedule holds wall-clock digits; the station's offset places them in UTC
  return schedule.useLocalTime ? schedule.startSchedule - (ctx.localTimeOffsetMinutes ?? 0) * 60_000 : schedule.startSchedule;
}

/** The [start, end) runs of the schedule that reach into [lo, hi). */
function runs(profile: ChargingProfile, schedule: ChargingSchedule, ctx: ScheduleContext, lo: number, hi: number): [number, number][] {
  const durationMs = schedule.duration !== undefined ? schedule.duration * 1000 : undefined;
  const readyAt = ctx.transactionStart ?? ctx.now;
  switch (profile.chargingProfileKind) {
    case 'Recurring': {
      const origin = startScheduleOf(schedule, ctx) ?? readyAt;
      const period = profile.recurrencyKind === 'Weekly' ? WEEK_MS : DAY_MS;
      // each recurrence restarts at the first period; a longer duration is cut at the next one
      const length = Math.min(durationMs ?? period, period);
      const out: [number, number][] = [];
      for (let a = origin + Math.max(0, Math.floor((lo - origin) / period)) * period; a < hi; a += period) out.push([a, a + length]);
      return out;
    }
    case 'Relative':
      return [[readyAt, durationMs !== undefined ? readyAt + durationMs : Infinity]];
    case 'Absolute':
    case 'Dynamic': {
      // 1.6 allowed an Absolute schedule without startSchedule: it then starts with the charging
      const a = startScheduleOf(schedule, ctx) ?? readyAt;
      return [[a, durationMs !== undefined ? a + durationMs : Infinity]];
    }
    default: {
      const never: never = profile.chargingProfileKind;
      throw new Error(`unknown chargingProfileKind ${String(never)}`);
    }
  }
}

/** The periods of `schedule` (of `profile`) that apply within [windowStart, windowEnd), in order. */
export function scheduleSegments(profile: ChargingProfile, schedule: ChargingSchedule, ctx: ScheduleContext, windowStart: number, windowEnd: number): ScheduleSegment[] {
  const validity = profileValidity(profile, ctx);
  const lo = Math.max(windowStart, validity.from);
  const hi = Math.min(windowEnd, validity.to);
  if (!(lo < hi)) return [];
  const periods = [...schedule.chargingSchedulePeriod].sort((a, b) => a.startPeriod - b.startPeriod);
  const out: ScheduleSegment[] = [];
  for (const [start, end] of runs(profile, schedule, ctx, lo, hi)) {
    for (let i = 0; i < periods.length; i++) {
      const from = Math.max(start + periods[i].startPeriod * 1000, lo);
      const next = i + 1 < periods.length ? start + periods[i + 1].startPeriod * 1000 : Infinity;
      const to = Math.min(next, end, hi);
      if (from < to) out.push({ from, to, period: periods[i] });
    }
  }
  return out;
}
