// The SCSP process against a CPO built here with @v2xsim/ocpi (a real OCPI 2.2.1 server over
// loopback HTTP: versions, credentials, Sessions Sender with charging preferences,
// ChargingProfiles Receiver answering asynchronously at the response_url, Tokens Receiver).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  chargingProfilesReceiverPlugin,
  InMemoryCredentialsStore,
  OcpiError,
  OcpiPlatform,
  pageOf,
  sessionsSenderPlugin,
  tokensReceiverPlugin,
  type ActiveChargingProfile,
  type CDR,
  type ChargingPreferences,
  type ChargingProfileResultType,
  type OcpiClient,
  type Session,
  type SetChargingProfile,
  type Token,
} from '@v2xsim/ocpi';
import { resolveScspProcessConfig, ScspProcess, type ScspProcessConfig } from '@v2xsim/scsp';

const T0 = Date.UTC(2026, 0, 1, 18);
const H = 3_600_000;
const iso = (t: number): string => `${new Date(t).toISOString().slice(0, 19)}Z`;

async function until<T>(get: () => T | undefined, what: string, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = get();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

// ---------------------------------------------------------------- the CPO

interface CpoState {
  sessions: Session[];
  preferences: { sessionId: string; body: ChargingPreferences }[];
  profiles: { sessionId: string; body: SetChargingProfile }[];
  activeRequests: { sessionId: string; duration: number; responseUrl: string }[];
  tokens: Token[];
  /** fault injection */
  preferencesFailures: number;
  profileResult: ChargingProfileResultType | 'none';
  knownSessions: Set<string>;
}

const state: CpoState = { sessions: [], preferences: [], profiles: [], activeRequests: [], tokens: [], preferencesFailures: 0, profileResult: 'ACCEPTED', knownSessions: new Set() };

// the station's composite schedule: 11 kW for two hours, then 7.4 kW (a site limit)
const activeProfile = (): ActiveChargingProfile => ({
  start_date_time: iso(T0),
  charging_profile: { charging_rate_unit: 'W', charging_profile_period: [{ start_period: 0, limit: 11_000 }, { start_period: 7200, limit: 7_400 }] },
});

const cpo = new OcpiPlatform({
  store: new InMemoryCredentialsStore(),
  roles: [{ role: 'CPO', country_code: 'NL', party_id: 'CPO', business_details: { name: 'Test CPO' } }],
  modules: [
    sessionsSenderPlugin({
      list: (_ctx, q) => pageOf(state.sessions, q),
      putChargingPreferences: (_ctx, sessionId, prefs) => {
        if (!state.knownSessions.has(sessionId)) return undefined; // 404 + 2001
        if (state.preferencesFailures > 0) {
          state.preferencesFailures--;
          throw new OcpiError(3000, 'database busy');
        }
        state.preferences.push({ sessionId, body: prefs });
        if (!prefs.departure_time) return 'DEPARTURE_REQUIRED';
        if (prefs.energy_need === undefined) return 'ENERGY_NEED_REQUIRED';
        return 'ACCEPTED';
      },
    }),
    chargingProfilesReceiverPlugin({
      getActive: (ctx, sessionId, duration, responseUrl) => {
        if (!state.knownSessions.has(sessionId)) return { result: 'UNKNOWN_SESSION', timeout: 0 };
        state.activeRequests.push({ sessionId, duration, responseUrl });
        setTimeout(() => void cpo.client(ctx.peer.id).then((c) => c.chargingProfiles.sender.result(responseUrl, { result: 'ACCEPTED', profile: activeProfile() })), 20);
        return { result: 'ACCEPTED', timeout: 30 };
      },
      set: (ctx, sessionId, req) => {
        if (!state.knownSessions.has(sessionId)) return { result: 'UNKNOWN_SESSION', timeout: 0 };
        state.profiles.push({ sessionId, body: req });
        const result = state.profileResult;
        if (result !== 'none') setTimeout(() => void cpo.client(ctx.peer.id).then((c) => c.chargingProfiles.sender.result(req.response_url, { result })), 20);
        return { result: 'ACCEPTED', timeout: 30 };
      },
      clear: () => ({ result: 'NOT_SUPPORTED', timeout: 0 }),
    }),
    tokensReceiverPlugin({
      get: (_ctx, key) => state.tokens.find((t) => t.uid === key.token_uid),
      put: (_ctx, _key, token) => {
        state.tokens.push(token);
        return 'created';
      },
      patch: () => undefined,
    }),
  ],
});

const session = (id: string, uid: string): Session => ({
  country_code: 'NL',
  party_id: 'CPO',
  id,
  start_date_time: iso(T0),
  kwh: 0,
  cdr_token: { country_code: 'NL', party_id: 'SCS', uid, type: 'APP_USER', contract_id: `NL-SCS-${uid}` },
  auth_method: 'COMMAND',
  location_id: 'LOC1',
  evse_uid: 'EVSE1',
  connector_id: '1',
  currency: 'EUR',
  status: 'ACTIVE',
  last_updated: iso(T0),
});

// ---------------------------------------------------------------- the SCSP

let dir: string;
let proc: ScspProcess;
let toScsp: OcpiClient;
const lines: { out: string[]; log: string[] } = { out: [], log: [] };

const baseConfig = (pricesFile: string, extra: Record<string, unknown> = {}): ScspProcessConfig =>
  resolveScspProcessConfig({
    party: { countryCode: 'NL', partyId: 'SCS', name: 'Test SCSP' },
    prices: { file: pricesFile, currency: 'EUR' },
    clock: { start: iso(T0) },
    retry: { attempts: 2, delayMs: 20 },
    resultTimeoutS: 2,
    drivers: [
      { token: { uid: 'V1G-1', type: 'APP_USER', contractId: 'NL-SCS-V1G-1' }, preferences: { profileType: 'CHEAP', departureAfterS: 8 * 3600, energyNeedKwh: 30 } },
      {
        token: { uid: 'V2G-1', type: 'APP_USER', contractId: 'NL-SCS-V2G-1' },
        preferences: { profileType: 'CHEAP', departureAfterS: 8 * 3600, energyNeedKwh: 20, dischargeAllowed: true },
        ev: { maxDischargeW: 10_000, roundTripEfficiency: 0.9, batteryCapacityWh: 60_000, socPercent: 50, minSocPercent: 20, v2xBudgetWh: 15_000 },
      },
    ],
    ...extra,
  });

async function control(name: string, body: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${proc.controlUrl}/actions/${name}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

const health = async (): Promise<Record<string, unknown>> => (await (await fetch(`${proc.controlUrl}/health`)).json()) as Record<string, unknown>;

beforeAll(async () => {
  await cpo.listen({ port: 0 });
  dir = await mkdtemp(join(tmpdir(), 'scsp-'));
  // hourly day-ahead prices from 18:00: dear in the evening, cheap at night
  const prices = [0.32, 0.3, 0.25, 0.12, 0.06, 0.05, 0.05, 0.07, 0.2, 0.28, 0.3, 0.31];
  const csv = ['time,price,export_price', ...prices.map((p, i) => `${new Date(T0 + i * H).toISOString()},${p},${p}`)].join('\n');
  await writeFile(join(dir, 'prices.csv'), csv);
  const tokenA = await cpo.createTokenA('scsp');
  proc = await ScspProcess.start(baseConfig(join(dir, 'prices.csv'), { cpo: { versionsUrl: cpo.versionsUrl, tokenA } }), {
    out: (l) => lines.out.push(l),
    log: (l) => lines.log.push(l),
  });
  await proc.registration;
  toScsp = await cpo.client('scsp');
});

afterAll(async () => {
  await proc?.close();
  await cpo.close();
  await rm(dir, { recursive: true, force: true });
});

describe('scsp process against a CPO', () => {
  it('registers (token A → B → C) with the roles SCSP and EMSP and pushes the drivers’ tokens', async () => {
    const h = await health();
    expect(h.cpo).toMatchObject({ status: 'registered', version: '2.2.1', roles: ['CPO NL*CPO'] });
    const peer = await cpo.store.get('scsp');
    expect(peer?.status).toBe('registered');
    expect(peer?.roles?.map((r) => r.role)).toEqual(['SCSP', 'EMSP']);
    expect(peer?.endpoints?.map((e) => `${e.identifier}:${e.role}`)).toEqual(expect.arrayContaining(['sessions:RECEIVER', 'cdrs:RECEIVER', 'tokens:SENDER', 'chargingprofiles:SENDER']));
    expect(state.tokens.map((t) => t.uid).sort()).toEqual(['V1G-1', 'V2G-1']);
    expect(lines.log[0]).toMatch(/^v2xsim scsp ready: id=scsp party=NL\*SCS roles=SCSP,EMSP ocpi=http/);
  });

  it('as eMSP: the CPO pulls the tokens and authorizes in real time (unknown → 2004)', async () => {
    const all: Token[] = [];
    for await (const t of toScsp.tokens.sender.list()) all.push(t);
    expect(all.map((t) => t.uid).sort()).toEqual(['V1G-1', 'V2G-1']);
    expect((await toScsp.tokens.sender.authorize('V1G-1', 'APP_USER')).allowed).toBe('ALLOWED');
    await expect(toScsp.tokens.sender.authorize('NOPE', 'APP_USER')).rejects.toMatchObject({ statusCode: 2004 });
  });

  it('V1G: a pushed session gets preferences, the active profile is read, a profile follows and its result is handled', async () => {
    state.knownSessions.add('S1');
    await toScsp.sessions.receiver.put(session('S1', 'V1G-1'));
    const done = await until(() => proc.party.sessions.get('S1')?.schedules[0]?.outcome, 'the profile result');
    expect(done).toEqual({ stage: 'sent', response: 'ACCEPTED', result: 'ACCEPTED' });
    // charging preferences
    expect(state.preferences.find((p) => p.sessionId === 'S1')?.body).toEqual({ profile_type: 'CHEAP', departure_time: iso(T0 + 8 * H), energy_need: 30 });
    // the active profile, asked for with a response_url at the SCSP's own ChargingProfiles Sender endpoint
    const get = state.activeRequests.find((r) => r.sessionId === 'S1')!;
    expect(get.responseUrl).toMatch(new RegExp(`^${proc.versionsUrl.replace('/versions', '/2.2.1/chargingprofiles/result/')}`));
    expect(get.duration).toBeGreaterThan(7 * 3600);
    // the profile: cheapest night hours, never above the active profile's 7.4 kW after 20:00
    const put = state.profiles.find((p) => p.sessionId === 'S1')!.body.charging_profile;
    expect(put.charging_rate_unit).toBe('W');
    const rec = proc.party.sessions.get('S1')!.schedules[0];
    expect(rec.schedule.feasible).toBe(true);
    expect(rec.schedule.energyWh).toBeCloseTo(30_000, 0);
    for (const p of rec.schedule.periods) if (p.start >= T0 + 2 * H) expect(p.powerW).toBeLessThanOrEqual(7_400 + 1e-6);
    expect(Math.max(...rec.schedule.slotPowerW)).toBeLessThanOrEqual(11_000);
    expect(rec.sources.join('; ')).toMatch(/highest limit of the active profile/);
    // the hours at 0.05 EUR/kWh (23:00-01:00) run at the limit
    const at = (t: number) => rec.schedule.periods.find((p) => p.start <= t && t < p.end)!.powerW;
    expect(at(T0 + 5 * H)).toBeCloseTo(7_400, 3);
    expect(at(rec.schedule.start)).toBe(0); // 18:00 (plus the seconds the test took) is dear
    expect(put.charging_profile_period!.every((p) => p.limit >= 0)).toBe(true);
    expect(rec.ocpi.notCarried).toEqual([]);
    // stdout: one JSON line per schedule
    expect(JSON.parse(lines.out.find((l) => l.includes('"S1"'))!)).toMatchObject({ sessionId: 'S1', status: 'optimal', outcome: { result: 'ACCEPTED' } });
  });

  it('V2G: the discharge part is planned, sent as 0 W and reported as not carried by OCPI 2.2.1', async () => {
    state.knownSessions.add('S2');
    await toScsp.sessions.receiver.put(session('S2', 'V2G-1'));
    await until(() => proc.party.sessions.get('S2')?.schedules[0]?.outcome, 'the profile result');
    const rec = proc.party.sessions.get('S2')!.schedules[0];
    expect(rec.schedule.dischargedWh).toBeGreaterThan(0);
    expect(rec.schedule.dischargedWh).toBeLessThanOrEqual(15_000 + 1e-6);
    expect(state.preferences.find((p) => p.sessionId === 'S2')?.body.discharge_allowed).toBe(true);
    const put = state.profiles.find((p) => p.sessionId === 'S2')!.body.charging_profile;
    expect(put.charging_profile_period!.every((p) => p.limit >= 0)).toBe(true);
    expect(rec.ocpi.notCarried.length).toBeGreaterThan(0);
    expect(rec.ocpi.notCarriedWh).toBeCloseTo(rec.schedule.dischargedWh, 3);
    // a discharge period is a 0 W period in the profile
    const first = rec.ocpi.notCarried[0];
    const offset = (first.start - rec.schedule.start) / 1000;
    const period = [...put.charging_profile_period!].reverse().find((p) => p.start_period <= offset)!;
    expect(period.limit).toBe(0);
    // the trace says so, with an error, on the control link
    const gap = proc.hub.recent(1000).find((e) => e.message === 'scsp.ocpi-gap' && e.correlationId === 'S2' && /discharge periods/.test(e.error ?? ''));
    expect(gap?.error).toMatch(/non-negative maxima/);
    expect(gap?.link).toBe('control');
    const h = await health();
    const s2 = (h.sessions as { id: string; schedule: { notCarriedByOcpi?: { energyWh: number } } }[]).find((s) => s.id === 'S2')!;
    expect(s2.schedule.notCarriedByOcpi?.energyWh).toBeGreaterThan(0);
    expect(lines.log.some((l) => /not transmittable over OCPI 2\.2\.1/.test(l))).toBe(true);
  });

  it('control: set-preferences sends new charging preferences and re-optimises', async () => {
    const before = state.profiles.filter((p) => p.sessionId === 'S1').length;
    const r = await control('set-preferences', { sessionId: 'S1', energyNeedKwh: 12, departureTime: iso(T0 + 6 * H) });
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ ok: true, result: 'ACCEPTED', chargingPreferences: { profile_type: 'CHEAP', energy_need: 12, departure_time: iso(T0 + 6 * H) } });
    expect(state.preferences.filter((p) => p.sessionId === 'S1').at(-1)?.body).toEqual({ profile_type: 'CHEAP', departure_time: iso(T0 + 6 * H), energy_need: 12 });
    expect(state.profiles.filter((p) => p.sessionId === 'S1').length).toBe(before + 1);
    const schedule = r.json.schedule as { energyWh: number; outcome: unknown; periods: { end: string }[] };
    expect(schedule.energyWh).toBeCloseTo(12_000, 0);
    expect(schedule.periods.at(-1)!.end).toBe(new Date(T0 + 6 * H).toISOString());
    expect(schedule.outcome).toEqual({ stage: 'sent', response: 'ACCEPTED', result: 'ACCEPTED' });
  });

  it('a REJECTED result and a result that never comes are reported', async () => {
    state.profileResult = 'REJECTED';
    let r = await control('optimise', { sessionId: 'S1' });
    expect((r.json.schedule as { outcome: unknown }).outcome).toEqual({ stage: 'sent', response: 'ACCEPTED', result: 'REJECTED' });
    state.profileResult = 'none';
    r = await control('optimise', { sessionId: 'S1' });
    expect((r.json.schedule as { outcome: unknown }).outcome).toEqual({ stage: 'sent', response: 'ACCEPTED', result: 'TIMEOUT' });
    state.profileResult = 'ACCEPTED';
  });

  it('the CPO answers 3000: the idempotent PUT is tried again', async () => {
    state.preferencesFailures = 1;
    const n = state.preferences.length;
    const r = await control('set-preferences', { sessionId: 'S1', profileType: 'GREEN', optimise: false });
    expect(r.status).toBe(200);
    expect(r.json.result).toBe('ACCEPTED');
    expect(state.preferences.length).toBe(n + 1);
    expect(lines.log.some((l) => /charging preferences for S1 failed \(attempt 1\).*3000.*retrying/.test(l))).toBe(true);
  });

  it('the CPO answers 2001 (unknown session): a clear error, no retry, and the process keeps serving', async () => {
    await toScsp.sessions.receiver.put(session('S9', 'V1G-1')); // the CPO's preferences handler does not know S9
    await until(() => proc.party.sessions.get('S9')?.preferencesResult, 'the preferences error');
    expect(proc.party.sessions.get('S9')!.preferencesResult).toMatchObject({ error: expect.stringMatching(/status_code 2001/) });
    const r = await control('set-preferences', { sessionId: 'S9', energyNeedKwh: 5 });
    expect(r.status).toBe(409);
    expect(r.json.message).toMatch(/charging preferences for S9: .*HTTP 404, status_code 2001/);
    expect((await control('optimise', { sessionId: 'NOPE' })).status).toBe(404);
    expect((await control('set-preferences', { sessionId: 'S1', energyNeedKwh: -1 })).status).toBe(400);
    expect((await health()).status).toBe('ok');
  });

  it('takes the CPO’s pushed ActiveChargingProfile updates; traces every OCPI message', async () => {
    const update: ActiveChargingProfile = { start_date_time: iso(T0 + H), charging_profile: { charging_rate_unit: 'W', charging_profile_period: [{ start_period: 0, limit: 3_700 }] } };
    await toScsp.chargingProfiles.sender.putActive('S1', update);
    expect((await control('session', { sessionId: 'S1' })).json.activeProfile).toEqual(update);
    await expect(toScsp.chargingProfiles.sender.putActive('NOPE', update)).rejects.toMatchObject({ httpStatus: 404 });
    const names = proc.hub.recent(1000).filter((e) => e.protocol === 'ocpi2.2.1').map((e) => `${e.direction} ${e.message}`);
    expect(names).toEqual(
      expect.arrayContaining([
        'tx PUT /sessions/{session_id}/charging_preferences',
        'rx PUT /sessions/{session_id}/charging_preferences response',
        'rx PUT /sessions/{country_code}/{party_id}/{session_id}',
        'tx GET /chargingprofiles/{session_id}',
        'tx PUT /chargingprofiles/{session_id}',
        'rx POST /chargingprofiles/result/{uid}',
      ]),
    );
  });

  it('stores CDRs the CPO posts, refuses a duplicate', async () => {
    const cdr: CDR = {
      country_code: 'NL',
      party_id: 'CPO',
      id: 'CDR1',
      start_date_time: iso(T0),
      end_date_time: iso(T0 + 8 * H),
      session_id: 'S1',
      cdr_token: session('S1', 'V1G-1').cdr_token,
      auth_method: 'COMMAND',
      cdr_location: { id: 'LOC1', address: 'Straat 1', city: 'Arnhem', country: 'NLD', coordinates: { latitude: '51.98456', longitude: '5.91092' }, evse_uid: 'EVSE1', evse_id: 'NL*CPO*E1', connector_id: '1', connector_standard: 'IEC_62196_T2', connector_format: 'SOCKET', connector_power_type: 'AC_3_PHASE' },
      currency: 'EUR',
      charging_periods: [{ start_date_time: iso(T0), dimensions: [{ type: 'ENERGY', volume: 12 }] }],
      total_cost: { excl_vat: 1.2 },
      total_energy: 12,
      total_time: 8,
      last_updated: iso(T0 + 8 * H),
    };
    const location = await toScsp.cdrs.receiver.post(cdr);
    expect(location).toMatch(/\/cdrs\/CDR1$/);
    expect((await toScsp.cdrs.receiver.get(location!)).id).toBe('CDR1');
    await expect(toScsp.cdrs.receiver.post(cdr)).rejects.toMatchObject({ statusCode: 2001 });
    expect((await health()).cdrs).toEqual([{ id: 'CDR1', sessionId: 'S1', kwh: 12, cost: 1.2, currency: 'EUR' }]);
  });
});

describe('scsp registration failures', () => {
  it('an unreachable CPO: retried, then a clear error; a wrong token A: no retry', async () => {
    const other = await ScspProcess.start(baseConfig(join(dir, 'prices.csv'), { id: 'scsp-2' }), { out: () => undefined, log: (l) => lines.log.push(l) });
    try {
      const url = `${other.controlUrl}/actions/register`;
      const post = async (body: unknown) => {
        const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
        return { status: res.status, json: (await res.json()) as { message: string } };
      };
      // a port nobody listens on
      const r = await post({ versionsUrl: 'http://127.0.0.1:9/ocpi/versions', tokenA: 'abc' });
      expect(r.status).toBe(409);
      expect(r.json.message).toMatch(/registration at http:\/\/127\.0\.0\.1:9\/ocpi\/versions failed/);
      expect(lines.log.filter((l) => l.startsWith('scsp-2: registration at http://127.0.0.1:9') && /attempt \d/.test(l)).length).toBe(3);
      // the CPO refuses an unknown token A with 401: final
      const before = lines.log.length;
      const bad = await post({ versionsUrl: cpo.versionsUrl, tokenA: 'not-the-token' });
      expect(bad.status).toBe(409);
      expect(bad.json.message).toMatch(/HTTP 401/);
      expect(lines.log.slice(before).filter((l) => /attempt/.test(l))).toHaveLength(1);
      expect((await (await fetch(`${other.controlUrl}/health`)).json()) as unknown).toMatchObject({ cpo: { status: 'failed' } });
    } finally {
      await other.close();
    }
  });

  it('bad configuration is refused with every problem and its key path', () => {
    expect(() => resolveScspProcessConfig({ party: { countryCode: 'nl', partyId: 'TOOLONG' }, drivers: [{ preferences: { energyNeedKwh: -1 } }] })).toThrow(
      /party\.countryCode: must be 2 capital letters.*party\.partyId: must be 3.*drivers\[0\]\.preferences\.energyNeedKwh: must be ≥ 0/,
    );
    expect(() => resolveScspProcessConfig({})).toThrow(/prices\.file: a day-ahead price file is needed/);
  });
});
