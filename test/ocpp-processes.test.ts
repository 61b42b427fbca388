// The EVSE process as an OCPP charging station, end to end in separate OS processes over real
// sockets (bin/v2xsim.js runs packages/cli/dist: `pnpm test` builds first): `v2xsim csms`, `v2xsim
// evse --csms …` and `v2xsim ev`. For OCPP 1.6, 2.0.1 and 2.1 an ISO 15118-2 session becomes Boot,
// Status, Authorize (the EVCCID), a transaction with meter values and (2.x) NotifyEVChargingNeeds
// whose values are the EV's; a lower limit from the CSMS reaches the EV as a renegotiated
// PMaxSchedule. In 2.1 a -20 DC_BPT session discharges on the CSMS's CentralSetpoint. SCALE
// customData goes with --scale-ocpp and not without. A CSMS that goes away mid-transaction gets
// everything in order afterwards, offline = true.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { children, traceStream, until, v2xsim, type Spawned, type TraceStream } from './support/processes.js';

const SPEED = '60';
const PASSWORD_2X = '0123456789abcdef-secret';
const KEY_16 = '0123456789abcdef0123456789abcdef';

let tmp: string;

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'v2xsim-ocpp-'));
});

afterAll(async () => {
  for (const c of children) c.kill('SIGKILL');
  await rm(tmp, { recursive: true, force: true });
});

type Json = Record<string, unknown>;

const getJson = async (url: string): Promise<Json> => (await (await fetch(url)).json()) as Json;
const post = async (url: string, body: unknown = {}): Promise<Json> =>
  (await (await fetch(url, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } })).json()) as Json;

interface Csms extends Spawned {
  port: number;
  url: string;
  control: string;
  action(name: string, body?: unknown): Promise<Json>;
}

async function startCsms(name: string, port = 0, anyToken = true): Promise<Csms> {
  const p = v2xsim([
    'csms', '--port', String(port), '--security-profile', '0', '--accept-unknown', ...(anyToken ? ['--accept-any-token'] : []), '--policy', 'none',
    '--data', join(tmp, `csms-${name}`), '--trace', join(tmp, `csms-${name}-${Date.now()}.ndjson`),
  ]);
  const banner = await until(() => /v2xsim csms ready: .*/.exec(p.out.stderr)?.[0], 'CSMS banner', p);
  const url = /ocpp=(ws:\/\/\S+)\/<identity>/.exec(banner)![1]!;
  const control = /control=(\S+)/.exec(banner)![1]!;
  return { ...p, url, port: Number(/:(\d+)\//.exec(url)![1]), control, action: (n, body = {}) => post(`${control}/actions/${n}`, body) };
}

interface Evse extends Spawned {
  secc: number;
  control: string;
  trace: TraceStream;
}

async function startEvse(args: readonly string[]): Promise<Evse> {
  const p = v2xsim(['evse', '--speed', SPEED, '--no-sdp', '--meter-interval', '1', ...args]);
  const banner = await until(() => /v2xsim evse ready: .*/.exec(p.out.stderr)?.[0], 'EVSE banner', p);
  const control = /control=(\S+)/.exec(banner)![1]!;
  const trace = traceStream(control, 500);
  await trace.opened;
  return { ...p, secc: Number(/secc=tcp:\/\/\S+:(\d+)/.exec(banner)![1]), control, trace };
}



interface Ev extends Spawned {
  control: string;
  traceFile: string;
}

async function startEv(name: string, args: readonly string[]): Promise<Ev> {
  const traceFile = join(tmp, `ev-${name}.ndjson`);
  const p = v2xsim(['ev', '--speed', SPEED, '--summary', '--control-port', '0', '--trace', traceFile, ...args]);
  const control = await until(() => /control=(http\S+)/.exec(p.out.stderr)?.[1], 'EV banner', p);
  return { ...p, control, traceFile };
}

async function evSummary(p: Spawned): Promise<Json & { messages: Record<string, number> }> {
  await p.exited;
  const line = p.out.stdout.trim().split('\n').filter((l) => l.startsWith('{')).at(-1);
  if (!line) throw new Error(`no EV summary\n${p.out.stderr}`);
  return JSON.parse(line) as Json & { messages: Record<string, number> };
}

async function traceOf(file: string): Promise<Json[]> {
  return (await readFile(file, 'utf8'))
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Json);
}

const pv = (v: { Value: number; Multiplier?: number; Exponent?: number }): number => v.Value * 10 ** (v.Multiplier ?? v.Exponent ?? 0);
const body2 = (e: Json, name: string): Json => ((e.body as { V2G_Message: { Body: Record<string, Json> } }).V2G_Message.Body[name] ?? {}) as Json;

/** The OCPP CALLs the EVSE sent (tx) or received (rx), from its trace stream (traced as `<Action>Request`). */
const ocppFrames = (evse: Evse, action: string, direction?: 'tx' | 'rx'): Json[] =>
  evse.trace.events.filter((e) => String(e.protocol).startsWith('ocpp') && e.message === `${action}Request` && (direction === undefined || e.direction === direction));

async function transactionOf(csms: Csms, stationId: string, state?: 'Active' | 'Ended', transactionId?: string): Promise<Json> {
  return until(async () => {
    const r = await csms.action('transactions', { stationId, ...(state ? { state } : {}), ...(transactionId ? { transactionId } : {}) });
    return (r.transactions as Json[] | undefined)?.[0];
  }, `CSMS transaction ${state ?? ''} of ${stationId}`);
}

/** A charging profile that caps every transaction of EVSE 1 at `w` W, in the version's JSON. */
function capProfile(version: string, w: number): Json {
  const period = [{ startPeriod: 0, limit: w }];
  if (version === '1.6') {
    return { chargingProfileId: 7, stackLevel: 1, chargingProfilePurpose: 'TxDefaultProfile', chargingProfileKind: 'Relative', chargingSchedule: { chargingRateUnit: 'W', chargingSchedulePeriod: period } };
  }
  return { id: 7, stackLevel: 1, chargingProfilePurpose: 'TxDefaultProfile', chargingProfileKind: 'Relative', chargingSchedule: [{ id: 1, chargingRateUnit: 'W', chargingSchedulePeriod: period }] };
}

describe.concurrent('an ISO 15118-2 session through the EVSE to the CSMS, per OCPP version', () => {
  it.each([
    { version: '1.6', scale: false },
    { version: '2.0.1', scale: true },
    { version: '2.1', scale: false },
  ])('OCPP $version (SCALE customData: $scale)', async ({ version, scale }) => {
    const station = `CS-${version.replace(/\./g, '')}`;
    const csms = await startCsms(`iso2-${version}`);
    const evse = await startEvse([
      '--protocols', 'iso2', '--csms', csms.url, '--ocpp', version, '--station-id', station, '--ocpp-password', version === '1.6' ? KEY_16 : PASSWORD_2X,
      '--data', join(tmp, `evse-${version}`), ...(scale ? ['--scale-ocpp'] : []),
    ]);
    expect(evse.out.stderr).toMatch(new RegExp(`ocpp=${csms.url}/${station} \\(${version.replace(/\./g, '\\.')}, profile 1, scale ${scale ? 'on' : 'off'}\\)`));
    // Boot and Status
    await until(async () => ((await getJson(`${evse.control}/health`)).ocpp as { station: { online: boolean } }).station.online || undefined, 'station booted');
    const stations = (await csms.action('stations')).stations as Json[];
    expect(stations.find((s) => s.stationId === station || s.id === station)).toBeDefined();
    expect(ocppFrames(evse, 'BootNotification', 'tx')).toHaveLength(1);
    await until(() => ocppFrames(evse, 'StatusNotification', 'tx')[0], 'StatusNotification');

    const ev = await startEv(`iso2-${version}`, ['--secc', `[::1]:${evse.secc}`, '--protocols', 'iso2', '--mode', 'DC_extended', '--target-soc', '90']);
    // a transaction with meter values, and (2.x) the charging needs
    await transactionOf(csms, station, 'Active');
    await until(async () => (((await csms.action('meter-values', { stationId: station })).count as number) > 0 ? true : undefined), 'meter values');
    if (version !== '1.6') await until(async () => ((await csms.action('charging-needs', { stationId: station })).chargingNeeds as Json[])[0], 'NotifyEVChargingNeeds');
    await until(() => evse.trace.events.find((e) => e.message === 'CurrentDemandRes'), 'CurrentDemand');

    // the CSMS lowers the limit: the EV is asked to renegotiate and gets the new PMaxSchedule
    const set = await csms.action('set-charging-profile', { stationId: station, evseId: 1, chargingProfile: capProfile(version, 20_000) });
    expect(set, JSON.stringify(set)).toMatchObject({ ok: true });
    const renegotiated = await until(
      () =>
        evse.trace.events.find((e) => {
          if (e.message !== 'ChargeParameterDiscoveryRes' || e.direction !== 'tx') return false;
          const tuple = (body2(e, 'ChargeParameterDiscoveryRes').SAScheduleList as { SAScheduleTuple: { PMaxSchedule: { PMaxScheduleEntry: { PMax: { Value: number; Multiplier: number } }[] } }[] }).SAScheduleTuple[0]!;
          return pv(tuple.PMaxSchedule.PMaxScheduleEntry[0]!.PMax) === 20_000;
        }),
      'renegotiated schedule',
    );
    expect(renegotiated).toBeDefined();
    await until(() => evse.trace.events.find((e) => e.message === 'CurrentDemandRes' && (e.ts as number) > (renegotiated.ts as number)), 'CurrentDemand after the renegotiation');
    await post(`${ev.control}/actions/stop`);
    const summary = await evSummary(ev);
    expect(summary, ev.out.stderr).toMatchObject({ ok: true, protocol: 'iso2' });
    expect(summary.messages.ChargeParameterDiscoveryReq).toBeGreaterThanOrEqual(2);

    // the EV's own trace: the renegotiated schedule arrived over ISO 15118, 20 kW
    const evTrace = await traceOf(ev.traceFile);
    const cpdRes = evTrace.filter((e) => e.message === 'ChargeParameterDiscoveryRes');
    const lastPMax = (body2(cpdRes.at(-1)!, 'ChargeParameterDiscoveryRes').SAScheduleList as { SAScheduleTuple: { PMaxSchedule: { PMaxScheduleEntry: { PMax: { Value: number; Multiplier: number } }[] } }[] }).SAScheduleTuple[0]!
      .PMaxSchedule.PMaxScheduleEntry[0]!.PMax;
    expect(pv(lastPMax)).toBe(20_000);

    // the CSMS's records: the transaction (Authorize with the EVCCID), its meter values, the needs
    const evccId = String(body2(evTrace.find((e) => e.message === 'SessionSetupReq')!, 'SessionSetupReq').EVCCID);
    const tx = await transactionOf(csms, station, 'Ended');
    expect(String(tx.idToken).toLowerCase()).toBe(evccId.toLowerCase());
    expect(ocppFrames(evse, 'Authorize', 'tx')).toHaveLength(1);
    const meter = (await csms.action('meter-values', { stationId: station, measurand: 'Energy.Active.Import.Register' })).meterValues as Json[];
    expect(Math.max(...meter.map((m) => Number(m.value)))).toBeGreaterThan(0);
    if (version !== '1.6') {
      const needs = ((await csms.action('charging-needs', { stationId: station })).chargingNeeds as Json[])[0]!;
      const cpd = body2(evTrace.find((e) => e.message === 'ChargeParameterDiscoveryReq')!, 'ChargeParameterDiscoveryReq').DC_EVChargeParameter as Record<string, { Value: number; Multiplier: number }>;
      expect(needs).toMatchObject({ requestedEnergyTransfer: 'DC', evMaxCurrentA: pv(cpd.EVMaximumCurrentLimit!), evMaxVoltageV: pv(cpd.EVMaximumVoltageLimit!) });
      if (cpd.EVMaximumPowerLimit) expect(needs.evMaxPowerW).toBe(pv(cpd.EVMaximumPowerLimit));
      // SCALE: the ISO 15118 SessionID in TransactionEvent.customData, only with --scale-ocpp
      expect(tx.iso15118SessionId ?? null).toBe(scale ? summary.sessionId : null);
      const started = ocppFrames(evse, 'TransactionEvent', 'tx').map((e) => JSON.stringify(e.body));
      expect(started.some((b) => b.includes('eu.scale-project'))).toBe(scale);
    }
    evse.trace.close();
    evse.child.kill('SIGTERM');
    csms.child.kill('SIGTERM');
    expect(await evse.exited).toBe(0);
  }, 90_000);
});

describe('OCPP 2.1 V2X: a CentralSetpoint from the CSMS discharges a -20 DC_BPT session', () => {
  it('the needs carry the BPT limits and the SCALE V2X fields; a negative setpoint makes the EV give energy back (export register grows)', async () => {
    const station = 'CS-V2X';
    const csms = await startCsms('v2x');
    const evse = await startEvse([
      '--protocols', 'iso20-dc-scale,iso20-dc', '--max-power', '20000', '--csms', csms.url, '--ocpp', '2.1', '--station-id', station, '--ocpp-password', PASSWORD_2X,
      '--data', join(tmp, 'evse-v2x'), '--scale-ocpp',
    ]);
    const ev = await startEv('v2x', [
      '--secc', `[::1]:${evse.secc}`, '--protocols', 'iso20-dc-scale', '--bpt', '--soc', '40', '--min-soc', '20', '--target-soc', '80',
      '--efficiency', '0.9', '--v2x-budget', '5000', '--discharge-max-power', '9000',
    ]);
    await transactionOf(csms, station, 'Active');
    const needs = await until(async () => ((await csms.action('charging-needs', { stationId: station })).chargingNeeds as Json[])[0], 'NotifyEVChargingNeeds');
    expect(needs).toMatchObject({ requestedEnergyTransfer: 'DC_BPT', controlMode: 'ScheduledControl', evMaxDischargePowerW: 9000, v2xStateOfHealth: 5000, roundTripEfficiency: 90 });
    const meter = async (): Promise<{ importedWh: number; exportedWh: number }> => (await getJson(`${evse.control}/health`)).meter as { importedWh: number; exportedWh: number };
    await until(async () => ((await meter()).importedWh > 300 ? true : undefined), 'charging');
    expect((await meter()).exportedWh).toBe(0);

    const discharge = await csms.action('discharge', { stationId: station, evseId: 1, setpointW: -8000 });
    expect(discharge, JSON.stringify(discharge)).toMatchObject({ ok: true });
    await until(async () => ((await meter()).exportedWh > 300 ? true : undefined), 'discharging', evse, 30_000);
    expect((await getJson(`${evse.control}/health`)).setpointW).toBe(-8000);
    // the EV got a discharging schedule over ISO 15118 (Scheduled: a renegotiation)
    expect(evse.trace.events.some((e) => e.message === 'ScheduleExchangeRes' && JSON.stringify(e.body).includes('DischargingSchedule'))).toBe(true);

    await post(`${ev.control}/actions/stop`);
    const summary = await evSummary(ev);
    expect(summary, ev.out.stderr).toMatchObject({ ok: true, service: 'DC_BPT' });
    expect(summary.dischargedWh as number).toBeGreaterThan(300);
    const tx = await transactionOf(csms, station, 'Ended');
    expect(tx.iso15118SessionId).toBe(summary.sessionId);
    const exported = (await csms.action('meter-values', { stationId: station, measurand: 'Energy.Active.Export.Register' })).meterValues as Json[];
    expect(Math.max(...exported.map((m) => Number(m.value)))).toBeGreaterThan(300);
    evse.trace.close();
    evse.child.kill('SIGTERM');
    csms.child.kill('SIGTERM');
  }, 90_000);
});

describe('the CSMS goes away mid-transaction', () => {
  it('the EVSE keeps charging, journals, and delivers in order with offline = true once the CSMS is back', async () => {
    const station = 'CS-OFFLINE';
    const csms = await startCsms('offline');
    const evse = await startEvse([
      '--protocols', 'iso2', '--csms', csms.url, '--ocpp', '2.0.1', '--station-id', station, '--ocpp-password', PASSWORD_2X, '--data', join(tmp, 'evse-offline'), '--ocpp-retry', '0.5',
    ]);
    const ev = await startEv('offline', ['--secc', `[::1]:${evse.secc}`, '--protocols', 'iso2', '--mode', 'DC_extended', '--target-soc', '90']);
    const tx = await transactionOf(csms, station, 'Active');
    await until(() => evse.trace.events.find((e) => e.message === 'CurrentDemandRes'), 'CurrentDemand');
    csms.child.kill('SIGTERM');
    await csms.exited;
    await until(async () => (((await getJson(`${evse.control}/health`)).ocpp as { station: { online: boolean } }).station.online ? undefined : true), 'station offline');
    const before = ((await getJson(`${evse.control}/health`)).meter as { importedWh: number }).importedWh;
    // offline: the charge goes on, meter values are journaled
    await until(async () => {
      const h = await getJson(`${evse.control}/health`);
      return (h.ocpp as { station: { queued: number } }).station.queued >= 2 && (h.meter as { importedWh: number }).importedWh > before + 200 ? true : undefined;
    }, 'journaled while offline');
    const back = await startCsms('offline', csms.port);
    await until(async () => {
      const h = (await getJson(`${evse.control}/health`)).ocpp as { station: { online: boolean; queued: number } };
      return h.station.online && h.station.queued === 0 ? true : undefined;
    }, 'journal delivered', undefined, 30_000);
    await post(`${ev.control}/actions/stop`);
    expect(await evSummary(ev)).toMatchObject({ ok: true });
    await transactionOf(back, station, 'Ended');
    const r = await back.action('transactions', { stationId: station, transactionId: tx.transactionId });
    const events = r.events as { seqNo: number; eventType: string; offline: boolean }[];
    expect(r.missingSeqNos).toEqual([]);
    expect(events.some((e) => e.offline)).toBe(true);
    expect(events.at(-1)!.eventType).toBe('Ended');
    // in order: the station sent its TransactionEvents with rising seqNo, none twice
    const sent = ocppFrames(evse, 'TransactionEvent', 'tx').map((e) => JSON.stringify(e.body)).map((b) => Number(/"seqNo":(\d+)/.exec(b)![1]));
    const delivered = [...new Set(sent)];
    expect(delivered).toEqual([...delivered].sort((a, b) => a - b));
    expect(delivered).toEqual(events.map((e) => e.seqNo));
    evse.trace.close();
    evse.child.kill('SIGTERM');
    back.child.kill('SIGTERM');
  }, 90_000);
});

describe('the CSMS decides: remote start and stop, a refused id token', () => {
  it('RequestStartTransaction authorises the next EV (no local authorisation), RequestStopTransaction ends it; an unknown token is refused in -2 and -20', async () => {
    const station = 'CS-REMOTE';
    const csms = await startCsms('remote', 0, false);
    const evse = await startEvse([
      '--protocols', 'iso20-dc,iso2', '--authorize', 'manual', '--csms', csms.url, '--ocpp', '2.0.1', '--station-id', station, '--ocpp-password', PASSWORD_2X, '--data', join(tmp, 'evse-remote'),
    ]);
    await until(async () => ((await getJson(`${evse.control}/health`)).ocpp as { station: { online: boolean } }).station.online || undefined, 'station booted');
    // the CSMS knows no token: the EVCCID (MacAddress) is refused; the SECC refuses the EV
    const refused2 = await startEv('refused-2', ['--secc', `[::1]:${evse.secc}`, '--protocols', 'iso2', '--mode', 'DC_extended', '--target-soc', '30']);
    await until(async () => ((await getJson(`${evse.control}/health`)).state === 'authorizing' ? true : undefined), 'EVSE authorizing');
    await post(`${evse.control}/actions/authorize`, {});
    const s2 = await evSummary(refused2);
    expect(s2.ok).toBe(false);
    expect(s2.energyWh).toBe(0);
    const auth2 = evse.trace.events.filter((e) => e.message === 'AuthorizationRes');
    expect(body2(auth2.at(-1)!, 'AuthorizationRes')).toMatchObject({ ResponseCode: 'FAILED' });
    expect(ocppFrames(evse, 'Authorize', 'tx')).toHaveLength(1);
    const refused20 = await startEv('refused-20', ['--secc', `[::1]:${evse.secc}`, '--protocols', 'iso20-dc', '--target-soc', '30']);
    await until(async () => ((await getJson(`${evse.control}/health`)).state === 'authorizing' ? true : undefined), 'EVSE authorizing (-20)');
    // the driver's card this time, still unknown to the CSMS
    await post(`${evse.control}/actions/authorize`, { idToken: 'CARD-UNKNOWN', type: 'ISO14443' });
    const s20 = await evSummary(refused20);
    expect(s20.ok).toBe(false);
    const authRes = evse.trace.events.filter((e) => e.protocol === 'iso15118-20' && e.message === 'AuthorizationRes').at(-1)!;
    expect(JSON.stringify(authRes.body)).toMatch(/WARNING_EIMAuthorizationFailure/);
    expect(JSON.stringify(ocppFrames(evse, 'Authorize', 'tx').at(-1)!.body)).toMatch(/CARD-UNKNOWN/);

    // RequestStartTransaction before the EV arrives: the next session is authorised by the CSMS
    expect(await csms.action('id-token', { idToken: 'REMOTE-1', type: 'Central' })).toMatchObject({ ok: true });
    const start = await csms.action('request-start', { stationId: station, idToken: 'REMOTE-1', idTokenType: 'Central', evseId: 1 });
    expect(start, JSON.stringify(start)).toMatchObject({ ok: true });
    const authorizeCalls = ocppFrames(evse, 'Authorize', 'tx').length;
    const ev = await startEv('remote', ['--secc', `[::1]:${evse.secc}`, '--protocols', 'iso2', '--mode', 'DC_extended', '--target-soc', '90']);
    await until(() => evse.trace.events.find((e) => e.message === 'CurrentDemandRes'), 'CurrentDemand');
    expect(ocppFrames(evse, 'Authorize', 'tx')).toHaveLength(authorizeCalls);
    const tx = await transactionOf(csms, station, 'Active');
    expect(tx.idToken, JSON.stringify(await csms.action('transactions', { stationId: station }))).toBe('REMOTE-1');
    // RequestStopTransaction: EVSENotification StopCharging, the EV ends the session
    const stop = await csms.action('request-stop', { stationId: station, transactionId: tx.transactionId });
    expect(stop, JSON.stringify(stop)).toMatchObject({ ok: true });
    const summary = await evSummary(ev);
    expect(summary, ev.out.stderr).toMatchObject({ ok: true });
    expect(summary.energyWh as number).toBeGreaterThan(0);
    expect(evse.trace.events.some((e) => e.message === 'CurrentDemandRes' && JSON.stringify(e.body).includes('StopCharging'))).toBe(true);
    const ended = await transactionOf(csms, station, 'Ended', String(tx.transactionId));
    expect(ended.stoppedReason).toBe('Remote');
    evse.trace.close();
    evse.child.kill('SIGTERM');
    csms.child.kill('SIGTERM');
  }, 90_000);
});

describe('N stations in one process, and bad OCPP settings', () => {
  it('--stations 3 --station-id-pattern: three stations boot on the CSMS, the first one carries the SECC; bad settings are exit 2 with their key paths', async () => {
    const csms = await startCsms('pool');
    const evse = await startEvse(['--protocols', 'iso2', '--csms', csms.url, '--stations', '3', '--station-id-pattern', 'POOL-{n:02}', '--ocpp-password', PASSWORD_2X, '--data', join(tmp, 'evse-pool')]);
    expect(evse.out.stderr).toMatch(/ocpp=\S+\/POOL-01 \(2\.0\.1, profile 1, scale off, 3 stations POOL-01…POOL-03\)/);
    await until(async () => (((await getJson(`${evse.control}/health`)).ocpp as { online: number }).online === 3 ? true : undefined), 'three stations online');
    const online = ((await csms.action('stations')).stations as Json[]).filter((s) => JSON.stringify(s).includes('POOL-'));
    expect(online).toHaveLength(3);
    const summary = await evSummary(await startEv('pool', ['--secc', `[::1]:${evse.secc}`, '--protocols', 'iso2', '--mode', 'DC_extended', '--target-soc', '22']));
    expect(summary.ok).toBe(true);
    const tx = await transactionOf(csms, 'POOL-01', 'Ended');
    expect(tx.meterStopWh as number).toBeGreaterThan(0);
    expect((await csms.action('transactions', { stationId: 'POOL-02' })).transactions).toEqual([]);
    evse.trace.close();
    evse.child.kill('SIGTERM');
    csms.child.kill('SIGTERM');

    const bad = v2xsim(['evse', '--no-sdp', '--csms', 'http://127.0.0.1:9/ocpp', '--stations', '2', '--ocpp', '3.0']);
    expect(await bad.exited).toBe(2);
    expect(bad.out.stderr).toMatch(/ocpp\.csms: must be a ws:\/\/ or wss:\/\/ URL/);
    expect(bad.out.stderr).toMatch(/ocpp\.version: must be one of 1\.6, 2\.0\.1, 2\.1/);
    const noPassword = v2xsim(['evse', '--no-sdp', '--csms', 'ws://127.0.0.1:9/ocpp', '--stations', '2']);
    expect(await noPassword.exited).toBe(2);
    expect(noPassword.out.stderr).toMatch(/ocpp\.password: security profile 1 needs the Basic auth password/);
    expect(noPassword.out.stderr).toMatch(/ocpp\.stationIdPattern: N stations need an identity pattern/);
  }, 60_000);
});

describe('security profiles 2 and 3 against the CSMS, with the project’s PKI', () => {
  it('profile 2: Basic auth over TLS (the CSMS’s certificate checked against the V2G root); profile 3: a station certificate with the identity as CN', async () => {
    const pki = join(tmp, 'pki');
    const init = v2xsim(['pki', 'init', '--out', pki]);
    expect(await init.exited).toBe(0);
    for (const profile of ['2', '3'] as const) {
      const p = v2xsim([
        'csms', '--port', '0', '--security-profile', profile, '--pki', pki, '--accept-unknown', '--default-password', PASSWORD_2X, '--accept-any-token', '--data', join(tmp, `csms-sp${profile}`),
      ]);
      const url = await until(() => /ocpp=(wss:\/\/\S+)\/<identity>/.exec(p.out.stderr)?.[1], 'CSMS banner', p);
      const evse = await startEvse([
        '--protocols', 'iso2', '--pki', pki, '--no-tls', '--csms', url, '--security-profile', profile, ...(profile === '2' ? ['--ocpp-password', PASSWORD_2X] : []),
        '--station-id', `CS-SP${profile}`, '--data', join(tmp, `evse-sp${profile}`),
      ]);
      expect(evse.out.stderr).toMatch(new RegExp(`ocpp=wss://\\S+/CS-SP${profile} \\(2\\.0\\.1, profile ${profile}`));
      await until(async () => ((await getJson(`${evse.control}/health`)).ocpp as { station: { online: boolean } }).station.online || undefined, `profile ${profile}: booted`, evse);
      expect(p.out.stderr).toMatch(new RegExp(`CS-SP${profile}: BootNotification .*→ Accepted`));
      evse.trace.close();
      evse.child.kill('SIGTERM');
      p.child.kill('SIGTERM');
      expect(await evse.exited).toBe(0);
    }
  }, 60_000);
});
