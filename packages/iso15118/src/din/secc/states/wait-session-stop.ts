// After PowerDelivery(ReadyToChargeState false): WeldingDetection (any number), then SessionStop.
import { pv } from '../../physical.js';
import { dcEvseStatus } from '../responses.js';
import type { SeccState } from '../context.js';

export const waitSessionStop: SeccState = {
  name: 'WaitSessionStop',
  accepts: ['WeldingDetectionReq', 'SessionStopReq'],
  handle(req, _body, ctx) {
    if (req === 'WeldingDetectionReq') {
      const v = ctx.evse.weldingDetection();
      return { response: { WeldingDetectionRes: { ResponseCode: 'OK', DC_EVSEStatus: dcEvseStatus(ctx), EVSEPresentVoltage: pv(v, 'V') } }, next: 'WaitSessionStop' };
    }
    // DIN's SessionStopReq is empty: the session always terminates
    ctx.stopped = 'Terminate';
    ctx.evse.sessionStopped('Terminate');
    return { response: { SessionStopRes: { ResponseCode: 'OK' } }, next: null };
  },
};
