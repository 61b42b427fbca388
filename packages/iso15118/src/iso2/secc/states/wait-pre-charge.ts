// DC PreCharge: the EVSE brings its output to the EV's battery voltage; the EV repeats until it
// is close enough, then sends PowerDelivery(Start).
import { pv, num } from '../../physical.js';
import { dcEvseStatus } from '../responses.js';
import type { SeccState } from '../context.js';
import { waitPowerDelivery } from './wait-power-delivery.js';

export const waitPreCharge: SeccState = {
  name: 'WaitPreCharge',
  accepts: ['PreChargeReq', 'PowerDeliveryReq'],
  handle(req, body, ctx, header) {
    if (req === 'PowerDeliveryReq') return waitPowerDelivery.handle(req, body, ctx, header);
    const pc = body.PreChargeReq!;
    const v = ctx.evse.preCharge(num(pc.EVTargetVoltage) ?? 0, num(pc.EVTargetCurrent) ?? 0);
    return { response: { PreChargeRes: { ResponseCode: 'OK', DC_EVSEStatus: dcEvseStatus(ctx), EVSEPresentVoltage: pv(v, 'V') } }, next: 'WaitPreCharge' };
  },
};
