// One DIN SPEC 70121 SECC session: routes each decoded request to the current state, enforces the
// sequence and the SessionID, and says when to close. Pure: no sockets, no timers (the EVSE process
// adds them; V2G_SECC_Sequence_Timeout is 60 s for DIN as for -2).
import { randomBytes } from 'node:crypto';
import type { Din } from '@v2xsim/exi';
import { messageName, v2gMessage, type Body, type RequestName, type V2G } from '../messages.js';
import type { SeccContext, SeccState, SeccStateName } from './context.js';
import type { SeccEvse } from './evse-port.js';
import { failed } from './responses.js';
import { charging } from './states/charging.js';
import { waitCableCheck } from './states/wait-cable-check.js';
import { waitChargeParameterDiscovery } from './states/wait-charge-parameter-discovery.js';
import { waitContractAuthentication } from './states/wait-contract-authentication.js';
import { waitPreCharge } from './states/wait-pre-charge.js';
import { waitServiceDiscovery } from './states/wait-service-discovery.js';
import { waitServicePaymentSelection } from './states/wait-service-payment-selection.js';
import { waitSessionSetup } from './states/wait-session-setup.js';
import { waitSessionStop } from './states/wait-session-stop.js';

const STATES: Record<SeccStateName, SeccState> = {
  WaitSessionSetup: waitSessionSetup,
  WaitServiceDiscovery: waitServiceDiscovery,
  WaitServicePaymentSelection: waitServicePaymentSelection,
  WaitContractAuthentication: waitContractAuthentication,
  WaitChargeParameterDiscovery: waitChargeParameterDiscovery,
  WaitCableCheck: waitCableCheck,
  WaitPreCharge: waitPreCharge,
  Charging: charging,
  WaitSessionStop: waitSessionStop,
};

export interface SeccReply {
  /** the request's message name (for traces and timing) */
  request: RequestName | undefined;
  response: { V2G_Message: Din.V2G_MessageType };
  /** close the TCP connection after sending the response */
  close: boolean;
}

export interface SeccOptions {
  /** the SessionID to hand out (8 bytes hex); random by default */
  sessionId?: string;
}

export class SeccSession {
  private stateName: SeccStateName = 'WaitSessionSetup';
  readonly ctx: SeccContext;

  constructor(evse: SeccEvse, opts: SeccOptions = {}) {
    this.ctx = { evse, sessionId: (opts.sessionId ?? randomBytes(8).toString('hex')).toLowerCase(), saScheduleTupleId: 1, isolation: 'Invalid' };
  }

  get state(): SeccStateName {
    return this.stateName;
  }

  /** Handles one decoded request. */
  handle(doc: V2G): SeccReply {
    const { Header, Body } = doc.V2G_Message;
    const name = messageName(Body);
    const state = STATES[this.stateName];
    if (!name || !name.endsWith('Req')) return this.end(undefined, failed(state.accepts[0]!, 'FAILED_SequenceError', this.ctx));
    const request = name as RequestName;
    // a request the state does not expect is a sequence error, and the session ends
    if (!state.accepts.includes(request)) return this.end(request, failed(request, 'FAILED_SequenceError', this.ctx));
    // after SessionSetup every request carries the SessionID the SECC handed out
    if (request !== 'SessionSetupReq' && Header.SessionID.toLowerCase() !== this.ctx.sessionId) return this.end(request, failed(request, 'FAILED_UnknownSession', this.ctx));
    const result = state.handle(request, Body, this.ctx);
    if (result.next) this.stateName = result.next;
    else if (!this.ctx.stopped) this.stop();
    return this.reply(request, result.response, result.next === null);
  }

  /** The answer to a request that could not be decoded: FAILED for what this state expects, then close. */
  undecodable(): SeccReply {
    return this.end(undefined, failed(STATES[this.stateName].accepts[0]!, 'FAILED', this.ctx));
  }

  /** a FAILED response: the session ends with an error */
  private end(request: RequestName | undefined, body: Body): SeccReply {
    this.stop();
    return this.reply(request, body, true);
  }

  private stop(): void {
    if (this.ctx.stopped) return;
    this.ctx.stopped = 'Error';
    this.ctx.evse.sessionStopped('Error');
  }

  private reply(request: RequestName | undefined, body: Body, close: boolean): SeccReply {
    return { request, response: v2gMessage(this.ctx.sessionId, body), close };
  }
}
