// What the EVCC needs from the EV behind it (its battery, charging curve and driver). The EV
// process implements this over its model; SI units throughout.
import type { EnergyTransferMode } from '../physical.js';

export interface EvChargeParameters {
  departureTimeS?: number;
  /** Wh the EV wants (AC EAmount, DC EVEnergyRequest) */
  energyRequestWh: number;
  maxVoltage: number;
  maxCurrent: number;
  minCurrent: number;
  maxPower: number;
  energyCapacityWh: number;
  soc: number;
  fullSoc?: number;
  bulkSoc?: number;
  /** SCALE -2 variant additions (D2.3 §9.1), used when that protocol was negotiated */
  scale?: { maxEnergyRequestWh: number; minEnergyRequestWh: number; maxSoc: number; minSoc: number };
}

export interface EvDcRequest {
  targetVoltage: number;
  targetCurrent: number;
  maxVoltage: number;
  maxCurrent: number;
  maxPower: number;
  soc: number;
  chargingComplete: boolean;
  bulkChargingComplete: boolean;
  remainingTimeToFullSocS?: number;
  remainingTimeToBulkSocS?: number;
}

export interface EvccEv {
  /** the EV's MAC address as EVCCID (6 bytes hex) */
  readonly evccId: string;
  readonly energyTransferMode: EnergyTransferMode;
  chargeParameters(): EvChargeParameters;
  /** the power schedule the EVSE gave (start offset s, max power W) */
  schedule(entries: { startS: number; pMaxW: number }[]): void;
  /** the sales tariff that came with the schedule: price levels (1 = cheapest) from startS on */
  tariff?(entries: { startS: number; ePriceLevel: number }[], numEPriceLevels: number): void;
  /** DC: battery voltage and the small current for pre-charge */
  preChargeTarget(): { voltage: number; current: number };
  dcRequest(): EvDcRequest;
  /** DC: what the EVSE delivers now */
  dcOutput(presentVoltage: number, presentCurrent: number): void;
  /** AC: the EVSE's max current now (ChargingStatusRes) */
  acStatus(maxCurrent: number | undefined): void;
  /** the driver or the battery wants to stop */
  wantsToStop(): boolean;
  /** the driver's needs changed: ask for a new schedule */
  wantsRenegotiation(): boolean;
  /** how the session ends: Terminate, or Pause to resume later with the same SessionID */
  stopMode(): 'Terminate' | 'Pause';
}
