import type { CsmsStore } from './database.js';
import { StoreError } from './errors.js';
import type { OcppVersion } from './stations.js';
import { storedTime } from './time.js';

/** One sampled value, with the OCPP defaults made explicit (absent measurand = Energy.Active.Import.Register, …). */
export interface MeterValueSample {
  stationId: string;
  /** 0 = the station's main meter; 1.6 connectorId N is evse N */
  evseId: number;
  transactionId?: string | null;
  timestamp: string | number | Date;
  measurand?: string;
  phase?: string | null;
  location?: string;
  context?: string;
  /** null only for a 1.6 sample with format = SignedData (its text is in signedData) */
  value: number | null;
  unit?: string;
  /** 2.x unitOfMeasure.multiplier: the quantity is value × 10^multiplier */
  multiplier?: number;
  signedData?: string | null;
}

export interface StoredMeterValue {
  stationId: string;
  evseId: number;
  transactionId: string | null;
  timestamp: string;
  measurand: string;
  phase: string | null;
  location: string;
  context: string;
  value: number | null;
  unit: string;
  multiplier: number;
  signedData: string | null;
  receivedAt: string;
}

const DEFAULT_MEASURAND = 'Energy.Active.Import.Register';
const DEFAULT_CONTEXT = 'Sample.Periodic';
const DEFAULT_LOCATION = 'Outlet';
const DEFAULT_UNIT = 'Wh';

/**
 * Stores sampled values, each at most once: the uniqueness key is (station, evse, transaction,
 * timestamp, measurand, phase, location, context), so a MeterValues or TransactionEvent that
 * the station sends again after a reconnect adds nothing. One database transaction for all.
 */
export function insertMeterValues(store: CsmsStore, samples: readonly MeterValueSample[], now: Date = new Date()): { inserted: number; duplicates: number } {
  const insert = store.statement(
    `INSERT INTO meter_values (station_id, evse_id, transaction_id, timestamp, measurand, phase, location, context, value, unit, multiplier, signed_data, received_at)
     VALUES (@station, @evse, @tx, @ts, @measurand, @phase, @location, @context, @value, @unit, @multiplier, @signed, @now)
     ON CONFLICT DO NOTHING`,
  );
  const nowText = storedTime(now);
  const run = (): { inserted: number; duplicates: number } => {
    let inserted = 0;
    for (const s of samples) {
      if (s.value !== null && !Number.isFinite(s.value)) throw new StoreError('InvalidInput', `meter value must be a finite number, got ${s.value}`);
      inserted += insert.run({
        station: s.stationId,
        evse: s.evseId,
        tx: s.transactionId ?? '',
        ts: storedTime(s.timestamp),
        measurand: s.measurand ?? DEFAULT_MEASURAND,
        phase: s.phase ?? '',
        location: s.location ?? DEFAULT_LOCATION,
        context: s.context ?? DEFAULT_CONTEXT,
        value: s.value,
        unit: s.unit ?? DEFAULT_UNIT,
        multiplier: s.multiplier ?? 0,
        signed: s.signedData ?? null,
        now: nowText,
      }).changes;
    }
    return { inserted, duplicates: samples.length - inserted };
  };
  return store.db.inTransaction ? run() : store.transaction(run);
}

export interface MeterValueFilter {
  stationId: string;
  transactionId?: string;
  evseId?: number;
  measurand?: string;
  /** inclusive */
  from?: string | number | Date;
  /** exclusive */
  to?: string | number | Date;
}

export function listMeterValues(store: CsmsStore, f: MeterValueFilter): StoredMeterValue[] {
  const rows = store
    .statement(
      `SELECT * FROM meter_values WHERE station_id = @station
         AND (@tx IS NULL OR transaction_id = @tx) AND (@evse IS NULL OR evse_id = @evse)
         AND (@measurand IS NULL OR measurand = @measurand)
         AND (@from IS NULL OR timestamp >= @from) AND (@to IS NULL OR timestamp < @to)
       ORDER BY timestamp, measurand, phase, location, context`,
    )
    .all({
      station: f.stationId,
      tx: f.transactionId ?? null,
      evse: f.evseId ?? null,
      measurand: f.measurand ?? null,
      from: f.from === undefined ? null : storedTime(f.from),
      to: f.to === undefined ? null : storedTime(f.to),
    }) as {
    station_id: string;
    evse_id: number;
    transaction_id: string;
    timestamp: string;
    measurand: string;
    phase: string;
    location: string;
    context: string;
    value: number | null;
    unit: string;
    multiplier: number;
    signed_data: string | null;
    received_at: string;
  }[];
  return rows.map((r) => ({
    stationId: r.station_id,
    evseId: r.evse_id,
    transactionId: r.transaction_id === '' ? null : r.transaction_id,
    timestamp: r.timestamp,
    measurand: r.measurand,
    phase: r.phase === '' ? null : r.phase,
    location: r.location,
    context: r.context,
    value: r.value,
    unit: r.unit,
    multiplier: r.multiplier,
    signedData: r.signed_data,
    receivedAt: r.received_at,
  }));
}

// ---- flattening the OCPP JSON ----------------------------------------------------------------

/** MeterValueType as 1.6 and 2.x send it (only the fields the store reads). */
export interface OcppMeterValue {
  timestamp: string;
  sampledValue: readonly OcppSampledValue[];
}

export interface OcppSampledValue {
  /** 1.6: a string (a number, or signed data when format = SignedData); 2.x: a number */
  value: string | number;
  context?: string;
  measurand?: string;
  phase?: string;
  location?: string;
  /** 1.6 */
  format?: 'Raw' | 'SignedData';
  /** 1.6 */
  unit?: string;
  /** 2.x */
  unitOfMeasure?: { unit?: string; multiplier?: number };
  /** 2.x */
  signedMeterValue?: unknown;
}

/** The samples of MeterValues / TransactionEvent / StopTransaction(transactionData) as store rows. */
export function samplesFromMeterValues(
  version: OcppVersion,
  where: { stationId: string; evseId: number; transactionId?: string | null },
  meterValues: readonly OcppMeterValue[],
): MeterValueSample[] {
  const out: MeterValueSample[] = [];
  for (const mv of meterValues) {
    for (const sv of mv.sampledValue) {
      const base = {
        stationId: where.stationId,
        evseId: where.evseId,
        transactionId: where.transactionId ?? null,
        timestamp: mv.timestamp,
        measurand: sv.measurand,
        phase: sv.phase ?? null,
        location: sv.location,
        context: sv.context,
      };
      if (version === '1.6') {
        const signed = sv.format === 'SignedData';
        const value = signed ? null : Number(sv.value);
        if (value !== null && !Number.isFinite(value)) throw new StoreError('InvalidInput', `1.6 sampled value is not a number: ${JSON.stringify(sv.value)}`);
        out.push({ ...base, value, unit: sv.unit, signedData: signed ? String(sv.value) : null });
      } else {
        const value = typeof sv.value === 'number' ? sv.value : Number(sv.value);
        out.push({
          ...base,
          value,
          unit: sv.unitOfMeasure?.unit,
          multiplier: sv.unitOfMeasure?.multiplier,
          signedData: sv.signedMeterValue === undefined ? null : JSON.stringify(sv.signedMeterValue),
        });
      }
    }
  }
  return out;
}
