import type { CsmsStore } from './database.js';
import { storedTime } from './time.js';

/** A NotifyEVChargingSchedule as received: the schedule the EV chose (K17). */
export interface EvChargingScheduleRecord {
  id: number;
  stationId: string;
  evseId: number;
  transactionId: string | null;
  timeBase: string;
  selectedScheduleId: number | null;
  /** the whole request */
  raw: unknown;
  receivedAt: string;
}

interface Row {
  row_id: number;
  station_id: string;
  evse_id: number;
  transaction_id: string | null;
  time_base: string;
  selected_schedule_id: number | null;
  raw_json: string;
  received_at: string;
}

const toRecord = (r: Row): EvChargingScheduleRecord => ({
  id: r.row_id,
  stationId: r.station_id,
  evseId: r.evse_id,
  transactionId: r.transaction_id,
  timeBase: r.time_base,
  selectedScheduleId: r.selected_schedule_id,
  raw: JSON.parse(r.raw_json),
  receivedAt: r.received_at,
});

export function insertEvChargingSchedule(
  store: CsmsStore,
  s: { stationId: string; evseId: number; transactionId?: string | null; timeBase: string | number | Date; selectedScheduleId?: number; raw: unknown; receivedAt?: string | number | Date },
): EvChargingScheduleRecord {
  const id = Number(
    store
      .statement(
        `INSERT INTO ev_charging_schedules (station_id, evse_id, transaction_id, time_base, selected_schedule_id, raw_json, received_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(s.stationId, s.evseId, s.transactionId ?? null, storedTime(s.timeBase), s.selectedScheduleId ?? null, JSON.stringify(s.raw), storedTime(s.receivedAt ?? new Date()))
      .lastInsertRowid,
  );
  return toRecord(store.statement('SELECT * FROM ev_charging_schedules WHERE row_id = ?').get(id) as Row);
}

export function listEvChargingSchedules(store: CsmsStore, filter: { stationId: string; evseId?: number }): EvChargingScheduleRecord[] {
  const rows = store
    .statement('SELECT * FROM ev_charging_schedules WHERE station_id = @station AND (@evse IS NULL OR evse_id = @evse) ORDER BY received_at, row_id')
    .all({ station: filter.stationId, evse: filter.evseId ?? null }) as Row[];
  return rows.map(toRecord);
}
