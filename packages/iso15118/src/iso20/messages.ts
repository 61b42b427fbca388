// ISO 15118-20 messages: each is its own global element with a Header, encoded by the codec of its
// namespace (CommonMessages 'iso20-cm' or DC 'iso20-dc'). RationalNumber ↔ SI numbers.
import type { Iso20, Iso20Dc } from '@v2xsim/exi';

type CmNames =
  | 'SessionSetupReq' | 'SessionSetupRes' | 'AuthorizationSetupReq' | 'AuthorizationSetupRes'
  | 'AuthorizationReq' | 'AuthorizationRes' | 'ServiceDiscoveryReq' | 'ServiceDiscoveryRes'
  | 'ServiceDetailReq' | 'ServiceDetailRes' | 'ServiceSelectionReq' | 'ServiceSelectionRes'
  | 'ScheduleExchangeReq' | 'ScheduleExchangeRes' | 'PowerDeliveryReq' | 'PowerDeliveryRes'
  | 'SessionStopReq' | 'SessionStopRes';
type DcNames =
  | 'DC_ChargeParameterDiscoveryReq' | 'DC_ChargeParameterDiscoveryRes' | 'DC_CableCheckReq' | 'DC_CableCheckRes'
  | 'DC_PreChargeReq' | 'DC_PreChargeRes' | 'DC_ChargeLoopReq' | 'DC_ChargeLoopRes'
  | 'DC_WeldingDetectionReq' | 'DC_WeldingDetectionRes';

export type Messages = Pick<Iso20.Iso20CmRoots, CmNames> & Pick<Iso20Dc.Iso20DcRoots, DcNames>;
export type MessageName = keyof Messages;
export type RequestName = Extract<MessageName, `${string}Req`>;
export type ResponseName = Extract<MessageName, `${string}Res`>;
/** one message as the codec sees it: `{ [name]: body }` */
export type Iso20Message = { [K in MessageName]: { [P in K]: Messages[K] } }[MessageName];
export type Header = Iso20.MessageHeaderType;
export type ResponseCode = Iso20.SessionSetupResType['ResponseCode'];
export type Processing = Iso20.AuthorizationResType['EVSEProcessing'];
export type Rational = Iso20.RationalNumberType;
export type CodecId = 'iso20-cm' | 'iso20-dc';

/** The codec that encodes a message: DC_* messages are in the DC namespace, the rest in CommonMessages. */
export function codecOf(name: MessageName | string): CodecId {
  return name.startsWith('DC_') ? 'iso20-dc' : 'iso20-cm';
}

export function messageName(doc: object): MessageName | undefined {
  const k = Object.keys(doc)[0];
  return k as MessageName | undefined;
}

export function message<K extends MessageName>(name: K, body: Messages[K]): Iso20Message {
  return { [name]: body } as unknown as Iso20Message;
}

export function bodyOf<K extends MessageName>(doc: Iso20Message, name: K): Messages[K] | undefined {
  return (doc as Partial<Messages>)[name];
}

/** -20 service ids (V2G_CI_CommonMessages.xsd): 2 = DC, 6 = DC_BPT */
export const SERVICE_DC = 2;
export const SERVICE_DC_BPT = 6;
export type ControlMode = 'Scheduled' | 'Dynamic';
/** ServiceDetail parameter ControlMode: 1 Scheduled, 2 Dynamic */
export const CONTROL_MODE: Record<ControlMode, number> = { Scheduled: 1, Dynamic: 2 };

/** SI number → RationalNumber (Value an xs:short, Exponent an xs:byte), keeping the most precision. */
export function rn(value: number): Rational {
  for (let e = -3; e < 127; e++) {
    const v = Math.round(value / 10 ** e);
    if (Math.abs(v) <= 32767) return { Exponent: e, Value: v };
  }
  return { Exponent: 127, Value: value < 0 ? -32768 : 32767 };
}

export function num(r: Rational): number;
export function num(r: Rational | undefined): number | undefined;
export function num(r: Rational | undefined): number | undefined {
  return r === undefined ? undefined : r.Value * 10 ** r.Exponent;
}

export const now = (): number => Math.floor(Date.now() / 1000);
export const header = (sessionId: string): Header => ({ SessionID: sessionId, TimeStamp: now() });
