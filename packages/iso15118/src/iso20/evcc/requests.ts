// The EVCC's requests that carry the EV's parameters: ChargeParameterDiscovery, ScheduleExchange,
// PowerDelivery and the AC/DC charge loops, in the forms of the selected service and control mode.
import { header, isBptService, message, now, rn, type ChargeProgress, type ControlMode, type EnergyService, type Iso20Message } from '../messages.js';
import type { EvccEv20, EvChargeParameters20 } from './ev-port.js';

/** What the builders need to know about the session. */
export interface EvccView {
  ev: EvccEv20;
  sessionId: string;
  service: EnergyService;
  controlMode: ControlMode;
  /** the negotiated protocol is a SCALE one */
  scale: boolean;
  tupleId: number;
  standby: boolean;
}

const opt = <K extends string>(k: K, v: number | undefined): Partial<Record<K, ReturnType<typeof rn>>> => (v === undefined ? {} : ({ [k]: rn(v) } as Record<K, ReturnType<typeof rn>>));
const discharging = (s: EvccView): boolean => isBptService(s.service) && s.ev.wantsDischarge();
/** BPT discharge limits: the EV's own, or 0 while it does not allow discharge */
const dischargeLimit = (s: EvccView, v: number | undefined): number => (discharging(s) ? (v ?? 0) : 0);

export function chargeParameterDiscovery(s: EvccView): Iso20Message {
  const p = s.ev.chargeParameters();
  const Header = header(s.sessionId);
  const bpt = isBptService(s.service);
  // SCALE -20 (D2.3 §9.2, docs/scale-variants.md): only in the BPT form, only with a SCALE protocol
  const scale = bpt && s.scale && p.scale ? { RemainingV2GEnergy: rn(p.scale.remainingV2GEnergyWh), RoundTripEfficiency: rn(p.scale.roundTripEfficiency) } : {};
  if (s.service === 'AC' || s.service === 'AC_BPT') {
    const ac = { EVMaximumChargePower: rn(p.maxChargePower), EVMinimumChargePower: rn(p.minChargePower) };
    return message('AC_ChargeParameterDiscoveryReq', bpt
      ? { Header, BPT_AC_CPDReqEnergyTransferMode: { ...ac, EVMaximumDischargePower: rn(dischargeLimit(s, p.maxDischargePower)), EVMinimumDischargePower: rn(dischargeLimit(s, p.minDischargePower)), ...scale } }
      : { Header, AC_CPDReqEnergyTransferMode: ac });
  }
  const dc = {
    EVMaximumChargePower: rn(p.maxChargePower),
    EVMinimumChargePower: rn(p.minChargePower),
    EVMaximumChargeCurrent: rn(p.maxChargeCurrent),
    EVMinimumChargeCurrent: rn(p.minChargeCurrent),
    EVMaximumVoltage: rn(p.maxVoltage),
    EVMinimumVoltage: rn(p.minVoltage),
    ...(p.targetSoc !== undefined ? { TargetSOC: Math.round(p.targetSoc) } : {}),
  };
  return message('DC_ChargeParameterDiscoveryReq', bpt
    ? {
        Header,
        BPT_DC_CPDReqEnergyTransferMode: {
          ...dc,
          EVMaximumDischargePower: rn(dischargeLimit(s, p.maxDischargePower)),
          EVMinimumDischargePower: rn(dischargeLimit(s, p.minDischargePower)),
          EVMaximumDischargeCurrent: rn(dischargeLimit(s, p.maxDischargeCurrent)),
          EVMinimumDischargeCurrent: rn(dischargeLimit(s, p.minDischargeCurrent)),
          ...scale,
        },
      }
    : { Header, DC_CPDReqEnergyTransferMode: dc });
}

const departure = (p: EvChargeParameters20): number => Math.max(0, Math.round(p.departureTimeS ?? 3600));

export function scheduleExchange(s: EvccView): Iso20Message {
  const p = s.ev.chargeParameters();
  const energy = { EVTargetEnergyRequest: rn(p.targetEnergyWh), EVMaximumEnergyRequest: rn(p.maxEnergyWh), EVMinimumEnergyRequest: rn(p.minEnergyWh) };
  const Header = header(s.sessionId);
  if (s.controlMode === 'Scheduled') {
    return message('ScheduleExchangeReq', { Header, MaximumSupportingPoints: 1024, Scheduled_SEReqControlMode: { DepartureTime: departure(p), ...energy } });
  }
  return message('ScheduleExchangeReq', {
    Header,
    MaximumSupportingPoints: 1024,
    Dynamic_SEReqControlMode: {
      DepartureTime: departure(p),
      ...(p.minimumSoc !== undefined ? { MinimumSOC: Math.round(p.minimumSoc) } : {}),
      ...(p.targetSoc !== undefined ? { TargetSOC: Math.round(p.targetSoc) } : {}),
      ...energy,
      ...(isBptService(s.service) ? { ...opt('EVMaximumV2XEnergyRequest', p.maxV2XEnergyWh), ...opt('EVMinimumV2XEnergyRequest', p.minV2XEnergyWh) } : {}),
    },
  });
}

export function powerDelivery(s: EvccView, progress: ChargeProgress): Iso20Message {
  const Header = header(s.sessionId);
  if (progress !== 'Start') return message('PowerDeliveryReq', { Header, EVProcessing: 'Finished', ChargeProgress: progress });
  const p = s.ev.chargeParameters();
  const profile = s.ev.powerProfile?.() ?? [{ durationS: 3600, powerW: p.maxChargePower }];
  return message('PowerDeliveryReq', {
    Header,
    EVProcessing: 'Finished',
    ChargeProgress: 'Start',
    EVPowerProfile: {
      TimeAnchor: now(),
      ...(s.controlMode === 'Scheduled' ? { Scheduled_EVPPTControlMode: { SelectedScheduleTupleID: s.tupleId } } : { Dynamic_EVPPTControlMode: {} }),
      EVPowerProfileEntries: { EVPowerProfileEntry: profile.map((e) => ({ Duration: Math.round(e.durationS), Power: rn(e.powerW) })) },
    },
    ...(isBptService(s.service) ? { BPT_ChannelSelection: discharging(s) ? 'Discharge' : 'Charge' } : {}),
  });
}

function display(p: EvChargeParameters20) {
  return {
    PresentSOC: Math.max(0, Math.min(100, Math.round(p.soc))),
    ...(p.minimumSoc !== undefined ? { MinimumSOC: Math.round(p.minimumSoc) } : {}),
    ...(p.targetSoc !== undefined ? { TargetSOC: Math.round(p.targetSoc) } : {}),
  };
}

function energies(p: EvChargeParameters20) {
  return { EVTargetEnergyRequest: rn(p.targetEnergyWh), EVMaximumEnergyRequest: rn(p.maxEnergyWh), EVMinimumEnergyRequest: rn(p.minEnergyWh) };
}

export function dcChargeLoop(s: EvccView): Iso20Message {
  const p = s.ev.chargeParameters();
  const r = s.ev.dcRequest();
  const bpt = isBptService(s.service);
  const base = { Header: header(s.sessionId), DisplayParameters: display(p), MeterInfoRequested: false, EVPresentVoltage: rn(r.presentVoltage) };
  const discharge = {
    EVMaximumDischargePower: rn(dischargeLimit(s, p.maxDischargePower)),
    EVMinimumDischargePower: rn(dischargeLimit(s, p.minDischargePower)),
    EVMaximumDischargeCurrent: rn(dischargeLimit(s, p.maxDischargeCurrent)),
  };
  if (s.controlMode === 'Scheduled') {
    // in standby the EV asks for no current
    const m = { EVTargetCurrent: rn(s.standby ? 0 : r.targetCurrent), EVTargetVoltage: rn(r.targetVoltage) };
    return message('DC_ChargeLoopReq', bpt ? { ...base, BPT_Scheduled_DC_CLReqControlMode: { ...m, ...discharge } } : { ...base, Scheduled_DC_CLReqControlMode: m });
  }
  const d = {
    DepartureTime: departure(p),
    ...energies(p),
    EVMaximumChargePower: rn(s.standby ? 0 : p.maxChargePower),
    EVMinimumChargePower: rn(0),
    EVMaximumChargeCurrent: rn(s.standby ? 0 : p.maxChargeCurrent),
    EVMaximumVoltage: rn(p.maxVoltage),
    EVMinimumVoltage: rn(p.minVoltage),
  };
  if (!bpt) return message('DC_ChargeLoopReq', { ...base, Dynamic_DC_CLReqControlMode: d });
  return message('DC_ChargeLoopReq', {
    ...base,
    BPT_Dynamic_DC_CLReqControlMode: { ...d, ...discharge, ...opt('EVMaximumV2XEnergyRequest', p.maxV2XEnergyWh), ...opt('EVMinimumV2XEnergyRequest', p.minV2XEnergyWh) },
  });
}

export function acChargeLoop(s: EvccView): Iso20Message {
  const p = s.ev.chargeParameters();
  const bpt = isBptService(s.service);
  const present = rn(s.ev.acPresentPower());
  const base = { Header: header(s.sessionId), DisplayParameters: display(p), MeterInfoRequested: false };
  const discharge = { EVMaximumDischargePower: rn(dischargeLimit(s, p.maxDischargePower)), EVMinimumDischargePower: rn(dischargeLimit(s, p.minDischargePower)) };
  if (s.controlMode === 'Scheduled') {
    return message('AC_ChargeLoopReq', bpt
      ? { ...base, BPT_Scheduled_AC_CLReqControlMode: { EVPresentActivePower: present, ...discharge } }
      : { ...base, Scheduled_AC_CLReqControlMode: { EVPresentActivePower: present } });
  }
  const d = {
    DepartureTime: departure(p),
    ...energies(p),
    EVMaximumChargePower: rn(s.standby ? 0 : p.maxChargePower),
    EVMinimumChargePower: rn(0),
    EVPresentActivePower: present,
    EVPresentReactivePower: rn(0),
  };
  if (!bpt) return message('AC_ChargeLoopReq', { ...base, Dynamic_AC_CLReqControlMode: d });
  return message('AC_ChargeLoopReq', {
    ...base,
    BPT_Dynamic_AC_CLReqControlMode: { ...d, ...discharge, ...opt('EVMaximumV2XEnergyRequest', p.maxV2XEnergyWh), ...opt('EVMinimumV2XEnergyRequest', p.minV2XEnergyWh) },
  });
}

/** The EV's own bounds for AC power, W: [-discharge limit, charge limit]; 0 in standby. */
export function acBounds(s: EvccView): { min: number; max: number } {
  if (s.standby) return { min: 0, max: 0 };
  const p = s.ev.chargeParameters();
  return { min: -dischargeLimit(s, p.maxDischargePower), max: p.maxChargePower };
}

/** The EV's DC limits as a DC_ChargeLoopReq states them (discharge 0 while it does not allow discharge). */
export interface DcLoopLimits {
  maxChargeCurrent: number;
  maxChargePower: number;
  maxDischargeCurrent: number;
  maxDischargePower: number;
}

export function dcLoopLimits(s: EvccView): DcLoopLimits {
  const p = s.ev.chargeParameters();
  return { maxChargeCurrent: p.maxChargeCurrent, maxChargePower: p.maxChargePower, maxDischargeCurrent: dischargeLimit(s, p.maxDischargeCurrent), maxDischargePower: dischargeLimit(s, p.maxDischargePower) };
}

/**
 * Why a DC output is beyond the EV's limits (a BMS would open its contactors), or undefined. The
 * output answers the request that carried `sent`: a limit the EV lowered since (its V2X budget ran
 * out, it became full) reaches the EVSE with the next request, so the larger of the two counts.
 */
export function dcViolation(s: EvccView, voltage: number, current: number, toleranceA: number, sent?: DcLoopLimits): string | undefined {
  const now = dcLoopLimits(s);
  const l = sent
    ? {
        maxChargeCurrent: Math.max(now.maxChargeCurrent, sent.maxChargeCurrent),
        maxChargePower: Math.max(now.maxChargePower, sent.maxChargePower),
        maxDischargeCurrent: Math.max(now.maxDischargeCurrent, sent.maxDischargeCurrent),
        maxDischargePower: Math.max(now.maxDischargePower, sent.maxDischargePower),
      }
    : now;
  const tolA = (limit: number): number => Math.max(toleranceA, 0.05 * limit);
  const tolW = (limit: number): number => Math.max(toleranceA * Math.max(voltage, 1), 0.05 * limit);
  if (current > l.maxChargeCurrent + tolA(l.maxChargeCurrent)) return `EVSEPresentCurrent ${current} A is above the EV's charge limit ${l.maxChargeCurrent} A`;
  if (-current > l.maxDischargeCurrent + tolA(l.maxDischargeCurrent)) return `EVSEPresentCurrent ${current} A discharges beyond the EV's discharge limit ${l.maxDischargeCurrent} A`;
  const power = voltage * current;
  if (power > l.maxChargePower + tolW(l.maxChargePower)) return `present power ${Math.round(power)} W is above the EV's charge limit ${l.maxChargePower} W`;
  if (-power > l.maxDischargePower + tolW(l.maxDischargePower)) return `present power ${Math.round(power)} W discharges beyond the EV's discharge limit ${l.maxDischargePower} W`;
  return undefined;
}
