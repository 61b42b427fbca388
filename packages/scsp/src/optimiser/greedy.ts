// The exact fast path for charge-only schedules (V1G) without a minimum charge power.
//
// There the model of model.ts has only charge powers c_i ∈ [0, u_i], the net energy E_k is
// non-decreasing, and its rows reduce to
//   battery known:   E_k ≥ lower_k = min(Smin, s0 + R_k) − s0   (R_k: the most that can be charged by k)
//                    E_n ≤ U − s0                               (E_k ≤ E_n: the earlier upper rows hold)
//   battery unknown: E_n = the need                             (no other row)
// The lower rows force a prefix: charge at full power from the start until Smin is reached (the
// least E_k that meets every lower_k; more only raises E_k). What is left is a box per slot and a
// bound on the total: a fractional knapsack, which filling the cheapest slots first solves exactly.
// The order is the LP's own objective per Wh: price/1000 plus its tie term 1e-9·i/n, so among equal
// prices the earlier slot comes first. With the battery known the LP keeps charging past the need
// while a slot pays (a negative price), up to the headroom; so does this.
import type { ModelBasis } from './model.js';

/** The greedy plan is exact for this problem: no usable discharge and no minimum charge power in play. */
export function greedyApplies(m: ModelBasis): boolean {
  if (m.usableDischargeW.some((w) => w > 0)) return false;
  return !(m.minChargeW > 0 && m.usableChargeW.some((w) => w > 0));
}

/**
 * The least-cost charge powers (W per slot) that put `needWh` (≤ greedyMostEnergy) into the EV,
 * with the same optimum as the LP of model.ts for the same need.
 */
export function greedyPowers(m: ModelBasis, needWh: number): number[] {
  const n = m.slots.length;
  const c = new Array<number>(n).fill(0);
  // energy that can still go into slot i, Wh
  const room = m.usableChargeW.map((w, i) => w * m.hours[i]);
  let total = 0;
  const add = (i: number, wh: number): void => {
    if (!(wh > 0)) return;
    room[i] -= wh;
    c[i] = room[i] <= 0 ? m.usableChargeW[i] : c[i] + wh / m.hours[i];
    total += wh;
  };
  // below the minimum SoC: charged up to it first, at full power from the start
  if (m.s0 !== undefined && m.minWh !== undefined && m.minWh > m.s0) {
    const forced = m.minWh - m.s0;
    for (let i = 0; i < n && total < forced; i++) add(i, Math.min(room[i], forced - total));
  }
  const headroom = m.s0 !== undefined ? m.upperWh! - m.s0 : needWh;
  const key = m.slots.map((s, i) => s.importPrice / 1000 + 1e-9 * (i / Math.max(1, n)));
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => key[a] - key[b] || a - b);
  for (const i of order) {
    // up to the need; past it only while a slot earns money (battery known: up to the headroom).
    // The keys ascend, so once a slot's limit is reached, every later one's is too.
    const limit = key[i] < 0 ? Math.max(headroom, needWh) : needWh;
    if (total >= limit) break;
    add(i, Math.min(room[i], limit - total));
  }
  return c;
}
