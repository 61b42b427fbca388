// The drivers the SCSP (as their eMSP) knows: their tokens, their charging preferences and what
// their app tells about the EV. OCPI 2.2.1 carries none of the EV data (D2.3 §8.4.1.2): it comes
// from the driver, out of band, or is not known (the optimiser then keeps to what is known).
import type { ProfileType, Token, TokenType, WhitelistType } from '@v2xsim/ocpi';

export interface DriverPreferences {
  profileType: ProfileType;
  /** absolute departure, ISO 8601 (sim time) */
  departureTime?: string;
  /** or: this long after the session started, s */
  departureAfterS?: number;
  /** ChargingPreferences.energy_need */
  energyNeedKwh?: number;
  dischargeAllowed?: boolean;
}

/** What the driver's app tells about the EV (not carried by OCPI 2.2.1). */
export interface EvData {
  maxChargeW?: number;
  minChargeW?: number;
  maxDischargeW?: number;
  minDischargeW?: number;
  batteryCapacityWh?: number;
  /** SoC when the session started, % */
  socPercent?: number;
  minSocPercent?: number;
  maxSocPercent?: number;
  /** (0, 1] */
  roundTripEfficiency?: number;
  /** remaining V2X warranty budget, Wh that may still be discharged */
  v2xBudgetWh?: number;
}

export interface DriverToken {
  uid: string;
  type: TokenType;
  contractId: string;
  issuer?: string;
  visualNumber?: string;
  valid?: boolean;
  whitelist?: WhitelistType;
}

export interface Driver {
  token?: DriverToken;
  preferences?: DriverPreferences;
  ev?: EvData;
}

/** The OCPI Token of a driver, owned by this eMSP. */
export function tokenOf(t: DriverToken, party: { country_code: string; party_id: string }, lastUpdated: string, defaultProfileType?: ProfileType): Token {
  return {
    country_code: party.country_code,
    party_id: party.party_id,
    uid: t.uid,
    type: t.type,
    contract_id: t.contractId,
    ...(t.visualNumber ? { visual_number: t.visualNumber } : {}),
    issuer: t.issuer ?? 'v2xsim',
    valid: t.valid ?? true,
    whitelist: t.whitelist ?? 'ALLOWED',
    ...(defaultProfileType ? { default_profile_type: defaultProfileType } : {}),
    last_updated: lastUpdated,
  };
}
