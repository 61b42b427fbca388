// The store's schema, as ordered migrations. A migration is never edited once released: a change
// is a new migration with the next version. Each runs in its own transaction at open.

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const migrations: readonly Migration[] = [
  {
    version: 1,
    name: 'initial schema',
    sql: `
CREATE TABLE stations (
  id                 TEXT PRIMARY KEY,               -- the station identity (last path segment of the WebSocket URL)
  ocpp_version       TEXT CHECK (ocpp_version IN ('1.6', '2.0.1', '2.1')),  -- last negotiated; NULL before the first connection
  security_profile   INTEGER NOT NULL DEFAULT 1 CHECK (security_profile BETWEEN 0 AND 3),
  password_hash      TEXT,                           -- scrypt hash of BasicAuthPassword / AuthorizationKey
  registration_status TEXT CHECK (registration_status IN ('Accepted', 'Pending', 'Rejected')),
  vendor_name        TEXT,
  model              TEXT,
  serial_number      TEXT,
  firmware_version   TEXT,
  modem_iccid        TEXT,
  modem_imsi         TEXT,
  boot_reason        TEXT,
  boot_info_json     TEXT,                           -- the last BootNotification request, as received
  last_boot_at       TEXT,
  last_seen_at       TEXT,
  created_at         TEXT NOT NULL
) STRICT;

CREATE TABLE connector_status (
  station_id   TEXT NOT NULL REFERENCES stations(id) ON DELETE CASCADE,
  evse_id      INTEGER NOT NULL,                     -- 0 = the whole station
  connector_id INTEGER NOT NULL,
  status       TEXT NOT NULL,                        -- ConnectorStatusEnumType (2.x) or ChargePointStatus (1.6)
  error_code   TEXT,                                 -- 1.6 ChargePointErrorCode
  info         TEXT,
  reported_at  TEXT NOT NULL,                        -- the station's timestamp
  updated_at   TEXT NOT NULL,
  PRIMARY KEY (station_id, evse_id, connector_id)
) STRICT;

CREATE TABLE id_tokens (
  id_token      TEXT NOT NULL,
  type          TEXT NOT NULL,                       -- IdTokenEnumType; 'Central' for a 1.6 idTag with no type
  status        TEXT NOT NULL,                       -- AuthorizationStatusEnumType
  expiry_date   TEXT,                                -- cacheExpiryDateTime (2.x) / expiryDate (1.6)
  group_id_token TEXT,
  group_type    TEXT,
  allowed_energy_transfer TEXT,                      -- 2.1: JSON array of EnergyTransferModeEnumType; NULL = charging only
  language1     TEXT,
  personal_message TEXT,
  updated_at    TEXT NOT NULL,
  PRIMARY KEY (id_token, type)
) STRICT;

CREATE TABLE transactions (
  row_id          INTEGER PRIMARY KEY AUTOINCREMENT, -- never reused, so it is also the 1.6 transactionId
  station_id      TEXT NOT NULL REFERENCES stations(id),
  transaction_id  TEXT NOT NULL,                     -- 2.x: the station's transactionId; 1.6: row_id as text
  ocpp_version    TEXT NOT NULL CHECK (ocpp_version IN ('1.6', '2.0.1', '2.1')),
  evse_id         INTEGER,
  connector_id    INTEGER,
  id_token        TEXT,
  id_token_type   TEXT,
  state           TEXT NOT NULL CHECK (state IN ('Active', 'Ended')),
  charging_state  TEXT,                              -- ChargingStateEnumType
  operation_mode  TEXT,                              -- 2.1 transactionInfo.operationMode
  started_at      TEXT,
  ended_at        TEXT,
  stopped_reason  TEXT,
  meter_start_wh  REAL,
  meter_stop_wh   REAL,
  remote_start_id INTEGER,
  reservation_id  INTEGER,
  iso15118_session_id TEXT,                          -- V2G SessionID (hex) when the session used ISO 15118
  offline         INTEGER NOT NULL DEFAULT 0,        -- 1 when any event of it was sent with offline = true
  last_seq_no     INTEGER,                           -- highest TransactionEvent seqNo stored
  updated_at      TEXT NOT NULL,
  UNIQUE (station_id, transaction_id)
) STRICT;
CREATE INDEX transactions_active ON transactions(station_id, evse_id) WHERE state = 'Active';

-- One row per TransactionEvent, keyed by seqNo: a replayed event (resent after a reconnect) is
-- recognised and not applied twice.
CREATE TABLE transaction_events (
  station_id     TEXT NOT NULL,
  transaction_id TEXT NOT NULL,
  seq_no         INTEGER NOT NULL,
  event_type     TEXT NOT NULL CHECK (event_type IN ('Started', 'Updated', 'Ended')),
  trigger_reason TEXT NOT NULL,
  timestamp      TEXT NOT NULL,
  offline        INTEGER NOT NULL DEFAULT 0,
  raw_json       TEXT NOT NULL,
  received_at    TEXT NOT NULL,
  PRIMARY KEY (station_id, transaction_id, seq_no)
) STRICT;

-- One sampled value per row. '' (not NULL) stands for an absent optional key part, so the
-- UNIQUE key holds: the same sample delivered twice (a retried MeterValues or TransactionEvent)
-- is stored once.
CREATE TABLE meter_values (
  row_id          INTEGER PRIMARY KEY,
  station_id      TEXT NOT NULL,
  evse_id         INTEGER NOT NULL,
  transaction_id  TEXT NOT NULL DEFAULT '',
  timestamp       TEXT NOT NULL,
  measurand       TEXT NOT NULL DEFAULT 'Energy.Active.Import.Register',
  phase           TEXT NOT NULL DEFAULT '',
  location        TEXT NOT NULL DEFAULT 'Outlet',
  context         TEXT NOT NULL DEFAULT 'Sample.Periodic',
  value           REAL,                              -- NULL only for a 1.6 sample with format = SignedData
  unit            TEXT NOT NULL DEFAULT 'Wh',
  multiplier      INTEGER NOT NULL DEFAULT 0,        -- 2.x unitOfMeasure.multiplier (value × 10^multiplier)
  signed_data     TEXT,                              -- 2.x signedMeterValue (JSON) or 1.6 SignedData value
  received_at     TEXT NOT NULL,
  UNIQUE (station_id, evse_id, transaction_id, timestamp, measurand, phase, location, context)
) STRICT;
CREATE INDEX meter_values_by_transaction ON meter_values(station_id, transaction_id, timestamp);

CREATE TABLE charging_needs (
  row_id                    INTEGER PRIMARY KEY,
  station_id                TEXT NOT NULL,
  evse_id                   INTEGER NOT NULL,
  transaction_id            TEXT,
  received_at               TEXT NOT NULL,
  timestamp                 TEXT,                    -- 2.1: when the EV sent its needs (offline delivery)
  max_schedule_tuples       INTEGER,
  requested_energy_transfer TEXT NOT NULL,
  available_energy_transfer TEXT,                    -- 2.1: JSON array
  control_mode              TEXT,                    -- 2.1: ScheduledControl | DynamicControl
  mobility_needs_mode       TEXT,                    -- 2.1: EVCC | EVCC_SECC
  departure_time            TEXT,
  energy_amount_wh          REAL,                    -- AC/DC energyAmount or V2X evTargetEnergyRequest
  ev_min_energy_wh          REAL,
  ev_max_energy_wh          REAL,
  ev_min_v2x_energy_wh      REAL,
  ev_max_v2x_energy_wh      REAL,
  ev_min_current_a          REAL,
  ev_max_current_a          REAL,
  ev_max_voltage_v          REAL,
  ev_min_voltage_v          REAL,
  ev_max_power_w            REAL,
  ev_min_power_w            REAL,
  ev_max_discharge_power_w  REAL,
  ev_min_discharge_power_w  REAL,
  ev_max_discharge_current_a REAL,
  ev_min_discharge_current_a REAL,
  ev_energy_capacity_wh     REAL,
  state_of_charge           INTEGER,
  target_soc                INTEGER,
  full_soc                  INTEGER,
  bulk_soc                  INTEGER,
  raw_json                  TEXT NOT NULL            -- the whole NotifyEVChargingNeedsRequest
) STRICT;
CREATE INDEX charging_needs_by_evse ON charging_needs(station_id, evse_id, received_at);

-- Charging profiles the CSMS sent (status from the station's answer) or that a station reported
-- (ReportChargingProfiles). One row per (station, profile id): the station replaces a profile
-- with the same id (K01.FR.05), so does this table.
CREATE TABLE charging_profiles (
  station_id      TEXT NOT NULL,
  profile_id      INTEGER NOT NULL,
  evse_id         INTEGER NOT NULL,
  stack_level     INTEGER NOT NULL,
  purpose         TEXT NOT NULL,
  kind            TEXT NOT NULL,
  recurrency_kind TEXT,
  valid_from      TEXT,
  valid_to        TEXT,
  transaction_id  TEXT,
  charging_limit_source TEXT NOT NULL DEFAULT 'CSO',
  ocpp_version    TEXT NOT NULL CHECK (ocpp_version IN ('1.6', '2.0.1', '2.1')),
  raw_json        TEXT NOT NULL,                     -- the profile in the version's own JSON shape
  status          TEXT NOT NULL CHECK (status IN ('Pending', 'Accepted', 'Rejected', 'Reported', 'Cleared')),
  status_reason   TEXT,
  updated_at      TEXT NOT NULL,
  PRIMARY KEY (station_id, profile_id)
) STRICT;

CREATE TABLE composite_schedules (
  row_id          INTEGER PRIMARY KEY,
  station_id      TEXT NOT NULL,
  evse_id         INTEGER NOT NULL,
  requested_at    TEXT NOT NULL,
  status          TEXT NOT NULL,
  schedule_start  TEXT,
  duration_s      INTEGER,
  charging_rate_unit TEXT,
  raw_json        TEXT NOT NULL                      -- the GetCompositeSchedule response
) STRICT;
CREATE INDEX composite_schedules_by_evse ON composite_schedules(station_id, evse_id, requested_at);
`,
  },
  {
    version: 2,
    name: 'SCALE charging needs, EV charging schedules',
    // D2.3 §9.3/§9.4, appendix 13.3/13.4: customData (vendorId eu.scale-project) of the AC/DC
    // charging parameters (2.0.1) and of the V2X charging parameters (2.1)
    sql: `
ALTER TABLE charging_needs ADD COLUMN min_soc INTEGER;
ALTER TABLE charging_needs ADD COLUMN v2x_state_of_health REAL;
ALTER TABLE charging_needs ADD COLUMN round_trip_efficiency REAL;

-- NotifyEVChargingSchedule: the schedule the EV chose from the CSMS's profile (K17)
CREATE TABLE ev_charging_schedules (
  row_id          INTEGER PRIMARY KEY,
  station_id      TEXT NOT NULL,
  evse_id         INTEGER NOT NULL,
  transaction_id  TEXT,
  time_base       TEXT NOT NULL,
  selected_schedule_id INTEGER,                      -- 2.1 selectedChargingScheduleId
  raw_json        TEXT NOT NULL,                     -- the whole NotifyEVChargingScheduleRequest
  received_at     TEXT NOT NULL
) STRICT;
CREATE INDEX ev_charging_schedules_by_evse ON ev_charging_schedules(station_id, evse_id, received_at);
`,
  },
  {
    version: 3,
    name: 'OCPI 2.2.1 CPO: connected parties, sessions, tokens, CDRs',
    // the CSMS as OCPI CPO (credentials.asciidoc, mod_sessions, mod_tokens, mod_cdrs): a restart
    // keeps the registrations, the session ids handed out, the preferences and profiles set
    // through OCPI, the tokens eMSPs pushed and the CDRs issued
    sql: `
CREATE TABLE ocpi_peers (
  id              TEXT PRIMARY KEY,
  record_json     TEXT NOT NULL,                     -- the OcpiPeer record (tokens, endpoints, roles)
  updated_at      TEXT NOT NULL
) STRICT;

CREATE TABLE ocpi_sessions (
  session_id      TEXT PRIMARY KEY,
  station_id      TEXT NOT NULL,
  transaction_id  TEXT NOT NULL,
  auth_method     TEXT,                              -- COMMAND (START_SESSION), AUTH_REQUEST, WHITELIST
  authorization_reference TEXT,
  preferences_json TEXT,                             -- ChargingPreferences last accepted
  profile_owner   TEXT,                              -- the OCPI peer that set the session's charging profile
  profile_id      INTEGER,                           -- its OCPP chargingProfileId at the station
  profile_json    TEXT,                              -- the OCPI ChargingProfile as requested
  applied_json    TEXT,                              -- the OCPI ChargingProfile as applied (capped)
  completed       INTEGER NOT NULL DEFAULT 0,        -- the session was pushed COMPLETED and its CDR issued
  created_at      TEXT NOT NULL,
  updated_at      TEXT NOT NULL,
  UNIQUE (station_id, transaction_id)
) STRICT;

CREATE TABLE ocpi_tokens (
  country_code    TEXT NOT NULL,
  party_id        TEXT NOT NULL,
  uid             TEXT NOT NULL,
  type            TEXT NOT NULL,
  token_json      TEXT NOT NULL,
  updated_at      TEXT NOT NULL,
  PRIMARY KEY (country_code, party_id, uid, type)
) STRICT;
CREATE INDEX ocpi_tokens_by_uid ON ocpi_tokens(uid);

CREATE TABLE ocpi_cdrs (
  id              TEXT PRIMARY KEY,
  session_id      TEXT NOT NULL UNIQUE,
  cdr_json        TEXT NOT NULL,
  last_updated    TEXT NOT NULL
) STRICT;
CREATE INDEX ocpi_cdrs_by_time ON ocpi_cdrs(last_updated);
`,
  },
];

export const latestSchemaVersion: number = migrations[migrations.length - 1].version;
