// The EVCC's signed requests under Plug & Charge: PnC_AReqAuthorizationMode (the GenChallenge and
// the contract chain) and SignedMeteringData, each an EXI fragment of CommonMessages signed with
// the contract key in the Header's Signature (ECDSA-SHA512 on a P-521 key).
import type { Iso20 } from '@v2xsim/exi';
import { signElements } from '../../iso2/signature.js';
import { certificateDer } from '../../pki/cert.js';
import { header, message, type Iso20Message, type MeterInfo } from '../messages.js';

/** Plug & Charge: the contract (e.g. loadPki().contract: leafPem, subCaPems, keyPem). */
export interface Evcc20Pnc {
  contractCertPem: string;
  /** MO Sub-CA 2 then Sub-CA 1 */
  subCaPems: readonly string[];
  contractKeyPem: string;
}

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

export function pncAuthorization(sessionId: string, genChallenge: string, pnc: Evcc20Pnc): Iso20Message {
  const element = {
    Id: 'ID1',
    GenChallenge: genChallenge,
    ContractCertificateChain: { Certificate: hex(certificateDer(pnc.contractCertPem)), SubCertificates: { Certificate: pnc.subCaPems.map((p) => hex(certificateDer(p))) } },
  };
  const Signature = signElements('iso20-cm', [{ id: element.Id, fragment: { PnC_AReqAuthorizationMode: element } }], pnc.contractKeyPem);
  return message('AuthorizationReq', { Header: { ...header(sessionId), Signature }, SelectedAuthorizationService: 'PnC', PnC_AReqAuthorizationMode: element });
}

/** MeteringConfirmationReq; signed when there is a contract (PnC), plain under EIM. */
export function meteringConfirmation(
  sessionId: string,
  meterInfo: MeterInfo,
  receipt: Iso20.ReceiptType | undefined,
  controlMode: Pick<Iso20.SignedMeteringDataType, 'Scheduled_SMDTControlMode' | 'Dynamic_SMDTControlMode'>,
  pnc: Evcc20Pnc | undefined,
): Iso20Message {
  const smd: Iso20.SignedMeteringDataType = { Id: 'ID2', SessionID: sessionId, MeterInfo: meterInfo, ...(receipt ? { Receipt: receipt } : {}), ...controlMode };
  const Header = pnc ? { ...header(sessionId), Signature: signElements('iso20-cm', [{ id: smd.Id, fragment: { SignedMeteringData: smd } }], pnc.contractKeyPem) } : header(sessionId);
  return message('MeteringConfirmationReq', { Header, SignedMeteringData: smd });
}
