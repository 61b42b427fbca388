// Authorization. EIM: Ongoing (WaitingForCustomerInteraction) until the driver is authorised at the
// EVSE. PnC: the EV returns the challenge of AuthorizationSetupRes with its contract chain, signed
// with the contract key in the Header; the SECC checks the challenge, the signature and the chain
// to a trusted MO root, then the EVSE's backend authorises the contract (Ongoing meanwhile).
// -20 has no FAILED_CertChainError: a chain or challenge problem is a WARNING with
// EVSEProcessing Finished, after which the EV may try EIM or stop [V2G20 Table "AuthorizationRes"].
import { parseCertificate } from '../../../pki/cert.js';
import { certificatePem } from '../../../pki/cert.js';
import { verifyChain } from '../../../pki/verify.js';
import { verifyElements } from '../../../iso2/signature.js';
import { bodyOf, header, message, type Header, type Messages, type ResponseCode } from '../../messages.js';
import type { Secc20Context, Secc20Result, Secc20State } from '../context.js';
import type { AuthorizationRequest20 } from '../evse-port.js';
import { authorizationServices } from '../parameters.js';
import { failed } from '../responses.js';

const der = (hex: string): Uint8Array => Buffer.from(hex, 'hex');
const pem = (hex: string): string => certificatePem(der(hex));

function warning(ctx: Secc20Context, code: ResponseCode): Secc20Result {
  return { response: message('AuthorizationRes', { Header: header(ctx.sessionId), ResponseCode: code, EVSEProcessing: 'Finished' }), next: 'WaitAuthorization' };
}

/** The PnC checks; the contract for the backend, or the response that refuses it. */
function checkPnc(req: Messages['AuthorizationReq'], ctx: Secc20Context, hdr: Header): AuthorizationRequest20 | Secc20Result {
  const a = req.PnC_AReqAuthorizationMode;
  if (!a || !ctx.pnc || !ctx.genChallenge) return warning(ctx, 'WARNING_AuthorizationSelectionInvalid');
  const chain = a.ContractCertificateChain;
  // the signature first: without it nothing in the element can be trusted [V2G20 PnC]
  if (!hdr.Signature) return { response: failed('AuthorizationReq', 'FAILED_SignatureError', ctx), next: null };
  const signed = verifyElements('iso20-cm', hdr.Signature, [{ id: a.Id, fragment: { PnC_AReqAuthorizationMode: a } }], der(chain.Certificate));
  if (!signed.ok) return { response: failed('AuthorizationReq', 'FAILED_SignatureError', ctx), next: null };
  if (a.GenChallenge.toLowerCase() !== ctx.genChallenge) return warning(ctx, 'WARNING_ChallengeInvalid');
  const subs = chain.SubCertificates.Certificate;
  const check = verifyChain(der(chain.Certificate), subs.map(der), [...ctx.pnc.moRoots], { at: ctx.pnc.now?.() ?? new Date(), leafDomainComponent: 'MO', maxIntermediates: 3 });
  if (!check.ok) {
    if (check.status === 'expired') return warning(ctx, 'WARNING_CertificateExpired');
    if (check.status === 'not-yet-valid') return warning(ctx, 'WARNING_CertificateNotYetValid');
    return warning(ctx, 'WARNING_CertificateValidationError');
  }
  const emaid = parseCertificate(der(chain.Certificate)).commonName ?? '';
  ctx.contract = { certificate: chain.Certificate, subCertificates: subs, emaid };
  return { service: 'PnC', emaid, contractCertPem: pem(chain.Certificate), subCaPems: subs.map(pem) };
}

export const waitAuthorization: Secc20State = {
  name: 'WaitAuthorization',
  accepts: ['AuthorizationReq'],
  handle(req, doc, ctx, hdr) {
    const a = bodyOf(doc, 'AuthorizationReq')!;
    const choice = a.SelectedAuthorizationService;
    if (!authorizationServices(ctx).includes(choice)) return warning(ctx, 'WARNING_AuthorizationSelectionInvalid');
    let request: AuthorizationRequest20;
    if (choice === 'PnC') {
      const checked = checkPnc(a, ctx, hdr);
      if (!('service' in checked)) return checked;
      request = checked;
    } else request = { service: 'EIM' };
    ctx.authorization = choice;
    const verdict = ctx.evse.authorize(request);
    const Header = header(ctx.sessionId);
    if (verdict === 'Rejected') return warning(ctx, choice === 'EIM' ? 'WARNING_EIMAuthorizationFailure' : 'WARNING_GeneralPnCAuthorizationError');
    if (verdict === 'Ongoing') {
      return { response: message('AuthorizationRes', { Header, ResponseCode: 'OK', EVSEProcessing: choice === 'EIM' ? 'Ongoing_WaitingForCustomerInteraction' : 'Ongoing' }), next: 'WaitAuthorization' };
    }
    ctx.authorized = true;
    return { response: message('AuthorizationRes', { Header, ResponseCode: 'OK', EVSEProcessing: 'Finished' }), next: 'WaitServiceDiscovery' };
  },
};
