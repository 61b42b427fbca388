// A carrier: one message field that carries a data object in one protocol version. The journey
// and gap analyses read trace events through these, never through hand-written lists.
import type { DataObjectId } from './data-objects.js';

/** Protocol ids as trace events spell them (TraceEvent.protocol). */
export type DictProtocol = 'din70121' | 'iso15118-2' | 'iso15118-20' | 'ocpp1.6' | 'ocpp2.0.1' | 'ocpp2.1' | 'ocpi2.2.1';

export const DICT_PROTOCOLS: readonly DictProtocol[] = ['din70121', 'iso15118-2', 'iso15118-20', 'ocpp1.6', 'ocpp2.0.1', 'ocpp2.1', 'ocpi2.2.1'];

/** Who sends the message that carries the field. */
export type CarrierSender = 'EV' | 'EVSE' | 'CSMS' | 'SCSP' | 'eMSP';

/**
 * How the field's value is written, and so how it converts to the data object's canonical unit:
 * - `PhysicalValue`: ISO 15118-2 / DIN `{Multiplier, Unit, Value}` → Value·10^Multiplier
 * - `RationalNumber`: ISO 15118-20 `{Exponent, Value}` → Value·10^Exponent
 * - `number`, `string`, `boolean`, `object`: as is (`object` for schedules, lists, locations)
 * - `kWh`, `kW`: OCPI volumes → ×1000 (Wh, W)
 * - `secondsFromNow`: ISO 15118 DepartureTime (seconds after the message) → an instant
 * - `unixSeconds`: ISO 15118-20 TimeStamp / TimeAnchor style → an instant
 * - `rfc3339`: OCPP / OCPI date-time → an instant
 * - `sampledValue`: an OCPP SampledValue `value` with its unit (1.6 `unit`, 2.x `unitOfMeasure`)
 * - `serviceIds`: an ISO 15118-20 ServiceID list; true when it holds a BPT service (5 AC_BPT, 6 DC_BPT)
 * - `energyTransferModes`: an OCPP 2.1 EnergyTransferMode list; true when it holds a *_BPT mode
 */
export type CarrierEncoding =
  | 'PhysicalValue'
  | 'RationalNumber'
  | 'number'
  | 'string'
  | 'boolean'
  | 'object'
  | 'kWh'
  | 'kW'
  | 'secondsFromNow'
  | 'unixSeconds'
  | 'rfc3339'
  | 'sampledValue'
  | 'serviceIds'
  | 'energyTransferModes';

/**
 * A conversion that needs more than the field itself (D2.3 §8.3.3: "Need conversion with battery
 * capacity"):
 * - `soc-from-energy`: an energy request (Wh) → the SoC it reaches: present SoC + 100·E/capacity
 * - `power-from-voltage-current`: the field is a current; power = the sibling `with` voltage × current
 * - `power-from-current`: the field is a per-phase current limit; power = nominal voltage × phases × current
 */
export type CarrierConversion = 'soc-from-energy' | 'power-from-voltage-current' | 'power-from-current';

export interface Carrier {
  object: DataObjectId;
  protocol: DictProtocol;
  /** present only in the SCALE variant (ISO 15118 SCALE namespaces; OCPP customData with the SCALE vendorId) */
  variant?: 'scale';
  /** message as the trace names it: SessionSetupRes, NotifyEVChargingNeedsRequest; OCPI: the object (Session, ChargingPreferences, …) */
  message: string;
  /**
   * Field path inside the message (ISO 15118-2 / DIN: inside Body.<message>, except a leading
   * `Header`; ISO 15118-20: inside the message element; OCPP: the payload; OCPI: the object).
   * A segment `A|B` matches either element (substitution group members, control modes); `*` is
   * every item of an array.
   */
  path: readonly string[];
  /** filter on the object holding the last segment (dotted keys for nested fields), e.g. OCPP measurand */
  where?: Readonly<Record<string, string>>;
  encoding: CarrierEncoding;
  conversion?: CarrierConversion;
  /** for `power-from-voltage-current`: the path of the voltage, relative to the message like `path` */
  with?: readonly string[];
  sender: CarrierSender;
  /** how D2.3 §8 writes this carrier in its table (whitespace aside), when it lists it */
  d23?: readonly string[];
  note?: string;
}

/** OCPP customData vendorId of the SCALE extensions (D2.3 §9.3, §9.4, appendix 13.3/13.4). */
export const SCALE_OCPP_VENDOR_ID = 'eu.scale-project';
