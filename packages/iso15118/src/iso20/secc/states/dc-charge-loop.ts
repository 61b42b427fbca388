// DC_ChargeLoop: the request in the selected control mode (Scheduled_/Dynamic_, BPT_ forms under
// DC_BPT) to the EVSE, its output back. A negative present current is a discharge.
import type { Iso20DcScale } from '@v2xsim/exi';
import { bodyOf, header, message, num, rn, type Iso20Message, type Rational } from '../../messages.js';
import type { Secc20Context } from '../context.js';
import type { DcLoopDemand } from '../evse-port.js';
import { loopStatus } from './loop-status.js';

const opt = (k: string, r: Rational | undefined): object => (r ? { [k]: num(r) } : {});

function demand(req: Iso20DcScale.DC_ChargeLoopReqType, ctx: Secc20Context): DcLoopDemand | undefined {
  const base = {
    controlMode: ctx.controlMode!,
    bpt: ctx.bpt,
    standby: ctx.standby,
    presentVoltage: num(req.EVPresentVoltage),
    ...(req.DisplayParameters?.PresentSOC !== undefined ? { soc: req.DisplayParameters.PresentSOC } : {}),
    raw: req,
  };
  if (ctx.controlMode === 'Scheduled') {
    const m = ctx.bpt ? req.BPT_Scheduled_DC_CLReqControlMode : req.Scheduled_DC_CLReqControlMode;
    if (!m) return undefined;
    const b = req.BPT_Scheduled_DC_CLReqControlMode;
    return {
      ...base,
      targetCurrent: num(m.EVTargetCurrent),
      targetVoltage: num(m.EVTargetVoltage),
      ...opt('maxChargePower', m.EVMaximumChargePower),
      ...opt('minChargePower', m.EVMinimumChargePower),
      ...opt('maxChargeCurrent', m.EVMaximumChargeCurrent),
      ...opt('maxVoltage', m.EVMaximumVoltage),
      ...opt('minVoltage', m.EVMinimumVoltage),
      ...opt('targetEnergyWh', m.EVTargetEnergyRequest),
      ...opt('maxEnergyWh', m.EVMaximumEnergyRequest),
      ...opt('minEnergyWh', m.EVMinimumEnergyRequest),
      ...opt('maxDischargePower', b?.EVMaximumDischargePower),
      ...opt('minDischargePower', b?.EVMinimumDischargePower),
      ...opt('maxDischargeCurrent', b?.EVMaximumDischargeCurrent),
    };
  }
  const m = ctx.bpt ? req.BPT_Dynamic_DC_CLReqControlMode : req.Dynamic_DC_CLReqControlMode;
  if (!m) return undefined;
  const b = req.BPT_Dynamic_DC_CLReqControlMode;
  return {
    ...base,
    maxChargePower: num(m.EVMaximumChargePower),
    minChargePower: num(m.EVMinimumChargePower),
    maxChargeCurrent: num(m.EVMaximumChargeCurrent),
    maxVoltage: num(m.EVMaximumVoltage),
    minVoltage: num(m.EVMinimumVoltage),
    targetEnergyWh: num(m.EVTargetEnergyRequest),
    maxEnergyWh: num(m.EVMaximumEnergyRequest),
    minEnergyWh: num(m.EVMinimumEnergyRequest),
    ...(m.DepartureTime !== undefined ? { departureTimeS: m.DepartureTime } : {}),
    ...opt('maxDischargePower', b?.EVMaximumDischargePower),
    ...opt('minDischargePower', b?.EVMinimumDischargePower),
    ...opt('maxDischargeCurrent', b?.EVMaximumDischargeCurrent),
    ...opt('maxV2XEnergyWh', b?.EVMaximumV2XEnergyRequest),
    ...opt('minV2XEnergyWh', b?.EVMinimumV2XEnergyRequest),
  };
}

function controlMode(ctx: Secc20Context): Partial<Iso20DcScale.DC_ChargeLoopResType> {
  const l = ctx.evse.dcLimits();
  if (ctx.controlMode === 'Scheduled') return ctx.bpt ? { BPT_Scheduled_DC_CLResControlMode: {} } : { Scheduled_DC_CLResControlMode: {} };
  const dyn = { EVSEMaximumChargePower: rn(l.maxPower), EVSEMinimumChargePower: rn(l.minPower ?? 0), EVSEMaximumChargeCurrent: rn(l.maxCurrent), EVSEMaximumVoltage: rn(l.maxVoltage) };
  if (!ctx.bpt) return { Dynamic_DC_CLResControlMode: dyn };
  return {
    BPT_Dynamic_DC_CLResControlMode: {
      ...dyn,
      EVSEMaximumDischargePower: rn(l.maxDischargePower ?? 0),
      EVSEMinimumDischargePower: rn(l.minDischargePower ?? 0),
      EVSEMaximumDischargeCurrent: rn(l.maxDischargeCurrent ?? 0),
      EVSEMinimumVoltage: rn(l.minVoltage),
    },
  };
}

/** The DC_ChargeLoopRes, or undefined when the request is not in the selected form. */
export function dcChargeLoop(doc: Iso20Message, ctx: Secc20Context): Iso20Message | undefined {
  const body = bodyOf(doc, 'DC_ChargeLoopReq')!;
  const d = demand(body, ctx);
  if (!d) return undefined;
  const out = ctx.evse.dcChargeLoop(d);
  const Header = header(ctx.sessionId);
  return message('DC_ChargeLoopRes', {
    Header,
    ResponseCode: 'OK',
    ...loopStatus(ctx, body.MeterInfoRequested, Header.TimeStamp),
    EVSEPresentCurrent: rn(out.presentCurrent),
    EVSEPresentVoltage: rn(out.presentVoltage),
    EVSEPowerLimitAchieved: out.powerLimitAchieved,
    EVSECurrentLimitAchieved: out.currentLimitAchieved,
    EVSEVoltageLimitAchieved: out.voltageLimitAchieved,
    ...controlMode(ctx),
  });
}
