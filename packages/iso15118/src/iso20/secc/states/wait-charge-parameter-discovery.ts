// DC_ChargeParameterDiscovery: the EV's limits for the EVSE's. DC_BPT needs the BPT form (discharge
// limits) and plain DC the plain one; the other is FAILED_WrongChargeParameter.
import { bodyOf, header, message, num, rn } from '../../messages.js';
import type { Secc20State } from '../context.js';
import { failed } from '../responses.js';

export const waitChargeParameterDiscovery: Secc20State = {
  name: 'WaitChargeParameterDiscovery',
  accepts: ['DC_ChargeParameterDiscoveryReq'],
  handle(req, doc, ctx) {
    const body = bodyOf(doc, 'DC_ChargeParameterDiscoveryReq')!;
    const p = ctx.bpt ? body.BPT_DC_CPDReqEnergyTransferMode : body.DC_CPDReqEnergyTransferMode;
    if (!p) return { response: failed(req, 'FAILED_WrongChargeParameter', ctx), next: null };
    ctx.evLimits = {
      maxChargePower: num(p.EVMaximumChargePower),
      minChargePower: num(p.EVMinimumChargePower),
      maxChargeCurrent: num(p.EVMaximumChargeCurrent),
      minChargeCurrent: num(p.EVMinimumChargeCurrent),
      maxVoltage: num(p.EVMaximumVoltage),
      minVoltage: num(p.EVMinimumVoltage),
      ...(p.TargetSOC !== undefined ? { targetSoc: p.TargetSOC } : {}),
    };
    const b = body.BPT_DC_CPDReqEnergyTransferMode;
    if (b) {
      Object.assign(ctx.evLimits, {
        maxDischargePower: num(b.EVMaximumDischargePower),
        minDischargePower: num(b.EVMinimumDischargePower),
        maxDischargeCurrent: num(b.EVMaximumDischargeCurrent),
        minDischargeCurrent: num(b.EVMinimumDischargeCurrent),
      });
    }
    const l = ctx.evse.dcLimits();
    const dc = {
      EVSEMaximumChargePower: rn(l.maxPower),
      EVSEMinimumChargePower: rn(l.minPower ?? 0),
      EVSEMaximumChargeCurrent: rn(l.maxCurrent),
      EVSEMinimumChargeCurrent: rn(l.minCurrent),
      EVSEMaximumVoltage: rn(l.maxVoltage),
      EVSEMinimumVoltage: rn(l.minVoltage),
    };
    const Header = header(ctx.sessionId);
    const response = ctx.bpt
      ? message('DC_ChargeParameterDiscoveryRes', {
          Header,
          ResponseCode: 'OK',
          BPT_DC_CPDResEnergyTransferMode: {
            ...dc,
            EVSEMaximumDischargePower: rn(l.maxDischargePower ?? 0),
            EVSEMinimumDischargePower: rn(l.minDischargePower ?? 0),
            EVSEMaximumDischargeCurrent: rn(l.maxDischargeCurrent ?? 0),
            EVSEMinimumDischargeCurrent: rn(l.minDischargeCurrent ?? 0),
          },
        })
      : message('DC_ChargeParameterDiscoveryRes', { Header, ResponseCode: 'OK', DC_CPDResEnergyTransferMode: dc });
    return { response, next: 'WaitScheduleExchange' };
  },
};
