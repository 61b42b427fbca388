// The -20 EVCC core: from each response to the next request, with the codec of each message.
import { bodyOf, codecOf, CONTROL_MODE, header, message, messageName, now, num, rn, SERVICE_DC, SERVICE_DC_BPT, type CodecId, type Iso20Message, type MessageName } from '../messages.js';
import type { EvccEv20 } from './ev-port.js';

export interface Evcc20Step {
  name: MessageName | undefined;
  request: Iso20Message | null;
  codec: CodecId | undefined;
  error?: string;
}

export class Evcc20Session {
  id = '0000000000000000';
  private serviceId = SERVICE_DC;
  private stopping = false;
  private tupleId = 1;

  constructor(private readonly ev: EvccEv20) {}

  start(): Evcc20Step {
    return this.send(message('SessionSetupReq', { Header: header(this.id), EVCCID: this.ev.evccId }));
  }

  onResponse(doc: Iso20Message): Evcc20Step {
    const name = messageName(doc);
    const res = name ? (doc as unknown as Record<string, { ResponseCode?: string }>)[name] : undefined;
    if (!name || !res) return this.fail('empty response');
    if (res.ResponseCode?.startsWith('FAILED')) return this.fail(`${name}: ${res.ResponseCode}`);
    const h = () => header(this.id);
    const ev = this.ev;
    switch (name) {
      case 'SessionSetupRes':
        this.id = (doc as { SessionSetupRes: { Header: { SessionID: string } } }).SessionSetupRes.Header.SessionID;
        return this.send(message('AuthorizationSetupReq', { Header: h() }));
      case 'AuthorizationSetupRes':
        if (!bodyOf(doc, name)!.AuthorizationServices.includes('EIM')) return this.fail('the EVSE does not offer EIM');
        return this.send(message('AuthorizationReq', { Header: h(), SelectedAuthorizationService: 'EIM', EIM_AReqAuthorizationMode: {} }));
      case 'AuthorizationRes':
        if (bodyOf(doc, name)!.EVSEProcessing !== 'Finished') return this.send(message('AuthorizationReq', { Header: h(), SelectedAuthorizationService: 'EIM', EIM_AReqAuthorizationMode: {} }));
        return this.send(message('ServiceDiscoveryReq', { Header: h() }));
      case 'ServiceDiscoveryRes': {
        this.serviceId = ev.bpt ? SERVICE_DC_BPT : SERVICE_DC;
        if (!bodyOf(doc, name)!.EnergyTransferServiceList.Service.some((s) => s.ServiceID === this.serviceId)) return this.fail(`the EVSE does not offer service ${this.serviceId}`);
        return this.send(message('ServiceDetailReq', { Header: h(), ServiceID: this.serviceId }));
      }
      case 'ServiceDetailRes': {
        const want = CONTROL_MODE[ev.controlMode];
        const set = bodyOf(doc, name)!.ServiceParameterList.ParameterSet.find((s) => s.Parameter.some((p) => p.Name === 'ControlMode' && p.intValue === want));
        if (!set) return this.fail(`the EVSE does not offer ${ev.controlMode} control`);
        return this.send(message('ServiceSelectionReq', { Header: h(), SelectedEnergyTransferService: { ServiceID: this.serviceId, ParameterSetID: set.ParameterSetID } }));
      }
      case 'ServiceSelectionRes': {
        const p = ev.chargeParameters();
        const dc = {
          EVMaximumChargePower: rn(p.maxPower), EVMinimumChargePower: rn(0), EVMaximumChargeCurrent: rn(p.maxCurrent),
          EVMinimumChargeCurrent: rn(p.minCurrent), EVMaximumVoltage: rn(p.maxVoltage), EVMinimumVoltage: rn(p.minVoltage),
        };
        return this.send(message('DC_ChargeParameterDiscoveryReq', ev.bpt
          ? { Header: h(), BPT_DC_CPDReqEnergyTransferMode: { ...dc, EVMaximumDischargePower: rn(p.maxDischargePower ?? 0), EVMinimumDischargePower: rn(0), EVMaximumDischargeCurrent: rn(p.maxDischargeCurrent ?? 0), EVMinimumDischargeCurrent: rn(0) } }
          : { Header: h(), DC_CPDReqEnergyTransferMode: dc }));
      }
      case 'DC_ChargeParameterDiscoveryRes':
        return this.scheduleExchange();
      case 'ScheduleExchangeRes': {
        const b = bodyOf(doc, name)!;
        if (b.EVSEProcessing !== 'Finished') return this.scheduleExchange();
        const tuple = b.Scheduled_SEResControlMode?.ScheduleTuple[0];
        if (ev.controlMode === 'Scheduled') {
          if (!tuple) return this.fail('no ScheduleTuple');
          this.tupleId = tuple.ScheduleTupleID;
          let t = 0;
          ev.schedule(tuple.ChargingSchedule.PowerSchedule.PowerScheduleEntries.PowerScheduleEntry.map((e) => {
            const s = { startS: t, pMaxW: num(e.Power) };
            t += e.Duration;
            return s;
          }));
        }
        return this.send(message('DC_CableCheckReq', { Header: h() }));
      }
      case 'DC_CableCheckRes':
        if (bodyOf(doc, name)!.EVSEProcessing !== 'Finished') return this.send(message('DC_CableCheckReq', { Header: h() }));
        return this.preCharge();
      case 'DC_PreChargeRes': {
        const target = ev.preChargeTarget().voltage;
        if (Math.abs(num(bodyOf(doc, name)!.EVSEPresentVoltage) - target) > 20) return this.preCharge();
        const p = ev.chargeParameters();
        return this.send(message('PowerDeliveryReq', {
          Header: h(),
          EVProcessing: 'Finished',
          ChargeProgress: 'Start',
          EVPowerProfile: {
            TimeAnchor: now(),
            ...(ev.controlMode === 'Scheduled' ? { Scheduled_EVPPTControlMode: { SelectedScheduleTupleID: this.tupleId } } : { Dynamic_EVPPTControlMode: {} }),
            EVPowerProfileEntries: { EVPowerProfileEntry: [{ Duration: 3600, Power: rn(p.maxPower) }] },
          },
        }));
      }
      case 'PowerDeliveryRes':
        if (this.stopping) return this.send(message('DC_WeldingDetectionReq', { Header: h(), EVProcessing: 'Ongoing' }));
        return this.chargeLoop();
      case 'DC_ChargeLoopRes': {
        const b = bodyOf(doc, name)!;
        ev.dcOutput(num(b.EVSEPresentVoltage), num(b.EVSEPresentCurrent));
        if (ev.wantsToStop() || b.EVSEStatus?.EVSENotification === 'Terminate') {
          this.stopping = true;
          return this.send(message('PowerDeliveryReq', { Header: h(), EVProcessing: 'Finished', ChargeProgress: 'Stop' }));
        }
        return this.chargeLoop();
      }
      case 'DC_WeldingDetectionRes':
        return this.send(message('SessionStopReq', { Header: h(), ChargingSession: 'Terminate' }));
      case 'SessionStopRes':
        return { name: undefined, request: null, codec: undefined };
      default:
        return this.fail(`unexpected ${name}`);
    }
  }

  private scheduleExchange(): Evcc20Step {
    const p = this.ev.chargeParameters();
    const e = rn(p.energyRequestWh);
    const dep = p.departureTimeS ?? 3600;
    return this.send(message('ScheduleExchangeReq', this.ev.controlMode === 'Scheduled'
      ? { Header: header(this.id), MaximumSupportingPoints: 1024, Scheduled_SEReqControlMode: { DepartureTime: dep, EVTargetEnergyRequest: e, EVMaximumEnergyRequest: e, EVMinimumEnergyRequest: rn(0) } }
      : {
          Header: header(this.id),
          MaximumSupportingPoints: 1024,
          Dynamic_SEReqControlMode: {
            DepartureTime: dep, EVTargetEnergyRequest: e, EVMaximumEnergyRequest: e, EVMinimumEnergyRequest: rn(0),
            ...(this.ev.bpt ? { EVMaximumV2XEnergyRequest: e, EVMinimumV2XEnergyRequest: rn(-(p.soc / 100) * p.energyCapacityWh) } : {}),
          },
        }));
  }

  private preCharge(): Evcc20Step {
    const t = this.ev.preChargeTarget();
    return this.send(message('DC_PreChargeReq', { Header: header(this.id), EVProcessing: 'Ongoing', EVPresentVoltage: rn(t.voltage), EVTargetVoltage: rn(t.voltage) }));
  }

  private chargeLoop(): Evcc20Step {
    const ev = this.ev;
    const r = ev.dcRequest();
    const p = ev.chargeParameters();
    const dis = ev.bpt && ev.wantsDischarge();
    const energy = rn(Math.max(0, ((100 - r.soc) / 100) * p.energyCapacityWh));
    const base = { Header: header(this.id), DisplayParameters: { PresentSOC: Math.round(r.soc) }, MeterInfoRequested: false, EVPresentVoltage: rn(r.targetVoltage) };
    const discharge = { EVMaximumDischargePower: rn(dis ? p.maxDischargePower ?? 0 : 0), EVMinimumDischargePower: rn(0), EVMaximumDischargeCurrent: rn(dis ? p.maxDischargeCurrent ?? 0 : 0) };
    if (ev.controlMode === 'Scheduled') {
      const m = { EVTargetCurrent: rn(r.targetCurrent), EVTargetVoltage: rn(r.targetVoltage) };
      return this.send(message('DC_ChargeLoopReq', ev.bpt ? { ...base, BPT_Scheduled_DC_CLReqControlMode: { ...m, ...discharge } } : { ...base, Scheduled_DC_CLReqControlMode: m }));
    }
    const d = {
      EVTargetEnergyRequest: energy, EVMaximumEnergyRequest: energy, EVMinimumEnergyRequest: rn(0),
      EVMaximumChargePower: rn(r.maxPower), EVMinimumChargePower: rn(0), EVMaximumChargeCurrent: rn(r.maxCurrent),
      EVMaximumVoltage: rn(r.maxVoltage), EVMinimumVoltage: rn(p.minVoltage),
    };
    return this.send(message('DC_ChargeLoopReq', ev.bpt ? { ...base, BPT_Dynamic_DC_CLReqControlMode: { ...d, ...discharge } } : { ...base, Dynamic_DC_CLReqControlMode: d }));
  }

  private send(request: Iso20Message): Evcc20Step {
    const name = messageName(request)!;
    return { name, request, codec: codecOf(name) };
  }

  private fail(error: string): Evcc20Step {
    return { name: undefined, request: null, codec: undefined, error };
  }
}
