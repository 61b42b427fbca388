// The station against an independent CSMS (ocpp-rpc's RPCServer, strict mode) over real sockets,
// for OCPP 1.6, 2.0.1 and 2.1: boot → heartbeat → status → authorize → transaction with meter
// values → NotifyEVChargingNeeds → SetChargingProfile from the CSMS → the composite reaches the
// EVSE port → the transaction ends.
import { rmSync } from 'node:fs';
import { validatePayload, type OcppVersion } from '@v2xsim/ocpp';
import { afterEach, describe, expect, it } from 'vitest';
import { ChargingStation, type EvChargingNeeds } from '../src/station/index.js';
import { TestCsms, type Params } from './support/station-csms.js';
import { FakeEvse, KEY_16, PASSWORD_2X, stationConfig, tempDir, until } from './support/station-evse.js';

const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function setup(version: OcppVersion, over: Parameters<typeof stationConfig>[3] = {}) {
  const csms = await TestCsms.start({ passwords: (id) => (id.startsWith('CS-16') ? Buffer.from(KEY_16, 'hex') : Buffer.from(PASSWORD_2X)) });
  cleanups.push(() => csms.close());
  const dir = tempDir();
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const evse = new FakeEvse();
  const station = new ChargingStation(stationConfig(version, csms.url, dir, over), new Map([[1, evse]]));
  cleanups.push(() => station.stop());
  return { csms, evse, station, id: station.id, dir };
}

const needsAc: EvChargingNeeds = {
  protocol: 'iso15118-2',
  energyTransfer: 'AC_three_phase',
  departureTime: Date.UTC(2030, 0, 1, 7, 0, 0),
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
  soc: 35,
};

describe.each(['1.6', '2.0.1', '2.1'] as const)('OCPP %s station against ocpp-rpc', (version) => {
  it('boots, beats, reports status, authorises, runs a metered transaction under a CSMS profile, and ends it', async () => {
    const { csms, evse, station, id } = await setup(version);
    csms.respond('BootNotification', () => ({ status: 'Accepted', currentTime: new Date().toISOString(), interval: 1 }));
    station.start();
    await station.waitBooted();
    const boot = csms.calls('BootNotification', id)[0];
    expect(boot.protocol).toBe(`ocpp${version}`);
    expect(version === '1.6' ? boot.params.chargePointModel : (boot.params.chargingStation as Params).model).toBe('TestStation');
    // Heartbeat at the interval the CSMS gave
    await csms.waitAction('Heartbeat', id, undefined, 3000);
    expect(station.dm.int('OCPPCommCtrlr.HeartbeatInterval')).toBe(1);
    const status0 = await csms.waitAction('StatusNotification', id);
    expect(version === '1.6' ? status0.params.status : status0.params.connectorStatus).toBe('Available');

    const ev = station.evse(1);
    ev.plugIn();
    await csms.waitAction('StatusNotification', id, (p) => (version === '1.6' ? p.status === 'Preparing' : p.connectorStatus === 'Occupied'));
    const auth = await ev.authorize({ idToken: 'TOKEN-1' });
    expect(auth).toMatchObject({ status: 'Accepted', accepted: true });
    expect(csms.calls('Authorize', id)[0].params).toEqual(version === '1.6' ? { idTag: 'TOKEN-1' } : { idToken: { idToken: 'TOKEN-1', type: 'ISO14443' } });
    ev.iso15118SessionStarted({ sessionId: '0a1b2c3d4e5f6071', protocol: 'iso15118-2' });
    const needsStatus = await ev.chargingNeeds(needsAc);
    expect(needsStatus).toBe(version === '1.6' ? 'NotSupported' : 'Accepted');
    ev.chargingState('Charging');
    evse.powerW = 11_000;
    evse.importedWh = 1500;

    // the transaction and its periodic meter values
    let transactionId: string | number;
    if (version === '1.6') {
      const start = await csms.waitAction('StartTransaction', id);
      expect(start.params).toMatchObject({ connectorId: 1, idTag: 'TOKEN-1', meterStart: 1000 });
      const mv = await csms.waitAction('MeterValues', id, (p) => p.transactionId !== undefined, 4000);
      transactionId = mv.params.transactionId as number;
      const sampled = ((mv.params.meterValue as Params[])[0].sampledValue as Params[]).map((s) => [s.measurand, s.value]);
      expect(sampled).toEqual(expect.arrayContaining([['Energy.Active.Import.Register', '1500'], ['Power.Active.Import', '11000']]));
    } else {
      const started = await csms.waitAction('TransactionEvent', id, (p) => p.eventType === 'Started');
      transactionId = (started.params.transactionInfo as Params).transactionId as string;
      expect(started.params).toMatchObject({ seqNo: 0, triggerReason: 'CablePluggedIn', evse: { id: 1, connectorId: 1 } });
      const authorized = await csms.waitAction('TransactionEvent', id, (p) => p.triggerReason === 'Authorized');
      expect(authorized.params.idToken).toEqual({ idToken: 'TOKEN-1', type: 'ISO14443' });
      // NotifyEVChargingNeeds: the ISO 15118 parameters, valid for the schema
      const needs = csms.calls('NotifyEVChargingNeeds', id)[0].params;
      expect(validatePayload(version, 'NotifyEVChargingNeeds', 'request', needs, 'inbound')).toBeUndefined();
      expect(needs).toMatchObject({ evseId: 1, chargingNeeds: { requestedEnergyTransfer: 'AC_three_phase', departureTime: '2030-01-01T07:00:00.000Z', acChargingParameters: { energyAmount: 30000, evMinCurrent: 6, evMaxCurrent: 16, evMaxVoltage: 400 } } });
      expect(JSON.stringify(needs)).not.toContain('customData');
      const periodic = await csms.waitAction('TransactionEvent', id, (p) => p.triggerReason === 'MeterValuePeriodic', 4000);
      const sampled = ((periodic.params.meterValue as Params[])[0].sampledValue as Params[]).map((s) => [s.measurand, s.value]);
      expect(sampled).toEqual(expect.arrayContaining([['Energy.Active.Import.Register', 1500], ['Power.Active.Import', 11000]]));
      if (version === '2.1') expect(sampled).toEqual(expect.arrayContaining([['EnergyRequest.Target', 30000], ['EnergyRequest.Minimum', 10000], ['EnergyRequest.Maximum', 45000]]));
    }

    // a TxProfile from the CSMS: 16 A now, 8 A after an hour → the composite reaches the EVSE
    const schedule = { chargingRateUnit: 'A', chargingSchedulePeriod: [{ startPeriod: 0, limit: 16 }, { startPeriod: 3600, limit: 8 }] };
    const res =
      version === '1.6'
        ? await csms.call(id, 'SetChargingProfile', { connectorId: 1, csChargingProfiles: { chargingProfileId: 7, transactionId, stackLevel: 1, chargingProfilePurpose: 'TxProfile', chargingProfileKind: 'Relative', chargingSchedule: schedule } })
        : await csms.call(id, 'SetChargingProfile', { evseId: 1, chargingProfile: { id: 7, transactionId, stackLevel: 1, chargingProfilePurpose: 'TxProfile', chargingProfileKind: 'Relative', chargingSchedule: [{ id: 1, ...schedule }] } });
    expect(res).toEqual({ status: 'Accepted' });
    await until(() => evse.lastSchedule?.cause === 'profile', 3000, 'the schedule at the port');
    const update = evse.lastSchedule!;
    expect(update.evseId).toBe(1);
    // 16 A × 230 V × 3 phases = 11 040 W, capped at the EVSE's 11 kW; then 8 A = 5 520 W
    expect(update.iso15118.pMax.map((e) => e.pMaxW)).toEqual([11_000, 5_520]);
    expect(update.now.maxPowerW).toBe(11_000);

    const composite =
      version === '1.6' ? await csms.call(id, 'GetCompositeSchedule', { connectorId: 1, duration: 7200, chargingRateUnit: 'A' }) : await csms.call(id, 'GetCompositeSchedule', { evseId: 1, duration: 7200, chargingRateUnit: 'A' });
    expect(composite.status).toBe('Accepted');
    const periods = (version === '1.6' ? (composite.chargingSchedule as Params).chargingSchedulePeriod : (composite.schedule as Params).chargingSchedulePeriod) as Params[];
    expect(periods.map((p) => p.limit)).toEqual([15.9, 8]);

    // the EV leaves: the transaction ends
    evse.importedWh = 2000;
    ev.unplug();
    if (version === '1.6') {
      const stop = await csms.waitAction('StopTransaction', id);
      expect(stop.params).toMatchObject({ transactionId, meterStop: 2000, reason: 'EVDisconnected', idTag: 'TOKEN-1' });
    } else {
      const ended = await csms.waitAction('TransactionEvent', id, (p) => p.eventType === 'Ended');
      expect(ended.params).toMatchObject({ triggerReason: 'EVCommunicationLost', transactionInfo: { transactionId, stoppedReason: 'EVDisconnected' } });
      const events = csms.calls('TransactionEvent', id).map((c) => c.params.seqNo);
      expect(events).toEqual(events.map((_, i) => i));
      expect(csms.calls('TransactionEvent', id).every((c) => c.params.offline === undefined)).toBe(true);
    }
    await station.drained();
    // the TxProfile went with its transaction
    expect(station.profiles.installed).toEqual([]);
    expect(csms.strictFailures).toEqual([]);
  });

  it('starts and stops transactions on the CSMS\'s request', async () => {
    const { csms, evse, station, id } = await setup(version);
    station.start();
    await station.waitBooted();
    station.evse(1).plugIn();
    if (version === '1.6') {
      csms.respond('StartTransaction', () => ({ idTagInfo: { status: 'Accepted' }, transactionId: 77 }));
      expect(await csms.call(id, 'RemoteStartTransaction', { connectorId: 1, idTag: 'REMOTE-1' })).toEqual({ status: 'Accepted' });
      const start = await csms.waitAction('StartTransaction', id);
      expect(start.params.idTag).toBe('REMOTE-1');
      await station.drained();
      expect(await csms.call(id, 'RemoteStopTransaction', { transactionId: 78 })).toEqual({ status: 'Rejected' });
      expect(await csms.call(id, 'RemoteStopTransaction', { transactionId: 77 })).toEqual({ status: 'Accepted' });
      const stop = await csms.waitAction('StopTransaction', id);
      expect(stop.params).toMatchObject({ transactionId: 77, reason: 'Remote' });
      expect(evse.stops).toEqual(['Remote']);
    } else {
      const res = await csms.call(id, 'RequestStartTransaction', { evseId: 1, remoteStartId: 42, idToken: { idToken: 'REMOTE-1', type: 'Central' } });
      expect(res).toMatchObject({ status: 'Accepted' });
      const upd = await csms.waitAction('TransactionEvent', id, (p) => p.triggerReason === 'RemoteStart');
      expect(upd.params).toMatchObject({ idToken: { idToken: 'REMOTE-1', type: 'Central' }, transactionInfo: { remoteStartId: 42 } });
      expect(evse.remoteStarts).toEqual([{ idToken: 'REMOTE-1', remoteStartId: 42, connectorId: 1 }]);
      const transactionId = station.transaction(1)!.transactionId;
      expect(await csms.call(id, 'RequestStopTransaction', { transactionId: 'nope' })).toMatchObject({ status: 'Rejected' });
      expect(await csms.call(id, 'RequestStopTransaction', { transactionId })).toEqual({ status: 'Accepted' });
      const ended = await csms.waitAction('TransactionEvent', id, (p) => p.eventType === 'Ended');
      expect(ended.params).toMatchObject({ triggerReason: 'RemoteStop', transactionInfo: { transactionId, stoppedReason: 'Remote' } });
      expect(evse.stops).toEqual(['Remote']);
    }
  });
});
