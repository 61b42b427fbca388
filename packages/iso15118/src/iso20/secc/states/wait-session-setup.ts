// SessionSetup: a new session (-20 has no resume by SessionID in this first step).
import { bodyOf, header, message } from '../../messages.js';
import type { Secc20State } from '../context.js';

export const waitSessionSetup: Secc20State = {
  name: 'WaitSessionSetup',
  accepts: ['SessionSetupReq'],
  handle(_req, doc, ctx) {
    ctx.evccId = bodyOf(doc, 'SessionSetupReq')!.EVCCID;
    return { response: message('SessionSetupRes', { Header: header(ctx.sessionId), ResponseCode: 'OK_NewSessionEstablished', EVSEID: ctx.evse.evseId }), next: 'WaitAuthorizationSetup' };
  },
};
