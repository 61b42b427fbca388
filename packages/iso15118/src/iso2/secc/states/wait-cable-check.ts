// DC CableCheck: Ongoing while the EVSE tests the isolation; the EV repeats the request.
import { dcEvseStatus } from '../responses.js';
import type { SeccState } from '../context.js';

export const waitCableCheck: SeccState = {
  name: 'WaitCableCheck',
  accepts: ['CableCheckReq'],
  handle(_req, _body, ctx) {
    const processing = ctx.evse.cableCheck();
    return {
      response: { CableCheckRes: { ResponseCode: 'OK', DC_EVSEStatus: dcEvseStatus(ctx), EVSEProcessing: processing } },
      next: processing === 'Finished' ? 'WaitPreCharge' : 'WaitCableCheck',
    };
  },
};
