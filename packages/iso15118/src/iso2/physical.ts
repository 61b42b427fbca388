// ISO 15118-2 PhysicalValueType ↔ SI numbers. Value is an xs:short and Multiplier a power of ten
// in -3..3: the smallest multiplier that keeps the value within a short keeps the most precision.
import type { Iso2 } from '@v2xsim/exi';

export type Unit = Iso2.PhysicalValueType['Unit'];

export function pv(value: number, unit: Unit): Iso2.PhysicalValueType {
  for (let m = -3; m < 3; m++) {
    const v = Math.round(value / 10 ** m);
    if (Math.abs(v) <= 32767) return { Multiplier: m, Unit: unit, Value: v };
  }
  return { Multiplier: 3, Unit: unit, Value: Math.max(-32768, Math.min(32767, Math.round(value / 1000))) };
}

export function num(p: Iso2.PhysicalValueType | undefined): number | undefined {
  return p === undefined ? undefined : p.Value * 10 ** p.Multiplier;
}

export type ResponseCode = Iso2.SessionSetupResType['ResponseCode'];
export type EnergyTransferMode = Iso2.ChargeParameterDiscoveryReqType['RequestedEnergyTransferMode'];
export type PaymentOption = Iso2.PaymentServiceSelectionReqType['SelectedPaymentOption'];
export type Processing = Iso2.AuthorizationResType['EVSEProcessing'];

export const isAc = (m: EnergyTransferMode): boolean => m.startsWith('AC_');
