// What the schedule optimiser takes and gives. Times are sim time, ms since the epoch; power in W
// (negative = discharge, from the EV to the grid); energy in Wh; prices in currency per kWh.

/** One price step: from `start` until the next step starts (the last one: see PriceSeries). */
export interface PricePoint {
  /** ms since the epoch */
  start: number;
  /** import (consumption) price, currency/kWh */
  importPrice: number;
  /** export (feed-in) price, currency/kWh; absent: the import price (net metering) */
  exportPrice?: number;
}

/**
 * Day-ahead prices, sorted by start. The last step lasts `lastStepMs` (default: the length of the
 * step before it, or one hour for a single step); past it the last price is held, and the result
 * says so in its notes.
 */
export interface PriceSeries {
  points: readonly PricePoint[];
  currency?: string;
  lastStepMs?: number;
}

/** A power limit over time: each step from its start until the next one; none before the first. */
export interface LimitStep {
  start: number;
  maxW: number;
}

export interface EvLimits {
  /** W, > 0 */
  maxChargeW: number;
  /** W: below it the EV does not charge (a semi-continuous power: 0 or ≥ this); default 0 */
  minChargeW?: number;
  /** W; 0 or absent: the EV cannot discharge */
  maxDischargeW?: number;
  /** W: a discharge is 0 or at least this; default 0 */
  minDischargeW?: number;
}

/** The battery, when known (OCPI carries none of it: from the driver's app, D2.3 §11.4). */
export interface BatteryState {
  capacityWh: number;
  /** state of charge now, % */
  socPercent: number;
  /** the EV never goes below it by discharging; below it now, it is charged there first (D2.3 §11.1 Minimum SoC); default 0 */
  minSocPercent?: number;
  /** never charged above it; default 100 */
  maxSocPercent?: number;
}

export interface DischargeOptions {
  /** round-trip efficiency of a charge-then-discharge cycle, (0, 1]; a cycle pays only if export/import > 1/RTE */
  roundTripEfficiency: number;
  /** remaining V2X warranty budget: energy that may still be discharged, Wh (D2.3 §11.1 V2X state of health); absent: no limit */
  budgetWh?: number;
}

export interface OptimiseRequest {
  /** the schedule starts here (now, sim time) */
  start: number;
  /** the energy is due here: the schedule ends here */
  departure: number;
  prices: PriceSeries;
  /** net energy to put into the EV by departure, Wh (as the meter counts it: OCPI energy_need) */
  energyNeedWh: number;
  ev: EvLimits;
  /** site / connection capacity (and any cap such as the active charging profile), W in both directions */
  capacity?: readonly LimitStep[];
  battery?: BatteryState;
  /** present: the driver allows discharging (V2G); absent: charge only (V1G) */
  discharge?: DischargeOptions;
  /** longest slot, ms (slots are also cut at every price and capacity step); default none */
  maxSlotMs?: number;
}

/** One slot of the problem: constant prices and limits. */
export interface Slot {
  start: number;
  end: number;
  importPrice: number;
  exportPrice: number;
  /** W ≥ 0 */
  maxChargeW: number;
  /** W ≥ 0 (0 when discharging is not allowed or not possible) */
  maxDischargeW: number;
}

/** A period of the schedule: constant power. */
export interface SchedulePeriod {
  start: number;
  end: number;
  /** W; negative = discharge */
  powerW: number;
}

export type ScheduleStatus = 'optimal' | 'best-effort';

export interface ScheduleResult {
  /** optimal: the need is met at least cost; best-effort: it cannot be met, the schedule gives the most energy possible, at least cost */
  status: ScheduleStatus;
  feasible: boolean;
  /**
   * greedy: the cheapest slots filled first (charge only, no minimum charge power: exact there, the
   * LP's optimum); flow: min-cost flow, exact: the LP's optimum (V2G without minimum powers, where
   * a charge and a discharge at once never pay); lp: a linear programme (exact); milp: with on/off
   * variables for minimum powers or simultaneous charge and discharge
   */
  method: 'greedy' | 'flow' | 'lp' | 'milp';
  start: number;
  end: number;
  periods: SchedulePeriod[];
  /** the slots the problem was cut into, with their prices and limits */
  slots: Slot[];
  /** per slot, W (negative = discharge) */
  slotPowerW: number[];
  requestedWh: number;
  /** net energy into the EV by departure, Wh */
  energyWh: number;
  chargedWh: number;
  dischargedWh: number;
  /** the most net energy the limits allow by departure, Wh */
  maxAchievableWh: number;
  shortfallWh: number;
  /** import cost minus export revenue, currency */
  cost: number;
  currency?: string;
  /** energy in the battery at each slot boundary (meter-side Wh, n + 1 values), when the battery is known */
  batteryWh?: number[];
  /** assumptions made (held prices, ignored inputs) */
  notes: string[];
}

/** An optimisation that cannot be set up (bad input). */
export class OptimiserInputError extends RangeError {
  constructor(message: string) {
    super(message);
    this.name = 'OptimiserInputError';
  }
}
