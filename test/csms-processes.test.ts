// `v2xsim csms` as a real OS process, with the npm package ocpp-rpc's RPCClient as independent
// stations (strict mode: it checks every CALL the CSMS sends against its own OCA schemas):
// boot, authorization, a transaction with meter values and charging needs → a SetChargingProfile
// for each of 1.6, 2.0.1 and 2.1; a 2.1 V2X transaction with a discharge setpoint; the site limit
// shared by two stations; 404/401 at the upgrade; bad input that keeps the connection serving.
import { rmSync } from 'node:fs';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { action, boot, connectStation, now, type TestStation, type Version } from '../packages/csms/test/support/station.js';
import { startCsms, type CsmsUnderTest } from '../packages/csms/test/support/process.js';
import { children } from './support/processes.js';

const PASSWORD = '0123456789abcdef';
const stations: TestStation[] = [];
const csmss: CsmsUnderTest[] = [];

afterEach(async () => {
  for (const s of stations.splice(0)) await s.close().catch(() => undefined);
});
afterAll(async () => {
  for (const c of children) c.kill('SIGKILL');
  for (const c of csmss) rmSync(c.data, { recursive: true, force: true });
});

async function csms(args: readonly string[]): Promise<CsmsUnderTest> {
  const c = await startCsms(args);
  csmss.push(c);
  return c;
}

async function station(c: CsmsUnderTest, id: string, version: Version, opts: Parameters<typeof connectStation>[3] = {}): Promise<TestStation> {
  const s = await connectStation(c.ocpp, id, version, { password: PASSWORD, ...opts });
  stations.push(s);
  return s;
}

const sampled = (wh: number, ts: string) => [{ timestamp: ts, sampledValue: [{ value: wh, measurand: 'Energy.Active.Import.Register', unitOfMeasure: { unit: 'Wh' } }] }];

describe('v2xsim csms (separate process) with ocpp-rpc stations', () => {
  it('OCPP 1.6: boot, authorize, StartTransaction, MeterValues, the site limit → SetChargingProfile, StopTransaction', async () => {
    const c = await csms(['--accept-unknown', '--default-password', PASSWORD, '--site-limit', '11000']);
    await action(c.control, 'id-token', { idToken: 'TAG-16' });
    const s = await station(c, 'CS-16', '1.6');
    expect(await s.call('BootNotification', boot['1.6'])).toMatchObject({ status: 'Accepted', interval: 300 });
    expect(await s.call('Authorize', { idTag: 'TAG-16' })).toEqual({ idTagInfo: { status: 'Accepted' } });
    expect(await s.call('Authorize', { idTag: 'NOBODY' })).toEqual({ idTagInfo: { status: 'Invalid' } });
    await s.call('StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'Charging', timestamp: now() });
    const mark = s.received.length;
    const start = await s.call('StartTransaction', { connectorId: 1, idTag: 'TAG-16', meterStart: 1000, timestamp: now() });
    expect(start).toMatchObject({ idTagInfo: { status: 'Accepted' } });
    const txId = start.transactionId as number;
    // the site limit is shared: this transaction gets a TxProfile within it
    const scp = await s.next('SetChargingProfile', mark);
    expect(scp.params).toMatchObject({
      connectorId: 1,
      csChargingProfiles: { chargingProfilePurpose: 'TxProfile', transactionId: txId, chargingSchedule: { chargingRateUnit: 'W', chargingSchedulePeriod: [{ startPeriod: 0, limit: 11000 }] } },
    });
    await s.call('MeterValues', { connectorId: 1, transactionId: txId, meterValue: [{ timestamp: now(), sampledValue: [{ value: '1500', measurand: 'Energy.Active.Import.Register' }] }] });
    expect(await s.call('StopTransaction', { transactionId: txId, meterStop: 2500, timestamp: now(), idTag: 'TAG-16', reason: 'Local' })).toEqual({ idTagInfo: { status: 'Accepted' } });
    const txs = (await action(c.control, 'transactions', { stationId: 'CS-16' })).json.transactions as Record<string, unknown>[];
    expect(txs).toEqual([expect.objectContaining({ transactionId: String(txId), state: 'Ended', meterStartWh: 1000, meterStopWh: 2500, ocppVersion: '1.6' })]);
    const mv = (await action(c.control, 'meter-values', { stationId: 'CS-16', transactionId: String(txId) })).json;
    expect(mv.count).toBe(1);
    const profiles = (await action(c.control, 'charging-profiles', { stationId: 'CS-16', all: true })).json.chargingProfiles as Record<string, unknown>[];
    // accepted, then cleared with its transaction
    expect(profiles).toEqual([expect.objectContaining({ purpose: 'TxProfile', status: 'Cleared' })]);
    const st = (await action(c.control, 'stations')).json.stations as Record<string, unknown>[];
    expect(st[0]).toMatchObject({ id: 'CS-16', online: true, ocppVersion: '1.6', vendorName: 'v2xsim-test', connectors: [expect.objectContaining({ evseId: 1, status: 'Charging' })] });
  });

  it('OCPP 2.0.1: TransactionEvent + NotifyEVChargingNeeds with SCALE customData → a TxProfile meeting the need by departure, stored with the answer', async () => {
    const c = await csms(['--accept-unknown', '--default-password', PASSWORD, '--evse-max-power', '22000']);
    await action(c.control, 'id-token', { idToken: 'RFID-201', type: 'ISO14443' });
    const s = await station(c, 'CS-201', '2.0.1');
    await s.call('BootNotification', boot['2.0.1']);
    expect(await s.call('Authorize', { idToken: { idToken: 'RFID-201', type: 'ISO14443' } })).toEqual({ idTokenInfo: { status: 'Accepted' } });
    expect(await s.call('Authorize', { idToken: { idToken: 'X', type: 'ISO14443' } })).toEqual({ idTokenInfo: { status: 'Unknown' } });
    const started = await s.call('TransactionEvent', {
      eventType: 'Started',
      timestamp: now(),
      triggerReason: 'Authorized',
      seqNo: 0,
      transactionInfo: { transactionId: 'TX-201', chargingState: 'EVConnected' },
      evse: { id: 1, connectorId: 1 },
      idToken: { idToken: 'RFID-201', type: 'ISO14443' },
      meterValue: [{ timestamp: now(), sampledValue: [{ value: 5000, context: 'Transaction.Begin' }] }],
      customData: { vendorId: 'eu.scale-project', sessionId: 'A1B2C3D4E5F60708' },
    });
    expect(started).toEqual({ idTokenInfo: { status: 'Accepted' } });
    const mark = s.received.length;
    // 20 kWh in 2 h: 10 kW required
    const needs = await s.call('NotifyEVChargingNeeds', {
      evseId: 1,
      maxScheduleTuples: 3,
      chargingNeeds: {
        requestedEnergyTransfer: 'AC_three_phase',
        departureTime: now(2 * 3600_000),
        acChargingParameters: {
          energyAmount: 20000,
          evMinCurrent: 6,
          evMaxCurrent: 16,
          evMaxVoltage: 400,
          customData: { vendorId: 'eu.scale-project', evMinPower: 4140, evMaxPower: 11000, evMinEnergyAmount: 5000, evMaxEnergyAmount: 30000, minSoC: 20, targetSoC: 80 },
        },
      },
    });
    expect(needs).toEqual({ status: 'Accepted' });
    const scp = await s.next('SetChargingProfile', mark);
    expect(scp.params).toMatchObject({ evseId: 1, chargingProfile: { chargingProfilePurpose: 'TxProfile', chargingProfileKind: 'Absolute', transactionId: 'TX-201' } });
    const period = (scp.params.chargingProfile as { chargingSchedule: { chargingSchedulePeriod: { limit: number }[] }[] }).chargingSchedule[0]!.chargingSchedulePeriod[0]!;
    // no site limit: the EV's maximum (the SCALE evMaxPower), which is ≥ the 10 kW the need requires
    expect(period.limit).toBe(11000);
    await expect
      .poll(async () => ((await action(c.control, 'charging-profiles', { stationId: 'CS-201' })).json.chargingProfiles as { status: string }[])[0]?.status)
      .toBe('Accepted');
    const stored = ((await action(c.control, 'charging-needs', { stationId: 'CS-201' })).json.chargingNeeds as Record<string, unknown>[])[0]!;
    expect(stored).toMatchObject({ transactionId: 'TX-201', energyAmountWh: 20000, evMinPowerW: 4140, evMaxPowerW: 11000, evMinEnergyWh: 5000, evMaxEnergyWh: 30000, minSoC: 20, targetSoC: 80 });
    const plan = (await action(c.control, 'plan')).json.plan as { sessions: Record<string, unknown>[] };
    expect(plan.sessions[0]).toMatchObject({ transactionId: 'TX-201', limitW: 11000, meetsNeed: true, status: 'Accepted' });
    // 20 kWh over the (slightly less than) 2 h left
    expect(plan.sessions[0]!.requiredW).toBeGreaterThanOrEqual(10000);
    expect(plan.sessions[0]!.requiredW).toBeLessThan(10050);
    // Updated + Ended; a replayed seqNo is acknowledged and not stored twice
    const upd = { eventType: 'Updated', timestamp: now(), triggerReason: 'MeterValuePeriodic', seqNo: 1, transactionInfo: { transactionId: 'TX-201', chargingState: 'Charging' }, meterValue: sampled(6000, now()) };
    expect(await s.call('TransactionEvent', upd)).toEqual({});
    expect(await s.call('TransactionEvent', upd)).toEqual({});
    await s.call('TransactionEvent', { eventType: 'Ended', timestamp: now(), triggerReason: 'EVDeparted', seqNo: 2, offline: true, transactionInfo: { transactionId: 'TX-201', stoppedReason: 'EVDisconnected' }, meterValue: sampled(7000, now(1)) });
    const detail = (await action(c.control, 'transactions', { stationId: 'CS-201', transactionId: 'TX-201' })).json;
    expect(detail.transactions).toEqual([expect.objectContaining({ state: 'Ended', iso15118SessionId: 'A1B2C3D4E5F60708', offline: true, meterStartWh: 5000, meterStopWh: 7000, stoppedReason: 'EVDisconnected' })]);
    expect((detail.events as unknown[]).length).toBe(3);
    expect(detail.missingSeqNos).toEqual([]);
    expect((await action(c.control, 'meter-values', { stationId: 'CS-201', transactionId: 'TX-201' })).json.count).toBe(3);
  });

  it('OCPP 2.1 V2X: allowedEnergyTransfer, a DC_BPT TxProfile, a discharge setpoint (Dynamic CentralSetpoint), UpdateDynamicSchedule and PullDynamicScheduleUpdate', async () => {
    const c = await csms(['--accept-unknown', '--default-password', PASSWORD, '--evse-max-power', '50000']);
    await action(c.control, 'id-token', { idToken: 'EMAID-V2X', type: 'eMAID', allowedEnergyTransfer: ['DC', 'DC_BPT'] });
    const s = await station(c, 'CS-21', '2.1');
    await s.call('BootNotification', boot['2.1']);
    expect(await s.call('Authorize', { idToken: { idToken: 'EMAID-V2X', type: 'eMAID' } })).toEqual({ idTokenInfo: { status: 'Accepted' }, allowedEnergyTransfer: ['DC', 'DC_BPT'] });
    await s.call('TransactionEvent', {
      eventType: 'Started',
      timestamp: now(),
      triggerReason: 'Authorized',
      seqNo: 0,
      transactionInfo: { transactionId: 'TX-21', chargingState: 'EVConnected', operationMode: 'ChargingOnly' },
      evse: { id: 1, connectorId: 1 },
      idToken: { idToken: 'EMAID-V2X', type: 'eMAID' },
    });
    let mark = s.received.length;
    expect(
      await s.call('NotifyEVChargingNeeds', {
        evseId: 1,
        timestamp: now(),
        chargingNeeds: {
          requestedEnergyTransfer: 'DC_BPT',
          availableEnergyTransfer: ['DC', 'DC_BPT'],
          controlMode: 'DynamicControl',
          departureTime: now(4 * 3600_000),
          dcChargingParameters: { evMaxCurrent: 125, evMaxVoltage: 500, evMaxPower: 40000, stateOfCharge: 40 },
          v2xChargingParameters: {
            maxChargePower: 40000,
            minChargePower: 0,
            maxDischargePower: 10000,
            minDischargePower: 0,
            evTargetEnergyRequest: 30000,
            customData: { vendorId: 'eu.scale-project', v2xStateOfHealth: 20000000, roundTripEfficiency: 88 },
          },
        },
      }),
    ).toEqual({ status: 'Accepted' });
    const tx = await s.next('SetChargingProfile', mark);
    expect(tx.params).toMatchObject({ evseId: 1, chargingProfile: { stackLevel: 0, chargingProfilePurpose: 'TxProfile', transactionId: 'TX-21', chargingSchedule: [{ chargingSchedulePeriod: [{ limit: 40000 }] }] } });
    const needs = ((await action(c.control, 'charging-needs', { stationId: 'CS-21' })).json.chargingNeeds as Record<string, unknown>[])[0]!;
    expect(needs).toMatchObject({ requestedEnergyTransfer: 'DC_BPT', evMaxDischargePowerW: 10000, v2xStateOfHealth: 20000000, roundTripEfficiency: 88 });

    // the operator discharges at 6 kW: a Dynamic profile in CentralSetpoint, capped by the EV's discharge power
    mark = s.received.length;
    const d1 = await action(c.control, 'discharge', { stationId: 'CS-21', evseId: 1, setpointW: -6000 });
    expect(d1.status).toBe(200);
    expect(d1.json).toMatchObject({ setpointW: -6000, dischargeLimitW: -10000, status: 'Accepted' });
    const dyn = await s.next('SetChargingProfile', mark);
    expect(dyn.params).toMatchObject({
      evseId: 1,
      chargingProfile: {
        stackLevel: 1,
        chargingProfileKind: 'Dynamic',
        transactionId: 'TX-21',
        chargingSchedule: [{ chargingRateUnit: 'W', chargingSchedulePeriod: [{ startPeriod: 0, operationMode: 'CentralSetpoint', setpoint: -6000, dischargeLimit: -10000, limit: 40000 }] }],
      },
    });
    const profileId = (dyn.params.chargingProfile as { id: number }).id;
    // the next setpoint (beyond the EV's discharge power: capped) goes as UpdateDynamicSchedule
    mark = s.received.length;
    const d2 = await action(c.control, 'discharge', { stationId: 'CS-21', evseId: 1, setpointW: -15000 });
    expect(d2.json).toMatchObject({ setpointW: -10000, update: 'UpdateDynamicSchedule', status: 'Accepted' });
    expect((await s.next('UpdateDynamicSchedule', mark)).params).toEqual({ chargingProfileId: profileId, scheduleUpdate: { setpoint: -10000, limit: 40000, dischargeLimit: -10000 } });
    expect(await s.call('PullDynamicScheduleUpdate', { chargingProfileId: profileId })).toEqual({ status: 'Accepted', scheduleUpdate: { setpoint: -10000, limit: 40000, dischargeLimit: -10000 } });
    expect(await s.call('PullDynamicScheduleUpdate', { chargingProfileId: 999 })).toMatchObject({ status: 'Rejected' });
    expect(await s.call('NotifyPriorityCharging', { transactionId: 'TX-21', activated: true })).toEqual({});
    // back to the plan: the Dynamic profile is cleared
    mark = s.received.length;
    expect((await action(c.control, 'discharge', { stationId: 'CS-21', evseId: 1, setpointW: null })).json).toMatchObject({ cleared: true, status: 'Accepted' });
    expect((await s.next('ClearChargingProfile', mark)).params).toEqual({ chargingProfileId: profileId });
  });

  it('discharge needs a bidirectional mode and OCPP 2.1: refused with a clear 4xx, nothing sent', async () => {
    const c = await csms(['--accept-unknown', '--default-password', PASSWORD, '--accept-any-token']);
    const s = await station(c, 'CS-NOBPT', '2.1');
    await s.call('BootNotification', boot['2.1']);
    await s.call('TransactionEvent', { eventType: 'Started', timestamp: now(), triggerReason: 'Authorized', seqNo: 0, transactionInfo: { transactionId: 'T' }, evse: { id: 1 }, idToken: { idToken: 'A', type: 'Central' } });
    const r = await action(c.control, 'discharge', { stationId: 'CS-NOBPT', evseId: 1, setpointW: -1000 });
    expect(r.status).toBe(400);
    expect(String(r.json.message)).toMatch(/discharge is not allowed/);
    expect((await action(c.control, 'discharge', { stationId: 'CS-NOBPT', evseId: 2, setpointW: 1000 })).status).toBe(404);
    expect(s.received.filter((x) => x.action === 'SetChargingProfile')).toEqual([]);
    const s16 = await station(c, 'CS-NOBPT16', '1.6');
    await s16.call('BootNotification', boot['1.6']);
    expect((await action(c.control, 'discharge', { stationId: 'CS-NOBPT16', evseId: 1, setpointW: -1000 })).status).toBe(409);
  });

  it('shares the site limit across two stations and re-plans when a transaction ends', async () => {
    const c = await csms(['--accept-unknown', '--default-password', PASSWORD, '--accept-any-token', '--site-limit', '30000', '--evse-max-power', '22000']);
    const a = await station(c, 'SITE-A', '2.0.1');
    const b = await station(c, 'SITE-B', '2.1');
    const start = async (s: TestStation, tx: string) => {
      await s.call('BootNotification', boot['2.0.1']);
      const mark = s.received.length;
      await s.call('TransactionEvent', { eventType: 'Started', timestamp: now(), triggerReason: 'Authorized', seqNo: 0, transactionInfo: { transactionId: tx }, evse: { id: 1, connectorId: 1 }, idToken: { idToken: 'T', type: 'Central' } });
      return mark;
    };
    const limitOf = (c: { params: Record<string, unknown> }) => (c.params.chargingProfile as { chargingSchedule: { chargingSchedulePeriod: { limit: number }[] }[] }).chargingSchedule[0]!.chargingSchedulePeriod[0]!.limit;
    const ma = await start(a, 'TX-A');
    expect(limitOf(await a.next('SetChargingProfile', ma))).toBe(22000);
    const ma2 = a.received.length;
    const mb = await start(b, 'TX-B');
    // two sessions under 30 kW: 15 kW each, A's profile replaced in place (same id)
    expect(limitOf(await b.next('SetChargingProfile', mb))).toBe(15000);
    const replaced = await a.next('SetChargingProfile', ma2);
    expect(limitOf(replaced)).toBe(15000);
    expect((replaced.params.chargingProfile as { id: number }).id).toBe((a.received[ma]!.params.chargingProfile as { id: number }).id);
    // A ends: B gets its EVSE's full 22 kW
    const mb2 = b.received.length;
    await a.call('TransactionEvent', { eventType: 'Ended', timestamp: now(), triggerReason: 'EVDeparted', seqNo: 1, transactionInfo: { transactionId: 'TX-A', stoppedReason: 'EVDisconnected' } });
    expect(limitOf(await b.next('SetChargingProfile', mb2))).toBe(22000);
    // the operator lowers the site limit
    const mb3 = b.received.length;
    const r = await action(c.control, 'set-site-limit', { siteLimitW: 7000 });
    expect((r.json.plan as { totalW: number }).totalW).toBe(7000);
    expect(limitOf(await b.next('SetChargingProfile', mb3))).toBe(7000);
  });

  it('refuses at the upgrade: unknown station 404, wrong password 401; registered stations need their own password', async () => {
    const c = await csms(['--security-profile', '1']);
    expect((await action(c.control, 'register-station', { id: 'KNOWN', password: 'the-right-password-1' })).status).toBe(200);
    const err = async (id: string, password?: string) => (await connectStation(c.ocpp, id, '2.0.1', { ...(password ? { password } : {}) }).then(() => 'connected', (e: unknown) => String(e))) as string;
    expect(await err('NOBODY', PASSWORD)).toMatch(/404|Not Found/);
    expect(await err('KNOWN', 'the-wrong-password-1')).toMatch(/401|Unauthorized/);
    expect(await err('KNOWN')).toMatch(/401|Unauthorized/);
    const s = await station(c, 'KNOWN', '2.0.1', { password: 'the-right-password-1' });
    expect(await s.call('Heartbeat', {})).toHaveProperty('currentTime');
    expect(c.p.out.stderr).toMatch(/refused NOBODY: 404/);
  });

  it('bad input keeps the connection serving: unknown transactions are acknowledged and kept, invalid values get CALLERRORs', async () => {
    const c = await csms(['--accept-unknown', '--default-password', PASSWORD]);
    const s2 = await station(c, 'BAD-2', '2.0.1', { strict: false });
    await s2.call('BootNotification', boot['2.0.1']);
    // an Updated event of a transaction the CSMS never saw start: acknowledged and stored (E04: the Started event may still be queued)
    expect(await s2.call('TransactionEvent', { eventType: 'Updated', timestamp: now(), triggerReason: 'MeterValuePeriodic', seqNo: 7, transactionInfo: { transactionId: 'GHOST' }, evse: { id: 2 }, meterValue: sampled(10, now()) })).toEqual({});
    const ghost = (await action(c.control, 'transactions', { stationId: 'BAD-2', transactionId: 'GHOST' })).json;
    expect(ghost.transactions).toEqual([expect.objectContaining({ state: 'Active', evseId: 2, lastSeqNo: 7 })]);
    // the CSMS's own schema checks: a wrong enum, a missing field
    await expect(s2.call('TransactionEvent', { eventType: 'Paused', timestamp: now(), triggerReason: 'Authorized', seqNo: 1, transactionInfo: { transactionId: 'X' } })).rejects.toMatchObject({
      rpcErrorCode: 'PropertyConstraintViolation',
    });
    await expect(s2.call('MeterValues', { evseId: 1 })).rejects.toMatchObject({ rpcErrorCode: 'OccurrenceConstraintViolation' });
    expect(await s2.call('Heartbeat', {})).toHaveProperty('currentTime');

    const s16 = await station(c, 'BAD-16', '1.6', { strict: false });
    await s16.call('BootNotification', boot['1.6']);
    // a 1.6 sampled value that is not a number: the handler's own check
    await expect(s16.call('MeterValues', { connectorId: 1, meterValue: [{ timestamp: now(), sampledValue: [{ value: 'lots' }] }] })).rejects.toMatchObject({ rpcErrorCode: 'PropertyConstraintViolation' });
    // StopTransaction for a transaction the CSMS never started: acknowledged (the station may drop it), its values kept
    expect(await s16.call('StopTransaction', { transactionId: 4242, meterStop: 10, timestamp: now(), transactionData: [{ timestamp: now(), sampledValue: [{ value: '10' }] }] })).toEqual({});
    expect((await action(c.control, 'meter-values', { stationId: 'BAD-16', transactionId: '4242' })).json.count).toBe(1);
    expect(await s16.call('Heartbeat', {})).toHaveProperty('currentTime');
    // control API: unknown station 404, offline 409, unknown action 400
    expect((await action(c.control, 'reset', { stationId: 'NOPE', type: 'Immediate' })).status).toBe(404);
    expect((await action(c.control, 'nope')).status).toBe(400);
    // a profile the station would reject (K01: TxProfile without a transaction) is refused before it is sent
    const r = await action(c.control, 'set-charging-profile', {
      stationId: 'BAD-2',
      evseId: 1,
      chargingProfile: { id: 5, stackLevel: 0, chargingProfilePurpose: 'TxProfile', chargingProfileKind: 'Relative', transactionId: 'NOPE', chargingSchedule: [{ id: 1, chargingRateUnit: 'W', chargingSchedulePeriod: [{ startPeriod: 0, limit: 1000 }] }] },
    });
    expect(r.status).toBe(400);
    expect(String(r.json.message)).toMatch(/TxNotFound/);
    expect(s2.received.filter((x) => x.action === 'SetChargingProfile')).toEqual([]);
  });

  it('CSMS-initiated operations over the control API reach the station in its version', async () => {
    const c = await csms(['--accept-unknown', '--default-password', PASSWORD]);
    const s16 = await station(c, 'OPS-16', '1.6', {
      answers: { GetConfiguration: () => ({ configurationKey: [{ key: 'HeartbeatInterval', readonly: false, value: '300' }] }), ChangeConfiguration: () => ({ status: 'Accepted' }) },
    });
    const s21 = await station(c, 'OPS-21', '2.1', {
      answers: {
        GetVariables: () => ({ getVariableResult: [{ attributeStatus: 'Accepted', component: { name: 'OCPPCommCtrlr' }, variable: { name: 'HeartbeatInterval' }, attributeValue: '300' }] }),
        GetCompositeSchedule: (p) => ({ status: 'Accepted', schedule: { evseId: p.evseId, duration: 60, scheduleStart: now(), chargingRateUnit: 'W', chargingSchedulePeriod: [{ startPeriod: 0, limit: 11000 }] } }),
      },
    });
    await s16.call('BootNotification', boot['1.6']);
    await s21.call('BootNotification', boot['2.1']);
    expect((await action(c.control, 'get-variables', { stationId: 'OPS-16', variables: [{ variable: 'HeartbeatInterval' }] })).json).toMatchObject({ configurationKey: [{ key: 'HeartbeatInterval', value: '300' }] });
    expect((await action(c.control, 'set-variables', { stationId: 'OPS-16', variables: [{ variable: 'HeartbeatInterval', value: '60' }] })).json).toMatchObject({ results: [{ key: 'HeartbeatInterval', status: 'Accepted' }] });
    expect(s16.received.at(-1)).toEqual({ action: 'ChangeConfiguration', params: { key: 'HeartbeatInterval', value: '60' } });
    expect((await action(c.control, 'get-variables', { stationId: 'OPS-21', variables: [{ component: 'OCPPCommCtrlr', variable: 'HeartbeatInterval' }] })).json).toMatchObject({
      getVariableResult: [{ attributeValue: '300' }],
    });
    await action(c.control, 'reset', { stationId: 'OPS-16', type: 'Immediate' });
    expect(s16.received.at(-1)).toEqual({ action: 'Reset', params: { type: 'Hard' } });
    await action(c.control, 'reset', { stationId: 'OPS-21', type: 'Soft' });
    expect(s21.received.at(-1)).toEqual({ action: 'Reset', params: { type: 'OnIdle' } });
    const rs = await action(c.control, 'request-start', { stationId: 'OPS-21', idToken: 'APP-1', evseId: 1 });
    expect(rs.json).toMatchObject({ status: 'Accepted', remoteStartId: expect.any(Number) });
    expect(s21.received.at(-1)).toMatchObject({ action: 'RequestStartTransaction', params: { idToken: { idToken: 'APP-1', type: 'Central' }, evseId: 1 } });
    await action(c.control, 'request-start', { stationId: 'OPS-16', idToken: 'APP-1', evseId: 1 });
    expect(s16.received.at(-1)).toEqual({ action: 'RemoteStartTransaction', params: { idTag: 'APP-1', connectorId: 1 } });
    await action(c.control, 'trigger-message', { stationId: 'OPS-21', requestedMessage: 'StatusNotification', evseId: 1, connectorId: 1 });
    expect(s21.received.at(-1)).toEqual({ action: 'TriggerMessage', params: { requestedMessage: 'StatusNotification', evse: { id: 1, connectorId: 1 } } });
    const cs = await action(c.control, 'get-composite-schedule', { stationId: 'OPS-21', evseId: 1, durationS: 60 });
    expect(cs.json).toMatchObject({ response: { status: 'Accepted' }, composite: { evseId: 1, chargingRateUnit: 'W', chargingSchedulePeriod: [{ startPeriod: 0, limit: 11000 }] } });
    // not in 1.6
    expect((await action(c.control, 'get-charging-profiles', { stationId: 'OPS-16' })).status).toBe(409);
    // a station answering NotSupported: 502 with its error code
    const r = await action(c.control, 'call', { stationId: 'OPS-21', action: 'UnlockConnector', payload: { evseId: 1, connectorId: 1 } });
    expect(r.status).toBe(502);
    expect(String(r.json.message)).toMatch(/NotSupported/);
    // the payload is checked before it goes
    expect((await action(c.control, 'call', { stationId: 'OPS-21', action: 'Reset', payload: { type: 'Sometimes' } })).status).toBe(400);
  });
});
