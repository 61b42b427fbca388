import type { CsmsStore } from './database.js';
import { StoreError } from './errors.js';
import { storedTime } from './time.js';

export type OcppVersion = '1.6' | '2.0.1' | '2.1';
/** 0 = no authentication (test benches only; not a valid OCPP 2.1 set-up), 1–3 as OCPP defines them */
export type SecurityProfile = 0 | 1 | 2 | 3;
export type RegistrationStatus = 'Accepted' | 'Pending' | 'Rejected';

export interface Station {
  id: string;
  ocppVersion: OcppVersion | null;
  securityProfile: SecurityProfile;
  passwordHash: string | null;
  registrationStatus: RegistrationStatus | null;
  vendorName: string | null;
  model: string | null;
  serialNumber: string | null;
  firmwareVersion: string | null;
  modemIccid: string | null;
  modemImsi: string | null;
  bootReason: string | null;
  /** the last BootNotification request as received (parsed JSON) */
  bootInfo: unknown;
  lastBootAt: string | null;
  lastSeenAt: string | null;
  createdAt: string;
}

export interface StationRegistration {
  id: string;
  securityProfile?: SecurityProfile;
  /** from `hashPassword` */
  passwordHash?: string | null;
  ocppVersion?: OcppVersion;
}

/** The boot information of a BootNotification, version-independent. */
export interface StationBoot {
  ocppVersion: OcppVersion;
  vendorName: string;
  model: string;
  serialNumber?: string;
  firmwareVersion?: string;
  modemIccid?: string;
  modemImsi?: string;
  /** 2.x BootReasonEnumType; absent in 1.6 */
  reason?: string;
  registrationStatus: RegistrationStatus;
  /** the request as received */
  raw: unknown;
  at: string | number | Date;
}

export interface ConnectorStatus {
  stationId: string;
  /** 0 = the whole station. 1.6 connectorId N is stored as evse N, connector N (0 for the station). */
  evseId: number;
  connectorId: number;
  status: string;
  errorCode: string | null;
  info: string | null;
  reportedAt: string;
  updatedAt: string;
}

interface StationRow {
  id: string;
  ocpp_version: OcppVersion | null;
  security_profile: SecurityProfile;
  password_hash: string | null;
  registration_status: RegistrationStatus | null;
  vendor_name: string | null;
  model: string | null;
  serial_number: string | null;
  firmware_version: string | null;
  modem_iccid: string | null;
  modem_imsi: string | null;
  boot_reason: string | null;
  boot_info_json: string | null;
  last_boot_at: string | null;
  last_seen_at: string | null;
  created_at: string;
}

function toStation(r: StationRow): Station {
  return {
    id: r.id,
    ocppVersion: r.ocpp_version,
    securityProfile: r.security_profile,
    passwordHash: r.password_hash,
    registrationStatus: r.registration_status,
    vendorName: r.vendor_name,
    model: r.model,
    serialNumber: r.serial_number,
    firmwareVersion: r.firmware_version,
    modemIccid: r.modem_iccid,
    modemImsi: r.modem_imsi,
    bootReason: r.boot_reason,
    bootInfo: r.boot_info_json === null ? null : JSON.parse(r.boot_info_json),
    lastBootAt: r.last_boot_at,
    lastSeenAt: r.last_seen_at,
    createdAt: r.created_at,
  };
}

/** Creates the station, or updates its security settings (profile, password, version) if it exists. */
export function registerStation(store: CsmsStore, reg: StationRegistration, now: Date = new Date()): Station {
  if (reg.id.length === 0 || reg.id.length > 48 || reg.id.includes(':')) {
    // [J21 §3.1.2] ≤ 48 characters; ':' is forbidden because the identity is the Basic auth user name
    throw new StoreError('InvalidInput', `invalid station identity ${JSON.stringify(reg.id)}`);
  }
  store
    .statement(
      `INSERT INTO stations (id, security_profile, password_hash, ocpp_version, created_at) VALUES (@id, @sp, @ph, @v, @now)
       ON CONFLICT(id) DO UPDATE SET
         security_profile = COALESCE(@spSet, security_profile),
         password_hash = CASE WHEN @phSet THEN @ph ELSE password_hash END,
         ocpp_version = COALESCE(@v, ocpp_version)`,
    )
    .run({
      id: reg.id,
      sp: reg.securityProfile ?? 1,
      spSet: reg.securityProfile ?? null,
      ph: reg.passwordHash ?? null,
      phSet: reg.passwordHash !== undefined ? 1 : 0,
      v: reg.ocppVersion ?? null,
      now: storedTime(now),
    });
  return getStation(store, reg.id)!;
}

export function getStation(store: CsmsStore, id: string): Station | undefined {
  const row = store.statement('SELECT * FROM stations WHERE id = ?').get(id) as StationRow | undefined;
  return row && toStation(row);
}

export function listStations(store: CsmsStore): Station[] {
  return (store.statement('SELECT * FROM stations ORDER BY id').all() as StationRow[]).map(toStation);
}

export function deleteStation(store: CsmsStore, id: string): boolean {
  return store.statement('DELETE FROM stations WHERE id = ?').run(id).changes > 0;
}

/** Stores a BootNotification (creating an unknown station when the CSMS accepts unknown stations). */
export function recordBoot(store: CsmsStore, stationId: string, boot: StationBoot): Station {
  const at = storedTime(boot.at);
  store
    .statement(
      `INSERT INTO stations (id, created_at) VALUES (@id, @at) ON CONFLICT(id) DO NOTHING`,
    )
    .run({ id: stationId, at });
  store
    .statement(
      `UPDATE stations SET ocpp_version = @v, registration_status = @rs, vendor_name = @vendor, model = @model,
         serial_number = @sn, firmware_version = @fw, modem_iccid = @iccid, modem_imsi = @imsi, boot_reason = @reason,
         boot_info_json = @raw, last_boot_at = @at, last_seen_at = @at
       WHERE id = @id`,
    )
    .run({
      id: stationId,
      v: boot.ocppVersion,
      rs: boot.registrationStatus,
      vendor: boot.vendorName,
      model: boot.model,
      sn: boot.serialNumber ?? null,
      fw: boot.firmwareVersion ?? null,
      iccid: boot.modemIccid ?? null,
      imsi: boot.modemImsi ?? null,
      reason: boot.reason ?? null,
      raw: JSON.stringify(boot.raw),
      at,
    });
  return getStation(store, stationId)!;
}

/** Any message from the station (Heartbeat included) proves it alive. */
export function touchStation(store: CsmsStore, stationId: string, at: string | number | Date = new Date()): void {
  store.statement('UPDATE stations SET last_seen_at = ? WHERE id = ?').run(storedTime(at), stationId);
}

export function setConnectorStatus(
  store: CsmsStore,
  s: { stationId: string; evseId: number; connectorId: number; status: string; errorCode?: string; info?: string; reportedAt: string | number | Date },
  now: Date = new Date(),
): void {
  store
    .statement(
      `INSERT INTO connector_status (station_id, evse_id, connector_id, status, error_code, info, reported_at, updated_at)
       VALUES (@stationId, @evseId, @connectorId, @status, @errorCode, @info, @reportedAt, @now)
       ON CONFLICT(station_id, evse_id, connector_id) DO UPDATE SET
         status = excluded.status, error_code = excluded.error_code, info = excluded.info,
         reported_at = excluded.reported_at, updated_at = excluded.updated_at
       WHERE excluded.reported_at >= connector_status.reported_at`,
    )
    .run({
      stationId: s.stationId,
      evseId: s.evseId,
      connectorId: s.connectorId,
      status: s.status,
      errorCode: s.errorCode ?? null,
      info: s.info ?? null,
      reportedAt: storedTime(s.reportedAt),
      now: storedTime(now),
    });
}

export function listConnectorStatus(store: CsmsStore, stationId: string): ConnectorStatus[] {
  const rows = store
    .statement('SELECT * FROM connector_status WHERE station_id = ? ORDER BY evse_id, connector_id')
    .all(stationId) as { station_id: string; evse_id: number; connector_id: number; status: string; error_code: string | null; info: string | null; reported_at: string; updated_at: string }[];
  return rows.map((r) => ({
    stationId: r.station_id,
    evseId: r.evse_id,
    connectorId: r.connector_id,
    status: r.status,
    errorCode: r.error_code,
    info: r.info,
    reportedAt: r.reported_at,
    updatedAt: r.updated_at,
  }));
}
