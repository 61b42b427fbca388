// After ScheduleExchange in AC, or after a renegotiated ScheduleExchange: PowerDelivery(Start).
import type { Secc20State } from '../context.js';
import { powerDeliveryStart } from './power-delivery.js';

export const waitPowerDelivery: Secc20State = {
  name: 'WaitPowerDelivery',
  accepts: ['PowerDeliveryReq'],
  handle(_req, doc, ctx) {
    return powerDeliveryStart(doc, ctx);
  },
};
