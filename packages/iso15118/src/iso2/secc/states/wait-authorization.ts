// Authorization: with EIM, Ongoing until the EVSE has authorised the driver; with Plug & Charge,
// the EV must return the challenge of PaymentDetailsRes, signed with its contract key in the
// header, and the EVSE then authorises the contract (backend check, Ongoing meanwhile).
import { verifyElements } from '../../signature.js';
import { failed } from '../responses.js';
import type { SeccState } from '../context.js';

export const waitAuthorization: SeccState = {
  name: 'WaitAuthorization',
  accepts: ['AuthorizationReq'],
  handle(req, body, ctx, header) {
    if (ctx.paymentOption === 'Contract') {
      const a = body.AuthorizationReq!;
      if (!a.GenChallenge || a.GenChallenge.toLowerCase() !== ctx.genChallenge || !a.Id) return { response: failed(req, 'FAILED_ChallengeInvalid', ctx), next: null };
      if (!header.Signature) return { response: failed(req, 'FAILED_SignatureError', ctx), next: null };
      const check = verifyElements(ctx.codec, header.Signature, [{ id: a.Id, fragment: { AuthorizationReq: a } }], Buffer.from(ctx.contract!.certificate, 'hex'));
      if (!check.ok) return { response: failed(req, 'FAILED_SignatureError', ctx), next: null };
    }
    const processing = ctx.evse.authorization();
    return {
      response: { AuthorizationRes: { ResponseCode: 'OK', EVSEProcessing: processing } },
      next: processing === 'Finished' ? 'WaitChargeParameterDiscovery' : 'WaitAuthorization',
    };
  },
};
