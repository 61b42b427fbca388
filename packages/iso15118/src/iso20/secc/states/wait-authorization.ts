// Authorization (EIM): Ongoing while the driver has not authorised at the EVSE; the EV repeats.
import { bodyOf, header, message } from '../../messages.js';
import type { Secc20State } from '../context.js';
import { failed } from '../responses.js';

export const waitAuthorization: Secc20State = {
  name: 'WaitAuthorization',
  accepts: ['AuthorizationReq'],
  handle(req, doc, ctx) {
    if (bodyOf(doc, 'AuthorizationReq')!.SelectedAuthorizationService !== 'EIM') return { response: failed(req, 'FAILED', ctx), next: null };
    const processing = ctx.evse.authorization();
    return {
      response: message('AuthorizationRes', { Header: header(ctx.sessionId), ResponseCode: 'OK', EVSEProcessing: processing }),
      next: processing === 'Finished' ? 'WaitServiceDiscovery' : 'WaitAuthorization',
    };
  },
};
