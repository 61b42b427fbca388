// The data of one -20 SECC session, shared by its states.
import type { AppProtocolInfo } from '../../app-protocol.js';
import type { ControlMode, EnergyService, Header, Iso20Message, RequestName, Signature } from '../messages.js';
import type { EvLimits20, SeccEvse20 } from './evse-port.js';

/** Plug & Charge at this SECC: the roots it trusts (PEM), e.g. from loadPki(): roots.mo / roots.oem. */
export interface Secc20Pnc {
  /** trusted MO root certificate(s): contract chains must lead to one */
  moRoots: readonly string[];
  /** trusted OEM root(s) (TLS client chains, CertificateInstallation) */
  oemRoots?: readonly string[];
  /** ask for a signed MeteringConfirmation once per session, after this many charge loops */
  meteringConfirmationAfterLoops?: number;
  /** the time certificates are checked at (tests) */
  now?: () => Date;
}

export interface Secc20Context {
  evse: SeccEvse20;
  protocol: AppProtocolInfo;
  pnc?: Secc20Pnc;
  sessionId: string;
  evccId?: string;
  /** the authorization service the EV chose, and PnC's challenge and contract */
  authorization?: 'EIM' | 'PnC';
  genChallenge?: string;
  contract?: { certificate: string; subCertificates: string[]; emaid: string };
  authorized?: boolean;
  service?: EnergyService;
  controlMode?: ControlMode;
  parameterSetId?: number;
  bpt: boolean;
  evLimits?: EvLimits20;
  /** ScheduleTupleIDs offered in the last ScheduleExchangeRes (Scheduled) */
  offeredTuples: number[];
  selectedTuple?: number;
  /** between PowerDelivery(ScheduleRenegotiation) and the next PowerDelivery(Start) */
  renegotiating: boolean;
  /** the EVSE asked for a renegotiation (EVSENotification ScheduleRenegotiation), not yet finished */
  renegotiationNotified?: boolean;
  standby: boolean;
  /** charge loops so far, and whether a MeteringConfirmation was asked for / received */
  loops: number;
  meteringRequested: boolean;
  stopped?: 'Terminate' | 'Pause' | 'Error';
}

export type Secc20StateName =
  | 'WaitSessionSetup' | 'WaitAuthorizationSetup' | 'WaitAuthorization' | 'WaitServiceDiscovery'
  | 'WaitServiceDetail' | 'WaitChargeParameterDiscovery' | 'WaitScheduleExchange' | 'WaitCableCheck'
  | 'WaitPreCharge' | 'WaitPowerDelivery' | 'Charging' | 'WaitWeldingDetection' | 'WaitSessionStop';

export interface Secc20Result {
  response: Iso20Message;
  /** the next state, or null when the session is over (close) */
  next: Secc20StateName | null;
  /** a Signature for the response header */
  signature?: Signature;
  renegotiation?: 'started' | 'finished';
}

export interface Secc20State {
  readonly name: Secc20StateName;
  readonly accepts: readonly RequestName[];
  handle(request: RequestName, doc: Iso20Message, ctx: Secc20Context, header: Header): Secc20Result;
}
