// An eMSP/SCSP party built from @v2xsim/ocpi for the CPO tests: it receives Locations, Sessions
// and CDRs, offers its tokens for real-time authorization, and collects the asynchronous command
// and charging-profile results and the active profiles the CPO pushes. It sits behind a recording
// proxy, as the CPO does, so the OpenAPI validator sees both directions.
import {
  cdrsReceiverPlugin,
  chargingProfilesSenderPlugin,
  commandsSenderPlugin,
  InMemoryCredentialsStore,
  locationsReceiverPlugin,
  OcpiError,
  OcpiPlatform,
  pageOf,
  sessionsReceiverPlugin,
  tokensSenderPlugin,
  type ActiveChargingProfile,
  type CDR,
  type ChargingProfileAsyncResult,
  type CommandResult,
  type EVSE,
  type Location,
  type Session,
  type Token,
} from '@v2xsim/ocpi';
import { startRecordingProxy, type RecordingProxy } from '../../../ocpi/test/support/recording-proxy.js';
import type { Exchange } from '../../../ocpi/test/support/openapi-validator.js';

export interface TestParty {
  platform: OcpiPlatform;
  proxy: RecordingProxy;
  locations: Map<string, Location>;
  sessions: Map<string, Session>;
  sessionPatches: Record<string, unknown>[];
  cdrs: Map<string, CDR>;
  tokens: Token[];
  commandResults: Map<string, CommandResult>;
  profileResults: Map<string, ChargingProfileAsyncResult>;
  activeProfiles: Map<string, ActiveChargingProfile>;
  /** the base URL of one of this party's module endpoints */
  endpoint(module: string): string;
  close(): Promise<void>;
}

export async function startParty(exchanges: Exchange[], party = { country_code: 'NL', party_id: 'SCS' }): Promise<TestParty> {
  const locations = new Map<string, Location>();
  const sessions = new Map<string, Session>();
  const sessionPatches: Record<string, unknown>[] = [];
  const cdrs = new Map<string, CDR>();
  const tokens: Token[] = [];
  const commandResults = new Map<string, CommandResult>();
  const profileResults = new Map<string, ChargingProfileAsyncResult>();
  const activeProfiles = new Map<string, ActiveChargingProfile>();
  const business_details = { name: 'test party' };
  const platform = new OcpiPlatform({
    store: new InMemoryCredentialsStore(),
    roles: [
      { role: 'SCSP', ...party, business_details },
      { role: 'EMSP', ...party, business_details },
    ],
    modules: [
      locationsReceiverPlugin({
        get: (_c, k) => {
          const l = locations.get(k.location_id);
          if (!l || k.evse_uid === undefined) return l;
          return l.evses?.find((e) => e.uid === k.evse_uid);
        },
        put: (_c, p) => {
          if (p.level !== 'location') throw new OcpiError(2000, 'only whole locations here');
          const had = locations.has(p.key.location_id);
          locations.set(p.key.location_id, p.object);
          return had ? 'updated' : 'created';
        },
        patch: (_c, p) => {
          const l = locations.get(p.key.location_id);
          if (!l) throw OcpiError.notFound('unknown location', 2003);
          if (p.level === 'evse') {
            const evse = l.evses?.find((e) => e.uid === p.key.evse_uid);
            if (!evse) throw OcpiError.notFound('unknown EVSE', 2003);
            Object.assign(evse, p.patch as Partial<EVSE>);
          } else if (p.level === 'location') Object.assign(l, p.patch);
        },
      }),
      sessionsReceiverPlugin({
        get: (_c, k) => sessions.get(k.session_id),
        put: (_c, k, s) => {
          const had = sessions.has(k.session_id);
          sessions.set(k.session_id, s);
          return had ? 'updated' : 'created';
        },
        patch: (_c, k, patch) => {
          const s = sessions.get(k.session_id);
          if (!s) throw OcpiError.notFound(`unknown session ${k.session_id}`);
          sessionPatches.push(patch as unknown as Record<string, unknown>);
          const { charging_periods, ...rest } = patch;
          sessions.set(k.session_id, { ...s, ...rest, ...(charging_periods ? { charging_periods: [...(s.charging_periods ?? []), ...charging_periods] } : {}) });
        },
      }),
      cdrsReceiverPlugin({
        post: (_c, cdr) => {
          if (cdrs.has(cdr.id)) throw new OcpiError(2001, 'CDR exists', 409);
          cdrs.set(cdr.id, cdr);
        },
        get: (_c, id) => cdrs.get(id),
      }),
      tokensSenderPlugin({
        list: (_c, q) => pageOf(tokens, q),
        authorize: (_c, uid, type) => {
          const t = tokens.find((x) => x.uid === uid && x.type === type);
          return t && { allowed: t.valid ? 'ALLOWED' : 'BLOCKED', token: t };
        },
      }),
      commandsSenderPlugin({ result: (_c, _command, uid, r) => void commandResults.set(uid, r) }),
      chargingProfilesSenderPlugin({
        result: (_c, uid, r) => void profileResults.set(uid, r),
        activeProfile: (_c, sessionId, p) => void activeProfiles.set(sessionId, p),
      }),
    ],
  });
  const server = await platform.listen();
  const proxy = await startRecordingProxy(server.url, exchanges);
  platform.publicOrigin = proxy.url;
  return {
    platform,
    proxy,
    locations,
    sessions,
    sessionPatches,
    cdrs,
    tokens,
    commandResults,
    profileResults,
    activeProfiles,
    endpoint: (module) => platform.endpoints().find((e) => e.identifier === module)!.url,
    async close() {
      await platform.close();
      await proxy.close();
    },
  };
}
