// OcpiClient: calls one connected peer's endpoints with typed methods per module and interface,
// the URLs taken from the peer's version details and the paths from the OpenAPI operations.
//   client.sessions.receiver.put(session)          → the peer's sessions RECEIVER endpoint
//   for await (const l of client.locations.sender.list()) …   follows Link rel="next"
import { CONFIGURATION_MODULES, type PartyRef, type RoutingHeaders } from '../core/headers.js';
import { parseNextLink, type PageQuery } from '../core/pagination.js';
import { OcpiError, OcpiStatus } from '../core/status.js';
import type { OcpiPeer } from '../credentials-store.js';
import { ocpiOperations, type OcpiOperationId } from '../generated/routes.js';
import type {
  ActiveChargingProfile,
  AuthorizationInfo,
  CDR,
  ChargingPreferences,
  ChargingPreferencesResponse,
  ChargingProfileResponse,
  ClientInfo,
  CommandResponse,
  CommandResult,
  CommandType,
  Connector,
  ConnectorPatch,
  Credentials,
  EVSE,
  EVSEPatch,
  Location,
  LocationPatch,
  LocationReferences,
  Session,
  SessionPatch,
  SetChargingProfile,
  Tariff,
  Token,
  TokenPatch,
  TokenType,
} from '../generated/types.js';
import type { ChargingProfileAsyncResult } from '../server/modules/chargingprofiles.js';
import type { CommandRequest } from '../server/modules/commands.js';
import type { OcpiHttpClient, OcpiHttpResponse } from './http.js';

export interface OcpiClientOptions {
  http: OcpiHttpClient;
  /** the peer as the credentials store holds it: outgoing token, endpoints, quirks */
  peer: OcpiPeer;
  /** this platform's party: OCPI-from-* on Functional module requests */
  self?: PartyRef;
  /** OCPI-to-*; default the peer's first role */
  to?: PartyRef;
}

/** One page of a paginated GET. */
export interface OcpiPage<T> {
  items: T[];
  /** X-Total-Count */
  total?: number;
  /** X-Limit */
  limit?: number;
  /** the Link rel="next" URL, if there is a next page */
  next?: string;
}

export interface CallArgs {
  params?: Record<string, string>;
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  /** an absolute URL instead of endpoint + path (response_url targets, Link next pages) */
  url?: string;
  correlationId?: string;
}

const num = (s: string | undefined): number | undefined => (s !== undefined && /^\d+$/.test(s) ? Number(s) : undefined);

export class OcpiClient {
  constructor(private readonly opts: OcpiClientOptions) {}

  get peer(): OcpiPeer {
    return this.opts.peer;
  }

  /** URL of the peer's endpoint for a module (and role); OcpiError 3003 when it offers none. */
  endpoint(identifier: string, role?: 'SENDER' | 'RECEIVER'): string {
    const e = this.opts.peer.endpoints?.find((x) => x.identifier === identifier && (!role || x.role === role));
    if (!e) throw new OcpiError(OcpiStatus.NoMatchingEndpoints, `peer ${this.opts.peer.id} has no ${identifier}${role ? ` ${role}` : ''} endpoint`);
    return e.url;
  }

  private routing(module: string): RoutingHeaders | undefined {
    if (CONFIGURATION_MODULES.has(module)) return undefined; // never on configuration modules
    const role = this.opts.peer.roles?.[0];
    const to = this.opts.to ?? (role ? { country_code: role.country_code, party_id: role.party_id } : undefined);
    return { ...(this.opts.self ? { from: this.opts.self } : {}), ...(to ? { to } : {}) };
  }

  /** Calls one OpenAPI operation on the peer. */
  async call<T = unknown>(operationId: OcpiOperationId, args: CallArgs = {}): Promise<OcpiHttpResponse<T>> {
    const spec = ocpiOperations[operationId];
    let url = args.url;
    if (!url) {
      const role = spec.interface === 'sender' ? 'SENDER' : spec.interface === 'receiver' ? 'RECEIVER' : undefined;
      const base = this.endpoint(spec.module, role).replace(/\/$/, '');
      const rest = spec.path.replace(/^\/[^/]+/, '').replace(/\{([^}]+)\}/g, (_m, name: string) => {
        const v = args.params?.[name];
        if (v === undefined) throw new TypeError(`${operationId}: path parameter ${name} missing`);
        return encodeURIComponent(v);
      });
      url = base + rest;
    }
    const peer = this.opts.peer;
    const routing = this.routing(spec.module);
    return this.opts.http.call<T>({
      method: spec.method,
      url,
      ...(args.query ? { query: args.query } : {}),
      ...(args.body !== undefined ? { body: args.body } : {}),
      ...(peer.outgoingToken ? { token: peer.outgoingToken } : {}),
      rawToken: peer.quirks?.rawToken === true,
      ...(routing ? { routing } : {}),
      ...(args.correlationId ? { correlationId: args.correlationId } : {}),
      traceName: `${spec.method} ${spec.path}`,
      peer: peer.id,
    });
  }

  private async data<T>(operationId: OcpiOperationId, args: CallArgs = {}): Promise<T> {
    return (await this.call<T>(operationId, args)).envelope.data as T;
  }

  /** Pages of a paginated GET, following Link rel="next" until there is none. */
  async *pages<T>(operationId: OcpiOperationId, query: PageQuery = {}, params?: Record<string, string>): AsyncGenerator<OcpiPage<T>> {
    let next: string | undefined;
    const seen = new Set<string>();
    const q = Object.fromEntries(Object.entries(query).filter(([, v]) => v !== undefined)) as Record<string, string | number>;
    for (let first = true; first || next; first = false) {
      const res = await this.call<T[]>(operationId, next ? { url: next } : { query: q, ...(params ? { params } : {}) });
      const items = Array.isArray(res.envelope.data) ? res.envelope.data : [];
      next = parseNextLink(res.headers.link);
      if (next && seen.has(next)) throw new OcpiError(OcpiStatus.ClientError, `${operationId}: Link rel="next" repeats ${next}`);
      if (next) seen.add(next);
      const total = num(res.headers['x-total-count']);
      const limit = num(res.headers['x-limit']);
      yield { items, ...(total !== undefined ? { total } : {}), ...(limit !== undefined ? { limit } : {}), ...(next ? { next } : {}) };
    }
  }

  /** Every object of a paginated GET, page after page. */
  async *list<T>(operationId: OcpiOperationId, query: PageQuery = {}): AsyncGenerator<T> {
    for await (const page of this.pages<T>(operationId, query)) yield* page.items;
  }

  // ---- credentials (the handshake itself is in OcpiPlatform)
  readonly credentials = {
    get: (): Promise<Credentials> => this.data('getCredentials'),
  };

  // ---- locations
  readonly locations = {
    sender: {
      list: (q: PageQuery = {}): AsyncGenerator<Location> => this.list<Location>('senderGetLocations', q),
      pages: (q: PageQuery = {}): AsyncGenerator<OcpiPage<Location>> => this.pages<Location>('senderGetLocations', q),
      get: (location_id: string): Promise<Location> => this.data('senderGetLocation', { params: { location_id } }),
      getEvse: (location_id: string, evse_uid: string): Promise<EVSE> => this.data('senderGetEvse', { params: { location_id, evse_uid } }),
      getConnector: (location_id: string, evse_uid: string, connector_id: string): Promise<Connector> =>
        this.data('senderGetConnector', { params: { location_id, evse_uid, connector_id } }),
    },
    receiver: {
      get: (k: { country_code: string; party_id: string; location_id: string }): Promise<Location> => this.data('receiverGetLocation', { params: k }),
      put: (location: Location): Promise<OcpiHttpResponse<unknown>> =>
        this.call('receiverPutLocation', { params: { country_code: location.country_code, party_id: location.party_id, location_id: location.id }, body: location }),
      putEvse: (k: { country_code: string; party_id: string; location_id: string }, evse: EVSE): Promise<OcpiHttpResponse<unknown>> =>
        this.call('receiverPutEvse', { params: { ...k, evse_uid: evse.uid }, body: evse }),
      putConnector: (k: { country_code: string; party_id: string; location_id: string; evse_uid: string }, connector: Connector): Promise<OcpiHttpResponse<unknown>> =>
        this.call('receiverPutConnector', { params: { ...k, connector_id: connector.id }, body: connector }),
      patch: (k: { country_code: string; party_id: string; location_id: string }, patch: LocationPatch): Promise<OcpiHttpResponse<unknown>> =>
        this.call('receiverPatchLocation', { params: k, body: patch }),
      patchEvse: (k: { country_code: string; party_id: string; location_id: string; evse_uid: string }, patch: EVSEPatch): Promise<OcpiHttpResponse<unknown>> =>
        this.call('receiverPatchEvse', { params: k, body: patch }),
      patchConnector: (k: { country_code: string; party_id: string; location_id: string; evse_uid: string; connector_id: string }, patch: ConnectorPatch): Promise<OcpiHttpResponse<unknown>> =>
        this.call('receiverPatchConnector', { params: k, body: patch }),
    },
  };

  // ---- sessions
  readonly sessions = {
    sender: {
      /** date_from is required by mod_sessions for the Sessions list */
      list: (q: PageQuery & { date_from: string }): AsyncGenerator<Session> => this.list<Session>('senderGetSessions', q),
      pages: (q: PageQuery & { date_from: string }): AsyncGenerator<OcpiPage<Session>> => this.pages<Session>('senderGetSessions', q),
      putChargingPreferences: (session_id: string, preferences: ChargingPreferences): Promise<ChargingPreferencesResponse> =>
        this.data('senderPutChargingPreferences', { params: { session_id }, body: preferences }),
    },
    receiver: {
      get: (k: { country_code: string; party_id: string; session_id: string }): Promise<Session> => this.data('receiverGetSession', { params: k }),
      put: (session: Session): Promise<OcpiHttpResponse<unknown>> =>
        this.call('receiverPutSession', { params: { country_code: session.country_code, party_id: session.party_id, session_id: session.id }, body: session }),
      patch: (k: { country_code: string; party_id: string; session_id: string }, patch: SessionPatch): Promise<OcpiHttpResponse<unknown>> =>
        this.call('receiverPatchSession', { params: k, body: patch }),
    },
  };

  // ---- cdrs
  readonly cdrs = {
    sender: {
      list: (q: PageQuery = {}): AsyncGenerator<CDR> => this.list<CDR>('senderGetCdrs', q),
      pages: (q: PageQuery = {}): AsyncGenerator<OcpiPage<CDR>> => this.pages<CDR>('senderGetCdrs', q),
    },
    receiver: {
      /** POSTs the CDR; returns the Location the receiver gave it */
      post: async (cdr: CDR): Promise<string | undefined> => (await this.call('receiverPostCdr', { body: cdr })).headers.location,
      /** GET of a CDR by the Location URL the POST returned */
      get: (location: string): Promise<CDR> => this.data('receiverGetCdr', { url: location }),
    },
  };

  // ---- tariffs
  readonly tariffs = {
    sender: {
      list: (q: PageQuery = {}): AsyncGenerator<Tariff> => this.list<Tariff>('senderGetTariffs', q),
      pages: (q: PageQuery = {}): AsyncGenerator<OcpiPage<Tariff>> => this.pages<Tariff>('senderGetTariffs', q),
    },
    receiver: {
      get: (k: { country_code: string; party_id: string; tariff_id: string }): Promise<Tariff> => this.data('receiverGetTariff', { params: k }),
      put: (tariff: Tariff): Promise<OcpiHttpResponse<unknown>> =>
        this.call('receiverPutTariff', { params: { country_code: tariff.country_code, party_id: tariff.party_id, tariff_id: tariff.id }, body: tariff }),
      delete: (k: { country_code: string; party_id: string; tariff_id: string }): Promise<OcpiHttpResponse<unknown>> => this.call('receiverDeleteTariff', { params: k }),
    },
  };

  // ---- tokens
  readonly tokens = {
    sender: {
      list: (q: PageQuery = {}): AsyncGenerator<Token> => this.list<Token>('senderGetTokens', q),
      pages: (q: PageQuery = {}): AsyncGenerator<OcpiPage<Token>> => this.pages<Token>('senderGetTokens', q),
      /** real-time authorization; an unknown token rejects with OcpiError 2004 */
      authorize: (token_uid: string, type: TokenType = 'RFID', location?: LocationReferences): Promise<AuthorizationInfo> =>
        this.data('senderPostAuthorize', { params: { token_uid }, query: { type }, ...(location ? { body: location } : {}) }),
    },
    receiver: {
      get: (k: { country_code: string; party_id: string; token_uid: string }, type: TokenType = 'RFID'): Promise<Token> =>
        this.data('receiverGetToken', { params: k, query: { type } }),
      put: (token: Token): Promise<OcpiHttpResponse<unknown>> =>
        this.call('receiverPutToken', { params: { country_code: token.country_code, party_id: token.party_id, token_uid: token.uid }, query: { type: token.type }, body: token }),
      patch: (k: { country_code: string; party_id: string; token_uid: string }, patch: TokenPatch, type: TokenType = 'RFID'): Promise<OcpiHttpResponse<unknown>> =>
        this.call('receiverPatchToken', { params: k, query: { type }, body: patch }),
    },
  };

  // ---- commands
  readonly commands = {
    receiver: {
      send: (request: CommandRequest): Promise<CommandResponse> => {
        const op = ({
          START_SESSION: 'receiverPostStartSession',
          STOP_SESSION: 'receiverPostStopSession',
          RESERVE_NOW: 'receiverPostReserveNow',
          CANCEL_RESERVATION: 'receiverPostCancelReservation',
          UNLOCK_CONNECTOR: 'receiverPostUnlockConnector',
        } as const satisfies Record<CommandType, OcpiOperationId>)[request.type];
        return this.data(op, { body: request.body });
      },
    },
    sender: {
      /** POSTs the CommandResult to the response_url the command carried */
      result: (responseUrl: string, result: CommandResult): Promise<OcpiHttpResponse<unknown>> => this.call('senderPostCommandResult', { url: responseUrl, body: result }),
    },
  };

  // ---- chargingprofiles
  readonly chargingProfiles = {
    receiver: {
      getActive: (session_id: string, duration: number, response_url: string): Promise<ChargingProfileResponse> =>
        this.data('receiverGetActiveChargingProfile', { params: { session_id }, query: { duration, response_url } }),
      set: (session_id: string, request: SetChargingProfile): Promise<ChargingProfileResponse> => this.data('receiverPutChargingProfile', { params: { session_id }, body: request }),
      clear: (session_id: string, response_url: string): Promise<ChargingProfileResponse> =>
        this.data('receiverDeleteChargingProfile', { params: { session_id }, query: { response_url } }),
    },
    sender: {
      /** POSTs the asynchronous result to the response_url of the request it answers */
      result: (responseUrl: string, result: ChargingProfileAsyncResult): Promise<OcpiHttpResponse<unknown>> =>
        this.call('senderPostChargingProfileCallback', { url: responseUrl, body: result }),
      /** pushes a changed ActiveChargingProfile to the Sender that set a profile on the session */
      putActive: (session_id: string, profile: ActiveChargingProfile): Promise<OcpiHttpResponse<unknown>> =>
        this.call('senderPutActiveChargingProfile', { params: { session_id }, body: profile }),
    },
  };

  // ---- hubclientinfo
  readonly hubClientInfo = {
    sender: {
      list: (q: PageQuery = {}): AsyncGenerator<ClientInfo> => this.list<ClientInfo>('senderGetClientInfoList', q),
    },
    receiver: {
      get: (k: { country_code: string; party_id: string }): Promise<ClientInfo> => this.data('receiverGetClientInfo', { params: k }),
      put: (info: ClientInfo): Promise<OcpiHttpResponse<unknown>> =>
        this.call('receiverPutClientInfo', { params: { country_code: info.country_code, party_id: info.party_id }, body: info }),
    },
  };
}
