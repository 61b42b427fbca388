// The module plugins and the typed client against each other over real HTTP: the SCSP pulls and
// commands the CPO; the CPO pushes Sessions and Locations and posts asynchronous results to the
// SCSP's response_urls. Every exchange is checked against the OpenAPI.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CDR, OcpiClient } from '../src/index.js';
import { examplesDir, haveSharedSchemas, location, session, startPair, type Pair } from './support/parties.js';

describe.runIf(haveSharedSchemas)('modules over the wire', () => {
  let pair: Pair;
  let scspToCpo: OcpiClient;
  let cpoToScsp: OcpiClient;
  beforeAll(async () => {
    pair = await startPair();
    await pair.scsp.platform.register('cpo', { versionsUrl: pair.cpo.platform.versionsUrl, tokenA: await pair.cpo.platform.createTokenA('scsp') });
    scspToCpo = await pair.scsp.platform.client('cpo');
    cpoToScsp = await pair.cpo.platform.client('scsp');
  });
  afterAll(async () => pair.close());

  it('locations: Sender GET object / EVSE / connector; Receiver PUT (201 then 200) and PATCH', async () => {
    expect((await scspToCpo.locations.sender.getEvse('LOC2', 'EVSE2')).evse_id).toBe('NL*CPO*E2');
    expect((await scspToCpo.locations.sender.getConnector('LOC2', 'EVSE2', '1')).standard).toBe('IEC_62196_T2_COMBO');
    const loc = location(9);
    expect((await cpoToScsp.locations.receiver.put(loc)).httpStatus).toBe(201);
    expect((await cpoToScsp.locations.receiver.put(loc)).httpStatus).toBe(200);
    const key = { country_code: 'NL', party_id: 'CPO', location_id: 'LOC9' };
    await cpoToScsp.locations.receiver.patch(key, { name: 'Renamed', last_updated: '2026-01-02T00:00:00Z' });
    expect(await cpoToScsp.locations.receiver.get(key)).toMatchObject({ id: 'LOC9', name: 'Renamed' });
    expect((await cpoToScsp.locations.receiver.putEvse(key, loc.evses![0])).httpStatus).toBe(201);
  });

  it('sessions: PUT, PATCH appends charging_periods, GET; charging preferences on the Sender', async () => {
    const s = session('S1');
    expect((await cpoToScsp.sessions.receiver.put(s)).envelope).not.toHaveProperty('data'); // data left unset (2.2.1-d2 advice)
    const key = { country_code: 'NL', party_id: 'CPO', session_id: 'S1' };
    const period = (t: string, w: number) => ({ start_date_time: t, dimensions: [{ type: 'POWER' as const, volume: w }, { type: 'STATE_OF_CHARGE' as const, volume: 42 }] });
    await cpoToScsp.sessions.receiver.patch(key, { kwh: 1.5, charging_periods: [period('2026-01-01T10:00:00Z', 11000)], last_updated: '2026-01-01T10:05:00Z' });
    await cpoToScsp.sessions.receiver.patch(key, { kwh: 2.5, charging_periods: [period('2026-01-01T10:05:00Z', -7000)], last_updated: '2026-01-01T10:10:00Z' });
    const got = await cpoToScsp.sessions.receiver.get(key);
    expect(got.kwh).toBe(2.5);
    expect(got.charging_periods?.map((p) => p.dimensions[0].volume)).toEqual([11000, -7000]);

    expect(await scspToCpo.sessions.sender.putChargingPreferences('S1', { profile_type: 'CHEAP', departure_time: '2026-01-01T17:00:00Z', energy_need: 30, discharge_allowed: true })).toBe('ACCEPTED');
    expect(await scspToCpo.sessions.sender.putChargingPreferences('S1', { profile_type: 'GREEN' })).toBe('DEPARTURE_REQUIRED');
    await expect(scspToCpo.sessions.sender.putChargingPreferences('S9', { profile_type: 'FAST' })).rejects.toMatchObject({ statusCode: 2001, httpStatus: 404 });
  });

  it('commands: synchronous CommandResponse, then the CommandResult POSTed to response_url', async () => {
    const responseUrl = `${scspToCpo.endpoint('commands').replace(/\/$/, '')}`; // the SCSP's own commands endpoint is in its version details
    const ownCommands = (await pair.scsp.platform.endpoints()).find((e) => e.identifier === 'commands')!.url;
    expect(responseUrl).not.toBe(ownCommands);
    const answer = await scspToCpo.commands.receiver.send({
      type: 'START_SESSION',
      body: { response_url: `${ownCommands}/START_SESSION/cmd-1`, token: pair.scsp.tokens[0], location_id: 'LOC1', evse_uid: 'EVSE1' },
    });
    expect(answer).toEqual({ result: 'ACCEPTED', timeout: 30 });
    await cpoToScsp.commands.sender.result(`${ownCommands}/START_SESSION/cmd-1`, { result: 'ACCEPTED' });
    expect(pair.scsp.commandResults).toEqual([{ command: 'START_SESSION', uid: 'cmd-1', result: { result: 'ACCEPTED' } }]);
  });

  it('chargingprofiles: set / get active / clear, results POSTed back, active profile pushed', async () => {
    const cp = (await pair.scsp.platform.endpoints()).find((e) => e.identifier === 'chargingprofiles')!.url;
    const profile = { charging_rate_unit: 'W' as const, charging_profile_period: [{ start_period: 0, limit: 11000 }, { start_period: 1800, limit: 3700.5 }] };
    expect(await scspToCpo.chargingProfiles.receiver.set('S1', { charging_profile: profile, response_url: `${cp}/result/set-1` })).toEqual({ result: 'ACCEPTED', timeout: 30 });
    expect(await scspToCpo.chargingProfiles.receiver.getActive('S1', 3600, `${cp}/result/get-1`)).toEqual({ result: 'ACCEPTED', timeout: 30 });
    expect(await scspToCpo.chargingProfiles.receiver.clear('S9', `${cp}/result/clr-1`)).toEqual({ result: 'UNKNOWN_SESSION', timeout: 30 });
    await cpoToScsp.chargingProfiles.sender.result(`${cp}/result/set-1`, { result: 'ACCEPTED' });
    await cpoToScsp.chargingProfiles.sender.result(`${cp}/result/get-1`, { result: 'ACCEPTED', profile: { start_date_time: '2026-01-01T10:00:00Z', charging_profile: profile } });
    expect(pair.scsp.profileResults.map((r) => r.uid)).toEqual(['set-1', 'get-1']);
    await cpoToScsp.chargingProfiles.sender.putActive('S1', { start_date_time: '2026-01-01T10:30:00Z', charging_profile: profile });
  });

  it('tokens: real-time authorization; cdrs: POST answered 201 with a Location', async () => {
    expect(await cpoToScsp.tokens.sender.authorize('TOKEN1', 'APP_USER', { location_id: 'LOC1', evse_uids: ['EVSE1'] })).toMatchObject({ allowed: 'ALLOWED', authorization_reference: 'AUTH1' });
    const tokens = [];
    for await (const t of cpoToScsp.tokens.sender.list()) tokens.push(t.uid);
    expect(tokens).toEqual(['TOKEN1']);

    const cdr = JSON.parse(readFileSync(join(examplesDir, 'cdr_example.json'), 'utf8')) as CDR;
    const where = await cpoToScsp.cdrs.receiver.post(cdr);
    expect(where).toMatch(/\/cdrs\/12345$/);
    expect(await cpoToScsp.cdrs.receiver.get(where!)).toEqual(cdr);
    await expect(cpoToScsp.cdrs.receiver.post(cdr)).rejects.toMatchObject({ httpStatus: 409 });
  });

  it('all traffic matches the OpenAPI, except where the OpenAPI itself is defective', () => {
    const findings = pair.findings();
    // senderPostChargingProfileCallback's body is oneOf [ActiveChargingProfileResult,
    // ChargingProfileResult, ClearProfileResult]: none forbids extra properties and the last two
    // have the same shape, so every valid result matches two or three branches and fails oneOf.
    // Those are the only findings (our plugin validates with anyOf instead).
    const defect = { operation: 'senderPostChargingProfileCallback', problem: 'request body: data must match exactly one schema in oneOf' };
    expect(findings).toEqual([
      { exchange: expect.stringMatching(/result\/set-1 → 200$/), ...defect },
      { exchange: expect.stringMatching(/result\/get-1 → 200$/), ...defect },
    ]);
  });
});
