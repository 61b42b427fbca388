// What the CSMS knows, as OCPI 2.2.1 objects: a Location per station with its EVSEs and
// connectors (mod_locations), a Session per OCPP transaction (mod_sessions), its CDR (mod_cdrs),
// the configured Tariffs (mod_tariffs), and OCPI charging profiles ↔ the OCPP model
// (mod_charging_profiles). Pure: the callers read the store.
import type {
  ActiveChargingProfile,
  AuthMethod,
  CDR,
  CdrDimension,
  CdrToken,
  ChargingPeriod,
  ChargingProfile as OcpiChargingProfile,
  Connector,
  ConnectorFormat,
  ConnectorType,
  EVSE,
  Location,
  PowerType,
  Session,
  SessionStatus,
  Status,
  Tariff,
  Token,
  TokenType,
} from '@v2xsim/ocpi';
import { ocpiNow } from '@v2xsim/ocpi';
import type { ChargingProfile, CompositeSchedule } from '@v2xsim/ocpp';
import type { OcpiCpoConfig } from '../config.js';
import type { ConnectorStatus, Station, StoredMeterValue, TransactionRecord } from '../store/index.js';

export interface Party {
  country_code: string;
  party_id: string;
}

const ts = (s: string | null | undefined, fallback: Date): string => ocpiNow(s ? new Date(s) : fallback);
const latest = (...times: (string | null | undefined)[]): string | undefined => times.filter((t): t is string => !!t).sort().at(-1);

/** EVSE.uid: unique within the CPO (string(36)). */
export const evseUid = (stationId: string, evseId: number): string => `${stationId}-${evseId}`;

/** The eMI3 EVSE ID (`CC*PTY*E<station>*<evse>`, only letters, digits and `*`). */
export function evseIdOf(party: Party, stationId: string, evseId: number): string {
  const clean = stationId.replace(/[^A-Za-z0-9]/g, '').toUpperCase() || 'CS';
  return `${party.country_code}*${party.party_id}*E${clean}*${evseId}`;
}

/**
 * OCPP connector status (1.6 ChargePointStatus, 2.x ConnectorStatusEnumType) → OCPI EVSE Status;
 * a station not connected is UNKNOWN ("no status information available, also used when offline").
 */
export function evseStatus(statuses: readonly string[], online: boolean): Status {
  if (!online || statuses.length === 0) return 'UNKNOWN';
  const has = (...s: string[]) => statuses.some((x) => s.includes(x));
  if (has('Faulted')) return 'OUTOFORDER';
  if (has('Occupied', 'Charging', 'SuspendedEV', 'SuspendedEVSE', 'Finishing', 'Preparing')) return 'CHARGING';
  if (has('Reserved')) return 'RESERVED';
  if (has('Unavailable')) return 'INOPERATIVE';
  if (has('Available')) return 'AVAILABLE';
  return 'UNKNOWN';
}

export interface LocationInput {
  station: Station;
  connectors: readonly ConnectorStatus[];
  online: boolean;
  evseMaxPowerW: number;
  tariffIds: readonly string[];
  /** EVSEs with a transaction in progress (CHARGING even before a StatusNotification says so) */
  busyEvses?: ReadonlySet<number>;
}

const PHASES: Record<PowerType, number> = { AC_1_PHASE: 1, AC_2_PHASE: 2, AC_2_PHASE_SPLIT: 2, AC_3_PHASE: 3, DC: 1 };

function connectorOf(cfg: OcpiCpoConfig, id: number, maxPowerW: number, tariffIds: readonly string[], lastUpdated: string): Connector {
  const powerType = cfg.connector.powerType as PowerType;
  // AC: phase voltage is the line voltage / √3 for 3 phases; the amperage per phase follows from the power
  const phaseV = powerType === 'AC_3_PHASE' ? cfg.connector.maxVoltage / Math.sqrt(3) : cfg.connector.maxVoltage;
  const maxAmperage = Math.max(1, Math.round(maxPowerW / (phaseV * PHASES[powerType])));
  return {
    id: String(id),
    standard: cfg.connector.standard as ConnectorType,
    format: cfg.connector.format as ConnectorFormat,
    power_type: powerType,
    max_voltage: cfg.connector.maxVoltage,
    max_amperage: maxAmperage,
    max_electric_power: Math.round(maxPowerW),
    ...(tariffIds.length > 0 ? { tariff_ids: [...tariffIds] } : {}),
    last_updated: lastUpdated,
  };
}

/** One Location per station: its EVSEs from the StatusNotifications it sent (evse 0, the station itself, is not an EVSE). */
export function locationOf(cfg: OcpiCpoConfig, party: Party, input: LocationInput, now: Date): Location {
  const { station } = input;
  const byEvse = new Map<number, ConnectorStatus[]>();
  for (const c of input.connectors) {
    if (c.evseId === 0) continue;
    const list = byEvse.get(c.evseId) ?? [];
    list.push(c);
    byEvse.set(c.evseId, list);
  }
  for (const e of input.busyEvses ?? []) if (!byEvse.has(e)) byEvse.set(e, []);
  const evses: EVSE[] = [...byEvse.entries()]
    .sort(([a], [b]) => a - b)
    .map(([evseId, conns]) => {
      const updated = ts(latest(...conns.map((c) => c.updatedAt)) ?? station.createdAt, now);
      const statuses = conns.map((c) => c.status);
      if (input.busyEvses?.has(evseId) && input.online && !statuses.some((s) => s !== 'Available')) statuses.push('Charging');
      const connectorIds = conns.length > 0 ? [...new Set(conns.map((c) => c.connectorId || 1))].sort((a, b) => a - b) : [1];
      return {
        uid: evseUid(station.id, evseId),
        evse_id: evseIdOf(party, station.id, evseId),
        status: evseStatus(statuses, input.online),
        capabilities: ['CHARGING_PROFILE_CAPABLE', 'CHARGING_PREFERENCES_CAPABLE', 'REMOTE_START_STOP_CAPABLE', 'RFID_READER', 'UNLOCK_CAPABLE'],
        connectors: connectorIds.map((id) => connectorOf(cfg, id, input.evseMaxPowerW, input.tariffIds, updated)),
        last_updated: updated,
      } satisfies EVSE;
    });
  const l = cfg.location;
  return {
    country_code: party.country_code,
    party_id: party.party_id,
    id: station.id,
    publish: true,
    name: station.id,
    address: l.address,
    city: l.city,
    ...(l.postalCode ? { postal_code: l.postalCode } : {}),
    country: l.country,
    coordinates: { latitude: l.latitude, longitude: l.longitude },
    evses,
    time_zone: l.timeZone,
    last_updated: ocpiNow(new Date(latest(station.createdAt, station.lastBootAt, ...evses.map((e) => e.last_updated)) ?? now.toISOString())),
  };
}

// ---- sessions

/** OCPP IdTokenEnumType → OCPI TokenType (RFID cards; an eMAID is a contract: APP_USER/OTHER). */
export function tokenTypeOf(ocppType: string | null): TokenType {
  switch (ocppType) {
    case 'ISO14443':
    case 'ISO15693':
    case null:
    case 'Central': // a 1.6 idTag: an RFID card for all we know
      return 'RFID';
    case 'eMAID':
      return 'APP_USER';
    case 'NoAuthorization':
      return 'AD_HOC_USER';
    default:
      return 'OTHER';
  }
}

/** OCPI TokenType → OCPP 2.x IdTokenEnumType */
export function ocppTokenTypeOf(t: TokenType): string {
  return t === 'RFID' ? 'ISO14443' : t === 'APP_USER' ? 'eMAID' : 'Central';
}

export function cdrTokenOf(party: Party, tx: TransactionRecord, token: Token | undefined): CdrToken {
  if (token) return { country_code: token.country_code, party_id: token.party_id, uid: token.uid, type: token.type, contract_id: token.contract_id };
  const uid = (tx.idToken ?? 'UNKNOWN').slice(0, 36);
  return { country_code: party.country_code, party_id: party.party_id, uid, type: tokenTypeOf(tx.idTokenType), contract_id: uid };
}

const MEASURANDS: Record<string, { type: CdrDimension['type']; scale: (v: StoredMeterValue) => number }> = {};
const toBase = (v: StoredMeterValue): number => v.value! * 10 ** v.multiplier * (v.unit.startsWith('k') ? 1000 : 1);
MEASURANDS['Energy.Active.Import.Register'] = { type: 'ENERGY_IMPORT', scale: (v) => toBase(v) / 1000 };
MEASURANDS['Energy.Active.Export.Register'] = { type: 'ENERGY_EXPORT', scale: (v) => toBase(v) / 1000 };
MEASURANDS['Power.Active.Import'] = { type: 'POWER', scale: (v) => toBase(v) / 1000 };
MEASURANDS['Power.Active.Export'] = { type: 'POWER', scale: (v) => -toBase(v) / 1000 };
MEASURANDS['Current.Import'] = { type: 'CURRENT', scale: (v) => toBase(v) };
MEASURANDS['SoC'] = { type: 'STATE_OF_CHARGE', scale: (v) => v.value! };

const round = (x: number, digits: number): number => Math.round(x * 10 ** digits) / 10 ** digits;

/**
 * Charging periods from the transaction's meter values: one per sampling time, with
 * ENERGY_IMPORT / ENERGY_EXPORT the energy (kWh) charged / discharged since the session started,
 * POWER (kW; negative = to the grid, mod_cdrs), CURRENT (A) and STATE_OF_CHARGE (%).
 */
export function chargingPeriodsOf(values: readonly StoredMeterValue[], meterStartWh: number | null): ChargingPeriod[] {
  const byTime = new Map<string, Map<CdrDimension['type'], number>>();
  const firstOf = new Map<string, number>();
  for (const v of values) {
    if (v.value === null || v.phase !== null) continue;
    const m = MEASURANDS[v.measurand];
    if (!m) continue;
    let volume = m.scale(v);
    if (m.type === 'ENERGY_IMPORT' || m.type === 'ENERGY_EXPORT') {
      const base = m.type === 'ENERGY_IMPORT' && meterStartWh !== null ? meterStartWh / 1000 : (firstOf.get(v.measurand) ?? volume);
      if (!firstOf.has(v.measurand)) firstOf.set(v.measurand, base);
      volume = Math.max(0, volume - base);
    }
    const dims = byTime.get(v.timestamp) ?? new Map<CdrDimension['type'], number>();
    // import and export power at one instant: the net
    dims.set(m.type, m.type === 'POWER' && dims.has('POWER') ? dims.get('POWER')! + volume : volume);
    byTime.set(v.timestamp, dims);
  }
  return [...byTime.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([t, dims]) => ({ start_date_time: ocpiNow(new Date(t)), dimensions: [...dims.entries()].map(([type, volume]) => ({ type, volume: round(volume, 4) })) }));
}

/** Energy charged so far, kWh: the import register now minus at the start. */
export function kwhOf(values: readonly StoredMeterValue[], tx: TransactionRecord): number {
  const register = values.filter((v) => v.measurand === 'Energy.Active.Import.Register' && v.phase === null && v.value !== null);
  const lastWh = tx.meterStopWh ?? (register.length > 0 ? toBase(register[register.length - 1]!) : null);
  if (lastWh === null) return 0;
  const startWh = tx.meterStartWh ?? (register.length > 0 ? toBase(register[0]!) : lastWh);
  return round(Math.max(0, lastWh - startWh) / 1000, 4);
}

export interface SessionInput {
  sessionId: string;
  tx: TransactionRecord;
  values: readonly StoredMeterValue[];
  token: Token | undefined;
  authMethod: AuthMethod | null;
  authorizationReference: string | null;
  currency: string;
  cost?: number;
  now: Date;
}

export function sessionStatusOf(tx: TransactionRecord): SessionStatus {
  return tx.state === 'Ended' ? 'COMPLETED' : 'ACTIVE';
}

export function sessionOf(party: Party, s: SessionInput): Session {
  const { tx } = s;
  const periods = chargingPeriodsOf(s.values, tx.meterStartWh);
  const lastValue = latest(...s.values.map((v) => v.receivedAt));
  return {
    country_code: party.country_code,
    party_id: party.party_id,
    id: s.sessionId,
    start_date_time: ts(tx.startedAt, s.now),
    ...(tx.endedAt ? { end_date_time: ts(tx.endedAt, s.now) } : {}),
    kwh: kwhOf(s.values, tx),
    cdr_token: cdrTokenOf(party, tx, s.token),
    auth_method: s.authMethod ?? (s.token?.whitelist === 'NEVER' ? 'AUTH_REQUEST' : 'WHITELIST'),
    ...(s.authorizationReference ? { authorization_reference: s.authorizationReference } : {}),
    location_id: tx.stationId,
    evse_uid: evseUid(tx.stationId, tx.evseId ?? 1),
    connector_id: String(tx.connectorId ?? 1),
    currency: s.currency,
    ...(periods.length > 0 ? { charging_periods: periods } : {}),
    ...(s.cost !== undefined ? { total_cost: { excl_vat: s.cost } } : {}),
    status: sessionStatusOf(tx),
    last_updated: ts(latest(tx.updatedAt, lastValue), s.now),
  };
}

// ---- tariffs and CDRs

export function tariffsOf(cfg: OcpiCpoConfig, party: Party, since: Date): Tariff[] {
  const configured = cfg.tariffs ?? [{ id: 'DEFAULT', elements: [{ price_components: [{ type: 'ENERGY' as const, price: 0.3, vat: 21, step_size: 1 }] }] }];
  return configured.map((t) => ({
    country_code: party.country_code,
    party_id: party.party_id,
    id: t.id,
    currency: t.currency ?? cfg.currency,
    ...(t.type ? { type: t.type } : {}),
    elements: t.elements.map((e) => ({ price_components: e.price_components.map((p) => ({ ...p })) })),
    last_updated: ocpiNow(since),
  }));
}

/** The cost excluding VAT of `kwh` over `hours` under a tariff's first element (ENERGY, TIME, FLAT). */
export function costOf(tariff: Tariff | undefined, kwh: number, hours: number): { excl: number; incl: number } {
  let excl = 0;
  let incl = 0;
  for (const p of tariff?.elements[0]?.price_components ?? []) {
    const amount = p.type === 'ENERGY' ? kwh * p.price : p.type === 'TIME' ? hours * p.price : p.type === 'FLAT' ? p.price : 0;
    excl += amount;
    incl += amount * (1 + (p.vat ?? 0) / 100);
  }
  return { excl: round(excl, 4), incl: round(incl, 4) };
}

export function cdrOf(session: Session, location: Location, tariff: Tariff | undefined, now: Date): CDR {
  const evse = location.evses?.find((e) => e.uid === session.evse_uid);
  const connector = evse?.connectors.find((c) => c.id === session.connector_id) ?? evse?.connectors[0];
  const end = session.end_date_time ?? ocpiNow(now);
  const hours = round(Math.max(0, Date.parse(end) - Date.parse(session.start_date_time)) / 3_600_000, 4);
  const cost = costOf(tariff, session.kwh, hours);
  return {
    country_code: session.country_code,
    party_id: session.party_id,
    // CDR.id is string(39): the session id fits
    id: session.id,
    start_date_time: session.start_date_time,
    end_date_time: end,
    session_id: session.id,
    cdr_token: session.cdr_token,
    auth_method: session.auth_method,
    ...(session.authorization_reference ? { authorization_reference: session.authorization_reference } : {}),
    cdr_location: {
      id: location.id,
      ...(location.name ? { name: location.name } : {}),
      address: location.address,
      city: location.city,
      ...(location.postal_code ? { postal_code: location.postal_code } : {}),
      country: location.country,
      coordinates: location.coordinates,
      evse_uid: session.evse_uid,
      evse_id: evse?.evse_id ?? session.evse_uid,
      connector_id: session.connector_id,
      connector_standard: connector?.standard ?? 'IEC_62196_T2',
      connector_format: connector?.format ?? 'SOCKET',
      connector_power_type: connector?.power_type ?? 'AC_3_PHASE',
    },
    currency: session.currency,
    ...(tariff ? { tariffs: [tariff] } : {}),
    // a CDR has at least one charging period
    charging_periods:
      session.charging_periods && session.charging_periods.length > 0
        ? session.charging_periods
        : [{ start_date_time: session.start_date_time, dimensions: [{ type: 'ENERGY', volume: session.kwh }] }],
    total_cost: { excl_vat: cost.excl, incl_vat: cost.incl },
    total_energy: session.kwh,
    total_time: hours,
    last_updated: ocpiNow(now),
  };
}

// ---- charging profiles

/**
 * An OCPI ChargingProfile as an OCPP TxProfile of the session's transaction: start_date_time →
 * Absolute from then (else Relative: from the start of charging), periods as they are, each limit
 * capped at `capOf(unit)` (the EVSE rating and the site limit: a CPO keeps its grid connection).
 */
export function txProfileOf(
  p: OcpiChargingProfile,
  o: { id: number; stackLevel: number; transactionId: string; cap: number | undefined },
): { profile: ChargingProfile; applied: OcpiChargingProfile } {
  const periods = (p.charging_profile_period?.length ? p.charging_profile_period : [{ start_period: 0, limit: o.cap ?? 0 }]).map((x) => ({
    start_period: x.start_period,
    limit: round(o.cap !== undefined ? Math.min(x.limit, o.cap) : x.limit, 1),
  }));
  const applied: OcpiChargingProfile = { ...p, charging_profile_period: periods };
  const profile: ChargingProfile = {
    id: o.id,
    stackLevel: o.stackLevel,
    chargingProfilePurpose: 'TxProfile',
    chargingProfileKind: p.start_date_time ? 'Absolute' : 'Relative',
    transactionId: o.transactionId,
    chargingSchedule: [
      {
        id: 1,
        ...(p.start_date_time ? { startSchedule: Math.floor(Date.parse(p.start_date_time) / 1000) * 1000 } : {}),
        ...(p.duration !== undefined ? { duration: p.duration } : {}),
        chargingRateUnit: p.charging_rate_unit,
        ...(p.min_charging_rate !== undefined ? { minChargingRate: p.min_charging_rate } : {}),
        chargingSchedulePeriod: periods.map((x) => ({ startPeriod: x.start_period, limit: x.limit })),
      },
    ],
  };
  return { profile, applied };
}

/** A composite schedule (GetCompositeSchedule) as the ActiveChargingProfile; periods without a limit get `unlimited`. */
export function activeProfileOf(c: CompositeSchedule, unlimited: number): ActiveChargingProfile {
  const start = ocpiNow(new Date(c.scheduleStart));
  return {
    start_date_time: start,
    charging_profile: {
      start_date_time: start,
      duration: c.duration,
      charging_rate_unit: c.chargingRateUnit,
      ...(c.minChargingRate !== undefined ? { min_charging_rate: round(c.minChargingRate, 1) } : {}),
      charging_profile_period: c.chargingSchedulePeriod.map((p) => ({ start_period: p.startPeriod, limit: round(Math.max(0, p.limit ?? unlimited), 1) })),
    },
  };
}
