import type { ChargingRateUnit, ElectricalSupply } from './model.js';

export const DEFAULT_AC_VOLTAGE = 230;
/** K01.FR.49: an AC period without numberPhases means 3 phases */
export const DEFAULT_NUMBER_PHASES = 3;

/** The phases a period uses on this supply: its numberPhases, else the supply's, never more than the supply has. */
export function effectivePhases(supply: ElectricalSupply, numberPhases: number | undefined): number | undefined {
  if (supply.kind === 'DC') return undefined;
  const wired = supply.phases ?? DEFAULT_NUMBER_PHASES;
  return Math.min(numberPhases ?? wired, wired);
}

/**
 * A rate in another unit. AC: A is the current per phase and W the sum over all phases
 * (K01.FR.50/51), so W = A × voltage × phases. DC: W = A × voltage.
 */
export function convertRate(value: number, from: ChargingRateUnit, to: ChargingRateUnit, supply: ElectricalSupply, phases?: number): number {
  if (from === to) return value;
  const volts = supply.kind === 'AC' ? (supply.voltage ?? DEFAULT_AC_VOLTAGE) * (phases ?? effectivePhases(supply, undefined)!) : supply.voltage;
  if (!(volts > 0)) throw new RangeError(`cannot convert ${from} to ${to} without a positive voltage and phase count`);
  return from === 'A' ? value * volts : value / volts;
}
