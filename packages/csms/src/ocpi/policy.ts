// Precedence between the CSMS's own planning and a charging profile set through OCPI
// (mod_charging_profiles): once an SCSP or eMSP has set a profile for a session, the station
// applies it (a TxProfile at a stackLevel above the planner's 0 and the setpoints' 1: the highest
// stackLevel wins, K01), and the planner counts that session as a fixed load of the profile's
// current limit, so the other sessions share what is left of the site limit. The OCPI profile
// itself is capped at the EVSE rating and at the site limit minus the other OCPI-set sessions
// when it is applied (cpo.ts): the site's grid connection is the CPO's to keep.
import type { SmartChargingPolicy } from '../policy/policy.js';

/** `inner` with the sessions `fixedW(key)` knows served as fixed loads. */
export function withOcpiProfiles(inner: SmartChargingPolicy, fixedW: (key: string) => number | undefined): SmartChargingPolicy {
  return {
    name: inner.name,
    plan: (input) =>
      inner.plan({
        ...input,
        sessions: input.sessions.map((s) => {
          if (s.fixedW !== undefined || s.setpointW !== undefined) return s;
          const w = fixedW(s.key);
          return w === undefined ? s : { ...s, fixedW: w };
        }),
      }),
  };
}
