// The charge loop: CurrentDemand (DC) or ChargingStatus (AC) each cycle, MeteringReceipt when a
// receipt was asked for, until PowerDelivery(Stop) or PowerDelivery(Renegotiate).
import { isAc, num, pv } from '../../physical.js';
import { dcEvseStatus, acEvseStatus, failed, meterInfo } from '../responses.js';
import { verifyElements } from '../../signature.js';
import type { SeccContext, SeccState } from '../context.js';

/** Metering receipts are asked for with Plug & Charge when the SECC is configured to. */
const receipt = (ctx: SeccContext): boolean => (ctx.receiptPending = ctx.paymentOption === 'Contract' && ctx.pnc?.receiptRequired === true);
import { powerDeliveryResponse } from './power-delivery-response.js';

export const charging: SeccState = {
  name: 'Charging',
  accepts: ['CurrentDemandReq', 'ChargingStatusReq', 'MeteringReceiptReq', 'PowerDeliveryReq'],
  handle(req, body, ctx, header) {
    const ac = isAc(ctx.transferMode!);
    // after a receipt was asked for, the EV's next message is the MeteringReceiptReq
    if (ctx.receiptPending && req !== 'MeteringReceiptReq') return { response: failed(req, 'FAILED_SequenceError', ctx), next: null };
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
              ReceiptRequired: receipt(ctx),
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
              ReceiptRequired: receipt(ctx),
              AC_EVSEStatus: acEvseStatus(ctx),
            },
          },
          next: 'Charging',
        };
      }
      case 'MeteringReceiptReq': {
        if (!ctx.receiptPending) return { response: failed(req, 'FAILED_SequenceError', ctx), next: null };
        ctx.receiptPending = false;
        const mr = body.MeteringReceiptReq!;
        const signed =
          mr.Id !== undefined &&
          header.Signature !== undefined &&
          mr.SessionID.toLowerCase() === ctx.sessionId &&
          verifyElements(ctx.codec, header.Signature, [{ id: mr.Id, fragment: { MeteringReceiptReq: mr } }], Buffer.from(ctx.contract!.certificate, 'hex')).ok;
        if (!signed) return { response: failed(req, 'FAILED_MeteringSignatureNotValid', ctx), next: null };
        return {
          response: ac ? { MeteringReceiptRes: { ResponseCode: 'OK', AC_EVSEStatus: acEvseStatus(ctx) } } : { MeteringReceiptRes: { ResponseCode: 'OK', DC_EVSEStatus: dcEvseStatus(ctx) } },
          next: 'Charging',
        };
      }
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
