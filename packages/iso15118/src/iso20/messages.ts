// ISO 15118-20 messages: each is its own global element with a Header, encoded by the codec of its
// namespace (CommonMessages, AC or DC). The AC and DC types are taken from the SCALE codecs, which
// are supersets of the standard ones (docs/scale-variants.md): a message object is valid for both,
// the standard codec just has no RemainingV2GEnergy / RoundTripEfficiency. RationalNumber ↔ SI.
import type { Iso20, Iso20AcScale, Iso20DcScale } from '@v2xsim/exi';

type CmNames =
  | 'SessionSetupReq' | 'SessionSetupRes' | 'AuthorizationSetupReq' | 'AuthorizationSetupRes'
  | 'AuthorizationReq' | 'AuthorizationRes' | 'ServiceDiscoveryReq' | 'ServiceDiscoveryRes'
  | 'ServiceDetailReq' | 'ServiceDetailRes' | 'ServiceSelectionReq' | 'ServiceSelectionRes'
  | 'ScheduleExchangeReq' | 'ScheduleExchangeRes' | 'PowerDeliveryReq' | 'PowerDeliveryRes'
  | 'MeteringConfirmationReq' | 'MeteringConfirmationRes' | 'CertificateInstallationReq' | 'CertificateInstallationRes'
  | 'SessionStopReq' | 'SessionStopRes';
type AcNames = 'AC_ChargeParameterDiscoveryReq' | 'AC_ChargeParameterDiscoveryRes' | 'AC_ChargeLoopReq' | 'AC_ChargeLoopRes';
type DcNames =
  | 'DC_ChargeParameterDiscoveryReq' | 'DC_ChargeParameterDiscoveryRes' | 'DC_CableCheckReq' | 'DC_CableCheckRes'
  | 'DC_PreChargeReq' | 'DC_PreChargeRes' | 'DC_ChargeLoopReq' | 'DC_ChargeLoopRes'
  | 'DC_WeldingDetectionReq' | 'DC_WeldingDetectionRes';

export type Messages = Pick<Iso20.Iso20CmRoots, CmNames> & Pick<Iso20AcScale.Iso20AcScaleRoots, AcNames> & Pick<Iso20DcScale.Iso20DcScaleRoots, DcNames>;
export type MessageName = keyof Messages;
export type RequestName = Extract<MessageName, `${string}Req`>;
export type ResponseName = Extract<MessageName, `${string}Res`>;
/** one message as the codec sees it: `{ [name]: body }` */
export type Iso20Message = { [K in MessageName]: { [P in K]: Messages[K] } }[MessageName];
export type Header = Iso20.MessageHeaderType;
export type Signature = Iso20.SignatureType;
export type ResponseCode = Iso20.SessionSetupResType['ResponseCode'];
export type Processing = Iso20.AuthorizationResType['EVSEProcessing'];
export type Rational = Iso20.RationalNumberType;
export type ChargeProgress = Iso20.PowerDeliveryReqType['ChargeProgress'];
export type EvseNotification = Iso20.EVSEStatusType['EVSENotification'];
export type MeterInfo = Iso20.MeterInfoType;
export type CodecId = 'iso20-cm' | 'iso20-ac' | 'iso20-dc' | 'iso20-ac-scale' | 'iso20-dc-scale';

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

/** The Header of any -20 message. */
export function headerOf(doc: Iso20Message): Header | undefined {
  const name = messageName(doc);
  return name ? (doc as unknown as Record<string, { Header?: Header }>)[name]?.Header : undefined;
}

// ---------------------------------------------------------------- services (ISO 15118-20 Table 204)

/** The energy transfer services v2xsim speaks (WPT 3, ACDP 4, ACDP_BPT 7 are not built). */
export type EnergyService = 'AC' | 'DC' | 'AC_BPT' | 'DC_BPT';
/** ServiceIDs [V2G20 Table 204]; the same in Josev (enums.ServiceV20) and EVerest (ServiceCategory). */
export const SERVICE_ID: Readonly<Record<EnergyService, number>> = { AC: 1, DC: 2, AC_BPT: 5, DC_BPT: 6 };
export const SERVICE_AC = 1;
export const SERVICE_DC = 2;
export const SERVICE_AC_BPT = 5;
export const SERVICE_DC_BPT = 6;

export function serviceOf(id: number): EnergyService | undefined {
  return (Object.keys(SERVICE_ID) as EnergyService[]).find((s) => SERVICE_ID[s] === id);
}
export const isAcService = (s: EnergyService): boolean => s === 'AC' || s === 'AC_BPT';
export const isBptService = (s: EnergyService): boolean => s === 'AC_BPT' || s === 'DC_BPT';

export type ControlMode = 'Scheduled' | 'Dynamic';
/** ServiceDetail parameter values (Tables 205-208; Josev enums, EVerest datatypes). */
export const CONTROL_MODE: Readonly<Record<ControlMode, number>> = { Scheduled: 1, Dynamic: 2 };
export type MobilityNeedsMode = 'ProvidedByEvcc' | 'ProvidedBySecc';
export const MOBILITY_NEEDS_MODE: Readonly<Record<MobilityNeedsMode, number>> = { ProvidedByEvcc: 1, ProvidedBySecc: 2 };
export type Pricing = 'None' | 'AbsolutePrice' | 'PriceLevels';
export const PRICING: Readonly<Record<Pricing, number>> = { None: 0, AbsolutePrice: 1, PriceLevels: 2 };
export type AcConnector = 'SinglePhase' | 'ThreePhase';
export const AC_CONNECTOR: Readonly<Record<AcConnector, number>> = { SinglePhase: 1, ThreePhase: 2 };
export type DcConnector = 'Core' | 'Extended' | 'Dual2' | 'Dual4';
export const DC_CONNECTOR: Readonly<Record<DcConnector, number>> = { Core: 1, Extended: 2, Dual2: 3, Dual4: 4 };
export const BPT_CHANNEL = { Unified: 1, Separated: 2 } as const;
export const GENERATOR_MODE = { GridFollowing: 1, GridForming: 2 } as const;
export const ISLANDING_DETECTION = { Active: 1, Passive: 2 } as const;

// ---------------------------------------------------------------- numbers

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
  if (r === undefined) return undefined;
  // dividing by 10^-e keeps decimal values exact (35 / 100 is 0.35, 35 * 0.01 is not)
  return r.Exponent < 0 ? r.Value / 10 ** -r.Exponent : r.Value * 10 ** r.Exponent;
}

export const now = (): number => Math.floor(Date.now() / 1000);
export const header = (sessionId: string): Header => ({ SessionID: sessionId, TimeStamp: now() });
