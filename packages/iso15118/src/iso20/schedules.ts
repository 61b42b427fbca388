// Schedules and prices as both ports see them (SI units, durations in s), and their -20 wire form
// (ScheduleTuple / ChargingSchedule / PowerSchedule / PriceLevelSchedule / AbsolutePriceSchedule).
import type { Iso20 } from '@v2xsim/exi';
import { num, rn } from './messages.js';

/** One PowerScheduleEntry: for `durationS`, at most `powerW` (negative in a discharging schedule). */
export interface PowerEntry20 {
  durationS: number;
  powerW: number;
}

/** A price level schedule: level 0..numberOfPriceLevels-1 (higher = more expensive) per period. */
export interface PriceLevelSchedule20 {
  kind: 'PriceLevels';
  id: number;
  numberOfPriceLevels: number;
  entries: { durationS: number; priceLevel: number }[];
  description?: string;
}

/** An absolute price schedule: per period, energy fees (currency per kWh) from a power range on. */
export interface AbsolutePriceSchedule20 {
  kind: 'AbsolutePrice';
  id: number;
  currency: string;
  language: string;
  /** e.g. urn:iso:std:iso:15118:-20:PriceAlgorithm:1-Power */
  priceAlgorithm: string;
  stacks: { durationS: number; rules: { energyFee: number; powerRangeStartW: number; parkingFee?: number }[] }[];
  minimumCost?: number;
  maximumCost?: number;
  description?: string;
}

export type PriceSchedule20 = PriceLevelSchedule20 | AbsolutePriceSchedule20;

export const PRICE_ALGORITHM_POWER = 'urn:iso:std:iso:15118:-20:PriceAlgorithm:1-Power';

export interface PowerSchedule20 {
  entries: PowerEntry20[];
  /** Wh available over the schedule, if the EVSE limits it */
  availableEnergyWh?: number;
  powerToleranceW?: number;
  price?: PriceSchedule20;
}

/** One ScheduleTuple: what the EV may charge and, under BPT, discharge. */
export interface ScheduleTuple20 {
  id: number;
  charging: PowerSchedule20;
  /** BPT: the discharging schedule, powers negative (energy from the EV to the grid) */
  discharging?: PowerSchedule20;
}

// ---------------------------------------------------------------- to the wire

export function priceToWire(p: PriceSchedule20, timeAnchor: number | bigint): { AbsolutePriceSchedule?: Iso20.AbsolutePriceScheduleType; PriceLevelSchedule?: Iso20.PriceLevelScheduleType } {
  if (p.kind === 'PriceLevels') {
    return {
      PriceLevelSchedule: {
        Id: `PLS${p.id}`,
        TimeAnchor: timeAnchor,
        PriceScheduleID: p.id,
        ...(p.description !== undefined ? { PriceScheduleDescription: p.description } : {}),
        NumberOfPriceLevels: p.numberOfPriceLevels,
        PriceLevelScheduleEntries: { PriceLevelScheduleEntry: p.entries.map((e) => ({ Duration: Math.round(e.durationS), PriceLevel: e.priceLevel })) },
      },
    };
  }
  return {
    AbsolutePriceSchedule: {
      Id: `APS${p.id}`,
      TimeAnchor: timeAnchor,
      PriceScheduleID: p.id,
      ...(p.description !== undefined ? { PriceScheduleDescription: p.description } : {}),
      Currency: p.currency,
      Language: p.language,
      PriceAlgorithm: p.priceAlgorithm,
      ...(p.minimumCost !== undefined ? { MinimumCost: rn(p.minimumCost) } : {}),
      ...(p.maximumCost !== undefined ? { MaximumCost: rn(p.maximumCost) } : {}),
      PriceRuleStacks: {
        PriceRuleStack: p.stacks.map((s) => ({
          Duration: Math.round(s.durationS),
          PriceRule: s.rules.map((r) => ({ EnergyFee: rn(r.energyFee), ...(r.parkingFee !== undefined ? { ParkingFee: rn(r.parkingFee) } : {}), PowerRangeStart: rn(r.powerRangeStartW) })),
        })),
      },
    },
  };
}

function powerScheduleToWire(s: PowerSchedule20, timeAnchor: number | bigint, maxEntries: number): Iso20.ChargingScheduleType {
  return {
    PowerSchedule: {
      TimeAnchor: timeAnchor,
      ...(s.availableEnergyWh !== undefined ? { AvailableEnergy: rn(s.availableEnergyWh) } : {}),
      ...(s.powerToleranceW !== undefined ? { PowerTolerance: rn(s.powerToleranceW) } : {}),
      PowerScheduleEntries: { PowerScheduleEntry: s.entries.slice(0, Math.max(1, maxEntries)).map((e) => ({ Duration: Math.round(e.durationS), Power: rn(e.powerW) })) },
    },
    ...(s.price ? priceToWire(s.price, timeAnchor) : {}),
  };
}

export function tupleToWire(t: ScheduleTuple20, timeAnchor: number | bigint, maxEntries: number): Iso20.ScheduleTupleType {
  return {
    ScheduleTupleID: t.id,
    ChargingSchedule: powerScheduleToWire(t.charging, timeAnchor, maxEntries),
    ...(t.discharging ? { DischargingSchedule: powerScheduleToWire(t.discharging, timeAnchor, maxEntries) } : {}),
  };
}

// ---------------------------------------------------------------- from the wire

export function priceFromWire(c: { AbsolutePriceSchedule?: Iso20.AbsolutePriceScheduleType; PriceLevelSchedule?: Iso20.PriceLevelScheduleType }): PriceSchedule20 | undefined {
  const l = c.PriceLevelSchedule;
  if (l) {
    return {
      kind: 'PriceLevels',
      id: l.PriceScheduleID,
      numberOfPriceLevels: l.NumberOfPriceLevels,
      entries: l.PriceLevelScheduleEntries.PriceLevelScheduleEntry.map((e) => ({ durationS: e.Duration, priceLevel: e.PriceLevel })),
      ...(l.PriceScheduleDescription !== undefined ? { description: l.PriceScheduleDescription } : {}),
    };
  }
  const a = c.AbsolutePriceSchedule;
  if (!a) return undefined;
  return {
    kind: 'AbsolutePrice',
    id: a.PriceScheduleID,
    currency: a.Currency,
    language: a.Language,
    priceAlgorithm: a.PriceAlgorithm,
    stacks: a.PriceRuleStacks.PriceRuleStack.map((s) => ({
      durationS: s.Duration,
      rules: s.PriceRule.map((r) => ({ energyFee: num(r.EnergyFee), powerRangeStartW: num(r.PowerRangeStart), ...(r.ParkingFee ? { parkingFee: num(r.ParkingFee) } : {}) })),
    })),
    ...(a.MinimumCost ? { minimumCost: num(a.MinimumCost) } : {}),
    ...(a.MaximumCost ? { maximumCost: num(a.MaximumCost) } : {}),
    ...(a.PriceScheduleDescription !== undefined ? { description: a.PriceScheduleDescription } : {}),
  };
}

function powerScheduleFromWire(c: Iso20.ChargingScheduleType): PowerSchedule20 {
  const p = c.PowerSchedule;
  const price = priceFromWire(c);
  return {
    entries: p.PowerScheduleEntries.PowerScheduleEntry.map((e) => ({ durationS: e.Duration, powerW: num(e.Power) })),
    ...(p.AvailableEnergy ? { availableEnergyWh: num(p.AvailableEnergy) } : {}),
    ...(p.PowerTolerance ? { powerToleranceW: num(p.PowerTolerance) } : {}),
    ...(price ? { price } : {}),
  };
}

export function tupleFromWire(t: Iso20.ScheduleTupleType): ScheduleTuple20 {
  return {
    id: t.ScheduleTupleID,
    charging: powerScheduleFromWire(t.ChargingSchedule),
    ...(t.DischargingSchedule ? { discharging: powerScheduleFromWire(t.DischargingSchedule) } : {}),
  };
}
