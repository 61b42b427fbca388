// The data of one DIN SECC session, shared by its states.
import type { Din } from '@v2xsim/exi';
import type { EnergyTransferType, ResponseCode } from '../physical.js';
import type { Body, RequestName } from '../messages.js';
import type { SeccEvse } from './evse-port.js';

export interface SeccContext {
  evse: SeccEvse;
  sessionId: string;
  evccId?: string;
  transferMode?: EnergyTransferType;
  saScheduleTupleId: number;
  /** the EV's charge parameters */
  chargeParameters?: Din.ChargeParameterDiscoveryReqType;
  /** Invalid until the cable check has finished, then Valid */
  isolation: NonNullable<Din.DC_EVSEStatusType['EVSEIsolationStatus']>;
  /** the cable check is running (EVSE_IsolationMonitoringActive) */
  isolationMonitoring?: boolean;
  /** set when the session ends; the connection is closed after the response */
  stopped?: 'Terminate' | 'Error';
}

/** What a state returns for one request. */
export interface StateResult {
  response: Body;
  /** the next state's name, or null when the session is over (close the connection) */
  next: SeccStateName | null;
}

export interface SeccState {
  readonly name: SeccStateName;
  /** the request messages this state accepts; any other is a sequence error */
  readonly accepts: readonly RequestName[];
  handle(request: RequestName, body: Body, ctx: SeccContext): StateResult;
}

export type SeccStateName =
  | 'WaitSessionSetup'
  | 'WaitServiceDiscovery'
  | 'WaitServicePaymentSelection'
  | 'WaitContractAuthentication'
  | 'WaitChargeParameterDiscovery'
  | 'WaitCableCheck'
  | 'WaitPreCharge'
  | 'Charging'
  | 'WaitSessionStop';

export type { ResponseCode };
