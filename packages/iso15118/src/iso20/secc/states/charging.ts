// The AC/DC charge loop until PowerDelivery(Stop). In the loop the EV may also send
// PowerDelivery(Standby) (no energy, session kept; Start leaves it), PowerDelivery(ScheduleRenegotiation)
// (a new ScheduleExchange, then Start) and MeteringConfirmation (after the EVSE asked for it).
import { verifyElements } from '../../../iso2/signature.js';
import { bodyOf, header, message, type Header, type Iso20Message } from '../../messages.js';
import type { Secc20Context, Secc20Result, Secc20State } from '../context.js';
import { failed } from '../responses.js';
import { acChargeLoop } from './ac-charge-loop.js';
import { dcChargeLoop } from './dc-charge-loop.js';
import { powerDeliveryStart } from './power-delivery.js';

function powerDelivery(doc: Iso20Message, ctx: Secc20Context): Secc20Result {
  const pd = bodyOf(doc, 'PowerDeliveryReq')!;
  const ok = (next: Secc20Result['next'], extra: Partial<Secc20Result> = {}): Secc20Result => ({ response: message('PowerDeliveryRes', { Header: header(ctx.sessionId), ResponseCode: 'OK' }), next, ...extra });
  switch (pd.ChargeProgress) {
    case 'Start':
      // leaves standby
      if (!ctx.standby) return { response: failed('PowerDeliveryReq', 'FAILED_SequenceError', ctx), next: null };
      return powerDeliveryStart(doc, ctx);
    case 'Stop':
      if (!ctx.evse.powerDelivery('Stop', {})) return { response: failed('PowerDeliveryReq', 'FAILED_PowerDeliveryNotApplied', ctx), next: null };
      return ok(ctx.service === 'DC' || ctx.service === 'DC_BPT' ? 'WaitWeldingDetection' : 'WaitSessionStop');
    case 'Standby':
      if (ctx.evse.standbyAllowed === false) return { response: message('PowerDeliveryRes', { Header: header(ctx.sessionId), ResponseCode: 'WARNING_StandbyNotAllowed' }), next: 'Charging' };
      if (!ctx.evse.powerDelivery('Standby', {})) return { response: failed('PowerDeliveryReq', 'FAILED_PowerDeliveryNotApplied', ctx), next: null };
      ctx.standby = true;
      return ok('Charging');
    case 'ScheduleRenegotiation': {
      ctx.evse.powerDelivery('ScheduleRenegotiation', {});
      ctx.renegotiating = true;
      // started here when the EV asked; when the EVSE asked, it started with its notification
      const started = !ctx.renegotiationNotified;
      return ok('WaitScheduleExchange', started ? { renegotiation: 'started' } : {});
    }
  }
}

/** MeteringConfirmationReq: under PnC the SignedMeteringData must carry the contract key's signature. */
function meteringConfirmation(doc: Iso20Message, ctx: Secc20Context, hdr: Header): Secc20Result {
  const req = 'MeteringConfirmationReq';
  const body = bodyOf(doc, req)!;
  const smd = body.SignedMeteringData;
  let verified = false;
  if (ctx.authorization === 'PnC' && ctx.contract) {
    const check = hdr.Signature ? verifyElements('iso20-cm', hdr.Signature, [{ id: smd.Id, fragment: { SignedMeteringData: smd } }], Buffer.from(ctx.contract.certificate, 'hex')) : { ok: false };
    if (!check.ok || smd.SessionID.toLowerCase() !== ctx.sessionId) return { response: failed(req, 'FAILED_MeteringSignatureNotValid', ctx), next: null };
    verified = true;
  }
  ctx.evse.meteringConfirmation?.({ meterInfo: smd.MeterInfo, signatureVerified: verified, raw: body });
  return { response: message('MeteringConfirmationRes', { Header: header(ctx.sessionId), ResponseCode: 'OK' }), next: 'Charging' };
}

export const charging: Secc20State = {
  name: 'Charging',
  accepts: ['AC_ChargeLoopReq', 'DC_ChargeLoopReq', 'PowerDeliveryReq', 'MeteringConfirmationReq'],
  handle(req, doc, ctx, hdr) {
    if (req === 'PowerDeliveryReq') return powerDelivery(doc, ctx);
    if (req === 'MeteringConfirmationReq') return meteringConfirmation(doc, ctx, hdr);
    const ac = ctx.service === 'AC' || ctx.service === 'AC_BPT';
    if ((req === 'AC_ChargeLoopReq') !== ac) return { response: failed(req, 'FAILED_SequenceError', ctx), next: null };
    const notifiedBefore = ctx.renegotiationNotified === true;
    const response = ac ? acChargeLoop(doc, ctx) : dcChargeLoop(doc, ctx);
    if (!response) return { response: failed(req, 'FAILED_WrongChargeParameter', ctx), next: null };
    const started = !notifiedBefore && ctx.renegotiationNotified === true;
    return { response, next: 'Charging', ...(started ? { renegotiation: 'started' as const } : {}) };
  },
};
