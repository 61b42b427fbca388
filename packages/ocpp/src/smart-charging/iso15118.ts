// From a composite schedule to what an EVSE hands its SECC: ISO 15118-2 / DIN PMaxSchedule
// entries (W, relative to the schedule's start) and, for ISO 15118-20 bidirectional power
// transfer, the discharge limits and setpoints. K15.FR / K18.FR.07: the station converts its
// composite schedule to the EV's schedule format, within the EV's maximum number of entries.
import type { CompositeSchedule, CompositeSchedulePeriod, ElectricalSupply } from './model.js';
import { convertRate, effectivePhases } from './units.js';

/** Same shape as @v2xsim/process PMaxScheduleEntry. */
export interface PMaxEntry {
  /** s after the schedule's t = 0 */
  startS: number;
  /** s; on the last entry, until the composite ends */
  durationS?: number;
  /** W ≥ 0 */
  pMaxW: number;
}

export interface DischargeLimitEntry {
  startS: number;
  durationS?: number;
  /** W ≤ 0 (OCPP's sign: the most the EV may discharge) */
  pMinW: number;
}

export interface SetpointEntry {
  startS: number;
  durationS?: number;
  /** W; negative = discharge */
  setpointW: number;
}

export interface Iso15118Schedule {
  /** the charge limits: -2/DIN PMaxSchedule, -20 (Dynamic: EVSEMaximumChargePower; Scheduled: PowerSchedule) */
  pMax: PMaxEntry[];
  /** -20 BPT: discharge limits; absent when no period lets the EV discharge */
  discharge?: DischargeLimitEntry[];
  /** -20: setpoints (Dynamic control: EVSETargetActivePower); absent when no period has one */
  setpoints?: SetpointEntry[];
}

export interface Iso15118ConversionOptions {
  supply: ElectricalSupply;
  /** W reported where the composite has no limit (nothing restricts charging): the EVSE's rated power */
  unlimitedW: number;
  /** W ≥ 0: the largest discharge where a V2X period has no dischargeLimit; default unlimitedW */
  unlimitedDischargeW?: number;
  /** the most entries the EV accepts (-2: MaxEntriesSAScheduleTuple; -20: MaximumSupportedPoints); default 1024 */
  maxEntries?: number;
  /** epoch ms the schedule's t = 0 is taken at (default the composite's scheduleStart); earlier periods are dropped */
  at?: number;
}

interface Span<T> {
  startS: number;
  endS: number;
  value: T;
}

/** The composite's periods as [start, end) spans from `at`, in s. */
function spans(c: CompositeSchedule, atMs: number): Span<CompositeSchedulePeriod>[] {
  const offset = (atMs - c.scheduleStart) / 1000;
  const end = c.duration > 0 ? c.duration : Infinity;
  const out: Span<CompositeSchedulePeriod>[] = [];
  c.chargingSchedulePeriod.forEach((p, i) => {
    const next = i + 1 < c.chargingSchedulePeriod.length ? c.chargingSchedulePeriod[i + 1].startPeriod : end;
    const startS = Math.round(Math.max(p.startPeriod, offset) - offset);
    const endS = Number.isFinite(next) ? Math.round(next - offset) : Infinity;
    if (startS < endS) out.push({ startS, endS, value: p });
  });
  return out;
}

/** Merges equal neighbours, then, while there are too many, the neighbours whose merge loses least (keeping the lower value). */
function compress(list: Span<number>[], maxEntries: number, lower: (a: number, b: number) => number): Span<number>[] {
  const out: Span<number>[] = [];
  for (const s of list) {
    const last = out[out.length - 1];
    if (last && last.value === s.value && last.endS === s.startS) last.endS = s.endS;
    else out.push({ ...s });
  }
  while (out.length > Math.max(1, maxEntries)) {
    let best = 0;
    let bestCost = Infinity;
    for (let i = 0; i + 1 < out.length; i++) {
      const a = out[i];
      const b = out[i + 1];
      const kept = lower(a.value, b.value);
      const lost = Math.abs(a.value - kept) * Math.min(a.endS - a.startS, 1e9) + Math.abs(b.value - kept) * Math.min(b.endS - b.startS, 1e9);
      if (lost < bestCost) {
        bestCost = lost;
        best = i;
      }
    }
    const a = out[best];
    const b = out[best + 1];
    out.splice(best, 2, { startS: a.startS, endS: b.endS, value: lower(a.value, b.value) });
  }
  return out;
}

function withDurations<K extends string>(list: Span<number>[], key: K): ({ startS: number; durationS?: number } & Record<K, number>)[] {
  return list.map((s) => {
    const e = { startS: s.startS, [key]: s.value } as { startS: number; durationS?: number } & Record<K, number>;
    if (Number.isFinite(s.endS)) e.durationS = s.endS - s.startS;
    return e;
  });
}

export function compositeToIso15118(c: CompositeSchedule, options: Iso15118ConversionOptions): Iso15118Schedule {
  const at = options.at ?? c.scheduleStart;
  const max = options.maxEntries ?? 1024;
  const unlimitedDischarge = -(options.unlimitedDischargeW ?? options.unlimitedW);
  const toW = (v: number, p: CompositeSchedulePeriod): number => convertRate(v, c.chargingRateUnit, 'W', options.supply, effectivePhases(options.supply, p.numberPhases));
  const periods = spans(c, at);

  const pMax = periods.map((s) => ({ ...s, value: s.value.limit === undefined ? options.unlimitedW : Math.max(0, Math.min(toW(s.value.limit, s.value), options.unlimitedW)) }));
  const result: Iso15118Schedule = { pMax: withDurations(compress(pMax, max, Math.min), 'pMaxW') };

  const discharging = (p: CompositeSchedulePeriod): boolean => p.dischargeLimit !== undefined || (p.operationMode !== undefined && p.operationMode !== 'ChargingOnly' && p.operationMode !== 'Idle');
  if (periods.some((s) => discharging(s.value))) {
    const d = periods.map((s) => ({
      ...s,
      value: !discharging(s.value) ? 0 : s.value.dischargeLimit === undefined ? unlimitedDischarge : Math.min(0, Math.max(toW(s.value.dischargeLimit, s.value), unlimitedDischarge)),
    }));
    // the lower discharge is the one closer to 0
    result.discharge = withDurations(compress(d, max, Math.max), 'pMinW');
  }
  const withSetpoint = periods.filter((s) => s.value.setpoint !== undefined);
  if (withSetpoint.length > 0) {
    const sp = withSetpoint.map((s) => ({ ...s, value: toW(s.value.setpoint!, s.value) }));
    // setpoints are targets, not bounds: merge only equal neighbours, then keep the first entries
    result.setpoints = withDurations(compress(sp, Infinity, (a) => a).slice(0, max), 'setpointW');
  }
  return result;
}
