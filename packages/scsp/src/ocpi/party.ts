// The SCSP as an OCPI 2.2.1 party with the roles SCSP and EMSP (one OcpiPlatform):
//   - registers with the CPO (token A + its versions URL, the full credentials handshake);
//   - Sessions Receiver and CDRs Receiver: stores what the CPO pushes;
//   - Locations Receiver and Tariffs Receiver (eMSP, locations.ts): stores what the CPO pushes,
//     and pulls the CPO's lists after registration;
//   - Tokens Sender (eMSP): the drivers' tokens, real-time authorization; pushed to the CPO's
//     Tokens Receiver when it has one;
//   - sets the drivers' charging preferences (PUT {sessions}/{id}/charging_preferences);
//   - ChargingProfiles Sender: reads the active profile (GET, result at its response_url) to infer
//     the EV's and station's limits (D2.3 §11.4), computes the schedule, sends it (PUT) and follows
//     the asynchronous result; clears it (DELETE) when the session ends, when the driver withdraws
//     discharge, or when asked (the clear-profile action).
// What OCPI 2.2.1 cannot carry (discharge setpoints, EV data, V2X warranty: D2.3 §8.4.1.2) is said
// in the trace (link 'control', an event with `error`) and in the output; never invented.
import { randomUUID } from 'node:crypto';
import {
  cdrsReceiverPlugin,
  chargingProfilesSenderPlugin,
  InMemoryCredentialsStore,
  ocpiNow,
  OcpiError,
  OcpiPlatform,
  OcpiStatus,
  isRetryable,
  pageOf,
  parseOcpiDateTime,
  retryDelay,
  sessionsReceiverPlugin,
  tokensSenderPlugin,
  type ActiveChargingProfile,
  type ActiveChargingProfileResult,
  type CDR,
  type ChargingPreferences,
  type ChargingPreferencesResponse,
  type ChargingProfileAsyncResult,
  type ChargingProfileResponseType,
  type ChargingProfileResultType,
  type OcpiClient,
  type OcpiPeer,
  type Session,
  type Token,
} from '@v2xsim/ocpi';
import { dictionary, type Tracer } from '@v2xsim/trace';
import { optimise } from '../optimiser/optimise.js';
import type { LimitStep, OptimiseRequest, PriceSeries, ScheduleResult } from '../optimiser/types.js';
import { tokenOf, type Driver, type DriverPreferences } from './drivers.js';
import { chargingProfileOf, constraintsFromActiveProfile, type AcSupply, type ProfileConstraints, type ProfileForOcpi } from './profile.js';
import { ScspLocations } from './locations.js';
import { lowerEnvelope } from './steps.js';

export const CPO_PEER = 'cpo';

export interface ScspPartyOptions {
  party: { countryCode: string; partyId: string; name: string };
  /** sim time, ms since the epoch */
  now(): number;
  prices: PriceSeries;
  /** drivers with a token (matched by the session's cdr_token.uid) */
  drivers: readonly (Driver & { token: NonNullable<Driver['token']> })[];
  /** preferences and EV data for sessions of tokens not listed */
  defaultDriver?: Driver;
  /** site / connection capacity, W */
  siteCapacityW?: number;
  /** to read profiles in A */
  ac: AcSupply;
  /** longest optimiser slot, s */
  maxSlotS?: number;
  /** set preferences and a schedule for each new session */
  autoOptimise: boolean;
  /** the longest wait for an asynchronous result, ms (wall clock; the CPO's timeout counts when shorter) */
  resultTimeoutMs: number;
  /**
   * after an unreachable CPO, no answer in time or a 3000/3001: registration is tried `attempts`
   * more times; requests to the CPO until giveUpAfterS (back-off from delayMs, doubling to
   * maxDelayMs, jittered); timeoutMs per request
   */
  retry: { attempts: number; delayMs: number; maxDelayMs?: number; giveUpAfterS?: number; timeoutMs?: number };
  tracer?: Tracer;
  log(line: string): void;
  /** the OCPI server's public origin (http://host:port), when not what listen() binds */
  publicOrigin?: string;
  /** each schedule once its profile was sent (or failed) */
  onSchedule?(sessionId: string, record: ScheduleRecord): void;
}

export type ProfileOutcome =
  | { stage: 'sent'; response: ChargingProfileResponseType; result?: ChargingProfileResultType | 'TIMEOUT' }
  | { stage: 'failed'; error: string };

export interface ScheduleRecord {
  computedAt: string;
  schedule: ScheduleResult;
  /** what went to the CPO, and what could not */
  ocpi: ProfileForOcpi;
  /** where the limits came from */
  sources: string[];
  outcome?: ProfileOutcome;
}

export interface SessionRecord {
  session: Session;
  driver?: Driver;
  /** the preferences as the SCSP holds them (sent with PUT charging_preferences) */
  preferences?: DriverPreferences;
  preferencesResult?: ChargingPreferencesResponse | { error: string };
  /** the active profile read before the SCSP set one: the station's and EV's limits (§11.4) */
  baseline?: ProfileConstraints & { read: string };
  baselineResult?: ChargingProfileResultType | 'TIMEOUT' | ChargingProfileResponseType | { error: string };
  /** the latest ActiveChargingProfile the CPO sent (pushed or as a result) */
  activeProfile?: ActiveChargingProfile;
  schedules: ScheduleRecord[];
  /** a profile of the SCSP may be in force at the CPO (accepted, not cleared since) */
  profileInForce?: boolean;
  /** the CPO said the session ended (COMPLETED or INVALID) */
  ended?: boolean;
  /** the last DELETE of the SCSP's profile: when, why, and the CPO's answer and result */
  cleared?: { at: string; reason: string; outcome: ProfileOutcome };
  queue: Promise<unknown>;
}

interface PendingResult {
  kind: 'active' | 'set' | 'clear';
  sessionId: string;
  settle?: (r: ChargingProfileAsyncResult) => void;
  result?: ChargingProfileAsyncResult;
}

export type RegistrationState =
  | { status: 'unregistered' }
  | { status: 'registering'; attempt: number; versionsUrl: string }
  | { status: 'registered'; versionsUrl: string; peer: OcpiPeer }
  | { status: 'failed'; versionsUrl: string; error: string; attempts: number };

/** A request of the SCSP that failed, with its OCPI status_code when the CPO gave one. */
export class ScspError extends Error {
  constructor(
    message: string,
    readonly statusCode?: number,
  ) {
    super(message);
    this.name = 'ScspError';
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Worth trying again: the CPO was unreachable or did not answer in time, answered 5xx/408/429, or 3000 (generic server error) or 3001 (it could not reach us). */
export const isTransient = (e: unknown): boolean => isRetryable(e);

const duration = (ms: number): string => (ms < 120_000 ? `${(ms / 1000).toFixed(1)} s` : `${(ms / 60_000).toFixed(1)} min`);

const describe = (e: unknown): string => (e instanceof OcpiError ? `${e.message} (status_code ${e.statusCode})` : e instanceof Error ? e.message : String(e));

export class ScspParty {
  readonly platform: OcpiPlatform;
  readonly sessions = new Map<string, SessionRecord>();
  readonly cdrs = new Map<string, CDR>();
  readonly tokens: Token[];
  readonly locations: ScspLocations;
  registration: RegistrationState = { status: 'unregistered' };
  private readonly pending = new Map<string, PendingResult>();
  private closed = false;

  constructor(private readonly o: ScspPartyOptions) {
    const self = { country_code: o.party.countryCode, party_id: o.party.partyId };
    const business_details = { name: o.party.name };
    const now = ocpiNow(new Date(o.now()));
    this.locations = new ScspLocations({ now: () => o.now(), log: (line) => o.log(line), retry: { delayMs: o.retry.delayMs, ...(o.retry.maxDelayMs !== undefined ? { maxDelayMs: o.retry.maxDelayMs } : {}) } });
    this.tokens = [...o.drivers.map((d) => tokenOf(d.token, self, now, d.preferences?.profileType)), ...(o.defaultDriver?.token ? [tokenOf(o.defaultDriver.token, self, now, o.defaultDriver.preferences?.profileType)] : [])];
    this.platform = new OcpiPlatform({
      store: new InMemoryCredentialsStore(),
      roles: [
        { role: 'SCSP', ...self, business_details },
        { role: 'EMSP', ...self, business_details },
      ],
      ...(o.tracer ? { tracer: o.tracer } : {}),
      ...(o.publicOrigin ? { publicOrigin: o.publicOrigin } : {}),
      // one layer of retries: the party's own (idempotent(), register())
      http: { timeoutMs: o.retry.timeoutMs ?? 10_000, retries: 0 },
      modules: [
        ...this.locations.modules(),
        sessionsReceiverPlugin({
          get: (_ctx, key) => this.sessions.get(key.session_id)?.session,
          put: (_ctx, _key, session) => this.onSession(session),
          patch: (_ctx, key, patch) => {
            const rec = this.sessions.get(key.session_id);
            if (!rec) throw OcpiError.notFound(`unknown session ${key.session_id}`);
            const { charging_periods, ...rest } = patch;
            rec.session = { ...rec.session, ...rest, ...(charging_periods?.length ? { charging_periods: [...(rec.session.charging_periods ?? []), ...charging_periods] } : {}) };
            this.afterSessionChange(rec);
          },
        }),
        cdrsReceiverPlugin({
          post: (_ctx, cdr) => {
            if (this.cdrs.has(cdr.id)) throw new OcpiError(OcpiStatus.InvalidOrMissingParameters, `CDR ${cdr.id} already exists`, 409);
            this.cdrs.set(cdr.id, cdr);
            this.o.log(`scsp: CDR ${cdr.id} for session ${cdr.session_id ?? '-'}: ${cdr.total_energy} kWh, ${cdr.total_cost.excl_vat} ${cdr.currency}`);
          },
          get: (_ctx, id) => this.cdrs.get(id),
        }),
        tokensSenderPlugin({
          list: (_ctx, q) => pageOf(this.tokens, q),
          authorize: (_ctx, uid, type) => {
            const t = this.tokens.find((x) => x.uid === uid && x.type === type);
            if (!t) return undefined;
            return { allowed: t.valid ? 'ALLOWED' : 'BLOCKED', token: t };
          },
        }),
        chargingProfilesSenderPlugin({
          result: (_ctx, uid, result) => this.onResult(uid, result),
          activeProfile: (_ctx, sessionId, profile) => {
            const rec = this.sessions.get(sessionId);
            if (!rec) throw OcpiError.notFound(`unknown session ${sessionId}`);
            rec.activeProfile = profile;
          },
        }),
      ],
    });
  }

  // ------------------------------------------------------------------ registration

  /** Registers with the CPO; retried on transient failures, final on 2xxx/3002/3003. */
  async register(versionsUrl: string, tokenA: string): Promise<OcpiPeer> {
    const { attempts, delayMs } = this.o.retry;
    let last: unknown;
    for (let attempt = 1; attempt <= attempts + 1 && !this.closed; attempt++) {
      this.registration = { status: 'registering', attempt, versionsUrl };
      try {
        const peer = await this.platform.register(CPO_PEER, { versionsUrl, tokenA });
        this.registration = { status: 'registered', versionsUrl, peer };
        this.o.log(`scsp: registered with ${peer.roles?.map((r) => `${r.role} ${r.country_code}*${r.party_id}`).join(', ') ?? 'the CPO'} (OCPI ${peer.version}, ${peer.endpoints?.length ?? 0} endpoints)`);
        await this.pushTokens();
        this.locations.startPull(() => this.cpo());
        return peer;
      } catch (e) {
        last = e;
        const retry = (await this.registrationTransient(e, versionsUrl, tokenA)) && attempt <= attempts;
        this.o.log(`scsp: registration at ${versionsUrl} failed (attempt ${attempt}): ${describe(e)}${retry ? `; retrying in ${delayMs * 2 ** (attempt - 1)} ms` : ''}`);
        if (!retry) break;
        await sleep(delayMs * 2 ** (attempt - 1));
      }
    }
    const error = describe(last);
    this.registration = { status: 'failed', versionsUrl, error, attempts: (this.registration as { attempt?: number }).attempt ?? 1 };
    throw new ScspError(`registration at ${versionsUrl} failed: ${error}`, last instanceof OcpiError ? last.statusCode : undefined);
  }

  /**
   * Whether a failed registration is worth trying again. A 3001 is either the CPO's (it could not
   * reach us: try again) or the library's own for any failed GET of the CPO's versions; one more
   * GET tells an unreachable CPO (try again) from one that refuses the token (401: final).
   */
  private async registrationTransient(e: unknown, versionsUrl: string, tokenA: string): Promise<boolean> {
    if (!(e instanceof OcpiError && e.statusCode === OcpiStatus.UnableToUseClientApi)) return isTransient(e);
    try {
      await this.platform.http.call({ method: 'GET', url: versionsUrl, token: tokenA, traceName: 'GET /versions', peer: CPO_PEER });
      return true;
    } catch (probe) {
      return isTransient(probe);
    }
  }

  private async cpo(): Promise<OcpiClient> {
    if (this.registration.status !== 'registered') throw new ScspError('not registered with a CPO (give --cpo and --token-a, or the register action)');
    return this.platform.client(CPO_PEER);
  }

  /** PUTs the drivers' tokens to the CPO's Tokens Receiver, when it has one (push is advised by mod_tokens). */
  private async pushTokens(): Promise<void> {
    const c = await this.cpo();
    if (!c.peer.endpoints?.some((e) => e.identifier === 'tokens' && e.role === 'RECEIVER')) return;
    for (const t of this.tokens) {
      try {
        await c.tokens.receiver.put(t);
      } catch (e) {
        this.o.log(`scsp: token ${t.uid} not pushed to the CPO: ${describe(e)}`);
      }
    }
  }

  /**
   * An idempotent request (GET/PUT/DELETE), tried again while the CPO is unreachable, does not
   * answer in time or answers 3000/3001: after a bounded exponential back-off with jitter, until
   * retry.giveUpAfterS, then given up with a log line and a trace event. Each attempt is a new
   * request (a new X-Request-ID). The session's queue keeps its requests in order meanwhile.
   */
  private async idempotent<T>(what: string, fn: () => Promise<T>): Promise<T> {
    const r = this.o.retry;
    const policy = { baseDelayMs: r.delayMs, maxDelayMs: r.maxDelayMs ?? 60_000, giveUpAfterMs: (r.giveUpAfterS ?? 3_600) * 1000 };
    const first = Date.now();
    for (let attempt = 1; ; attempt++) {
      try {
        const answer = await fn();
        if (attempt > 1) this.o.log(`scsp: ${what}: the CPO answered at attempt ${attempt} (${duration(Date.now() - first)})`);
        return answer;
      } catch (e) {
        const age = Date.now() - first;
        if (!isTransient(e) || this.closed) throw new ScspError(`${what}: ${describe(e)}`, e instanceof OcpiError ? e.statusCode : undefined);
        if (age >= policy.giveUpAfterMs) {
          const text = `${what}: gave up after ${attempt} attempts over ${duration(age)}: ${describe(e)}`;
          this.o.log(`scsp: ${text}`);
          this.o.tracer?.message({ link: 'control', protocol: 'control', direction: 'tx', message: 'scsp.request-given-up', peer: CPO_PEER, body: { request: what, attempts: attempt }, error: text });
          throw new ScspError(text, e instanceof OcpiError ? e.statusCode : undefined);
        }
        const wait = Math.min(retryDelay(attempt, policy), policy.giveUpAfterMs - age);
        if (attempt <= 3 || attempt % 10 === 0) this.o.log(`scsp: ${what} failed (attempt ${attempt}): ${describe(e)}; retrying in ${Math.round(wait)} ms`);
        await sleep(wait);
      }
    }
  }

  // ------------------------------------------------------------------ sessions

  private driverOf(session: Session): Driver | undefined {
    return this.o.drivers.find((d) => d.token.uid === session.cdr_token.uid) ?? this.o.defaultDriver;
  }

  private onSession(session: Session): 'created' | 'updated' {
    const rec = this.sessions.get(session.id);
    if (rec) {
      rec.session = session;
      this.afterSessionChange(rec);
      return 'updated';
    }
    const driver = this.driverOf(session);
    const fresh: SessionRecord = { session, ...(driver ? { driver } : {}), ...(driver?.preferences ? { preferences: { ...driver.preferences } } : {}), schedules: [], queue: Promise.resolve() };
    this.sessions.set(session.id, fresh);
    this.o.log(`scsp: session ${session.id} ${session.status} at ${session.location_id}/${session.evse_uid}, token ${session.cdr_token.uid}${driver ? '' : ' (no driver known)'}`);
    if (this.o.autoOptimise && fresh.preferences && (session.status === 'ACTIVE' || session.status === 'PENDING')) {
      // after the answer to the CPO's PUT: the CPO may call back only once it has it
      setImmediate(() => {
        void this.enqueue(session.id, async () => {
          await this.sendPreferences(session.id);
          await this.optimiseSession(session.id);
        }).catch((e: unknown) => this.o.log(`scsp: session ${session.id}: ${describe(e)}`));
      });
    }
    return 'created';
  }

  /** A session that ended: the SCSP's profile, if one may be in force once the queued work is done, is cleared. */
  private afterSessionChange(rec: SessionRecord): void {
    if (rec.ended || (rec.session.status !== 'COMPLETED' && rec.session.status !== 'INVALID')) return;
    rec.ended = true;
    const id = rec.session.id;
    // after the answer to the CPO's push (the CPO may be busy with it), and after what is queued
    setImmediate(() => {
      void this.enqueue(id, async () => {
        if (rec.profileInForce) await this.clearProfile(id, `session ${rec.session.status}`, true);
      }).catch((e: unknown) => this.o.log(`scsp: session ${id}: ${describe(e)}`));
    });
  }

  private record(sessionId: string): SessionRecord {
    const rec = this.sessions.get(sessionId);
    if (!rec) throw new ScspError(`unknown session ${sessionId}`);
    return rec;
  }

  /** One thing at a time per session, in order. */
  enqueue<T>(sessionId: string, fn: () => Promise<T>): Promise<T> {
    const rec = this.record(sessionId);
    const run = rec.queue.then(fn, fn);
    rec.queue = run.catch(() => undefined);
    return run;
  }

  private departureOf(rec: SessionRecord): number | undefined {
    const p = rec.preferences;
    if (p?.departureTime) return parseOcpiDateTime(p.departureTime).getTime();
    if (p?.departureAfterS !== undefined) return parseOcpiDateTime(rec.session.start_date_time).getTime() + p.departureAfterS * 1000;
    return undefined;
  }

  /** The driver's preferences as OCPI ChargingPreferences. */
  chargingPreferencesOf(rec: SessionRecord): ChargingPreferences {
    const p = rec.preferences ?? { profileType: 'REGULAR' };
    const departure = this.departureOf(rec);
    return {
      profile_type: p.profileType,
      ...(departure !== undefined ? { departure_time: ocpiNow(new Date(departure)) } : {}),
      ...(p.energyNeedKwh !== undefined ? { energy_need: p.energyNeedKwh } : {}),
      ...(p.dischargeAllowed !== undefined ? { discharge_allowed: p.dischargeAllowed } : {}),
    };
  }

  /** Changes the preferences the SCSP holds for a session (control action); undefined fields stay. */
  updatePreferences(sessionId: string, change: Partial<DriverPreferences>): DriverPreferences {
    const rec = this.record(sessionId);
    const next: DriverPreferences = { ...(rec.preferences ?? { profileType: 'REGULAR' }), ...change };
    if (change.departureTime !== undefined) delete next.departureAfterS;
    if (change.departureAfterS !== undefined) delete next.departureTime;
    rec.preferences = next;
    return next;
  }

  /** PUT {sessions}/{id}/charging_preferences with the preferences held for the session. */
  async sendPreferences(sessionId: string): Promise<ChargingPreferencesResponse> {
    const rec = this.record(sessionId);
    const prefs = this.chargingPreferencesOf(rec);
    try {
      const c = await this.cpo();
      const answer = await this.idempotent(`charging preferences for ${sessionId}`, () => c.sessions.sender.putChargingPreferences(sessionId, prefs));
      rec.preferencesResult = answer;
      this.o.log(`scsp: session ${sessionId}: preferences ${prefs.profile_type}, ${prefs.energy_need ?? '-'} kWh by ${prefs.departure_time ?? '-'}, discharge ${prefs.discharge_allowed ?? false} → ${answer}`);
      return answer;
    } catch (e) {
      rec.preferencesResult = { error: describe(e) };
      throw e;
    }
  }

  // ------------------------------------------------------------------ charging profiles

  private responseUrl(uid: string): string {
    const base = this.platform.endpoints().find((e) => e.identifier === 'chargingprofiles')!.url;
    return `${base}/result/${uid}`;
  }

  private expect(kind: PendingResult['kind'], sessionId: string): { uid: string; wait(timeoutS: number): Promise<ChargingProfileAsyncResult | undefined> } {
    const uid = randomUUID();
    const entry: PendingResult = { kind, sessionId };
    this.pending.set(uid, entry);
    return {
      uid,
      wait: (timeoutS) =>
        new Promise((resolve) => {
          if (entry.result) return resolve(entry.result);
          const ms = Math.min(this.o.resultTimeoutMs, Math.max(0, timeoutS) * 1000 || this.o.resultTimeoutMs);
          const timer = setTimeout(() => {
            entry.settle = undefined;
            resolve(undefined);
          }, ms);
          entry.settle = (r) => {
            clearTimeout(timer);
            resolve(r);
          };
        }),
    };
  }

  private onResult(uid: string, result: ChargingProfileAsyncResult): void {
    const entry = this.pending.get(uid);
    if (!entry) throw OcpiError.notFound(`no request of this SCSP has the response_url id ${uid}`);
    if (entry.result) {
      // our request was tried again after its answer was lost (the CPO did it twice), or the CPO
      // repeated its POST after our answer was lost: the same request, already answered
      this.o.log(`scsp: a repeated result for ${uid} (session ${entry.sessionId}): ${result.result}, ignored`);
      return;
    }
    entry.result = result;
    if (entry.kind === 'active' && 'profile' in result && result.profile) {
      const rec = this.sessions.get(entry.sessionId);
      if (rec) rec.activeProfile = result.profile;
    }
    if (entry.settle) entry.settle(result);
    else this.o.log(`scsp: late result for ${entry.kind === 'active' ? 'the active profile' : 'a profile'} of session ${entry.sessionId}: ${result.result}`);
  }

  /** GET {chargingprofiles}/{id}?duration=&response_url=, then the ActiveChargingProfileResult. */
  async readActiveProfile(sessionId: string, durationS: number): Promise<ActiveChargingProfileResult | { response: ChargingProfileResponseType } | { timeout: true }> {
    const c = await this.cpo();
    const pending = this.expect('active', sessionId);
    const answer = await this.idempotent(`active profile of ${sessionId}`, () => c.chargingProfiles.receiver.getActive(sessionId, Math.max(1, Math.round(durationS)), this.responseUrl(pending.uid)));
    if (answer.result !== 'ACCEPTED') return { response: answer.result };
    const result = await pending.wait(answer.timeout);
    return result ? (result as ActiveChargingProfileResult) : { timeout: true };
  }

  /** PUT {chargingprofiles}/{id} with SetChargingProfile, then the ChargingProfileResult. */
  async sendProfile(sessionId: string, profile: ProfileForOcpi['profile']): Promise<ProfileOutcome> {
    const c = await this.cpo();
    const pending = this.expect('set', sessionId);
    const answer = await this.idempotent(`charging profile for ${sessionId}`, () => c.chargingProfiles.receiver.set(sessionId, { charging_profile: profile, response_url: this.responseUrl(pending.uid) }));
    if (answer.result !== 'ACCEPTED') return { stage: 'sent', response: answer.result };
    // in force unless the CPO says it was rejected (a late result may still come)
    this.record(sessionId).profileInForce = true;
    const result = await pending.wait(answer.timeout);
    if (result?.result === 'REJECTED') this.record(sessionId).profileInForce = false;
    return { stage: 'sent', response: 'ACCEPTED', result: result ? result.result : 'TIMEOUT' };
  }

  /**
   * DELETE {chargingprofiles}/{id}?response_url=, then the ClearProfileResult: the CPO goes back to
   * its own planning for the session. `ended`: the session has ended, so a CPO that no longer knows
   * it (UNKNOWN_SESSION) has nothing left to clear, which is what was wanted.
   */
  async clearProfile(sessionId: string, reason: string, ended = false): Promise<ProfileOutcome> {
    const rec = this.record(sessionId);
    let outcome: ProfileOutcome;
    try {
      const c = await this.cpo();
      const pending = this.expect('clear', sessionId);
      const answer = await this.idempotent(`clearing the profile of ${sessionId}`, () => c.chargingProfiles.receiver.clear(sessionId, this.responseUrl(pending.uid)));
      if (answer.result !== 'ACCEPTED') outcome = { stage: 'sent', response: answer.result };
      else {
        const result = await pending.wait(answer.timeout);
        outcome = { stage: 'sent', response: 'ACCEPTED', result: result ? result.result : 'TIMEOUT' };
      }
    } catch (e) {
      outcome = { stage: 'failed', error: describe(e) };
    }
    rec.cleared = { at: ocpiNow(new Date(this.o.now())), reason, outcome };
    const gone = outcome.stage === 'sent' && ((outcome.response === 'ACCEPTED' && outcome.result !== 'REJECTED') || (ended && outcome.response === 'UNKNOWN_SESSION'));
    if (gone) rec.profileInForce = false;
    const said = outcome.stage === 'failed' ? `failed: ${outcome.error}` : `${outcome.response}${outcome.result ? ` → ${outcome.result}` : ''}${ended && outcome.response === 'UNKNOWN_SESSION' ? ' (the session has ended at the CPO: nothing left to clear)' : ''}`;
    this.o.log(`scsp: session ${sessionId}: profile cleared (${reason}): ${said}`);
    return outcome;
  }

  // ------------------------------------------------------------------ optimisation

  private gap(sessionId: string, what: string, reason: string, body: Record<string, unknown> = {}): void {
    this.o.tracer?.message({ link: 'control', protocol: 'control', direction: 'tx', message: 'scsp.ocpi-gap', peer: CPO_PEER, correlationId: sessionId, body: { sessionId, what, ...body }, error: `${what}: ${reason}` });
  }

  /**
   * Reads the active profile (once: the limits before the SCSP's own profile), computes the
   * schedule and sends it. Throws ScspError when the inputs are missing (no departure or need).
   */
  async optimiseSession(sessionId: string): Promise<ScheduleRecord> {
    const rec = this.record(sessionId);
    const prefs = rec.preferences;
    const departure = this.departureOf(rec);
    if (departure === undefined) throw new ScspError(`session ${sessionId}: no departure time: set one (set-preferences)`);
    if (prefs?.energyNeedKwh === undefined) throw new ScspError(`session ${sessionId}: no energy need: set one (set-preferences)`);
    // whole seconds: OCPI DateTimes here have no fraction
    const startNow = (): number => Math.floor(Math.max(this.o.now(), parseOcpiDateTime(rec.session.start_date_time).getTime()) / 1000) * 1000;
    let start = startNow();
    if (!(departure > start)) throw new ScspError(`session ${sessionId}: departure ${ocpiNow(new Date(departure))} is not after now (${ocpiNow(new Date(start))})`);
    const sources: string[] = [];

    if (!rec.baseline) {
      try {
        const r = await this.readActiveProfile(sessionId, (departure - start) / 1000);
        if ('profile' in r && r.result === 'ACCEPTED' && r.profile) {
          rec.baseline = { ...constraintsFromActiveProfile(r.profile, this.o.ac), read: ocpiNow(new Date(this.o.now())) };
          rec.baselineResult = 'ACCEPTED';
        } else rec.baselineResult = 'response' in r ? r.response : 'timeout' in r ? 'TIMEOUT' : r.result;
      } catch (e) {
        rec.baselineResult = { error: describe(e) };
      }
      if (!rec.baseline) this.o.log(`scsp: session ${sessionId}: no active profile (${typeof rec.baselineResult === 'object' ? rec.baselineResult.error : rec.baselineResult}): limits from the configuration only`);
      // the read may have waited for a CPO that was down: the schedule starts now
      start = startNow();
      if (!(departure > start)) throw new ScspError(`session ${sessionId}: departure ${ocpiNow(new Date(departure))} is not after now (${ocpiNow(new Date(start))})`);
    }

    const ev = rec.driver?.ev ?? {};
    const base = rec.baseline;
    const maxChargeW = ev.maxChargeW ?? base?.maxW ?? this.o.siteCapacityW;
    if (maxChargeW === undefined) throw new ScspError(`session ${sessionId}: no charge power limit known: no active profile, and neither ev.maxChargeW nor site.capacityW is configured`);
    sources.push(ev.maxChargeW !== undefined ? 'EV max power: driver app (configured)' : base?.maxW !== undefined ? 'EV max power: highest limit of the active profile (D2.3 §11.4)' : 'EV max power: site capacity');
    const minChargeW = ev.minChargeW ?? base?.minW;
    if (minChargeW !== undefined) sources.push(ev.minChargeW !== undefined ? 'EV min power: driver app (configured)' : 'EV min power: min_charging_rate of the active profile');
    const capacity: LimitStep[] = lowerEnvelope(
      ...(base ? [{ steps: base.limits, ...(base.end !== undefined ? { until: base.end } : {}) }] : []),
      ...(this.o.siteCapacityW !== undefined ? [{ steps: [{ start: 0, maxW: this.o.siteCapacityW }] }] : []),
    );
    if (base) sources.push('limits over time: the active profile');
    if (this.o.siteCapacityW !== undefined) sources.push('site capacity: configured');

    // EV data OCPI 2.2.1 does not carry: known only from the driver's app, else not used
    const notCarried = dictionary.gapReason('evMaxDischargePower', 'ocpi2.2.1');
    let discharge: OptimiseRequest['discharge'];
    if (prefs.dischargeAllowed) {
      if (ev.maxDischargeW === undefined || ev.roundTripEfficiency === undefined) {
        this.gap(sessionId, 'EV discharge limits and round-trip efficiency', `${notCarried}; none configured, so no discharge is planned`);
      } else {
        discharge = { roundTripEfficiency: ev.roundTripEfficiency, ...(ev.v2xBudgetWh !== undefined ? { budgetWh: ev.v2xBudgetWh } : {}) };
        sources.push('EV discharge limits, round-trip efficiency: driver app (configured; not in OCPI 2.2.1)');
        if (ev.v2xBudgetWh !== undefined) sources.push('V2X warranty budget: driver app (configured; not in OCPI 2.2.1)');
        else this.gap(sessionId, 'V2X warranty budget', `${dictionary.gapReason('v2xStateOfHealth', 'ocpi2.2.1')}; none configured: no budget applied`);
      }
    }
    const chargedWh = rec.session.kwh * 1000;
    let battery: OptimiseRequest['battery'];
    if (ev.batteryCapacityWh !== undefined && ev.socPercent !== undefined) {
      // SoC now: at the start plus what the session's kwh says was charged since
      const soc = Math.min(100, ev.socPercent + (chargedWh / ev.batteryCapacityWh) * 100);
      battery = { capacityWh: ev.batteryCapacityWh, socPercent: soc, ...(ev.minSocPercent !== undefined ? { minSocPercent: ev.minSocPercent } : {}), ...(ev.maxSocPercent !== undefined ? { maxSocPercent: ev.maxSocPercent } : {}) };
      sources.push('battery and SoC: driver app (configured; not in OCPI 2.2.1)');
    }

    const request: OptimiseRequest = {
      start,
      departure,
      prices: this.o.prices,
      energyNeedWh: Math.max(0, prefs.energyNeedKwh * 1000 - chargedWh),
      ev: { maxChargeW, ...(minChargeW !== undefined ? { minChargeW } : {}), ...(discharge && ev.maxDischargeW !== undefined ? { maxDischargeW: ev.maxDischargeW } : {}), ...(ev.minDischargeW !== undefined ? { minDischargeW: ev.minDischargeW } : {}) },
      ...(capacity.length > 0 ? { capacity } : {}),
      ...(battery ? { battery } : {}),
      ...(discharge ? { discharge } : {}),
      ...(this.o.maxSlotS ? { maxSlotMs: this.o.maxSlotS * 1000 } : {}),
    };
    const schedule = await optimise(request);
    const ocpi = chargingProfileOf(schedule);
    const record: ScheduleRecord = { computedAt: ocpiNow(new Date(this.o.now())), schedule, ocpi, sources };
    rec.schedules.push(record);
    const money = `${schedule.cost.toFixed(2)} ${schedule.currency ?? ''}`.trim();
    this.o.tracer?.message({
      link: 'control',
      protocol: 'control',
      direction: 'tx',
      message: 'scsp.schedule',
      peer: CPO_PEER,
      correlationId: sessionId,
      body: { sessionId, status: schedule.status, method: schedule.method, energyWh: schedule.energyWh, requestedWh: schedule.requestedWh, dischargedWh: schedule.dischargedWh, cost: schedule.cost, periods: schedule.periods, notes: schedule.notes, sources },
      ...(schedule.feasible ? {} : { error: `energy need cannot be met: ${Math.round(schedule.shortfallWh)} Wh short (best effort)` }),
    });
    this.o.log(
      `scsp: session ${sessionId}: schedule ${schedule.status} (${schedule.method}): ${(schedule.energyWh / 1000).toFixed(3)} kWh of ${(schedule.requestedWh / 1000).toFixed(3)}` +
        `${schedule.dischargedWh > 0 ? `, ${(schedule.dischargedWh / 1000).toFixed(3)} kWh discharged` : ''}, cost ${money}, ${schedule.periods.length} periods`,
    );
    if (ocpi.notCarried.length > 0) {
      const reason = 'OCPI 2.2.1 ChargingProfile limits are non-negative maxima: no discharge setpoint can be sent (D2.3 §8.4.1.2, §10.2); sent as 0 W';
      this.gap(sessionId, 'discharge periods of the schedule', reason, { periods: ocpi.notCarried, energyWh: ocpi.notCarriedWh });
      this.o.log(`scsp: session ${sessionId}: ${ocpi.notCarried.length} discharge period(s), ${(ocpi.notCarriedWh / 1000).toFixed(3)} kWh, not transmittable over OCPI 2.2.1: sent as 0 W`);
    }
    try {
      record.outcome = await this.sendProfile(sessionId, ocpi.profile);
    } catch (e) {
      record.outcome = { stage: 'failed', error: describe(e) };
    }
    const o = record.outcome;
    this.o.log(`scsp: session ${sessionId}: profile ${o.stage === 'failed' ? `not set: ${o.error}` : `${o.response}${o.result ? ` → ${o.result}` : ''}`}`);
    this.o.onSchedule?.(sessionId, record);
    return record;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.locations.stop();
    for (const p of this.pending.values()) p.settle?.({ result: 'UNKNOWN' });
    await this.platform.close();
  }
}
