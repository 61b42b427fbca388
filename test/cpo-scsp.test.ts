// The CSMS (OCPI CPO) with the real SCSP (`@v2xsim/scsp`'s ScspProcess) and an ocpp-rpc station:
// the SCSP registers with a token A from the CSMS's control API and pushes its drivers' tokens;
// the station authorizes one and starts a transaction; the CSMS pushes the Session; the SCSP sets
// the driver's charging preferences, reads the active profile (GetCompositeSchedule at the
// station), computes a schedule and PUTs it; the CSMS sends it to the station as a TxProfile; the
// transaction ends and the SCSP receives the CDR. All OCPI traffic is checked against the
// official OpenAPI files.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CsmsProcess, resolveCsmsConfig } from '../packages/csms/src/index.js';
import { resolveScspProcessConfig, ScspProcess } from '../packages/scsp/src/index.js';
import { OpenApiTrafficValidator, type Exchange } from '../packages/ocpi/test/support/openapi-validator.js';
import { openapiDir } from '../packages/ocpi/test/support/parties.js';
import { startRecordingProxy, type RecordingProxy } from '../packages/ocpi/test/support/recording-proxy.js';
import { action, boot, connectStation, now, type TestStation } from '../packages/csms/test/support/station.js';
import { until } from './support/processes.js';

const H = 3_600_000;
const exchanges: Exchange[] = [];
const csmsLog: string[] = [];
const scspLog: string[] = [];
let dir: string;
let csms: CsmsProcess;
let scsp: ScspProcess;
let proxy: RecordingProxy;
let scspProxy: RecordingProxy;

const freePort = (): Promise<number> =>
  new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
let station: TestStation;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'v2xsim-cpo-scsp-'));
  csms = await CsmsProcess.start(
    resolveCsmsConfig({
      listen: { host: '127.0.0.1', port: 0, path: '/ocpp' },
      data: join(dir, 'csms'),
      securityProfile: 0,
      acceptUnknown: true,
      evseMaxPowerW: 11000,
      callTimeoutMs: 5000,
      control: { host: '127.0.0.1', port: 0 },
      ocpi: { port: 0, party: 'NL*CPO' },
    }),
    { out: () => undefined, log: (l) => void csmsLog.push(l) },
  );
  // the CPO's OCPI traffic through a recording proxy: the CPO announces the proxy
  proxy = await startRecordingProxy(csms.ocpi!.url!, exchanges);
  csms.ocpi!.platform.publicOrigin = proxy.url;
  const start = Math.floor(Date.now() / H) * H;
  const prices = [0.32, 0.3, 0.25, 0.12, 0.06, 0.05, 0.05, 0.07, 0.2, 0.28, 0.3, 0.31, 0.3];
  await writeFile(join(dir, 'prices.csv'), ['time,price', ...prices.map((p, i) => `${new Date(start + i * H).toISOString()},${p}`)].join('\n'));
  const { json } = await action(csms.controlUrl!, 'ocpi-token-a', { peerId: 'scsp' });
  // and the SCSP's, the same way
  const scspPort = await freePort();
  scspProxy = await startRecordingProxy(`http://127.0.0.1:${scspPort}`, exchanges);
  scsp = await ScspProcess.start(
    resolveScspProcessConfig({
      party: { countryCode: 'NL', partyId: 'SCS', name: 'Test SCSP' },
      listen: { host: '127.0.0.1', port: scspPort },
      publicUrl: scspProxy.url,
      prices: { file: join(dir, 'prices.csv'), currency: 'EUR' },
      retry: { attempts: 2, delayMs: 50 },
      resultTimeoutS: 10,
      cpo: { versionsUrl: json.versionsUrl as string, tokenA: json.tokenA as string },
      drivers: [{ token: { uid: 'V1G-1', type: 'APP_USER', contractId: 'NL-SCS-V1G-1' }, preferences: { profileType: 'CHEAP', departureAfterS: 6 * 3600, energyNeedKwh: 20 } }],
    }),
    { out: () => undefined, log: (l) => void scspLog.push(l) },
  );
  await scsp.registration;
}, 30_000);

afterAll(async () => {
  await station?.close().catch(() => undefined);
  await scsp?.close();
  await csms?.close();
  await proxy?.close();
  await scspProxy?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('CSMS (CPO) with the v2xsim SCSP', () => {
  it('registration, token push, a session pushed, preferences, the active profile and the SCSP’s profile at the station, the CDR', async () => {
    const peers = (await action(csms.controlUrl!, 'ocpi-peers')).json.peers as { id: string; status: string; roles: { role: string }[] }[];
    expect(peers).toEqual([expect.objectContaining({ id: 'scsp', status: 'registered' })]);
    expect(peers[0]!.roles.map((r) => r.role)).toEqual(['SCSP', 'EMSP']);

    station = await connectStation(csms.ocppUrl, 'CS-S', '2.0.1', {
      answers: {
        GetCompositeSchedule: (p) => ({
          status: 'Accepted',
          schedule: { evseId: p.evseId, duration: p.duration, scheduleStart: new Date().toISOString(), chargingRateUnit: 'W', chargingSchedulePeriod: [{ startPeriod: 0, limit: 11000 }] },
        }),
      },
    });
    await station.call('BootNotification', boot['2.0.1']);
    // the SCSP pushed its driver's token: the station's Authorize is accepted from the whitelist
    expect(await until(async () => ((await station.call('Authorize', { idToken: { idToken: 'V1G-1', type: 'eMAID' } })) as { idTokenInfo: { status: string } }).idTokenInfo.status === 'Accepted' || undefined, 'token pushed')).toBe(true);
    await station.call('StatusNotification', { timestamp: now(), connectorStatus: 'Occupied', evseId: 1, connectorId: 1 });
    const mark = station.received.length;
    await station.call('TransactionEvent', {
      eventType: 'Started',
      timestamp: now(),
      triggerReason: 'Authorized',
      seqNo: 0,
      transactionInfo: { transactionId: 'TX-S', chargingState: 'Charging' },
      evse: { id: 1, connectorId: 1 },
      idToken: { idToken: 'V1G-1', type: 'eMAID' },
      meterValue: [{ timestamp: now(), sampledValue: [{ value: 0, measurand: 'Energy.Active.Import.Register' }] }],
    });
    // the SCSP reads the active profile (→ GetCompositeSchedule at the station) and sets its own
    const gcs = await station.next('GetCompositeSchedule', mark, 20_000);
    expect(gcs.params).toMatchObject({ evseId: 1, chargingRateUnit: 'W' });
    const scp = await until(
      () => station.received.slice(mark).find((c) => c.action === 'SetChargingProfile' && (c.params as { chargingProfile: { stackLevel: number } }).chargingProfile.stackLevel === 2),
      'the SCSP’s profile at the station',
      undefined,
      20_000,
    );
    const profile = (scp.params as { chargingProfile: { transactionId: string; chargingSchedule: { chargingRateUnit: string; chargingSchedulePeriod: { limit: number }[] }[] } }).chargingProfile;
    expect(profile).toMatchObject({ chargingProfilePurpose: 'TxProfile', transactionId: 'TX-S', chargingSchedule: [{ chargingRateUnit: 'W' }] });
    expect(profile.chargingSchedule[0]!.chargingSchedulePeriod.every((p) => p.limit <= 11000)).toBe(true);
    const needs = (await action(csms.controlUrl!, 'charging-needs', { stationId: 'CS-S', transactionId: 'TX-S' })).json.chargingNeeds as Record<string, unknown>[];
    expect(needs.at(-1)).toMatchObject({ energyAmountWh: 20000, departureTime: expect.any(String) });
    // the EV tells its own needs again (a renegotiation): the driver's preferences still stand
    const driverDeparture = needs.at(-1)!.departureTime;
    await station.call('NotifyEVChargingNeeds', { evseId: 1, chargingNeeds: { requestedEnergyTransfer: 'DC', departureTime: new Date(Date.now() + 60_000).toISOString(), dcChargingParameters: { evMaxCurrent: 100, evMaxVoltage: 450, energyAmount: 55_000 } } });
    const after = (await action(csms.controlUrl!, 'charging-needs', { stationId: 'CS-S', transactionId: 'TX-S' })).json.chargingNeeds as Record<string, unknown>[];
    expect(after.at(-2)).toMatchObject({ energyAmountWh: 55_000 });
    expect(after.at(-1)).toMatchObject({ energyAmountWh: 20000, departureTime: driverDeparture });
    await until(() => (scspLog.some((l) => /profile ACCEPTED → ACCEPTED/.test(l)) ? true : undefined), 'the SCSP saw its profile accepted', undefined, 15_000);
    const sessions = (await (await fetch(`${scsp.controlUrl}/health`)).json()) as { sessions: { id?: string; sessionId?: string }[] };
    expect(JSON.stringify(sessions)).toContain('CS-S-TX-S');

    await station.call('TransactionEvent', {
      eventType: 'Ended',
      timestamp: now(),
      triggerReason: 'StopAuthorized',
      seqNo: 1,
      transactionInfo: { transactionId: 'TX-S', stoppedReason: 'Local' },
      meterValue: [{ timestamp: now(), sampledValue: [{ value: 2500, measurand: 'Energy.Active.Import.Register', context: 'Transaction.End' }] }],
    });
    await until(() => (scspLog.some((l) => /CDR CS-S-TX-S/.test(l)) ? true : undefined), 'the SCSP got the CDR');
    // the SCSP logs the CDR on receipt; the CPO's exchange is recorded once the response is in
    await until(() => (exchanges.some((ex) => ex.method === 'POST' && new URL(ex.url).pathname.endsWith('/cdrs')) ? true : undefined), 'the CPO recorded its CDR push');

    const v = new OpenApiTrafficValidator(openapiDir);
    v.addVersionsUrl(csms.ocpi!.versionsUrl);
    v.addVersionsUrl((await csms.ocpi!.platform.store.get('scsp'))!.versionsUrl!);
    const problems = exchanges.flatMap((ex) => {
      const r = v.check(ex);
      return [...r.request, ...r.response].filter((f) => !(f.operation === 'senderPostChargingProfileCallback' && /oneOf|exactly one/.test(f.problem))).map((f) => `${f.exchange}: ${f.problem}`);
    });
    expect(problems).toEqual([]);
    const seen = exchanges.map((ex) => `${ex.method} ${new URL(ex.url).pathname} ${ex.status}`);
    for (const op of [
      /^POST \/ocpi\/2\.2\.1\/credentials 200$/,
      /^PUT \/ocpi\/2\.2\.1\/tokens\/NL\/SCS\/V1G-1 20[01]$/,
      /^PUT \/ocpi\/2\.2\.1\/sessions\/NL\/CPO\/CS-S-TX-S 20[01]$/,
      /^PATCH \/ocpi\/2\.2\.1\/sessions\/NL\/CPO\/CS-S-TX-S 200$/,
      /^PUT \/ocpi\/2\.2\.1\/sessions\/CS-S-TX-S\/charging_preferences 200$/,
      /^GET \/ocpi\/2\.2\.1\/chargingprofiles\/CS-S-TX-S 200$/,
      /^PUT \/ocpi\/2\.2\.1\/chargingprofiles\/CS-S-TX-S 200$/,
      /^POST \/ocpi\/2\.2\.1\/chargingprofiles\/result\/\S+ 200$/,
      /^POST \/ocpi\/2\.2\.1\/cdrs 201$/,
    ]) {
      expect(seen.some((x) => op.test(x)), `${op} in ${seen.join('\n')}`).toBe(true);
    }
  }, 60_000);
});
