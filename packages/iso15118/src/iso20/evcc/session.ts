// The -20 EVCC core: from each response to the next request, with the codec and V2GTP payload
// type of each message. Pure: the EV process sends, times and traces. A FAILED response code, an
// unexpected response or a response for another session ends the session.
import type { AppProtocolInfo } from '../../app-protocol.js';
import { codecFor, payloadTypeOf } from '../codecs.js';
import {
  bodyOf, CONTROL_MODE, header, headerOf, isAcService, message, messageName, num, rn, SERVICE_ID,
  type ChargeProgress, type CodecId, type EnergyService, type EvseNotification, type Iso20Message, type MeterInfo, type MessageName, type ResponseName,
} from '../messages.js';
import { priceFromWire, tupleFromWire } from '../schedules.js';
import type { EvccEv20 } from './ev-port.js';
import type { Iso20 } from '@v2xsim/exi';

type Receipt = Iso20.ReceiptType;
import * as build from './requests.js';
import * as signed from './signed.js';

export interface Evcc20Step {
  /** the next request's name; undefined when the session is over */
  name: MessageName | undefined;
  /** the next request, or null when the session is over */
  request: Iso20Message | null;
  codec: CodecId | undefined;
  payloadType: number | undefined;
  /** wait this long before sending (Ongoing repeats, pre-charge, the charge loop cycle) */
  delayMs: number;
  /** a repeated request while the EVSE is busy (Ongoing timer), or the DC cable check / pre-charge phase */
  phase?: 'Ongoing' | 'CableCheck' | 'PreCharge';
  /** this request starts a schedule renegotiation, or is the first charge loop after it */
  renegotiation?: 'started' | 'finished';
  /** set when the session ended abnormally */
  error?: string;
}

import type { Evcc20Pnc } from './signed.js';

export type { Evcc20Pnc };

export interface Evcc20Options {
  protocol: AppProtocolInfo;
  pnc?: Evcc20Pnc;
  /** resume a paused session with its SessionID */
  resumeSessionId?: string;
  /** pause between repeated requests while the EVSE says Ongoing, ms (default 100) */
  ongoingDelayMs?: number;
  /** charge loop cycle, ms (default 100) */
  loopDelayMs?: number;
  /** PreCharge is done when the EVSE voltage is this close to the target, V (default 10) */
  preChargeToleranceV?: number;
  /** DC: the EVSE may exceed the EV's current limits by this much (or 5 %) before the EV stops, A (default 2) */
  currentToleranceA?: number;
}

const MAX_WELDING_CHECKS = 50;

export class Evcc20Session {
  private sessionId = '0000000000000000';
  private expect: ResponseName = 'SessionSetupRes';
  private readonly o: Required<Omit<Evcc20Options, 'protocol' | 'pnc' | 'resumeSessionId'>>;
  private service: EnergyService;
  private auth: 'EIM' | 'PnC' = 'EIM';
  private eimOffered = false;
  private genChallenge = '';
  private tupleId = 1;
  private progress: ChargeProgress = 'Start';
  private renegotiating = false;
  private standby = false;
  private standbyRefused = false;
  private stopMode: 'Terminate' | 'Pause' | undefined;
  private weldingChecks = 0;
  /** the DC limits the last DC_ChargeLoopReq stated (its response is held to them) */
  private sentDcLimits: build.DcLoopLimits | undefined;

  constructor(
    private readonly ev: EvccEv20,
    private readonly opts: Evcc20Options,
  ) {
    this.o = { ongoingDelayMs: opts.ongoingDelayMs ?? 100, loopDelayMs: opts.loopDelayMs ?? 100, preChargeToleranceV: opts.preChargeToleranceV ?? 10, currentToleranceA: opts.currentToleranceA ?? 2 };
    if (opts.resumeSessionId) this.sessionId = opts.resumeSessionId.toLowerCase();
    this.service = ev.services[0] ?? 'DC';
  }

  /** the negotiated SessionID */
  get id(): string {
    return this.sessionId;
  }

  private get view(): build.EvccView {
    return { ev: this.ev, sessionId: this.sessionId, service: this.service, controlMode: this.ev.controlMode, scale: this.opts.protocol.id.endsWith('-scale'), tupleId: this.tupleId, standby: this.standby };
  }

  start(): Evcc20Step {
    return this.send(message('SessionSetupReq', { Header: header(this.sessionId), EVCCID: this.ev.evccId }));
  }

  onResponse(doc: Iso20Message): Evcc20Step {
    const name = messageName(doc);
    if (name !== this.expect) return this.fail(`expected ${this.expect}, got ${name ?? 'an empty message'}`);
    const res = (doc as unknown as Record<string, { ResponseCode: string }>)[name]!;
    if (res.ResponseCode.startsWith('FAILED')) return this.fail(`${name}: ${res.ResponseCode}`);
    const sid = headerOf(doc)?.SessionID.toLowerCase();
    if (name !== 'SessionSetupRes' && sid !== this.sessionId) return this.fail(`${name} for another session ${sid ?? ''}`);
    const ev = this.ev;
    switch (name) {
      case 'SessionSetupRes':
        this.sessionId = sid ?? this.sessionId;
        return this.send(message('AuthorizationSetupReq', { Header: header(this.sessionId) }));
      case 'AuthorizationSetupRes': {
        const b = bodyOf(doc, name)!;
        this.eimOffered = b.AuthorizationServices.includes('EIM');
        if (this.opts.pnc && b.AuthorizationServices.includes('PnC') && b.PnC_ASResAuthorizationMode) {
          this.auth = 'PnC';
          this.genChallenge = b.PnC_ASResAuthorizationMode.GenChallenge.toLowerCase();
        } else if (this.eimOffered) this.auth = 'EIM';
        else return this.fail(this.opts.pnc ? 'the EVSE offers neither PnC nor EIM' : 'the EVSE offers no EIM and the EV has no contract for PnC');
        return this.authorization();
      }
      case 'AuthorizationRes': {
        const b = bodyOf(doc, name)!;
        if (b.ResponseCode.startsWith('WARNING')) {
          // not authorised; with PnC refused the EV may still try EIM [V2G20 AuthorizationRes]
          if (this.auth === 'PnC' && this.eimOffered) {
            this.auth = 'EIM';
            return this.authorization();
          }
          return this.fail(`AuthorizationRes: ${b.ResponseCode}`);
        }
        if (b.EVSEProcessing !== 'Finished') return this.authorization(this.o.ongoingDelayMs, 'Ongoing');
        return this.send(message('ServiceDiscoveryReq', { Header: header(this.sessionId), SupportedServiceIDs: { ServiceID: ev.services.map((s) => SERVICE_ID[s]) } }));
      }
      case 'ServiceDiscoveryRes': {
        const offered = bodyOf(doc, name)!.EnergyTransferServiceList.Service.map((s) => s.ServiceID);
        const service = ev.services.find((s) => offered.includes(SERVICE_ID[s]));
        if (!service) return this.fail(`the EVSE offers none of ${ev.services.join(', ')} (offers ${offered.join(', ')})`);
        this.service = service;
        return this.send(message('ServiceDetailReq', { Header: header(this.sessionId), ServiceID: SERVICE_ID[service] }));
      }
      case 'ServiceDetailRes': {
        const want = CONTROL_MODE[ev.controlMode];
        const set = bodyOf(doc, name)!.ServiceParameterList.ParameterSet.find((s) => s.Parameter.some((p) => p.Name === 'ControlMode' && p.intValue === want));
        if (!set) return this.fail(`the EVSE does not offer ${ev.controlMode} control for ${this.service}`);
        return this.send(message('ServiceSelectionReq', { Header: header(this.sessionId), SelectedEnergyTransferService: { ServiceID: SERVICE_ID[this.service], ParameterSetID: set.ParameterSetID } }));
      }
      case 'ServiceSelectionRes':
        return this.send(build.chargeParameterDiscovery(this.view));
      case 'AC_ChargeParameterDiscoveryRes':
      case 'DC_ChargeParameterDiscoveryRes':
        return this.send(build.scheduleExchange(this.view));
      case 'ScheduleExchangeRes': {
        const b = bodyOf(doc, name)!;
        if (b.EVSEProcessing !== 'Finished') return this.send(build.scheduleExchange(this.view), this.o.ongoingDelayMs, 'Ongoing');
        if (ev.controlMode === 'Scheduled') {
          const tuples = (b.Scheduled_SEResControlMode?.ScheduleTuple ?? []).map(tupleFromWire);
          if (!tuples.length) return this.fail('ScheduleExchangeRes without a ScheduleTuple');
          const chosen = ev.selectTuple?.(tuples) ?? tuples[0]!.id;
          const tuple = tuples.find((t) => t.id === chosen) ?? tuples[0]!;
          this.tupleId = tuple.id;
          ev.schedule({ controlMode: 'Scheduled', tuple, tuples });
        } else {
          const d = b.Dynamic_SEResControlMode;
          if (!d) return this.fail('ScheduleExchangeRes without Dynamic_SEResControlMode');
          const price = priceFromWire(d);
          ev.schedule({
            controlMode: 'Dynamic',
            ...(d.DepartureTime !== undefined ? { departureTimeS: d.DepartureTime } : {}),
            ...(d.MinimumSOC !== undefined ? { minimumSoc: d.MinimumSOC } : {}),
            ...(d.TargetSOC !== undefined ? { targetSoc: d.TargetSOC } : {}),
            ...(price ? { price } : {}),
          });
        }
        if (this.renegotiating || isAcService(this.service)) return this.powerDelivery('Start');
        return this.send(message('DC_CableCheckReq', { Header: header(this.sessionId) }), 0, 'CableCheck');
      }
      case 'DC_CableCheckRes':
        if (bodyOf(doc, name)!.EVSEProcessing !== 'Finished') return this.send(message('DC_CableCheckReq', { Header: header(this.sessionId) }), this.o.ongoingDelayMs, 'CableCheck');
        return this.preCharge(0);
      case 'DC_PreChargeRes': {
        const target = ev.preChargeTarget().voltage;
        if (Math.abs(num(bodyOf(doc, name)!.EVSEPresentVoltage) - target) > this.o.preChargeToleranceV) return this.preCharge(this.o.ongoingDelayMs);
        return this.powerDelivery('Start');
      }
      case 'PowerDeliveryRes':
        return this.afterPowerDelivery(res.ResponseCode);
      case 'DC_ChargeLoopRes': {
        const b = bodyOf(doc, name)!;
        const v = num(b.EVSEPresentVoltage);
        const i = num(b.EVSEPresentCurrent);
        const violation = this.standby ? undefined : build.dcViolation(this.view, v, i, this.o.currentToleranceA, this.sentDcLimits);
        if (violation) {
          // a BMS opens its contactors rather than take more than the battery allows
          ev.contactorsOpened?.(violation);
          return this.fail(`DC_ChargeLoopRes: ${violation}; the EV opened its contactors`);
        }
        ev.dcOutput(v, i);
        if (b.MeterInfo) ev.meterInfo?.(b.MeterInfo);
        return this.afterLoop(b.EVSEStatus?.EVSENotification, b.MeterInfo);
      }
      case 'AC_ChargeLoopRes': {
        const b = bodyOf(doc, name)!;
        const m = b.Dynamic_AC_CLResControlMode ?? b.BPT_Dynamic_AC_CLResControlMode ?? b.Scheduled_AC_CLResControlMode ?? b.BPT_Scheduled_AC_CLResControlMode;
        const requested = num(m?.EVSETargetActivePower);
        const bounds = build.acBounds(this.view);
        // the EV keeps to its own limits whatever the EVSE asks
        const target = requested === undefined ? undefined : Math.min(bounds.max, Math.max(bounds.min, requested)) + 0;
        const present = num(m?.EVSEPresentActivePower);
        ev.acTarget({
          ...(target !== undefined ? { targetActivePowerW: target } : {}),
          ...(requested !== undefined ? { requestedActivePowerW: requested } : {}),
          ...(present !== undefined ? { evsePresentActivePowerW: present } : {}),
        });
        if (b.MeterInfo) ev.meterInfo?.(b.MeterInfo);
        return this.afterLoop(b.EVSEStatus?.EVSENotification, b.MeterInfo, b.Receipt);
      }
      case 'MeteringConfirmationRes':
        return this.afterLoop(undefined);
      case 'DC_WeldingDetectionRes': {
        if (num(bodyOf(doc, name)!.EVSEPresentVoltage) < 60) return this.sessionStop();
        if (++this.weldingChecks >= MAX_WELDING_CHECKS) return this.fail(`DC_WeldingDetection: the EVSE voltage stayed above 60 V`);
        return this.send(message('DC_WeldingDetectionReq', { Header: header(this.sessionId), EVProcessing: 'Ongoing' }), this.o.ongoingDelayMs);
      }
      case 'SessionStopRes':
        return this.end();
      default:
        return this.fail(`unexpected ${name}`);
    }
  }

  private authorization(delayMs = 0, phase?: 'Ongoing'): Evcc20Step {
    if (this.auth === 'EIM') return this.send(message('AuthorizationReq', { Header: header(this.sessionId), SelectedAuthorizationService: 'EIM', EIM_AReqAuthorizationMode: {} }), delayMs, phase);
    return this.send(signed.pncAuthorization(this.sessionId, this.genChallenge, this.opts.pnc!), delayMs, phase);
  }

  private preCharge(delayMs: number): Evcc20Step {
    const v = this.ev.preChargeTarget().voltage;
    const present = this.ev.dcRequest().presentVoltage;
    return this.send(message('DC_PreChargeReq', { Header: header(this.sessionId), EVProcessing: 'Ongoing', EVPresentVoltage: rn(present), EVTargetVoltage: rn(v) }), delayMs, 'PreCharge');
  }

  private powerDelivery(progress: ChargeProgress, renegotiation?: 'started'): Evcc20Step {
    this.progress = progress;
    const step = this.send(build.powerDelivery(this.view, progress));
    return renegotiation ? { ...step, renegotiation } : step;
  }

  private afterPowerDelivery(code: string): Evcc20Step {
    switch (this.progress) {
      case 'Start': {
        const finished = this.renegotiating;
        this.renegotiating = false;
        this.standby = false;
        const step = this.loop(0);
        return finished ? { ...step, renegotiation: 'finished' } : step;
      }
      case 'Standby':
        // WARNING_StandbyNotAllowed: the EVSE keeps the transfer on; do not ask again this session
        if (code.startsWith('WARNING')) this.standbyRefused = true;
        else this.standby = true;
        return this.loop(this.o.loopDelayMs);
      case 'ScheduleRenegotiation':
        this.renegotiating = true;
        return this.send(build.scheduleExchange(this.view));
      case 'Stop':
        if (isAcService(this.service)) return this.sessionStop();
        return this.send(message('DC_WeldingDetectionReq', { Header: header(this.sessionId), EVProcessing: 'Ongoing' }));
    }
  }

  /** After a charge loop response (or MeteringConfirmation): the EVSE's notification first, then the EV's wishes. */
  private afterLoop(notification: EvseNotification | undefined, meterInfo?: MeterInfo, receipt?: Receipt): Evcc20Step {
    switch (notification) {
      case 'Terminate':
        this.stopMode = 'Terminate';
        return this.powerDelivery('Stop');
      case 'Pause':
        this.stopMode = 'Pause';
        return this.powerDelivery('Stop');
      case 'ScheduleRenegotiation':
        return this.powerDelivery('ScheduleRenegotiation', 'started');
      case 'MeteringConfirmation':
        if (meterInfo) return this.meteringConfirmation(meterInfo, receipt);
        break;
      case 'ExitStandby':
        if (this.standby) return this.powerDelivery('Start');
        break;
      default:
        break;
    }
    const ev = this.ev;
    if (ev.wantsToStop()) return this.powerDelivery('Stop');
    if (ev.wantsRenegotiation()) return this.powerDelivery('ScheduleRenegotiation', 'started');
    const standby = ev.wantsStandby() && !this.standbyRefused;
    if (standby && !this.standby) return this.powerDelivery('Standby');
    if (!standby && this.standby) return this.powerDelivery('Start');
    return this.loop(this.o.loopDelayMs);
  }

  /** MeteringConfirmationReq: the meter reading the EVSE sent, signed with the contract key under PnC. */
  private meteringConfirmation(meterInfo: MeterInfo, receipt: Receipt | undefined): Evcc20Step {
    const smdt = this.ev.controlMode === 'Scheduled' ? { Scheduled_SMDTControlMode: { SelectedScheduleTupleID: this.tupleId } } : { Dynamic_SMDTControlMode: {} };
    return this.send(signed.meteringConfirmation(this.sessionId, meterInfo, receipt, smdt, this.auth === 'PnC' ? this.opts.pnc : undefined));
  }

  private loop(delayMs: number): Evcc20Step {
    if (isAcService(this.service)) return this.send(build.acChargeLoop(this.view), delayMs);
    // the limits this request states, which the EVSE's answer to it is held to
    this.sentDcLimits = build.dcLoopLimits(this.view);
    return this.send(build.dcChargeLoop(this.view), delayMs);
  }

  private sessionStop(): Evcc20Step {
    return this.send(message('SessionStopReq', { Header: header(this.sessionId), ChargingSession: this.stopMode ?? this.ev.stopMode() }));
  }

  private send(request: Iso20Message, delayMs = 0, phase?: Evcc20Step['phase']): Evcc20Step {
    const name = messageName(request)!;
    this.expect = name.replace(/Req$/, 'Res') as ResponseName;
    return { name, request, codec: codecFor(this.opts.protocol, name), payloadType: payloadTypeOf(name), delayMs, ...(phase ? { phase } : {}) };
  }

  private end(error?: string): Evcc20Step {
    return { name: undefined, request: null, codec: undefined, payloadType: undefined, delayMs: 0, ...(error ? { error } : {}) };
  }

  private fail(error: string): Evcc20Step {
    return this.end(error);
  }
}
