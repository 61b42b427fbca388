// What a charging station checks before it accepts a SetChargingProfile (K01 and friends), and
// the reasonCode it answers a rejection with (OCPP 2.1 Part 2 appendix "Reason codes"). A CSMS
// runs the same checks before sending, so a bad profile fails at the CSMS with the same words.
// 1.6 has no reasonCode: the station answers Rejected and the code is for logs and traces.
import type { OcppVersion } from '../versions.js';
import type {
  ChargingProfile,
  ChargingProfilePurpose,
  ChargingProfileKind,
  ChargingRateUnit,
  ChargingSchedule,
  InstalledChargingProfile,
  OperationMode,
} from './model.js';

export type ChargingProfileReasonCode =
  | 'DuplicateProfile'
  | 'InvalidProfile'
  | 'InvalidProfileId'
  | 'InvalidSchedule'
  | 'InvalidStackLevel'
  | 'NoFreqWattCurve'
  | 'NoPhaseForDC'
  | 'TooManyElements'
  | 'TxNotFound'
  | 'UnknownEvse'
  | 'UnsupportedKind'
  | 'UnsupportedPurpose'
  | 'UnsupportedRateUnit';

/** Why a profile is refused: statusInfo { reasonCode, additionalInfo } of the response. */
export interface ChargingProfileRejection {
  reasonCode: ChargingProfileReasonCode;
  /** the requirement that rules it, e.g. K01.FR.09 */
  requirement: string;
  additionalInfo: string;
}

/** What the station supports (its device model / 1.6 configuration keys). An absent field is not checked. */
export interface SmartChargingCapabilities {
  /** EVSE ids (1.6: connector ids) besides 0 */
  evseIds?: readonly number[];
  /** ChargingScheduleChargingRateUnit (2.x) / ChargingScheduleAllowedChargingRateUnit (1.6) */
  chargingRateUnits?: readonly ChargingRateUnit[];
  /** ProfileStackLevel (2.x) / ChargeProfileMaxStackLevel (1.6) */
  maxStackLevel?: number;
  /** PeriodsPerSchedule (2.x) / ChargingScheduleMaxPeriods (1.6) */
  periodsPerSchedule?: number;
  /** 2.1 SupportedAdditionalPurposes */
  supportedAdditionalPurposes?: readonly ('PriorityCharging' | 'LocalGeneration')[];
  /** 2.1 SupportsDynamicProfiles */
  supportsDynamicProfiles?: boolean;
  /** 2.1 SupportsLocalTime */
  supportsLocalTime?: boolean;
  /** ACPhaseSwitchingSupported */
  acPhaseSwitchingSupported?: boolean;
  /** the power stage of an EVSE */
  evseKind?: (evseId: number) => 'AC' | 'DC';
  /** 2.1 DCInputPhaseControl */
  dcInputPhaseControl?: boolean;
  /** 2.1 MaxExternalConstraintsId */
  maxExternalConstraintsId?: number;
}

export interface ChargingProfileValidationInput {
  version: OcppVersion;
  /** the request's evseId (1.6: connectorId) */
  evseId: number;
  profile: ChargingProfile;
  /** the profiles the station holds */
  installed?: readonly InstalledChargingProfile[];
  /** the transactions running on the station */
  transactions?: readonly { evseId: number; transactionId: string }[];
  /** NotifyEVChargingNeeds was received for the transaction (ISO 15118): a TxProfile may have up to 3 schedules (K01.FR.34) */
  iso15118?: boolean;
  capabilities?: SmartChargingCapabilities;
}

const PURPOSES: Record<OcppVersion, readonly ChargingProfilePurpose[]> = {
  '1.6': ['ChargingStationMaxProfile', 'TxDefaultProfile', 'TxProfile'],
  '2.0.1': ['ChargingStationMaxProfile', 'ChargingStationExternalConstraints', 'TxDefaultProfile', 'TxProfile'],
  '2.1': ['ChargingStationMaxProfile', 'ChargingStationExternalConstraints', 'TxDefaultProfile', 'TxProfile', 'PriorityCharging', 'LocalGeneration'],
};
const KINDS: Record<OcppVersion, readonly ChargingProfileKind[]> = {
  '1.6': ['Absolute', 'Recurring', 'Relative'],
  '2.0.1': ['Absolute', 'Recurring', 'Relative'],
  '2.1': ['Absolute', 'Recurring', 'Relative', 'Dynamic'],
};

/** Table 95: the operation modes each purpose may use. */
const MODES_BY_PURPOSE: Record<ChargingProfilePurpose, readonly OperationMode[]> = {
  TxProfile: ['ChargingOnly', 'CentralSetpoint', 'ExternalSetpoint', 'ExternalLimits', 'CentralFrequency', 'LocalFrequency', 'LocalLoadBalancing', 'Idle'],
  TxDefaultProfile: ['ChargingOnly', 'CentralSetpoint', 'ExternalSetpoint', 'ExternalLimits', 'CentralFrequency', 'LocalFrequency', 'LocalLoadBalancing', 'Idle'],
  PriorityCharging: ['ChargingOnly'],
  ChargingStationMaxProfile: ['ChargingOnly'],
  ChargingStationExternalConstraints: ['ChargingOnly', 'ExternalLimits', 'ExternalSetpoint'],
  LocalGeneration: ['ChargingOnly', 'ExternalLimits'],
};

const reject = (reasonCode: ChargingProfileReasonCode, requirement: string, additionalInfo: string): ChargingProfileRejection => ({ reasonCode, requirement, additionalInfo });

function overlaps(a: ChargingProfile, b: ChargingProfile): boolean {
  return (a.validFrom ?? -Infinity) < (b.validTo ?? Infinity) && (b.validFrom ?? -Infinity) < (a.validTo ?? Infinity);
}

/** undefined when the station may accept the profile; else the first reason to reject it. */
export function validateChargingProfile(input: ChargingProfileValidationInput): ChargingProfileRejection | undefined {
  const { version, evseId, profile: p } = input;
  const caps = input.capabilities ?? {};
  const v2x = version === '2.1';

  if (evseId < 0 || (evseId > 0 && caps.evseIds && !caps.evseIds.includes(evseId))) return reject('UnknownEvse', 'K01.FR.28', `EVSE ${evseId} does not exist`);
  if (!PURPOSES[version].includes(p.chargingProfilePurpose)) return reject('UnsupportedPurpose', 'K01.FR.120', `${p.chargingProfilePurpose} is not an OCPP ${version} purpose`);
  if (p.chargingProfilePurpose === 'ChargingStationExternalConstraints') return reject('InvalidProfile', 'K01.FR.22', 'ChargingStationExternalConstraints is set by external systems, not by the CSMS');
  if ((p.chargingProfilePurpose === 'PriorityCharging' || p.chargingProfilePurpose === 'LocalGeneration') && caps.supportedAdditionalPurposes && !caps.supportedAdditionalPurposes.includes(p.chargingProfilePurpose)) {
    return reject('UnsupportedPurpose', 'K01.FR.120', `${p.chargingProfilePurpose} is not in SupportedAdditionalPurposes`);
  }
  if (!KINDS[version].includes(p.chargingProfileKind)) return reject('UnsupportedKind', 'K01.FR.121', `${p.chargingProfileKind} is not an OCPP ${version} kind`);
  if (p.chargingProfileKind === 'Dynamic' && caps.supportsDynamicProfiles === false) return reject('UnsupportedKind', 'K01.FR.121', 'SupportsDynamicProfiles is false');
  if ((p.dynUpdateInterval !== undefined || p.dynUpdateTime !== undefined) && p.chargingProfileKind !== 'Dynamic') {
    return reject('InvalidProfile', 'K01.FR.122', 'dynUpdateInterval/dynUpdateTime need chargingProfileKind Dynamic');
  }
  if (!Number.isInteger(p.stackLevel) || p.stackLevel < 0 || (caps.maxStackLevel !== undefined && p.stackLevel > caps.maxStackLevel)) {
    return reject('InvalidStackLevel', 'K01', `stackLevel ${p.stackLevel} is outside 0..${caps.maxStackLevel ?? '∞'}`);
  }
  if (caps.maxExternalConstraintsId !== undefined && p.id <= caps.maxExternalConstraintsId) {
    return reject('InvalidProfileId', 'K01.FR.81', `id ${p.id} is not above MaxExternalConstraintsId ${caps.maxExternalConstraintsId}`);
  }
  if (p.chargingProfileKind === 'Recurring' && p.recurrencyKind === undefined) return reject('InvalidProfile', 'K01', 'a Recurring profile needs recurrencyKind');
  if (p.validFrom !== undefined && p.validTo !== undefined && p.validTo <= p.validFrom) return reject('InvalidProfile', 'K01.FR.36', 'validTo is not after validFrom');

  // where a purpose may be set
  if (p.chargingProfilePurpose === 'ChargingStationMaxProfile') {
    if (evseId !== 0) return reject('InvalidProfile', 'K04.FR.03', 'ChargingStationMaxProfile can only be set on EVSE 0');
    if (p.chargingProfileKind === 'Relative') return reject('InvalidProfile', 'K01.FR.38', 'ChargingStationMaxProfile cannot be Relative');
  }
  if (p.transactionId !== undefined && p.chargingProfilePurpose !== 'TxProfile' && p.chargingProfilePurpose !== 'PriorityCharging') {
    return reject('InvalidProfile', 'K01.FR.03', 'transactionId is only for a TxProfile');
  }
  if (p.chargingProfilePurpose === 'TxProfile') {
    if (evseId === 0) return reject('InvalidProfile', 'K01.FR.16', 'a TxProfile needs an EVSE > 0');
    if (version !== '1.6' && p.transactionId === undefined) return reject('InvalidProfile', 'K01.FR.03', 'a TxProfile needs a transactionId');
    const running = input.transactions?.find((t) => t.evseId === evseId);
    if (!running) return reject('TxNotFound', 'K01.FR.09', `no transaction is active on EVSE ${evseId}`);
    if (p.transactionId !== undefined && p.transactionId !== running.transactionId) return reject('TxNotFound', 'K01.FR.33', `transaction ${p.transactionId} is not active on EVSE ${evseId}`);
  }

  // the schedules
  const maxSchedules = p.chargingProfilePurpose === 'TxProfile' && input.iso15118 ? 3 : 1;
  if (p.chargingSchedule.length === 0) return reject('InvalidSchedule', 'K01', 'no chargingSchedule');
  if (p.chargingSchedule.length > maxSchedules) return reject('TooManyElements', 'K01.FR.34', `${p.chargingSchedule.length} schedules; ${maxSchedules} allowed here`);
  for (const s of p.chargingSchedule) {
    const problem = validateSchedule(input, s, caps, v2x);
    if (problem) return problem;
  }

  // against what the station holds
  const installed = input.installed ?? [];
  const same = installed.find((i) => i.profile.id === p.id);
  if (same?.profile.chargingProfilePurpose === 'ChargingStationExternalConstraints') return reject('InvalidProfileId', 'K01.FR.05', `id ${p.id} is an external constraints profile, which cannot be replaced`);
  if (version !== '1.6') {
    for (const other of installed) {
      const q = other.profile;
      if (q.id === p.id || q.stackLevel !== p.stackLevel || q.chargingProfilePurpose !== p.chargingProfilePurpose) continue;
      if (p.chargingProfilePurpose === 'TxProfile') {
        if (q.transactionId === p.transactionId) return reject('DuplicateProfile', 'K01.FR.39', `profile ${q.id} has stackLevel ${p.stackLevel} for transaction ${p.transactionId}`);
        continue;
      }
      if (other.evseId === evseId && overlaps(p, q)) return reject('DuplicateProfile', 'K01.FR.06', `profile ${q.id} has the same stackLevel and purpose on EVSE ${evseId}`);
      if (p.chargingProfilePurpose === 'TxDefaultProfile' && (evseId === 0) !== (other.evseId === 0)) {
        return reject('DuplicateProfile', evseId === 0 ? 'K01.FR.52' : 'K01.FR.53', `TxDefaultProfile ${q.id} has stackLevel ${p.stackLevel} on EVSE ${other.evseId}`);
      }
    }
  }
  return phaseConflict(p, evseId, installed);
}

function validateSchedule(input: ChargingProfileValidationInput, s: ChargingSchedule, caps: SmartChargingCapabilities, v2x: boolean): ChargingProfileRejection | undefined {
  const p = input.profile;
  if (caps.chargingRateUnits && !caps.chargingRateUnits.includes(s.chargingRateUnit)) return reject('UnsupportedRateUnit', 'K01.FR.26', `chargingRateUnit ${s.chargingRateUnit} is not supported`);
  const periods = s.chargingSchedulePeriod;
  if (periods.length === 0) return reject('InvalidSchedule', 'K01', 'no chargingSchedulePeriod');
  if (caps.periodsPerSchedule !== undefined && periods.length > caps.periodsPerSchedule) return reject('TooManyElements', 'K01', `${periods.length} periods; PeriodsPerSchedule is ${caps.periodsPerSchedule}`);
  if (periods[0].startPeriod !== 0) return reject('InvalidSchedule', 'K01.FR.31', 'the first startPeriod must be 0');
  for (let i = 1; i < periods.length; i++) {
    if (!(periods[i].startPeriod > periods[i - 1].startPeriod)) return reject('InvalidSchedule', 'K01.FR.35', 'startPeriod values must increase');
  }
  if (s.duration !== undefined && !(s.duration > 0)) return reject('InvalidSchedule', 'K01', 'duration must be > 0');
  if (input.version !== '1.6') {
    if ((p.chargingProfileKind === 'Absolute' || p.chargingProfileKind === 'Recurring') && s.startSchedule === undefined) return reject('InvalidSchedule', 'K01.FR.40', `a ${p.chargingProfileKind} schedule needs startSchedule`);
    if (p.chargingProfileKind === 'Relative' && s.startSchedule !== undefined) return reject('InvalidSchedule', 'K01.FR.41', 'a Relative schedule has no startSchedule');
  }
  if (p.chargingProfileKind === 'Dynamic' && periods.length !== 1) return reject('InvalidSchedule', 'K28', 'a Dynamic schedule has exactly one period');
  if (p.chargingProfilePurpose === 'PriorityCharging' && s.duration !== undefined) return reject('InvalidSchedule', 'K01.FR.70', 'a PriorityCharging schedule has no duration');
  if ((s.randomizedDelay ?? 0) > 0 && p.chargingProfilePurpose !== 'TxProfile' && p.chargingProfilePurpose !== 'TxDefaultProfile') {
    return reject('InvalidSchedule', 'K01.FR.95', 'only TxProfile and TxDefaultProfile may have a randomizedDelay');
  }
  if (s.useLocalTime && caps.supportsLocalTime === false) return reject('InvalidSchedule', 'K01.FR.123', 'SupportsLocalTime is false');
  if (s.minChargingRate !== undefined && s.minChargingRate < 0) return reject('InvalidSchedule', 'K01', 'minChargingRate must be ≥ 0');

  const dc = caps.evseKind?.(input.evseId) === 'DC';
  for (const x of periods) {
    const mode: OperationMode = x.operationMode ?? 'ChargingOnly';
    if (x.operationMode !== undefined && !v2x && x.operationMode !== 'ChargingOnly') return reject('InvalidSchedule', 'K01', 'operationMode is OCPP 2.1');
    if (!MODES_BY_PURPOSE[p.chargingProfilePurpose].includes(mode)) return reject('InvalidSchedule', p.chargingProfilePurpose === 'PriorityCharging' ? 'K01.FR.71' : 'Q', `${p.chargingProfilePurpose} cannot use operationMode ${mode}`);
    // "limits and setpoints per operation mode" [P2-21 Q]
    if (mode === 'ChargingOnly' && x.limit === undefined) return reject('InvalidSchedule', 'Q', 'a ChargingOnly period needs a limit');
    if ((mode === 'CentralSetpoint' || mode === 'CentralFrequency') && x.setpoint === undefined) return reject('InvalidSchedule', 'Q', `a ${mode} period needs a setpoint`);
    if (mode === 'CentralFrequency' && p.chargingProfileKind !== 'Dynamic') return reject('InvalidSchedule', 'Q', 'CentralFrequency needs a Dynamic profile');
    if (mode === 'LocalFrequency') {
      if ((x.v2xFreqWattCurve?.length ?? 0) < 2) return reject('NoFreqWattCurve', 'Q', 'LocalFrequency needs a v2xFreqWattCurve of at least 2 points');
      if (s.chargingRateUnit !== 'W') return reject('InvalidSchedule', 'Q', 'LocalFrequency needs chargingRateUnit W');
    }
    for (const f of ['dischargeLimit', 'dischargeLimit_L2', 'dischargeLimit_L3'] as const) {
      const d = x[f];
      if (d !== undefined && d > 0) return reject('InvalidSchedule', 'Q', `${f} must be ≤ 0`);
    }
    if (x.setpoint !== undefined && ((x.limit !== undefined && x.setpoint > x.limit) || (x.dischargeLimit !== undefined && x.setpoint < x.dischargeLimit))) {
      return reject('InvalidSchedule', 'V2X.05', `setpoint ${x.setpoint} is outside [${x.dischargeLimit ?? '-∞'}, ${x.limit ?? '∞'}]`);
    }
    if (x.numberPhases !== undefined && (x.numberPhases < 1 || x.numberPhases > 3)) return reject('InvalidSchedule', 'K01', 'numberPhases must be 1..3');
    if (dc && (x.numberPhases !== undefined || x.phaseToUse !== undefined) && !caps.dcInputPhaseControl) return reject('NoPhaseForDC', 'K01.FR.44', 'phases on a DC EVSE without DCInputPhaseControl');
    if (x.phaseToUse !== undefined) {
      if (x.numberPhases !== 1) return reject('InvalidSchedule', 'K01.FR.19', 'phaseToUse needs numberPhases = 1');
      if (caps.acPhaseSwitchingSupported === false) return reject('InvalidSchedule', 'K01.FR.48', 'the EVSE cannot switch phases');
    }
  }
  return undefined;
}

const PHASE_MASTERS: readonly ChargingProfilePurpose[] = ['ChargingStationMaxProfile', 'ChargingStationExternalConstraints'];

/** §3.8: a phaseToUse that differs from the one of a max / external constraints profile cannot be merged. */
function phaseConflict(p: ChargingProfile, evseId: number, installed: readonly InstalledChargingProfile[]): ChargingProfileRejection | undefined {
  const phasesOf = (q: ChargingProfile): Set<number> => new Set(q.chargingSchedule.flatMap((s) => s.chargingSchedulePeriod.map((x) => x.phaseToUse).filter((x): x is number => x !== undefined)));
  const mine = phasesOf(p);
  if (mine.size === 0) return undefined;
  const isMaster = PHASE_MASTERS.includes(p.chargingProfilePurpose);
  for (const other of installed) {
    if (other.profile.id === p.id) continue;
    if (isMaster === PHASE_MASTERS.includes(other.profile.chargingProfilePurpose)) continue;
    if (!(other.evseId === 0 || evseId === 0 || other.evseId === evseId)) continue;
    for (const phase of phasesOf(other.profile)) {
      for (const m of mine) if (m !== phase) return reject('InvalidSchedule', '§3.8', `phaseToUse ${m} conflicts with phaseToUse ${phase} of profile ${other.profile.id}`);
    }
  }
  return undefined;
}

/**
 * The installed profiles a newly accepted profile replaces: the one with the same id
 * (K01.FR.05); in 1.6 also the one with the same stackLevel and purpose on the same connector
 * (1.6 §3.13.2 and §5.16).
 */
export function replacedProfiles(version: OcppVersion, evseId: number, p: ChargingProfile, installed: readonly InstalledChargingProfile[]): InstalledChargingProfile[] {
  return installed.filter(
    (i) =>
      i.profile.id === p.id ||
      (version === '1.6' &&
        i.evseId === evseId &&
        i.profile.stackLevel === p.stackLevel &&
        i.profile.chargingProfilePurpose === p.chargingProfilePurpose &&
        (p.chargingProfilePurpose !== 'TxProfile' || i.profile.transactionId === p.transactionId)),
  );
}

/** GetCompositeSchedule: K08.FR.05 (unknown EVSE) and K08.FR.07 (unsupported unit). */
export function validateCompositeScheduleRequest(
  request: { evseId: number; chargingRateUnit?: ChargingRateUnit; duration: number },
  caps: SmartChargingCapabilities = {},
): { reasonCode: 'UnknownEvse' | 'UnsupportedRateUnit' | 'InvalidValue'; requirement: string; additionalInfo: string } | undefined {
  if (request.evseId < 0 || (request.evseId > 0 && caps.evseIds && !caps.evseIds.includes(request.evseId))) {
    return { reasonCode: 'UnknownEvse', requirement: 'K08.FR.05', additionalInfo: `EVSE ${request.evseId} does not exist` };
  }
  if (request.chargingRateUnit && caps.chargingRateUnits && !caps.chargingRateUnits.includes(request.chargingRateUnit)) {
    return { reasonCode: 'UnsupportedRateUnit', requirement: 'K08.FR.07', additionalInfo: `chargingRateUnit ${request.chargingRateUnit} is not supported` };
  }
  if (!(request.duration >= 0)) return { reasonCode: 'InvalidValue', requirement: 'K08', additionalInfo: 'duration must be ≥ 0' };
  return undefined;
}
