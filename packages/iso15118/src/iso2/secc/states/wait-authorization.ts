// Authorization (EIM): Ongoing until the EVSE has authorised the driver; the EV keeps asking.
import type { SeccState } from '../context.js';

export const waitAuthorization: SeccState = {
  name: 'WaitAuthorization',
  accepts: ['AuthorizationReq'],
  handle(_req, _body, ctx) {
    const processing = ctx.evse.authorization();
    return {
      response: { AuthorizationRes: { ResponseCode: 'OK', EVSEProcessing: processing } },
      next: processing === 'Finished' ? 'WaitChargeParameterDiscovery' : 'WaitAuthorization',
    };
  },
};
