// Plug & Charge PaymentDetails: check the contract certificate chain against the trusted MO roots
// and the eMAID against the certificate, then send the challenge the EV must sign in
// AuthorizationReq. Before it, the EV may install or update its contract.
import { randomBytes } from 'node:crypto';
import { parseCertificate } from '../../../pki/cert.js';
import { verifyChain } from '../../../pki/verify.js';
import { failed } from '../responses.js';
import { certificateInstallation } from './certificate-installation.js';
import type { SeccState } from '../context.js';

const der = (hex: string): Uint8Array => Buffer.from(hex, 'hex');

export const waitPaymentDetails: SeccState = {
  name: 'WaitPaymentDetails',
  accepts: ['PaymentDetailsReq', 'CertificateInstallationReq', 'CertificateUpdateReq'],
  handle(req, body, ctx, header) {
    if (req !== 'PaymentDetailsReq') return certificateInstallation(req, body, ctx, header);
    const pd = body.PaymentDetailsReq!;
    const chain = pd.ContractSignatureCertChain;
    const subs = chain.SubCertificates?.Certificate ?? [];
    const check = verifyChain(der(chain.Certificate), subs.map(der), [...ctx.pnc!.moRoots], { at: ctx.pnc!.now?.() ?? new Date(), leafDomainComponent: 'MO' });
    if (!check.ok) {
      const code = check.status === 'expired' || check.status === 'not-yet-valid' ? 'FAILED_CertificateExpired' : 'FAILED_CertChainError';
      return { response: failed(req, code, ctx), next: null };
    }
    // the contract certificate's CN is the eMAID (without separators)
    const emaid = pd.eMAID.replace(/[-*]/g, '').toUpperCase();
    if (parseCertificate(der(chain.Certificate)).commonName?.toUpperCase() !== emaid) return { response: failed(req, 'FAILED_CertChainError', ctx), next: null };
    ctx.contract = { certificate: chain.Certificate, subCertificates: subs, emaid: pd.eMAID };
    ctx.genChallenge = randomBytes(16).toString('hex');
    return { response: { PaymentDetailsRes: { ResponseCode: 'OK', GenChallenge: ctx.genChallenge, EVSETimeStamp: Math.floor(Date.now() / 1000) } }, next: 'WaitAuthorization' };
  },
};
