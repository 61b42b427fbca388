// SessionSetup: a new session gets a fresh SessionID; the EVCCID is kept for OCPP and traces.
// DIN has no pause and resume, so every SessionSetup starts a new session.
import { evseIdHex } from '../../physical.js';
import type { SeccState } from '../context.js';

export const waitSessionSetup: SeccState = {
  name: 'WaitSessionSetup',
  accepts: ['SessionSetupReq'],
  handle(_req, body, ctx) {
    ctx.evccId = body.SessionSetupReq!.EVCCID;
    return {
      response: { SessionSetupRes: { ResponseCode: 'OK_NewSessionEstablished', EVSEID: evseIdHex(ctx.evse.evseId), DateTimeNow: Math.floor(Date.now() / 1000) } },
      next: 'WaitServiceDiscovery',
    };
  },
};
