import type { CsmsStore } from './database.js';
import { StoreError } from './errors.js';
import { insertMeterValues } from './meter-values.js';
import type { MeterValueSample } from './meter-values.js';
import type { OcppVersion } from './stations.js';
import { storedTime } from './time.js';

export type TransactionEventType = 'Started' | 'Updated' | 'Ended';

export interface TransactionRecord {
  stationId: string;
  transactionId: string;
  ocppVersion: OcppVersion;
  evseId: number | null;
  connectorId: number | null;
  idToken: string | null;
  idTokenType: string | null;
  state: 'Active' | 'Ended';
  chargingState: string | null;
  operationMode: string | null;
  startedAt: string | null;
  endedAt: string | null;
  stoppedReason: string | null;
  meterStartWh: number | null;
  meterStopWh: number | null;
  remoteStartId: number | null;
  reservationId: number | null;
  iso15118SessionId: string | null;
  /** any of its events was sent with offline = true (queued while the station was offline) */
  offline: boolean;
  lastSeqNo: number | null;
  updatedAt: string;
}

/** One TransactionEventRequest (2.0.1/2.1), reduced to what the store keeps, plus the raw request. */
export interface TransactionEventInput {
  transactionId: string;
  seqNo: number;
  eventType: TransactionEventType;
  triggerReason: string;
  timestamp: string | number | Date;
  offline?: boolean;
  evseId?: number;
  connectorId?: number;
  idToken?: string;
  idTokenType?: string;
  chargingState?: string;
  operationMode?: string;
  stoppedReason?: string;
  remoteStartId?: number;
  reservationId?: number;
  iso15118SessionId?: string;
  /** Energy.Active.Import.Register in Wh, when the event carries it */
  meterWh?: number;
  /** the event's sampled values, stored in the same database transaction */
  meterValues?: readonly MeterValueSample[];
  raw: unknown;
}

export interface RecordedTransactionEvent {
  /** true when this seqNo was already stored: a replay, acknowledged again but not applied again */
  duplicate: boolean;
  transaction: TransactionRecord;
  meterValuesInserted: number;
}

interface Row {
  station_id: string;
  transaction_id: string;
  ocpp_version: OcppVersion;
  evse_id: number | null;
  connector_id: number | null;
  id_token: string | null;
  id_token_type: string | null;
  state: 'Active' | 'Ended';
  charging_state: string | null;
  operation_mode: string | null;
  started_at: string | null;
  ended_at: string | null;
  stopped_reason: string | null;
  meter_start_wh: number | null;
  meter_stop_wh: number | null;
  remote_start_id: number | null;
  reservation_id: number | null;
  iso15118_session_id: string | null;
  offline: number;
  last_seq_no: number | null;
  updated_at: string;
}

function toRecord(r: Row): TransactionRecord {
  return {
    stationId: r.station_id,
    transactionId: r.transaction_id,
    ocppVersion: r.ocpp_version,
    evseId: r.evse_id,
    connectorId: r.connector_id,
    idToken: r.id_token,
    idTokenType: r.id_token_type,
    state: r.state,
    chargingState: r.charging_state,
    operationMode: r.operation_mode,
    startedAt: r.started_at,
    endedAt: r.ended_at,
    stoppedReason: r.stopped_reason,
    meterStartWh: r.meter_start_wh,
    meterStopWh: r.meter_stop_wh,
    remoteStartId: r.remote_start_id,
    reservationId: r.reservation_id,
    iso15118SessionId: r.iso15118_session_id,
    offline: r.offline !== 0,
    lastSeqNo: r.last_seq_no,
    updatedAt: r.updated_at,
  };
}

export function getTransaction(store: CsmsStore, stationId: string, transactionId: string): TransactionRecord | undefined {
  const row = store.statement('SELECT * FROM transactions WHERE station_id = ? AND transaction_id = ?').get(stationId, transactionId) as Row | undefined;
  return row && toRecord(row);
}

export function listTransactions(store: CsmsStore, filter: { stationId?: string; state?: 'Active' | 'Ended' } = {}): TransactionRecord[] {
  const rows = store
    .statement(
      `SELECT * FROM transactions WHERE (@station IS NULL OR station_id = @station) AND (@state IS NULL OR state = @state) ORDER BY row_id`,
    )
    .all({ station: filter.stationId ?? null, state: filter.state ?? null }) as Row[];
  return rows.map(toRecord);
}

/** The transaction running on an EVSE (1.6: connector), if any. */
export function activeTransaction(store: CsmsStore, stationId: string, evseId: number): TransactionRecord | undefined {
  const row = store
    .statement(`SELECT * FROM transactions WHERE station_id = ? AND evse_id = ? AND state = 'Active' ORDER BY row_id DESC LIMIT 1`)
    .get(stationId, evseId) as Row | undefined;
  return row && toRecord(row);
}

/**
 * Stores a TransactionEvent (2.0.1/2.1) exactly once per (station, transactionId, seqNo), in one
 * database transaction with its meter values. Events may arrive out of order (queued offline,
 * E04): state fields follow the event with the highest seqNo, an Ended event ends the
 * transaction for good, startedAt is the Started event's timestamp.
 */
export function recordTransactionEvent(
  store: CsmsStore,
  stationId: string,
  ocppVersion: Exclude<OcppVersion, '1.6'>,
  e: TransactionEventInput,
  now: Date = new Date(),
): RecordedTransactionEvent {
  return store.transaction(() => {
    requireStation(store, stationId);
    const at = storedTime(e.timestamp);
    const nowText = storedTime(now);
    const inserted = store
      .statement(
        `INSERT INTO transaction_events (station_id, transaction_id, seq_no, event_type, trigger_reason, timestamp, offline, raw_json, received_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
      )
      .run(stationId, e.transactionId, e.seqNo, e.eventType, e.triggerReason, at, e.offline ? 1 : 0, JSON.stringify(e.raw), nowText);
    if (inserted.changes === 0) {
      return { duplicate: true, transaction: getTransaction(store, stationId, e.transactionId)!, meterValuesInserted: 0 };
    }
    store
      .statement(
        `INSERT INTO transactions (station_id, transaction_id, ocpp_version, state, updated_at) VALUES (?, ?, ?, 'Active', ?)
         ON CONFLICT(station_id, transaction_id) DO NOTHING`,
      )
      .run(stationId, e.transactionId, ocppVersion, nowText);
    // @newer: this event is the latest known, so its state fields win; older events only fill gaps.
    store
      .statement(
        `UPDATE transactions SET
           evse_id        = CASE WHEN @evse IS NOT NULL AND (@newer OR evse_id IS NULL) THEN @evse ELSE evse_id END,
           connector_id   = CASE WHEN @connector IS NOT NULL AND (@newer OR connector_id IS NULL) THEN @connector ELSE connector_id END,
           id_token       = CASE WHEN @idToken IS NOT NULL AND (@newer OR id_token IS NULL) THEN @idToken ELSE id_token END,
           id_token_type  = CASE WHEN @idToken IS NOT NULL AND (@newer OR id_token IS NULL) THEN @idTokenType ELSE id_token_type END,
           charging_state = CASE WHEN @chargingState IS NOT NULL AND (@newer OR charging_state IS NULL) THEN @chargingState ELSE charging_state END,
           operation_mode = CASE WHEN @operationMode IS NOT NULL AND (@newer OR operation_mode IS NULL) THEN @operationMode ELSE operation_mode END,
           remote_start_id = COALESCE(remote_start_id, @remoteStartId),
           reservation_id = COALESCE(reservation_id, @reservationId),
           iso15118_session_id = COALESCE(@sessionId, iso15118_session_id),
           -- the Started event's time; until it arrives, the earliest event time seen
           started_at     = CASE
                              WHEN @eventType = 'Started' THEN @at
                              WHEN started_at IS NULL THEN @at
                              WHEN @at < started_at AND NOT EXISTS (SELECT 1 FROM transaction_events ev WHERE ev.station_id = @station
                                   AND ev.transaction_id = @tx AND ev.event_type = 'Started') THEN @at
                              ELSE started_at END,
           meter_start_wh = CASE WHEN @eventType = 'Started' AND @meterWh IS NOT NULL THEN @meterWh ELSE meter_start_wh END,
           state          = CASE WHEN @eventType = 'Ended' THEN 'Ended' ELSE state END,
           ended_at       = CASE WHEN @eventType = 'Ended' THEN @at ELSE ended_at END,
           stopped_reason = CASE WHEN @eventType = 'Ended' THEN COALESCE(@stoppedReason, 'Local') ELSE stopped_reason END,
           meter_stop_wh  = CASE WHEN @eventType = 'Ended' AND @meterWh IS NOT NULL THEN @meterWh ELSE meter_stop_wh END,
           offline        = MAX(offline, @offline),
           last_seq_no    = MAX(COALESCE(last_seq_no, @seqNo), @seqNo),
           updated_at     = @now
         WHERE station_id = @station AND transaction_id = @tx`,
      )
      .run({
        station: stationId,
        tx: e.transactionId,
        newer: isNewer(store, stationId, e.transactionId, e.seqNo) ? 1 : 0,
        evse: e.evseId ?? null,
        connector: e.connectorId ?? null,
        idToken: e.idToken ?? null,
        idTokenType: e.idTokenType ?? null,
        chargingState: e.chargingState ?? null,
        operationMode: e.operationMode ?? null,
        remoteStartId: e.remoteStartId ?? null,
        reservationId: e.reservationId ?? null,
        sessionId: e.iso15118SessionId ?? null,
        eventType: e.eventType,
        at,
        meterWh: e.meterWh ?? null,
        stoppedReason: e.stoppedReason ?? null,
        offline: e.offline ? 1 : 0,
        seqNo: e.seqNo,
        now: nowText,
      });
    const meterValuesInserted = e.meterValues?.length ? insertMeterValues(store, e.meterValues, now).inserted : 0;
    return { duplicate: false, transaction: getTransaction(store, stationId, e.transactionId)!, meterValuesInserted };
  });
}

function requireStation(store: CsmsStore, stationId: string): void {
  if (!store.statement('SELECT 1 FROM stations WHERE id = ?').get(stationId)) throw new StoreError('NotFound', `unknown station ${stationId}`);
}

function isNewer(store: CsmsStore, stationId: string, transactionId: string, seqNo: number): boolean {
  const row = store.statement('SELECT last_seq_no AS s FROM transactions WHERE station_id = ? AND transaction_id = ?').get(stationId, transactionId) as
    | { s: number | null }
    | undefined;
  return row?.s === null || row?.s === undefined || seqNo >= row.s;
}

/**
 * seqNo values not (yet) received between the transaction's first event and the highest seqNo
 * received: events the station has not delivered. A station numbers a transaction's events
 * from 0, or continues one counter across transactions (allowed too): so the count starts at the
 * Started event's seqNo, or, while that has not arrived, at the lowest one received [P2 E §1.3.2.1].
 */
export function missingSeqNos(store: CsmsStore, stationId: string, transactionId: string): number[] {
  const rows = store
    .statement('SELECT seq_no AS s, event_type AS t FROM transaction_events WHERE station_id = ? AND transaction_id = ? ORDER BY seq_no')
    .all(stationId, transactionId) as { s: number; t: TransactionEventType }[];
  if (rows.length === 0) return [];
  const started = rows.find((r) => r.t === 'Started');
  const missing: number[] = [];
  let expected = started ? started.s : rows[0].s;
  for (const { s } of rows) {
    if (s < expected) continue;
    for (; expected < s; expected++) missing.push(expected);
    expected = s + 1;
  }
  return missing;
}

export interface StoredTransactionEvent {
  seqNo: number;
  eventType: TransactionEventType;
  triggerReason: string;
  timestamp: string;
  offline: boolean;
  raw: unknown;
  receivedAt: string;
}

export function listTransactionEvents(store: CsmsStore, stationId: string, transactionId: string): StoredTransactionEvent[] {
  const rows = store
    .statement('SELECT * FROM transaction_events WHERE station_id = ? AND transaction_id = ? ORDER BY seq_no')
    .all(stationId, transactionId) as { seq_no: number; event_type: TransactionEventType; trigger_reason: string; timestamp: string; offline: number; raw_json: string; received_at: string }[];
  return rows.map((r) => ({
    seqNo: r.seq_no,
    eventType: r.event_type,
    triggerReason: r.trigger_reason,
    timestamp: r.timestamp,
    offline: r.offline !== 0,
    raw: JSON.parse(r.raw_json),
    receivedAt: r.received_at,
  }));
}

export function setIso15118SessionId(store: CsmsStore, stationId: string, transactionId: string, sessionId: string): boolean {
  return (
    store.statement('UPDATE transactions SET iso15118_session_id = ? WHERE station_id = ? AND transaction_id = ?').run(sessionId, stationId, transactionId).changes > 0
  );
}

// ---- OCPP 1.6: the CSMS assigns the (integer) transactionId -------------------------------------

export interface StartTransaction16 {
  connectorId: number;
  idTag: string;
  timestamp: string | number | Date;
  meterStartWh: number;
  reservationId?: number;
}

/**
 * Stores a 1.6 StartTransaction.req and returns the transactionId to answer with. A retried
 * request (same connector, idTag, timestamp, meterStart: the station never got our .conf) gets
 * the same transactionId back instead of a second transaction.
 */
export function startTransaction16(store: CsmsStore, stationId: string, s: StartTransaction16, now: Date = new Date()): { transactionId: number; created: boolean } {
  return store.transaction(() => {
    requireStation(store, stationId);
    const at = storedTime(s.timestamp);
    const existing = store
      .statement(
        `SELECT row_id FROM transactions WHERE station_id = ? AND ocpp_version = '1.6' AND connector_id = ? AND id_token = ? AND started_at = ? AND meter_start_wh = ?`,
      )
      .get(stationId, s.connectorId, s.idTag, at, s.meterStartWh) as { row_id: number } | undefined;
    if (existing) return { transactionId: existing.row_id, created: false };
    const rowId = Number(
      store
        .statement(
          `INSERT INTO transactions (station_id, transaction_id, ocpp_version, evse_id, connector_id, id_token, id_token_type, state, started_at, meter_start_wh, reservation_id, updated_at)
           VALUES (@station, '', '1.6', @connector, @connector, @idTag, 'Central', 'Active', @at, @meter, @reservation, @now)`,
        )
        .run({ station: stationId, connector: s.connectorId, idTag: s.idTag, at, meter: s.meterStartWh, reservation: s.reservationId ?? null, now: storedTime(now) })
        .lastInsertRowid,
    );
    store.statement('UPDATE transactions SET transaction_id = ? WHERE row_id = ?').run(String(rowId), rowId);
    return { transactionId: rowId, created: true };
  });
}

export interface StopTransaction16 {
  transactionId: number;
  timestamp: string | number | Date;
  meterStopWh: number;
  reason?: string;
  idTag?: string;
  /** transactionData sampled values, stored in the same database transaction */
  meterValues?: readonly MeterValueSample[];
}

/** Stores a 1.6 StopTransaction.req; a retry of the same stop changes nothing. */
export function stopTransaction16(store: CsmsStore, stationId: string, s: StopTransaction16, now: Date = new Date()): { found: boolean; duplicate: boolean } {
  return store.transaction(() => {
    const tx = getTransaction(store, stationId, String(s.transactionId));
    if (!tx) return { found: false, duplicate: false };
    if (s.meterValues?.length) insertMeterValues(store, s.meterValues, now);
    if (tx.state === 'Ended') return { found: true, duplicate: true };
    store
      .statement(
        `UPDATE transactions SET state = 'Ended', ended_at = ?, meter_stop_wh = ?, stopped_reason = ?, updated_at = ? WHERE station_id = ? AND transaction_id = ?`,
      )
      .run(storedTime(s.timestamp), s.meterStopWh, s.reason ?? 'Local', storedTime(now), stationId, String(s.transactionId));
    return { found: true, duplicate: false };
  });
}

