// One -20 SECC session: routes each decoded request to the current state, enforces the sequence
// and the SessionID, says which codec encodes the response and when to close. Pure.
import { randomBytes } from 'node:crypto';
import { codecOf, messageName, type CodecId, type Header, type Iso20Message, type MessageName, type RequestName } from '../messages.js';
import type { Secc20Context, Secc20State, Secc20StateName } from './context.js';
import type { SeccEvse20 } from './evse-port.js';
import { failed } from './responses.js';
import { charging } from './states/charging.js';
import { waitAuthorizationSetup } from './states/wait-authorization-setup.js';
import { waitAuthorization } from './states/wait-authorization.js';
import { waitCableCheck } from './states/wait-cable-check.js';
import { waitChargeParameterDiscovery } from './states/wait-charge-parameter-discovery.js';
import { waitPreCharge } from './states/wait-pre-charge.js';
import { waitScheduleExchange } from './states/wait-schedule-exchange.js';
import { waitServiceDetail } from './states/wait-service-detail.js';
import { waitServiceDiscovery } from './states/wait-service-discovery.js';
import { waitSessionSetup } from './states/wait-session-setup.js';
import { waitWeldingDetection } from './states/wait-welding-detection.js';

const STATES: Record<Secc20StateName, Secc20State> = {
  WaitSessionSetup: waitSessionSetup,
  WaitAuthorizationSetup: waitAuthorizationSetup,
  WaitAuthorization: waitAuthorization,
  WaitServiceDiscovery: waitServiceDiscovery,
  WaitServiceDetail: waitServiceDetail,
  WaitChargeParameterDiscovery: waitChargeParameterDiscovery,
  WaitScheduleExchange: waitScheduleExchange,
  WaitCableCheck: waitCableCheck,
  WaitPreCharge: waitPreCharge,
  Charging: charging,
  WaitWeldingDetection: waitWeldingDetection,
};

export interface Secc20Reply {
  request: MessageName | undefined;
  response: Iso20Message;
  /** the response's message name and the codec that encodes it */
  responseName: MessageName;
  codec: CodecId;
  close: boolean;
}

export class Secc20Session {
  private stateName: Secc20StateName = 'WaitSessionSetup';
  readonly ctx: Secc20Context;

  constructor(evse: SeccEvse20) {
    this.ctx = { evse, sessionId: randomBytes(8).toString('hex'), scheduleTupleId: 1 };
  }

  get state(): Secc20StateName {
    return this.stateName;
  }

  handle(doc: Iso20Message): Secc20Reply {
    const name = messageName(doc);
    const state = STATES[this.stateName];
    if (!name || !name.endsWith('Req')) return this.reply(undefined, failed(state.accepts[0]!, 'FAILED_SequenceError', this.ctx), true);
    const request = name as RequestName;
    if (!state.accepts.includes(request)) return this.reply(request, failed(request, 'FAILED_SequenceError', this.ctx), true);
    const hdr = (doc as unknown as Record<string, { Header: Header }>)[request]!.Header;
    if (request !== 'SessionSetupReq' && hdr.SessionID.toLowerCase() !== this.ctx.sessionId) {
      return this.reply(request, failed(request, 'FAILED_UnknownSession', this.ctx), true);
    }
    const result = state.handle(request, doc, this.ctx, hdr);
    if (result.next) this.stateName = result.next;
    return this.reply(request, result.response, result.next === null);
  }

  /** The answer to an undecodable request: FAILED for what this state expects, then close. */
  undecodable(): Secc20Reply {
    return this.reply(undefined, failed(STATES[this.stateName].accepts[0]!, 'FAILED', this.ctx), true);
  }

  private reply(request: MessageName | undefined, response: Iso20Message, close: boolean): Secc20Reply {
    const responseName = messageName(response)!;
    return { request, response, responseName, codec: codecOf(responseName), close };
  }
}
