// One -20 SECC session: routes each decoded request to the current state, enforces the sequence
// and the SessionID, says which codec and payload type carry the response and when to close, and
// keeps paused sessions for a later OK_OldSessionJoined. Pure: the EVSE process adds sockets and timers.
import { randomBytes } from 'node:crypto';
import type { AppProtocolInfo } from '../../app-protocol.js';
import { codecFor, payloadTypeOf } from '../codecs.js';
import { bodyOf, messageName, type CodecId, type Header, type Iso20Message, type MessageName, type RequestName, type Signature } from '../messages.js';
import type { Secc20Context, Secc20Pnc, Secc20State, Secc20StateName } from './context.js';
import type { SeccEvse20 } from './evse-port.js';
import { failed, withSignature } from './responses.js';
import { charging } from './states/charging.js';
import { sessionStop, waitSessionStop } from './states/session-stop.js';
import { waitAuthorizationSetup } from './states/wait-authorization-setup.js';
import { waitAuthorization } from './states/wait-authorization.js';
import { waitCableCheck } from './states/wait-cable-check.js';
import { waitChargeParameterDiscovery } from './states/wait-charge-parameter-discovery.js';
import { waitPowerDelivery } from './states/wait-power-delivery.js';
import { waitPreCharge } from './states/wait-pre-charge.js';
import { waitScheduleExchange } from './states/wait-schedule-exchange.js';
import { waitServiceDetail } from './states/wait-service-detail.js';
import { waitServiceDiscovery } from './states/wait-service-discovery.js';
import { joinPaused, waitSessionSetup } from './states/wait-session-setup.js';
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
  WaitPowerDelivery: waitPowerDelivery,
  Charging: charging,
  WaitWeldingDetection: waitWeldingDetection,
  WaitSessionStop: waitSessionStop,
};

/** What a paused session keeps until the EV comes back with its SessionID. */
export type Paused20Session = Omit<Secc20Context, 'evse' | 'protocol' | 'pnc'>;
/** Sessions paused with SessionStop(Pause), by SessionID; the SECC shell keeps it across connections. */
export type Paused20Sessions = Map<string, Paused20Session>;

export interface Secc20Options {
  protocol: AppProtocolInfo;
  pnc?: Secc20Pnc;
  paused?: Paused20Sessions;
}

export interface Secc20Reply {
  request: MessageName | undefined;
  response: Iso20Message;
  /** the response's message name, the codec that encodes it and the V2GTP payload type it goes in */
  responseName: MessageName;
  codec: CodecId;
  payloadType: number;
  close: boolean;
  /** a schedule renegotiation started (PowerDelivery ScheduleRenegotiation, or the EVSE's notification) or finished (PowerDelivery Start) */
  renegotiation?: 'started' | 'finished';
}

const NEW_SESSION = /^0+$/;

export class Secc20Session {
  private stateName: Secc20StateName = 'WaitSessionSetup';
  readonly ctx: Secc20Context;
  private readonly paused: Paused20Sessions;

  constructor(evse: SeccEvse20, opts: Secc20Options) {
    this.paused = opts.paused ?? new Map();
    this.ctx = {
      evse,
      protocol: opts.protocol,
      ...(opts.pnc ? { pnc: opts.pnc } : {}),
      sessionId: randomBytes(8).toString('hex'),
      bpt: false,
      offeredTuples: [],
      renegotiating: false,
      standby: false,
      loops: 0,
      meteringRequested: false,
    };
  }

  get state(): Secc20StateName {
    return this.stateName;
  }

  /** True while in the AC/DC charge loop: the shell applies the charge-loop sequence timeout then. */
  get inChargeLoop(): boolean {
    return this.stateName === 'Charging';
  }

  handle(doc: Iso20Message): Secc20Reply {
    const name = messageName(doc);
    const state = STATES[this.stateName];
    if (!name || !name.endsWith('Req')) return this.reply(undefined, { response: failed(state.accepts[0]!, 'FAILED_SequenceError', this.ctx), next: null });
    const request = name as RequestName;
    const anytimeStop = request === 'SessionStopReq' && this.stateName !== 'WaitSessionSetup';
    if (!state.accepts.includes(request) && !anytimeStop) return this.reply(request, { response: failed(request, 'FAILED_SequenceError', this.ctx), next: null });
    const hdr = (doc as unknown as Record<string, { Header: Header }>)[request]!.Header;
    if (request === 'SessionSetupReq') {
      const old = hdr.SessionID.toLowerCase();
      const resumed = NEW_SESSION.test(old) ? undefined : this.paused.get(old);
      if (resumed) {
        // [V2G20-...] the EV resumes a paused session with its SessionID: OK_OldSessionJoined
        this.paused.delete(old);
        return this.reply(request, joinPaused(resumed, bodyOf(doc, 'SessionSetupReq')!, this.ctx));
      }
    } else if (hdr.SessionID.toLowerCase() !== this.ctx.sessionId) {
      return this.reply(request, { response: failed(request, 'FAILED_UnknownSession', this.ctx), next: null });
    }
    const result = anytimeStop && !state.accepts.includes(request) ? sessionStop(doc, this.ctx) : state.handle(request, doc, this.ctx, hdr);
    if (result.next === null && this.ctx.stopped === 'Pause') {
      const { evse: _e, protocol: _p, pnc: _n, ...data } = this.ctx;
      this.paused.set(this.ctx.sessionId, { ...data, stopped: undefined });
    }
    return this.reply(request, result);
  }

  /** The answer to an undecodable request: FAILED for what this state expects, then close. */
  undecodable(): Secc20Reply {
    return this.reply(undefined, { response: failed(STATES[this.stateName].accepts[0]!, 'FAILED', this.ctx), next: null });
  }

  private reply(request: MessageName | undefined, result: { response: Iso20Message; next: Secc20StateName | null; signature?: Signature; renegotiation?: 'started' | 'finished' }): Secc20Reply {
    if (result.next) this.stateName = result.next;
    else if (!this.ctx.stopped) {
      this.ctx.stopped = 'Error';
      this.ctx.evse.sessionStopped('Error');
    }
    const response = result.signature ? withSignature(result.response, result.signature) : result.response;
    const responseName = messageName(response)!;
    return {
      request,
      response,
      responseName,
      codec: codecFor(this.ctx.protocol, responseName),
      payloadType: payloadTypeOf(responseName),
      close: result.next === null,
      ...(result.renegotiation ? { renegotiation: result.renegotiation } : {}),
    };
  }
}
