// The charge loop: CurrentDemand each cycle until PowerDelivery(ReadyToChargeState false).
import { num, pv } from '../../physical.js';
import { dcEvseStatus } from '../responses.js';
import type { SeccState } from '../context.js';
import { powerDelivery } from './power-delivery.js';

export const charging: SeccState = {
  name: 'Charging',
  accepts: ['CurrentDemandReq', 'PowerDeliveryReq'],
  handle(req, body, ctx) {
    if (req === 'PowerDeliveryReq') return powerDelivery(body, ctx, true);
    const cd = body.CurrentDemandReq!;
    const out = ctx.evse.currentDemand({
      targetVoltage: num(cd.EVTargetVoltage) ?? 0,
      targetCurrent: num(cd.EVTargetCurrent) ?? 0,
      soc: cd.DC_EVStatus.EVRESSSOC,
      chargingComplete: cd.ChargingComplete,
      raw: cd,
    });
    const l = ctx.evse.dcLimits();
    return {
      response: {
        CurrentDemandRes: {
          ResponseCode: 'OK',
          DC_EVSEStatus: dcEvseStatus(ctx),
          EVSEPresentVoltage: pv(out.presentVoltage, 'V'),
          EVSEPresentCurrent: pv(out.presentCurrent, 'A'),
          EVSECurrentLimitAchieved: out.currentLimitAchieved,
          EVSEVoltageLimitAchieved: out.voltageLimitAchieved,
          EVSEPowerLimitAchieved: out.powerLimitAchieved,
          EVSEMaximumVoltageLimit: pv(l.maxVoltage, 'V'),
          EVSEMaximumCurrentLimit: pv(l.maxCurrent, 'A'),
          EVSEMaximumPowerLimit: pv(l.maxPower, 'W'),
        },
      },
      next: 'Charging',
    };
  },
};
