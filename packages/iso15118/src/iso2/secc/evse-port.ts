// What the SECC needs from the EVSE behind it. The EVSE process implements this over its physical
// model and its source of limits (local configuration now, OCPP later); tests can give a plain
// object. All values in SI units; the SECC turns them into PhysicalValues.
import type { Iso2 } from '@v2xsim/exi';
import type { EnergyTransferMode, PaymentOption, Processing } from '../physical.js';

export interface EvseLimitsDc {
  maxVoltage: number;
  minVoltage: number;
  maxCurrent: number;
  minCurrent: number;
  maxPower: number;
  peakCurrentRipple: number;
  currentRegulationTolerance?: number;
  energyToBeDelivered?: number;
}

export interface EvseLimitsAc {
  nominalVoltage: number;
  maxCurrent: number;
}

/** One entry of the power limit schedule: start offset (s) from now, max power (W). */
export interface PMaxEntry {
  startS: number;
  durationS?: number;
  pMaxW: number;
}

export interface EvChargeNeeds {
  transferMode: EnergyTransferMode;
  departureTimeS?: number;
  /** Wh requested (AC EAmount, DC EVEnergyRequest) */
  energyRequestWh?: number;
  maxPowerW?: number;
  maxCurrentA?: number;
  maxVoltageV?: number;
  soc?: number;
  /** the full request, for what the SECC does not interpret (SCALE fields, OCPP mapping) */
  raw: Iso2.ChargeParameterDiscoveryReqType;
}

export interface DcDemand {
  targetVoltage: number;
  targetCurrent: number;
  soc: number;
  chargingComplete: boolean;
  raw: Iso2.CurrentDemandReqType;
}

export interface DcOutput {
  presentVoltage: number;
  presentCurrent: number;
  currentLimitAchieved: boolean;
  voltageLimitAchieved: boolean;
  powerLimitAchieved: boolean;
}

/** One entry of the sales tariff: from `startS` (s from now) the price level `ePriceLevel` (1 = cheapest). */
export interface TariffEntry {
  startS: number;
  ePriceLevel: number;
}

export interface SeccEvse {
  readonly evseId: string;
  readonly energyTransferModes: readonly EnergyTransferMode[];
  readonly paymentOptions: readonly PaymentOption[];
  /** EIM: the driver authorised at the EVSE (RFID, app, free charging) */
  authorization(): Processing;
  /** the schedule for the EV's needs; 'Ongoing' while the EVSE waits for its backend */
  schedule(needs: EvChargeNeeds): PMaxEntry[] | 'Ongoing';
  /** the sales tariff to send with the schedule (SAScheduleTuple/SalesTariff), if the EVSE has one */
  salesTariff?(): { entries: TariffEntry[]; numEPriceLevels: number; description?: string } | undefined;
  acLimits(): EvseLimitsAc;
  dcLimits(): EvseLimitsDc;
  /** current EVSE notification: None, StopCharging or ReNegotiation */
  notification(): 'None' | 'StopCharging' | 'ReNegotiation';
  cableCheck(): Processing;
  preCharge(targetVoltage: number, targetCurrent: number): number;
  /** close or open the contactors; false if they did not follow */
  powerDelivery(progress: 'Start' | 'Stop' | 'Renegotiate', transferMode: EnergyTransferMode): boolean;
  currentDemand(demand: DcDemand): DcOutput;
  /** AC: the EV draws what it draws; the EVSE reports its max current and meter */
  chargingStatus(): { maxCurrent?: number };
  weldingDetection(): number;
  meter(): { meterId: string; readingWh: number; timestamp: number };
  sessionStopped(reason: 'Terminate' | 'Pause' | 'Error'): void;
}
