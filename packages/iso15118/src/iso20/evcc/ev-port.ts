// What the -20 EVCC needs from the EV: the -2 port shapes, plus BPT discharge limits.
import type { EvChargeParameters, EvDcRequest } from '../../iso2/evcc/ev-port.js';
import type { ControlMode } from '../messages.js';

export interface EvChargeParameters20 extends EvChargeParameters {
  minVoltage: number;
  /** DC_BPT: W and A, positive */
  maxDischargePower?: number;
  maxDischargeCurrent?: number;
}

export interface EvccEv20 {
  readonly evccId: string;
  readonly controlMode: ControlMode;
  /** ask for DC_BPT (service 6) instead of DC (2) */
  readonly bpt: boolean;
  chargeParameters(): EvChargeParameters20;
  /** Scheduled: the power schedule the EVSE gave */
  schedule(entries: { startS: number; pMaxW: number }[]): void;
  preChargeTarget(): { voltage: number; current: number };
  /** Scheduled: target current (negative = discharge) and voltage; Dynamic: limits */
  dcRequest(): EvDcRequest;
  /** BPT: the EV allows discharge now (else its discharge limits are sent as 0) */
  wantsDischarge(): boolean;
  /** what the EVSE delivers now; negative current = discharge */
  dcOutput(presentVoltage: number, presentCurrent: number): void;
  wantsToStop(): boolean;
}
