// The data of one -20 SECC session, shared by its states.
import type { ControlMode, Header, Iso20Message, RequestName } from '../messages.js';
import type { EvLimits20, SeccEvse20 } from './evse-port.js';

export interface Secc20Context {
  evse: SeccEvse20;
  sessionId: string;
  evccId?: string;
  serviceId?: number;
  controlMode?: ControlMode;
  bpt?: boolean;
  evLimits?: EvLimits20;
  scheduleTupleId: number;
  stopped?: 'Terminate' | 'Pause' | 'Error';
}

export type Secc20StateName =
  | 'WaitSessionSetup' | 'WaitAuthorizationSetup' | 'WaitAuthorization' | 'WaitServiceDiscovery'
  | 'WaitServiceDetail' | 'WaitChargeParameterDiscovery' | 'WaitScheduleExchange' | 'WaitCableCheck'
  | 'WaitPreCharge' | 'Charging' | 'WaitWeldingDetection';

export interface Secc20Result {
  response: Iso20Message;
  /** the next state, or null when the session is over (close) */
  next: Secc20StateName | null;
}

export interface Secc20State {
  readonly name: Secc20StateName;
  readonly accepts: readonly RequestName[];
  handle(request: RequestName, doc: Iso20Message, ctx: Secc20Context, header: Header): Secc20Result;
}
