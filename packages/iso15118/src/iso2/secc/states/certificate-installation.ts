// CertificateInstallation and CertificateUpdate: the EV signs its request with
// its OEM provisioning (or current contract) key; the SECC answers with the contract the backend
// prepared, its private key encrypted for that key, all four elements signed by the CPS.
import { certificateDer, certificatePem } from '../../../pki/cert.js';
import { encryptContractKey } from '../../key-transport.js';
import { signElements, verifyElements } from '../../signature.js';
import type { Body, MessageName } from '../../messages.js';
import type { Iso2 } from '@v2xsim/exi';
import type { SeccContext, StateResult } from '../context.js';
import { failed } from '../responses.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const pemOf = (derHex: string): string => certificatePem(Buffer.from(derHex, 'hex'));

export function certificateInstallation(req: MessageName, body: Body, ctx: SeccContext, header: Iso2.MessageHeaderType): StateResult {
  const install = req === 'CertificateInstallationReq';
  const element = install ? body.CertificateInstallationReq! : body.CertificateUpdateReq!;
  // the signer: the OEM provisioning certificate, or the contract certificate being updated
  const signerDer = install ? body.CertificateInstallationReq!.OEMProvisioningCert : body.CertificateUpdateReq!.ContractSignatureCertChain.Certificate;
  if (!header.Signature) return { response: failed(req, 'FAILED_SignatureError', ctx), next: 'WaitPaymentDetails' };
  const check = verifyElements(ctx.codec, header.Signature, [{ id: element.Id, fragment: { [req]: element } }], Buffer.from(signerDer, 'hex'));
  if (!check.ok) return { response: failed(req, 'FAILED_SignatureError', ctx), next: null };
  const p = ctx.pnc?.provisioning;
  if (!p) return { response: failed(req, 'FAILED_NoCertificateAvailable', ctx), next: null };
  const { dhPublicKey, encryptedKey } = encryptContractKey(p.contractKeyPem, pemOf(signerDer));
  const chain: Iso2.CertificateChainType = {
    Id: 'id1',
    Certificate: hex(certificateDer(p.contractCertPem)),
    ...(p.contractSubCaPems.length ? { SubCertificates: { Certificate: p.contractSubCaPems.map((c) => hex(certificateDer(c))) } } : {}),
  };
  const key = { Id: 'id2', CONTENT: hex(encryptedKey) };
  const dh = { Id: 'id3', CONTENT: hex(dhPublicKey) };
  const emaid = { Id: 'id4', CONTENT: p.emaid };
  const signature = signElements(
    ctx.codec,
    [
      { id: 'id1', fragment: { ContractSignatureCertChain: chain } },
      { id: 'id2', fragment: { ContractSignatureEncryptedPrivateKey: key } },
      { id: 'id3', fragment: { DHpublickey: dh } },
      { id: 'id4', fragment: { eMAID: emaid } },
    ],
    p.cpsLeafKeyPem,
  );
  const res = {
    ResponseCode: 'OK' as const,
    SAProvisioningCertificateChain: {
      Certificate: hex(certificateDer(p.cpsLeafCertPem)),
      ...(p.cpsSubCaPems.length ? { SubCertificates: { Certificate: p.cpsSubCaPems.map((c) => hex(certificateDer(c))) } } : {}),
    },
    ContractSignatureCertChain: chain,
    ContractSignatureEncryptedPrivateKey: key,
    DHpublickey: dh,
    eMAID: emaid,
  };
  return { response: install ? { CertificateInstallationRes: res } : { CertificateUpdateRes: res }, signature, next: 'WaitPaymentDetails' };
}
