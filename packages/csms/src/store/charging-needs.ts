import type { CsmsStore } from './database.js';

/** The vendorId of the SCALE extensions carried as customData (D2.3 §9.3, §9.4). */
export const SCALE_VENDOR_ID = 'eu.scale-project';

/** customData as OCPP 2.x carries it: vendorId plus any fields. */
export interface CustomDataLike {
  vendorId: string;
  [field: string]: unknown;
}

/** SCALE 2.0.1 AC/DC charging parameter extensions (D2.3 appendix 13.3). */
export interface ScaleChargingParameters {
  evMinPower?: number;
  evMaxPower?: number;
  evMinEnergyAmount?: number;
  evMaxEnergyAmount?: number;
  minSoC?: number;
  targetSoC?: number;
}

/** SCALE 2.1 V2X charging parameter extensions (D2.3 appendix 13.4). */
export interface ScaleV2XChargingParameters {
  v2xStateOfHealth?: number;
  roundTripEfficiency?: number;
}

/** The SCALE fields of a customData, or undefined when it is absent or another vendor's. */
export function scaleCustomData<T>(customData: CustomDataLike | undefined): Partial<T> | undefined {
  if (!customData || customData.vendorId !== SCALE_VENDOR_ID) return undefined;
  return customData as unknown as Partial<T>;
}
import { optionalStoredTime, storedTime } from './time.js';

/** NotifyEVChargingNeedsRequest (2.0.1/2.1), only the fields the store normalises; the rest stays in `raw`. */
export interface NotifyEVChargingNeedsLike {
  evseId: number;
  maxScheduleTuples?: number;
  /** 2.1 */
  timestamp?: string;
  chargingNeeds: {
    requestedEnergyTransfer: string;
    departureTime?: string;
    availableEnergyTransfer?: string[];
    controlMode?: string;
    mobilityNeedsMode?: string;
    acChargingParameters?: { energyAmount?: number; evMinCurrent?: number; evMaxCurrent?: number; evMaxVoltage?: number; customData?: CustomDataLike };
    dcChargingParameters?: {
      customData?: CustomDataLike;
      evMaxCurrent?: number;
      evMaxVoltage?: number;
      evMaxPower?: number;
      evEnergyCapacity?: number;
      energyAmount?: number;
      stateOfCharge?: number;
      fullSoC?: number;
      bulkSoC?: number;
    };
    v2xChargingParameters?: {
      customData?: CustomDataLike;
      minChargePower?: number;
      maxChargePower?: number;
      minDischargePower?: number;
      maxDischargePower?: number;
      minChargeCurrent?: number;
      maxChargeCurrent?: number;
      minDischargeCurrent?: number;
      maxDischargeCurrent?: number;
      minVoltage?: number;
      maxVoltage?: number;
      evTargetEnergyRequest?: number;
      evMinEnergyRequest?: number;
      evMaxEnergyRequest?: number;
      evMinV2XEnergyRequest?: number;
      evMaxV2XEnergyRequest?: number;
      targetSoC?: number;
    };
  };
}

/** Charging needs in one shape whatever the parameters type (AC, DC or 2.1 V2X) they came in. */
export interface ChargingNeedsRecord {
  id: number;
  stationId: string;
  evseId: number;
  transactionId: string | null;
  receivedAt: string;
  timestamp: string | null;
  maxScheduleTuples: number | null;
  requestedEnergyTransfer: string;
  availableEnergyTransfer: string[] | null;
  controlMode: string | null;
  mobilityNeedsMode: string | null;
  departureTime: string | null;
  energyAmountWh: number | null;
  evMinEnergyWh: number | null;
  evMaxEnergyWh: number | null;
  evMinV2XEnergyWh: number | null;
  evMaxV2XEnergyWh: number | null;
  evMinCurrentA: number | null;
  evMaxCurrentA: number | null;
  evMaxVoltageV: number | null;
  evMinVoltageV: number | null;
  evMaxPowerW: number | null;
  evMinPowerW: number | null;
  evMaxDischargePowerW: number | null;
  evMinDischargePowerW: number | null;
  evMaxDischargeCurrentA: number | null;
  evMinDischargeCurrentA: number | null;
  evEnergyCapacityWh: number | null;
  stateOfCharge: number | null;
  targetSoC: number | null;
  fullSoC: number | null;
  bulkSoC: number | null;
  /** SCALE 2.0.1: minimum SoC at the end of the session, % */
  minSoC: number | null;
  /** SCALE 2.1: V2X state of health (remaining V2X warranty energy, Wh) */
  v2xStateOfHealth: number | null;
  /** SCALE 2.1: round-trip efficiency, % */
  roundTripEfficiency: number | null;
  raw: unknown;
}

const columns: [keyof ChargingNeedsRecord, string][] = [
  ['id', 'row_id'],
  ['stationId', 'station_id'],
  ['evseId', 'evse_id'],
  ['transactionId', 'transaction_id'],
  ['receivedAt', 'received_at'],
  ['timestamp', 'timestamp'],
  ['maxScheduleTuples', 'max_schedule_tuples'],
  ['requestedEnergyTransfer', 'requested_energy_transfer'],
  ['availableEnergyTransfer', 'available_energy_transfer'],
  ['controlMode', 'control_mode'],
  ['mobilityNeedsMode', 'mobility_needs_mode'],
  ['departureTime', 'departure_time'],
  ['energyAmountWh', 'energy_amount_wh'],
  ['evMinEnergyWh', 'ev_min_energy_wh'],
  ['evMaxEnergyWh', 'ev_max_energy_wh'],
  ['evMinV2XEnergyWh', 'ev_min_v2x_energy_wh'],
  ['evMaxV2XEnergyWh', 'ev_max_v2x_energy_wh'],
  ['evMinCurrentA', 'ev_min_current_a'],
  ['evMaxCurrentA', 'ev_max_current_a'],
  ['evMaxVoltageV', 'ev_max_voltage_v'],
  ['evMinVoltageV', 'ev_min_voltage_v'],
  ['evMaxPowerW', 'ev_max_power_w'],
  ['evMinPowerW', 'ev_min_power_w'],
  ['evMaxDischargePowerW', 'ev_max_discharge_power_w'],
  ['evMinDischargePowerW', 'ev_min_discharge_power_w'],
  ['evMaxDischargeCurrentA', 'ev_max_discharge_current_a'],
  ['evMinDischargeCurrentA', 'ev_min_discharge_current_a'],
  ['evEnergyCapacityWh', 'ev_energy_capacity_wh'],
  ['stateOfCharge', 'state_of_charge'],
  ['targetSoC', 'target_soc'],
  ['fullSoC', 'full_soc'],
  ['bulkSoC', 'bulk_soc'],
  ['minSoC', 'min_soc'],
  ['v2xStateOfHealth', 'v2x_state_of_health'],
  ['roundTripEfficiency', 'round_trip_efficiency'],
  ['raw', 'raw_json'],
];

/**
 * Normalises a NotifyEVChargingNeedsRequest: V2X parameters first (2.1, ISO 15118-20), then DC,
 * then AC, then the SCALE customData of the AC/DC parameters (D2.3 §9.3: EV minimum power, AC
 * maximum power, minimum/maximum energy, minimum/target SoC) and of the V2X parameters (§9.4).
 */
export function normaliseChargingNeeds(req: NotifyEVChargingNeedsLike): Omit<ChargingNeedsRecord, 'id' | 'stationId' | 'transactionId' | 'receivedAt' | 'raw'> {
  const n = req.chargingNeeds;
  const ac = n.acChargingParameters;
  const dc = n.dcChargingParameters;
  const v2x = n.v2xChargingParameters;
  const scale = scaleCustomData<ScaleChargingParameters>(dc?.customData) ?? scaleCustomData<ScaleChargingParameters>(ac?.customData) ?? {};
  const scaleV2x = scaleCustomData<ScaleV2XChargingParameters>(v2x?.customData) ?? {};
  const num = (x: unknown): number | undefined => (typeof x === 'number' && Number.isFinite(x) ? x : undefined);
  const first = (...xs: (number | undefined)[]): number | null => xs.find((x) => x !== undefined) ?? null;
  return {
    evseId: req.evseId,
    timestamp: optionalStoredTime(req.timestamp),
    maxScheduleTuples: req.maxScheduleTuples ?? null,
    requestedEnergyTransfer: n.requestedEnergyTransfer,
    availableEnergyTransfer: n.availableEnergyTransfer ?? null,
    controlMode: n.controlMode ?? null,
    mobilityNeedsMode: n.mobilityNeedsMode ?? null,
    departureTime: optionalStoredTime(n.departureTime),
    energyAmountWh: first(v2x?.evTargetEnergyRequest, dc?.energyAmount, ac?.energyAmount),
    evMinEnergyWh: first(v2x?.evMinEnergyRequest, num(scale.evMinEnergyAmount)),
    evMaxEnergyWh: first(v2x?.evMaxEnergyRequest, num(scale.evMaxEnergyAmount)),
    evMinV2XEnergyWh: first(v2x?.evMinV2XEnergyRequest),
    evMaxV2XEnergyWh: first(v2x?.evMaxV2XEnergyRequest),
    evMinCurrentA: first(v2x?.minChargeCurrent, ac?.evMinCurrent),
    evMaxCurrentA: first(v2x?.maxChargeCurrent, dc?.evMaxCurrent, ac?.evMaxCurrent),
    evMaxVoltageV: first(v2x?.maxVoltage, dc?.evMaxVoltage, ac?.evMaxVoltage),
    evMinVoltageV: first(v2x?.minVoltage),
    evMaxPowerW: first(v2x?.maxChargePower, dc?.evMaxPower, num(scale.evMaxPower)),
    evMinPowerW: first(v2x?.minChargePower, num(scale.evMinPower)),
    evMaxDischargePowerW: first(v2x?.maxDischargePower),
    evMinDischargePowerW: first(v2x?.minDischargePower),
    evMaxDischargeCurrentA: first(v2x?.maxDischargeCurrent),
    evMinDischargeCurrentA: first(v2x?.minDischargeCurrent),
    evEnergyCapacityWh: first(dc?.evEnergyCapacity),
    stateOfCharge: first(dc?.stateOfCharge),
    targetSoC: first(v2x?.targetSoC, num(scale.targetSoC)),
    fullSoC: first(dc?.fullSoC),
    bulkSoC: first(dc?.bulkSoC),
    minSoC: first(num(scale.minSoC)),
    v2xStateOfHealth: first(num(scaleV2x.v2xStateOfHealth)),
    roundTripEfficiency: first(num(scaleV2x.roundTripEfficiency)),
  };
}

export function insertChargingNeeds(
  store: CsmsStore,
  stationId: string,
  req: NotifyEVChargingNeedsLike,
  options: { transactionId?: string; receivedAt?: string | number | Date } = {},
): ChargingNeedsRecord {
  const n = normaliseChargingNeeds(req);
  const values: Record<string, unknown> = {
    ...n,
    stationId,
    transactionId: options.transactionId ?? null,
    receivedAt: storedTime(options.receivedAt ?? new Date()),
    availableEnergyTransfer: n.availableEnergyTransfer ? JSON.stringify(n.availableEnergyTransfer) : null,
    raw: JSON.stringify(req),
  };
  const cols = columns.filter(([k]) => k !== 'id');
  const sql = `INSERT INTO charging_needs (${cols.map(([, c]) => c).join(', ')}) VALUES (${cols.map(([k]) => '@' + k).join(', ')})`;
  const id = Number(store.statement(sql).run(Object.fromEntries(cols.map(([k]) => [k, values[k]]))).lastInsertRowid);
  return getChargingNeeds(store, id)!;
}

function toRecord(row: Record<string, unknown>): ChargingNeedsRecord {
  const r = Object.fromEntries(columns.map(([k, c]) => [k, row[c]])) as Record<string, unknown>;
  r.availableEnergyTransfer = r.availableEnergyTransfer === null ? null : JSON.parse(r.availableEnergyTransfer as string);
  r.raw = JSON.parse(r.raw as string);
  return r as unknown as ChargingNeedsRecord;
}

export function getChargingNeeds(store: CsmsStore, id: number): ChargingNeedsRecord | undefined {
  const row = store.statement('SELECT * FROM charging_needs WHERE row_id = ?').get(id) as Record<string, unknown> | undefined;
  return row && toRecord(row);
}

/** The most recent charging needs of an EVSE (the ones a schedule must be computed for). */
export function latestChargingNeeds(store: CsmsStore, stationId: string, evseId: number): ChargingNeedsRecord | undefined {
  const row = store
    .statement('SELECT * FROM charging_needs WHERE station_id = ? AND evse_id = ? ORDER BY received_at DESC, row_id DESC LIMIT 1')
    .get(stationId, evseId) as Record<string, unknown> | undefined;
  return row && toRecord(row);
}

export function listChargingNeeds(store: CsmsStore, filter: { stationId: string; transactionId?: string }): ChargingNeedsRecord[] {
  const rows = store
    .statement('SELECT * FROM charging_needs WHERE station_id = @station AND (@tx IS NULL OR transaction_id = @tx) ORDER BY received_at, row_id')
    .all({ station: filter.stationId, tx: filter.transactionId ?? null }) as Record<string, unknown>[];
  return rows.map(toRecord);
}
