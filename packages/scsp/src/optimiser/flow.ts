// The exact fast path for V2G schedules without binaries: the LP of model.ts as a min-cost flow.
//
// Where the model has no binaries (a usable discharge, no minimum powers, and no slot where a
// charge and a discharge at once could pay: export ≤ import/RTE wherever both are usable), the LP
// is a network flow once the energy is counted in the battery, in Wh:
//   x_i = c_i·h_i ∈ [0, u_i·h_i]         into the battery in slot i, cost a_i per Wh (the import
//                                         price plus the LP's earlier-first tie term)
//   y_i = d_i·h_i/RTE ∈ [0, v_i·h_i/RTE]  out of the battery in slot i, cost b_i = RTE·(−export
//                                         price + the LP's tie term) per Wh
//   e_k ∈ [lb_k, ub_k]                    the net energy after k slots, with the model's own bounds
//   Σ y_i ≤ budget/RTE                    the V2X budget (Σ d_i·h_i ≤ budget)
// The network: a source S, a sink T, a budget node D and a node N_i per slot. S→N_i carries x_i,
// N_i→D carries y_i, N_{k−1}→N_k carries e_k (the last one N_{n−1}→T; cost 0), D→T carries Σ y_i
// (capacity: the budget), and T→S returns the flow (a circulation). Conservation at N_{k−1} is
// the model's row e_k = e_{k−1} + x − y, with e_0 = 0. Same variables, bounds and costs (tie
// terms included): the same LP, so the same optimum.
//
// The algorithm: successive shortest paths with potentials. Reduced-cost optimality (no residual
// arc with a negative reduced cost) holds throughout, so the flow is optimal once it is feasible:
//   1. the lower bounds of the e_k arcs become supplies and demands (e = lb + e', e' ≥ 0); the
//      bounds are constant over long runs of slots, so few nodes get any;
//   2. the network without T→S is acyclic: shortest distances in topological order (from a
//      virtual source at 0) are potentials under which every arc's reduced cost is ≥ 0. Only
//      T→S can then be negative (a path S→…→T that pays: arbitrage, or a negative price). It is
//      saturated at a capacity no solution exceeds (all the charge possible); its flow then
//      comes back to T over the cheapest paths first, the rest over its reverse arc at cost 0;
//   3. repeatedly: shortest paths (reduced costs) from every node with an excess, the
//      potentials moved by the distances, and as much flow as fits from a source to the nearest
//      deficit. Each path saturates an arc or settles an imbalance: about 40 on 96 slots.
// The shortest paths use the graph's shape: a line of slot nodes and three hubs (S, D, T). A
// path visits each hub at most once, so the hubs are settled Dijkstra-fashion (the nearest
// first), and between two settlements the line's distances are swept forwards and backwards,
// only as far as they improve. That is a few linear passes a path, several times cheaper
// than a heap-based Dijkstra here.
// Floating point: residual capacities and imbalances at or below 1e-12 of the problem's scale
// are zero; reduced costs a rounding below 0 count as 0. The result is checked before it is
// used: the optimality certificate (every residual arc at a reduced cost ≥ 0), and every bound of
// the model (within 1e-6 Wh plus 1e-9 of the scale). A problem without a feasible flow is
// reported 'infeasible'; an iteration cap or a failed check 'gave-up'. Either way optimise.ts
// falls back to GLPK: never a wrong answer.
// Ties: among paths of equal cost the scan order decides (the lowest node first), so a schedule
// is deterministic. Where the LP's optimum is unique (the tie terms make most so), it is the LP's.
import { chargeCostPerWh, dischargeCostPerWh, energyBounds, type CostObjective, type ModelBasis } from './model.js';

/** The min-cost flow is exact for the model: a usable discharge and no binaries in it. */
export function flowApplies(m: ModelBasis): boolean {
  const anyDischarge = m.usableDischargeW.some((w) => w > 0);
  const anyCharge = m.usableChargeW.some((w) => w > 0);
  // exactly where buildModel (model.ts) adds no binary: exclusive slots and minimum powers need them
  return anyDischarge && !m.exclusive && !(m.minChargeW > 0 && anyCharge) && !(m.minDischargeW > 0);
}

export type FlowOutcome =
  | {
      status: 'optimal';
      /** per slot, W */
      chargeW: number[];
      dischargeW: number[];
      /** the LP's objective, unscaled (currency, tie terms included) */
      objective: number;
      /** shortest paths augmented */
      paths: number;
    }
  | { status: 'infeasible' | 'gave-up'; reason: string };

/** scratch arrays, reused from one solve to the next (a solve is synchronous) */
interface Buffers {
  from: Int32Array;
  to: Int32Array;
  cap: Float64Array;
  cost: Float64Array;
  balance: Float64Array;
  pi: Float64Array;
  dist: Float64Array;
  pred: Int32Array;
  mark: Int32Array;
}
let scratch: Buffers | undefined;
/** marks nodes changed in a sweep phase; the arrays' marks are never cleared, the stamp moves on */
let stamp = 0;

function buffers(nodes: number, arcs: number): Buffers {
  if (!scratch || scratch.from.length < arcs || scratch.balance.length < nodes) {
    const N = Math.max(nodes, 128);
    const A = Math.max(arcs, 6 * N);
    scratch = { from: new Int32Array(A), to: new Int32Array(A), cap: new Float64Array(A), cost: new Float64Array(A), balance: new Float64Array(N), pi: new Float64Array(N), dist: new Float64Array(N), pred: new Int32Array(N), mark: new Int32Array(N) };
    stamp = 0;
  }
  if (stamp > 1e9) {
    scratch.mark.fill(0);
    stamp = 0;
  }
  scratch.balance.fill(0, 0, nodes);
  scratch.pi.fill(0, 0, nodes);
  return scratch;
}

// nodes
const S = 0;
const T = 1;
const D = 2;
/** costs per kWh: currency amounts around 0.1 rather than 1e-4 */
const COST_UNIT = 1000;
/** reduced costs below 0 by at most this are rounding (currency per kWh) */
const COST_TOL = 1e-9;
/** shortestPaths' answers other than a node */
const DONE = -1;
const NO_EXCESS = -2;
const UNREACHABLE = -3;

/**
 * The least-cost charge and discharge powers for `objective` (the need, and the upper bound of
 * the last e_k), with the optimum of the LP that buildModel(m, objective) states.
 */
export function solveFlow(m: ModelBasis, objective: CostObjective, maxPaths = 20 * (m.slots.length + 3) + 100): FlowOutcome {
  const n = m.slots.length;
  if (n === 0) return { status: 'gave-up', reason: 'no slots' };
  const V = n + 3;
  // node of slot i: 3 + i. Arcs (forward a, its reverse a + 1): charge S→N_i at 2i, discharge
  // N_i→D at 2n + 2i, storage e_{k+1} at 4n + 2k (N_k→N_{k+1}; the last one N_{n−1}→T), the
  // budget D→T at 6n, the return T→S at 6n + 2
  const CH = 0;
  const DI = 2 * n;
  const ST = 4 * n;
  const BU = 6 * n;
  const RE = 6 * n + 2;
  const arcs = 6 * n + 4;
  const { from, to, cap, cost, balance, pi, dist, pred, mark } = buffers(V, arcs);
  const arc = (a: number, u: number, v: number, c: number, k: number): void => {
    from[a] = to[a + 1] = u;
    to[a] = from[a + 1] = v;
    cap[a] = c;
    cap[a + 1] = 0;
    cost[a] = k;
    cost[a + 1] = -k;
  };
  const bounds = energyBounds(m, objective);
  let chargeTotal = 0;
  let dischargeTotal = 0;
  let scale = 1;
  for (let i = 0; i < n; i++) {
    const x = m.usableChargeW[i] * m.hours[i];
    const y = (m.usableDischargeW[i] * m.hours[i]) / m.rte;
    chargeTotal += x;
    dischargeTotal += y;
    arc(CH + 2 * i, S, 3 + i, x, chargeCostPerWh(m, i) * COST_UNIT);
    arc(DI + 2 * i, 3 + i, D, y, m.rte * dischargeCostPerWh(m, i) * COST_UNIT);
  }
  for (let k = 0; k < n; k++) {
    const lb = bounds.lb[k];
    const ub = bounds.ub[k];
    if (!Number.isFinite(lb) || !Number.isFinite(ub)) return { status: 'gave-up', reason: `e${k + 1} has an infinite bound` };
    scale = Math.max(scale, Math.abs(lb), Math.abs(ub));
  }
  scale = Math.max(scale, chargeTotal, dischargeTotal);
  const eps = 1e-12 * scale;
  for (let k = 0; k < n; k++) {
    const lb = bounds.lb[k];
    const ub = bounds.ub[k];
    if (ub - lb < -eps) return { status: 'infeasible', reason: `e${k + 1}: lower bound ${lb} above upper bound ${ub}` };
    const u = 3 + k;
    const v = k < n - 1 ? 4 + k : T;
    arc(ST + 2 * k, u, v, Math.max(0, ub - lb), 0);
    balance[u] -= lb;
    balance[v] += lb;
  }
  arc(BU, D, T, m.budgetWh !== undefined ? m.budgetWh / m.rte : dischargeTotal + 1, 0);
  arc(RE, T, S, chargeTotal * (1 + 1e-9) + 1, 0);

  // potentials: shortest distances in the acyclic network without T→S (topological order S,
  // N_0…N_{n−1}, D, T; a virtual source at 0 reaches every node)
  const lower = (a: number): void => {
    if (cap[a] > eps && pi[from[a]] + cost[a] < pi[to[a]]) pi[to[a]] = pi[from[a]] + cost[a];
  };
  for (let i = 0; i < n; i++) {
    lower(CH + 2 * i);
    if (i > 0) lower(ST + 2 * (i - 1));
  }
  for (let i = 0; i < n; i++) lower(DI + 2 * i);
  lower(BU);
  lower(ST + 2 * (n - 1));
  // saturate every arc still negative under them (T→S only)
  for (let a = 0; a < arcs; a++) {
    if (cap[a] > eps && cost[a] + pi[from[a]] - pi[to[a]] < -COST_TOL) {
      balance[from[a]] -= cap[a];
      balance[to[a]] += cap[a];
      cap[a ^ 1] += cap[a];
      cap[a] = 0;
    }
  }

  const settled = new Uint8Array(3);
  /** relaxes arc a into a node not settled; true when it improved */
  const relax = (a: number): boolean => {
    if (cap[a] <= eps) return false;
    const u = from[a];
    const v = to[a];
    const du = dist[u];
    if (du === Infinity) return false;
    const rc = cost[a] + pi[u] - pi[v];
    const dv = rc > 0 ? du + rc : du;
    if (dv < dist[v]) {
      dist[v] = dv;
      pred[v] = a;
      return true;
    }
    return false;
  };
  /** line nodes lo..hi marked with the stamp relax their arcs into the hubs not settled */
  const toHubs = (lo: number, hi: number): void => {
    for (let i = lo; i <= hi; i++) {
      if (mark[3 + i] !== stamp) continue;
      if (settled[S] === 0) relax(CH + 2 * i + 1);
      if (settled[D] === 0) relax(DI + 2 * i);
    }
    if (hi === n - 1 && mark[2 + n] === stamp && settled[T] === 0) relax(ST + 2 * (n - 1));
  };
  /** the line's distances swept forwards from lo and backwards from hi, as far as they improve */
  const sweep = (lo: number, hi: number): [number, number] => {
    // past the outermost marked node, a node not improved ends the sweep
    for (let i = lo + 1; i < n; i++) {
      if (mark[2 + i] === stamp && relax(ST + 2 * (i - 1))) mark[3 + i] = stamp;
      if (mark[3 + i] === stamp) hi = Math.max(hi, i);
      else if (i >= hi) break;
    }
    for (let i = hi - 1; i >= 0; i--) {
      if (mark[4 + i] === stamp && relax(ST + 2 * i + 1)) mark[3 + i] = stamp;
      if (mark[3 + i] === stamp) lo = Math.min(lo, i);
      else if (i <= lo) break;
    }
    return [lo, hi];
  };
  /** hub h settled: its arcs into the line and the other hubs relaxed, the line swept */
  const settle = (h: number): void => {
    settled[h] = 1;
    stamp++;
    let lo = n;
    let hi = -1;
    if (h === T) {
      if (relax(ST + 2 * (n - 1) + 1)) {
        mark[2 + n] = stamp;
        lo = hi = n - 1;
      }
      if (settled[S] === 0) relax(RE);
      if (settled[D] === 0) relax(BU + 1);
    } else {
      // S into every slot by its charge arc; D by its discharge arcs' reverses
      const first = h === S ? CH : DI + 1;
      for (let i = 0; i < n; i++) {
        if (relax(first + 2 * i)) {
          mark[3 + i] = stamp;
          if (lo > i) lo = i;
          hi = i;
        }
      }
      if (settled[T] === 0) relax(h === S ? RE + 1 : BU);
    }
    if (hi < 0) return;
    const [a, b] = sweep(lo, hi);
    toHubs(a, b);
  };
  /**
   * Shortest distances (reduced costs) from every node with an excess; the nearest deficit, or
   * DONE (no deficit left), NO_EXCESS (a deficit but no excess: rounding) or UNREACHABLE.
   */
  const shortestPaths = (): number => {
    stamp++;
    let lo = n;
    let hi = -1;
    let excess = false;
    let deficit = false;
    for (let v = 0; v < V; v++) {
      pred[v] = -1;
      const b = balance[v];
      if (b > eps) {
        excess = true;
        dist[v] = 0;
        if (v >= 3) {
          mark[v] = stamp;
          if (v - 3 < lo) lo = v - 3;
          hi = v - 3;
        }
      } else {
        if (b < -eps) deficit = true;
        dist[v] = Infinity;
      }
    }
    if (!deficit) return DONE;
    if (!excess) return NO_EXCESS;
    settled[S] = settled[T] = settled[D] = 0;
    if (hi >= 0) {
      const [a, b] = sweep(lo, hi);
      toHubs(a, b);
    }
    for (;;) {
      let h = -1;
      for (let g = 0; g < 3; g++) if (settled[g] === 0 && dist[g] < Infinity && (h < 0 || dist[g] < dist[h])) h = g;
      if (h < 0) break;
      settle(h);
    }
    let target = UNREACHABLE;
    for (let v = 0; v < V; v++) if (balance[v] < -eps && dist[v] < Infinity && (target < 0 || dist[v] < dist[target])) target = v;
    return target;
  };

  let paths = 0;
  for (;; paths++) {
    const target = shortestPaths();
    if (target === DONE) break;
    if (target === NO_EXCESS) return { status: 'gave-up', reason: 'a deficit without an excess (rounding)' };
    if (target === UNREACHABLE) return { status: 'infeasible', reason: 'no excess can reach a deficit: the bounds cannot all be kept' };
    if (paths >= maxPaths) return { status: 'gave-up', reason: `no optimum after ${paths} paths` };
    const dt = dist[target];
    for (let v = 0; v < V; v++) pi[v] += dist[v] < dt ? dist[v] : dt;
    // the path back to its source, and the most that fits along it
    let delta = -balance[target];
    let source = target;
    for (let a = pred[source]; a >= 0; a = pred[source]) {
      if (cap[a] < delta) delta = cap[a];
      source = from[a];
    }
    if (balance[source] < delta) delta = balance[source];
    for (let a = pred[target]; a >= 0; a = pred[from[a]]) {
      cap[a] -= delta;
      cap[a ^ 1] += delta;
    }
    balance[source] -= delta;
    balance[target] += delta;
  }

  // the optimality certificate: no residual arc with a negative reduced cost
  for (let a = 0; a < arcs; a++) {
    if (cap[a] > eps && cost[a] + pi[from[a]] - pi[to[a]] < -COST_TOL) return { status: 'gave-up', reason: `arc ${a} has a negative reduced cost: not optimal` };
  }
  // the flows, and every bound of the model checked on them
  const tol = 1e-6 + 1e-9 * scale;
  const chargeW: number[] = [];
  const dischargeW: number[] = [];
  let e = 0;
  let out = 0;
  let obj = 0;
  for (let i = 0; i < n; i++) {
    const x = cap[CH + 2 * i + 1];
    const y = cap[DI + 2 * i + 1];
    const h = m.hours[i];
    if (x < -tol || x > m.usableChargeW[i] * h + tol || y < -tol || y > (m.usableDischargeW[i] * h) / m.rte + tol) return { status: 'gave-up', reason: `slot ${i}: a power outside its limits` };
    e += x - y;
    out += y;
    if (e < bounds.lb[i] - tol || e > bounds.ub[i] + tol) return { status: 'gave-up', reason: `e${i + 1} = ${e} outside [${bounds.lb[i]}, ${bounds.ub[i]}]` };
    obj += (x * cost[CH + 2 * i] + y * cost[DI + 2 * i]) / COST_UNIT;
    chargeW.push(x > eps ? Math.min(x / h, m.usableChargeW[i]) : 0);
    dischargeW.push(y > eps ? Math.min((y * m.rte) / h, m.usableDischargeW[i]) : 0);
  }
  if (m.budgetWh !== undefined && out * m.rte > m.budgetWh + tol) return { status: 'gave-up', reason: `the V2X budget exceeded: ${out * m.rte} Wh` };
  return { status: 'optimal', chargeW, dischargeW, objective: obj, paths };
}
