// The charge loop: CurrentDemand (DC) or ChargingStatus (AC) each cycle, MeteringReceipt when a
// receipt was asked for, until PowerDelivery(Stop) or PowerDelivery(Renegotiate).
import { isAc, num, pv } from '../../physical.js';
import { dcEvseStatus, acEvseStatus, failed, meterInfo } from '../responses.js';
import type { SeccState } from '../context.js';
import { powerDeliveryResponse } from './power-delivery-response.js';

export const charging: SeccState = {
  name: 'Charging',
  accepts: ['CurrentDemandReq', 'ChargingStatusReq', 'MeteringReceiptReq', 'PowerDeliveryReq'],
  handle(req, body, ctx) {
    const ac = isAc(ctx.transferMode!);
    switch (req) {
      case 'CurrentDemandReq': {
        if (ac) return { response: failed(req, 'FAILED_SequenceError', ctx), next: null };
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
              EVSEID: ctx.evse.evseId,
              SAScheduleTupleID: ctx.saScheduleTupleId,
              MeterInfo: meterInfo(ctx),
              ReceiptRequired: false,
            },
          },
          next: 'Charging',
        };
      }
      case 'ChargingStatusReq': {
        if (!ac) return { response: failed(req, 'FAILED_SequenceError', ctx), next: null };
        const s = ctx.evse.chargingStatus();
        return {
          response: {
            ChargingStatusRes: {
              ResponseCode: 'OK',
              EVSEID: ctx.evse.evseId,
              SAScheduleTupleID: ctx.saScheduleTupleId,
              ...(s.maxCurrent !== undefined ? { EVSEMaxCurrent: pv(s.maxCurrent, 'A') } : {}),
              MeterInfo: meterInfo(ctx),
              ReceiptRequired: false,
              AC_EVSEStatus: acEvseStatus(ctx),
            },
          },
          next: 'Charging',
        };
      }
      case 'MeteringReceiptReq':
        // receipts are only asked for with Plug & Charge, which this SECC does not offer yet
        return { response: failed(req, 'FAILED_SequenceError', ctx), next: null };
      default: {
        const progress = body.PowerDeliveryReq!.ChargeProgress;
        if (progress === 'Start') return { response: failed(req, 'FAILED_SequenceError', ctx), next: null };
        if (!ctx.evse.powerDelivery(progress, ctx.transferMode!)) return { response: failed(req, 'FAILED_PowerDeliveryNotApplied', ctx), next: null };
        if (progress === 'Renegotiate') {
          ctx.renegotiating = true;
          return { response: powerDeliveryResponse(ctx, 'OK'), next: 'WaitChargeParameterDiscovery' };
        }
        return { response: powerDeliveryResponse(ctx, 'OK'), next: 'WaitSessionStop' };
      }
    }
  },
};
