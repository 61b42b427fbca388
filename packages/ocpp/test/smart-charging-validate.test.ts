import { describe, expect, it } from 'vitest';
import { replacedProfiles, validateChargingProfile, validateCompositeScheduleRequest } from '../src/smart-charging/index.js';
import type {
  ChargingProfile,
  ChargingProfileValidationInput,
  ChargingSchedule,
  ChargingSchedulePeriod,
  InstalledChargingProfile,
} from '../src/smart-charging/index.js';

const T0 = Date.UTC(2025, 0, 6);
function p(over: Partial<ChargingProfile> = {}, schedule: Partial<ChargingSchedule> = {}, periods: ChargingSchedulePeriod[] = [{ startPeriod: 0, limit: 16 }]): ChargingProfile {
  return {
    id: 10,
    stackLevel: 0,
    chargingProfilePurpose: 'TxDefaultProfile',
    chargingProfileKind: 'Absolute',
    chargingSchedule: [{ id: 1, chargingRateUnit: 'A', startSchedule: T0, chargingSchedulePeriod: periods, ...schedule }],
    ...over,
  };
}
const tx = [{ evseId: 1, transactionId: 'TX1' }];
const installed: InstalledChargingProfile[] = [
  { evseId: 1, profile: p({ id: 11, stackLevel: 3 }) },
  { evseId: 0, profile: p({ id: 12, stackLevel: 4 }) },
  { evseId: 1, profile: p({ id: 13, stackLevel: 2, chargingProfilePurpose: 'TxProfile', transactionId: 'TX1' }) },
  { evseId: 0, profile: p({ id: 14, chargingProfilePurpose: 'ChargingStationMaxProfile' }, {}, [{ startPeriod: 0, limit: 32, numberPhases: 1, phaseToUse: 1 }]) },
  { evseId: 0, profile: p({ id: 5, chargingProfilePurpose: 'ChargingStationExternalConstraints', stackLevel: 9 }) },
];

type Case = [name: string, input: Partial<ChargingProfileValidationInput> & { profile: ChargingProfile }, reasonCode: string | undefined, requirement?: string];
const base: Omit<ChargingProfileValidationInput, 'profile'> = {
  version: '2.1',
  evseId: 1,
  installed,
  transactions: tx,
  capabilities: { evseIds: [1, 2], chargingRateUnits: ['A', 'W'], maxStackLevel: 10, periodsPerSchedule: 4, acPhaseSwitchingSupported: true, supportedAdditionalPurposes: ['PriorityCharging'], supportsDynamicProfiles: true, maxExternalConstraintsId: 5 },
};

const cases: Case[] = [
  ['a plain TxDefaultProfile is accepted', { profile: p() }, undefined],
  ['a TxProfile for the running transaction is accepted', { profile: p({ chargingProfilePurpose: 'TxProfile', transactionId: 'TX1' }) }, undefined],
  ['unknown EVSE', { evseId: 7, profile: p() }, 'UnknownEvse', 'K01.FR.28'],
  ['duplicate stackLevel + purpose on the same EVSE with an overlapping validity', { profile: p({ stackLevel: 3 }) }, 'DuplicateProfile', 'K01.FR.06'],
  ['same stackLevel + purpose but validity periods that do not overlap', { installed: [{ evseId: 1, profile: p({ id: 11, stackLevel: 3, validTo: T0 }) }], profile: p({ stackLevel: 3, validFrom: T0 }) }, undefined],
  ['the same id replaces instead (K01.FR.05)', { profile: p({ id: 11, stackLevel: 3 }) }, undefined],
  ['TxDefaultProfile on an EVSE with the stackLevel of one on EVSE 0', { profile: p({ stackLevel: 4 }) }, 'DuplicateProfile', 'K01.FR.53'],
  ['TxDefaultProfile on EVSE 0 with the stackLevel of one on an EVSE', { evseId: 0, profile: p({ stackLevel: 3 }) }, 'DuplicateProfile', 'K01.FR.52'],
  ['one TxProfile per transaction per stackLevel', { profile: p({ chargingProfilePurpose: 'TxProfile', transactionId: 'TX1', stackLevel: 2 }) }, 'DuplicateProfile', 'K01.FR.39'],
  ['TxProfile without a transaction on the EVSE', { evseId: 2, profile: p({ chargingProfilePurpose: 'TxProfile', transactionId: 'TX1' }) }, 'TxNotFound', 'K01.FR.09'],
  ['TxProfile for another transaction', { profile: p({ chargingProfilePurpose: 'TxProfile', transactionId: 'TX9' }) }, 'TxNotFound', 'K01.FR.33'],
  ['TxProfile without transactionId (2.x)', { profile: p({ chargingProfilePurpose: 'TxProfile' }) }, 'InvalidProfile', 'K01.FR.03'],
  ['TxProfile without transactionId is fine in 1.6', { version: '1.6', installed: [], profile: p({ chargingProfilePurpose: 'TxProfile' }) }, undefined],
  ['TxProfile on EVSE 0', { evseId: 0, profile: p({ chargingProfilePurpose: 'TxProfile', transactionId: 'TX1' }) }, 'InvalidProfile', 'K01.FR.16'],
  ['transactionId on a TxDefaultProfile', { profile: p({ transactionId: 'TX1' }) }, 'InvalidProfile', 'K01.FR.03'],
  ['ChargingStationMaxProfile on an EVSE', { profile: p({ chargingProfilePurpose: 'ChargingStationMaxProfile' }) }, 'InvalidProfile', 'K04.FR.03'],
  ['Relative ChargingStationMaxProfile', { evseId: 0, profile: p({ chargingProfilePurpose: 'ChargingStationMaxProfile', chargingProfileKind: 'Relative' }, { startSchedule: undefined }) }, 'InvalidProfile', 'K01.FR.38'],
  ['the CSMS sets ChargingStationExternalConstraints', { profile: p({ chargingProfilePurpose: 'ChargingStationExternalConstraints' }) }, 'InvalidProfile', 'K01.FR.22'],
  ['a 2.1 purpose in 2.0.1', { version: '2.0.1', profile: p({ chargingProfilePurpose: 'PriorityCharging' }) }, 'UnsupportedPurpose'],
  ['LocalGeneration not in SupportedAdditionalPurposes', { profile: p({ chargingProfilePurpose: 'LocalGeneration' }) }, 'UnsupportedPurpose', 'K01.FR.120'],
  ['Dynamic in 2.0.1', { version: '2.0.1', profile: p({ chargingProfileKind: 'Dynamic' }) }, 'UnsupportedKind'],
  ['Dynamic when SupportsDynamicProfiles is false', { capabilities: { supportsDynamicProfiles: false }, profile: p({ chargingProfileKind: 'Dynamic' }) }, 'UnsupportedKind', 'K01.FR.121'],
  ['dynUpdateInterval on a non-Dynamic profile', { profile: p({ dynUpdateInterval: 60 }) }, 'InvalidProfile', 'K01.FR.122'],
  ['Dynamic with two periods', { profile: p({ chargingProfileKind: 'Dynamic' }, {}, [{ startPeriod: 0, limit: 1 }, { startPeriod: 5, limit: 2 }]) }, 'InvalidSchedule'],
  ['stackLevel above the maximum', { profile: p({ stackLevel: 11 }) }, 'InvalidStackLevel'],
  ['negative stackLevel', { profile: p({ stackLevel: -1 }) }, 'InvalidStackLevel'],
  ['id within the external constraints range', { profile: p({ id: 5 }) }, 'InvalidProfileId', 'K01.FR.81'],
  ['unsupported rate unit', { capabilities: { chargingRateUnits: ['A'] }, profile: p({}, { chargingRateUnit: 'W' }) }, 'UnsupportedRateUnit', 'K01.FR.26'],
  ['first startPeriod not 0', { profile: p({}, {}, [{ startPeriod: 10, limit: 1 }]) }, 'InvalidSchedule', 'K01.FR.31'],
  ['startPeriods not increasing', { profile: p({}, {}, [{ startPeriod: 0, limit: 1 }, { startPeriod: 60, limit: 2 }, { startPeriod: 60, limit: 3 }]) }, 'InvalidSchedule', 'K01.FR.35'],
  ['too many periods', { profile: p({}, {}, [0, 1, 2, 3, 4].map((i) => ({ startPeriod: i * 60, limit: 1 }))) }, 'TooManyElements'],
  ['Absolute without startSchedule (2.x)', { profile: p({}, { startSchedule: undefined }) }, 'InvalidSchedule', 'K01.FR.40'],
  ['Relative with startSchedule (2.x)', { profile: p({ chargingProfileKind: 'Relative' }) }, 'InvalidSchedule', 'K01.FR.41'],
  ['Recurring without recurrencyKind', { profile: p({ chargingProfileKind: 'Recurring' }) }, 'InvalidProfile'],
  ['validTo before validFrom', { profile: p({ validFrom: T0 + 1000, validTo: T0 }) }, 'InvalidProfile'],
  ['two schedules without ISO 15118', { profile: { ...p({ chargingProfilePurpose: 'TxProfile', transactionId: 'TX1' }), chargingSchedule: [p().chargingSchedule[0], { ...p().chargingSchedule[0], id: 2 }] } }, 'TooManyElements', 'K01.FR.34'],
  ['two schedules with ISO 15118 charging needs', { iso15118: true, profile: { ...p({ chargingProfilePurpose: 'TxProfile', transactionId: 'TX1' }), chargingSchedule: [p().chargingSchedule[0], { ...p().chargingSchedule[0], id: 2 }] } }, undefined],
  ['PriorityCharging with a duration', { profile: p({ chargingProfilePurpose: 'PriorityCharging' }, { duration: 3600 }) }, 'InvalidSchedule', 'K01.FR.70'],
  ['PriorityCharging that discharges', { profile: p({ chargingProfilePurpose: 'PriorityCharging' }, {}, [{ startPeriod: 0, operationMode: 'CentralSetpoint', setpoint: -1 }]) }, 'InvalidSchedule', 'K01.FR.71'],
  ['randomizedDelay on a max profile', { evseId: 0, installed: [], profile: p({ chargingProfilePurpose: 'ChargingStationMaxProfile' }, { randomizedDelay: 60 }) }, 'InvalidSchedule', 'K01.FR.95'],
  ['ChargingOnly without limit', { profile: p({}, {}, [{ startPeriod: 0 }]) }, 'InvalidSchedule'],
  ['CentralSetpoint without setpoint', { profile: p({}, {}, [{ startPeriod: 0, operationMode: 'CentralSetpoint', limit: 5 }]) }, 'InvalidSchedule'],
  ['a setpoint outside [dischargeLimit, limit]', { profile: p({}, { chargingRateUnit: 'W' }, [{ startPeriod: 0, operationMode: 'CentralSetpoint', setpoint: -750, limit: 1000, dischargeLimit: -500 }]) }, 'InvalidSchedule', 'V2X.05'],
  ['a positive dischargeLimit', { profile: p({}, {}, [{ startPeriod: 0, operationMode: 'CentralSetpoint', setpoint: 1, dischargeLimit: 5 }]) }, 'InvalidSchedule'],
  ['LocalFrequency without a frequency-watt curve', { profile: p({}, { chargingRateUnit: 'W' }, [{ startPeriod: 0, operationMode: 'LocalFrequency', v2xFreqWattCurve: [{ frequency: 50, power: 0 }] }]) }, 'NoFreqWattCurve'],
  ['LocalFrequency in A', { profile: p({}, {}, [{ startPeriod: 0, operationMode: 'LocalFrequency', v2xFreqWattCurve: [{ frequency: 49.8, power: -1 }, { frequency: 50.2, power: 1 }] }]) }, 'InvalidSchedule'],
  ['CentralFrequency on a non-Dynamic profile', { profile: p({}, {}, [{ startPeriod: 0, operationMode: 'CentralFrequency', setpoint: 1 }]) }, 'InvalidSchedule'],
  ['an operation mode a max profile may not use', { evseId: 0, installed: [], profile: p({ chargingProfilePurpose: 'ChargingStationMaxProfile' }, {}, [{ startPeriod: 0, operationMode: 'CentralSetpoint', setpoint: 1 }]) }, 'InvalidSchedule'],
  ['operationMode in 2.0.1', { version: '2.0.1', installed: [], profile: p({}, {}, [{ startPeriod: 0, limit: 5, operationMode: 'CentralSetpoint', setpoint: 1 }]) }, 'InvalidSchedule'],
  ['phaseToUse with 3 phases', { installed: [], profile: p({}, {}, [{ startPeriod: 0, limit: 5, numberPhases: 3, phaseToUse: 2 }]) }, 'InvalidSchedule', 'K01.FR.19'],
  ['phaseToUse without phase switching', { installed: [], capabilities: { acPhaseSwitchingSupported: false }, profile: p({}, {}, [{ startPeriod: 0, limit: 5, numberPhases: 1, phaseToUse: 2 }]) }, 'InvalidSchedule', 'K01.FR.48'],
  ['phases on a DC EVSE', { capabilities: { evseKind: () => 'DC' }, profile: p({}, {}, [{ startPeriod: 0, limit: 5, numberPhases: 1 }]) }, 'NoPhaseForDC', 'K01.FR.44'],
  ['a phaseToUse conflicting with the max profile’s (§3.8)', { profile: p({}, {}, [{ startPeriod: 0, limit: 5, numberPhases: 1, phaseToUse: 3 }]) }, 'InvalidSchedule', '§3.8'],
  ['the same phaseToUse as the max profile', { profile: p({}, {}, [{ startPeriod: 0, limit: 5, numberPhases: 1, phaseToUse: 1 }]) }, undefined],
  ['replacing an external constraints profile by id', { profile: p({ id: 5 }), capabilities: {} }, 'InvalidProfileId', 'K01.FR.05'],
  ['1.6: same stackLevel and purpose replaces, no rejection', { version: '1.6', profile: p({ stackLevel: 3 }) }, undefined],
];

describe('validateChargingProfile', () => {
  it.each(cases)('%s', (_name, input, reasonCode, requirement) => {
    const result = validateChargingProfile({ ...base, ...input });
    expect(result?.reasonCode).toBe(reasonCode);
    if (requirement) expect(result?.requirement).toBe(requirement);
    if (result) expect(result.additionalInfo.length).toBeGreaterThan(0);
  });
});

describe('replacedProfiles', () => {
  it('2.x: only the profile with the same id', () => {
    expect(replacedProfiles('2.0.1', 1, p({ id: 11, stackLevel: 0 }), installed).map((i) => i.profile.id)).toEqual([11]);
    expect(replacedProfiles('2.0.1', 1, p({ id: 99, stackLevel: 3 }), installed)).toEqual([]);
  });
  it('1.6: also the one with the same stackLevel and purpose on that connector', () => {
    expect(replacedProfiles('1.6', 1, p({ id: 99, stackLevel: 3 }), installed).map((i) => i.profile.id)).toEqual([11]);
    expect(replacedProfiles('1.6', 2, p({ id: 99, stackLevel: 3 }), installed)).toEqual([]);
  });
});

describe('validateCompositeScheduleRequest', () => {
  const caps = { evseIds: [1], chargingRateUnits: ['W'] as const };
  it.each([
    [{ evseId: 1, duration: 3600 }, undefined],
    [{ evseId: 0, duration: 3600 }, undefined],
    [{ evseId: 3, duration: 3600 }, 'UnknownEvse'],
    [{ evseId: 1, duration: 3600, chargingRateUnit: 'A' as const }, 'UnsupportedRateUnit'],
    [{ evseId: 1, duration: -1 }, 'InvalidValue'],
  ])('%j → %s', (request, code) => {
    expect(validateCompositeScheduleRequest(request, caps)?.reasonCode).toBe(code);
  });
});
