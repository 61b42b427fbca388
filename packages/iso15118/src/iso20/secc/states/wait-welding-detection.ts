// After PowerDelivery(Stop): DC_WeldingDetection (repeatable), then SessionStop ends the session.
import { bodyOf, header, message, rn } from '../../messages.js';
import type { Secc20State } from '../context.js';

export const waitWeldingDetection: Secc20State = {
  name: 'WaitWeldingDetection',
  accepts: ['DC_WeldingDetectionReq', 'SessionStopReq'],
  handle(req, doc, ctx) {
    const Header = header(ctx.sessionId);
    if (req === 'DC_WeldingDetectionReq') {
      return { response: message('DC_WeldingDetectionRes', { Header, ResponseCode: 'OK', EVSEPresentVoltage: rn(ctx.evse.weldingDetection()) }), next: 'WaitWeldingDetection' };
    }
    ctx.stopped = bodyOf(doc, 'SessionStopReq')!.ChargingSession === 'Pause' ? 'Pause' : 'Terminate';
    ctx.evse.sessionStopped(ctx.stopped);
    return { response: message('SessionStopRes', { Header, ResponseCode: 'OK' }), next: null };
  },
};
