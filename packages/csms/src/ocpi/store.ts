// What the CPO keeps in the CSMS database (migration 3): the connected OCPI parties (a restart keeps
// the registrations), the OCPI session ids it handed out with what was set through OCPI
// (preferences, the charging profile and who set it), the tokens eMSPs pushed, and the CDRs.
import { createHash } from 'node:crypto';
import type { CDR, ChargingPreferences, ChargingProfile as OcpiChargingProfile, OcpiCredentialsStore, OcpiPeer, Token, TokenKind } from '@v2xsim/ocpi';
import type { BatchWriter, CsmsStore } from '../store/index.js';

/**
 * OcpiCredentialsStore over the CSMS database; every change committed (and fsynced) before it
 * resolves. The peers are also kept in memory, read once and replaced on every save and delete
 * (this process owns the database): findByToken runs on every OCPI request.
 */
export class SqliteCredentialsStore implements OcpiCredentialsStore {
  private peers: OcpiPeer[] | undefined;

  constructor(
    private readonly store: CsmsStore,
    private readonly writer: BatchWriter,
  ) {}

  private all(): OcpiPeer[] {
    this.peers ??= (this.store.statement('SELECT record_json AS j FROM ocpi_peers ORDER BY id').all() as { j: string }[]).map((r) => JSON.parse(r.j) as OcpiPeer);
    return this.peers;
  }

  get(id: string): OcpiPeer | undefined {
    const p = this.all().find((x) => x.id === id);
    return p && structuredClone(p);
  }

  /**
   * The peer as kept in memory, not copied: read it, never change it. A save or delete replaces
   * the kept objects, so the same object means the same record (push.ts keeps a client per peer).
   */
  peek(id: string): Readonly<OcpiPeer> | undefined {
    return this.all().find((x) => x.id === id);
  }

  /** (the peer found is the one kept in memory: read it, never change it; save() a changed copy) */
  findByToken(token: string): { peer: OcpiPeer; kind: TokenKind } | undefined {
    for (const p of this.all()) {
      if (p.tokenA === token) return { peer: p, kind: 'A' };
      if (p.incomingToken === token || p.nextIncomingToken === token) return { peer: p, kind: 'credentials' };
    }
    return undefined;
  }

  list(): OcpiPeer[] {
    return structuredClone(this.all());
  }

  async save(peer: OcpiPeer): Promise<void> {
    const updatedAt = new Date().toISOString();
    // undefined fields (a finished rotation's nextIncomingToken) drop out of the JSON
    const json = JSON.stringify({ ...peer, updatedAt });
    await this.writer.write(() => {
      this.store
        .statement('INSERT INTO ocpi_peers (id, record_json, updated_at) VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE SET record_json = excluded.record_json, updated_at = excluded.updated_at')
        .run(peer.id, json, updatedAt);
      this.peers = undefined;
    });
  }

  async delete(id: string): Promise<void> {
    await this.writer.write(() => {
      this.store.statement('DELETE FROM ocpi_peers WHERE id = ?').run(id);
      this.peers = undefined;
    });
  }
}

export interface OcpiSessionRecord {
  sessionId: string;
  stationId: string;
  transactionId: string;
  authMethod: 'AUTH_REQUEST' | 'COMMAND' | 'WHITELIST' | null;
  authorizationReference: string | null;
  preferences: ChargingPreferences | null;
  profileOwner: string | null;
  profileId: number | null;
  profile: OcpiChargingProfile | null;
  applied: OcpiChargingProfile | null;
  completed: boolean;
  createdAt: string;
}

interface SessionRow {
  session_id: string;
  station_id: string;
  transaction_id: string;
  auth_method: OcpiSessionRecord['authMethod'];
  authorization_reference: string | null;
  preferences_json: string | null;
  profile_owner: string | null;
  profile_id: number | null;
  profile_json: string | null;
  applied_json: string | null;
  completed: number;
  created_at: string;
}

const parse = <T>(s: string | null): T | null => (s === null ? null : (JSON.parse(s) as T));

function toSession(r: SessionRow): OcpiSessionRecord {
  return {
    sessionId: r.session_id,
    stationId: r.station_id,
    transactionId: r.transaction_id,
    authMethod: r.auth_method,
    authorizationReference: r.authorization_reference,
    preferences: parse(r.preferences_json),
    profileOwner: r.profile_owner,
    profileId: r.profile_id,
    profile: parse(r.profile_json),
    applied: parse(r.applied_json),
    completed: r.completed === 1,
    createdAt: r.created_at,
  };
}

/** Session.id is string(36): station/transaction when it fits, else a digest of it. */
export function ocpiSessionId(stationId: string, transactionId: string): string {
  const plain = `${stationId}-${transactionId}`;
  if (plain.length <= 36 && /^[\x21-\x7e]+$/.test(plain)) return plain;
  return `S${createHash('sha256').update(`${stationId}\u0000${transactionId}`).digest('hex').slice(0, 35)}`;
}

/** The session of a transaction, created on first sight (with how it was authorized, when known). */
export function ensureOcpiSession(
  store: CsmsStore,
  stationId: string,
  transactionId: string,
  init: { authMethod?: OcpiSessionRecord['authMethod']; authorizationReference?: string } = {},
  now: Date = new Date(),
): OcpiSessionRecord {
  const found = store.statement('SELECT * FROM ocpi_sessions WHERE station_id = ? AND transaction_id = ?').get(stationId, transactionId) as SessionRow | undefined;
  if (found) return toSession(found);
  const at = now.toISOString();
  store
    .statement(
      'INSERT INTO ocpi_sessions (session_id, station_id, transaction_id, auth_method, authorization_reference, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING',
    )
    .run(ocpiSessionId(stationId, transactionId), stationId, transactionId, init.authMethod ?? null, init.authorizationReference ?? null, at, at);
  return toSession(store.statement('SELECT * FROM ocpi_sessions WHERE station_id = ? AND transaction_id = ?').get(stationId, transactionId) as SessionRow);
}

export function getOcpiSession(store: CsmsStore, sessionId: string): OcpiSessionRecord | undefined {
  const row = store.statement('SELECT * FROM ocpi_sessions WHERE session_id = ?').get(sessionId) as SessionRow | undefined;
  return row && toSession(row);
}

export function listOcpiSessions(store: CsmsStore, filter: { stationId?: string; open?: boolean } = {}): OcpiSessionRecord[] {
  const rows = store
    .statement('SELECT * FROM ocpi_sessions WHERE (@station IS NULL OR station_id = @station) AND (@open IS NULL OR completed = 0) ORDER BY created_at, session_id')
    .all({ station: filter.stationId ?? null, open: filter.open ? 1 : null }) as SessionRow[];
  return rows.map(toSession);
}

export function updateOcpiSession(
  store: CsmsStore,
  sessionId: string,
  change: Partial<Pick<OcpiSessionRecord, 'preferences' | 'profileOwner' | 'profileId' | 'profile' | 'applied' | 'completed' | 'authMethod' | 'authorizationReference'>>,
  now: Date = new Date(),
): void {
  const sets: string[] = [];
  const values: Record<string, unknown> = { id: sessionId, now: now.toISOString() };
  const col = (name: string, value: unknown) => {
    sets.push(`${name} = @${name}`);
    values[name] = value;
  };
  if ('preferences' in change) col('preferences_json', change.preferences ? JSON.stringify(change.preferences) : null);
  if ('profileOwner' in change) col('profile_owner', change.profileOwner ?? null);
  if ('profileId' in change) col('profile_id', change.profileId ?? null);
  if ('profile' in change) col('profile_json', change.profile ? JSON.stringify(change.profile) : null);
  if ('applied' in change) col('applied_json', change.applied ? JSON.stringify(change.applied) : null);
  if ('completed' in change) col('completed', change.completed ? 1 : 0);
  if ('authMethod' in change) col('auth_method', change.authMethod ?? null);
  if ('authorizationReference' in change) col('authorization_reference', change.authorizationReference ?? null);
  if (sets.length === 0) return;
  store.statement(`UPDATE ocpi_sessions SET ${sets.join(', ')}, updated_at = @now WHERE session_id = @id`).run(values);
}

// ---- tokens pushed by eMSPs (mod_tokens, Receiver)

export function getOcpiToken(store: CsmsStore, k: { country_code: string; party_id: string; uid: string; type: string }): Token | undefined {
  const row = store.statement('SELECT token_json AS j FROM ocpi_tokens WHERE country_code = ? AND party_id = ? AND uid = ? AND type = ?').get(k.country_code, k.party_id, k.uid, k.type) as
    | { j: string }
    | undefined;
  return row ? (JSON.parse(row.j) as Token) : undefined;
}

/** A token by its uid (any party), for the cdr_token of a session. */
export function findOcpiToken(store: CsmsStore, uid: string): Token | undefined {
  const row = store.statement('SELECT token_json AS j FROM ocpi_tokens WHERE uid = ? ORDER BY updated_at DESC LIMIT 1').get(uid) as { j: string } | undefined;
  return row ? (JSON.parse(row.j) as Token) : undefined;
}

export function saveOcpiToken(store: CsmsStore, t: Token, now: Date = new Date()): 'created' | 'updated' {
  const existed = getOcpiToken(store, t) !== undefined;
  store
    .statement(
      'INSERT INTO ocpi_tokens (country_code, party_id, uid, type, token_json, updated_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO UPDATE SET token_json = excluded.token_json, updated_at = excluded.updated_at',
    )
    .run(t.country_code, t.party_id, t.uid, t.type, JSON.stringify(t), now.toISOString());
  return existed ? 'updated' : 'created';
}

// ---- CDRs issued

export function saveCdr(store: CsmsStore, cdr: CDR): void {
  store.statement('INSERT INTO ocpi_cdrs (id, session_id, cdr_json, last_updated) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING').run(cdr.id, cdr.session_id ?? cdr.id, JSON.stringify(cdr), cdr.last_updated);
}

export function listCdrs(store: CsmsStore): CDR[] {
  return (store.statement('SELECT cdr_json AS j FROM ocpi_cdrs ORDER BY last_updated, id').all() as { j: string }[]).map((r) => JSON.parse(r.j) as CDR);
}

export function getCdrOfSession(store: CsmsStore, sessionId: string): CDR | undefined {
  const row = store.statement('SELECT cdr_json AS j FROM ocpi_cdrs WHERE session_id = ?').get(sessionId) as { j: string } | undefined;
  return row ? (JSON.parse(row.j) as CDR) : undefined;
}
