// The SCSP's requests to a CPO that hangs, then takes requests but loses its answers, then drops
// connections, then recovers, over real HTTP: the SCSP process in-process with short timeouts,
// a CPO built with @v2xsim/ocpi behind a fault-injecting proxy. The charging preferences, the
// active-profile read and the charging profile are each tried again with back-off (a new
// request, a new X-Request-ID, each time) and all reach the CPO in the end, in that order; the
// CPO's results, repeated by the retries, are taken once; the SCSP logs the outage and recovery.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  chargingProfilesReceiverPlugin,
  InMemoryCredentialsStore,
  OcpiPlatform,
  pageOf,
  sessionsSenderPlugin,
  type ChargingPreferences,
  type OcpiClient,
  type Session,
  type SetChargingProfile,
} from '@v2xsim/ocpi';
import { resolveScspProcessConfig, ScspProcess } from '@v2xsim/scsp';
import { faultyProxy, type FaultyProxy } from '../packages/ocpi/test/client-faulty-proxy.js';

const T0 = Date.UTC(2026, 0, 1, 18);
const H = 3_600_000;
const iso = (t: number): string => `${new Date(t).toISOString().slice(0, 19)}Z`;
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(get: () => T | undefined, what: string, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = get();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** what the CPO was asked, in order, with the X-Request-ID of each */
const received: { what: string; requestId: string; body?: unknown }[] = [];
const cpo = new OcpiPlatform({
  store: new InMemoryCredentialsStore(),
  roles: [{ role: 'CPO', country_code: 'NL', party_id: 'CPO', business_details: { name: 'Test CPO' } }],
  modules: [
    sessionsSenderPlugin({
      list: (_ctx, q) => pageOf([], q),
      putChargingPreferences: (ctx, sessionId, prefs: ChargingPreferences) => {
        received.push({ what: `PUT preferences ${sessionId}`, requestId: ctx.requestId, body: prefs });
        return 'ACCEPTED';
      },
    }),
    chargingProfilesReceiverPlugin({
      getActive: (ctx, sessionId, _duration, responseUrl) => {
        received.push({ what: `GET active ${sessionId}`, requestId: ctx.requestId });
        setTimeout(
          () =>
            void cpo.client(ctx.peer.id).then((c) =>
              c.chargingProfiles.sender.result(responseUrl, { result: 'ACCEPTED', profile: { start_date_time: iso(T0), charging_profile: { charging_rate_unit: 'W', charging_profile_period: [{ start_period: 0, limit: 11_000 }] } } }),
            ),
          10,
        );
        return { result: 'ACCEPTED', timeout: 30 };
      },
      set: (ctx, sessionId, req: SetChargingProfile) => {
        received.push({ what: `PUT profile ${sessionId}`, requestId: ctx.requestId, body: req });
        // every PUT the CPO takes gets its result, a retried one too: the SCSP takes the first
        setTimeout(() => void cpo.client(ctx.peer.id).then((c) => c.chargingProfiles.sender.result(req.response_url, { result: 'ACCEPTED' })), 10);
        return { result: 'ACCEPTED', timeout: 30 };
      },
      clear: (ctx, sessionId, responseUrl) => {
        received.push({ what: `DELETE profile ${sessionId}`, requestId: ctx.requestId });
        setTimeout(() => void cpo.client(ctx.peer.id).then((c) => c.chargingProfiles.sender.result(responseUrl, { result: 'ACCEPTED' })), 10);
        return { result: 'ACCEPTED', timeout: 30 };
      },
    }),
  ],
});

let dir: string;
let proc: ScspProcess;
let proxy: FaultyProxy;
let toScsp: OcpiClient;
const logs: string[] = [];

const session = (id: string, status: Session['status'] = 'ACTIVE'): Session => ({
  country_code: 'NL',
  party_id: 'CPO',
  id,
  start_date_time: iso(T0),
  kwh: 0,
  cdr_token: { country_code: 'NL', party_id: 'SCS', uid: 'V1G-1', type: 'APP_USER', contract_id: 'NL-SCS-V1G-1' },
  auth_method: 'COMMAND',
  location_id: 'LOC1',
  evse_uid: 'EVSE1',
  connector_id: '1',
  currency: 'EUR',
  status,
  last_updated: iso(T0),
});

beforeAll(async () => {
  const listening = await cpo.listen({ port: 0 });
  proxy = await faultyProxy(listening.url);
  // the SCSP reaches the CPO only through the proxy
  cpo.publicOrigin = proxy.url;
  dir = await mkdtemp(join(tmpdir(), 'scsp-retry-'));
  const prices = [0.32, 0.3, 0.25, 0.12, 0.06, 0.05, 0.05, 0.07, 0.2, 0.28, 0.3, 0.31];
  await writeFile(join(dir, 'prices.csv'), ['time,price', ...prices.map((p, i) => `${new Date(T0 + i * H).toISOString()},${p}`)].join('\n'));
  const tokenA = await cpo.createTokenA('scsp');
  const config = resolveScspProcessConfig({
    party: { countryCode: 'NL', partyId: 'SCS', name: 'Test SCSP' },
    prices: { file: join(dir, 'prices.csv'), currency: 'EUR' },
    clock: { start: iso(T0) },
    cpo: { versionsUrl: `${proxy.url}/ocpi/versions`, tokenA },
    retry: { attempts: 2, delayMs: 40, maxDelayMs: 200, timeoutMs: 250, giveUpAfterS: 60 },
    resultTimeoutS: 10,
    drivers: [{ token: { uid: 'V1G-1', type: 'APP_USER', contractId: 'NL-SCS-V1G-1' }, preferences: { profileType: 'CHEAP', departureAfterS: 8 * 3600, energyNeedKwh: 30 } }],
  });
  proc = await ScspProcess.start(config, { out: () => undefined, log: (l) => void logs.push(l) });
  await proc.registration;
  toScsp = await cpo.client('scsp');
}, 30_000);

afterAll(async () => {
  await proc?.close();
  await cpo.close();
  await proxy?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('SCSP requests to a CPO that times out', () => {
  it('are retried with back-off, each a new request, and all reach the CPO in order; a repeated result is taken once', async () => {
    // 1. the CPO takes requests and never answers: the preferences PUT waits
    proxy.mode = 'hang';
    await toScsp.sessions.receiver.put(session('S1'));
    await pause(600);
    expect(received).toEqual([]);
    // 2. it takes them in, but its answers are lost: applied, and asked again
    proxy.mode = 'hang-after-forwarding';
    await pause(600);
    // 3. it drops every connection
    proxy.mode = 'reset';
    await pause(400);
    // 4. back
    proxy.mode = 'pass';
    const outcome = await until(() => proc.party.sessions.get('S1')?.schedules[0]?.outcome, 'the profile outcome');
    expect(outcome).toEqual({ stage: 'sent', response: 'ACCEPTED', result: 'ACCEPTED' });

    // in order: the preferences (maybe more than once: idempotent), the active profile, the profile
    const firsts = [...new Set(received.map((r) => r.what))];
    expect(firsts).toEqual(['PUT preferences S1', 'GET active S1', 'PUT profile S1']);
    const kinds = received.map((r) => r.what);
    expect(kinds.lastIndexOf('PUT preferences S1')).toBeLessThan(kinds.indexOf('GET active S1'));
    expect(kinds.filter((k) => k === 'PUT preferences S1').length).toBeGreaterThanOrEqual(2);
    // a retry is a new request: a new X-Request-ID each time
    expect(new Set(received.map((r) => r.requestId)).size).toBe(received.length);
    // the same preferences every time
    const prefs = received.filter((r) => r.what === 'PUT preferences S1').map((r) => r.body);
    expect(prefs.every((p) => JSON.stringify(p) === JSON.stringify(prefs[0]))).toBe(true);
    expect(logs.some((l) => /charging preferences for S1 failed \(attempt 1\): .*retrying in \d+ ms/.test(l))).toBe(true);
    expect(logs.some((l) => /charging preferences for S1: the CPO answered at attempt \d+/.test(l))).toBe(true);
    expect(proc.party.sessions.get('S1')!.schedules).toHaveLength(1);

    // a profile PUT the CPO applies but whose answer is lost: sent again, and the CPO's second
    // result for the same response_url is taken as the repeat it is
    const before = received.length;
    proxy.mode = 'hang-after-forwarding';
    const again = fetch(`${proc.controlUrl}/actions/optimise`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ sessionId: 'S1' }) });
    await until(() => received.slice(before).some((r) => r.what === 'PUT profile S1') || undefined, 'the profile PUT taken in');
    await pause(300);
    proxy.mode = 'pass';
    const r = (await (await again).json()) as { schedule: { outcome: unknown } };
    expect(r.schedule.outcome).toEqual({ stage: 'sent', response: 'ACCEPTED', result: 'ACCEPTED' });
    const puts = received.slice(before).filter((x) => x.what === 'PUT profile S1');
    expect(puts.length).toBeGreaterThanOrEqual(2);
    expect(new Set(puts.map((x) => (x.body as SetChargingProfile).response_url)).size).toBe(1);
    await until(() => logs.some((l) => /a repeated result for .* \(session S1\): ACCEPTED, ignored/.test(l)) || undefined, 'the repeated result');
  });

  it('clears its profile (DELETE) when the driver withdraws discharge and when the session ends, retried while the CPO hangs', async () => {
    const control = async (name: string, body: unknown) => (await fetch(`${proc.controlUrl}/actions/${name}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })).json() as Promise<Record<string, unknown>>;
    // the driver allows discharge: a new profile (PUT) is in force
    await control('set-preferences', { sessionId: 'S1', dischargeAllowed: true });
    expect(proc.party.sessions.get('S1')!.profileInForce).toBe(true);
    // and withdraws it while the CPO hangs: the preferences, then the DELETE, each tried again until it is back
    const before = received.length;
    proxy.mode = 'hang';
    const withdrawn = control('set-preferences', { sessionId: 'S1', dischargeAllowed: false, optimise: false });
    await pause(500);
    proxy.mode = 'pass';
    const r = await withdrawn;
    expect(r.cleared).toEqual({ stage: 'sent', response: 'ACCEPTED', result: 'ACCEPTED' });
    const after = received.slice(before).map((x) => x.what);
    expect([...new Set(after)]).toEqual(['PUT preferences S1', 'DELETE profile S1']);
    expect(proc.party.sessions.get('S1')!.profileInForce).toBe(false);
    expect(logs.some((l) => /session S1: profile cleared \(discharge withdrawn by the driver\): ACCEPTED → ACCEPTED/.test(l))).toBe(true);

    // a new profile, then the session ends: cleared once more
    await control('optimise', { sessionId: 'S1' });
    expect(proc.party.sessions.get('S1')!.profileInForce).toBe(true);
    const mark = received.length;
    await toScsp.sessions.receiver.put(session('S1', 'COMPLETED'));
    await until(() => received.slice(mark).find((x) => x.what === 'DELETE profile S1'), 'the DELETE at the end of the session');
    await until(() => (proc.party.sessions.get('S1')!.cleared?.reason === 'session COMPLETED' ? true : undefined), 'the clear recorded');
    expect(proc.party.sessions.get('S1')!.cleared!.outcome).toEqual({ stage: 'sent', response: 'ACCEPTED', result: 'ACCEPTED' });
  });

  it('gives up only after the limit, with a log line and a trace event, and keeps serving', async () => {
    const short = await ScspProcess.start(
      resolveScspProcessConfig({
        id: 'scsp-short',
        party: { countryCode: 'NL', partyId: 'SCS', name: 'Test SCSP' },
        prices: { file: join(dir, 'prices.csv'), currency: 'EUR' },
        clock: { start: iso(T0) },
        cpo: { versionsUrl: `${proxy.url}/ocpi/versions`, tokenA: await cpo.createTokenA('scsp-short') },
        retry: { attempts: 2, delayMs: 40, maxDelayMs: 100, timeoutMs: 200, giveUpAfterS: 0.6 },
        optimiser: { autoOptimise: false },
        drivers: [{ token: { uid: 'V1G-1', type: 'APP_USER', contractId: 'NL-SCS-V1G-1' }, preferences: { profileType: 'CHEAP', departureAfterS: 8 * 3600, energyNeedKwh: 30 } }],
      }),
      { out: () => undefined, log: (l) => void logs.push(l) },
    );
    try {
      await short.registration;
      await (await cpo.client('scsp-short')).sessions.receiver.put(session('S2'));
      proxy.mode = 'hang';
      const res = await fetch(`${short.controlUrl}/actions/set-preferences`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ sessionId: 'S2', energyNeedKwh: 12, optimise: false }) });
      expect(res.status).toBe(409);
      expect(((await res.json()) as { message: string }).message).toMatch(/charging preferences for S2: gave up after \d+ attempts over .*Timeout/);
      expect(logs.some((l) => /^scsp-short: charging preferences for S2: gave up after/.test(l))).toBe(true);
      expect(short.hub.recent(1000).some((e) => e.message === 'scsp.request-given-up' && e.link === 'control' && /gave up/.test(e.error ?? ''))).toBe(true);
      proxy.mode = 'pass';
      expect((await (await fetch(`${short.controlUrl}/health`)).json()) as unknown).toMatchObject({ status: 'ok' });
    } finally {
      proxy.mode = 'pass';
      await short.close();
    }
  });
});
