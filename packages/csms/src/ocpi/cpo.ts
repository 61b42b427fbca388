// The CSMS as OCPI 2.2.1 CPO: an OcpiPlatform (role CPO) over what the CSMS knows.
//   locations (Sender)         a Location per station, EVSEs from StatusNotification; pushed to receivers
//   sessions (Sender)          a Session per OCPP transaction, pushed (PUT, then PATCH) and listed;
//                              charging_preferences → the session's charging needs → re-planned
//   cdrs, tariffs (Sender)     a CDR when a transaction ends (POSTed to receivers); tariffs from config
//   tokens (Receiver)          tokens pushed by eMSPs become id tokens for OCPP Authorize; unknown
//                              tokens are authorized in real time at the eMSPs (authorize.ts)
//   commands (Receiver)        START/STOP_SESSION, UNLOCK_CONNECTOR → the station; CommandResult later
//   chargingprofiles (Receiver) GET → GetCompositeSchedule, PUT → SetChargingProfile, DELETE →
//                              ClearChargingProfile, each result POSTed to the response_url
// The CSMS learns of station events from its own trace (the CALLRESULT it sent for a
// StatusNotification, TransactionEvent, MeterValues, Start/StopTransaction: stored by then) and
// reconciles what its peers were sent, one station at a time.
import type {
  ActiveChargingProfile,
  CDR,
  ChargingPreferences,
  ChargingPreferencesResponse,
  ChargingProfile as OcpiChargingProfile,
  ChargingProfileResponse,
  CommandResponse,
  CommandResult,
  CommandResultType,
  Location,
  Session,
  SetChargingProfile,
  Tariff,
  Token,
  TokenPatch,
} from '@v2xsim/ocpi';
import {
  OcpiError,
  OcpiPlatform,
  OcpiStatus,
  cdrsSenderPlugin,
  chargingProfilesReceiverPlugin,
  commandsReceiverPlugin,
  locationsSenderPlugin,
  ocpiNow,
  pageOf,
  sessionsSenderPlugin,
  tariffsSenderPlugin,
  tokensReceiverPlugin,
  validateOcpiObject,
  type CommandRequest,
  type ListeningPlatform,
  type OcpiRequestContext,
} from '@v2xsim/ocpi';
import { ConfigError } from '@v2xsim/process';
import type { TraceEvent, Tracer } from '@v2xsim/trace';
import { parseOcpiParty, type OcpiCpoConfig } from '../config.js';
import type { CsmsContext } from '../context.js';
import { CsmsError } from '../errors.js';
import { clearChargingProfile, getCompositeSchedule, nextProfileId, setChargingProfile } from '../handlers/smart-charging.js';
import { requestStartTransaction, requestStopTransaction, unlockConnector } from '../handlers/remote-control.js';
import {
  deleteIdToken,
  getIdToken,
  getStation,
  getTransaction,
  insertChargingNeeds,
  latestChargingNeeds,
  listConnectorStatus,
  listMeterValues,
  listStations,
  listTransactions,
  upsertIdToken,
  type NotifyEVChargingNeedsLike,
  type TransactionRecord,
} from '../store/index.js';
import { activeProfileOf, cdrOf, evseUid, kwhOf, locationOf, ocppTokenTypeOf, sessionOf, tariffsOf, costOf, txProfileOf, type Party } from './mapping.js';
import { PullCache } from './pull-cache.js';
import { CpoPusher, pushPolicyOf } from './push.js';
import {
  SqliteCredentialsStore,
  ensureOcpiSession,
  findOcpiToken,
  getCdrOfSession,
  getOcpiSession,
  getOcpiToken,
  listCdrs,
  listOcpiSessions,
  saveCdr,
  saveOcpiToken,
  updateOcpiSession,
  type OcpiSessionRecord,
} from './store.js';

export interface OcpiCpoHost {
  context: CsmsContext;
  /** the planner's site limit now, W */
  siteLimitW(): number | undefined;
  /** every trace event of the process (the CSMS's station events are read from it) */
  subscribe(fn: (event: TraceEvent) => void): () => void;
  tracer: Tracer;
}

const BPT_TO_UNIDIRECTIONAL: Record<string, string> = { AC_BPT: 'AC_three_phase', AC_BPT_DER: 'AC_DER', DC_BPT: 'DC', DC_ACDP_BPT: 'DC_ACDP' };
const STATION_EVENTS = /^(StatusNotification|TransactionEvent|StartTransaction|StopTransaction|MeterValues|BootNotification)Response$/;

const describe = (e: unknown): string => (e instanceof Error ? e.message : String(e));

export class OcpiCpo {
  readonly platform: OcpiPlatform;
  readonly party: Party;
  private listening: ListeningPlatform | undefined;
  private unsubscribe: (() => void) | undefined;
  /** per station: the charging-profile changes under way, one after the other */
  private readonly profileChains = new Map<string, Promise<void>>();
  /** every push to the parties, in order per party, retried while a party is down (push.ts) */
  private readonly pusher: CpoPusher;
  /** a START_SESSION under way per station/EVSE: how the session it starts was authorized */
  private readonly pendingStarts = new Map<string, { reference?: string; remoteStartId?: number; at: number }>();
  private readonly startedAt = new Date();
  private closed = false;
  /** the Locations and Sessions served to pulls, built again only when their data changed */
  private readonly pulls: PullCache;
  /** OCPI session id → its station (for activeSession) */
  private readonly sessionStations = new Map<string, string>();
  /** PullCache generation at which every active transaction last got its OCPI session */
  private sessionsEnsuredAt = -1;
  /** the site limit at the last look (null: not looked yet): a change caps the OCPI-set profiles again */
  private lastSiteLimitW: number | undefined | null = null;
  private siteLimitTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly cfg: OcpiCpoConfig,
    private readonly host: OcpiCpoHost,
  ) {
    this.pulls = new PullCache(() => host.context.now().getTime());
    const policy = pushPolicyOf(cfg.push);
    const party = parseOcpiParty(cfg.party);
    if (!party) throw new ConfigError([{ path: 'ocpi.party', message: 'a party is CC*PTY' }]);
    this.party = party;
    const ctx = host.context;
    this.platform = new OcpiPlatform({
      store: new SqliteCredentialsStore(ctx.store, ctx.writer),
      roles: [{ role: 'CPO', ...party, business_details: { name: cfg.name } }],
      tracer: host.tracer,
      // one layer of retries: the push queue's (push.ts)
      http: { timeoutMs: policy.timeoutMs, retries: 0 },
      ...(cfg.publicUrl ? { publicOrigin: cfg.publicUrl } : {}),
      modules: [
        locationsSenderPlugin({ list: (_c, q) => pageOf(this.pulledLocations(), q), get: (_c, id) => this.location(id) }),
        sessionsSenderPlugin({
          list: (_c, q) => pageOf(this.pulledSessions(), q),
          putChargingPreferences: (c, id, prefs) => this.chargingPreferences(c, id, prefs),
        }),
        cdrsSenderPlugin({ list: (_c, q) => pageOf(listCdrs(ctx.store), q) }),
        tariffsSenderPlugin({ list: (_c, q) => pageOf(this.tariffs(), q) }),
        tokensReceiverPlugin({
          get: (_c, k) => getOcpiToken(ctx.store, { country_code: k.country_code, party_id: k.party_id, uid: k.token_uid, type: k.type }),
          put: (_c, _k, token) => this.storeToken(token),
          patch: async (_c, k, patch) => {
            const t = getOcpiToken(ctx.store, { country_code: k.country_code, party_id: k.party_id, uid: k.token_uid, type: k.type });
            if (!t) throw OcpiError.notFound(`unknown token ${k.token_uid}`, OcpiStatus.UnknownToken);
            await this.storeToken({ ...t, ...(patch as Partial<Token>), last_updated: (patch as TokenPatch).last_updated });
          },
        }),
        commandsReceiverPlugin({ command: (c, r) => this.command(c, r) }),
        chargingProfilesReceiverPlugin({
          getActive: (c, id, duration, url) => this.getActiveProfile(c, id, duration, url),
          set: (c, id, r) => this.setProfile(c, id, r),
          clear: (c, id, url) => this.clearProfile(c, id, url),
        }),
      ],
    });
    this.pusher = new CpoPusher(
      this.platform,
      {
        location: (id) => this.location(id),
        openSessions: (id) => this.openSessions(id),
        session: (rec) => this.session(rec),
        cdr: (session) => this.storedCdr(session),
        completed: (id) => this.ctx.writer.write(() => updateOcpiSession(this.ctx.store, id, { completed: true }, this.ctx.now())),
      },
      policy,
      (line) => ctx.log(line),
      host.tracer,
    );
  }

  private get ctx(): CsmsContext {
    return this.host.context;
  }

  /** Listens, hands out the configured token A, starts following the station events. */
  async start(): Promise<void> {
    for (const t of this.tariffs()) {
      const v = validateOcpiObject('Tariff', t);
      if (!v.valid) throw new ConfigError([{ path: 'ocpi.tariffs', message: `tariff ${t.id}${v.message}` }]);
    }
    this.listening = await this.platform.listen({ host: this.cfg.host, port: this.cfg.port }).catch((e: unknown) => {
      throw new Error(`OCPI: cannot listen on ${this.cfg.host}:${this.cfg.port}: ${describe(e)}`);
    });
    if (this.cfg.tokenA) {
      const peer = await this.platform.store.get(this.cfg.tokenAPeer);
      if (peer?.status !== 'registered') await this.platform.store.save({ ...(peer ?? {}), id: this.cfg.tokenAPeer, status: 'pending', tokenA: this.cfg.tokenA });
    }
    // a station going on- or offline changes its EVSEs' status (offline: UNKNOWN)
    this.ctx.server.on('connection', (conn) => {
      void this.stationChanged(conn.identity);
      conn.on('close', () => void this.stationChanged(conn.identity));
    });
    this.unsubscribe = this.host.subscribe((e) => {
      if (e.direction === 'tx' && e.protocol.startsWith('ocpp') && e.peer && STATION_EVENTS.test(e.message)) this.stationChanged(e.peer);
    });
    // a changed site limit is seen when the planner runs (fixedW) and, with no policy, here
    this.lastSiteLimitW = this.host.siteLimitW();
    this.siteLimitTimer = setInterval(() => this.checkSiteLimit(), 1_000).unref();
  }

  get versionsUrl(): string {
    return this.platform.versionsUrl;
  }

  get url(): string | undefined {
    return this.listening?.url;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.unsubscribe?.();
    clearInterval(this.siteLimitTimer);
    // pushes still waiting are dropped (the next start sends every party the whole state again)
    this.pusher.close();
    await Promise.allSettled([...this.profileChains.values()]);
    await this.listening?.close();
  }

  /** Waits until every push under way is done (tests, the control API); with a party down, until it is back or given up. */
  async settled(): Promise<void> {
    while (this.profileChains.size > 0) await Promise.allSettled([...this.profileChains.values()]);
    await this.pusher.settled();
  }

  // ------------------------------------------------------------------ objects

  tariffs(): Tariff[] {
    return tariffsOf(this.cfg, this.party, this.startedAt);
  }

  private evseMaxPowerW(stationId: string): number {
    return this.ctx.config.stations.find((s) => s.id === stationId)?.evseMaxPowerW ?? this.ctx.config.evseMaxPowerW;
  }

  location(stationId: string): Location | undefined {
    const station = getStation(this.ctx.store, stationId);
    if (!station) return undefined;
    const busy = new Set(listTransactions(this.ctx.store, { stationId, state: 'Active' }).flatMap((t) => (t.evseId !== null ? [t.evseId] : [])));
    return locationOf(
      this.cfg,
      this.party,
      {
        station,
        connectors: listConnectorStatus(this.ctx.store, stationId),
        online: this.ctx.server.connections.has(stationId),
        evseMaxPowerW: this.evseMaxPowerW(stationId),
        tariffIds: this.tariffs().map((t) => t.id),
        busyEvses: busy,
      },
      this.ctx.now(),
    );
  }

  locations(): Location[] {
    return listStations(this.ctx.store).flatMap((s) => this.location(s.id) ?? []);
  }

  /** The OCPI session of every transaction seen so far (active ones get their id now). */
  sessions(): Session[] {
    for (const tx of listTransactions(this.ctx.store, { state: 'Active' })) this.sessionRecord(tx);
    return listOcpiSessions(this.ctx.store).flatMap((r) => this.session(r) ?? []);
  }

  /** locations(), each Location built again only when its station changed (pull-cache.ts) */
  private pulledLocations(): readonly Location[] {
    return this.pulls.list('locations', () => listStations(this.ctx.store).flatMap((s) => this.pulls.get(`L ${s.id}`, s.id, () => this.location(s.id)) ?? []));
  }

  /** sessions(), each Session built again only when its station, its token or the time changed */
  private pulledSessions(): readonly Session[] {
    // a new transaction comes with a station event: without one since the last look, none is new
    if (this.sessionsEnsuredAt !== this.pulls.generation) {
      for (const tx of listTransactions(this.ctx.store, { state: 'Active' })) this.sessionRecord(tx);
      this.sessionsEnsuredAt = this.pulls.generation;
    }
    return this.pulls.list('sessions', () => listOcpiSessions(this.ctx.store).flatMap((r) => this.pulls.get(`S ${r.sessionId}`, r.stationId, () => this.session(r)) ?? []));
  }

  private sessionRecord(tx: TransactionRecord): OcpiSessionRecord {
    const key = `${tx.stationId}/${tx.evseId ?? 1}`;
    const pending = this.pendingStarts.get(key);
    const existing = ensureOcpiSession(this.ctx.store, tx.stationId, tx.transactionId, {}, this.ctx.now());
    // the session a START_SESSION started: by its remoteStartId (2.x), else the first one on that EVSE (1.6)
    const started = pending && Date.now() - pending.at < 10 * 60_000 && (pending.remoteStartId === undefined || pending.remoteStartId === tx.remoteStartId);
    if (pending && started && existing.authMethod === null && tx.state === 'Active') {
      this.pendingStarts.delete(key);
      updateOcpiSession(this.ctx.store, existing.sessionId, { authMethod: 'COMMAND', ...(pending.reference ? { authorizationReference: pending.reference } : {}) });
      this.pulls.stationChanged(tx.stationId);
      return { ...existing, authMethod: 'COMMAND', authorizationReference: pending.reference ?? null };
    }
    return existing;
  }

  session(r: OcpiSessionRecord): Session | undefined {
    const tx = getTransaction(this.ctx.store, r.stationId, r.transactionId);
    if (!tx) return undefined;
    const values = listMeterValues(this.ctx.store, { stationId: tx.stationId, transactionId: tx.transactionId });
    const token = tx.idToken ? findOcpiToken(this.ctx.store, tx.idToken) : undefined;
    const tariff = this.tariffs()[0];
    const hours = Math.max(0, (tx.endedAt ? Date.parse(tx.endedAt) : this.ctx.now().getTime()) - Date.parse(tx.startedAt ?? tx.updatedAt)) / 3_600_000;
    return sessionOf(this.party, {
      sessionId: r.sessionId,
      tx,
      values,
      token,
      authMethod: r.authMethod,
      authorizationReference: r.authorizationReference,
      currency: tariff?.currency ?? this.cfg.currency,
      cost: costOf(tariff, kwhOf(values, tx), hours).excl,
      now: this.ctx.now(),
    });
  }

  /**
   * The charging needs to plan a transaction with when its EV tells its needs again (a
   * renegotiation): the driver's last accepted preferences over them, or undefined without any.
   */
  driverNeeds(stationId: string, transactionId: string, evNeeds: NotifyEVChargingNeedsLike): NotifyEVChargingNeedsLike | undefined {
    const rec = listOcpiSessions(this.ctx.store, { stationId }).find((r) => r.transactionId === transactionId);
    const tx = rec?.preferences ? getTransaction(this.ctx.store, stationId, transactionId) : undefined;
    if (!rec?.preferences || !tx || tx.evseId === null) return undefined;
    return needsFromPreferences(evNeeds, tx.evseId, rec.preferences, this.remainingWh(tx, rec.preferences), this.cfg.connector.powerType === 'DC');
  }

  /** what the driver still needs, Wh: their energy need less what was delivered (undefined: none stated) */
  private remainingWh(tx: TransactionRecord, prefs: ChargingPreferences): number | undefined {
    if (prefs.energy_need === undefined) return undefined;
    const values = listMeterValues(this.ctx.store, { stationId: tx.stationId, transactionId: tx.transactionId });
    return Math.max(0, prefs.energy_need - kwhOf(values, tx)) * 1000;
  }

  private sessionById(sessionId: string): { rec: OcpiSessionRecord; tx: TransactionRecord } | undefined {
    const rec = getOcpiSession(this.ctx.store, sessionId);
    const tx = rec && getTransaction(this.ctx.store, rec.stationId, rec.transactionId);
    return rec && tx ? { rec, tx } : undefined;
  }

  // ------------------------------------------------------------------ push (push.ts)

  /** A station event was stored: every receiving party gets the station's state (push.ts); resolves when they have it. */
  stationChanged(stationId: string): Promise<void> {
    this.pulls.stationChanged(stationId);
    if (this.closed) return Promise.resolve();
    return this.pusher.stationChanged(stationId).then(() => undefined);
  }

  /** the station's OCPI sessions not completed yet, new transactions given theirs first */
  private openSessions(stationId: string): OcpiSessionRecord[] {
    for (const tx of listTransactions(this.ctx.store, { stationId, state: 'Active' })) this.sessionRecord(tx);
    return listOcpiSessions(this.ctx.store, { stationId, open: true });
  }

  /** The CDR of a completed session, built and stored once. */
  private async storedCdr(session: Session): Promise<CDR | undefined> {
    const stored = getCdrOfSession(this.ctx.store, session.id);
    if (stored) return stored;
    const location = this.location(session.location_id);
    if (!location) return undefined;
    const built = cdrOf(session, location, this.tariffs()[0], this.ctx.now());
    await this.ctx.writer.write(() => {
      if (!getCdrOfSession(this.ctx.store, session.id)) saveCdr(this.ctx.store, built);
    });
    return getCdrOfSession(this.ctx.store, session.id) ?? built;
  }

  // ------------------------------------------------------------------ tokens

  /**
   * A token an eMSP pushed: kept as OCPI sent it, and as OCPP id tokens (its uid, and its
   * contract_id as eMAID) unless the eMSP wants every use authorized in real time
   * (whitelist NEVER, mod_tokens): those stay unknown to Authorize, which then asks the eMSP.
   */
  async storeToken(token: Token): Promise<'created' | 'updated'> {
    const v = validateOcpiObject('Token', token);
    if (!v.valid) throw OcpiError.invalid(`token${v.message}`);
    return this.ctx.writer.write(() => {
      this.pulls.sharedChanged();
      const outcome = saveOcpiToken(this.ctx.store, token, this.ctx.now());
      const ids: [string, string][] = [[token.uid, ocppTokenTypeOf(token.type)]];
      if (token.contract_id !== token.uid) ids.push([token.contract_id, 'eMAID']);
      for (const [idToken, type] of ids) {
        if (token.whitelist === 'NEVER' && token.valid) deleteIdToken(this.ctx.store, idToken, type);
        else upsertIdToken(this.ctx.store, { idToken, type, status: token.valid ? 'Accepted' : 'Blocked', ...(token.group_id ? { groupIdToken: token.group_id } : {}) }, this.ctx.now());
      }
      return outcome;
    });
  }

  /**
   * Real-time authorization (mod_tokens, POST {tokens}/{uid}/authorize) of a token the CSMS has no
   * whitelist entry for, at every eMSP that offers it; the answer is stored as the id token's status.
   */
  async authorizeUnknown(idToken: string, ocppType: string | undefined): Promise<void> {
    const known = getIdToken(this.ctx.store, idToken, ocppType) ?? (ocppType !== undefined ? getIdToken(this.ctx.store, idToken) : undefined);
    const ocpiToken = findOcpiToken(this.ctx.store, idToken);
    if (known && ocpiToken?.whitelist !== 'NEVER') return;
    const peers = (await this.platform.store.list()).filter((p) => p.status === 'registered' && p.endpoints?.some((e) => e.identifier === 'tokens' && e.role === 'SENDER'));
    const types = ocpiToken ? [ocpiToken.type] : ocppType === 'eMAID' ? (['APP_USER', 'OTHER'] as const) : ocppType === undefined || ocppType === 'ISO14443' || ocppType === 'ISO15693' ? (['RFID'] as const) : (['OTHER', 'APP_USER'] as const);
    for (const peer of peers) {
      const client = await this.platform.client(peer.id);
      for (const type of types) {
        try {
          const info = await withTimeout(client.tokens.sender.authorize(idToken, type), Math.min(this.ctx.config.callTimeoutMs, 10_000));
          const status = info.allowed === 'ALLOWED' ? 'Accepted' : info.allowed === 'BLOCKED' ? 'Blocked' : info.allowed === 'EXPIRED' ? 'Expired' : 'Invalid';
          await this.ctx.writer.write(() => {
            this.pulls.sharedChanged();
            saveOcpiToken(this.ctx.store, info.token, this.ctx.now());
            upsertIdToken(this.ctx.store, { idToken, type: ocppType ?? 'Central', status }, this.ctx.now());
          });
          this.ctx.log(`ocpi: ${peer.id} authorized ${idToken} (${type}): ${info.allowed}`);
          return;
        } catch (e) {
          if (!(e instanceof OcpiError && e.statusCode === OcpiStatus.UnknownToken)) this.ctx.log(`ocpi: real-time authorization of ${idToken} at ${peer.id}: ${describe(e)}`);
        }
      }
    }
  }

  // ------------------------------------------------------------------ charging preferences

  /**
   * mod_sessions charging_preferences: checked, stored, and turned into the session's charging
   * needs (departure time, energy need, bidirectional or not) so the planner re-plans it and the
   * new TxProfile goes to the station (whose SECC renegotiates the schedule with the EV).
   */
  async chargingPreferences(_c: OcpiRequestContext, sessionId: string, prefs: ChargingPreferences): Promise<ChargingPreferencesResponse | undefined> {
    const found = this.sessionById(sessionId);
    if (!found) return undefined;
    const { rec, tx } = found;
    if (!this.cfg.profileTypes.includes(prefs.profile_type)) return 'PROFILE_TYPE_NOT_SUPPORTED';
    // a cheap or green plan needs to know until when it may shift the energy, and how much
    if ((prefs.profile_type === 'CHEAP' || prefs.profile_type === 'GREEN') && !prefs.departure_time) return 'DEPARTURE_REQUIRED';
    if ((prefs.profile_type === 'CHEAP' || prefs.profile_type === 'GREEN') && prefs.energy_need === undefined) return 'ENERGY_NEED_REQUIRED';
    if (tx.state !== 'Active' || tx.evseId === null) return 'NOT_POSSIBLE';
    const now = this.ctx.now().getTime();
    const departure = prefs.departure_time ? Date.parse(prefs.departure_time) : undefined;
    if (departure !== undefined && departure <= now) return 'NOT_POSSIBLE';
    const remainingWh = this.remainingWh(tx, prefs);
    const base = latestChargingNeeds(this.ctx.store, tx.stationId, tx.evseId);
    const evMaxW = base?.evMaxPowerW ?? undefined;
    const maxW = Math.min(this.evseMaxPowerW(tx.stationId), evMaxW ?? Infinity);
    // energy the EVSE cannot deliver by the departure time even at full power
    if (remainingWh !== undefined && departure !== undefined && remainingWh > (maxW * (departure - now)) / 3_600_000) return 'NOT_POSSIBLE';
    const needs = needsFromPreferences(base?.transactionId === tx.transactionId ? (base.raw as NotifyEVChargingNeedsLike) : undefined, tx.evseId, prefs, remainingWh, this.cfg.connector.powerType === 'DC');
    await this.ctx.writer.write(() => {
      updateOcpiSession(this.ctx.store, rec.sessionId, { preferences: prefs }, this.ctx.now());
      insertChargingNeeds(this.ctx.store, tx.stationId, needs, { transactionId: tx.transactionId, receivedAt: this.ctx.now() });
    });
    this.ctx.planner.siteChanged(`charging preferences ${rec.sessionId} (${prefs.profile_type})`);
    return 'ACCEPTED';
  }

  // ------------------------------------------------------------------ commands

  private evseOf(locationId: string, uid: string | undefined): { stationId: string; evseId?: number } | undefined {
    const location = this.location(locationId);
    if (!location) return undefined;
    if (uid === undefined) return { stationId: location.id };
    if (!location.evses?.some((e) => e.uid === uid)) return undefined;
    return { stationId: location.id, evseId: Number(uid.slice(location.id.length + 1)) };
  }

  private async sendResult(peerId: string, url: string, result: CommandResult): Promise<void> {
    await this.pusher.send(peerId, `POST CommandResult ${result.result} to ${url}`, (c) => c.commands.sender.result(url, result));
  }

  async command(c: OcpiRequestContext, r: CommandRequest): Promise<CommandResponse> {
    const timeout = this.cfg.resultTimeoutS;
    const answer = (result: CommandResponse['result'], text?: string): CommandResponse => ({ result, timeout, ...(text ? { message: [{ language: 'en', text }] } : {}) });
    const later = (url: string, work: () => Promise<CommandResultType>) => {
      void work()
        .catch((e: unknown) => {
          this.ctx.log(`ocpi: ${r.type}: ${describe(e)}`);
          if (e instanceof CsmsError) return e.code === 'StationOffline' ? 'EVSE_INOPERATIVE' : /within/.test(e.message) ? 'TIMEOUT' : 'FAILED';
          return 'FAILED';
        })
        .then((result) => this.sendResult(c.peer.id, url, { result }));
    };
    switch (r.type) {
      case 'START_SESSION': {
        const b = r.body;
        const at = this.evseOf(b.location_id, b.evse_uid);
        if (!at) return answer('REJECTED', `unknown location ${b.location_id}${b.evse_uid ? `/${b.evse_uid}` : ''}`);
        if (!this.ctx.server.connections.has(at.stationId)) return answer('REJECTED', `${at.stationId} is offline`);
        later(b.response_url, async () => {
          // the eMSP vouches for the token it sends (mod_commands): the station's Authorize/TransactionEvent accept it
          await this.storeToken({ ...b.token, whitelist: b.token.whitelist === 'NEVER' ? 'ALLOWED' : b.token.whitelist });
          const key = `${at.stationId}/${at.evseId ?? 1}`;
          const pending = { ...(b.authorization_reference ? { reference: b.authorization_reference } : {}), at: Date.now() };
          this.pendingStarts.set(key, pending);
          const res = await requestStartTransaction(this.ctx, at.stationId, { idToken: b.token.uid, idTokenType: ocppTokenTypeOf(b.token.type), evseId: at.evseId ?? 1 });
          if (typeof res.remoteStartId === 'number') this.pendingStarts.set(key, { ...pending, remoteStartId: res.remoteStartId });
          if (res.status !== 'Accepted') this.pendingStarts.delete(key);
          return res.status === 'Accepted' ? 'ACCEPTED' : 'REJECTED';
        });
        return answer('ACCEPTED');
      }
      case 'STOP_SESSION': {
        const found = this.sessionById(r.body.session_id);
        if (!found) return answer('UNKNOWN_SESSION', `unknown session ${r.body.session_id}`);
        if (found.tx.state !== 'Active') return answer('REJECTED', `session ${r.body.session_id} has ended`);
        later(r.body.response_url, async () => {
          const res = await requestStopTransaction(this.ctx, found.tx.stationId, { transactionId: found.tx.transactionId });
          return res.status === 'Accepted' ? 'ACCEPTED' : 'REJECTED';
        });
        return answer('ACCEPTED');
      }
      case 'UNLOCK_CONNECTOR': {
        const at = this.evseOf(r.body.location_id, r.body.evse_uid);
        if (!at || at.evseId === undefined) return answer('REJECTED', `unknown EVSE ${r.body.location_id}/${r.body.evse_uid}`);
        later(r.body.response_url, async () => {
          const res = await unlockConnector(this.ctx, at.stationId, { evseId: at.evseId!, connectorId: Number(r.body.connector_id) || 1 });
          return res.status === 'Unlocked' ? 'ACCEPTED' : 'FAILED';
        });
        return answer('ACCEPTED');
      }
      case 'RESERVE_NOW':
      case 'CANCEL_RESERVATION':
        return answer('NOT_SUPPORTED', 'this CPO takes no reservations');
      default: {
        const never: never = r;
        return never;
      }
    }
  }

  // ------------------------------------------------------------------ charging profiles

  /** Runs `work` after every profile change of the station asked for before it (in arrival order). */
  private profileWork<T>(stationId: string, work: () => Promise<T>): Promise<T> {
    const before = this.profileChains.get(stationId) ?? Promise.resolve();
    const result = before.then(work);
    const done = result.then(
      () => undefined,
      () => undefined,
    );
    this.profileChains.set(stationId, done);
    void done.then(() => {
      if (this.profileChains.get(stationId) === done) this.profileChains.delete(stationId);
    });
    return result;
  }

  private profileAnswer(result: ChargingProfileResponse['result']): ChargingProfileResponse {
    return { result, timeout: this.cfg.resultTimeoutS };
  }

  private async postProfileResult(peerId: string, url: string, result: Parameters<Awaited<ReturnType<OcpiPlatform['client']>>['chargingProfiles']['sender']['result']>[1]): Promise<void> {
    await this.pusher.send(peerId, `POST charging profile result ${result.result} to ${url}`, (c) => c.chargingProfiles.sender.result(url, result));
  }

  /**
   * The session and its transaction, for the charging-profile requests (each PUT, GET and DELETE):
   * kept like a pulled object, read again when its station changed (a transaction that ends is a
   * station event) or after PullCache's maxAgeMs. `rec` is as of then: read what OCPI set afresh.
   */
  private activeSession(sessionId: string): { rec: OcpiSessionRecord; tx: TransactionRecord & { evseId: number } } | 'UNKNOWN_SESSION' | 'REJECTED' {
    const stationId = this.sessionStations.get(sessionId);
    const found = stationId === undefined ? this.sessionById(sessionId) : this.pulls.get(`A ${sessionId}`, stationId, () => this.sessionById(sessionId));
    // an OCPI session id stands for one station's transaction for good
    if (found && stationId === undefined) {
      if (this.sessionStations.size >= 100_000) this.sessionStations.clear();
      this.sessionStations.set(sessionId, found.rec.stationId);
    }
    if (!found || found.tx.state !== 'Active' || found.tx.evseId === null) return 'UNKNOWN_SESSION';
    if (!this.ctx.server.connections.has(found.tx.stationId)) return 'REJECTED';
    return found as { rec: OcpiSessionRecord; tx: TransactionRecord & { evseId: number } };
  }

  async getActiveProfile(c: OcpiRequestContext, sessionId: string, duration: number, responseUrl: string): Promise<ChargingProfileResponse> {
    const s = this.activeSession(sessionId);
    if (typeof s === 'string') return this.profileAnswer(s);
    void (async () => {
      try {
        const { composite } = await getCompositeSchedule(this.ctx, s.tx.stationId, { evseId: s.tx.evseId, durationS: duration, chargingRateUnit: 'W' });
        if (!composite) return this.postProfileResult(c.peer.id, responseUrl, { result: 'REJECTED' });
        await this.postProfileResult(c.peer.id, responseUrl, { result: 'ACCEPTED', profile: activeProfileOf(composite, this.evseMaxPowerW(s.tx.stationId)) });
      } catch (e) {
        this.ctx.log(`ocpi: active profile of ${sessionId}: ${describe(e)}`);
        await this.postProfileResult(c.peer.id, responseUrl, { result: 'UNKNOWN' });
      }
    })();
    return this.profileAnswer('ACCEPTED');
  }

  /** W (or A) a session's OCPI profile limits it to now: the planner counts it as a fixed load. */
  fixedW(key: string): number | undefined {
    this.checkSiteLimit();
    const [stationId, transactionId] = [key.slice(0, key.indexOf('/')), key.slice(key.indexOf('/') + 1)];
    const rec = listOcpiSessions(this.ctx.store, { stationId, open: true }).find((r) => r.transactionId === transactionId);
    if (!rec?.applied || rec.profileOwner === null) return undefined;
    const limit = currentLimit(rec.applied, this.ctx.now().getTime());
    return rec.applied.charging_rate_unit === 'A' ? limit * this.ctx.config.ac.voltageV * this.ctx.config.ac.phases : limit;
  }

  /** The cap of an OCPI-set profile (W): the EVSE rating, and the site limit less the other OCPI-set sessions. */
  private capW(rec: OcpiSessionRecord): number {
    let cap = this.evseMaxPowerW(rec.stationId);
    const site = this.host.siteLimitW();
    if (site !== undefined) {
      const others = listOcpiSessions(this.ctx.store, { open: true })
        .filter((r) => r.sessionId !== rec.sessionId)
        .reduce((sum, r) => sum + (this.fixedW(`${r.stationId}/${r.transactionId}`) ?? 0), 0);
      cap = Math.min(cap, Math.max(0, site - others));
    }
    return cap;
  }

  async setProfile(c: OcpiRequestContext, sessionId: string, r: SetChargingProfile): Promise<ChargingProfileResponse> {
    const s = this.activeSession(sessionId);
    if (typeof s === 'string') return this.profileAnswer(s);
    const { tx } = s;
    // one profile change at a time per station: profile ids are per station, and a second PUT
    // for a session must see the profile id the first one stored (else a duplicate, K01.FR.39)
    const applying = this.profileWork(tx.stationId, async () => {
      let result: 'ACCEPTED' | 'REJECTED' | 'UNKNOWN' = 'REJECTED';
      let changed: ActiveChargingProfile | undefined;
      try {
        const rec = getOcpiSession(this.ctx.store, sessionId) ?? s.rec;
        const capW = this.capW(rec);
        const unit = r.charging_profile.charging_rate_unit;
        const cap = unit === 'A' ? capW / (this.ctx.config.ac.voltageV * this.ctx.config.ac.phases) : capW;
        const id = rec.profileId ?? nextProfileId(this.ctx, tx.stationId);
        const { profile, applied } = txProfileOf(r.charging_profile, { id, stackLevel: this.cfg.profileStackLevel, transactionId: tx.transactionId, cap });
        const hasNeeds = latestChargingNeeds(this.ctx.store, tx.stationId, tx.evseId) !== undefined;
        const res = await setChargingProfile(this.ctx, tx.stationId, tx.evseId, profile, { iso15118: hasNeeds });
        if (res.status === 'Accepted') {
          result = 'ACCEPTED';
          await this.ctx.writer.write(() =>
            updateOcpiSession(this.ctx.store, sessionId, { profileOwner: c.peer.id, profileId: id, profile: r.charging_profile, applied }, this.ctx.now()),
          );
          this.ctx.planner.siteChanged(`OCPI charging profile ${sessionId} from ${c.peer.id}`);
          const capped = applied.charging_profile_period?.some((p, i) => p.limit !== r.charging_profile.charging_profile_period?.[i]?.limit);
          if (capped) changed = { start_date_time: applied.start_date_time ?? ocpiNow(new Date(tx.startedAt ?? this.ctx.now())), charging_profile: applied };
        }
      } catch (e) {
        this.ctx.log(`ocpi: charging profile for ${sessionId}: ${describe(e)}`);
        result = e instanceof CsmsError && e.code === 'InvalidRequest' ? 'REJECTED' : 'UNKNOWN';
      }
      return { result, changed };
    });
    void applying.then(async ({ result, changed }) => {
      await this.postProfileResult(c.peer.id, r.response_url, { result });
      // the profile was applied capped: the party that set it learns the active one (mod_charging_profiles)
      if (changed) await this.pushActiveProfile(c.peer.id, sessionId, changed);
    });
    return this.profileAnswer('ACCEPTED');
  }

  /** The site limit changed since the last look: the OCPI-set profiles are capped again (recap). */
  private checkSiteLimit(): void {
    if (this.closed || this.lastSiteLimitW === null) return;
    const now = this.host.siteLimitW();
    if (now === this.lastSiteLimitW) return;
    const before = this.lastSiteLimitW;
    this.lastSiteLimitW = now;
    void this.recap(`site limit ${before ?? 'none'} → ${now ?? 'none'} W`);
  }

  /**
   * Caps every profile set through OCPI again after a change of the site limit: the sessions
   * share the new limit in proportion to what their profiles ask for now (never more than that
   * share or the EVSE rating; all they ask when it fits). A profile whose applied periods change
   * goes to the station again (same profile id: it replaces the old one), and the party that set
   * it gets the new ActiveChargingProfile (PUT to its chargingprofiles Sender endpoint).
   */
  async recap(reason: string): Promise<void> {
    const recs = listOcpiSessions(this.ctx.store, { open: true }).filter((r) => r.profileOwner !== null && r.profileId !== null && r.profile !== null);
    if (recs.length === 0) return;
    const site = this.host.siteLimitW();
    const now = this.ctx.now().getTime();
    const perA = this.ctx.config.ac.voltageV * this.ctx.config.ac.phases;
    const asW = (p: OcpiChargingProfile, limit: number): number => (p.charging_rate_unit === 'A' ? limit * perA : limit);
    const asks = recs.map((r) => Math.min(asW(r.profile!, currentLimit(r.profile!, now)), this.evseMaxPowerW(r.stationId)));
    const total = asks.reduce((a, b) => a + b, 0);
    await Promise.all(
      recs.map((r, i) => {
        const capW = site === undefined || total <= site ? this.evseMaxPowerW(r.stationId) : Math.min(this.evseMaxPowerW(r.stationId), (site * asks[i]!) / total);
        return this.profileWork(r.stationId, () => this.applyCap(r.sessionId, capW, reason)).catch((e: unknown) => this.ctx.log(`ocpi: capping the profile of ${r.sessionId} again: ${describe(e)}`));
      }),
    );
  }

  private async applyCap(sessionId: string, capW: number, reason: string): Promise<void> {
    const rec = getOcpiSession(this.ctx.store, sessionId);
    // cleared or ended meanwhile: nothing to cap
    if (!rec?.profile || rec.profileOwner === null || rec.profileId === null) return;
    const tx = getTransaction(this.ctx.store, rec.stationId, rec.transactionId);
    if (!tx || tx.state !== 'Active' || tx.evseId === null) return;
    const cap = rec.profile.charging_rate_unit === 'A' ? capW / (this.ctx.config.ac.voltageV * this.ctx.config.ac.phases) : capW;
    const { profile, applied } = txProfileOf(rec.profile, { id: rec.profileId, stackLevel: this.cfg.profileStackLevel, transactionId: tx.transactionId, cap });
    if (JSON.stringify(applied.charging_profile_period) === JSON.stringify(rec.applied?.charging_profile_period)) return;
    if (!this.ctx.server.connections.has(tx.stationId)) {
      this.ctx.log(`ocpi: ${sessionId}: ${tx.stationId} is offline: its OCPI profile is not capped again (${reason})`);
      return;
    }
    const hasNeeds = latestChargingNeeds(this.ctx.store, tx.stationId, tx.evseId) !== undefined;
    const res = await setChargingProfile(this.ctx, tx.stationId, tx.evseId, profile, { iso15118: hasNeeds });
    if (res.status !== 'Accepted') {
      this.ctx.log(`ocpi: ${sessionId}: the station answered ${res.status} to the profile capped again (${reason})`);
      return;
    }
    await this.ctx.writer.write(() => updateOcpiSession(this.ctx.store, sessionId, { applied }, this.ctx.now()));
    this.ctx.planner.siteChanged(`OCPI charging profile ${sessionId} capped again`);
    this.ctx.log(`ocpi: ${sessionId}: the profile of ${rec.profileOwner} capped again at ${Math.round(capW)} W (${reason})`);
    void this.pushActiveProfile(rec.profileOwner, sessionId, { start_date_time: applied.start_date_time ?? ocpiNow(new Date(tx.startedAt ?? this.ctx.now())), charging_profile: applied });
  }

  async pushActiveProfile(peerId: string, sessionId: string, profile: ActiveChargingProfile): Promise<void> {
    await this.pusher.send(peerId, `PUT active profile of ${sessionId}`, (c) => c.chargingProfiles.sender.putActive(sessionId, profile));
  }

  async clearProfile(c: OcpiRequestContext, sessionId: string, responseUrl: string): Promise<ChargingProfileResponse> {
    const s = this.activeSession(sessionId);
    if (typeof s === 'string') return this.profileAnswer(s);
    const { tx } = s;
    const clearing = this.profileWork(tx.stationId, async () => {
      let result: 'ACCEPTED' | 'REJECTED' | 'UNKNOWN' = 'UNKNOWN';
      try {
        const rec = getOcpiSession(this.ctx.store, sessionId) ?? s.rec;
        if (rec.profileId !== null) {
          const res = await clearChargingProfile(this.ctx, tx.stationId, { profileId: rec.profileId });
          result = res.status === 'Accepted' ? 'ACCEPTED' : res.status === 'Unknown' ? 'UNKNOWN' : 'REJECTED';
          if (result !== 'REJECTED') {
            await this.ctx.writer.write(() => updateOcpiSession(this.ctx.store, sessionId, { profileOwner: null, profileId: null, profile: null, applied: null }, this.ctx.now()));
            // back to the CSMS's own plan for this session
            this.ctx.planner.siteChanged(`OCPI charging profile ${sessionId} cleared by ${c.peer.id}`);
          }
        }
      } catch (e) {
        this.ctx.log(`ocpi: clearing the profile of ${sessionId}: ${describe(e)}`);
        result = 'REJECTED';
      }
      return result;
    });
    void clearing.then((result) => this.postProfileResult(c.peer.id, responseUrl, { result }));
    return this.profileAnswer('ACCEPTED');
  }

  // ------------------------------------------------------------------ control

  status(): Record<string, unknown> {
    return { versionsUrl: this.listening ? this.versionsUrl : null, party: `${this.party.country_code}*${this.party.party_id}`, pushesWaiting: this.pusher.status() };
  }

  /** evse uid of a station's EVSE (for tests and the control API) */
  evseUid(stationId: string, evseId: number): string {
    return evseUid(stationId, evseId);
  }
}

/** The limit of the profile's period in force at `now` (a Relative profile: its first period). */
function currentLimit(p: OcpiChargingProfile, now: number): number {
  const periods = p.charging_profile_period ?? [];
  if (periods.length === 0) return 0;
  if (!p.start_date_time) return periods[0]!.limit;
  const elapsed = (now - Date.parse(p.start_date_time)) / 1000;
  if (p.duration !== undefined && elapsed >= p.duration) return periods[periods.length - 1]!.limit;
  let limit = periods[0]!.limit;
  for (const x of periods) if (x.start_period <= elapsed) limit = x.limit;
  return limit;
}

/**
 * Charging needs from the driver's preferences, on top of what the EV told (the latest
 * NotifyEVChargingNeeds of the transaction, if any): the departure time (FAST: none, as soon as
 * possible), the energy still to charge, and the energy transfer mode bidirectional only when
 * discharge is allowed and the EV offers such a mode.
 */
export function needsFromPreferences(base: NotifyEVChargingNeedsLike | undefined, evseId: number, prefs: ChargingPreferences, remainingWh: number | undefined, dc: boolean): NotifyEVChargingNeedsLike {
  const cn = structuredClone(base?.chargingNeeds ?? { requestedEnergyTransfer: dc ? 'DC' : 'AC_three_phase' });
  delete cn.departureTime;
  if (prefs.departure_time && prefs.profile_type !== 'FAST') cn.departureTime = new Date(prefs.departure_time).toISOString();
  if (remainingWh !== undefined) {
    if (cn.v2xChargingParameters) cn.v2xChargingParameters.evTargetEnergyRequest = remainingWh;
    if (cn.dcChargingParameters) cn.dcChargingParameters.energyAmount = remainingWh;
    if (cn.acChargingParameters || (!cn.dcChargingParameters && !cn.v2xChargingParameters)) {
      if (dc) cn.dcChargingParameters = { ...(cn.dcChargingParameters ?? {}), energyAmount: remainingWh };
      else cn.acChargingParameters = { ...(cn.acChargingParameters ?? {}), energyAmount: remainingWh };
    }
  }
  const bidirectional = (cn.availableEnergyTransfer ?? []).find((m) => m in BPT_TO_UNIDIRECTIONAL);
  if (prefs.discharge_allowed === true && bidirectional) cn.requestedEnergyTransfer = bidirectional;
  else if (cn.requestedEnergyTransfer in BPT_TO_UNIDIRECTIONAL) cn.requestedEnergyTransfer = BPT_TO_UNIDIRECTIONAL[cn.requestedEnergyTransfer]!;
  return { evseId, ...(base?.maxScheduleTuples !== undefined ? { maxScheduleTuples: base.maxScheduleTuples } : {}), chargingNeeds: cn };
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    p.then(
      (v) => (clearTimeout(t), resolve(v)),
      (e: unknown) => (clearTimeout(t), reject(e instanceof Error ? e : new Error(String(e)))),
    );
  });
}
