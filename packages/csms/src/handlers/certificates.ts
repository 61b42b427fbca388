// A Security (certificates) and M ISO 15118 CertificateManagement: SignCertificate (the CSR is
// signed with the PKI's CPO Sub-CA 2 and sent back in CertificateSigned, A02/A03), 
// Get15118EVCertificate (M01/M02: the EV's CertificateInstallationReq/CertificateUpdateReq EXI is
// decoded and its signature checked, a new contract certificate is issued by the MO Sub-CA 2 of
// the PKI, its key encrypted for the EV, the four elements signed by the CPS leaf, and the
// CertificateInstallationRes/CertificateUpdateRes goes back as EXI), GetCertificateStatus (M06:
// this CSMS runs no OCSP responder and answers Failed).
import { getCodec } from '@v2xsim/exi';
import type { Iso2 } from '@v2xsim/exi';
import { certificateDer, certificatePem, issueCertificate, iso2 } from '@v2xsim/iso15118';
import type { OcppServer, v16, v201, v21 } from '@v2xsim/ocpp';
import type { CsmsContext } from '../context.js';
import { CsrError, type CertificateSigningUse } from '../security/pki.js';

/** ISO 15118-2's message namespace, the only schema version whose EXI this CSMS decodes */
export const ISO15118_2_NAMESPACE = 'urn:iso:15118:2:2013:MsgDef';

export function registerCertificates(server: OcppServer, ctx: CsmsContext): void {
  server.handle('1.6', 'SignCertificate', (req: v16.SignCertificateRequest, { connection }) => signCertificate(ctx, connection.identity, req.csr, 'ChargingStationCertificate'));
  server.handle('2.0.1', 'SignCertificate', (req: v201.SignCertificateRequest, { connection }) =>
    signCertificate(ctx, connection.identity, req.csr, req.certificateType ?? 'ChargingStationCertificate'),
  );
  server.handle('2.1', 'SignCertificate', (req: v21.SignCertificateRequest, { connection }) =>
    signCertificate(ctx, connection.identity, req.csr, req.certificateType ?? 'ChargingStationCertificate', req.requestId),
  );
  for (const version of ['2.0.1', '2.1'] as const) {
    server.handle(version, 'Get15118EVCertificate', async (req) => {
      const result = await get15118EVCertificate(ctx, req.iso15118SchemaVersion, req.action, req.exiRequest);
      return result.ok ? { status: 'Accepted', exiResponse: result.exiResponse } : { status: 'Failed', statusInfo: { reasonCode: result.reasonCode, additionalInfo: result.info.slice(0, 1024) }, exiResponse: '' };
    });
    // M06: an OCSP responder is not part of this CSMS; Failed tells the station to keep its cached status
    server.handle(version, 'GetCertificateStatus', () => ({ status: 'Failed', statusInfo: { reasonCode: 'NoOCSPResponder', additionalInfo: 'this CSMS does not relay OCSP requests' } }));
  }
}

/**
 * Answers SignCertificate at once (Accepted when a CA can sign it), then signs the CSR and sends
 * CertificateSigned: the answer must go out first, the certificate follows as the CSMS's own CALL.
 */
function signCertificate(ctx: CsmsContext, stationId: string, csr: string, use: CertificateSigningUse, requestId?: number): { status: 'Accepted' | 'Rejected'; statusInfo?: { reasonCode: string; additionalInfo?: string } } {
  if (!ctx.pki) return { status: 'Rejected', statusInfo: { reasonCode: 'NoSigningCA', additionalInfo: 'the CSMS runs without --pki' } };
  const pki = ctx.pki;
  const version = ctx.versionOf(stationId);
  setImmediate(() => {
    void (async () => {
      try {
        const signed = await pki.signCsr(csr, use, stationId);
        const payload =
          version === '1.6'
            ? { certificateChain: signed.chainPem }
            : { certificateChain: signed.chainPem, certificateType: use, ...(version === '2.1' && requestId !== undefined ? { requestId } : {}) };
        const res = await ctx.call(stationId, 'CertificateSigned', payload);
        ctx.log(`${stationId}: CertificateSigned ${use} CN=${signed.commonName} serial ${signed.serialNumber} → ${String(res.status)}`);
      } catch (e) {
        ctx.log(`${stationId}: SignCertificate ${use} not signed: ${e instanceof CsrError ? `${e.reasonCode}: ${e.message}` : e instanceof Error ? e.message : String(e)}`);
      }
    })();
  });
  return { status: 'Accepted' };
}

type CertificateResult = { ok: true; exiResponse: string } | { ok: false; reasonCode: string; info: string };

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

/** M01 (Install) / M02 (Update): the EV's request EXI in, the signed response EXI out (base64). */
export async function get15118EVCertificate(ctx: CsmsContext, schemaVersion: string, action: 'Install' | 'Update', exiRequest: string): Promise<CertificateResult> {
  if (schemaVersion !== ISO15118_2_NAMESPACE) return { ok: false, reasonCode: 'UnsupportedSchema', info: `only ${ISO15118_2_NAMESPACE} is served` };
  const pki = ctx.pki?.pki;
  const moSubCa2 = pki?.certificates['mo-subca2'];
  const moSubCa1 = pki?.certificates['mo-subca1'];
  const cps = pki?.cpsLeaf;
  if (!pki || !moSubCa2?.keyPem || !moSubCa1 || !cps) return { ok: false, reasonCode: 'NoContractCA', info: 'the PKI folder needs the MO Sub-CA 2 key and the CPS leaf (v2xsim pki init)' };
  let doc: { V2G_Message: Iso2.V2G_MessageType };
  try {
    doc = getCodec('iso2').decode(Buffer.from(exiRequest, 'base64')) as unknown as { V2G_Message: Iso2.V2G_MessageType };
  } catch (e) {
    return { ok: false, reasonCode: 'InvalidEXI', info: `the exiRequest does not decode as ISO 15118-2: ${e instanceof Error ? e.message : String(e)}` };
  }
  const msg = doc.V2G_Message;
  const install = action === 'Install';
  const element = install ? msg.Body.CertificateInstallationReq : msg.Body.CertificateUpdateReq;
  if (!element) return { ok: false, reasonCode: 'InvalidEXI', info: `the exiRequest is not a ${install ? 'CertificateInstallationReq' : 'CertificateUpdateReq'}` };
  const signerDer = install ? msg.Body.CertificateInstallationReq!.OEMProvisioningCert : msg.Body.CertificateUpdateReq!.ContractSignatureCertChain.Certificate;
  if (!msg.Header.Signature) return { ok: false, reasonCode: 'SignatureError', info: 'the request is not signed' };
  const check = iso2.verifyElements('iso2', msg.Header.Signature, [{ id: element.Id, fragment: { [install ? 'CertificateInstallationReq' : 'CertificateUpdateReq']: element } }], Buffer.from(signerDer, 'hex'));
  if (!check.ok) return { ok: false, reasonCode: 'SignatureError', info: check.reason };

  const emaid = pki.manifest?.identities.emaid ?? pki.contract?.info.commonName;
  if (!emaid) return { ok: false, reasonCode: 'NoContract', info: 'no eMAID known for this EV (the PKI manifest names one)' };
  const contract = await issueCertificate({ profile: 'contract', commonName: emaid, issuer: { certPem: moSubCa2.certPem, keyPem: moSubCa2.keyPem }, curve: 'P-256' });
  const { dhPublicKey, encryptedKey } = iso2.encryptContractKey(contract.keyPem!, certificatePem(Buffer.from(signerDer, 'hex')));
  const chain: Iso2.CertificateChainType = {
    Id: 'id1',
    Certificate: hex(certificateDer(contract.certPem)),
    SubCertificates: { Certificate: [moSubCa2.info.pem, moSubCa1.info.pem].map((c) => hex(certificateDer(c))) },
  };
  const key = { Id: 'id2', CONTENT: hex(encryptedKey) };
  const dh = { Id: 'id3', CONTENT: hex(dhPublicKey) };
  const emaidElement = { Id: 'id4', CONTENT: emaid };
  const signature = iso2.signElements(
    'iso2',
    [
      { id: 'id1', fragment: { ContractSignatureCertChain: chain } },
      { id: 'id2', fragment: { ContractSignatureEncryptedPrivateKey: key } },
      { id: 'id3', fragment: { DHpublickey: dh } },
      { id: 'id4', fragment: { eMAID: emaidElement } },
    ],
    cps.keyPem,
  );
  const res = {
    ResponseCode: 'OK' as const,
    SAProvisioningCertificateChain: {
      Certificate: hex(certificateDer(cps.leafPem)),
      ...(cps.subCaPems.length ? { SubCertificates: { Certificate: cps.subCaPems.map((c) => hex(certificateDer(c))) } } : {}),
    },
    ContractSignatureCertChain: chain,
    ContractSignatureEncryptedPrivateKey: key,
    DHpublickey: dh,
    eMAID: emaidElement,
  };
  const body = install ? { CertificateInstallationRes: res } : { CertificateUpdateRes: res };
  const bytes = getCodec('iso2').encode(iso2.v2gMessage(msg.Header.SessionID, body, signature) as never);
  ctx.log(`Get15118EVCertificate ${action}: contract ${emaid} issued (${contract.info.serialNumber})`);
  return { ok: true, exiResponse: Buffer.from(bytes).toString('base64') };
}
