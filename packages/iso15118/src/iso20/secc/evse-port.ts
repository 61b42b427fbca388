// What the -20 SECC needs from the EVSE behind it, in SI units. Shapes follow the -2 port where
// they fit (limits, schedule entries, processing); BPT adds discharge limits.
import type { EvseLimitsDc, PMaxEntry } from '../../iso2/secc/evse-port.js';
import type { ControlMode, Messages, Processing } from '../messages.js';

export interface EvseLimitsDc20 extends EvseLimitsDc {
  minPower?: number;
  /** DC_BPT: discharge limits (positive numbers, W and A) */
  maxDischargePower?: number;
  minDischargePower?: number;
  maxDischargeCurrent?: number;
  minDischargeCurrent?: number;
}

/** The EV's limits as sent in DC_ChargeParameterDiscoveryReq (BPT fields when DC_BPT was selected). */
export interface EvLimits20 {
  maxChargePower: number;
  minChargePower: number;
  maxChargeCurrent: number;
  minChargeCurrent: number;
  maxVoltage: number;
  minVoltage: number;
  targetSoc?: number;
  maxDischargePower?: number;
  minDischargePower?: number;
  maxDischargeCurrent?: number;
  minDischargeCurrent?: number;
}

/** One DC_ChargeLoopReq as the EVSE sees it. Scheduled: the EV's target; Dynamic: the EV's limits and energy needs. */
export interface DcLoopDemand {
  controlMode: ControlMode;
  bpt: boolean;
  presentVoltage: number;
  /** Scheduled: the EV's target current (negative = discharge) and voltage */
  targetCurrent?: number;
  targetVoltage?: number;
  /** Dynamic (and Scheduled if sent): limits, positive numbers */
  maxChargePower?: number;
  maxChargeCurrent?: number;
  maxVoltage?: number;
  minVoltage?: number;
  maxDischargePower?: number;
  maxDischargeCurrent?: number;
  targetEnergyWh?: number;
  soc?: number;
  raw: Messages['DC_ChargeLoopReq'];
}

export interface DcOutput20 {
  presentVoltage: number;
  /** A; negative = discharge (energy from the EV to the grid) */
  presentCurrent: number;
  currentLimitAchieved: boolean;
  voltageLimitAchieved: boolean;
  powerLimitAchieved: boolean;
}

export interface SeccEvse20 {
  readonly evseId: string;
  /** energy transfer services offered: 2 (DC), 6 (DC_BPT) */
  readonly services: readonly number[];
  /** control modes offered in each service's parameter sets */
  readonly controlModes: readonly ControlMode[];
  /** EIM: the driver authorised at the EVSE */
  authorization(): Processing;
  dcLimits(): EvseLimitsDc20;
  /** Scheduled: the power schedule for the EV's needs; 'Ongoing' while waiting for the backend */
  schedule(ev: EvLimits20, energyRequestWh: number | undefined): PMaxEntry[] | 'Ongoing';
  cableCheck(): Processing;
  preCharge(targetVoltage: number): number;
  powerDelivery(progress: 'Start' | 'Stop'): boolean;
  chargeLoop(demand: DcLoopDemand): DcOutput20;
  notification(): 'None' | 'Terminate' | 'Pause';
  weldingDetection(): number;
  meter(): { meterId: string; importedWh: number; exportedWh: number };
  sessionStopped(reason: 'Terminate' | 'Pause' | 'Error'): void;
}
