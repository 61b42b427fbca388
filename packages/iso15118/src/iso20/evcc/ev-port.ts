// What the -20 EVCC needs from the EV behind it. SI units (W, A, V, Wh, s); limits are positive
// numbers; a negative current or power is a discharge (energy from the EV to the grid).
import type { ControlMode, EnergyService, MeterInfo } from '../messages.js';
import type { PriceSchedule20, ScheduleTuple20 } from '../schedules.js';

export interface EvChargeParameters20 {
  maxChargePower: number;
  minChargePower: number;
  /** DC */
  maxChargeCurrent: number;
  minChargeCurrent: number;
  maxVoltage: number;
  minVoltage: number;
  /** BPT, positive */
  maxDischargePower?: number;
  minDischargePower?: number;
  maxDischargeCurrent?: number;
  minDischargeCurrent?: number;
  energyCapacityWh: number;
  /** % */
  soc: number;
  targetSoc?: number;
  minimumSoc?: number;
  departureTimeS?: number;
  /** Wh to reach the target SoC, the most the EV takes, the least it needs */
  targetEnergyWh: number;
  maxEnergyWh: number;
  minEnergyWh: number;
  /** Dynamic BPT: V2X energy window (min may be negative: the EV may give that much) */
  maxV2XEnergyWh?: number;
  minV2XEnergyWh?: number;
  /** SCALE -20 (D2.3 §9.2), sent in the BPT *_CPDReqEnergyTransferMode with an `-scale` protocol */
  scale?: { remainingV2GEnergyWh: number; roundTripEfficiency: number };
}

/** DC_ChargeLoopReq: what the EV measures and (Scheduled) asks for. */
export interface EvDcRequest20 {
  presentVoltage: number;
  /** Scheduled: A, negative = discharge */
  targetCurrent: number;
  targetVoltage: number;
}

/** What the EVSE's ScheduleExchangeRes gave the EV. */
export type EvSchedule20 =
  | { controlMode: 'Scheduled'; tuple: ScheduleTuple20; tuples: ScheduleTuple20[] }
  | { controlMode: 'Dynamic'; departureTimeS?: number; minimumSoc?: number; targetSoc?: number; price?: PriceSchedule20 };

export interface EvccEv20 {
  /** the EV's MAC address (6 bytes hex) as EVCCID */
  readonly evccId: string;
  /** energy services the EV can use, most preferred first (the first one the EVSE offers is taken) */
  readonly services: readonly EnergyService[];
  readonly controlMode: ControlMode;
  chargeParameters(): EvChargeParameters20;
  /** ScheduleExchangeRes (also after a renegotiation) */
  schedule(s: EvSchedule20): void;
  /** Scheduled: the ScheduleTuple the EV takes (default: the first) */
  selectTuple?(tuples: ScheduleTuple20[]): number;
  /** the EV's power profile for PowerDelivery(Start) (default: its max charge power for an hour) */
  powerProfile?(): { durationS: number; powerW: number }[];
  /** DC: battery voltage to pre-charge to */
  preChargeTarget(): { voltage: number };
  dcRequest(): EvDcRequest20;
  /** DC: what the EVSE delivers now; negative current = discharge */
  dcOutput(presentVoltage: number, presentCurrent: number): void;
  /** AC: W the EV draws now (negative = feeds back) */
  acPresentPower(): number;
  /** AC: the EVSE's target, already clamped to the EV's own limits, and what the EVSE measures */
  acTarget(t: { targetActivePowerW?: number; requestedActivePowerW?: number; evsePresentActivePowerW?: number }): void;
  /** BPT: the EV allows discharge now (BPT_ChannelSelection Discharge, discharge limits above 0) */
  wantsDischarge(): boolean;
  wantsToStop(): boolean;
  /** how the session ends: Terminate, or Pause to resume later with the same SessionID */
  stopMode(): 'Terminate' | 'Pause';
  /** the EV's needs changed: ask for new schedules (PowerDelivery ScheduleRenegotiation) */
  wantsRenegotiation(): boolean;
  /** true while the EV wants standby (PowerDelivery Standby; false again → Start) */
  wantsStandby(): boolean;
  /** MeterInfo (and Receipt) the EVSE sent, e.g. for MeteringConfirmation */
  meterInfo?(m: MeterInfo): void;
  /** the EVSE exceeded the EV's limits: the BMS opened its contactors */
  contactorsOpened?(reason: string): void;
}
