// After PowerDelivery(Stop) in DC: DC_WeldingDetection (repeatable), then SessionStop.
import { header, message, rn } from '../../messages.js';
import type { Secc20State } from '../context.js';
import { sessionStop } from './session-stop.js';

export const waitWeldingDetection: Secc20State = {
  name: 'WaitWeldingDetection',
  accepts: ['DC_WeldingDetectionReq', 'SessionStopReq'],
  handle(req, doc, ctx) {
    if (req === 'SessionStopReq') return sessionStop(doc, ctx);
    return { response: message('DC_WeldingDetectionRes', { Header: header(ctx.sessionId), ResponseCode: 'OK', EVSEPresentVoltage: rn(ctx.evse.weldingDetection()) }), next: 'WaitWeldingDetection' };
  },
};
