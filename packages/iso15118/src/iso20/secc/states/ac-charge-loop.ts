// AC_ChargeLoop: the EV's present active power (and under Dynamic its limits and needs) to the
// EVSE; the EVSE's target active power (negative = discharge, under BPT) and the active power it
// measures back (EVSEPresentActivePower, which SCALE D2.3 §9.2 needs).
import type { Iso20AcScale } from '@v2xsim/exi';
import { bodyOf, header, message, num, rn, type Iso20Message, type Rational } from '../../messages.js';
import type { Secc20Context } from '../context.js';
import type { AcLoopDemand, AcOutput20 } from '../evse-port.js';
import { loopStatus } from './loop-status.js';

const opt = (k: string, r: Rational | undefined): object => (r ? { [k]: num(r) } : {});

function demand(req: Iso20AcScale.AC_ChargeLoopReqType, ctx: Secc20Context): AcLoopDemand | undefined {
  const m = ctx.controlMode === 'Scheduled'
    ? ctx.bpt ? req.BPT_Scheduled_AC_CLReqControlMode : req.Scheduled_AC_CLReqControlMode
    : ctx.bpt ? req.BPT_Dynamic_AC_CLReqControlMode : req.Dynamic_AC_CLReqControlMode;
  if (!m) return undefined;
  const all = m as Partial<Iso20AcScale.BPT_Dynamic_AC_CLReqControlModeType>;
  return {
    controlMode: ctx.controlMode!,
    bpt: ctx.bpt,
    standby: ctx.standby,
    presentActivePower: num(m.EVPresentActivePower),
    ...opt('presentReactivePower', all.EVPresentReactivePower),
    ...opt('maxChargePower', all.EVMaximumChargePower),
    ...opt('minChargePower', all.EVMinimumChargePower),
    ...opt('maxDischargePower', all.EVMaximumDischargePower),
    ...opt('minDischargePower', all.EVMinimumDischargePower),
    ...opt('targetEnergyWh', all.EVTargetEnergyRequest),
    ...opt('maxEnergyWh', all.EVMaximumEnergyRequest),
    ...opt('minEnergyWh', all.EVMinimumEnergyRequest),
    ...opt('maxV2XEnergyWh', all.EVMaximumV2XEnergyRequest),
    ...opt('minV2XEnergyWh', all.EVMinimumV2XEnergyRequest),
    ...(all.DepartureTime !== undefined ? { departureTimeS: all.DepartureTime } : {}),
    ...(req.DisplayParameters?.PresentSOC !== undefined ? { soc: req.DisplayParameters.PresentSOC } : {}),
    raw: req,
  };
}

function controlMode(ctx: Secc20Context, out: AcOutput20): Partial<Iso20AcScale.AC_ChargeLoopResType> | undefined {
  const m = {
    ...(out.targetActivePower !== undefined ? { EVSETargetActivePower: rn(out.targetActivePower) } : {}),
    ...(out.targetReactivePower !== undefined ? { EVSETargetReactivePower: rn(out.targetReactivePower) } : {}),
    ...(out.presentActivePower !== undefined ? { EVSEPresentActivePower: rn(out.presentActivePower) } : {}),
  };
  if (ctx.controlMode === 'Scheduled') return ctx.bpt ? { BPT_Scheduled_AC_CLResControlMode: m } : { Scheduled_AC_CLResControlMode: m };
  // Dynamic: EVSETargetActivePower is mandatory; 0 if the EVSE gave none
  const dyn = { EVSETargetActivePower: rn(out.targetActivePower ?? 0), ...m };
  return ctx.bpt ? { BPT_Dynamic_AC_CLResControlMode: dyn } : { Dynamic_AC_CLResControlMode: dyn };
}

/** The AC_ChargeLoopRes, or undefined when the request is not in the selected form. */
export function acChargeLoop(doc: Iso20Message, ctx: Secc20Context): Iso20Message | undefined {
  const body = bodyOf(doc, 'AC_ChargeLoopReq')!;
  const d = demand(body, ctx);
  if (!d) return undefined;
  const out = ctx.evse.acChargeLoop(d);
  const Header = header(ctx.sessionId);
  return message('AC_ChargeLoopRes', { Header, ResponseCode: 'OK', ...loopStatus(ctx, body.MeterInfoRequested, Header.TimeStamp), ...controlMode(ctx, out) });
}
