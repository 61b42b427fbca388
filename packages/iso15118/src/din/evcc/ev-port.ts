// What the DIN EVCC needs from the EV behind it: the DC subset of the ISO 15118-2 EV port, so one
// EV object can speak both protocols. DIN has no departure time, no renegotiation and no pause.
import type { EvccEv as Iso2EvccEv, EvChargeParameters, EvDcRequest } from '../../iso2/evcc/ev-port.js';

export type { EvChargeParameters, EvDcRequest };

/** `energyTransferMode` must be a DC one (DC_extended for CCS); DIN is DC only. */
export type EvccEv = Pick<Iso2EvccEv, 'evccId' | 'energyTransferMode' | 'chargeParameters' | 'schedule' | 'preChargeTarget' | 'dcRequest' | 'dcOutput' | 'wantsToStop'>;
