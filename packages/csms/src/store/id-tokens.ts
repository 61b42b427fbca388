import type { CsmsStore } from './database.js';
import { optionalStoredTime, storedTime } from './time.js';

/** AuthorizationStatusEnumType (2.x); 1.6 AuthorizationStatus is a subset (Accepted, Blocked, Expired, Invalid, ConcurrentTx). */
export type AuthorizationStatus =
  | 'Accepted'
  | 'Blocked'
  | 'ConcurrentTx'
  | 'Expired'
  | 'Invalid'
  | 'NoCredit'
  | 'NotAllowedTypeEVSE'
  | 'NotAtThisLocation'
  | 'NotAtThisTime'
  | 'Unknown';

/** Type given to a 1.6 idTag, which has none. */
export const ocpp16IdTagType = 'Central';

export interface IdTokenRecord {
  idToken: string;
  /** IdTokenEnumType (ISO14443, eMAID, Central, …) */
  type: string;
  status: AuthorizationStatus;
  /** ISO date-time; after it the token is treated as Expired */
  expiryDate: string | null;
  groupIdToken: string | null;
  groupType: string | null;
  /** 2.1 EnergyTransferModeEnumType values the token may use; null = charging only (AuthorizeResponse default) */
  allowedEnergyTransfer: string[] | null;
  language1: string | null;
  personalMessage: string | null;
  updatedAt: string;
}

export interface IdTokenInput {
  idToken: string;
  type?: string;
  status: AuthorizationStatus;
  expiryDate?: string | number | Date | null;
  groupIdToken?: string | null;
  groupType?: string | null;
  allowedEnergyTransfer?: string[] | null;
  language1?: string | null;
  personalMessage?: string | null;
}

interface Row {
  id_token: string;
  type: string;
  status: AuthorizationStatus;
  expiry_date: string | null;
  group_id_token: string | null;
  group_type: string | null;
  allowed_energy_transfer: string | null;
  language1: string | null;
  personal_message: string | null;
  updated_at: string;
}

function toRecord(r: Row): IdTokenRecord {
  return {
    idToken: r.id_token,
    type: r.type,
    status: r.status,
    expiryDate: r.expiry_date,
    groupIdToken: r.group_id_token,
    groupType: r.group_type,
    allowedEnergyTransfer: r.allowed_energy_transfer === null ? null : (JSON.parse(r.allowed_energy_transfer) as string[]),
    language1: r.language1,
    personalMessage: r.personal_message,
    updatedAt: r.updated_at,
  };
}

export function upsertIdToken(store: CsmsStore, t: IdTokenInput, now: Date = new Date()): IdTokenRecord {
  const type = t.type ?? ocpp16IdTagType;
  store
    .statement(
      `INSERT INTO id_tokens (id_token, type, status, expiry_date, group_id_token, group_type, allowed_energy_transfer, language1, personal_message, updated_at)
       VALUES (@idToken, @type, @status, @expiry, @group, @groupType, @aet, @lang, @msg, @now)
       ON CONFLICT(id_token, type) DO UPDATE SET
         status = excluded.status, expiry_date = excluded.expiry_date, group_id_token = excluded.group_id_token,
         group_type = excluded.group_type, allowed_energy_transfer = excluded.allowed_energy_transfer,
         language1 = excluded.language1, personal_message = excluded.personal_message, updated_at = excluded.updated_at`,
    )
    .run({
      idToken: t.idToken,
      type,
      status: t.status,
      expiry: optionalStoredTime(t.expiryDate),
      group: t.groupIdToken ?? null,
      groupType: t.groupType ?? null,
      aet: t.allowedEnergyTransfer ? JSON.stringify(t.allowedEnergyTransfer) : null,
      lang: t.language1 ?? null,
      msg: t.personalMessage ?? null,
      now: storedTime(now),
    });
  return getIdToken(store, t.idToken, type)!;
}

/** The token of that type; without a type, the token of any type (a 1.6 idTag has no type). */
export function getIdToken(store: CsmsStore, idToken: string, type?: string): IdTokenRecord | undefined {
  const row = (
    type === undefined
      ? store.statement('SELECT * FROM id_tokens WHERE id_token = ? ORDER BY type = ? DESC, type LIMIT 1').get(idToken, ocpp16IdTagType)
      : store.statement('SELECT * FROM id_tokens WHERE id_token = ? AND type = ?').get(idToken, type)
  ) as Row | undefined;
  return row && toRecord(row);
}

export function listIdTokens(store: CsmsStore): IdTokenRecord[] {
  return (store.statement('SELECT * FROM id_tokens ORDER BY id_token, type').all() as Row[]).map(toRecord);
}

export function deleteIdToken(store: CsmsStore, idToken: string, type: string): boolean {
  return store.statement('DELETE FROM id_tokens WHERE id_token = ? AND type = ?').run(idToken, type).changes > 0;
}

/**
 * The status to answer an Authorize (or a transaction start) with at `at`: unknown tokens are
 * Unknown (2.x; a 1.6 handler maps it to Invalid), an Accepted token past its expiry is Expired.
 */
export function authorizationStatus(record: IdTokenRecord | undefined, at: Date = new Date()): AuthorizationStatus {
  if (!record) return 'Unknown';
  if (record.status === 'Accepted' && record.expiryDate !== null && Date.parse(record.expiryDate) <= at.getTime()) return 'Expired';
  return record.status;
}
