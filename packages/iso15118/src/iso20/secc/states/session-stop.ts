// SessionStop: Terminate ends the session; Pause keeps it (the session router stores it for an
// OK_OldSessionJoined later). ServiceRenegotiation is not offered (ServiceRenegotiationSupported
// false): FAILED_NoServiceRenegotiationSupported. The EV may stop at any point of the sequence.
import { bodyOf, header, message, type Iso20Message } from '../../messages.js';
import type { Secc20Context, Secc20Result, Secc20State } from '../context.js';
import { failed } from '../responses.js';

export function sessionStop(doc: Iso20Message, ctx: Secc20Context): Secc20Result {
  const req = bodyOf(doc, 'SessionStopReq')!;
  if (req.ChargingSession === 'ServiceRenegotiation') return { response: failed('SessionStopReq', 'FAILED_NoServiceRenegotiationSupported', ctx), next: null };
  // a pause needs a session that got as far as a service selection, to come back to
  ctx.stopped = req.ChargingSession === 'Pause' && ctx.service ? 'Pause' : 'Terminate';
  ctx.evse.sessionStopped(ctx.stopped);
  return { response: message('SessionStopRes', { Header: header(ctx.sessionId), ResponseCode: 'OK' }), next: null };
}

export const waitSessionStop: Secc20State = {
  name: 'WaitSessionStop',
  accepts: ['SessionStopReq'],
  handle(_req, doc, ctx) {
    return sessionStop(doc, ctx);
  },
};
