// Two OCPI platforms for the tests, each behind a recording proxy: a CPO-like party (the CSMS's
// interfaces) and an SCSP/eMSP-like party, with small in-memory handlers. All their traffic lands
// in one ordered list of exchanges for the OpenAPI validator.
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MemorySink, Tracer } from '@v2xsim/trace';
import {
  cdrsReceiverPlugin,
  chargingProfilesReceiverPlugin,
  chargingProfilesSenderPlugin,
  commandsReceiverPlugin,
  commandsSenderPlugin,
  InMemoryCredentialsStore,
  locationsReceiverPlugin,
  locationsSenderPlugin,
  ocpiNow,
  OcpiError,
  OcpiPlatform,
  OcpiStatus,
  pageOf,
  sessionsReceiverPlugin,
  sessionsSenderPlugin,
  tokensSenderPlugin,
  type CDR,
  type ChargingProfileAsyncResult,
  type CommandResult,
  type CredentialsRole,
  type Location,
  type Session,
  type Token,
} from '../../src/index.js';
import { OpenApiTrafficValidator, type Exchange, type Finding } from './openapi-validator.js';
import { startRecordingProxy, type RecordingProxy } from './recording-proxy.js';

const here = dirname(fileURLToPath(import.meta.url));
export const openapiDir = resolve(here, '../../../../../shared/schemas/ocpi/2.2.1/openapi');
export const examplesDir = resolve(here, '../../../../../shared/schemas/ocpi/2.2.1/examples');
export const haveSharedSchemas = existsSync(openapiDir);

export const cpoRole: CredentialsRole = { role: 'CPO', country_code: 'NL', party_id: 'CPO', business_details: { name: 'v2xsim CSMS' } };
export const scspRole: CredentialsRole = { role: 'SCSP', country_code: 'NL', party_id: 'SCS', business_details: { name: 'v2xsim SCSP' } };

/** a valid Location, last_updated `minutesAfter` minutes after 2026-01-01T00:00:00Z */
export function location(i: number, minutesAfter = i): Location {
  return {
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
        evse_id: `NL*CPO*E${i}`,
        status: 'AVAILABLE',
        capabilities: ['CHARGING_PROFILE_CAPABLE', 'CHARGING_PREFERENCES_CAPABLE', 'REMOTE_START_STOP_CAPABLE'],
        connectors: [{ id: '1', standard: 'IEC_62196_T2_COMBO', format: 'CABLE', power_type: 'DC', max_voltage: 920, max_amperage: 250, last_updated: ocpiNow(new Date(Date.UTC(2026, 0, 1, 0, minutesAfter))) }],
        last_updated: ocpiNow(new Date(Date.UTC(2026, 0, 1, 0, minutesAfter))),
      },
    ],
    last_updated: ocpiNow(new Date(Date.UTC(2026, 0, 1, 0, minutesAfter))),
  };
}

export function session(id: string): Session {
  return {
    country_code: 'NL',
    party_id: 'CPO',
    id,
    start_date_time: '2026-01-01T10:00:00Z',
    kwh: 0,
    cdr_token: { country_code: 'NL', party_id: 'SCS', uid: 'TOKEN1', type: 'APP_USER', contract_id: 'NL-SCS-C12345678-X' },
    auth_method: 'COMMAND',
    location_id: 'LOC1',
    evse_uid: 'EVSE1',
    connector_id: '1',
    currency: 'EUR',
    status: 'ACTIVE',
    last_updated: '2026-01-01T10:00:00Z',
  };
}

export interface Party {
  platform: OcpiPlatform;
  proxy: RecordingProxy;
  sink: MemorySink;
}

export interface Pair {
  cpo: Party & { locations: Location[]; sessions: Map<string, Session>; profileResults: unknown[] };
  scsp: Party & {
    locations: Map<string, unknown>;
    sessions: Map<string, Session>;
    commandResults: { command: string; uid: string; result: CommandResult }[];
    profileResults: { uid: string; result: ChargingProfileAsyncResult }[];
    tokens: Token[];
  };
  exchanges: Exchange[];
  /** validates every captured exchange against the OpenAPI; `badRequests` are the indexes of deliberately invalid requests */
  findings(badRequests?: ReadonlySet<number>): Finding[];
  close(): Promise<void>;
}

export async function startPair(opts: { locations?: number; maxLimit?: number } = {}): Promise<Pair> {
  const exchanges: Exchange[] = [];
  const cpoLocations = Array.from({ length: opts.locations ?? 3 }, (_, i) => location(i + 1));
  const cpoSessions = new Map<string, Session>([['S1', session('S1')]]);
  const cpoProfileResults: unknown[] = [];
  const cpoSink = new MemorySink();
  const cpo = new OcpiPlatform({
    store: new InMemoryCredentialsStore(),
    roles: [cpoRole],
    tracer: new Tracer({ actor: 'csms', link: 'csms-scsp', sinks: [cpoSink] }),
    http: { retries: 0 },
    modules: [
      locationsSenderPlugin({
        maxLimit: opts.maxLimit ?? 2,
        list: (_ctx, q) => pageOf(cpoLocations, q),
        get: (_ctx, id) => cpoLocations.find((l) => l.id === id),
      }),
      sessionsSenderPlugin({
        list: (_ctx, q) => pageOf([...cpoSessions.values()], q),
        putChargingPreferences: (_ctx, id, prefs) => (cpoSessions.has(id) ? (prefs.departure_time ? 'ACCEPTED' : 'DEPARTURE_REQUIRED') : undefined),
      }),
      commandsReceiverPlugin({
        command: (_ctx, req) => {
          switch (req.type) {
            case 'START_SESSION':
              return req.body.location_id === 'LOC1' ? { result: 'ACCEPTED', timeout: 30 } : { result: 'REJECTED', timeout: 30 };
            case 'STOP_SESSION':
              return { result: cpoSessions.has(req.body.session_id) ? 'ACCEPTED' : 'UNKNOWN_SESSION', timeout: 30 };
            case 'RESERVE_NOW':
            case 'CANCEL_RESERVATION':
            case 'UNLOCK_CONNECTOR':
              return { result: 'NOT_SUPPORTED', timeout: 30 };
            default: {
              const never: never = req;
              return never;
            }
          }
        },
      }),
      chargingProfilesReceiverPlugin({
        getActive: (_ctx, id) => ({ result: cpoSessions.has(id) ? 'ACCEPTED' : 'UNKNOWN_SESSION', timeout: 30 }),
        set: (_ctx, id, req) => {
          cpoProfileResults.push(req);
          return { result: cpoSessions.has(id) ? 'ACCEPTED' : 'UNKNOWN_SESSION', timeout: 30 };
        },
        clear: (_ctx, id) => ({ result: cpoSessions.has(id) ? 'ACCEPTED' : 'UNKNOWN_SESSION', timeout: 30 }),
      }),
    ],
  });

  const scspLocations = new Map<string, unknown>();
  const scspSessions = new Map<string, Session>();
  const scspCdrs = new Map<string, CDR>();
  const commandResults: Pair['scsp']['commandResults'] = [];
  const profileResults: Pair['scsp']['profileResults'] = [];
  const tokens: Token[] = [
    { country_code: 'NL', party_id: 'SCS', uid: 'TOKEN1', type: 'APP_USER', contract_id: 'NL-SCS-C12345678-X', issuer: 'v2xsim SCSP', valid: true, whitelist: 'NEVER', last_updated: '2026-01-01T00:00:00Z' },
  ];
  const scspSink = new MemorySink();
  const scsp = new OcpiPlatform({
    store: new InMemoryCredentialsStore(),
    roles: [scspRole],
    tracer: new Tracer({ actor: 'scsp', link: 'csms-scsp', sinks: [scspSink] }),
    http: { retries: 0 },
    modules: [
      locationsReceiverPlugin({
        get: (_ctx, k) => scspLocations.get(Object.values(k).join('/')) as Location | undefined,
        put: (_ctx, p) => {
          const key = Object.values(p.key).join('/');
          const created = !scspLocations.has(key);
          scspLocations.set(key, p.object);
          return created ? 'created' : 'updated';
        },
        patch: (_ctx, p) => {
          const key = Object.values(p.key).join('/');
          const old = scspLocations.get(key);
          if (!old) throw OcpiError.notFound(`unknown ${key}`, OcpiStatus.UnknownLocation);
          scspLocations.set(key, { ...(old as object), ...p.patch });
        },
      }),
      sessionsReceiverPlugin({
        get: (_ctx, k) => scspSessions.get(k.session_id),
        put: (_ctx, k, s) => {
          const created = !scspSessions.has(k.session_id);
          scspSessions.set(k.session_id, s);
          return created ? 'created' : 'updated';
        },
        patch: (_ctx, k, p) => {
          const old = scspSessions.get(k.session_id);
          if (!old) throw OcpiError.notFound(`unknown session ${k.session_id}`);
          // mod_sessions: charging_periods in a PATCH are added to the existing list
          scspSessions.set(k.session_id, { ...old, ...p, charging_periods: [...(old.charging_periods ?? []), ...(p.charging_periods ?? [])] } as Session);
        },
      }),
      cdrsReceiverPlugin({
        post: (_ctx, cdr) => {
          if (scspCdrs.has(cdr.id)) throw new OcpiError(OcpiStatus.InvalidOrMissingParameters, `CDR ${cdr.id} already exists`, 409);
          scspCdrs.set(cdr.id, cdr);
        },
        get: (_ctx, id) => scspCdrs.get(id),
      }),
      tokensSenderPlugin({
        list: (_ctx, q) => pageOf(tokens, q),
        authorize: (_ctx, uid, type) => {
          const t = tokens.find((x) => x.uid === uid && x.type === type);
          return t ? { allowed: 'ALLOWED', token: t, authorization_reference: 'AUTH1' } : undefined;
        },
      }),
      commandsSenderPlugin({ result: (_ctx, command, uid, result) => void commandResults.push({ command, uid, result }) }),
      chargingProfilesSenderPlugin({
        result: (_ctx, uid, result) => void profileResults.push({ uid, result }),
        activeProfile: () => undefined,
      }),
    ],
  });

  const cpoServer = await cpo.listen();
  const scspServer = await scsp.listen();
  const cpoProxy = await startRecordingProxy(cpoServer.url, exchanges);
  const scspProxy = await startRecordingProxy(scspServer.url, exchanges);
  cpo.publicOrigin = cpoProxy.url;
  scsp.publicOrigin = scspProxy.url;

  return {
    cpo: { platform: cpo, proxy: cpoProxy, sink: cpoSink, locations: cpoLocations, sessions: cpoSessions, profileResults: cpoProfileResults },
    scsp: { platform: scsp, proxy: scspProxy, sink: scspSink, locations: scspLocations, sessions: scspSessions, commandResults, profileResults, tokens },
    exchanges,
    findings(badRequests = new Set()) {
      const v = new OpenApiTrafficValidator(openapiDir);
      v.addVersionsUrl(cpo.versionsUrl);
      v.addVersionsUrl(scsp.versionsUrl);
      return exchanges.flatMap((ex, i) => {
        const r = v.check(ex);
        if (badRequests.has(i) && r.request.length === 0) return [{ exchange: `${ex.method} ${ex.url}`, problem: 'a deliberately invalid request passed the OpenAPI validation' }];
        return [...(badRequests.has(i) ? [] : r.request), ...r.response];
      });
    },
    async close() {
      await cpo.close();
      await scsp.close();
      await cpoProxy.close();
      await scspProxy.close();
    },
  };
}
