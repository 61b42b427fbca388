// What the CPO pushes to its parties, and how it makes sure it arrives:
//   - Locations, Sessions and CDRs to the parties with the Receiver endpoint, after each station
//     event: a state sync per station and party with the station's state at that event (the
//     Location; each open Session: PUT the first time, then PATCH with what changed and the new
//     charging periods; the CDR once it ended);
//   - asynchronous results (ChargingProfiles, Commands) to their response_url, and changed active
//     charging profiles to the party that set them.
// Every push goes through one OcpiPushQueue lane per party (@v2xsim/ocpi): in order, one request
// at a time, each with a timeout, tried again after a bounded exponential back-off with jitter
// while the party is down or hangs, and only given up after a long limit (logged and traced).
// A station sync waiting in a lane is replaced by a later one of the same station when only syncs
// were queued after it (push-queue.ts), so a party that is down for hours gets one sync per
// station, nothing lost, and no result or CDR is overtaken by a later state.
// A PATCH that got no answer may or may not have been applied (its charging periods appended):
// that party gets the whole Session with PUT next, which is idempotent; a CDR POSTed again is
// answered 409 by a receiver that has it. A retry is a new request with a new X-Request-ID.
import { isRetryable, OcpiError, OcpiPushQueue, type CDR, type Location, type OcpiClient, type OcpiCredentialsStore, type OcpiPeer, type OcpiPlatform, type PushResult, type Session } from '@v2xsim/ocpi';
import type { Tracer } from '@v2xsim/trace';
import type { OcpiCpoConfig } from '../config.js';
import type { OcpiSessionRecord } from './store.js';

export interface PushPolicy {
  /** per request: connecting, the answer's headers, each gap in its body, ms */
  timeoutMs: number;
  /** first back-off, ms (doubled after each failure, jittered) */
  retryBaseMs: number;
  /** longest back-off, ms */
  retryMaxMs: number;
  /** a push still failing this long after its first attempt is given up, s */
  giveUpAfterS: number;
}

export const DEFAULT_PUSH_POLICY: PushPolicy = { timeoutMs: 10_000, retryBaseMs: 500, retryMaxMs: 60_000, giveUpAfterS: 86_400 };

export const pushPolicyOf = (cfg: OcpiCpoConfig['push']): PushPolicy => ({ ...DEFAULT_PUSH_POLICY, ...cfg });

/** What the pusher reads from the CPO. */
export interface PushSource {
  location(stationId: string): Location | undefined;
  /** the station's sessions not yet completed (new transactions get theirs first) */
  openSessions(stationId: string): OcpiSessionRecord[];
  session(rec: OcpiSessionRecord): Session | undefined;
  /** the CDR of a completed session, built and stored once */
  cdr(session: Session): Promise<CDR | undefined>;
  /** every party has the completed session and its CDR: it is not synced again */
  completed(sessionId: string): Promise<void>;
}

/** A station's state at one of its events: what a sync sends. */
interface StationState {
  stationId: string;
  location?: Location;
  /** its open sessions; an ended one with its CDR */
  sessions: { session: Session; cdr?: CDR }[];
}

interface SentSession {
  periods: number;
  kwh: number;
  status: string;
  /** the party refused it: the next change goes as a whole (PUT) */
  putNext?: boolean;
}

const describe = (e: unknown): string => (e instanceof Error ? e.message : String(e));
const MODULES = ['locations', 'sessions', 'cdrs'] as const;
const receives = (peer: OcpiPeer, module: string): boolean => peer.endpoints?.some((e) => e.identifier === module && e.role === 'RECEIVER') ?? false;

export class CpoPusher {
  readonly queue: OcpiPushQueue;
  /** per session, per party: what the party was sent */
  private readonly sentSessions = new Map<string, Map<string, SentSession>>();
  /** per station, per party: EVSE uid → status the party was sent */
  private readonly sentLocations = new Map<string, Map<string, Map<string, string>>>();
  /** per completed session: the parties that have it and its CDR */
  private readonly done = new Map<string, Set<string>>();
  /** per station: the database side of the station's changes, one after the other */
  private readonly chains = new Map<string, Promise<unknown>>();
  /** per party: a client for its stored record (client()) */
  private readonly clients = new Map<string, { peer: Readonly<OcpiPeer>; client: OcpiClient }>();

  constructor(
    private readonly platform: OcpiPlatform,
    private readonly source: PushSource,
    policy: PushPolicy,
    private readonly log: (line: string) => void,
    private readonly tracer?: Tracer,
  ) {
    this.queue = new OcpiPushQueue({
      retry: { baseDelayMs: policy.retryBaseMs, maxDelayMs: policy.retryMaxMs, giveUpAfterMs: policy.giveUpAfterS * 1000 },
      log,
      ...(tracer ? { tracer } : {}),
    });
  }

  private async receivers(): Promise<OcpiPeer[]> {
    return (await this.platform.store.list()).filter((p) => p.status === 'registered' && MODULES.some((m) => receives(p, m)));
  }

  /**
   * A station's data changed: its completed sessions get their CDR (stored once), then a sync of
   * the station goes into every receiving party's lane. Resolves when each party has it (or it was
   * refused or given up): with a party down, that is when it is back.
   */
  stationChanged(stationId: string): Promise<PushResult[]> {
    const before = this.chains.get(stationId) ?? Promise.resolve();
    const prepared = before.then(() => this.prepare(stationId));
    const link = prepared.catch((e: unknown) => this.log(`ocpi: ${stationId}: ${describe(e)}`));
    this.chains.set(stationId, link);
    void link.then(() => {
      if (this.chains.get(stationId) === link) this.chains.delete(stationId);
    });
    // enqueued in the order of the station's events (the chain), delivered in lane order
    return prepared.then(
      ({ state, peers }) => Promise.all(peers.map((p) => this.queue.push(p.id, { name: `sync of station ${stationId}`, coalesce: `station ${stationId}`, run: () => this.sync(p.id, state) }))),
      () => [],
    );
  }

  /** The station's state now; an ended session's CDR is stored here, whoever receives it. */
  private async prepare(stationId: string): Promise<{ state: StationState; peers: OcpiPeer[] }> {
    const sessions: StationState['sessions'] = [];
    for (const rec of this.source.openSessions(stationId)) {
      const session = this.source.session(rec);
      if (!session) continue;
      const cdr = session.status === 'COMPLETED' ? await this.source.cdr(session) : undefined;
      sessions.push({ session, ...(cdr ? { cdr } : {}) });
    }
    const location = this.source.location(stationId);
    const state: StationState = { stationId, ...(location ? { location } : {}), sessions };
    const peers = await this.receivers();
    // nobody to tell: an ended session is done once its CDR is stored
    if (peers.length === 0) for (const s of sessions) if (s.session.status === 'COMPLETED') await this.source.completed(s.session.id);
    return { state, peers };
  }

  /** A push that is not a state sync (a result, an active profile) into the party's lane. */
  send(peerId: string, name: string, run: (client: OcpiClient) => Promise<unknown>): Promise<PushResult> {
    return this.queue.push(peerId, { name, run: async () => run(await this.client(peerId)) });
  }

  /**
   * the party as registered now (a token rotated during an outage counts); not registered: dropped.
   * A client is kept per party while its stored record is the same object (SqliteCredentialsStore.peek).
   */
  private async client(peerId: string): Promise<OcpiClient> {
    const store = this.platform.store as OcpiCredentialsStore & { peek?(id: string): Readonly<OcpiPeer> | undefined };
    const peer = store.peek ? store.peek(peerId) : await store.get(peerId);
    if (peer?.status !== 'registered') throw new OcpiError(2000, `${peerId} is no longer registered: nothing to push`);
    const kept = this.clients.get(peerId);
    if (kept?.peer === peer) return kept.client;
    const client = await this.platform.client(peerId);
    if (store.peek) this.clients.set(peerId, { peer, client });
    return client;
  }

  /** one attempt at a request: a retryable failure throws (the lane tries the whole sync again), any other is reported and skipped */
  private async attempt(peerId: string, what: string, fn: () => Promise<unknown>): Promise<boolean> {
    try {
      await fn();
      return true;
    } catch (e) {
      if (isRetryable(e)) throw e;
      this.refused(peerId, what, e);
      return false;
    }
  }

  private refused(peerId: string, what: string, e: unknown): void {
    const text = `${what} refused by ${peerId}: ${describe(e)}`;
    this.log(`ocpi: ${text}`);
    this.tracer?.message({ link: 'control', protocol: 'control', direction: 'tx', message: 'ocpi.push-failed', peer: peerId, body: { push: what }, error: text });
  }

  /** One attempt at bringing a party up to a station's state. */
  private async sync(peerId: string, state: StationState): Promise<void> {
    const peer = await this.platform.store.get(peerId);
    if (peer?.status !== 'registered') return;
    const client = await this.platform.client(peerId);
    if (receives(peer, 'locations') && state.location) await this.syncLocation(client, peerId, state.location);
    for (const { session, cdr } of state.sessions) {
      if (receives(peer, 'sessions')) await this.syncSession(client, peerId, session);
      if (session.status !== 'COMPLETED') continue;
      if (receives(peer, 'cdrs') && cdr) await this.deliverCdr(client, peerId, cdr);
      const got = this.done.get(session.id) ?? new Set<string>();
      got.add(peerId);
      this.done.set(session.id, got);
      if ((await this.receivers()).every((p) => got.has(p.id))) {
        await this.source.completed(session.id);
        this.done.delete(session.id);
        this.sentSessions.delete(session.id);
      }
    }
  }

  private async syncLocation(client: OcpiClient, peerId: string, location: Location): Promise<void> {
    const byPeer = this.sentLocations.get(location.id) ?? new Map<string, Map<string, string>>();
    this.sentLocations.set(location.id, byPeer);
    const evses = location.evses ?? [];
    const sent = byPeer.get(peerId);
    const putWhole = async (): Promise<void> => {
      if (await this.attempt(peerId, `PUT location ${location.id}`, () => client.locations.receiver.put(location))) byPeer.set(peerId, new Map(evses.map((e) => [e.uid, e.status])));
    };
    if (!sent || evses.some((e) => !sent.has(e.uid))) return putWhole();
    const key = { country_code: location.country_code, party_id: location.party_id, location_id: location.id };
    for (const e of evses) {
      if (sent.get(e.uid) === e.status) continue;
      try {
        await client.locations.receiver.patchEvse({ ...key, evse_uid: e.uid }, { status: e.status, last_updated: e.last_updated });
        sent.set(e.uid, e.status);
      } catch (err) {
        // not known whether it was applied: the whole Location next (now, or after the back-off)
        byPeer.delete(peerId);
        if (isRetryable(err)) throw err;
        return putWhole();
      }
    }
  }

  private async syncSession(client: OcpiClient, peerId: string, session: Session): Promise<void> {
    const byPeer = this.sentSessions.get(session.id) ?? new Map<string, SentSession>();
    this.sentSessions.set(session.id, byPeer);
    const periods = session.charging_periods ?? [];
    const state: SentSession = { periods: periods.length, kwh: session.kwh, status: session.status };
    const sent = byPeer.get(peerId);
    if (sent && sent.kwh === state.kwh && sent.status === state.status && sent.periods === state.periods) return;
    const putWhole = async (): Promise<void> => {
      const ok = await this.attempt(peerId, `PUT session ${session.id}`, () => client.sessions.receiver.put(session));
      byPeer.set(peerId, ok ? state : { ...state, putNext: true });
    };
    if (!sent || sent.putNext) return putWhole();
    try {
      await client.sessions.receiver.patch(
        { country_code: session.country_code, party_id: session.party_id, session_id: session.id },
        {
          kwh: session.kwh,
          status: session.status,
          ...(session.end_date_time ? { end_date_time: session.end_date_time } : {}),
          ...(session.total_cost ? { total_cost: session.total_cost } : {}),
          // charging_periods in a PATCH are added to the ones the receiver has (mod_sessions)
          ...(periods.length > sent.periods ? { charging_periods: periods.slice(sent.periods) } : {}),
          last_updated: session.last_updated,
        },
      );
      byPeer.set(peerId, state);
    } catch (e) {
      // perhaps applied, perhaps not (the periods appended or not): the whole Session next
      byPeer.delete(peerId);
      if (isRetryable(e)) throw e;
      await putWhole();
    }
  }

  private async deliverCdr(client: OcpiClient, peerId: string, cdr: CDR): Promise<void> {
    try {
      await client.cdrs.receiver.post(cdr);
    } catch (e) {
      // a receiver that already has it (our earlier POST whose answer was lost) answers 409: delivered
      if (e instanceof OcpiError && e.httpStatus === 409) return;
      if (isRetryable(e)) throw e;
      this.refused(peerId, `POST CDR ${cdr.id}`, e);
    }
  }

  /** pushes waiting (or under way) per party that has any */
  status(): Record<string, number> {
    return this.queue.sizes();
  }

  /** resolves when nothing is waiting (database side and every lane) */
  async settled(): Promise<void> {
    while (this.chains.size > 0) await Promise.allSettled([...this.chains.values()]);
    await this.queue.idle();
  }

  close(): void {
    this.queue.close();
  }
}
