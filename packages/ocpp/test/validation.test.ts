// Payload validation against the generated validators and the error code of each failure.
import { describe, expect, it } from 'vitest';
import { isCallAction, isSendAction, validatePayload, type v201, type v21 } from '../src/index.js';

describe('validatePayload', () => {
  it('accepts valid payloads of each version, including customData extensions (2.x)', () => {
    expect(validatePayload('1.6', 'BootNotification', 'request', { chargePointVendor: 'v', chargePointModel: 'm' }, 'inbound')).toBeUndefined();
    const req: v201.BootNotificationRequest = { reason: 'PowerUp', chargingStation: { model: 'm', vendorName: 'v', customData: { vendorId: 'org.v2xsim', anything: [1, 2] } } };
    expect(validatePayload('2.0.1', 'BootNotification', 'request', req, 'inbound')).toBeUndefined();
    const needs: v21.NotifyEVChargingNeedsRequest = {
      evseId: 1,
      chargingNeeds: {
        requestedEnergyTransfer: 'DC_BPT',
        controlMode: 'DynamicControl',
        v2xChargingParameters: { maxChargePower: 11000, maxDischargePower: 11000, targetSoC: 80 },
      },
    };
    expect(validatePayload('2.1', 'NotifyEVChargingNeeds', 'request', needs, 'inbound')).toBeUndefined();
  });

  it('1.6 limits with one decimal pass multipleOf 0.1 despite binary floating point; two decimals do not', () => {
    const profile = (limit: number) => ({
      connectorId: 1,
      csChargingProfiles: { chargingProfileId: 1, transactionId: 1, stackLevel: 2, chargingProfilePurpose: 'TxProfile', chargingProfileKind: 'Absolute', chargingSchedule: { chargingRateUnit: 'W', chargingSchedulePeriod: [{ startPeriod: 0, limit }] } },
    });
    // 23533.3 / 0.1 = 235332.99999999997 in IEEE 754: found by `v2xsim gaps` (an SCSP plan over OCPP 1.6)
    for (const limit of [23533.3, 16.1, 0.3, 40000]) expect(validatePayload('1.6', 'SetChargingProfile', 'request', profile(limit), 'outbound')).toBeUndefined();
    expect(validatePayload('1.6', 'SetChargingProfile', 'request', profile(23533.33), 'outbound')?.code).toBe('PropertyConstraintViolation');
  });

  it('knows which version has which action', () => {
    expect(isCallAction('2.1', 'UsePriorityCharging')).toBe(true);
    expect(isCallAction('2.0.1', 'UsePriorityCharging')).toBe(false);
    expect(isCallAction('1.6', 'StartTransaction')).toBe(true);
    expect(isCallAction('2.0.1', 'StartTransaction')).toBe(false);
    expect(isSendAction('2.1', 'NotifyPeriodicEventStream')).toBe(true);
    expect(isCallAction('2.1', 'NotifyPeriodicEventStream')).toBe(false);
    // 2.1 adds an energy transfer mode 2.0.1 refuses
    const dcBpt = { evseId: 1, chargingNeeds: { requestedEnergyTransfer: 'DC_BPT' } };
    expect(validatePayload('2.0.1', 'NotifyEVChargingNeeds', 'request', dcBpt, 'inbound')?.code).toBe('PropertyConstraintViolation');
  });

  it('maps each failing keyword to its code', () => {
    const code = (v: '1.6' | '2.0.1', payload: unknown) => validatePayload(v, 'SetChargingProfile', 'request', payload, 'inbound')?.code;
    const profile201 = {
      id: 1,
      stackLevel: 0,
      chargingProfilePurpose: 'TxDefaultProfile',
      chargingProfileKind: 'Absolute',
      chargingSchedule: [{ id: 1, chargingRateUnit: 'W', chargingSchedulePeriod: [{ startPeriod: 0, limit: 11000 }], startSchedule: '2026-01-01T00:00:00Z' }],
    };
    expect(code('2.0.1', { evseId: 1, chargingProfile: profile201 })).toBeUndefined();
    expect(code('2.0.1', { evseId: 1 })).toBe('OccurrenceConstraintViolation');
    expect(code('2.0.1', { evseId: '1', chargingProfile: profile201 })).toBe('TypeConstraintViolation');
    expect(code('2.0.1', { evseId: 1, chargingProfile: { ...profile201, chargingSchedule: [] } })).toBe('OccurrenceConstraintViolation');
    expect(code('2.0.1', { evseId: 1, chargingProfile: { ...profile201, chargingProfileKind: 'Sometimes' } })).toBe('PropertyConstraintViolation');
    expect(code('2.0.1', { evseId: 1, chargingProfile: profile201, colour: 'red' })).toBe('ProtocolError');
    // 1.6: limit is a multiple of 0.1
    const profile16 = {
      chargingProfileId: 1,
      stackLevel: 0,
      chargingProfilePurpose: 'TxDefaultProfile',
      chargingProfileKind: 'Absolute',
      chargingSchedule: { chargingRateUnit: 'A', chargingSchedulePeriod: [{ startPeriod: 0, limit: 16.05 }] },
    };
    expect(code('1.6', { connectorId: 1, csChargingProfiles: profile16 })).toBe('PropertyConstraintViolation');
    expect(code('1.6', { connectorId: 1, csChargingProfiles: { ...profile16, chargingSchedule: { ...profile16.chargingSchedule, chargingSchedulePeriod: [{ startPeriod: 0, limit: 16.1 }] } } })).toBeUndefined();
    expect(code('1.6', { connectorId: 1, csChargingProfiles: profile16, colour: 'red' })).toBe('FormatViolation');
  });

  it('says where and what failed, without echoing the value', () => {
    const e = validatePayload('2.0.1', 'Authorize', 'request', { idToken: { idToken: 'secret-but-far-too-long-'.repeat(3), type: 'ISO14443' } }, 'inbound');
    expect(e?.description).toBe('AuthorizeRequest/idToken/idToken: longer than 36');
    expect(validatePayload('2.0.1', 'Heartbeat', 'request', [], 'inbound')?.description).toBe('HeartbeatRequest: must be object');
    expect(e?.details).toEqual({ keyword: 'maxLength', instancePath: '/idToken/idToken' });
    expect(validatePayload('2.0.1', 'Authorize', 'request', {}, 'inbound')?.description).toBe('AuthorizeRequest/idToken: required field is missing');
  });
});
