// SessionSetup: a new session, or (handled by the session router) the resumption of a paused one.
import { bodyOf, header, message, type Messages } from '../../messages.js';
import type { Secc20Context, Secc20Result, Secc20State } from '../context.js';
import type { Paused20Session } from '../session.js';

export const waitSessionSetup: Secc20State = {
  name: 'WaitSessionSetup',
  accepts: ['SessionSetupReq'],
  handle(_req, doc, ctx) {
    ctx.evccId = bodyOf(doc, 'SessionSetupReq')!.EVCCID;
    return { response: message('SessionSetupRes', { Header: header(ctx.sessionId), ResponseCode: 'OK_NewSessionEstablished', EVSEID: ctx.evse.evseId }), next: 'WaitAuthorizationSetup' };
  },
};

/**
 * The EV comes back with the SessionID of a paused session: OK_OldSessionJoined, the old context,
 * and the sequence again from AuthorizationSetup (the EV authorises anew and may select again).
 */
export function joinPaused(paused: Paused20Session, req: Messages['SessionSetupReq'], ctx: Secc20Context): Secc20Result {
  Object.assign(ctx, paused, { evccId: req.EVCCID, stopped: undefined, authorized: false, renegotiating: false, standby: false, meteringRequested: false });
  return { response: message('SessionSetupRes', { Header: header(ctx.sessionId), ResponseCode: 'OK_OldSessionJoined', EVSEID: ctx.evse.evseId }), next: 'WaitAuthorizationSetup' };
}
