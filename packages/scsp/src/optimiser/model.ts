// The schedule as a linear programme (mixed-integer where it must be), solver-neutral.
//
// Per slot i (length h_i hours): c_i ≥ 0 charge power, d_i ≥ 0 discharge power (W, grid side).
// The energy in the EV is counted as the meter counts it (OCPI energy_need is metered energy): a
// charge adds c_i·h_i Wh, a discharge of d_i·h_i Wh at the grid takes d_i·h_i/RTE Wh out of the
// battery, so a whole cycle loses 1 − RTE and pays only when export/import > 1/RTE.
//   E_k = Σ_{i<k} (c_i − d_i/RTE)·h_i                      net energy in after k slots (a state
//                                                           variable: E_k = E_{k−1} + (c_k − d_k/RTE)·h_k)
//   need ≤ E_n ≤ upper                                      the need by departure
//   battery known:   lower_k ≤ s0 + E_k ≤ U                  SoC bounds at every boundary
//                    lower_k = min(Smin, s0 + most that can be charged by k): below the minimum
//                    SoC the EV is charged up to it first (D2.3 §11.1 "Minimum SoC")
//   battery unknown: 0 ≤ E_k ≤ need                          never take out more than was put in
//                                                           this session, nor put in more than asked
//   Σ d_i·h_i ≤ V2X budget                                  warranty (D2.3 §11.1 "V2X state of health")
//   minimum powers: c_i ∈ {0} ∪ [Pmin, Cmax_i] with a binary per slot (likewise d_i)
//   charge and discharge in one slot are exclusive (a binary) only where doing both could pay,
//   i.e. export > import/RTE, or where minimum powers make netting them impossible; elsewhere an
//   optimum never needs both (see netting in optimise.ts).
// Cost = Σ (p_i·c_i − e_i·d_i)·h_i / 1000.
// Solved by GLPK (glpk.ts), or without it where the structure allows, with the same optimum: the
// greedy plan (greedy.ts, charge only) and the min-cost flow (flow.ts, no binaries), which take
// their bounds and costs from energyBounds and the cost functions here.
import type { OptimiseRequest, Slot } from './types.js';

export interface LinearVar {
  name: string;
  lb: number;
  ub: number;
  cost: number;
  binary?: boolean;
}

export interface LinearRow {
  name: string;
  terms: [string, number][];
  lb?: number;
  ub?: number;
}

export interface LinearModel {
  direction: 'min' | 'max';
  vars: LinearVar[];
  rows: LinearRow[];
  /** has binaries */
  integer: boolean;
}

export interface ModelBasis {
  slots: Slot[];
  hours: number[];
  rte: number;
  minChargeW: number;
  minDischargeW: number;
  /** the battery's energy now, Wh (meter side); undefined when not known */
  s0?: number;
  /** highest and lowest energy allowed, Wh */
  upperWh?: number;
  minWh?: number;
  budgetWh?: number;
  /** the charge power that can really be used in slot i (0 when below the EV's minimum) */
  usableChargeW: number[];
  usableDischargeW: number[];
  /** charge and discharge must be exclusive in some slot */
  exclusive: boolean;
}

const EPS = 1e-9;

/**
 * The cost objective is solved in 1e-4 currency units: a coefficient (price·h/1000 per W) is then
 * about 0.1–4 rather than 1e-5–4e-4, well above GLPK's reduced-cost tolerance (1e-7). Unscaled,
 * the simplex stopped at schedules up to about 0.015 % dearer than the optimum (prices 0.0002/kWh apart
 * taken as equal), found by the greedy plan's comparison on the benchmark's sessions.
 */
export const COST_SCALE = 1e4;

export function modelBasis(req: OptimiseRequest, slots: Slot[]): ModelBasis {
  const hours = slots.map((s) => (s.end - s.start) / 3_600_000);
  const rte = req.discharge?.roundTripEfficiency ?? 1;
  const minChargeW = req.ev.minChargeW ?? 0;
  const minDischargeW = req.ev.minDischargeW ?? 0;
  const usableChargeW = slots.map((s) => (s.maxChargeW >= minChargeW && s.maxChargeW > 0 ? s.maxChargeW : 0));
  const usableDischargeW = slots.map((s) => (s.maxDischargeW >= minDischargeW && s.maxDischargeW > 0 ? s.maxDischargeW : 0));
  // with a minimum power, netting a charge and a discharge could leave a power below it: exclusive too
  const exclusive = slots.some((s, i) => usableDischargeW[i] > 0 && usableChargeW[i] > 0 && (s.exportPrice > s.importPrice / rte + EPS || minChargeW > 0 || minDischargeW > 0));
  const b = req.battery;
  return {
    slots,
    hours,
    rte,
    minChargeW,
    minDischargeW,
    ...(b
      ? {
          s0: (b.capacityWh * b.socPercent) / 100,
          upperWh: Math.max((b.capacityWh * (b.maxSocPercent ?? 100)) / 100, (b.capacityWh * b.socPercent) / 100),
          minWh: (b.capacityWh * (b.minSocPercent ?? 0)) / 100,
        }
      : {}),
    ...(req.discharge?.budgetWh !== undefined ? { budgetWh: req.discharge.budgetWh } : {}),
    usableChargeW,
    usableDischargeW,
    exclusive,
  };
}

/**
 * The cost objective per Wh of charge in slot i (currency, unscaled): the import price, plus a
 * tiny preference for earlier charging among equally cheap slots (1e-9·i/n per Wh).
 */
export function chargeCostPerWh(m: ModelBasis, i: number): number {
  return m.slots[i].importPrice / 1000 + 1e-9 * (i / Math.max(1, m.slots.length));
}

/**
 * The cost objective per Wh discharged at the grid in slot i (currency, unscaled): minus the
 * export price, plus a tiny cost (1e-8 per Wh) against discharges that gain nothing (cycles at a
 * zero spread would only use up the V2X budget).
 */
export function dischargeCostPerWh(m: ModelBasis, i: number): number {
  return -m.slots[i].exportPrice / 1000 + 1e-8;
}

export type CostObjective = { kind: 'cost'; needWh: number; upperWh: number };

/**
 * Bounds on the net energy e_k after slots 1..n (index k − 1), Wh, as the model states them
 * (±Infinity: none).
 */
export function energyBounds(m: ModelBasis, objective: CostObjective | { kind: 'energy' }): { lb: number[]; ub: number[] } {
  const n = m.slots.length;
  const anyDischarge = m.usableDischargeW.some((w) => w > 0);
  const lbs: number[] = [];
  const ubs: number[] = [];
  let reachable = 0;
  for (let k = 1; k <= n; k++) {
    reachable += m.usableChargeW[k - 1] * m.hours[k - 1];
    const last = k === n;
    let lb = -Infinity;
    let ub = Infinity;
    if (m.s0 !== undefined) {
      const lower = Math.min(m.minWh ?? 0, m.s0 + reachable) - m.s0;
      const upper = m.upperWh! - m.s0;
      if (last && objective.kind === 'cost') {
        // a need at the battery's headroom can come out a rounding above it (SoC in %): never lb > ub
        ub = Math.min(upper, objective.upperWh);
        lb = Math.min(Math.max(lower, objective.needWh), ub);
      } else [lb, ub] = [lower, upper];
    } else if (anyDischarge || last) {
      // battery unknown: never below what was there at the start; never above the need
      if (objective.kind === 'cost') ub = objective.upperWh;
      lb = last && objective.kind === 'cost' ? objective.needWh : 0;
    }
    lbs.push(lb);
    ubs.push(ub);
  }
  return { lb: lbs, ub: ubs };
}

/**
 * The model. `objective` 'cost' minimises the cost with need ≤ E_n ≤ upper; 'energy' maximises
 * E_n (the most the limits allow, for an infeasible need).
 */
export function buildModel(m: ModelBasis, objective: CostObjective | { kind: 'energy' }): LinearModel {
  const n = m.slots.length;
  const vars: LinearVar[] = [];
  const rows: LinearRow[] = [];
  let integer = false;
  const anyDischarge = m.usableDischargeW.some((w) => w > 0);
  for (let i = 0; i < n; i++) {
    const h = m.hours[i];
    // the energy objective is e_n itself (below)
    const cCost = objective.kind === 'cost' ? chargeCostPerWh(m, i) * h * COST_SCALE : 0;
    const dCost = objective.kind === 'cost' ? dischargeCostPerWh(m, i) * h * COST_SCALE : 0;
    vars.push({ name: `c${i}`, lb: 0, ub: m.usableChargeW[i], cost: cCost });
    if (anyDischarge) vars.push({ name: `d${i}`, lb: 0, ub: m.usableDischargeW[i], cost: dCost });
    const canC = m.usableChargeW[i] > 0;
    const canD = anyDischarge && m.usableDischargeW[i] > 0;
    const needY = canC && (m.minChargeW > 0 || (m.exclusive && canD && m.minDischargeW === 0));
    const needZ = canD && m.minDischargeW > 0;
    if (needY) {
      integer = true;
      vars.push({ name: `y${i}`, lb: 0, ub: 1, cost: 0, binary: true });
      rows.push({ name: `cOn${i}`, terms: [[`c${i}`, 1], [`y${i}`, -m.usableChargeW[i]]], ub: 0 });
      if (m.minChargeW > 0) rows.push({ name: `cMin${i}`, terms: [[`c${i}`, 1], [`y${i}`, -m.minChargeW]], lb: 0 });
    }
    if (needZ) {
      integer = true;
      vars.push({ name: `z${i}`, lb: 0, ub: 1, cost: 0, binary: true });
      rows.push({ name: `dOn${i}`, terms: [[`d${i}`, 1], [`z${i}`, -m.usableDischargeW[i]]], ub: 0 });
      rows.push({ name: `dMin${i}`, terms: [[`d${i}`, 1], [`z${i}`, -m.minDischargeW]], lb: 0 });
    }
    if (m.exclusive && canC && canD) {
      if (needY && needZ) rows.push({ name: `x${i}`, terms: [[`y${i}`, 1], [`z${i}`, 1]], ub: 1 });
      else if (needY) rows.push({ name: `x${i}`, terms: [[`d${i}`, 1], [`y${i}`, m.usableDischargeW[i]]], ub: m.usableDischargeW[i] });
      else if (needZ) rows.push({ name: `x${i}`, terms: [[`c${i}`, 1], [`z${i}`, m.usableChargeW[i]]], ub: m.usableChargeW[i] });
    }
  }
  // the net energy after k slots as a state variable e_k, with e_k = e_{k−1} + c·h − d·h/RTE: a
  // sparse model (4 terms a row rather than up to 2k), about four times faster to solve than the
  // same bounds on Σ_{i<k} rows
  const bounds = energyBounds(m, objective);
  for (let k = 1; k <= n; k++) {
    const last = k === n;
    const cost = objective.kind === 'energy' && last ? 1 : 0;
    vars.push({ name: `e${k}`, lb: bounds.lb[k - 1], ub: bounds.ub[k - 1], cost });
    const terms: [string, number][] = [[`e${k}`, 1], [`c${k - 1}`, -m.hours[k - 1]]];
    if (anyDischarge) terms.push([`d${k - 1}`, m.hours[k - 1] / m.rte]);
    if (k > 1) terms.push([`e${k - 1}`, -1]);
    rows.push({ name: `s${k}`, terms, lb: 0, ub: 0 });
  }
  if (anyDischarge && m.budgetWh !== undefined) {
    rows.push({ name: 'budget', terms: m.slots.map((_, i) => [`d${i}`, m.hours[i]] as [string, number]), ub: m.budgetWh });
  }
  return { direction: objective.kind === 'cost' ? 'min' : 'max', vars, rows, integer };
}

/**
 * The most net energy the limits allow by departure, in closed form where there is one: with no
 * minimum charge power in play, charging at every slot's limit from the start until the headroom
 * keeps every row (a discharge never adds energy). undefined: a minimum charge power makes it a
 * MILP of its own (the last slot cannot be filled partly).
 */
export function mostEnergyWh(m: ModelBasis): number | undefined {
  if (m.minChargeW > 0 && m.usableChargeW.some((w) => w > 0)) return undefined;
  let reachable = 0;
  for (let i = 0; i < m.slots.length; i++) reachable += m.usableChargeW[i] * m.hours[i];
  return m.s0 !== undefined ? Math.min(m.upperWh! - m.s0, reachable) : reachable;
}
