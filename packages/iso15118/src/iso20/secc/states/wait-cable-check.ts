// DC_CableCheck: Ongoing while the EVSE tests the isolation; the EV repeats.
import { header, message } from '../../messages.js';
import type { Secc20State } from '../context.js';

export const waitCableCheck: Secc20State = {
  name: 'WaitCableCheck',
  accepts: ['DC_CableCheckReq'],
  handle(_req, _doc, ctx) {
    const processing = ctx.evse.cableCheck();
    return {
      response: message('DC_CableCheckRes', { Header: header(ctx.sessionId), ResponseCode: 'OK', EVSEProcessing: processing }),
      next: processing === 'Finished' ? 'WaitPreCharge' : 'WaitCableCheck',
    };
  },
};
