// A CPO (the CSMS side) and an SCSP talking OCPI 2.2.1 over real HTTP: credentials handshake,
// a paginated Locations pull, a Session push, charging preferences, a charging profile with its
// asynchronous result, token rotation and unregistration, every message traced.
// Run: pnpm exec tsx packages/ocpi/examples/cpo-and-scsp.ts
import { MemorySink, Tracer } from '@v2xsim/trace';
import {
  chargingProfilesReceiverPlugin,
  chargingProfilesSenderPlugin,
  InMemoryCredentialsStore,
  locationsSenderPlugin,
  OcpiPlatform,
  pageOf,
  sessionsReceiverPlugin,
  sessionsSenderPlugin,
  type Location,
  type Session,
} from '../src/index.js';

const sink = new MemorySink();
const at = (min: number): string => new Date(Date.UTC(2026, 0, 1, 8, min)).toISOString().replace('.000', '');

// --- the CPO's data ------------------------------------------------------------------------
const locations: Location[] = [1, 2, 3].map((i) => ({
  country_code: 'NL',
  party_id: 'CPO',
  id: `LOC${i}`,
  publish: true,
  address: `Straat ${i}`,
  city: 'Arnhem',
  country: 'NLD',
  coordinates: { latitude: '51.98456', longitude: '5.91092' },
  time_zone: 'Europe/Amsterdam',
  evses: [
    {
      uid: `EVSE${i}`,
      status: 'AVAILABLE',
      capabilities: ['CHARGING_PROFILE_CAPABLE', 'CHARGING_PREFERENCES_CAPABLE'],
      connectors: [{ id: '1', standard: 'IEC_62196_T2_COMBO', format: 'CABLE', power_type: 'DC', max_voltage: 920, max_amperage: 250, last_updated: at(i) }],
      last_updated: at(i),
    },
  ],
  last_updated: at(i),
}));
const session: Session = {
  country_code: 'NL',
  party_id: 'CPO',
  id: 'S1',
  start_date_time: at(10),
  kwh: 0,
  cdr_token: { country_code: 'NL', party_id: 'SCS', uid: 'APP-1', type: 'APP_USER', contract_id: 'NL-SCS-C12345678-X' },
  auth_method: 'COMMAND',
  location_id: 'LOC1',
  evse_uid: 'EVSE1',
  connector_id: '1',
  currency: 'EUR',
  status: 'ACTIVE',
  last_updated: at(10),
};

// --- CPO: Locations and Sessions Sender, ChargingProfiles Receiver ---------------------------
const cpo = new OcpiPlatform({
  store: new InMemoryCredentialsStore(),
  roles: [{ role: 'CPO', country_code: 'NL', party_id: 'CPO', business_details: { name: 'Example CSMS' } }],
  tracer: new Tracer({ actor: 'csms', link: 'csms-scsp', sinks: [sink] }),
  modules: [
    locationsSenderPlugin({ maxLimit: 2, list: (_ctx, q) => pageOf(locations, q), get: (_ctx, id) => locations.find((l) => l.id === id) }),
    sessionsSenderPlugin({
      list: (_ctx, q) => pageOf([session], q),
      putChargingPreferences: (_ctx, id, prefs) => {
        if (id !== session.id) return undefined; // → 404, 2001
        console.log(`CPO: preferences for ${id}: ${prefs.profile_type}, ${prefs.energy_need} kWh by ${prefs.departure_time}, discharge ${prefs.discharge_allowed ?? false}`);
        return prefs.departure_time ? 'ACCEPTED' : 'DEPARTURE_REQUIRED';
      },
    }),
    chargingProfilesReceiverPlugin({
      set: (ctx, id, req) => {
        console.log(`CPO: profile for ${id}: ${req.charging_profile.charging_profile_period?.map((p) => `${p.start_period}s→${p.limit}${req.charging_profile.charging_rate_unit}`).join(', ')}`);
        // the charge point's answer comes later, POSTed to response_url
        setTimeout(() => void cpo.client(ctx.peer.id).then((c) => c.chargingProfiles.sender.result(req.response_url, { result: 'ACCEPTED' })), 10);
        return { result: 'ACCEPTED', timeout: 30 };
      },
      getActive: () => ({ result: 'NOT_SUPPORTED', timeout: 0 }),
      clear: () => ({ result: 'NOT_SUPPORTED', timeout: 0 }),
    }),
  ],
});

// --- SCSP: Sessions Receiver, ChargingProfiles Sender ----------------------------------------
const results: string[] = [];
const scsp = new OcpiPlatform({
  store: new InMemoryCredentialsStore(),
  roles: [{ role: 'SCSP', country_code: 'NL', party_id: 'SCS', business_details: { name: 'Example SCSP' } }],
  tracer: new Tracer({ actor: 'scsp', link: 'csms-scsp', sinks: [sink] }),
  modules: [
    sessionsReceiverPlugin({
      get: () => undefined,
      put: (_ctx, key, s) => console.log(`SCSP: session ${key.session_id} is ${s.status} at ${s.location_id}/${s.evse_uid}`),
      patch: () => undefined,
    }),
    chargingProfilesSenderPlugin({
      result: (_ctx, uid, r) => void results.push(`${uid}: ${r.result}`),
      activeProfile: () => undefined,
    }),
  ],
});

await cpo.listen({ port: 0 });
await scsp.listen({ port: 0 });

// 1. registration: the CPO hands token A and its versions URL to the SCSP out of band
const tokenA = await cpo.createTokenA('scsp');
const peer = await scsp.register('cpo', { versionsUrl: cpo.versionsUrl, tokenA });
console.log(`SCSP: registered at ${peer.roles?.[0].business_details.name}, OCPI ${peer.version}, ${peer.endpoints?.length} endpoints`);

// 2. the SCSP pulls Locations page by page (Link rel="next")
const toCpo = await scsp.client('cpo');
for await (const page of toCpo.locations.sender.pages()) console.log(`SCSP: page of ${page.items.length} of ${page.total} locations (X-Limit ${page.limit})`);

// 3. the CPO pushes the Session to the SCSP (Sessions Receiver)
await (await cpo.client('scsp')).sessions.receiver.put(session);

// 4. the SCSP sends the driver's preferences and a charging profile
console.log(`SCSP: preferences → ${await toCpo.sessions.sender.putChargingPreferences('S1', { profile_type: 'CHEAP', departure_time: at(600), energy_need: 30, discharge_allowed: true })}`);
const cpEndpoint = scsp.endpoints().find((e) => e.identifier === 'chargingprofiles')!.url;
const answer = await toCpo.chargingProfiles.receiver.set('S1', {
  charging_profile: { charging_rate_unit: 'W', charging_profile_period: [{ start_period: 0, limit: 11000 }, { start_period: 3600, limit: 3700 }] },
  response_url: `${cpEndpoint}/result/p-1`,
});
console.log(`SCSP: profile → ${answer.result} (result within ${answer.timeout} s)`);
await new Promise((r) => setTimeout(r, 200));
console.log(`SCSP: async results: ${results.join('; ')}`);

// 5. token rotation, then unregistration
await scsp.updateCredentials('cpo');
await scsp.unregister('cpo');
console.log(`done: ${sink.events.length} trace events, e.g. ${sink.events[0].actor} ${sink.events[0].direction} ${sink.events[0].message}`);
await cpo.close();
await scsp.close();
