import { describe, expect, it } from 'vitest';
import { OcppError } from '../src/errors.js';
import { validators as validators16 } from '../src/generated/validators16.js';
import { validators as validators201 } from '../src/generated/validators201.js';
import { validators as validators21 } from '../src/generated/validators21.js';
import {
  chargingProfileFromOcpp,
  chargingProfileToOcpp,
  compositeSchedule,
  compositeScheduleFromResponse,
  compositeScheduleResponse,
  formatDateTime,
  parseSetChargingProfileRequest,
  roundLimit,
  setChargingProfileRequest,
  UnrepresentableError,
} from '../src/smart-charging/index.js';
import type { ChargingProfile, ChargingProfile16, ChargingProfile2, CompositeSchedule } from '../src/smart-charging/index.js';
import type { OcppVersion } from '../src/versions.js';

const VALIDATORS = { '1.6': validators16, '2.0.1': validators201, '2.1': validators21 } as const;
/** The payload is valid against the OCA schema of that version (the generated validators). */
function expectSchemaValid(version: OcppVersion, message: string, payload: unknown): void {
  const validate = VALIDATORS[version][message];
  expect(validate, `${version} ${message} validator`).toBeTypeOf('function');
  const ok = validate(payload);
  expect(validate.errors ?? [], JSON.stringify(payload)).toEqual([]);
  expect(ok).toBe(true);
}

// 1.6 §3.13.7: a daily default profile, 11 kW / 6 kW 08:00–20:00 / 11 kW
const daily16: ChargingProfile16 = {
  chargingProfileId: 100,
  stackLevel: 0,
  chargingProfilePurpose: 'TxDefaultProfile',
  chargingProfileKind: 'Recurring',
  recurrencyKind: 'Daily',
  chargingSchedule: {
    duration: 86400,
    startSchedule: '2013-01-01T00:00:00Z',
    chargingRateUnit: 'W',
    chargingSchedulePeriod: [
      { startPeriod: 0, limit: 11000, numberPhases: 3 },
      { startPeriod: 28800, limit: 6000, numberPhases: 3 },
      { startPeriod: 72000, limit: 11000, numberPhases: 3 },
    ],
  },
};

const v2x21: ChargingProfile2 = {
  id: 7,
  stackLevel: 1,
  chargingProfilePurpose: 'TxProfile',
  chargingProfileKind: 'Absolute',
  transactionId: 'b3c4-tx',
  validFrom: '2025-01-01T00:00:00Z',
  validTo: '2025-01-02T00:00:00.500Z',
  maxOfflineDuration: 600,
  invalidAfterOfflineDuration: false,
  chargingSchedule: [
    {
      id: 1,
      startSchedule: '2025-01-01T12:00:00Z',
      duration: 7200,
      chargingRateUnit: 'W',
      minChargingRate: 1400,
      limitAtSoC: { soc: 90, limit: 3000 },
      randomizedDelay: 0,
      chargingSchedulePeriod: [
        { startPeriod: 0, limit: 11000, operationMode: 'ChargingOnly' },
        { startPeriod: 1800, operationMode: 'CentralSetpoint', setpoint: -5000, dischargeLimit: -7000, limit: 7000, setpointReactive: 100 },
        { startPeriod: 3600, operationMode: 'LocalFrequency', v2xBaseline: 0, v2xFreqWattCurve: [{ frequency: 49.8, power: -5000 }, { frequency: 50.2, power: 5000 }] },
      ],
    },
  ],
};

describe('charging profile converters', () => {
  it('reads 1.6 (ChargePointMaxProfile, integer transactionId) and writes it back identically', () => {
    const m = chargingProfileFromOcpp('1.6', daily16);
    expect(m).toMatchObject({ id: 100, chargingProfilePurpose: 'TxDefaultProfile', chargingProfileKind: 'Recurring', recurrencyKind: 'Daily' });
    expect(m.chargingSchedule[0].startSchedule).toBe(Date.UTC(2013, 0, 1));
    expect(chargingProfileToOcpp('1.6', m)).toEqual(daily16);

    const max16: ChargingProfile16 = { ...daily16, chargingProfileId: 1, transactionId: 42, chargingProfilePurpose: 'ChargePointMaxProfile', chargingProfileKind: 'Absolute', recurrencyKind: undefined };
    delete max16.recurrencyKind;
    const mm = chargingProfileFromOcpp('1.6', max16);
    expect(mm.chargingProfilePurpose).toBe('ChargingStationMaxProfile');
    expect(mm.transactionId).toBe('42');
    expect(chargingProfileToOcpp('1.6', mm)).toEqual(max16);
    const req = setChargingProfileRequest('1.6', 0, mm);
    expectSchemaValid('1.6', 'SetChargingProfileRequest', req);
    expect(parseSetChargingProfileRequest('1.6', req)).toEqual({ evseId: 0, profile: mm });
  });

  it('reads and writes 2.1 profiles with the V2X fields, valid against the 2.1 schema', () => {
    const m = chargingProfileFromOcpp('2.1', v2x21);
    expect(m.validTo).toBe(Date.parse('2025-01-02T00:00:00.500Z'));
    expect(m.chargingSchedule[0].chargingSchedulePeriod[1]).toEqual({ startPeriod: 1800, operationMode: 'CentralSetpoint', setpoint: -5000, dischargeLimit: -7000, limit: 7000, setpointReactive: 100 });
    const back = chargingProfileToOcpp('2.1', m);
    expect(back).toEqual(v2x21);
    const req = setChargingProfileRequest('2.1', 2, m);
    expectSchemaValid('2.1', 'SetChargingProfileRequest', req);
    expect(parseSetChargingProfileRequest('2.1', req)).toEqual({ evseId: 2, profile: m });
  });

  it('moves a 1.6 profile to 2.0.1 (schedule id added, purpose renamed) and back', () => {
    const m = chargingProfileFromOcpp('1.6', daily16);
    const p201 = chargingProfileToOcpp('2.0.1', m);
    expect(p201.chargingSchedule[0].id).toBe(1);
    expectSchemaValid('2.0.1', 'SetChargingProfileRequest', { evseId: 1, chargingProfile: p201 });
    expect(chargingProfileToOcpp('1.6', chargingProfileFromOcpp('2.0.1', p201))).toEqual(daily16);
  });

  it('drops customData on reading (vendor extensions do not reach the model)', () => {
    const withCustom: ChargingProfile2 = { ...v2x21, customData: { vendorId: 'v2xsim', x: 1 }, chargingSchedule: [{ ...v2x21.chargingSchedule[0], chargingSchedulePeriod: [{ startPeriod: 0, limit: 1, customData: { vendorId: 'v2xsim' } }] }] };
    const m = chargingProfileFromOcpp('2.1', withCustom);
    expect(JSON.stringify(m)).not.toContain('vendorId');
  });

  it.each([
    ['1.6', { chargingProfilePurpose: 'PriorityCharging' }, 'chargingProfilePurpose'],
    ['1.6', { chargingProfilePurpose: 'ChargingStationExternalConstraints' }, 'chargingProfilePurpose'],
    ['1.6', { chargingProfileKind: 'Dynamic' }, 'chargingProfileKind'],
    ['1.6', { transactionId: 'abc' }, 'transactionId'],
    ['2.0.1', { maxOfflineDuration: 60 }, 'maxOfflineDuration'],
    ['2.0.1', { chargingProfilePurpose: 'LocalGeneration' }, 'chargingProfilePurpose'],
  ] as const)('refuses to write to %s what it cannot express (%j)', (version, change, field) => {
    const m: ChargingProfile = { ...chargingProfileFromOcpp('1.6', daily16), ...(change as Partial<ChargingProfile>) };
    expect(() => chargingProfileToOcpp(version, m)).toThrow(UnrepresentableError);
    try {
      chargingProfileToOcpp(version, m);
    } catch (e) {
      expect((e as UnrepresentableError).field).toBe(field);
    }
  });

  it('refuses V2X periods and extra schedules for 1.6 and 2.0.1', () => {
    const m = chargingProfileFromOcpp('2.1', v2x21);
    expect(() => chargingProfileToOcpp('2.0.1', m)).toThrow(expect.objectContaining({ field: 'maxOfflineDuration' }));
    const plain = { ...m, maxOfflineDuration: undefined, invalidAfterOfflineDuration: undefined };
    expect(() => chargingProfileToOcpp('2.0.1', plain)).toThrow(expect.objectContaining({ field: 'limitAtSoC' }));
    const two: ChargingProfile = { ...chargingProfileFromOcpp('1.6', daily16) };
    two.chargingSchedule = [two.chargingSchedule[0], { ...two.chargingSchedule[0], id: 2 }];
    expect(() => chargingProfileToOcpp('1.6', two)).toThrow(expect.objectContaining({ field: 'chargingSchedule' }));
    expect(() => chargingProfileToOcpp('2.0.1', two)).not.toThrow();
  });

  it('answers an unreadable date-time with a FormatViolation', () => {
    expect(() => chargingProfileFromOcpp('1.6', { ...daily16, validFrom: 'tomorrow' })).toThrow(OcppError);
    try {
      chargingProfileFromOcpp('2.1', { ...v2x21, validFrom: '2025-13-45T00:00:00Z' });
    } catch (e) {
      expect((e as OcppError).code).toBe('FormatViolation');
    }
  });

  it('reads a useLocalTime startSchedule as wall-clock digits, whatever offset it carries', () => {
    const p: ChargingProfile2 = { ...v2x21, chargingSchedule: [{ ...v2x21.chargingSchedule[0], useLocalTime: true, startSchedule: '2025-01-01T18:00:00+05:00' }] };
    expect(chargingProfileFromOcpp('2.1', p).chargingSchedule[0].startSchedule).toBe(Date.UTC(2025, 0, 1, 18));
  });

  it('formats whole-second times without a fraction', () => {
    expect(formatDateTime(Date.UTC(2025, 0, 1))).toBe('2025-01-01T00:00:00Z');
    expect(formatDateTime(Date.UTC(2025, 0, 1) + 250)).toBe('2025-01-01T00:00:00.250Z');
  });
});

describe('composite schedule responses', () => {
  const c: CompositeSchedule = {
    evseId: 1,
    scheduleStart: Date.UTC(2025, 0, 6),
    duration: 3600,
    chargingRateUnit: 'A',
    minChargingRate: 6.06,
    chargingSchedulePeriod: [
      { startPeriod: 0, limit: 15.96, numberPhases: 3, operationMode: 'ChargingOnly' },
      { startPeriod: 600, limit: 7.3, dischargeLimit: -8.04, setpoint: -4.25, operationMode: 'CentralSetpoint' },
    ],
  };

  it('rounds limits towards zero to one decimal (1.6 multipleOf 0.1)', () => {
    expect([roundLimit(15.96), roundLimit(7.3), roundLimit(-8.04), roundLimit(0.30000000000000004), roundLimit(-0.04)]).toEqual([15.9, 7.3, -8, 0.3, 0]);
  });

  it('1.6: GetCompositeSchedule.conf with connectorId, scheduleStart and a chargingSchedule', () => {
    const res = compositeScheduleResponse('1.6', c);
    expectSchemaValid('1.6', 'GetCompositeScheduleResponse', res);
    expect(res).toEqual({
      status: 'Accepted',
      connectorId: 1,
      scheduleStart: '2025-01-06T00:00:00Z',
      chargingSchedule: {
        duration: 3600,
        startSchedule: '2025-01-06T00:00:00Z',
        chargingRateUnit: 'A',
        minChargingRate: 6,
        chargingSchedulePeriod: [{ startPeriod: 0, limit: 15.9, numberPhases: 3 }, { startPeriod: 600, limit: 7.3 }],
      },
    });
    expect(compositeScheduleFromResponse('1.6', res, { evseId: 1 })).toEqual({
      ...c,
      minChargingRate: 6,
      chargingSchedulePeriod: [{ startPeriod: 0, limit: 15.9, numberPhases: 3 }, { startPeriod: 600, limit: 7.3 }],
    });
  });

  it('2.0.1 leaves out the V2X fields; 2.1 keeps them; both valid against their schema', () => {
    const r201 = compositeScheduleResponse('2.0.1', c);
    expectSchemaValid('2.0.1', 'GetCompositeScheduleResponse', r201);
    expect(r201.schedule!.chargingSchedulePeriod[1]).toEqual({ startPeriod: 600, limit: 7.3 });
    const r21 = compositeScheduleResponse('2.1', c);
    expectSchemaValid('2.1', 'GetCompositeScheduleResponse', r21);
    expect(r21.schedule!.chargingSchedulePeriod[1]).toEqual({ startPeriod: 600, limit: 7.3, dischargeLimit: -8, setpoint: -4.3, operationMode: 'CentralSetpoint' });
    expect(compositeScheduleFromResponse('2.1', r21, { evseId: 1 })!.chargingSchedulePeriod[1]).toEqual({ startPeriod: 600, limit: 7.3, dischargeLimit: -8, setpoint: -4.3, operationMode: 'CentralSetpoint' });
    expect(compositeScheduleFromResponse('2.1', { status: 'Rejected', statusInfo: { reasonCode: 'UnknownEvse' } }, { evseId: 9 })).toBeUndefined();
  });

  it('a composite without limits cannot go to 1.6 / 2.0.1 but can go to 2.1', () => {
    const open = compositeSchedule({ evseId: 1, start: Date.UTC(2025, 0, 6), duration: 60, supply: { kind: 'AC' }, profiles: [] });
    expect(() => compositeScheduleResponse('1.6', open)).toThrow(UnrepresentableError);
    expect(() => compositeScheduleResponse('2.0.1', open)).toThrow(UnrepresentableError);
    expectSchemaValid('2.1', 'GetCompositeScheduleResponse', compositeScheduleResponse('2.1', open));
  });
});
