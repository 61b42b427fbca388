// Provisioning, the device model, smart-charging bookkeeping and bad input from the CSMS, against
// ocpp-rpc's RPCServer: BootNotification Pending then Accepted, Get/SetVariables with every status,
// GetBaseReport → NotifyReport, 1.6 Get/ChangeConfiguration, SetChargingProfile rejections with
// their reasonCode, Get/ClearChargingProfile(s), TriggerMessage, N stations from an id pattern.
import { rmSync } from 'node:fs';
import { validatePayload, type OcppVersion } from '@v2xsim/ocpp';
import { afterEach, describe, expect, it } from 'vitest';
import { ChargingStation, StationConfigError, StationPool, checkStationConfig, stationIdFromPattern, type StationConfig } from '../src/station/index.js';
import { TestCsms, type Params } from './support/station-csms.js';
import { FakeEvse, PASSWORD_2X, stationConfig, tempDir, until } from './support/station-evse.js';

const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function setup(version: OcppVersion, over: Partial<StationConfig> = {}, start = true) {
  const csms = await TestCsms.start();
  cleanups.push(() => csms.close());
  const dir = tempDir();
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const evse = new FakeEvse();
  const station = new ChargingStation(stationConfig(version, csms.url, dir, over), new Map([[1, evse]]));
  cleanups.push(() => station.stop());
  if (start) {
    station.start();
    await station.waitBooted();
  }
  return { csms, evse, station, id: station.id, dir };
}

describe('BootNotification', () => {
  it('retries a Pending boot after the interval, answers the CSMS meanwhile, and sends nothing else until Accepted', async () => {
    const { csms, station, id } = await setup('2.0.1', {}, false);
    let n = 0;
    csms.respond('BootNotification', () => ({ status: n++ === 0 ? 'Pending' : 'Accepted', currentTime: new Date().toISOString(), interval: 1 }));
    station.start();
    await csms.waitAction('BootNotification', id);
    // while Pending the CSMS may configure the station
    await until(() => csms.clients.has(id), 2000, 'the connection');
    const got = await csms.call(id, 'GetVariables', { getVariableData: [{ component: { name: 'SecurityCtrlr' }, variable: { name: 'Identity' } }] });
    expect((got.getVariableResult as Params[])[0]).toMatchObject({ attributeStatus: 'Accepted', attributeValue: id });
    expect(csms.calls('StatusNotification', id)).toEqual([]);
    await station.waitBooted();
    expect(csms.calls('BootNotification', id).length).toBe(2);
    expect(csms.calls('BootNotification', id)[0].params).toEqual({ reason: 'PowerUp', chargingStation: { model: 'TestStation', vendorName: 'v2xsim', serialNumber: 'SN-1', firmwareVersion: '0.1.0' } });
    await csms.waitAction('StatusNotification', id);
  });
});

describe('OCPP 2.x device model', () => {
  it('answers GetVariables with Accepted, UnknownComponent, UnknownVariable, NotSupportedAttributeType and Rejected (write-only)', async () => {
    const { csms, id } = await setup('2.1');
    const res = await csms.call(id, 'GetVariables', {
      getVariableData: [
        { component: { name: 'OCPPCommCtrlr' }, variable: { name: 'HeartbeatInterval' } },
        { component: { name: 'SampledDataCtrlr' }, variable: { name: 'TxUpdatedMeasurands' } },
        { component: { name: 'OCPPCommCtrlr' }, variable: { name: 'MessageTimeout', instance: 'Default' } },
        { component: { name: 'EVSE', evse: { id: 1 } }, variable: { name: 'Power' } },
        { component: { name: 'NoSuchCtrlr' }, variable: { name: 'Enabled' } },
        { component: { name: 'OCPPCommCtrlr' }, variable: { name: 'NoSuchVariable' } },
        { component: { name: 'OCPPCommCtrlr' }, variable: { name: 'HeartbeatInterval' }, attributeType: 'MaxSet' },
        { component: { name: 'SecurityCtrlr' }, variable: { name: 'BasicAuthPassword' } },
        { component: { name: 'EVSE', evse: { id: 9 } }, variable: { name: 'Power' } },
      ],
    });
    const r = res.getVariableResult as Params[];
    expect(r.map((x) => x.attributeStatus)).toEqual(['Accepted', 'Accepted', 'Accepted', 'Accepted', 'UnknownComponent', 'UnknownVariable', 'NotSupportedAttributeType', 'Rejected', 'UnknownComponent']);
    expect(r[0].attributeValue).toBe('300');
    expect(r[1].attributeValue).toContain('EnergyRequest.Target');
    expect(r[2].attributeValue).toBe('3');
    expect(r[7].attributeValue).toBeUndefined();
  });

  it('answers SetVariables: Accepted (and used), Rejected for read-only and bad values, RebootRequired, unknown ones', async () => {
    const { csms, id, station } = await setup('2.0.1');
    const res = await csms.call(id, 'SetVariables', {
      setVariableData: [
        { component: { name: 'OCPPCommCtrlr' }, variable: { name: 'HeartbeatInterval' }, attributeValue: '1' },
        { component: { name: 'SecurityCtrlr' }, variable: { name: 'Identity' }, attributeValue: 'other' },
        { component: { name: 'SampledDataCtrlr' }, variable: { name: 'TxUpdatedInterval' }, attributeValue: 'soon' },
        { component: { name: 'SampledDataCtrlr' }, variable: { name: 'TxUpdatedMeasurands' }, attributeValue: 'Energy.Active.Import.Register,Made.Up' },
        { component: { name: 'SecurityCtrlr' }, variable: { name: 'BasicAuthPassword' }, attributeValue: 'another-long-password' },
        { component: { name: 'TxCtrlr' }, variable: { name: 'Nope' }, attributeValue: '1' },
        { component: { name: 'CustomizationCtrlr' }, variable: { name: 'CustomImplementationEnabled', instance: 'eu.scale-project' }, attributeValue: 'true' },
      ],
    });
    const r = res.setVariableResult as Params[];
    expect(r.map((x) => x.attributeStatus)).toEqual(['Accepted', 'Rejected', 'Rejected', 'Rejected', 'RebootRequired', 'UnknownVariable', 'Accepted']);
    expect(r[1].attributeStatusInfo).toMatchObject({ reasonCode: 'ReadOnly' });
    expect(r[2].attributeStatusInfo).toMatchObject({ reasonCode: 'InvalidValue' });
    // the new heartbeat interval is in force
    const n = csms.calls('Heartbeat', id).length;
    await until(() => csms.calls('Heartbeat', id).length > n, 3000, 'a heartbeat at 1 s');
    expect(station.dm.bool('CustomizationCtrlr.CustomImplementationEnabled[eu.scale-project]')).toBe(true);
  });

  it('reports its inventory with NotifyReport after GetBaseReport', async () => {
    const { csms, id } = await setup('2.1');
    expect(await csms.call(id, 'GetBaseReport', { requestId: 5, reportBase: 'FullInventory' })).toEqual({ status: 'Accepted' });
    await csms.waitAction('NotifyReport', id, (p) => p.tbc === false);
    const reports = csms.calls('NotifyReport', id).map((c) => c.params);
    expect(reports.map((p) => p.seqNo)).toEqual(reports.map((_, i) => i));
    for (const p of reports) expect(validatePayload('2.1', 'NotifyReport', 'request', p, 'inbound')).toBeUndefined();
    const all = reports.flatMap((p) => p.reportData as Params[]);
    const names = all.map((d) => `${(d.component as Params).name}.${(d.variable as Params).name}`);
    for (const n of ['SecurityCtrlr.Identity', 'OCPPCommCtrlr.HeartbeatInterval', 'OCPPCommCtrlr.OfflineThreshold', 'SampledDataCtrlr.TxUpdatedInterval', 'SmartChargingCtrlr.LimitChangeSignificance', 'SmartChargingCtrlr.Entries', 'SmartChargingCtrlr.RateUnit', 'AuthCtrlr.Enabled', 'TxCtrlr.TxStartPoint', 'ISO15118Ctrlr.PnCEnabled', 'ChargingStation.Power', 'EVSE.Power', 'Connector.ConnectorType']) {
      expect(names).toContain(n);
    }
    const power = all.find((d) => (d.component as Params).name === 'ChargingStation' && (d.variable as Params).name === 'Power')!;
    expect(power.variableCharacteristics).toMatchObject({ unit: 'W', dataType: 'decimal', maxLimit: 11000 });
    // the write-only password is listed without its value
    const pw = all.find((d) => (d.variable as Params).name === 'BasicAuthPassword')!;
    expect((pw.variableAttribute as Params[])[0]).toEqual({ type: 'Actual', mutability: 'WriteOnly', persistent: true, constant: false });
    expect(JSON.stringify(reports)).not.toContain(PASSWORD_2X);
  });
});

describe('OCPP 1.6 configuration', () => {
  it('answers GetConfiguration and ChangeConfiguration with the standard keys', async () => {
    const { csms, id, station } = await setup('1.6');
    const all = await csms.call(id, 'GetConfiguration', {});
    const keys = (all.configurationKey as Params[]).map((k) => k.key);
    for (const k of ['HeartbeatInterval', 'MeterValueSampleInterval', 'MeterValuesSampledData', 'NumberOfConnectors', 'SupportedFeatureProfiles', 'ChargeProfileMaxStackLevel', 'ChargingScheduleAllowedChargingRateUnit', 'AuthorizeRemoteTxRequests', 'StopTransactionOnInvalidId']) {
      expect(keys).toContain(k);
    }
    expect(keys).not.toContain('AuthorizationKey');
    const some = await csms.call(id, 'GetConfiguration', { key: ['ChargingScheduleAllowedChargingRateUnit', 'NoSuchKey', 'MeterValueSampleInterval'] });
    expect(some).toEqual({
      configurationKey: [
        { key: 'ChargingScheduleAllowedChargingRateUnit', readonly: true, value: 'Current,Power' },
        { key: 'MeterValueSampleInterval', readonly: false, value: '1' },
      ],
      unknownKey: ['NoSuchKey'],
    });
    expect(await csms.call(id, 'ChangeConfiguration', { key: 'MeterValueSampleInterval', value: '30' })).toEqual({ status: 'Accepted' });
    expect(station.dm.int('SampledDataCtrlr.TxUpdatedInterval')).toBe(30);
    expect(await csms.call(id, 'ChangeConfiguration', { key: 'MeterValueSampleInterval', value: '-x' })).toEqual({ status: 'Rejected' });
    expect(await csms.call(id, 'ChangeConfiguration', { key: 'NumberOfConnectors', value: '3' })).toEqual({ status: 'Rejected' });
    expect(await csms.call(id, 'ChangeConfiguration', { key: 'NoSuchKey', value: '3' })).toEqual({ status: 'NotSupported' });
    expect(await csms.call(id, 'ChangeConfiguration', { key: 'AuthorizationKey', value: 'ab'.repeat(20) })).toEqual({ status: 'RebootRequired' });
  });
});

describe.each(['1.6', '2.0.1', '2.1'] as const)('OCPP %s smart charging bookkeeping and bad input', (version) => {
  const setProfile = (evseId: number, p: Params): Params =>
    version === '1.6'
      ? {
          connectorId: evseId,
          csChargingProfiles: {
            chargingProfileId: p.id,
            stackLevel: p.stackLevel,
            chargingProfilePurpose: p.purpose === 'ChargingStationMaxProfile' ? 'ChargePointMaxProfile' : p.purpose,
            chargingProfileKind: p.kind,
            ...(p.transactionId !== undefined ? { transactionId: p.transactionId } : {}),
            chargingSchedule: { chargingRateUnit: 'W', chargingSchedulePeriod: p.periods, ...(p.start ? { startSchedule: p.start } : {}) },
          },
        }
      : {
          evseId,
          chargingProfile: {
            id: p.id,
            stackLevel: p.stackLevel,
            chargingProfilePurpose: p.purpose,
            chargingProfileKind: p.kind,
            ...(p.transactionId !== undefined ? { transactionId: String(p.transactionId) } : {}),
            chargingSchedule: [{ id: 1, chargingRateUnit: 'W', chargingSchedulePeriod: p.periods, ...(p.start ? { startSchedule: p.start } : {}) }],
          },
        };

  it('rejects invalid profiles with the reason, keeps valid ones, reports and clears them, and keeps serving', async () => {
    const { csms, id, evse, station, dir } = await setup(version);
    const start = new Date(Date.now() - 60_000).toISOString();
    // a TxProfile without a transaction (K01.FR.09)
    const noTx = await csms.call(id, 'SetChargingProfile', setProfile(1, { id: 1, stackLevel: 0, purpose: 'TxProfile', kind: 'Relative', transactionId: version === '1.6' ? 5 : 'tx-x', periods: [{ startPeriod: 0, limit: 5000 }] }));
    expect(noTx.status).toBe('Rejected');
    if (version !== '1.6') expect(noTx.statusInfo).toMatchObject({ reasonCode: 'TxNotFound' });
    // a first period that does not start at 0 (K01.FR.31)
    const bad = await csms.call(id, 'SetChargingProfile', setProfile(0, { id: 2, stackLevel: 0, purpose: 'ChargingStationMaxProfile', kind: 'Absolute', start, periods: [{ startPeriod: 10, limit: 5000 }] }));
    expect(bad.status).toBe('Rejected');
    if (version !== '1.6') expect(bad.statusInfo).toMatchObject({ reasonCode: 'InvalidSchedule' });
    // a max profile on an EVSE (K04.FR.03) and an unknown EVSE (K01.FR.28)
    expect((await csms.call(id, 'SetChargingProfile', setProfile(1, { id: 3, stackLevel: 0, purpose: 'ChargingStationMaxProfile', kind: 'Absolute', start, periods: [{ startPeriod: 0, limit: 5000 }] }))).status).toBe('Rejected');
    const unknown = await csms.call(id, 'SetChargingProfile', setProfile(7, { id: 4, stackLevel: 0, purpose: 'TxDefaultProfile', kind: 'Absolute', start, periods: [{ startPeriod: 0, limit: 5000 }] }));
    expect(unknown.status).toBe('Rejected');
    if (version !== '1.6') expect(unknown.statusInfo).toMatchObject({ reasonCode: 'UnknownEvse' });
    // a schema violation is a CALLERROR and the station keeps serving
    await expect(csms.call(id, 'SetChargingProfile', { evseId: 'one' })).rejects.toBeDefined();
    expect(station.profiles.installed).toEqual([]);

    // valid: a station max of 7.4 kW and a TxDefaultProfile of 4 kW on EVSE 1
    expect(await csms.call(id, 'SetChargingProfile', setProfile(0, { id: 10, stackLevel: 0, purpose: 'ChargingStationMaxProfile', kind: 'Absolute', start, periods: [{ startPeriod: 0, limit: 7400 }] }))).toEqual({ status: 'Accepted' });
    expect(await csms.call(id, 'SetChargingProfile', setProfile(1, { id: 11, stackLevel: 1, purpose: 'TxDefaultProfile', kind: 'Absolute', start, periods: [{ startPeriod: 0, limit: 4000 }] }))).toEqual({ status: 'Accepted' });
    await until(() => evse.lastSchedule?.now.maxPowerW === 4000, 3000, 'the 4 kW limit at the port');
    if (version !== '1.6') {
      const entries = await csms.call(id, 'GetVariables', { getVariableData: [{ component: { name: 'SmartChargingCtrlr' }, variable: { name: 'Entries', instance: 'ChargingProfiles' } }] });
      expect((entries.getVariableResult as Params[])[0].attributeValue).toBe('2');
      expect(await csms.call(id, 'GetChargingProfiles', { requestId: 9, chargingProfile: { chargingProfilePurpose: 'TxDefaultProfile' } })).toEqual({ status: 'Accepted' });
      const report = await csms.waitAction('ReportChargingProfiles', id);
      expect(report.params).toMatchObject({ requestId: 9, chargingLimitSource: 'CSO', evseId: 1, tbc: false, chargingProfile: [{ id: 11, chargingProfilePurpose: 'TxDefaultProfile' }] });
      expect(await csms.call(id, 'GetChargingProfiles', { requestId: 10, chargingProfile: { chargingProfileId: [99] } })).toEqual({ status: 'NoProfiles' });
      expect(await csms.call(id, 'ClearChargingProfile', { chargingProfileCriteria: { chargingProfilePurpose: 'TxDefaultProfile' } })).toEqual({ status: 'Accepted' });
      expect(await csms.call(id, 'ClearChargingProfile', { chargingProfileId: 99 })).toEqual({ status: 'Unknown' });
    } else {
      expect(await csms.call(id, 'ClearChargingProfile', { chargingProfilePurpose: 'TxDefaultProfile' })).toEqual({ status: 'Accepted' });
      expect(await csms.call(id, 'ClearChargingProfile', { id: 99 })).toEqual({ status: 'Unknown' });
    }
    // the station maximum alone now: 7.4 kW
    await until(() => evse.lastSchedule?.now.maxPowerW === 7400, 3000, 'the 7.4 kW limit at the port');
    const composite = await csms.call(id, 'GetCompositeSchedule', version === '1.6' ? { connectorId: 0, duration: 60 } : { evseId: 0, duration: 60 });
    expect(composite.status).toBe('Accepted');
    const bogus = await csms.call(id, 'GetCompositeSchedule', version === '1.6' ? { connectorId: 4, duration: 60 } : { evseId: 4, duration: 60 });
    expect(bogus.status).toBe('Rejected');
    // the profiles survive a restart of the station
    expect(station.profiles.installed.map((p) => p.profile.id)).toEqual([10]);
    await station.stop();
    const again = new ChargingStation(stationConfig(version, csms.url, dir), new Map([[1, new FakeEvse()]]));
    cleanups.push(() => again.stop());
    expect(again.profiles.installed.map((p) => p.profile.id)).toEqual([10]);
  });

  it('answers TriggerMessage and keeps running after Reset', async () => {
    const { csms, id, station } = await setup(version);
    expect(await csms.call(id, 'TriggerMessage', { requestedMessage: 'Heartbeat' })).toEqual({ status: 'Accepted' });
    await csms.waitAction('Heartbeat', id);
    const n = csms.calls('StatusNotification', id).length;
    expect(await csms.call(id, 'TriggerMessage', { requestedMessage: 'StatusNotification' })).toEqual({ status: 'Accepted' });
    await until(() => csms.calls('StatusNotification', id).length > n, 3000, 'a triggered status');
    expect(await csms.call(id, 'TriggerMessage', { requestedMessage: 'MeterValues' })).toEqual({ status: 'Accepted' });
    const mv = await csms.waitAction('MeterValues', id);
    const sv = ((mv.params.meterValue as Params[])[0].sampledValue as Params[])[0];
    expect(sv).toMatchObject({ measurand: 'Energy.Active.Import.Register', context: 'Trigger' });
    expect(await csms.call(id, 'TriggerMessage', { requestedMessage: 'FirmwareStatusNotification' })).toEqual({ status: 'NotImplemented' });

    // Reset: the station reconnects and boots again
    expect(await csms.call(id, 'Reset', { type: version === '1.6' ? 'Soft' : 'Immediate' })).toEqual({ status: 'Accepted' });
    await csms.waitFor((c) => c.action === 'BootNotification' && csms.calls('BootNotification', id).length === 2, 5000, 'a second boot');
    if (version !== '1.6') expect(csms.calls('BootNotification', id)[1].params.reason).toBe('RemoteReset');
    await station.waitBooted();
  });
});

describe('StationPool', () => {
  it('runs N stations with identities from a pattern, each booted and independent', async () => {
    expect(stationIdFromPattern('CS-{n:03}', 7)).toBe('CS-007');
    expect(stationIdFromPattern('site{n}-cp', 12)).toBe('site12-cp');
    expect(() => stationIdFromPattern('CS', 1)).toThrow(StationConfigError);
    const csms = await TestCsms.start();
    cleanups.push(() => csms.close());
    const dir = tempDir();
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const evses = new Map<string, FakeEvse>();
    const { id: _id, dataDir: _d, ...base } = stationConfig('2.0.1', csms.url, dir);
    const pool = new StationPool({
      idPattern: 'CS-{n:03}',
      count: 3,
      base,
      dataDir: dir,
      port: (stationId) => {
        const e = new FakeEvse();
        evses.set(stationId, e);
        return e;
      },
    });
    cleanups.push(() => pool.stop());
    pool.start();
    await pool.waitBooted();
    expect(pool.stations.map((s) => s.id)).toEqual(['CS-001', 'CS-002', 'CS-003']);
    expect(new Set(csms.calls('BootNotification').map((c) => c.identity))).toEqual(new Set(['CS-001', 'CS-002', 'CS-003']));
    // a transaction on one station only
    pool.get('CS-002')!.evse(1).plugIn();
    await csms.waitAction('TransactionEvent', 'CS-002', (p) => p.eventType === 'Started');
    expect(csms.calls('TransactionEvent', 'CS-001')).toEqual([]);
    expect(pool.get('CS-001')!.transaction(1)).toBeUndefined();
  });
});

describe('configuration checks', () => {
  it('refuses configurations that break the security profile or the identity rules', () => {
    const ok = stationConfig('2.0.1', 'ws://127.0.0.1:1/ocpp', '/tmp/x');
    expect(() => checkStationConfig(ok)).not.toThrow();
    expect(() => checkStationConfig({ ...ok, id: 'a:b' })).toThrow(StationConfigError);
    expect(() => checkStationConfig({ ...ok, securityProfile: 2 })).toThrow(/wss/);
    expect(() => checkStationConfig({ ...ok, csmsUrl: 'wss://h/ocpp', securityProfile: 3 })).toThrow(/client certificate/);
    expect(() => checkStationConfig({ ...ok, password: 'short' })).toThrow(/16 to 40/);
    expect(() => checkStationConfig({ ...ok, version: '1.6', password: 'not-hex-at-all!!' })).toThrow(/hex/);
    expect(() => checkStationConfig({ ...ok, evses: [] })).toThrow(/EVSE/);
  });
});
