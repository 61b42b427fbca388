import type { CsmsStore } from './database.js';
import { optionalStoredTime, storedTime } from './time.js';

/** A GetCompositeSchedule answer as the CSMS received it. */
export interface CompositeScheduleRecord {
  id: number;
  stationId: string;
  evseId: number;
  requestedAt: string;
  status: string;
  scheduleStart: string | null;
  durationS: number | null;
  chargingRateUnit: string | null;
  /** the response, as received */
  response: unknown;
}

export interface SaveCompositeSchedule {
  stationId: string;
  evseId: number;
  requestedAt: string | number | Date;
  status: string;
  scheduleStart?: string | null;
  durationS?: number | null;
  chargingRateUnit?: string | null;
  response: unknown;
}

interface Row {
  row_id: number;
  station_id: string;
  evse_id: number;
  requested_at: string;
  status: string;
  schedule_start: string | null;
  duration_s: number | null;
  charging_rate_unit: string | null;
  raw_json: string;
}

function toRecord(r: Row): CompositeScheduleRecord {
  return {
    id: r.row_id,
    stationId: r.station_id,
    evseId: r.evse_id,
    requestedAt: r.requested_at,
    status: r.status,
    scheduleStart: r.schedule_start,
    durationS: r.duration_s,
    chargingRateUnit: r.charging_rate_unit,
    response: JSON.parse(r.raw_json),
  };
}

export function saveCompositeSchedule(store: CsmsStore, s: SaveCompositeSchedule): CompositeScheduleRecord {
  const id = Number(
    store
      .statement(
        `INSERT INTO composite_schedules (station_id, evse_id, requested_at, status, schedule_start, duration_s, charging_rate_unit, raw_json)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(s.stationId, s.evseId, storedTime(s.requestedAt), s.status, optionalStoredTime(s.scheduleStart), s.durationS ?? null, s.chargingRateUnit ?? null, JSON.stringify(s.response))
      .lastInsertRowid,
  );
  return toRecord(store.statement('SELECT * FROM composite_schedules WHERE row_id = ?').get(id) as Row);
}

export function latestCompositeSchedule(store: CsmsStore, stationId: string, evseId: number): CompositeScheduleRecord | undefined {
  const row = store
    .statement('SELECT * FROM composite_schedules WHERE station_id = ? AND evse_id = ? ORDER BY requested_at DESC, row_id DESC LIMIT 1')
    .get(stationId, evseId) as Row | undefined;
  return row && toRecord(row);
}
