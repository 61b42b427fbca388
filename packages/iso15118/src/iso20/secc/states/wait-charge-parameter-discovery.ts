// AC_/DC_ChargeParameterDiscovery: the EV's limits for the EVSE's. The message must be of the
// selected service's kind (AC or DC) and in its form (BPT_ for AC_BPT/DC_BPT, plain otherwise):
// anything else is FAILED_WrongChargeParameter. With a SCALE protocol the BPT form may carry
// RemainingV2GEnergy and RoundTripEfficiency (D2.3 §9.2), handed to the EVSE with the EV's limits.
import { bodyOf, header, isAcService, message, num, rn, type Iso20Message, type Rational } from '../../messages.js';
import type { Secc20Context, Secc20Result, Secc20State } from '../context.js';
import type { EvLimits20 } from '../evse-port.js';
import { failed } from '../responses.js';

const opt = <K extends string>(k: K, r: Rational | undefined): Partial<Record<K, number>> => (r ? ({ [k]: num(r) } as Record<K, number>) : {});

function scaleFields(m: { RemainingV2GEnergy?: Rational; RoundTripEfficiency?: Rational }, ctx: Secc20Context): Partial<EvLimits20> {
  if (!ctx.protocol.id.endsWith('-scale')) return {};
  return { ...opt('remainingV2GEnergyWh', m.RemainingV2GEnergy), ...opt('roundTripEfficiency', m.RoundTripEfficiency) };
}

function ac(doc: Iso20Message, ctx: Secc20Context): Secc20Result {
  const req = 'AC_ChargeParameterDiscoveryReq';
  const body = bodyOf(doc, req)!;
  const p = ctx.bpt ? body.BPT_AC_CPDReqEnergyTransferMode : body.AC_CPDReqEnergyTransferMode;
  if (!p || (!ctx.bpt && body.BPT_AC_CPDReqEnergyTransferMode)) return { response: failed(req, 'FAILED_WrongChargeParameter', ctx), next: null };
  const b = body.BPT_AC_CPDReqEnergyTransferMode;
  ctx.evLimits = {
    service: ctx.service!,
    maxChargePower: num(p.EVMaximumChargePower),
    minChargePower: num(p.EVMinimumChargePower),
    ...(b ? { maxDischargePower: num(b.EVMaximumDischargePower), minDischargePower: num(b.EVMinimumDischargePower), ...scaleFields(b, ctx) } : {}),
  };
  ctx.evse.evParameters?.(ctx.evLimits);
  const l = ctx.evse.acLimits();
  const base = { EVSEMaximumChargePower: rn(l.maxChargePower), EVSEMinimumChargePower: rn(l.minChargePower ?? 0), EVSENominalFrequency: rn(l.nominalFrequency) };
  const Header = header(ctx.sessionId);
  const response = ctx.bpt
    ? message('AC_ChargeParameterDiscoveryRes', { Header, ResponseCode: 'OK', BPT_AC_CPDResEnergyTransferMode: { ...base, EVSEMaximumDischargePower: rn(l.maxDischargePower ?? 0), EVSEMinimumDischargePower: rn(l.minDischargePower ?? 0) } })
    : message('AC_ChargeParameterDiscoveryRes', { Header, ResponseCode: 'OK', AC_CPDResEnergyTransferMode: base });
  return { response, next: 'WaitScheduleExchange' };
}

function dc(doc: Iso20Message, ctx: Secc20Context): Secc20Result {
  const req = 'DC_ChargeParameterDiscoveryReq';
  const body = bodyOf(doc, req)!;
  const p = ctx.bpt ? body.BPT_DC_CPDReqEnergyTransferMode : body.DC_CPDReqEnergyTransferMode;
  if (!p || (!ctx.bpt && body.BPT_DC_CPDReqEnergyTransferMode)) return { response: failed(req, 'FAILED_WrongChargeParameter', ctx), next: null };
  const b = body.BPT_DC_CPDReqEnergyTransferMode;
  ctx.evLimits = {
    service: ctx.service!,
    maxChargePower: num(p.EVMaximumChargePower),
    minChargePower: num(p.EVMinimumChargePower),
    maxChargeCurrent: num(p.EVMaximumChargeCurrent),
    minChargeCurrent: num(p.EVMinimumChargeCurrent),
    maxVoltage: num(p.EVMaximumVoltage),
    minVoltage: num(p.EVMinimumVoltage),
    ...(p.TargetSOC !== undefined ? { targetSoc: p.TargetSOC } : {}),
    ...(b
      ? {
          maxDischargePower: num(b.EVMaximumDischargePower),
          minDischargePower: num(b.EVMinimumDischargePower),
          maxDischargeCurrent: num(b.EVMaximumDischargeCurrent),
          minDischargeCurrent: num(b.EVMinimumDischargeCurrent),
          ...scaleFields(b, ctx),
        }
      : {}),
  };
  ctx.evse.evParameters?.(ctx.evLimits);
  const l = ctx.evse.dcLimits();
  const base = {
    EVSEMaximumChargePower: rn(l.maxPower),
    EVSEMinimumChargePower: rn(l.minPower ?? 0),
    EVSEMaximumChargeCurrent: rn(l.maxCurrent),
    EVSEMinimumChargeCurrent: rn(l.minCurrent),
    EVSEMaximumVoltage: rn(l.maxVoltage),
    EVSEMinimumVoltage: rn(l.minVoltage),
    ...(l.powerRampLimitation !== undefined ? { EVSEPowerRampLimitation: rn(l.powerRampLimitation) } : {}),
  };
  const Header = header(ctx.sessionId);
  const response = ctx.bpt
    ? message('DC_ChargeParameterDiscoveryRes', {
        Header,
        ResponseCode: 'OK',
        BPT_DC_CPDResEnergyTransferMode: {
          ...base,
          EVSEMaximumDischargePower: rn(l.maxDischargePower ?? 0),
          EVSEMinimumDischargePower: rn(l.minDischargePower ?? 0),
          EVSEMaximumDischargeCurrent: rn(l.maxDischargeCurrent ?? 0),
          EVSEMinimumDischargeCurrent: rn(l.minDischargeCurrent ?? 0),
        },
      })
    : message('DC_ChargeParameterDiscoveryRes', { Header, ResponseCode: 'OK', DC_CPDResEnergyTransferMode: base });
  return { response, next: 'WaitScheduleExchange' };
}

export const waitChargeParameterDiscovery: Secc20State = {
  name: 'WaitChargeParameterDiscovery',
  accepts: ['AC_ChargeParameterDiscoveryReq', 'DC_ChargeParameterDiscoveryReq'],
  handle(req, doc, ctx) {
    // the AC message for a DC service (or the other way round) is a wrong charge parameter
    if ((req === 'AC_ChargeParameterDiscoveryReq') !== isAcService(ctx.service!)) return { response: failed(req, 'FAILED_WrongChargeParameter', ctx), next: null };
    return req === 'AC_ChargeParameterDiscoveryReq' ? ac(doc, ctx) : dc(doc, ctx);
  },
};
