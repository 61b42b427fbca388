// `v2xsim scsp` as a real OS process against a CPO built here with @v2xsim/ocpi: it registers,
// a pushed session gets a profile, stdout carries the schedule, SIGINT stops it cleanly.
import { afterAll, describe, expect, it } from 'vitest';
import { chargingProfilesReceiverPlugin, InMemoryCredentialsStore, OcpiPlatform, pageOf, sessionsSenderPlugin, type Session, type SetChargingProfile } from '@v2xsim/ocpi';
import { children, root, until, v2xsim } from './support/processes.js';
import { join } from 'node:path';

const T0 = Date.UTC(2026, 0, 1, 18);
const iso = (t: number): string => `${new Date(t).toISOString().slice(0, 19)}Z`;
const profiles: SetChargingProfile[] = [];

const cpo = new OcpiPlatform({
  store: new InMemoryCredentialsStore(),
  roles: [{ role: 'CPO', country_code: 'NL', party_id: 'CPO', business_details: { name: 'Test CPO' } }],
  modules: [
    sessionsSenderPlugin({ list: (_c, q) => pageOf([] as Session[], q), putChargingPreferences: () => 'ACCEPTED' }),
    chargingProfilesReceiverPlugin({
      // this station does not report its active profile: the SCSP keeps to what it is told
      getActive: () => ({ result: 'NOT_SUPPORTED', timeout: 0 }),
      set: (ctx, _id, req) => {
        profiles.push(req);
        setTimeout(() => void cpo.client(ctx.peer.id).then((c) => c.chargingProfiles.sender.result(req.response_url, { result: 'ACCEPTED' })), 10);
        return { result: 'ACCEPTED', timeout: 10 };
      },
      clear: () => ({ result: 'NOT_SUPPORTED', timeout: 0 }),
    }),
  ],
});

afterAll(async () => {
  for (const c of children) c.kill('SIGKILL');
  await cpo.close();
});

describe('v2xsim scsp (OS process)', () => {
  it('registers, schedules a pushed session, prints it as JSON and stops on SIGINT', async () => {
    await cpo.listen({ port: 0 });
    const tokenA = await cpo.createTokenA('scsp');
    const p = v2xsim([
      'scsp',
      '--cpo', cpo.versionsUrl,
      '--token-a', tokenA,
      '--party', 'NL/SCS',
      '--prices', join(root, 'packages/scsp/examples/day-ahead.csv'),
      '--currency', 'EUR',
      '--start', iso(T0),
      '--token', 'APP-1',
      '--energy-need', '25',
      '--departure-after', '10h',
      '--ev-max-power', '11000',
    ]); // prettier-ignore
    await until(() => (/registered with CPO NL\*CPO/.test(p.out.stderr) ? true : undefined), 'registration', p);
    expect(p.out.stderr).toMatch(/^v2xsim scsp ready: id=scsp party=NL\*SCS roles=SCSP,EMSP ocpi=http:\/\/127\.0\.0\.1:\d+\/ocpi\/versions control=http/);
    const session: Session = {
      country_code: 'NL',
      party_id: 'CPO',
      id: 'S1',
      start_date_time: iso(T0),
      kwh: 0,
      cdr_token: { country_code: 'NL', party_id: 'SCS', uid: 'APP-1', type: 'APP_USER', contract_id: 'NL-SCS-APP-1' },
      auth_method: 'COMMAND',
      location_id: 'LOC1',
      evse_uid: 'EVSE1',
      connector_id: '1',
      currency: 'EUR',
      status: 'ACTIVE',
      last_updated: iso(T0),
    };
    await (await cpo.client('scsp')).sessions.receiver.put(session);
    const line = await until(() => p.out.stdout.split('\n').find((l) => l.includes('"sessionId":"S1"')), 'the schedule on stdout', p);
    const summary = JSON.parse(line) as { status: string; energyWh: number; outcome: unknown; currency: string };
    expect(summary).toMatchObject({ status: 'optimal', currency: 'EUR', outcome: { stage: 'sent', response: 'ACCEPTED', result: 'ACCEPTED' } });
    expect(summary.energyWh).toBeCloseTo(25_000, 0);
    expect(profiles).toHaveLength(1);
    expect(p.out.stderr).toMatch(/no active profile \(NOT_SUPPORTED\)/);
    p.child.kill('SIGINT');
    expect(await p.exited).toBe(0);
  });
});
