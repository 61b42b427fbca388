// The composite schedule (K08 GetCompositeSchedule, [P2-21 §3.5–3.6], 1.6 §3.13.2–3.13.3): for
// each purpose the leading schedule is that of the valid profile with the highest stackLevel that
// has a period at that moment; the composite takes the lowest limit of the leading schedules of
// ChargingStationMaxProfile, ChargingStationExternalConstraints and the transaction level
// (PriorityCharging when activated, else TxProfile, else TxDefaultProfile), adds LocalGeneration
// on top, and caps a setpoint at limit / dischargeLimit (V2X.03, V2X.04, K08.FR.08).
import type {
  ChargingProfile,
  ChargingProfilePurpose,
  ChargingRateUnit,
  ChargingSchedule,
  ChargingSchedulePeriod,
  CompositeSchedule,
  CompositeSchedulePeriod,
  ElectricalSupply,
  InstalledChargingProfile,
  OperationMode,
} from './model.js';
import { scheduleSegments } from './timeline.js';
import type { ScheduleContext, ScheduleSegment } from './timeline.js';
import { convertRate, effectivePhases } from './units.js';

export interface CompositeTransaction {
  /** the transaction's id: a TxProfile with another transactionId does not apply */
  id?: string;
  /** epoch ms: when the EVSE became ready to deliver energy; Relative schedules start here (K01.FR.42) */
  start?: number;
  /** the ISO 15118 schedule the EV selected (NotifyEVChargingSchedule selectedChargingScheduleId), for TxProfiles with several */
  selectedChargingScheduleId?: number;
}

export interface CompositeScheduleInput {
  /** 0 = the grid connection of the whole station (K08.FR.03) */
  evseId: number;
  /** epoch ms: receipt of the request (K08.FR.02); the composite starts at the whole second before */
  start: number;
  /** s */
  duration: number;
  /** the unit to report in; default: that of the leading transaction-level (else max) schedule */
  chargingRateUnit?: ChargingRateUnit;
  /** every profile installed on the station */
  profiles: readonly InstalledChargingProfile[];
  supply: ElectricalSupply;
  /** the transaction on the EVSE; without one, the composite is computed as if one started now, from TxDefaultProfiles (K08.FR.06) */
  transaction?: CompositeTransaction;
  /** UsePriorityCharging activated for this transaction (K21/K22) */
  priorityCharging?: boolean;
  /** the EV's state of charge, %, for limitAtSoC (K01.FR.100) */
  stateOfCharge?: number;
  offlineSince?: number;
  localTimeOffsetMinutes?: number;
  /** the EVSE's own limits (K04.FR.02), e.g. its rated current; also what "unlimited" is reported as */
  hardwareLimit?: { chargingRateUnit: ChargingRateUnit; limit: number; dischargeLimit?: number };
}

interface Candidate {
  profile: ChargingProfile;
  evseSpecific: boolean;
  schedule: ChargingSchedule;
  segments: ScheduleSegment[];
}

interface Leading {
  candidate: Candidate;
  period: ChargingSchedulePeriod;
}

type Group = 'max' | 'external' | 'localGeneration' | 'priority' | 'tx' | 'txDefault';

function groupOf(purpose: ChargingProfilePurpose): Group {
  switch (purpose) {
    case 'ChargingStationMaxProfile':
      return 'max';
    case 'ChargingStationExternalConstraints':
      return 'external';
    case 'LocalGeneration':
      return 'localGeneration';
    case 'PriorityCharging':
      return 'priority';
    case 'TxProfile':
      return 'tx';
    case 'TxDefaultProfile':
      return 'txDefault';
    default: {
      const never: never = purpose;
      throw new Error(`unknown purpose ${String(never)}`);
    }
  }
}

/** Does an installed profile bear on the composite of `evseId`? */
function applies(installed: InstalledChargingProfile, input: CompositeScheduleInput): boolean {
  const { evseId: at, profile: p } = installed;
  const group = groupOf(p.chargingProfilePurpose);
  if (input.evseId === 0) return at === 0 && (group === 'max' || group === 'external' || group === 'localGeneration');
  switch (group) {
    case 'max':
      return at === 0; // K04.FR.03: only on EVSE #0, where it bounds every EVSE
    case 'external':
    case 'localGeneration':
    case 'txDefault':
      return at === 0 || at === input.evseId; // K01.FR.14/15: a profile on #0 applies to every EVSE
    case 'tx':
    case 'priority':
      // a transaction-bound profile needs the transaction (K01.FR.04, K08.FR.06)
      if (at !== input.evseId && !(group === 'priority' && at === 0)) return false;
      if (group === 'tx' && !input.transaction) return false;
      return p.transactionId === undefined || input.transaction?.id === undefined || p.transactionId === input.transaction.id;
  }
}

function scheduleOf(p: ChargingProfile, input: CompositeScheduleInput): ChargingSchedule {
  const wanted = input.transaction?.selectedChargingScheduleId;
  return (wanted !== undefined && p.chargingSchedule.find((s) => s.id === wanted)) || p.chargingSchedule[0];
}

function leadingAt(candidates: readonly Candidate[], t: number): Leading | undefined {
  let best: Leading | undefined;
  for (const c of candidates) {
    const seg = c.segments.find((s) => s.from <= t && t < s.to);
    if (!seg) continue;
    if (!best || precedes(c, best.candidate)) best = { candidate: c, period: seg.period };
  }
  return best;
}

/** Higher stackLevel first (K01.FR.17); then an EVSE's own profile over one on #0; then the higher id. */
function precedes(a: Candidate, b: Candidate): boolean {
  if (a.profile.stackLevel !== b.profile.stackLevel) return a.profile.stackLevel > b.profile.stackLevel;
  if (a.evseSpecific !== b.evseSpecific) return a.evseSpecific;
  return a.profile.id > b.profile.id;
}

type RateField = 'limit' | 'dischargeLimit' | 'setpoint' | 'setpointReactive';

/**
 * One number per period for a rate that may be given per phase (…_L2, …_L3: then the plain
 * field is phase L1). W: the sum over the phases. A (a per-phase current): the most restrictive
 * phase for limits, the mean for setpoints.
 */
function rateOf(period: ChargingSchedulePeriod, field: RateField, unit: ChargingRateUnit): number | undefined {
  const l1 = period[field];
  if (l1 === undefined) return undefined;
  const l2 = period[`${field}_L2`];
  const l3 = period[`${field}_L3`];
  if (l2 === undefined && l3 === undefined) return l1;
  const phases = [l1, l2 ?? l1, l3 ?? l1];
  if (unit === 'W') return phases[0] + phases[1] + phases[2];
  if (field === 'limit') return Math.min(...phases);
  if (field === 'dischargeLimit') return Math.max(...phases);
  return (phases[0] + phases[1] + phases[2]) / 3;
}

/** Modes in which the EV may discharge / follow a setpoint; ChargingOnly (the default) uses limit only [P2-21 §3.4]. */
function usesSetpointOrDischarge(mode: OperationMode): boolean {
  return mode !== 'ChargingOnly' && mode !== 'Idle';
}

interface Evaluation {
  period: CompositeSchedulePeriod;
  minChargingRate?: number;
}

export function compositeSchedule(input: CompositeScheduleInput): CompositeSchedule {
  const scheduleStart = Math.floor(input.start / 1000) * 1000;
  const durationS = Math.max(0, input.duration);
  const end = scheduleStart + Math.max(durationS * 1000, 1);
  const ctx: ScheduleContext = {
    now: scheduleStart,
    transactionStart: input.transaction?.start,
    offlineSince: input.offlineSince,
    localTimeOffsetMinutes: input.localTimeOffsetMinutes,
  };

  const groups: Record<Group, Candidate[]> = { max: [], external: [], localGeneration: [], priority: [], tx: [], txDefault: [] };
  for (const inst of input.profiles) {
    if (!applies(inst, input)) continue;
    const schedule = scheduleOf(inst.profile, input);
    const segments = scheduleSegments(inst.profile, schedule, ctx, scheduleStart, end);
    if (segments.length === 0) continue;
    groups[groupOf(inst.profile.chargingProfilePurpose)].push({ profile: inst.profile, evseSpecific: inst.evseId !== 0, schedule, segments });
  }

  const breakpoints = new Set<number>([scheduleStart]);
  for (const list of Object.values(groups)) {
    for (const c of list) {
      for (const s of c.segments) {
        if (s.from > scheduleStart && s.from < end) breakpoints.add(s.from);
        if (s.to > scheduleStart && s.to < end) breakpoints.add(s.to);
      }
    }
  }
  const times = [...breakpoints].sort((a, b) => a - b);

  const txLevelAt = (t: number): Leading | undefined =>
    (input.priorityCharging ? leadingAt(groups.priority, t) : undefined) ?? leadingAt(groups.tx, t) ?? leadingAt(groups.txDefault, t);

  const first = { tx: txLevelAt(scheduleStart), max: leadingAt(groups.max, scheduleStart), external: leadingAt(groups.external, scheduleStart) };
  const unit: ChargingRateUnit =
    input.chargingRateUnit ??
    (first.tx ?? first.max ?? first.external)?.candidate.schedule.chargingRateUnit ??
    input.hardwareLimit?.chargingRateUnit ??
    (input.supply.kind === 'AC' ? 'A' : 'W');

  const evaluate = (t: number): Evaluation => {
    const max = leadingAt(groups.max, t);
    const external = leadingAt(groups.external, t);
    const tx = txLevelAt(t);
    const generation = leadingAt(groups.localGeneration, t);
    const parts = [max, external, tx].filter((x): x is Leading => x !== undefined);

    // §3.8: the lowest numberPhases of the merged periods
    const phases = input.supply.kind === 'AC' ? Math.min(effectivePhases(input.supply, undefined)!, ...parts.map((p) => effectivePhases(input.supply, p.period.numberPhases)!)) : undefined;
    const rate = (l: Leading, field: RateField): number | undefined => {
      const unitOf = l.candidate.schedule.chargingRateUnit;
      let v = rateOf(l.period, field, unitOf);
      const soc = l.candidate.schedule.limitAtSoC;
      if (v !== undefined && soc && input.stateOfCharge !== undefined && input.stateOfCharge >= soc.soc && (field === 'limit' || field === 'setpoint') && v > soc.limit) {
        v = soc.limit; // K01.FR.100
      }
      if (v === undefined) return undefined;
      return convertRate(v, unitOf, unit, input.supply, phases);
    };
    const soCLimit = (l: Leading): number | undefined => {
      const soc = l.candidate.schedule.limitAtSoC;
      if (!soc || input.stateOfCharge === undefined || input.stateOfCharge < soc.soc || l.period.limit !== undefined) return undefined;
      return convertRate(soc.limit, l.candidate.schedule.chargingRateUnit, unit, input.supply, phases);
    };

    // the setpoint of an external system (ExternalSetpoint) has precedence by default [P2-21 §3.2]
    const setpointSource = external && external.period.setpoint !== undefined ? external : tx;
    let mode: OperationMode = (setpointSource === external ? external?.period.operationMode : tx?.period.operationMode) ?? 'ChargingOnly';
    if (input.priorityCharging && tx?.candidate.profile.chargingProfilePurpose === 'PriorityCharging') mode = 'ChargingOnly';

    let limit = Infinity;
    let dischargeLimit = -Infinity;
    for (const p of parts) {
      limit = Math.min(limit, rate(p, 'limit') ?? soCLimit(p) ?? Infinity);
      const d = rate(p, 'dischargeLimit');
      if (d !== undefined) dischargeLimit = Math.max(dischargeLimit, d);
    }
    if (generation && Number.isFinite(limit)) limit += rate(generation, 'limit') ?? 0; // K08.FR.04
    const hw = input.hardwareLimit;
    if (hw) {
      limit = Math.min(limit, convertRate(hw.limit, hw.chargingRateUnit, unit, input.supply, phases));
      if (hw.dischargeLimit !== undefined) dischargeLimit = Math.max(dischargeLimit, convertRate(hw.dischargeLimit, hw.chargingRateUnit, unit, input.supply, phases));
    }

    const period: CompositeSchedulePeriod = { startPeriod: Math.round((t - scheduleStart) / 1000) };
    if (mode === 'Idle') {
      period.limit = 0;
      period.dischargeLimit = 0;
    } else {
      if (Number.isFinite(limit)) period.limit = limit;
      if (usesSetpointOrDischarge(mode)) {
        if (Number.isFinite(dischargeLimit)) period.dischargeLimit = Math.min(dischargeLimit, 0);
        let setpoint = setpointSource ? rate(setpointSource, 'setpoint') : undefined;
        if (setpoint !== undefined) {
          if (setpoint > 0 && period.limit !== undefined) setpoint = Math.min(setpoint, period.limit); // V2X.03
          if (setpoint < 0 && period.dischargeLimit !== undefined) setpoint = Math.max(setpoint, period.dischargeLimit); // V2X.04
          period.setpoint = setpoint;
        }
        const reactive = setpointSource ? rate(setpointSource, 'setpointReactive') : undefined;
        if (reactive !== undefined) period.setpointReactive = reactive;
      }
    }
    if (phases !== undefined && parts.some((p) => p.period.numberPhases !== undefined)) period.numberPhases = phases;
    const phaseToUse = parts.map((p) => p.period.phaseToUse).find((x) => x !== undefined);
    if (phaseToUse !== undefined && phases === 1) period.phaseToUse = phaseToUse;
    period.operationMode = mode;

    const minRate = tx?.candidate.schedule.minChargingRate;
    return {
      period,
      minChargingRate: minRate === undefined ? undefined : convertRate(minRate, tx!.candidate.schedule.chargingRateUnit, unit, input.supply, phases),
    };
  };

  const periods: CompositeSchedulePeriod[] = [];
  let minChargingRate: number | undefined;
  for (const t of times) {
    const { period, minChargingRate: m } = evaluate(t);
    if (t === scheduleStart) minChargingRate = m;
    if (durationS > 0 && period.startPeriod >= durationS) continue;
    const last = periods[periods.length - 1];
    if (last && last.startPeriod === period.startPeriod) periods.pop(); // sub-second boundaries: the later one wins
    const prev = periods[periods.length - 1];
    if (prev && samePeriod(prev, period)) continue;
    periods.push(period);
  }

  const result: CompositeSchedule = { evseId: input.evseId, scheduleStart, duration: durationS, chargingRateUnit: unit, chargingSchedulePeriod: periods };
  if (minChargingRate !== undefined) result.minChargingRate = minChargingRate;
  return result;
}

function samePeriod(a: CompositeSchedulePeriod, b: CompositeSchedulePeriod): boolean {
  return (
    a.limit === b.limit &&
    a.dischargeLimit === b.dischargeLimit &&
    a.setpoint === b.setpoint &&
    a.setpointReactive === b.setpointReactive &&
    a.numberPhases === b.numberPhases &&
    a.phaseToUse === b.phaseToUse &&
    a.operationMode === b.operationMode
  );
}

/** The composite period in force `atMs` (epoch ms), undefined outside the composite. */
export function compositePeriodAt(c: CompositeSchedule, atMs: number): CompositeSchedulePeriod | undefined {
  const offsetS = (atMs - c.scheduleStart) / 1000;
  if (offsetS < 0 || (c.duration > 0 && offsetS >= c.duration)) return undefined;
  let found: CompositeSchedulePeriod | undefined;
  for (const p of c.chargingSchedulePeriod) if (p.startPeriod <= offsetS) found = p;
  return found;
}

/**
 * GetCompositeSchedule for evseId 0 (K08.FR.03): what the whole station expects to draw from the
 * grid, i.e. the sum of its EVSEs' composites (each computed as for its own GetCompositeSchedule),
 * never above the grid connection's composite (ChargingStationMaxProfile and external
 * constraints on EVSE 0, plus LocalGeneration). Setpoints and discharge limits add up too.
 */
export function stationCompositeSchedule(input: Omit<CompositeScheduleInput, 'evseId' | 'transaction' | 'priorityCharging'>, evses: readonly { evseId: number; transaction?: CompositeTransaction; priorityCharging?: boolean }[]): CompositeSchedule {
  const grid = compositeSchedule({ ...input, evseId: 0 });
  const unit = grid.chargingRateUnit;
  const parts = evses.map((e) => compositeSchedule({ ...input, chargingRateUnit: unit, evseId: e.evseId, transaction: e.transaction, priorityCharging: e.priorityCharging }));
  const starts = [...new Set([grid, ...parts].flatMap((c) => c.chargingSchedulePeriod.map((p) => p.startPeriod)))].sort((a, b) => a - b);
  const periods: CompositeSchedulePeriod[] = [];
  for (const s of starts) {
    const at = grid.scheduleStart + s * 1000;
    const g = compositePeriodAt(grid, at)!;
    const each = parts.map((c) => compositePeriodAt(c, at)!);
    const period: CompositeSchedulePeriod = { startPeriod: s, operationMode: each.find((p) => p.operationMode !== 'ChargingOnly')?.operationMode ?? 'ChargingOnly' };
    // an EVSE without a limit could take anything: then only the grid bounds the sum
    const limit = Math.min(g.limit ?? Infinity, each.length === 0 ? Infinity : each.reduce((t, p) => t + (p.limit ?? Infinity), 0));
    if (Number.isFinite(limit)) period.limit = limit;
    // discharge: an EVSE in a V2X mode without dischargeLimit is unbounded, one charging only adds 0
    const dischargers = each.filter((p) => p.dischargeLimit !== undefined || usesSetpointOrDischarge(p.operationMode ?? 'ChargingOnly'));
    const discharge = dischargers.reduce((t, p) => t + (p.dischargeLimit ?? -Infinity), 0);
    if (dischargers.length > 0 && Number.isFinite(discharge)) period.dischargeLimit = discharge;
    // a station setpoint only when every EVSE follows one
    if (each.length > 0 && each.every((p) => p.setpoint !== undefined)) {
      const setpoint = each.reduce((t, p) => t + p.setpoint!, 0);
      period.setpoint = period.limit !== undefined ? Math.min(setpoint, period.limit) : setpoint;
    }
    const prev = periods[periods.length - 1];
    if (!prev || !samePeriod(prev, period)) periods.push(period);
  }
  const result: CompositeSchedule = { ...grid, chargingSchedulePeriod: periods };
  delete result.minChargingRate;
  return result;
}
