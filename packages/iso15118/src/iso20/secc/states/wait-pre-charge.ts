// DC_PreCharge (repeated until the voltages match), then PowerDelivery(Start) closes the contactors.
import { bodyOf, header, message, num, rn } from '../../messages.js';
import type { Secc20State } from '../context.js';
import { powerDeliveryStart } from './power-delivery.js';

export const waitPreCharge: Secc20State = {
  name: 'WaitPreCharge',
  accepts: ['DC_PreChargeReq', 'PowerDeliveryReq'],
  handle(req, doc, ctx) {
    if (req === 'DC_PreChargeReq') {
      const v = ctx.evse.preCharge(num(bodyOf(doc, 'DC_PreChargeReq')!.EVTargetVoltage));
      return { response: message('DC_PreChargeRes', { Header: header(ctx.sessionId), ResponseCode: 'OK', EVSEPresentVoltage: rn(v) }), next: 'WaitPreCharge' };
    }
    return powerDeliveryStart(doc, ctx);
  },
};
