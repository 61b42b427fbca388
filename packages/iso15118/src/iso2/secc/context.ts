// The data of one SECC session, shared by its states.
import type { Iso2 } from '@v2xsim/exi';
import type { EnergyTransferMode, PaymentOption, ResponseCode } from '../physical.js';
import type { Body, MessageName } from '../messages.js';
import type { SeccEvse } from './evse-port.js';

/** Plug & Charge at this SECC: the MO roots it trusts for contract certificates. */
export interface SeccPnc {
  /** PEM of the trusted MO root certificate(s) */
  moRoots: readonly string[];
  /** ask the EV for signed metering receipts */
  receiptRequired?: boolean;
  /** for certificate validity checks (tests) */
  now?: () => Date;
  /** the secondary actor (MO Sub-CA 2) key that signs sales tariffs under Plug & Charge */
  salesTariffKeyPem?: string;
  /** CertificateInstallation: the contract the backend prepared for this EV, and the CPS that signs it */
  provisioning?: {
    emaid: string;
    contractCertPem: string;
    contractKeyPem: string;
    /** MO Sub-CA 2 then Sub-CA 1 */
    contractSubCaPems: readonly string[];
    cpsLeafCertPem: string;
    cpsLeafKeyPem: string;
    /** CPS Sub-CA 2 then Sub-CA 1 */
    cpsSubCaPems: readonly string[];
  };
}

export interface SeccContext {
  evse: SeccEvse;
  /** the EXI codec of the session ('iso2' or 'iso2-scale'): signatures are over its fragments */
  codec: string;
  pnc?: SeccPnc;
  /** Plug & Charge: the EV's contract certificate (DER hex) and the challenge sent to it */
  contract?: { certificate: string; subCertificates: string[]; emaid: string };
  genChallenge?: string;
  /** the last charge loop response asked for a metering receipt */
  receiptPending?: boolean;
  sessionId: string;
  evccId?: string;
  paymentOption?: PaymentOption;
  transferMode?: EnergyTransferMode;
  saScheduleTupleId: number;
  /** the EV's last charge parameters (kept for renegotiation) */
  chargeParameters?: Iso2.ChargeParameterDiscoveryReqType;
  /** between PowerDelivery(Renegotiate) and the new schedule */
  renegotiating?: boolean;
  /** set when the session ends; the connection is closed after the response */
  stopped?: 'Terminate' | 'Pause' | 'Error';
}

/** What a state returns for one request. */
export interface StateResult {
  response: Body;
  /** a signature for the response header (CertificateInstallationRes) */
  signature?: Iso2.SignatureType;
  /** the next state's name, or null when the session is over (close the connection) */
  next: SeccStateName | null;
}

export interface SeccState {
  readonly name: SeccStateName;
  /** the request messages this state accepts; any other is a sequence error */
  readonly accepts: readonly MessageName[];
  handle(request: MessageName, body: Body, ctx: SeccContext, header: Iso2.MessageHeaderType): StateResult;
}

export type SeccStateName =
  | 'WaitSessionSetup'
  | 'WaitServiceDiscovery'
  | 'WaitPaymentServiceSelection'
  | 'WaitPaymentDetails'
  | 'WaitAuthorization'
  | 'WaitChargeParameterDiscovery'
  | 'WaitCableCheck'
  | 'WaitPreCharge'
  | 'WaitPowerDelivery'
  | 'Charging'
  | 'WaitSessionStop';

export type { ResponseCode };
