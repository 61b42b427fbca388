// One SECC session: routes each decoded request to the current state, enforces the sequence and
// the SessionID, and says when to close. Pure: no sockets, no timers (the EVSE process adds them).
import { randomBytes } from 'node:crypto';
import type { Iso2 } from '@v2xsim/exi';
import { messageName, v2gMessage, type MessageName } from '../messages.js';
import type { SeccContext, SeccPnc, SeccState, SeccStateName } from './context.js';
import type { SeccEvse } from './evse-port.js';
import { failed } from './responses.js';
import { charging } from './states/charging.js';
import { waitAuthorization } from './states/wait-authorization.js';
import { waitCableCheck } from './states/wait-cable-check.js';
import { waitChargeParameterDiscovery } from './states/wait-charge-parameter-discovery.js';
import { waitPaymentDetails } from './states/wait-payment-details.js';
import { waitPaymentServiceSelection } from './states/wait-payment-service-selection.js';
import { waitPowerDelivery } from './states/wait-power-delivery.js';
import { waitPreCharge } from './states/wait-pre-charge.js';
import { waitServiceDiscovery } from './states/wait-service-discovery.js';
import { waitSessionSetup } from './states/wait-session-setup.js';
import { waitSessionStop } from './states/wait-session-stop.js';

const STATES: Record<SeccStateName, SeccState> = {
  WaitSessionSetup: waitSessionSetup,
  WaitServiceDiscovery: waitServiceDiscovery,
  WaitPaymentServiceSelection: waitPaymentServiceSelection,
  WaitPaymentDetails: waitPaymentDetails,
  WaitAuthorization: waitAuthorization,
  WaitChargeParameterDiscovery: waitChargeParameterDiscovery,
  WaitCableCheck: waitCableCheck,
  WaitPreCharge: waitPreCharge,
  WaitPowerDelivery: waitPowerDelivery,
  Charging: charging,
  WaitSessionStop: waitSessionStop,
};

/** Sessions paused with SessionStop(Pause), by SessionID: a new connection may resume them. */
export type PausedSessions = Map<string, Omit<SeccContext, 'evse'>>;

export interface SeccReply {
  /** the request's message name (for traces and timing) */
  request: MessageName | undefined;
  response: { V2G_Message: Iso2.V2G_MessageType };
  /** close the TCP connection after sending the response */
  close: boolean;
}

const NEW_SESSION = /^0+$/;

export class SeccSession {
  private stateName: SeccStateName = 'WaitSessionSetup';
  readonly ctx: SeccContext;

  constructor(
    evse: SeccEvse,
    private readonly paused: PausedSessions = new Map(),
    opts: { codec?: string; pnc?: SeccPnc } = {},
  ) {
    this.ctx = { evse, codec: opts.codec ?? 'iso2', ...(opts.pnc ? { pnc: opts.pnc } : {}), sessionId: randomBytes(8).toString('hex'), saScheduleTupleId: 1 };
  }

  get state(): SeccStateName {
    return this.stateName;
  }

  /** Handles one decoded request. */
  handle(doc: { V2G_Message: Iso2.V2G_MessageType }): SeccReply {
    const { Header, Body } = doc.V2G_Message;
    const request = messageName(Body);
    const state = STATES[this.stateName];
    if (!request || !request.endsWith('Req')) return this.reply(undefined, failed(state.accepts[0]!, 'FAILED_SequenceError', this.ctx), true);
    // a request the state does not expect is a sequence error, and the session ends
    if (!state.accepts.includes(request)) return this.reply(request, failed(request, 'FAILED_SequenceError', this.ctx), true);
    if (request === 'SessionSetupReq') {
      const old = Header.SessionID.toLowerCase();
      if (!NEW_SESSION.test(old)) {
        const resumed = this.paused.get(old);
        if (resumed) {
          // the EV resumes a paused session with its SessionID
          this.paused.delete(old);
          Object.assign(this.ctx, resumed, { stopped: undefined });
          this.ctx.evccId = Body.SessionSetupReq!.EVCCID;
          this.stateName = 'WaitServiceDiscovery';
          return this.reply(request, { SessionSetupRes: { ResponseCode: 'OK_OldSessionJoined', EVSEID: this.ctx.evse.evseId, EVSETimeStamp: Math.floor(Date.now() / 1000) } }, false);
        }
      }
    } else if (Header.SessionID.toLowerCase() !== this.ctx.sessionId) {
      return this.reply(request, failed(request, 'FAILED_UnknownSession', this.ctx), true);
    }
    const result = state.handle(request, Body, this.ctx, Header);
    if (result.next) this.stateName = result.next;
    if (!result.next && this.ctx.stopped === 'Pause') {
      const { evse: _evse, ...data } = this.ctx;
      this.paused.set(this.ctx.sessionId, data);
    }
    return this.reply(request, result.response, result.next === null, result.signature);
  }

  /** The answer to a request that could not be decoded: FAILED for what this state expects, then close. */
  undecodable(): SeccReply {
    return this.reply(undefined, failed(STATES[this.stateName].accepts[0]!, 'FAILED', this.ctx), true);
  }

  private reply(request: MessageName | undefined, body: Iso2.BodyType, close: boolean, signature?: Iso2.SignatureType): SeccReply {
    return { request, response: v2gMessage(this.ctx.sessionId, body, signature), close };
  }
}
