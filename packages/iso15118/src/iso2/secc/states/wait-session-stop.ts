// After PowerDelivery(Stop): DC WeldingDetection (any number), then SessionStop (Terminate or Pause).
import { pv } from '../../physical.js';
import { dcEvseStatus, failed } from '../responses.js';
import type { SeccState } from '../context.js';

export const waitSessionStop: SeccState = {
  name: 'WaitSessionStop',
  accepts: ['WeldingDetectionReq', 'SessionStopReq'],
  handle(req, body, ctx) {
    if (req === 'WeldingDetectionReq') {
      if (ctx.transferMode?.startsWith('AC_')) return { response: failed(req, 'FAILED_SequenceError', ctx), next: null };
      const v = ctx.evse.weldingDetection();
      return { response: { WeldingDetectionRes: { ResponseCode: 'OK', DC_EVSEStatus: dcEvseStatus(ctx), EVSEPresentVoltage: pv(v, 'V') } }, next: 'WaitSessionStop' };
    }
    const how = body.SessionStopReq!.ChargingSession;
    ctx.stopped = how;
    ctx.evse.sessionStopped(how);
    return { response: { SessionStopRes: { ResponseCode: 'OK' } }, next: null };
  },
};
