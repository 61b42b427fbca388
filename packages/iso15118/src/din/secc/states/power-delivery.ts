// PowerDelivery, wherever the EV may send it: ReadyToChargeState true closes the contactors and
// starts the charge loop, false opens them and leads to WeldingDetection and SessionStop.
import { dcEvseStatus, failed } from '../responses.js';
import type { SeccContext, StateResult } from '../context.js';
import type { Body } from '../../messages.js';

export function powerDelivery(body: Body, ctx: SeccContext, charging: boolean): StateResult {
  const pd = body.PowerDeliveryReq!;
  const mode = ctx.transferMode!;
  if (!pd.ReadyToChargeState) {
    if (!ctx.evse.powerDelivery('Stop', mode) && charging) return { response: failed('PowerDeliveryReq', 'FAILED_PowerDeliveryNotApplied', ctx), next: null };
    return { response: { PowerDeliveryRes: { ResponseCode: 'OK', DC_EVSEStatus: dcEvseStatus(ctx) } }, next: 'WaitSessionStop' };
  }
  // the charge loop has already started: a second start is out of sequence
  if (charging) return { response: failed('PowerDeliveryReq', 'FAILED_SequenceError', ctx), next: null };
  const profile = pd.ChargingProfile;
  if (profile && profile.SAScheduleTupleID !== ctx.saScheduleTupleId) return { response: failed('PowerDeliveryReq', 'FAILED_TariffSelectionInvalid', ctx), next: null };
  if (!ctx.evse.powerDelivery('Start', mode)) return { response: failed('PowerDeliveryReq', 'FAILED_PowerDeliveryNotApplied', ctx), next: null };
  return { response: { PowerDeliveryRes: { ResponseCode: 'OK', DC_EVSEStatus: dcEvseStatus(ctx) } }, next: 'Charging' };
}
