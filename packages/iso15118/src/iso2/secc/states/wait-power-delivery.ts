// PowerDelivery(Start): close the contactors and start charging with the schedule the EV chose.
import { failed } from '../responses.js';
import type { SeccState } from '../context.js';
import { powerDeliveryResponse } from './power-delivery-response.js';

export const waitPowerDelivery: SeccState = {
  name: 'WaitPowerDelivery',
  accepts: ['PowerDeliveryReq'],
  handle(req, body, ctx) {
    const pd = body.PowerDeliveryReq!;
    if (pd.ChargeProgress !== 'Start') {
      // Stop before charging started: end the session the normal way
      ctx.evse.powerDelivery('Stop', ctx.transferMode!);
      return { response: powerDeliveryResponse(ctx, 'OK'), next: 'WaitSessionStop' };
    }
    if (pd.SAScheduleTupleID !== ctx.saScheduleTupleId) return { response: failed(req, 'FAILED_TariffSelectionInvalid', ctx), next: null };
    if (!ctx.evse.powerDelivery('Start', ctx.transferMode!)) return { response: failed(req, 'FAILED_PowerDeliveryNotApplied', ctx), next: null };
    return { response: powerDeliveryResponse(ctx, 'OK'), next: 'Charging' };
  },
};
