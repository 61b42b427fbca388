// CableCheck: Ongoing while the EVSE tests the isolation (EVSE_IsolationMonitoringActive); the EV
// repeats the request. Once finished the isolation is Valid for the rest of the session.
import { dcEvseStatus } from '../responses.js';
import type { SeccState } from '../context.js';

export const waitCableCheck: SeccState = {
  name: 'WaitCableCheck',
  accepts: ['CableCheckReq'],
  handle(_req, _body, ctx) {
    const finished = ctx.evse.cableCheck() === 'Finished';
    ctx.isolationMonitoring = !finished;
    if (finished) ctx.isolation = 'Valid';
    return {
      response: { CableCheckRes: { ResponseCode: 'OK', DC_EVSEStatus: dcEvseStatus(ctx), EVSEProcessing: finished ? 'Finished' : 'Ongoing' } },
      next: finished ? 'WaitPreCharge' : 'WaitCableCheck',
    };
  },
};
