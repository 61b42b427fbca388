// DC_ChargeLoop in the selected control mode (Scheduled_/Dynamic_, BPT_ forms for DC_BPT), until
// PowerDelivery(Stop). A negative present current is a discharge.
import type { Iso20Dc } from '@v2xsim/exi';
import { bodyOf, header, message, num, rn } from '../../messages.js';
import type { Secc20Context, Secc20State } from '../context.js';
import type { DcLoopDemand } from '../evse-port.js';
import { failed } from '../responses.js';

function demand(req: Iso20Dc.DC_ChargeLoopReqType, ctx: Secc20Context): DcLoopDemand | undefined {
  const base = { controlMode: ctx.controlMode!, bpt: ctx.bpt ?? false, presentVoltage: num(req.EVPresentVoltage), soc: req.DisplayParameters?.PresentSOC, raw: req };
  const opt = (k: string, r: Iso20Dc.RationalNumberType | undefined) => (r ? { [k]: num(r) } : {});
  if (ctx.controlMode === 'Scheduled') {
    const m = ctx.bpt ? req.BPT_Scheduled_DC_CLReqControlMode : req.Scheduled_DC_CLReqControlMode;
    if (!m) return undefined;
    const b = req.BPT_Scheduled_DC_CLReqControlMode;
    return {
      ...base,
      targetCurrent: num(m.EVTargetCurrent),
      targetVoltage: num(m.EVTargetVoltage),
      ...opt('maxChargePower', m.EVMaximumChargePower),
      ...opt('maxChargeCurrent', m.EVMaximumChargeCurrent),
      ...opt('maxVoltage', m.EVMaximumVoltage),
      ...opt('minVoltage', m.EVMinimumVoltage),
      ...opt('targetEnergyWh', m.EVTargetEnergyRequest),
      ...opt('maxDischargePower', b?.EVMaximumDischargePower),
      ...opt('maxDischargeCurrent', b?.EVMaximumDischargeCurrent),
    } as DcLoopDemand;
  }
  const m = ctx.bpt ? req.BPT_Dynamic_DC_CLReqControlMode : req.Dynamic_DC_CLReqControlMode;
  if (!m) return undefined;
  const b = req.BPT_Dynamic_DC_CLReqControlMode;
  return {
    ...base,
    maxChargePower: num(m.EVMaximumChargePower),
    maxChargeCurrent: num(m.EVMaximumChargeCurrent),
    maxVoltage: num(m.EVMaximumVoltage),
    minVoltage: num(m.EVMinimumVoltage),
    targetEnergyWh: num(m.EVTargetEnergyRequest),
    ...opt('maxDischargePower', b?.EVMaximumDischargePower),
    ...opt('maxDischargeCurrent', b?.EVMaximumDischargeCurrent),
  } as DcLoopDemand;
}

function controlMode(ctx: Secc20Context): Partial<Iso20Dc.DC_ChargeLoopResType> {
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

export const charging: Secc20State = {
  name: 'Charging',
  accepts: ['DC_ChargeLoopReq', 'PowerDeliveryReq'],
  handle(req, doc, ctx) {
    const Header = header(ctx.sessionId);
    if (req === 'PowerDeliveryReq') {
      if (bodyOf(doc, 'PowerDeliveryReq')!.ChargeProgress !== 'Stop') return { response: failed(req, 'FAILED_SequenceError', ctx), next: null };
      ctx.evse.powerDelivery('Stop');
      return { response: message('PowerDeliveryRes', { Header, ResponseCode: 'OK' }), next: 'WaitWeldingDetection' };
    }
    const body = bodyOf(doc, 'DC_ChargeLoopReq')!;
    const d = demand(body, ctx);
    if (!d) return { response: failed(req, 'FAILED_WrongChargeParameter', ctx), next: null };
    const out = ctx.evse.chargeLoop(d);
    const note = ctx.evse.notification();
    const m = body.MeterInfoRequested ? ctx.evse.meter() : undefined;
    return {
      response: message('DC_ChargeLoopRes', {
        Header,
        ResponseCode: 'OK',
        ...(note !== 'None' ? { EVSEStatus: { NotificationMaxDelay: 0, EVSENotification: note } } : {}),
        ...(m
          ? { MeterInfo: { MeterID: m.meterId, ChargedEnergyReadingWh: Math.round(m.importedWh), ...(ctx.bpt ? { BPT_DischargedEnergyReadingWh: Math.round(m.exportedWh) } : {}), MeterTimestamp: Header.TimeStamp } }
          : {}),
        EVSEPresentCurrent: rn(out.presentCurrent),
        EVSEPresentVoltage: rn(out.presentVoltage),
        EVSEPowerLimitAchieved: out.powerLimitAchieved,
        EVSECurrentLimitAchieved: out.currentLimitAchieved,
        EVSEVoltageLimitAchieved: out.voltageLimitAchieved,
        ...controlMode(ctx),
      }),
      next: 'Charging',
    };
  },
};
