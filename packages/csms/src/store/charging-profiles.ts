import type { CsmsStore } from './database.js';
import { StoreError } from './errors.js';
import type { OcppVersion } from './stations.js';
import { optionalStoredTime, storedTime } from './time.js';

/**
 * Pending: sent, no answer yet. Accepted/Rejected: the station's SetChargingProfileResponse.
 * Reported: learnt from ReportChargingProfiles (the station has it, whoever set it).
 * Cleared: removed by ClearChargingProfile or because its transaction ended.
 */
export type ChargingProfileStatus = 'Pending' | 'Accepted' | 'Rejected' | 'Reported' | 'Cleared';

/** The fields of a profile the store indexes, read from 1.6 csChargingProfiles or a 2.x ChargingProfileType. */
export interface RawChargingProfile {
  /** 2.x */
  id?: number;
  /** 1.6 */
  chargingProfileId?: number;
  stackLevel: number;
  chargingProfilePurpose: string;
  chargingProfileKind: string;
  recurrencyKind?: string;
  validFrom?: string;
  validTo?: string;
  /** 1.6: integer; 2.x: string */
  transactionId?: string | number;
}

export interface ChargingProfileRecord {
  stationId: string;
  profileId: number;
  evseId: number;
  stackLevel: number;
  purpose: string;
  kind: string;
  recurrencyKind: string | null;
  validFrom: string | null;
  validTo: string | null;
  transactionId: string | null;
  /** ChargingLimitSourceEnumType: CSO for profiles this CSMS set */
  chargingLimitSource: string;
  ocppVersion: OcppVersion;
  /** the profile in its version's JSON shape, as sent or reported */
  profile: RawChargingProfile & Record<string, unknown>;
  status: ChargingProfileStatus;
  statusReason: string | null;
  updatedAt: string;
}

export interface SaveChargingProfile {
  stationId: string;
  /** 1.6: connectorId */
  evseId: number;
  ocppVersion: OcppVersion;
  profile: RawChargingProfile & Record<string, unknown>;
  status: ChargingProfileStatus;
  statusReason?: string | null;
  chargingLimitSource?: string;
}

interface Row {
  station_id: string;
  profile_id: number;
  evse_id: number;
  stack_level: number;
  purpose: string;
  kind: string;
  recurrency_kind: string | null;
  valid_from: string | null;
  valid_to: string | null;
  transaction_id: string | null;
  charging_limit_source: string;
  ocpp_version: OcppVersion;
  raw_json: string;
  status: ChargingProfileStatus;
  status_reason: string | null;
  updated_at: string;
}

function toRecord(r: Row): ChargingProfileRecord {
  return {
    stationId: r.station_id,
    profileId: r.profile_id,
    evseId: r.evse_id,
    stackLevel: r.stack_level,
    purpose: r.purpose,
    kind: r.kind,
    recurrencyKind: r.recurrency_kind,
    validFrom: r.valid_from,
    validTo: r.valid_to,
    transactionId: r.transaction_id,
    chargingLimitSource: r.charging_limit_source,
    ocppVersion: r.ocpp_version,
    profile: JSON.parse(r.raw_json),
    status: r.status,
    statusReason: r.status_reason,
    updatedAt: r.updated_at,
  };
}

/** Stores a profile; one with the same id on the same station is replaced (K01.FR.05). */
export function saveChargingProfile(store: CsmsStore, p: SaveChargingProfile, now: Date = new Date()): ChargingProfileRecord {
  const id = p.profile.id ?? p.profile.chargingProfileId;
  if (id === undefined || !Number.isInteger(id)) throw new StoreError('InvalidInput', 'a charging profile needs an integer id (2.x) or chargingProfileId (1.6)');
  store
    .statement(
      `INSERT INTO charging_profiles (station_id, profile_id, evse_id, stack_level, purpose, kind, recurrency_kind, valid_from, valid_to,
         transaction_id, charging_limit_source, ocpp_version, raw_json, status, status_reason, updated_at)
       VALUES (@station, @id, @evse, @stack, @purpose, @kind, @recurrency, @from, @to, @tx, @source, @version, @raw, @status, @reason, @now)
       ON CONFLICT(station_id, profile_id) DO UPDATE SET
         evse_id = excluded.evse_id, stack_level = excluded.stack_level, purpose = excluded.purpose, kind = excluded.kind,
         recurrency_kind = excluded.recurrency_kind, valid_from = excluded.valid_from, valid_to = excluded.valid_to,
         transaction_id = excluded.transaction_id, charging_limit_source = excluded.charging_limit_source,
         ocpp_version = excluded.ocpp_version, raw_json = excluded.raw_json, status = excluded.status,
         status_reason = excluded.status_reason, updated_at = excluded.updated_at`,
    )
    .run({
      station: p.stationId,
      id,
      evse: p.evseId,
      stack: p.profile.stackLevel,
      purpose: p.profile.chargingProfilePurpose,
      kind: p.profile.chargingProfileKind,
      recurrency: p.profile.recurrencyKind ?? null,
      from: optionalStoredTime(p.profile.validFrom),
      to: optionalStoredTime(p.profile.validTo),
      tx: p.profile.transactionId === undefined ? null : String(p.profile.transactionId),
      source: p.chargingLimitSource ?? 'CSO',
      version: p.ocppVersion,
      raw: JSON.stringify(p.profile),
      status: p.status,
      reason: p.statusReason ?? null,
      now: storedTime(now),
    });
  return getChargingProfile(store, p.stationId, id)!;
}

export function setChargingProfileStatus(
  store: CsmsStore,
  stationId: string,
  profileId: number,
  status: ChargingProfileStatus,
  statusReason: string | null = null,
  now: Date = new Date(),
): boolean {
  return (
    store
      .statement('UPDATE charging_profiles SET status = ?, status_reason = ?, updated_at = ? WHERE station_id = ? AND profile_id = ?')
      .run(status, statusReason, storedTime(now), stationId, profileId).changes > 0
  );
}

export function getChargingProfile(store: CsmsStore, stationId: string, profileId: number): ChargingProfileRecord | undefined {
  const row = store.statement('SELECT * FROM charging_profiles WHERE station_id = ? AND profile_id = ?').get(stationId, profileId) as Row | undefined;
  return row && toRecord(row);
}

export interface ChargingProfileFilter {
  stationId: string;
  evseId?: number;
  purpose?: string;
  stackLevel?: number;
  transactionId?: string;
  /** default: the profiles the station holds (Accepted, Reported) */
  statuses?: readonly ChargingProfileStatus[];
}

export function listChargingProfiles(store: CsmsStore, f: ChargingProfileFilter): ChargingProfileRecord[] {
  const statuses = f.statuses ?? ['Accepted', 'Reported'];
  const rows = store
    .statement(
      `SELECT * FROM charging_profiles WHERE station_id = @station
         AND (@evse IS NULL OR evse_id = @evse) AND (@purpose IS NULL OR purpose = @purpose)
         AND (@stack IS NULL OR stack_level = @stack) AND (@tx IS NULL OR transaction_id = @tx)
         AND status IN (SELECT value FROM json_each(@statuses))
       ORDER BY evse_id, purpose, stack_level, profile_id`,
    )
    .all({
      station: f.stationId,
      evse: f.evseId ?? null,
      purpose: f.purpose ?? null,
      stack: f.stackLevel ?? null,
      tx: f.transactionId ?? null,
      statuses: JSON.stringify(statuses),
    }) as Row[];
  return rows.map(toRecord);
}

/**
 * Marks the matching held profiles Cleared, as the station does on a ClearChargingProfile with
 * these criteria (or when their transaction ends). Returns how many were cleared.
 */
export function clearChargingProfiles(
  store: CsmsStore,
  c: { stationId: string; profileId?: number; evseId?: number; purpose?: string; stackLevel?: number; transactionId?: string },
  now: Date = new Date(),
): number {
  return store
    .statement(
      `UPDATE charging_profiles SET status = 'Cleared', status_reason = NULL, updated_at = @now
       WHERE station_id = @station AND status IN ('Accepted', 'Reported')
         AND (@id IS NULL OR profile_id = @id) AND (@evse IS NULL OR evse_id = @evse)
         AND (@purpose IS NULL OR purpose = @purpose) AND (@stack IS NULL OR stack_level = @stack)
         AND (@tx IS NULL OR transaction_id = @tx)`,
    )
    .run({
      station: c.stationId,
      id: c.profileId ?? null,
      evse: c.evseId ?? null,
      purpose: c.purpose ?? null,
      stack: c.stackLevel ?? null,
      tx: c.transactionId ?? null,
      now: storedTime(now),
    }).changes;
}
