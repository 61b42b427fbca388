// The schedule optimiser: the cheapest charge (V1G) or charge/discharge (V2G) schedule that puts
// the energy need into the EV by departure within every limit. Two solves at most:
//   1. the most net energy the limits allow (max E_n); when the need is above it, the need cannot
//      be met and the schedule is a best effort for that much energy;
//   2. the least cost for the (possibly reduced) need.
// Method: a linear programme (GLPK simplex), exact for this problem; binaries only for minimum
// powers and where simultaneous charge and discharge could pay (see model.ts). Two exact fast
// paths give the LP's optimum without GLPK: where the LP has only charge powers and no minimum
// (V1G), filling the cheapest slots first (the greedy plan, greedy.ts); where it has a usable
// discharge and no binaries (V2G), a min-cost flow (flow.ts), which falls back to GLPK when it
// finds no feasible flow or gives up. `solver: 'lp'` always takes GLPK, to compare.
import { solveModel, type Solution, type SolveOptions } from './glpk.js';
import { flowApplies, solveFlow } from './flow.js';
import { greedyApplies, greedyPowers } from './greedy.js';
import { buildModel, modelBasis, mostEnergyWh, type ModelBasis } from './model.js';
import { buildSlots } from './slots.js';
import type { OptimiseRequest, ScheduleResult, SchedulePeriod, Slot } from './types.js';

/** Energy differences below this (Wh) are rounding. */
export const ENERGY_TOLERANCE_WH = 1e-3;

export class OptimiserError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OptimiserError';
  }
}

const clean = (v: number | undefined, ub: number): number => {
  const x = v ?? 0;
  if (x < 1e-7) return 0;
  return x > ub ? ub : x;
};

function powers(m: ModelBasis, sol: Solution): { c: number[]; d: number[] } {
  // an on/off variable within the solver's integrality tolerance of 0 means off (big-M slack)
  const off = (name: string): boolean => name in sol.values && sol.values[name] < 0.5;
  const c = m.slots.map((_, i) => (off(`y${i}`) ? 0 : clean(sol.values[`c${i}`], m.usableChargeW[i])));
  const d = m.slots.map((_, i) => (off(`z${i}`) ? 0 : clean(sol.values[`d${i}`], m.usableDischargeW[i])));
  return netted(m, c, d);
}

function netted(m: ModelBasis, c: number[], d: number[]): { c: number[]; d: number[] } {
  if (!m.exclusive) {
    // where both run in one slot (a tie of the LP), keep only the net flow: same battery energy
    // at the slot's end, no worse cost (export ≤ import/RTE there), less of every limit used
    for (let i = 0; i < c.length; i++) {
      if (c[i] > 0 && d[i] > 0) {
        const net = c[i] - d[i] / m.rte;
        if (net >= 0) [c[i], d[i]] = [net, 0];
        else [c[i], d[i]] = [0, -net * m.rte];
      }
    }
  }
  return { c, d };
}

/** no solution: infeasible, or left undefined by GLPK (an infeasible problem after presolve) */
const failed = (s: Solution): boolean => s.status === 'infeasible' || s.status === 'undefined';

function periodsOf(slots: Slot[], power: number[]): SchedulePeriod[] {
  const out: SchedulePeriod[] = [];
  slots.forEach((s, i) => {
    const last = out[out.length - 1];
    if (last && last.end === s.start && Math.abs(last.powerW - power[i]) < 1e-6) last.end = s.end;
    else out.push({ start: s.start, end: s.end, powerW: power[i] });
  });
  return out;
}

export interface OptimiseOptions extends SolveOptions {
  /**
   * 'auto' (default): the greedy plan where it is exact (charge only, no minimum charge power),
   * the min-cost flow where it is (a usable discharge, no binaries), the LP/MILP elsewhere;
   * 'lp': always the LP/MILP through GLPK (to check one against the other)
   */
  solver?: 'auto' | 'lp';
}

interface Plan {
  c: number[];
  d: number[];
  maxAchievableWh: number;
  feasible: boolean;
  method: ScheduleResult['method'];
}

function planGreedy(req: OptimiseRequest, m: ModelBasis): Plan {
  const maxAchievableWh = mostEnergyWh(m)!;
  const feasible = req.energyNeedWh <= maxAchievableWh + ENERGY_TOLERANCE_WH;
  const needWh = feasible ? Math.min(req.energyNeedWh, maxAchievableWh) : maxAchievableWh;
  return { c: greedyPowers(m, needWh), d: m.slots.map(() => 0), maxAchievableWh, feasible, method: 'greedy' };
}

/** The need to plan for (the most energy when it cannot be met), and the upper bound of E_n. */
function target(req: OptimiseRequest, m: ModelBasis, maxAchievableWh: number): { feasible: boolean; needWh: number; upperWh: number } {
  const feasible = req.energyNeedWh <= maxAchievableWh + ENERGY_TOLERANCE_WH;
  const needWh = feasible ? Math.min(req.energyNeedWh, maxAchievableWh) : maxAchievableWh;
  return { feasible, needWh, upperWh: m.s0 !== undefined ? m.upperWh! - m.s0 : needWh };
}

/**
 * The min-cost flow (flow.ts), where the LP has no binaries and a usable discharge (V2G);
 * undefined when it finds no feasible flow or gives up: the LP then decides (its fallbacks too).
 */
function planFlow(req: OptimiseRequest, m: ModelBasis): Plan | undefined {
  const maxAchievableWh = mostEnergyWh(m)!;
  const { feasible, needWh, upperWh } = target(req, m, maxAchievableWh);
  let flow = solveFlow(m, { kind: 'cost', needWh, upperWh: Math.max(upperWh, needWh) });
  // the most energy missed by rounding: a hair less, as planLp does
  if (flow.status === 'infeasible' && needWh >= maxAchievableWh - ENERGY_TOLERANCE_WH) flow = solveFlow(m, { kind: 'cost', needWh: needWh - ENERGY_TOLERANCE_WH / 2, upperWh: Math.max(upperWh, needWh) });
  if (flow.status !== 'optimal') return undefined;
  return { ...netted(m, flow.chargeW, flow.dischargeW), maxAchievableWh, feasible, method: 'flow' };
}

async function planLp(req: OptimiseRequest, m: ModelBasis, notes: string[], opts: SolveOptions): Promise<Plan> {
  // the first solve only where the most energy has no closed form (a minimum charge power)
  let maxAchievableWh = mostEnergyWh(m);
  if (maxAchievableWh === undefined) {
    const most = await solveModel(buildModel(m, { kind: 'energy' }), opts);
    if (most.status !== 'optimal' && most.status !== 'feasible') throw new OptimiserError(`the schedule problem has no solution (${most.status}): the battery bounds cannot be kept`);
    maxAchievableWh = Math.max(0, most.objective);
  }
  const { feasible, needWh, upperWh } = target(req, m, maxAchievableWh);
  let costModel = buildModel(m, { kind: 'cost', needWh, upperWh: Math.max(upperWh, needWh) });
  let best = await solveModel(costModel, opts);
  if (failed(best) && needWh >= maxAchievableWh - ENERGY_TOLERANCE_WH) {
    // the most energy missed by rounding: a hair less
    costModel = buildModel(m, { kind: 'cost', needWh: needWh - ENERGY_TOLERANCE_WH / 2, upperWh: Math.max(upperWh, needWh) });
    best = await solveModel(costModel, opts);
  }
  if (failed(best) && m.s0 === undefined) {
    // battery unknown and minimum powers: the need cannot be hit exactly; deliver at least it (the
    // EV stops charging once it is full; OCPI limits are maxima)
    notes.push('minimum power: the need cannot be met exactly, the schedule allows more (the EV stops when it is full)');
    costModel = buildModel(m, { kind: 'cost', needWh, upperWh: Math.max(maxAchievableWh, needWh) });
    best = await solveModel(costModel, opts);
  }
  if (best.status !== 'optimal' && best.status !== 'feasible') throw new OptimiserError(`the least-cost schedule could not be found (${best.status})`);
  if (best.status === 'feasible') notes.push('the MILP time limit was reached: the best schedule found is returned, possibly not the cheapest');
  return { ...powers(m, best), maxAchievableWh, feasible, method: costModel.integer ? 'milp' : 'lp' };
}

export async function optimise(req: OptimiseRequest, opts: OptimiseOptions = {}): Promise<ScheduleResult> {
  const { slots, notes } = buildSlots(req);
  const m = modelBasis(req, slots);
  if (req.discharge && !((req.ev.maxDischargeW ?? 0) > 0)) notes.push('discharge allowed, but the EV\'s discharge power is not known (0): charge only');
  if (m.s0 !== undefined && m.minWh !== undefined && m.s0 < m.minWh) notes.push('the battery is below its minimum SoC: it is charged there first');
  if (req.discharge && m.s0 === undefined && m.usableDischargeW.some((w) => w > 0)) notes.push('battery unknown: discharging only energy charged in this session, never above the need');

  const auto = opts.solver !== 'lp';
  const { c, d, maxAchievableWh, feasible, method } = auto && greedyApplies(m) ? planGreedy(req, m) : ((auto && flowApplies(m) ? planFlow(req, m) : undefined) ?? (await planLp(req, m, notes, opts)));
  const slotPowerW = c.map((ci, i) => ci - d[i]);
  let chargedWh = 0;
  let dischargedWh = 0;
  let energyWh = 0;
  let cost = 0;
  const batteryWh: number[] | undefined = m.s0 !== undefined ? [m.s0] : undefined;
  for (let i = 0; i < slots.length; i++) {
    const h = m.hours[i];
    chargedWh += c[i] * h;
    dischargedWh += d[i] * h;
    energyWh += (c[i] - d[i] / m.rte) * h;
    cost += ((slots[i].importPrice * c[i] - slots[i].exportPrice * d[i]) * h) / 1000;
    batteryWh?.push(m.s0! + energyWh);
  }
  return {
    status: feasible ? 'optimal' : 'best-effort',
    feasible,
    method,
    start: req.start,
    end: req.departure,
    periods: periodsOf(slots, slotPowerW),
    slots,
    slotPowerW,
    requestedWh: req.energyNeedWh,
    energyWh,
    chargedWh,
    dischargedWh,
    maxAchievableWh,
    shortfallWh: feasible ? 0 : req.energyNeedWh - energyWh,
    cost,
    ...(req.prices.currency ? { currency: req.prices.currency } : {}),
    ...(batteryWh ? { batteryWh } : {}),
    notes,
  };
}
