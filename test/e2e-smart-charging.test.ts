// Smart charging end to end, four OS processes over real sockets (bin/v2xsim.js runs
// packages/cli/dist: `pnpm test` builds first): `v2xsim csms` (OCPP CSMS + OCPI CPO, a site
// limit), `v2xsim scsp` (eMSP + SCSP, registered with the CPO through a token A from the CSMS's
// control API), `v2xsim evse` (an OCPP 2.0.1 station of that CSMS, the SECC) and `v2xsim ev`
// (ISO 15118-2 DC). The EV plugs in; the CSMS pushes the Session to the SCSP; the driver's
// charging preferences (eMSP: PUT charging_preferences) make the SCSP plan the energy into the
// cheap hour and PUT that profile; the CSMS sends it to the station (SetChargingProfile) and the
// SECC has the EV renegotiate: the EV's own trace shows the new PMaxSchedule.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { children, until, v2xsim, type Spawned } from './support/processes.js';

const H = 3_600_000;
const PASSWORD = '0123456789abcdef-secret';
const STATION = 'CS-E2E';
const SITE_LIMIT_W = 20_000;

type Json = Record<string, unknown>;

let tmp: string;

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'v2xsim-e2e-'));
});

afterAll(async () => {
  for (const c of children) c.kill('SIGKILL');
  await rm(tmp, { recursive: true, force: true });
});

const getJson = async (url: string): Promise<Json> => (await (await fetch(url)).json()) as Json;
const post = async (url: string, body: unknown = {}): Promise<{ status: number; json: Json }> => {
  const res = await fetch(url, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
  return { status: res.status, json: (await res.json()) as Json };
};

async function traceOf(file: string): Promise<Json[]> {
  const text = await readFile(file, 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Json);
}

async function banner(p: Spawned, name: string): Promise<string> {
  return until(() => new RegExp(`v2xsim ${name} ready: .*`).exec(p.out.stderr)?.[0], `${name} banner`, p);
}

const pv = (v: { Value: number; Multiplier?: number }): number => v.Value * 10 ** (v.Multiplier ?? 0);
const body2 = (e: Json, name: string): Json => ((e.body as { V2G_Message: { Body: Record<string, Json> } }).V2G_Message.Body[name] ?? {}) as Json;
interface PMaxEntry {
  RelativeTimeInterval: { start: number };
  PMax: { Value: number; Multiplier: number };
}
const pmaxEntries = (e: Json): PMaxEntry[] =>
  (body2(e, 'ChargeParameterDiscoveryRes').SAScheduleList as { SAScheduleTuple: { PMaxSchedule: { PMaxScheduleEntry: PMaxEntry[] } }[] }).SAScheduleTuple[0]!.PMaxSchedule.PMaxScheduleEntry;

describe('charging preferences from the eMSP reach the EV over OCPI, OCPP and ISO 15118-2', () => {
  it('csms + scsp + evse + ev: PUT charging_preferences → the SCSP’s profile → SetChargingProfile → a renegotiated PMaxSchedule at the EV', async () => {
    // 1. the CSMS, CPO on OCPI, one site limit
    const csmsTrace = join(tmp, 'csms.ndjson');
    const csms = v2xsim([
      'csms', '--port', '0', '--security-profile', '0', '--accept-unknown', '--accept-any-token', '--site-limit', String(SITE_LIMIT_W), '--evse-max-power', '50000',
      '--ocpi-port', '0', '--ocpi-party', 'NL*CPO', '--data', join(tmp, 'csms'), '--trace', csmsTrace,
    ]);
    const csmsBanner = await banner(csms, 'csms');
    const ocppUrl = /ocpp=(ws:\/\/\S+)\/<identity>/.exec(csmsBanner)![1]!;
    const control = /control=(\S+)/.exec(csmsBanner)![1]!;
    const action = async (name: string, body: unknown = {}): Promise<Json> => (await post(`${control}/actions/${name}`, body)).json;

    // 2. the SCSP registers with the CPO; its prices: cheap for the first hour, dear after
    const t0 = Math.floor(Date.now() / 1000) * 1000 - 60_000;
    const prices = [0.05, 0.3, 0.3, 0.3, 0.3];
    await writeFile(join(tmp, 'prices.csv'), ['time,price', ...prices.map((p, i) => `${new Date(t0 + i * H).toISOString()},${p}`)].join('\n'));
    const { tokenA, versionsUrl } = await action('ocpi-token-a', { peerId: 'scsp' });
    const scspTrace = join(tmp, 'scsp.ndjson');
    const scsp = v2xsim([
      'scsp', '--cpo', String(versionsUrl), '--token-a', String(tokenA), '--party', 'NL/SCS', '--prices', join(tmp, 'prices.csv'), '--currency', 'EUR', '--no-auto',
      '--result-timeout', '15', '--trace', scspTrace,
    ]);
    const scspControl = /control=(\S+)/.exec(await banner(scsp, 'scsp'))![1]!;
    await until(() => (/registered with CPO NL\*CPO/.test(scsp.out.stderr) ? true : undefined), 'SCSP registered', scsp);
    const peers = (await action('ocpi-peers')).peers as { id: string; status: string }[];
    expect(peers).toEqual([expect.objectContaining({ id: 'scsp', status: 'registered' })]);

    // 3. the station (with the SECC) boots on the CSMS
    const evse = v2xsim([
      'evse', '--speed', '60', '--no-sdp', '--meter-interval', '1', '--protocols', 'iso2', '--csms', ocppUrl, '--ocpp', '2.0.1', '--station-id', STATION,
      '--ocpp-password', PASSWORD, '--data', join(tmp, 'evse'),
    ]);
    const evseBanner = await banner(evse, 'evse');
    const seccPort = Number(/secc=tcp:\/\/\S+:(\d+)/.exec(evseBanner)![1]);
    const evseControl = /control=(\S+)/.exec(evseBanner)![1]!;
    await until(async () => ((await getJson(`${evseControl}/health`)).ocpp as { station: { online: boolean } }).station.online || undefined, 'station online', evse);

    // 4. the EV plugs in: a long ISO 15118-2 DC session
    const evTrace = join(tmp, 'ev.ndjson');
    const ev = v2xsim([
      'ev', '--speed', '60', '--summary', '--control-port', '0', '--trace', evTrace, '--secc', `[::1]:${seccPort}`, '--protocols', 'iso2', '--mode', 'DC_extended',
      '--soc', '10', '--target-soc', '95',
    ]);
    const evControl = await until(() => /control=(http\S+)/.exec(ev.out.stderr)?.[1], 'EV banner', ev);

    // 5. the CSMS pushes the Session to the SCSP
    const sessionId = await until(
      () => new RegExp(`session (\\S+) ACTIVE at ${STATION}/`).exec(scsp.out.stderr)?.[1],
      'the Session at the SCSP',
      scsp,
    );
    // the EV charges under the CSMS's own plan first: the site limit
    const cpdRes = async (): Promise<Json[]> => (await traceOf(evTrace)).filter((e) => e.message === 'ChargeParameterDiscoveryRes');
    await until(async () => ((await cpdRes()).some((e) => pv(pmaxEntries(e)[0]!.PMax) === SITE_LIMIT_W) ? true : undefined), 'the site limit at the EV', ev);
    await until(async () => ((await traceOf(evTrace)).some((e) => e.message === 'CurrentDemandRes') ? true : undefined), 'CurrentDemand', ev);
    const cpdBefore = await cpdRes();
    const before = cpdBefore.length;

    // 6. the driver's preferences (eMSP): 5 kWh within 3 h → the SCSP puts it in the cheap hour
    const set = await post(`${scspControl}/actions/set-preferences`, { sessionId, profileType: 'CHEAP', energyNeedKwh: 5, departureAfterS: 3 * 3600, optimise: true });
    expect(set.status, JSON.stringify(set.json)).toBe(200);
    await until(() => (/profile ACCEPTED → ACCEPTED/.test(scsp.out.stderr) ? true : undefined), 'the SCSP’s profile accepted', scsp, 20_000);

    // 7. the CSMS: PUT charging_preferences, then SetChargingProfile with the SCSP’s schedule
    // the CSMS writes its trace file in batches: wait for the SetChargingProfile to be there
    const csmsEvents = await until(async () => {
      const events = await traceOf(csmsTrace);
      return events.some((e) => e.direction === 'tx' && e.message === 'SetChargingProfileRequest' && JSON.stringify(e.body).includes('"stackLevel":2')) ? events : undefined;
    }, 'SetChargingProfile (stackLevel 2) in the CSMS trace file', csms);
    const prefIdx = csmsEvents.findIndex((e) => e.protocol === 'ocpi2.2.1' && e.direction === 'rx' && e.message === 'PUT /sessions/{session_id}/charging_preferences');
    expect(prefIdx, 'PUT charging_preferences in the CSMS trace').toBeGreaterThanOrEqual(0);
    expect(csmsEvents[prefIdx]!.body).toMatchObject({ profile_type: 'CHEAP', energy_need: 5, departure_time: expect.any(String) });
    expect(csmsEvents.find((e, i) => i > prefIdx && e.message === 'PUT /sessions/{session_id}/charging_preferences response')?.body).toMatchObject({ data: 'ACCEPTED' });
    const scpIdx = csmsEvents.findIndex(
      (e, i) => i > prefIdx && e.direction === 'tx' && e.message === 'SetChargingProfileRequest' && JSON.stringify(e.body).includes('"stackLevel":2'),
    );
    expect(scpIdx, 'SetChargingProfile (stackLevel 2) after the preferences').toBeGreaterThan(prefIdx);
    const periods = (csmsEvents[scpIdx]!.body as { chargingProfile: { chargingSchedule: { chargingSchedulePeriod: { limit: number }[] }[] } }).chargingProfile.chargingSchedule[0]!
      .chargingSchedulePeriod;
    // the new limit: the energy need spread over the cheap hour, below the site limit the EV had
    const newLimitW = periods.map((p) => p.limit).find((w) => w > 0 && w < SITE_LIMIT_W);
    expect(newLimitW, JSON.stringify(periods)).toBeDefined();
    const near = (e: Json): boolean => pmaxEntries(e).some((x) => Math.abs(pv(x.PMax) - newLimitW!) <= 100);
    expect(cpdBefore.some(near)).toBe(false);

    // 8. the EV renegotiated and got the new limit in its PMaxSchedule
    const renegotiated = await until(
      async () => (await cpdRes()).slice(before).find(near),
      'the renegotiated PMaxSchedule at the EV',
      ev,
      20_000,
    );
    expect(renegotiated.direction).toBe('rx');
    const evEvents = await traceOf(evTrace);
    expect(evEvents.some((e) => e.message === 'PowerDeliveryReq' && JSON.stringify(e.body).includes('Renegotiate'))).toBe(true);

    await post(`${evControl}/actions/stop`);
    expect(await ev.exited).toBe(0);
    for (const p of [evse, scsp, csms]) p.child.kill('SIGTERM');
    await Promise.all([evse.exited, scsp.exited, csms.exited]);
  }, 60_000);
});
