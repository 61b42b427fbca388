// ISO 15118 → OCPP (SCALE D2.3 §11.3): NotifyEVChargingNeeds with and without the SCALE
// customData (checked by ocpp-rpc's strict mode and by our validators), the ISO 15118 SessionID
// on TransactionEvent, 2.1 V2X needs and a discharge setpoint that reaches the EVSE port
// negative, dynamic updates and priority charging.
import { rmSync } from 'node:fs';
import { validatePayload, type OcppVersion } from '@v2xsim/ocpp';
import { afterEach, describe, expect, it } from 'vitest';
import { ChargingStation, SCALE_VENDOR_ID, type EvChargingNeeds, type StationConfig } from '../src/station/index.js';
import { TestCsms, type Params } from './support/station-csms.js';
import { FakeEvse, stationConfig, tempDir, until } from './support/station-evse.js';

const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const DC_EVSE: StationConfig['evses'] = [{ id: 1, supply: { kind: 'DC', voltage: 400 }, maxPowerW: 50_000, maxDischargePowerW: 20_000 }];

async function running(version: OcppVersion, over: Partial<StationConfig> = {}) {
  const csms = await TestCsms.start();
  cleanups.push(() => csms.close());
  const dir = tempDir();
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const evse = new FakeEvse();
  const station = new ChargingStation(stationConfig(version, csms.url, dir, over), new Map([[1, evse]]));
  cleanups.push(() => station.stop());
  station.start();
  await station.waitBooted();
  const ev = station.evse(1);
  ev.plugIn();
  ev.iso15118SessionStarted({ sessionId: 'a1b2c3d4e5f60718', protocol: version === '2.1' ? 'iso15118-20' : 'iso15118-2', evccId: '0A1B2C3D4E5F' });
  await ev.authorize({ idToken: 'EMAID-1', type: 'eMAID', evccId: '0A1B2C3D4E5F' });
  return { csms, evse, station, ev, id: station.id };
}

const needsAc: EvChargingNeeds = {
  energyTransfer: 'AC_three_phase',
  energyAmountWh: 30_000,
  minEnergyWh: 10_000,
  maxEnergyWh: 45_000,
  minChargePowerW: 4_140,
  maxChargePowerW: 11_000,
  maxCurrentA: 16,
  minCurrentA: 6,
  maxVoltageV: 400,
  minSoc: 20,
  targetSoc: 80,
};

const needsV2x: EvChargingNeeds = {
  protocol: 'iso15118-20',
  energyTransfer: 'DC_BPT',
  availableEnergyTransfer: ['DC', 'DC_BPT'],
  controlMode: 'Dynamic',
  mobilityNeedsMode: 'EVCC',
  departureTime: Date.UTC(2030, 0, 1, 7, 0, 0),
  energyAmountWh: 40_000,
  minEnergyWh: 5_000,
  maxEnergyWh: 60_000,
  minV2XEnergyWh: 15_000,
  maxV2XEnergyWh: 60_000,
  minChargePowerW: 1_000,
  maxChargePowerW: 50_000,
  minDischargePowerW: 1_000,
  maxDischargePowerW: 20_000,
  maxCurrentA: 125,
  maxVoltageV: 450,
  soc: 50,
  targetSoc: 80,
  remainingV2XEnergyWh: 1_200_000,
  roundTripEfficiency: 0.9,
};

describe('OCPP 2.0.1: NotifyEVChargingNeeds and the SessionID', () => {
  it('adds the SCALE customData when the extension is on', async () => {
    const { csms, ev, id } = await running('2.0.1', { scaleExtension: true });
    expect(await ev.chargingNeeds(needsAc)).toBe('Accepted');
    const req = csms.calls('NotifyEVChargingNeeds', id)[0].params;
    expect(validatePayload('2.0.1', 'NotifyEVChargingNeeds', 'request', req, 'inbound')).toBeUndefined();
    expect((req.chargingNeeds as Params).acChargingParameters).toEqual({
      energyAmount: 30000,
      evMinCurrent: 6,
      evMaxCurrent: 16,
      evMaxVoltage: 400,
      customData: { vendorId: SCALE_VENDOR_ID, evMinPower: 4140, evMaxPower: 11000, evMinEnergyAmount: 10000, evMaxEnergyAmount: 45000, minSoC: 20, targetSoC: 80 },
    });
    // the SessionID on Started and Updated once the ISO 15118 session is up (D2.3 §9.3), not on Ended;
    // here the transaction started at plug-in, before SessionSetup
    ev.unplug();
    await csms.waitAction('TransactionEvent', id, (p) => p.eventType === 'Ended');
    for (const { params } of csms.calls('TransactionEvent', id)) {
      if (params.eventType !== 'Updated') expect(params.customData).toBeUndefined();
      else expect(params.customData).toEqual({ vendorId: SCALE_VENDOR_ID, sessionId: 'a1b2c3d4e5f60718' });
      expect(validatePayload('2.0.1', 'TransactionEvent', 'request', params, 'inbound')).toBeUndefined();
    }
    expect(csms.calls('TransactionEvent', id).filter((c) => c.params.customData).length).toBeGreaterThanOrEqual(1);
    expect(csms.strictFailures).toEqual([]);
  });

  it('puts the SessionID on Started when the ISO 15118 session came first (TxStartPoint Authorized)', async () => {
    const { csms, id } = await running('2.1', { scaleExtension: true, variables: { 'TxCtrlr.TxStartPoint': 'Authorized' } });
    const started = await csms.waitAction('TransactionEvent', id, (p) => p.eventType === 'Started');
    expect(started.params).toMatchObject({ triggerReason: 'Authorized', customData: { vendorId: SCALE_VENDOR_ID, sessionId: 'a1b2c3d4e5f60718' } });
  });

  it('sends the same messages without customData when the extension is off, and DC needs with the -2 fields', async () => {
    const { csms, ev, id } = await running('2.0.1', { evses: DC_EVSE });
    await ev.chargingNeeds({ ...needsAc, energyTransfer: 'DC', maxCurrentA: 125, maxVoltageV: 450, soc: 35, maxSoc: 95, bulkSoc: 80, batteryCapacityWh: 75_000 });
    const req = csms.calls('NotifyEVChargingNeeds', id)[0].params;
    expect(validatePayload('2.0.1', 'NotifyEVChargingNeeds', 'request', req, 'inbound')).toBeUndefined();
    expect(req.chargingNeeds).toEqual({
      requestedEnergyTransfer: 'DC',
      dcChargingParameters: { evMaxCurrent: 125, evMaxVoltage: 450, energyAmount: 30000, evMaxPower: 11000, stateOfCharge: 35, evEnergyCapacity: 75000, fullSoC: 95, bulkSoC: 80 },
    });
    expect(JSON.stringify(csms.received.map((c) => c.params))).not.toContain('customData');
    // a bidirectional EV is reported by its base mode in 2.0.1 (no BPT there)
    await ev.chargingNeeds({ ...needsV2x });
    expect((csms.calls('NotifyEVChargingNeeds', id)[1].params.chargingNeeds as Params).requestedEnergyTransfer).toBe('DC');
  });
});

describe('OCPP 2.1: V2X', () => {
  it('sends v2xChargingParameters with the SCALE V2X health and efficiency, and the discharge setpoint reaches the EVSE negative', async () => {
    const { csms, evse, station, ev, id } = await running('2.1', { evses: DC_EVSE, scaleExtension: true });
    const auth = csms.calls('Authorize', id)[0].params;
    expect(auth.idToken).toEqual({ idToken: 'EMAID-1', type: 'eMAID', additionalInfo: [{ additionalIdToken: '0A1B2C3D4E5F', type: 'EVCCID' }] });
    expect(await ev.chargingNeeds(needsV2x)).toBe('Accepted');
    const req = csms.calls('NotifyEVChargingNeeds', id)[0].params;
    expect(validatePayload('2.1', 'NotifyEVChargingNeeds', 'request', req, 'inbound')).toBeUndefined();
    const needs = req.chargingNeeds as Params;
    expect(needs).toMatchObject({ requestedEnergyTransfer: 'DC_BPT', availableEnergyTransfer: ['DC', 'DC_BPT'], controlMode: 'DynamicControl', mobilityNeedsMode: 'EVCC', departureTime: '2030-01-01T07:00:00.000Z' });
    expect(needs.v2xChargingParameters).toEqual({
      minChargePower: 1000,
      maxChargePower: 50000,
      minDischargePower: 1000,
      maxDischargePower: 20000,
      maxChargeCurrent: 125,
      maxVoltage: 450,
      evTargetEnergyRequest: 40000,
      evMinEnergyRequest: 5000,
      evMaxEnergyRequest: 60000,
      evMinV2XEnergyRequest: 15000,
      evMaxV2XEnergyRequest: 60000,
      targetSoC: 80,
      customData: { vendorId: SCALE_VENDOR_ID, v2xStateOfHealth: 1200000, roundTripEfficiency: 90 },
    });
    expect(JSON.stringify(needs.dcChargingParameters)).not.toContain('customData');
    ev.chargingState('Charging');

    // Q01 step 5: a TxProfile in CentralSetpoint, 5 kW out of the EV
    const transactionId = station.transaction(1)!.transactionId;
    const res = await csms.call(id, 'SetChargingProfile', {
      evseId: 1,
      chargingProfile: {
        id: 21,
        stackLevel: 0,
        transactionId,
        chargingProfilePurpose: 'TxProfile',
        chargingProfileKind: 'Relative',
        chargingSchedule: [{ id: 1, chargingRateUnit: 'W', chargingSchedulePeriod: [{ startPeriod: 0, operationMode: 'CentralSetpoint', limit: 30000, dischargeLimit: -10000, setpoint: -5000 }] }],
      },
    });
    expect(res).toEqual({ status: 'Accepted' });
    await until(() => evse.lastSchedule?.cause === 'profile', 3000, 'the V2X schedule');
    const u = evse.lastSchedule!;
    expect(u.now).toEqual({ operationMode: 'CentralSetpoint', maxPowerW: 30000, maxDischargePowerW: 10000, setpointW: -5000 });
    expect(u.iso15118.setpoints?.[0]).toMatchObject({ startS: 0, setpointW: -5000 });
    expect(u.iso15118.discharge?.[0]).toMatchObject({ pMinW: -10000 });
    // the mode change is reported on the transaction
    const changed = await csms.waitAction('TransactionEvent', id, (p) => p.triggerReason === 'OperationModeChanged');
    expect((changed.params.transactionInfo as Params).operationMode).toBe('CentralSetpoint');
    // GetCompositeSchedule carries the setpoint
    const composite = await csms.call(id, 'GetCompositeSchedule', { evseId: 1, duration: 600, chargingRateUnit: 'W' });
    expect((composite.schedule as Params).chargingSchedulePeriod).toEqual([{ startPeriod: 0, limit: 30000, dischargeLimit: -10000, setpoint: -5000, operationMode: 'CentralSetpoint' }]);
    expect(csms.strictFailures).toEqual([]);
  });

  it('follows UpdateDynamicSchedule on a Dynamic profile, and UsePriorityCharging needs a PriorityCharging profile', async () => {
    const { csms, evse, station, ev, id } = await running('2.1', { evses: DC_EVSE });
    await ev.chargingNeeds(needsV2x);
    const transactionId = station.transaction(1)!.transactionId;
    const dyn = {
      evseId: 1,
      chargingProfile: {
        id: 30,
        stackLevel: 1,
        transactionId,
        chargingProfilePurpose: 'TxProfile',
        chargingProfileKind: 'Dynamic',
        chargingSchedule: [{ id: 1, chargingRateUnit: 'W', chargingSchedulePeriod: [{ startPeriod: 0, operationMode: 'CentralSetpoint', setpoint: 8000 }] }],
      },
    };
    expect(await csms.call(id, 'SetChargingProfile', dyn)).toEqual({ status: 'Accepted' });
    await until(() => evse.lastSchedule?.now.setpointW === 8000, 3000, 'setpoint 8 kW');
    expect(await csms.call(id, 'UpdateDynamicSchedule', { chargingProfileId: 30, scheduleUpdate: { setpoint: -7000 } })).toEqual({ status: 'Accepted' });
    await until(() => evse.lastSchedule?.now.setpointW === -7000, 3000, 'setpoint -7 kW');
    expect(evse.lastSchedule!.cause).toBe('dynamic-update');
    expect(await csms.call(id, 'UpdateDynamicSchedule', { chargingProfileId: 99, scheduleUpdate: { setpoint: 1 } })).toMatchObject({ status: 'Rejected', statusInfo: { reasonCode: 'InvalidProfileId' } });

    expect(await csms.call(id, 'UsePriorityCharging', { transactionId, activate: true })).toEqual({ status: 'NoProfile' });
    expect(
      await csms.call(id, 'SetChargingProfile', {
        evseId: 1,
        chargingProfile: { id: 31, stackLevel: 0, chargingProfilePurpose: 'PriorityCharging', chargingProfileKind: 'Relative', chargingSchedule: [{ id: 1, chargingRateUnit: 'W', chargingSchedulePeriod: [{ startPeriod: 0, limit: 50000 }] }] },
      }),
    ).toEqual({ status: 'Accepted' });
    expect(await csms.call(id, 'UsePriorityCharging', { transactionId, activate: true })).toEqual({ status: 'Accepted' });
    const notify = await csms.waitAction('NotifyPriorityCharging', id);
    expect(notify.params).toEqual({ transactionId, activated: true });
    await until(() => evse.lastSchedule?.cause === 'priority-charging', 3000, 'the priority schedule');
    expect(evse.lastSchedule!.now).toMatchObject({ operationMode: 'ChargingOnly', maxPowerW: 50000 });
  });

  it('reports the EV\'s own schedule with NotifyEVChargingSchedule', async () => {
    const { csms, ev, id } = await running('2.1', { evses: DC_EVSE });
    const t0 = Date.UTC(2030, 0, 1, 6, 0, 0);
    expect(await ev.evChargingSchedule({ timeBase: t0, selectedScheduleId: 1, entries: [{ startS: 0, powerW: 20000 }, { startS: 1800, powerW: 10000 }] })).toBe('Accepted');
    const req = csms.calls('NotifyEVChargingSchedule', id)[0].params;
    expect(req).toEqual({
      timeBase: '2030-01-01T06:00:00Z',
      evseId: 1,
      selectedChargingScheduleId: 1,
      chargingSchedule: { id: 1, chargingRateUnit: 'W', chargingSchedulePeriod: [{ startPeriod: 0, limit: 20000 }, { startPeriod: 1800, limit: 10000 }] },
    });
  });
});
