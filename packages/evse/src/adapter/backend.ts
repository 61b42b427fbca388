// What the SECC adapters ask of the EVSE's backend (the OCPP station, when the process has one):
// the authorisation verdict after the local one (Ongoing until the CSMS answers) and what the EV
// said about its needs, in the SI units the adapters already parsed. Without a backend the
// adapters decide alone, as before (free charging, the local operator).
import type { iso2, iso20 } from '@v2xsim/iso15118';

/** The -2/DIN ChargeParameterDiscoveryReq as the adapter parsed it, plus the message (SCALE fields). */
export type ChargeNeeds2 = Omit<iso2.EvChargeNeeds, 'raw'> & { raw?: unknown };

/** What is authorised: the driver (EIM) or a contract the SECC checked (PnC). */
export type AuthorizationRequest = { service: 'EIM' } | { service: 'PnC'; emaid?: string };

export interface SeccBackend {
  /**
   * The backend's verdict on the session's authorisation, asked at every AuthorizationReq once the
   * EVSE itself let the driver go (EIM) or the contract checked out (PnC): Ongoing while the CSMS
   * has not answered. Rejected makes the SECC refuse (-20 WARNING_EIMAuthorizationFailure, -2 FAILED).
   */
  verdict(request: AuthorizationRequest): 'Accepted' | 'Ongoing' | 'Rejected';
  /** -2/DIN ChargeParameterDiscoveryReq */
  chargeNeeds2?(needs: ChargeNeeds2): void;
  /** -20 *_ChargeParameterDiscoveryReq */
  evLimits20?(ev: iso20.EvLimits20): void;
  /** -20 ScheduleExchangeReq (its EV limits included) */
  scheduleRequest20?(request: iso20.ScheduleRequest20): void;
  /** -20 PowerDeliveryReq with the EV's power profile */
  evPowerProfile20?(profile: readonly { durationS: number; powerW: number }[]): void;
}
