// What the DIN SECC needs from the EVSE behind it: the DC subset of the ISO 15118-2 port (the same
// methods, SI units, so one EVSE object can serve both protocols), except that the EV's messages
// handed over `raw` are DIN's. An EVSE that serves both types those parameters as
// `Omit<iso2.EvChargeNeeds, 'raw'>` and `Omit<iso2.DcDemand, 'raw'>`.
import type { Din } from '@v2xsim/exi';
import type { DcDemand, DcOutput, EvChargeNeeds, EvseLimitsDc, PMaxEntry, SeccEvse as Iso2SeccEvse } from '../../iso2/secc/evse-port.js';

export type { DcOutput, EvseLimitsDc, PMaxEntry };

export interface DinChargeNeeds extends Omit<EvChargeNeeds, 'raw'> {
  /** the full request, for what the SECC does not interpret */
  raw: Din.ChargeParameterDiscoveryReqType;
}

export interface DinDcDemand extends Omit<DcDemand, 'raw'> {
  raw: Din.CurrentDemandReqType;
}

export interface SeccEvse
  extends Pick<
    Iso2SeccEvse,
    'evseId' | 'energyTransferModes' | 'authorization' | 'dcLimits' | 'notification' | 'cableCheck' | 'preCharge' | 'powerDelivery' | 'weldingDetection' | 'meter' | 'sessionStopped'
  > {
  /** the schedule for the EV's needs (PMax is capped at 32767 W on the wire); 'Ongoing' while the EVSE waits for its backend */
  schedule(needs: DinChargeNeeds): PMaxEntry[] | 'Ongoing';
  currentDemand(demand: DinDcDemand): DcOutput;
}
