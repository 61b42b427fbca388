// Converters between the version-independent model and each version's JSON: 1.6
// (csChargingProfiles, one schedule, ChargePointMaxProfile, integer transactionId) and 2.0.1/2.1
// (ChargingProfileType, 1..3 schedules). Reading accepts what the version's schema accepts;
// writing refuses (UnrepresentableError) what the target version cannot express, instead of
// silently dropping a limit a station would then not apply.
import { OcppError } from '../errors.js';
import type { OcppVersion } from '../versions.js';
import type {
  ChargingProfile,
  ChargingProfilePurpose,
  ChargingSchedule,
  ChargingSchedulePeriod,
  CompositeSchedule,
  CompositeSchedulePeriod,
} from './model.js';
import type {
  ChargingProfile16,
  ChargingProfile2,
  ChargingSchedule16,
  ChargingSchedule2,
  ChargingSchedulePeriod2,
  CompositeSchedule2,
  GetCompositeScheduleResponse16,
  GetCompositeScheduleResponse2,
  SetChargingProfileRequest16,
  SetChargingProfileRequest2,
} from './wire.js';

/** The model holds something the target OCPP version has no field or value for. */
export class UnrepresentableError extends Error {
  override readonly name = 'UnrepresentableError';
  constructor(
    readonly version: OcppVersion,
    readonly field: string,
    message: string,
  ) {
    super(`OCPP ${version} cannot express ${field}: ${message}`);
  }
}

// ---- date-times ------------------------------------------------------------------------------

function parseDateTime(text: string, field: string, wallClock = false): number {
  // useLocalTime (K01.FR.90): the digits are the station's local time, any offset or Z is disregarded
  const source = wallClock ? text.replace(/(Z|[+-]\d{2}:?\d{2})$/i, '') + 'Z' : text;
  const ms = Date.parse(source);
  if (!Number.isFinite(ms)) throw new OcppError('FormatViolation', `${field} is not a date-time: ${JSON.stringify(text)}`);
  return ms;
}

/** ISO 8601 UTC, without a fraction when the instant is on a whole second. */
export function formatDateTime(ms: number): string {
  const iso = new Date(ms).toISOString();
  return iso.endsWith('.000Z') ? iso.slice(0, -5) + 'Z' : iso;
}

const opt = <T, R>(v: T | undefined, f: (v: T) => R): R | undefined => (v === undefined ? undefined : f(v));

/** Copies the defined values of `src` (undefined-valued keys are left out, as OCPP wants [J21 §4.1]). */
function defined<T extends object>(src: T): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(src)) if (v !== undefined) out[k] = v;
  return out as T;
}

// ---- 1.6 ---------------------------------------------------------------------------------------

export function chargingProfileFrom16(p: ChargingProfile16): ChargingProfile {
  const purpose: ChargingProfilePurpose = p.chargingProfilePurpose === 'ChargePointMaxProfile' ? 'ChargingStationMaxProfile' : p.chargingProfilePurpose;
  const s = p.chargingSchedule;
  return defined({
    id: p.chargingProfileId,
    stackLevel: p.stackLevel,
    chargingProfilePurpose: purpose,
    chargingProfileKind: p.chargingProfileKind,
    recurrencyKind: p.recurrencyKind,
    validFrom: opt(p.validFrom, (v) => parseDateTime(v, 'validFrom')),
    validTo: opt(p.validTo, (v) => parseDateTime(v, 'validTo')),
    transactionId: opt(p.transactionId, String),
    chargingSchedule: [
      defined<ChargingSchedule>({
        startSchedule: opt(s.startSchedule, (v) => parseDateTime(v, 'startSchedule')),
        duration: s.duration,
        chargingRateUnit: s.chargingRateUnit,
        minChargingRate: s.minChargingRate,
        chargingSchedulePeriod: s.chargingSchedulePeriod.map((x) => defined<ChargingSchedulePeriod>({ startPeriod: x.startPeriod, limit: x.limit, numberPhases: x.numberPhases })),
      }),
    ],
  });
}

const PERIOD_FIELDS_21: readonly (keyof ChargingSchedulePeriod)[] = [
  'limit_L2',
  'limit_L3',
  'dischargeLimit',
  'dischargeLimit_L2',
  'dischargeLimit_L3',
  'setpoint',
  'setpoint_L2',
  'setpoint_L3',
  'setpointReactive',
  'setpointReactive_L2',
  'setpointReactive_L3',
  'preconditioningRequest',
  'evseSleep',
  'v2xBaseline',
  'v2xFreqWattCurve',
  'v2xSignalWattCurve',
];
const SCHEDULE_FIELDS_21: readonly (keyof ChargingSchedule)[] = [
  'limitAtSoC',
  'powerTolerance',
  'signatureId',
  'digestValue',
  'useLocalTime',
  'randomizedDelay',
  'absolutePriceSchedule',
  'priceLevelSchedule',
];
const PROFILE_FIELDS_21: readonly (keyof ChargingProfile)[] = ['maxOfflineDuration', 'invalidAfterOfflineDuration', 'dynUpdateInterval', 'dynUpdateTime', 'priceScheduleSignature'];

function refuse21Fields(version: '1.6' | '2.0.1', p: ChargingProfile): void {
  for (const f of PROFILE_FIELDS_21) if (p[f] !== undefined) throw new UnrepresentableError(version, f, 'an OCPP 2.1 field');
  if (p.chargingProfileKind === 'Dynamic') throw new UnrepresentableError(version, 'chargingProfileKind', 'Dynamic is OCPP 2.1');
  if (p.chargingProfilePurpose === 'PriorityCharging' || p.chargingProfilePurpose === 'LocalGeneration') {
    throw new UnrepresentableError(version, 'chargingProfilePurpose', `${p.chargingProfilePurpose} is OCPP 2.1`);
  }
  for (const s of p.chargingSchedule) {
    for (const f of SCHEDULE_FIELDS_21) if (s[f] !== undefined) throw new UnrepresentableError(version, f, 'an OCPP 2.1 field');
    for (const x of s.chargingSchedulePeriod) {
      for (const f of PERIOD_FIELDS_21) if (x[f] !== undefined) throw new UnrepresentableError(version, f, 'an OCPP 2.1 field');
      if (x.operationMode !== undefined && x.operationMode !== 'ChargingOnly') throw new UnrepresentableError(version, 'operationMode', 'OCPP 2.1 only');
      if (x.limit === undefined) throw new UnrepresentableError(version, 'limit', 'every period needs a limit before OCPP 2.1');
    }
  }
}

export function chargingProfileTo16(p: ChargingProfile): ChargingProfile16 {
  refuse21Fields('1.6', p);
  if (p.chargingProfilePurpose === 'ChargingStationExternalConstraints') throw new UnrepresentableError('1.6', 'chargingProfilePurpose', 'ChargingStationExternalConstraints is OCPP 2.x');
  if (p.chargingSchedule.length !== 1) throw new UnrepresentableError('1.6', 'chargingSchedule', 'a 1.6 profile has exactly one schedule');
  let transactionId: number | undefined;
  if (p.transactionId !== undefined) {
    transactionId = Number(p.transactionId);
    if (!Number.isInteger(transactionId) || String(transactionId) !== p.transactionId) throw new UnrepresentableError('1.6', 'transactionId', `${p.transactionId} is not an integer`);
  }
  const s = p.chargingSchedule[0];
  for (const x of s.chargingSchedulePeriod) if (x.phaseToUse !== undefined) throw new UnrepresentableError('1.6', 'phaseToUse', 'OCPP 2.x only');
  return defined<ChargingProfile16>({
    chargingProfileId: p.id,
    transactionId,
    stackLevel: p.stackLevel,
    // refuse21Fields and the check above leave the three 1.6 purposes
    chargingProfilePurpose: p.chargingProfilePurpose === 'ChargingStationMaxProfile' ? 'ChargePointMaxProfile' : (p.chargingProfilePurpose as 'TxDefaultProfile' | 'TxProfile'),
    chargingProfileKind: p.chargingProfileKind as ChargingProfile16['chargingProfileKind'],
    recurrencyKind: p.recurrencyKind,
    validFrom: opt(p.validFrom, formatDateTime),
    validTo: opt(p.validTo, formatDateTime),
    chargingSchedule: defined<ChargingSchedule16>({
      duration: s.duration,
      startSchedule: opt(s.startSchedule, formatDateTime),
      chargingRateUnit: s.chargingRateUnit,
      chargingSchedulePeriod: s.chargingSchedulePeriod.map((x) => defined({ startPeriod: x.startPeriod, limit: x.limit!, numberPhases: x.numberPhases })),
      minChargingRate: s.minChargingRate,
    }),
  });
}

// ---- 2.0.1 / 2.1 -------------------------------------------------------------------------------

export function chargingProfileFrom2(p: ChargingProfile2): ChargingProfile {
  return defined<ChargingProfile>({
    id: p.id,
    stackLevel: p.stackLevel,
    chargingProfilePurpose: p.chargingProfilePurpose,
    chargingProfileKind: p.chargingProfileKind,
    recurrencyKind: p.recurrencyKind,
    validFrom: opt(p.validFrom, (v) => parseDateTime(v, 'validFrom')),
    validTo: opt(p.validTo, (v) => parseDateTime(v, 'validTo')),
    transactionId: p.transactionId,
    chargingSchedule: p.chargingSchedule.map(scheduleFrom2),
    maxOfflineDuration: p.maxOfflineDuration,
    invalidAfterOfflineDuration: p.invalidAfterOfflineDuration,
    dynUpdateInterval: p.dynUpdateInterval,
    dynUpdateTime: opt(p.dynUpdateTime, (v) => parseDateTime(v, 'dynUpdateTime')),
    priceScheduleSignature: p.priceScheduleSignature,
  });
}

function scheduleFrom2(s: ChargingSchedule2): ChargingSchedule {
  return defined<ChargingSchedule>({
    id: s.id,
    startSchedule: opt(s.startSchedule, (v) => parseDateTime(v, 'startSchedule', s.useLocalTime === true)),
    duration: s.duration,
    chargingRateUnit: s.chargingRateUnit,
    minChargingRate: s.minChargingRate,
    chargingSchedulePeriod: s.chargingSchedulePeriod.map(periodFrom2),
    limitAtSoC: opt(s.limitAtSoC, (l) => ({ soc: l.soc, limit: l.limit })),
    powerTolerance: s.powerTolerance,
    useLocalTime: s.useLocalTime,
    randomizedDelay: s.randomizedDelay,
    signatureId: s.signatureId,
    digestValue: s.digestValue,
    salesTariff: s.salesTariff,
    absolutePriceSchedule: s.absolutePriceSchedule,
    priceLevelSchedule: s.priceLevelSchedule,
  });
}

function periodFrom2(x: ChargingSchedulePeriod2): ChargingSchedulePeriod {
  const { customData: _customData, v2xFreqWattCurve, v2xSignalWattCurve, ...rest } = x;
  return defined<ChargingSchedulePeriod>({
    ...rest,
    v2xFreqWattCurve: v2xFreqWattCurve?.map((p) => ({ frequency: p.frequency, power: p.power })),
    v2xSignalWattCurve: v2xSignalWattCurve?.map((p) => ({ signal: p.signal, power: p.power })),
  });
}

export function chargingProfileTo2(version: '2.0.1' | '2.1', p: ChargingProfile): ChargingProfile2 {
  if (version === '2.0.1') refuse21Fields(version, p);
  return defined<ChargingProfile2>({
    id: p.id,
    stackLevel: p.stackLevel,
    chargingProfilePurpose: p.chargingProfilePurpose,
    chargingProfileKind: p.chargingProfileKind,
    recurrencyKind: p.recurrencyKind,
    validFrom: opt(p.validFrom, formatDateTime),
    validTo: opt(p.validTo, formatDateTime),
    transactionId: p.transactionId,
    chargingSchedule: p.chargingSchedule.map((s, i) => {
      const { startSchedule, chargingSchedulePeriod, limitAtSoC, id, ...rest } = s;
      return defined<ChargingSchedule2>({
        ...rest,
        id: id ?? i + 1,
        startSchedule: opt(startSchedule, formatDateTime),
        limitAtSoC: opt(limitAtSoC, (l) => ({ soc: l.soc, limit: l.limit })),
        chargingSchedulePeriod: chargingSchedulePeriod.map((x) => defined<ChargingSchedulePeriod2>({ ...x })),
      });
    }),
    maxOfflineDuration: p.maxOfflineDuration,
    invalidAfterOfflineDuration: p.invalidAfterOfflineDuration,
    dynUpdateInterval: p.dynUpdateInterval,
    dynUpdateTime: opt(p.dynUpdateTime, formatDateTime),
    priceScheduleSignature: p.priceScheduleSignature,
  });
}

// ---- one entry point per direction -------------------------------------------------------------

export type WireChargingProfile<V extends OcppVersion> = V extends '1.6' ? ChargingProfile16 : ChargingProfile2;

export function chargingProfileFromOcpp(version: '1.6', p: ChargingProfile16): ChargingProfile;
export function chargingProfileFromOcpp(version: '2.0.1' | '2.1', p: ChargingProfile2): ChargingProfile;
export function chargingProfileFromOcpp(version: OcppVersion, p: ChargingProfile16 | ChargingProfile2): ChargingProfile;
export function chargingProfileFromOcpp(version: OcppVersion, p: ChargingProfile16 | ChargingProfile2): ChargingProfile {
  return version === '1.6' ? chargingProfileFrom16(p as ChargingProfile16) : chargingProfileFrom2(p as ChargingProfile2);
}

export function chargingProfileToOcpp(version: '1.6', p: ChargingProfile): ChargingProfile16;
export function chargingProfileToOcpp(version: '2.0.1' | '2.1', p: ChargingProfile): ChargingProfile2;
export function chargingProfileToOcpp(version: OcppVersion, p: ChargingProfile): ChargingProfile16 | ChargingProfile2;
export function chargingProfileToOcpp(version: OcppVersion, p: ChargingProfile): ChargingProfile16 | ChargingProfile2 {
  return version === '1.6' ? chargingProfileTo16(p) : chargingProfileTo2(version, p);
}

/** A SetChargingProfile request for `evseId` (1.6: connectorId). */
export function setChargingProfileRequest(version: '1.6', evseId: number, p: ChargingProfile): SetChargingProfileRequest16;
export function setChargingProfileRequest(version: '2.0.1' | '2.1', evseId: number, p: ChargingProfile): SetChargingProfileRequest2;
export function setChargingProfileRequest(version: OcppVersion, evseId: number, p: ChargingProfile): SetChargingProfileRequest16 | SetChargingProfileRequest2;
export function setChargingProfileRequest(version: OcppVersion, evseId: number, p: ChargingProfile): SetChargingProfileRequest16 | SetChargingProfileRequest2 {
  return version === '1.6' ? { connectorId: evseId, csChargingProfiles: chargingProfileTo16(p) } : { evseId, chargingProfile: chargingProfileTo2(version, p) };
}

export function parseSetChargingProfileRequest(version: OcppVersion, req: SetChargingProfileRequest16 | SetChargingProfileRequest2): { evseId: number; profile: ChargingProfile } {
  if (version === '1.6') {
    const r = req as SetChargingProfileRequest16;
    return { evseId: r.connectorId, profile: chargingProfileFrom16(r.csChargingProfiles) };
  }
  const r = req as SetChargingProfileRequest2;
  return { evseId: r.evseId, profile: chargingProfileFrom2(r.chargingProfile) };
}

// ---- composite schedules -----------------------------------------------------------------------

/**
 * Limits go on the wire with at most one decimal (1.6 schema: multipleOf 0.1; 2.0.1: "at most
 * one digit fraction"), rounded towards zero so that neither a limit nor a discharge limit grows.
 */
export function roundLimit(v: number): number {
  const tenths = Math.round(v * 10 * 1e6) / 1e6;
  return (tenths < 0 ? Math.ceil(tenths) : Math.floor(tenths)) / 10 + 0;
}

/** Setpoints: to the nearest tenth, halves away from zero (the same for charging and discharging). */
function roundNearest(v: number): number {
  return (Math.sign(v) * Math.round(Math.abs(v) * 10 * (1 + 1e-12))) / 10 + 0;
}

function compositePeriodTo2(version: '2.0.1' | '2.1', p: CompositeSchedulePeriod): ChargingSchedulePeriod2 {
  if (p.limit === undefined && version === '2.0.1') throw new UnrepresentableError(version, 'limit', 'a 2.0.1 composite period needs a limit: give the composite a hardware limit');
  const base = { startPeriod: p.startPeriod, limit: opt(p.limit, roundLimit), numberPhases: p.numberPhases, phaseToUse: p.phaseToUse };
  if (version === '2.0.1') return defined(base);
  return defined<ChargingSchedulePeriod2>({
    ...base,
    dischargeLimit: opt(p.dischargeLimit, roundLimit),
    setpoint: opt(p.setpoint, roundNearest),
    setpointReactive: opt(p.setpointReactive, roundNearest),
    operationMode: p.operationMode,
  });
}

/** The GetCompositeSchedule answer (status Accepted) carrying `c`. 1.6 and 2.0.1 have no V2X fields: those are left out. */
export function compositeScheduleResponse(version: '1.6', c: CompositeSchedule): GetCompositeScheduleResponse16;
export function compositeScheduleResponse(version: '2.0.1' | '2.1', c: CompositeSchedule): GetCompositeScheduleResponse2;
export function compositeScheduleResponse(version: OcppVersion, c: CompositeSchedule): GetCompositeScheduleResponse16 | GetCompositeScheduleResponse2;
export function compositeScheduleResponse(version: OcppVersion, c: CompositeSchedule): GetCompositeScheduleResponse16 | GetCompositeScheduleResponse2 {
  if (version === '1.6') {
    const periods = c.chargingSchedulePeriod.map((p) => {
      if (p.limit === undefined) throw new UnrepresentableError('1.6', 'limit', 'a 1.6 composite period needs a limit: give the composite a hardware limit');
      return defined({ startPeriod: p.startPeriod, limit: roundLimit(p.limit), numberPhases: p.numberPhases });
    });
    return {
      status: 'Accepted',
      connectorId: c.evseId,
      scheduleStart: formatDateTime(c.scheduleStart),
      chargingSchedule: defined<ChargingSchedule16>({
        duration: c.duration,
        startSchedule: formatDateTime(c.scheduleStart),
        chargingRateUnit: c.chargingRateUnit,
        chargingSchedulePeriod: periods,
        minChargingRate: opt(c.minChargingRate, roundLimit),
      }),
    };
  }
  const schedule: CompositeSchedule2 = {
    evseId: c.evseId,
    duration: c.duration,
    scheduleStart: formatDateTime(c.scheduleStart),
    chargingRateUnit: c.chargingRateUnit,
    chargingSchedulePeriod: c.chargingSchedulePeriod.map((p) => compositePeriodTo2(version, p)),
  };
  return { status: 'Accepted', schedule };
}

/** The composite schedule in a GetCompositeSchedule answer (what a CSMS receives); undefined when Rejected. */
export function compositeScheduleFromResponse(
  version: OcppVersion,
  res: GetCompositeScheduleResponse16 | GetCompositeScheduleResponse2,
  request: { evseId: number },
): CompositeSchedule | undefined {
  if (res.status !== 'Accepted') return undefined;
  if (version === '1.6') {
    const r = res as GetCompositeScheduleResponse16;
    if (!r.chargingSchedule) return undefined;
    const start = r.scheduleStart ?? r.chargingSchedule.startSchedule;
    if (start === undefined) throw new OcppError('OccurrenceConstraintViolation', 'GetCompositeSchedule.conf has neither scheduleStart nor chargingSchedule.startSchedule');
    return defined<CompositeSchedule>({
      evseId: r.connectorId ?? request.evseId,
      scheduleStart: parseDateTime(start, 'scheduleStart'),
      duration: r.chargingSchedule.duration ?? 0,
      chargingRateUnit: r.chargingSchedule.chargingRateUnit,
      chargingSchedulePeriod: r.chargingSchedule.chargingSchedulePeriod.map((p) => defined({ startPeriod: p.startPeriod, limit: p.limit, numberPhases: p.numberPhases })),
      minChargingRate: r.chargingSchedule.minChargingRate,
    });
  }
  const s = (res as GetCompositeScheduleResponse2).schedule;
  if (!s) return undefined;
  return {
    evseId: s.evseId,
    scheduleStart: parseDateTime(s.scheduleStart, 'scheduleStart'),
    duration: s.duration,
    chargingRateUnit: s.chargingRateUnit,
    chargingSchedulePeriod: s.chargingSchedulePeriod.map((p) =>
      defined<CompositeSchedulePeriod>({
        startPeriod: p.startPeriod,
        limit: p.limit,
        dischargeLimit: p.dischargeLimit,
        setpoint: p.setpoint,
        setpointReactive: p.setpointReactive,
        numberPhases: p.numberPhases,
        phaseToUse: p.phaseToUse,
        operationMode: p.operationMode,
      }),
    ),
  };
}
