// DIN SPEC 70121 PhysicalValueType ↔ SI numbers. Same shape as in ISO 15118-2 (Multiplier -3..3,
// Value an xs:short) but DIN has its own unit enumeration (h, m, s, A, Ah, V, VA, W, W/s, Wh) and
// the Unit element is optional.
import type { Din } from '@v2xsim/exi';

export type Unit = NonNullable<Din.PhysicalValueType['Unit']>;

/** The PhysicalValue closest to `value`: the smallest multiplier whose value fits a short. */
export function pv(value: number, unit: Unit): Din.PhysicalValueType {
  for (let m = -3; m < 3; m++) {
    const v = Math.round(value / 10 ** m);
    if (Math.abs(v) <= 32767) return { Multiplier: m, Unit: unit, Value: v };
  }
  return { Multiplier: 3, Unit: unit, Value: Math.max(-32768, Math.min(32767, Math.round(value / 1000))) };
}

export function num(p: Din.PhysicalValueType | undefined): number | undefined {
  return p === undefined ? undefined : p.Value * 10 ** p.Multiplier;
}

export type ResponseCode = Din.SessionSetupResType['ResponseCode'];
/** what the EV asks for in ChargeParameterDiscoveryReq; the same literals as ISO 15118-2's EnergyTransferMode */
export type EnergyTransferType = Din.ChargeParameterDiscoveryReqType['EVRequestedEnergyTransferType'];
/** what the EVSE offers in ServiceDiscoveryRes (one value; DIN has combined AC+DC literals) */
export type SupportedEnergyTransferType = Din.ServiceChargeType['EnergyTransferType'];
export type Processing = Din.ContractAuthenticationResType['EVSEProcessing'];
export type EvseStatusCode = Din.DC_EVSEStatusType['EVSEStatusCode'];

export const isDc = (m: string): boolean => m.startsWith('DC_');

/** Does an offered (possibly combined, e.g. `AC_core1p_DC_extended`) type include the requested one? */
export const offers = (offered: SupportedEnergyTransferType, requested: EnergyTransferType): boolean =>
  offered === requested || offered.endsWith(`_${requested}`);

/** PMax of a DIN PMaxScheduleEntry is a bare xs:short in W: larger powers saturate at 32767 (as EVerest does). */
export const PMAX_SATURATED = 32767;
export const pMax = (w: number): number => Math.max(0, Math.min(PMAX_SATURATED, Math.round(w)));

/**
 * DIN's EVSEID is hexBinary (at most 32 bytes). An EVSEID that is already even-length hex is sent as
 * it is; a textual one (`DE*V2X*E0001*1`) is sent as its ASCII bytes; an empty one as 0x00.
 */
export function evseIdHex(evseId: string): string {
  if (evseId === '') return '00';
  if (/^([0-9a-fA-F]{2}){1,32}$/.test(evseId)) return evseId.toLowerCase();
  return Buffer.from(evseId, 'latin1').subarray(0, 32).toString('hex');
}
