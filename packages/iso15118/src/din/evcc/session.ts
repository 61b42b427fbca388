// One DIN SPEC 70121 EVCC session (DC, EIM): from each response to the next request, in the DIN
// order SessionSetup, ServiceDiscovery, ServicePaymentSelection, ContractAuthentication (while
// Ongoing), ChargeParameterDiscovery (while Ongoing), CableCheck (while Ongoing), PreCharge (until
// the voltage is reached), PowerDelivery(ReadyToChargeState true), CurrentDemand loop,
// PowerDelivery(false), WeldingDetection, SessionStop. Pure: the EV process sends, times and
// traces. A FAILED response code, an unexpected response or one for another session ends it.
import type { Din } from '@v2xsim/exi';
import { isDc, num, offers, pv, type EnergyTransferType } from '../physical.js';
import { messageName, v2gMessage, type Body, type RequestName, type ResponseName, type V2G } from '../messages.js';
import type { EvccEv } from './ev-port.js';

export interface EvccStep {
  /** the next request, or null when the session is over */
  request: V2G | null;
  /** the name of the request (for timeouts and traces) */
  name?: RequestName;
  /** wait this long before sending (EVSEProcessing Ongoing, pre-charge, the charge loop cycle) */
  delayMs: number;
  /** set when the session ended abnormally */
  error?: string;
}

export interface EvccOptions {
  /** pause between repeated requests while the EVSE says Ongoing, ms */
  ongoingDelayMs?: number;
  /** charge loop cycle, ms */
  loopDelayMs?: number;
  /** PreCharge is done when the EVSE voltage is this close to the target, V */
  preChargeToleranceV?: number;
}

type Expect = Extract<
  ResponseName,
  | 'SessionSetupRes'
  | 'ServiceDiscoveryRes'
  | 'ServicePaymentSelectionRes'
  | 'ContractAuthenticationRes'
  | 'ChargeParameterDiscoveryRes'
  | 'CableCheckRes'
  | 'PreChargeRes'
  | 'PowerDeliveryRes'
  | 'CurrentDemandRes'
  | 'WeldingDetectionRes'
  | 'SessionStopRes'
>;

/** EVSE status codes after which the EV stops charging */
const SHUTDOWN: ReadonlySet<Din.DC_EVSEStatusType['EVSEStatusCode']> = new Set(['EVSE_Shutdown', 'EVSE_EmergencyShutdown', 'EVSE_UtilityInterruptEvent', 'EVSE_Malfunction']);

export class EvccSession {
  private sessionId = '00';
  private expect: Expect = 'SessionSetupRes';
  private charging = false;
  private readonly o: Required<EvccOptions>;
  /** the negotiated SessionID */
  get id(): string {
    return this.sessionId;
  }

  constructor(
    private readonly ev: EvccEv,
    opts: EvccOptions = {},
  ) {
    this.o = { ongoingDelayMs: opts.ongoingDelayMs ?? 100, loopDelayMs: opts.loopDelayMs ?? 100, preChargeToleranceV: opts.preChargeToleranceV ?? 10 };
  }

  private get mode(): EnergyTransferType {
    return this.ev.energyTransferMode;
  }

  start(): EvccStep {
    if (!isDc(this.mode)) return this.end(`DIN SPEC 70121 is DC only, the EV asks for ${this.mode}`);
    return this.send({ SessionSetupReq: { EVCCID: this.ev.evccId } }, 0);
  }

  private send(body: Body, delayMs: number): EvccStep {
    const name = messageName(body) as RequestName;
    this.expect = name.replace(/Req$/, 'Res') as Expect;
    return { request: v2gMessage(this.sessionId, body), name, delayMs };
  }

  private end(error?: string): EvccStep {
    return { request: null, delayMs: 0, ...(error ? { error } : {}) };
  }

  private dcStatus(): Din.DC_EVStatusType {
    const r = this.ev.dcRequest();
    return { EVReady: true, EVErrorCode: 'NO_ERROR', EVRESSSOC: Math.max(0, Math.min(100, Math.round(r.soc))) };
  }

  onResponse(doc: V2G): EvccStep {
    const { Header, Body } = doc.V2G_Message;
    const name = messageName(Body);
    if (name !== this.expect) return this.end(`expected ${this.expect}, got ${name ?? 'an empty body'}`);
    const res = Body[name] as { ResponseCode: string };
    if (res.ResponseCode.startsWith('FAILED')) return this.end(`${name}: ${res.ResponseCode}`);
    if (name !== 'SessionSetupRes' && Header.SessionID.toLowerCase() !== this.sessionId) return this.end(`${name} for another session ${Header.SessionID}`);
    switch (name) {
      case 'SessionSetupRes':
        this.sessionId = Header.SessionID.toLowerCase();
        return this.send({ ServiceDiscoveryReq: {} }, 0);
      case 'ServiceDiscoveryRes': {
        const sd = Body.ServiceDiscoveryRes!;
        if (!offers(sd.ChargeService.EnergyTransferType, this.mode)) return this.end(`the EVSE offers ${sd.ChargeService.EnergyTransferType}, not ${this.mode}`);
        if (!sd.PaymentOptions.PaymentOption.includes('ExternalPayment')) return this.end('the EVSE offers no external payment (EIM)');
        return this.send(
          { ServicePaymentSelectionReq: { SelectedPaymentOption: 'ExternalPayment', SelectedServiceList: { SelectedService: [{ ServiceID: sd.ChargeService.ServiceTag.ServiceID }] } } },
          0,
        );
      }
      case 'ServicePaymentSelectionRes':
        return this.send({ ContractAuthenticationReq: {} }, 0);
      case 'ContractAuthenticationRes':
        return Body.ContractAuthenticationRes!.EVSEProcessing === 'Finished' ? this.chargeParameterDiscovery(0) : this.send({ ContractAuthenticationReq: {} }, this.o.ongoingDelayMs);
      case 'ChargeParameterDiscoveryRes': {
        const cpd = Body.ChargeParameterDiscoveryRes!;
        if (cpd.EVSEProcessing !== 'Finished') return this.chargeParameterDiscovery(this.o.ongoingDelayMs);
        const tuple = cpd.SAScheduleList?.SAScheduleTuple[0];
        if (!tuple) return this.end('no SAScheduleTuple in ChargeParameterDiscoveryRes');
        if (!cpd.DC_EVSEChargeParameter) return this.end('no DC_EVSEChargeParameter in ChargeParameterDiscoveryRes');
        // PMax is W in an xs:short: 32767 means "at least 32.7 kW" (chargers saturate it)
        this.ev.schedule(tuple.PMaxSchedule.PMaxScheduleEntry.map((e) => ({ startS: e.RelativeTimeInterval?.start ?? 0, pMaxW: e.PMax })));
        return this.cableCheck(0);
      }
      case 'CableCheckRes':
        return Body.CableCheckRes!.EVSEProcessing === 'Finished' ? this.preCharge(0) : this.cableCheck(this.o.ongoingDelayMs);
      case 'PreChargeRes': {
        const present = num(Body.PreChargeRes!.EVSEPresentVoltage) ?? 0;
        const target = this.ev.preChargeTarget().voltage;
        return Math.abs(present - target) <= this.o.preChargeToleranceV ? this.powerDelivery(true) : this.preCharge(this.o.ongoingDelayMs);
      }
      case 'PowerDeliveryRes':
        return this.charging ? this.currentDemand(0) : this.send({ WeldingDetectionReq: { DC_EVStatus: this.dcStatus() } }, 0);
      case 'CurrentDemandRes': {
        const cd = Body.CurrentDemandRes!;
        this.ev.dcOutput(num(cd.EVSEPresentVoltage) ?? 0, num(cd.EVSEPresentCurrent) ?? 0);
        const s = cd.DC_EVSEStatus;
        if (s.EVSENotification === 'StopCharging' || SHUTDOWN.has(s.EVSEStatusCode) || this.ev.wantsToStop()) return this.powerDelivery(false);
        return this.currentDemand(this.o.loopDelayMs);
      }
      case 'WeldingDetectionRes':
        return this.send({ SessionStopReq: {} }, 0);
      case 'SessionStopRes':
        return this.end();
    }
  }

  private chargeParameterDiscovery(delayMs: number): EvccStep {
    const p = this.ev.chargeParameters();
    return this.send(
      {
        ChargeParameterDiscoveryReq: {
          EVRequestedEnergyTransferType: this.mode,
          DC_EVChargeParameter: {
            DC_EVStatus: this.dcStatus(),
            EVMaximumCurrentLimit: pv(p.maxCurrent, 'A'),
            EVMaximumPowerLimit: pv(p.maxPower, 'W'),
            EVMaximumVoltageLimit: pv(p.maxVoltage, 'V'),
            EVEnergyCapacity: pv(p.energyCapacityWh, 'Wh'),
            EVEnergyRequest: pv(p.energyRequestWh, 'Wh'),
            ...(p.fullSoc !== undefined ? { FullSOC: Math.round(p.fullSoc) } : {}),
            ...(p.bulkSoc !== undefined ? { BulkSOC: Math.round(p.bulkSoc) } : {}),
          },
        },
      },
      delayMs,
    );
  }

  private cableCheck(delayMs: number): EvccStep {
    return this.send({ CableCheckReq: { DC_EVStatus: this.dcStatus() } }, delayMs);
  }

  private preCharge(delayMs: number): EvccStep {
    const t = this.ev.preChargeTarget();
    return this.send({ PreChargeReq: { DC_EVStatus: this.dcStatus(), EVTargetVoltage: pv(t.voltage, 'V'), EVTargetCurrent: pv(t.current, 'A') } }, delayMs);
  }

  /** ReadyToChargeState true starts the charge loop, false ends it */
  private powerDelivery(ready: boolean): EvccStep {
    this.charging = ready;
    const r = this.ev.dcRequest();
    return this.send(
      {
        PowerDeliveryReq: {
          ReadyToChargeState: ready,
          DC_EVPowerDeliveryParameter: { DC_EVStatus: this.dcStatus(), BulkChargingComplete: r.bulkChargingComplete, ChargingComplete: !ready && r.chargingComplete },
        },
      },
      0,
    );
  }

  private currentDemand(delayMs: number): EvccStep {
    const r = this.ev.dcRequest();
    return this.send(
      {
        CurrentDemandReq: {
          DC_EVStatus: this.dcStatus(),
          EVTargetCurrent: pv(r.targetCurrent, 'A'),
          EVMaximumVoltageLimit: pv(r.maxVoltage, 'V'),
          EVMaximumCurrentLimit: pv(r.maxCurrent, 'A'),
          EVMaximumPowerLimit: pv(r.maxPower, 'W'),
          BulkChargingComplete: r.bulkChargingComplete,
          ChargingComplete: r.chargingComplete,
          ...(r.remainingTimeToFullSocS !== undefined ? { RemainingTimeToFullSoC: pv(r.remainingTimeToFullSocS, 's') } : {}),
          ...(r.remainingTimeToBulkSocS !== undefined ? { RemainingTimeToBulkSoC: pv(r.remainingTimeToBulkSocS, 's') } : {}),
          EVTargetVoltage: pv(r.targetVoltage, 'V'),
        },
      },
      delayMs,
    );
  }
}
