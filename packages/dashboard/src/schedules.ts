// The power schedule an EV received, read from its trace: DIN 70121 and ISO 15118-2
// ChargeParameterDiscoveryRes (SAScheduleList → PMaxSchedule, entries with a start), ISO 15118-20
// ScheduleExchangeRes (ScheduleTuple → PowerSchedule, entries with a duration; a discharging
// schedule as negative powers). A renegotiation is each schedule after the first.
import type { TraceEvent } from '@v2xsim/trace';

export interface ScheduleEntry {
  /** seconds from the schedule's start */
  startS: number;
  powerW: number;
}

export interface ReceivedSchedule {
  message: string;
  /** the event's wall and sim time (ms since the epoch) */
  ts: number;
  simTime?: number;
  entries: ScheduleEntry[];
  /** ISO 15118-20: the discharging schedule's limits (negative W) */
  discharging?: ScheduleEntry[];
}

export const SCHEDULE_MESSAGES: ReadonlySet<string> = new Set(['ChargeParameterDiscoveryRes', 'ScheduleExchangeRes']);

/** PhysicalValue (Value × 10^Multiplier) or RationalNumber (Value × 10^Exponent) */
function physical(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v !== 'object' || v === null) return undefined;
  const o = v as { Value?: unknown; Multiplier?: unknown; Exponent?: unknown };
  if (typeof o.Value !== 'number') return undefined;
  const exp = typeof o.Multiplier === 'number' ? o.Multiplier : typeof o.Exponent === 'number' ? o.Exponent : 0;
  return o.Value * 10 ** exp;
}

/** the first value under `key` anywhere in a decoded body (depth first) */
function find(node: unknown, key: string, depth = 0): unknown {
  if (depth > 12 || typeof node !== 'object' || node === null) return undefined;
  if (!Array.isArray(node) && key in node) return (node as Record<string, unknown>)[key];
  for (const v of Array.isArray(node) ? node : Object.values(node)) {
    const hit = find(v, key, depth + 1);
    if (hit !== undefined) return hit;
  }
  return undefined;
}

const asArray = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined ? [] : [v]);

function pmaxEntries(schedule: unknown): ScheduleEntry[] {
  return asArray(find(schedule, 'PMaxScheduleEntry')).flatMap((e) => {
    const start = (e as { RelativeTimeInterval?: { start?: unknown } }).RelativeTimeInterval?.start;
    const w = physical((e as { PMax?: unknown }).PMax);
    return typeof start === 'number' && w !== undefined ? [{ startS: start, powerW: w }] : [];
  });
}

function durationEntries(powerSchedule: unknown): ScheduleEntry[] {
  let t = 0;
  return asArray(find(powerSchedule, 'PowerScheduleEntry')).flatMap((e) => {
    const d = (e as { Duration?: unknown }).Duration;
    const w = physical((e as { Power?: unknown }).Power);
    if (typeof d !== 'number' || w === undefined) return [];
    const entry = { startS: t, powerW: w };
    t += d;
    return [entry];
  });
}

/** The schedule in one of the EV's received messages, or undefined when the message has none. */
export function scheduleOf(e: TraceEvent): ReceivedSchedule | undefined {
  if (!SCHEDULE_MESSAGES.has(e.message) || e.body === undefined) return undefined;
  const base = { message: e.message, ts: e.ts, ...(e.simTime !== undefined ? { simTime: e.simTime } : {}) };
  if (e.message === 'ChargeParameterDiscoveryRes') {
    const entries = pmaxEntries(find(e.body, 'SAScheduleList') ?? find(e.body, 'SASchedules'));
    return entries.length ? { ...base, entries } : undefined;
  }
  const tuple = asArray(find(e.body, 'ScheduleTuple'))[0];
  if (tuple === undefined) return undefined;
  const entries = durationEntries(find(tuple, 'ChargingSchedule'));
  const dis = find(tuple, 'DischargingSchedule');
  const discharging = dis !== undefined ? durationEntries(dis).map((x) => ({ startS: x.startS, powerW: -Math.abs(x.powerW) })) : undefined;
  return entries.length ? { ...base, entries, ...(discharging?.length ? { discharging } : {}) } : undefined;
}
