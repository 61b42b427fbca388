// The SCSP schedule optimiser against oracles written here, independently of its model:
//  - brute force: every combination of discretised power levels per slot, simulated and checked
//    against the problem's rules; on grid-aligned cases (all data multiples of the grid step, RTE 1
//    or V1G) the LP optimum lies on the grid, so both must agree; otherwise the LP is never worse;
//  - an independent LP (yalps, a different solver, the formulation written again here);
//  - property tests (fast-check): the need is met when feasible, limits, SoC bounds and the V2X
//    budget always hold, infeasible needs are reported with the most energy possible.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { solve as yalps, type Constraint } from 'yalps';
import { optimise, type OptimiseRequest, type ScheduleResult } from '@v2xsim/scsp';

const H = 3_600_000;
const T0 = Date.UTC(2026, 0, 1, 18);
const TOL_WH = 0.01;
const TOL_COST = 1e-4;

interface Case {
  prices: number[];
  exportPrices?: number[];
  capacityW?: number[];
  needWh: number;
  maxChargeW: number;
  minChargeW?: number;
  maxDischargeW?: number;
  minDischargeW?: number;
  rte?: number;
  budgetWh?: number;
  battery?: { capacityWh: number; socPercent: number; minSocPercent?: number; maxSocPercent?: number };
  v2g: boolean;
  /** slot length, ms; default an hour */
  stepMs?: number;
}

/** slots from T0 (an hour each unless stepMs says otherwise): slot i is step i */
function request(c: Case): OptimiseRequest {
  const step = c.stepMs ?? H;
  return {
    start: T0,
    departure: T0 + c.prices.length * step,
    prices: { points: c.prices.map((p, i) => ({ start: T0 + i * step, importPrice: p, ...(c.exportPrices ? { exportPrice: c.exportPrices[i] } : {}) })), currency: 'EUR' },
    energyNeedWh: c.needWh,
    ev: { maxChargeW: c.maxChargeW, ...(c.minChargeW ? { minChargeW: c.minChargeW } : {}), ...(c.maxDischargeW ? { maxDischargeW: c.maxDischargeW } : {}), ...(c.minDischargeW ? { minDischargeW: c.minDischargeW } : {}) },
    ...(c.capacityW ? { capacity: c.capacityW.map((w, i) => ({ start: T0 + i * step, maxW: w })) } : {}),
    ...(c.battery ? { battery: c.battery } : {}),
    ...(c.v2g ? { discharge: { roundTripEfficiency: c.rte ?? 1, ...(c.budgetWh !== undefined ? { budgetWh: c.budgetWh } : {}) } } : {}),
  };
}

// ---------------------------------------------------------------- the rules, written again

const chargeMax = (c: Case, i: number): number => Math.min(c.maxChargeW, c.capacityW?.[i] ?? Infinity);
const dischargeMax = (c: Case, i: number): number => (c.v2g ? Math.min(c.maxDischargeW ?? 0, c.capacityW?.[i] ?? Infinity) : 0);
const usable = (max: number, min = 0): number => (max >= min && max > 0 ? max : 0);


/** Simulates the slots' powers (W, negative = discharge): whether every rule holds, the cost and the net energy. */
function evaluate(c: Case, p: number[], tol = TOL_WH, noBatteryCap = c.needWh): { ok: boolean; why?: string; cost: number; netWh: number } {
  const rte = c.rte ?? 1;
  const h = (c.stepMs ?? H) / H;
  const b = c.battery;
  const s0 = b ? (b.capacityWh * b.socPercent) / 100 : 0;
  const smin = b ? (b.capacityWh * (b.minSocPercent ?? 0)) / 100 : 0;
  const smax = b ? Math.max((b.capacityWh * (b.maxSocPercent ?? 100)) / 100, s0) : Infinity;
  let net = 0;
  let cost = 0;
  let reach = 0;
  let discharged = 0;
  for (let i = 0; i < p.length; i++) {
    const w = p[i];
    const cmax = usable(chargeMax(c, i), c.minChargeW);
    const dmax = usable(dischargeMax(c, i), c.minDischargeW);
    if (w > cmax + 1e-6) return { ok: false, why: `slot ${i}: ${w} W above ${cmax}`, cost, netWh: net };
    if (-w > dmax + 1e-6) return { ok: false, why: `slot ${i}: discharge ${-w} W above ${dmax}`, cost, netWh: net };
    if (w > 1e-6 && w < (c.minChargeW ?? 0) - 1e-6) return { ok: false, why: `slot ${i}: ${w} W below the minimum`, cost, netWh: net };
    if (w < -1e-6 && -w < (c.minDischargeW ?? 0) - 1e-6) return { ok: false, why: `slot ${i}: discharge below the minimum`, cost, netWh: net };
    const price = w >= 0 ? c.prices[i] : (c.exportPrices?.[i] ?? c.prices[i]);
    cost += (price * w * h) / 1000;
    net += (w >= 0 ? w : w / rte) * h;
    if (w < 0) discharged -= w * h;
    reach += cmax * h;
    if (b) {
      if (s0 + net > smax + tol) return { ok: false, why: `slot ${i}: battery above max`, cost, netWh: net };
      if (s0 + net < Math.min(smin, s0 + reach) - tol) return { ok: false, why: `slot ${i}: battery below min`, cost, netWh: net };
    } else if (c.v2g && (net < -tol || net > noBatteryCap + tol)) return { ok: false, why: `slot ${i}: net ${net} outside [0, need]`, cost, netWh: net };
  }
  if (c.budgetWh !== undefined && discharged > c.budgetWh + tol) return { ok: false, why: 'V2X budget', cost, netWh: net };
  if (net < c.needWh - tol) return { ok: false, why: `net ${net} below the need ${c.needWh}`, cost, netWh: net };
  if (!b && net > noBatteryCap + tol) return { ok: false, why: 'above the need', cost, netWh: net };
  return { ok: true, cost, netWh: net };
}

/** The cheapest feasible combination of power levels (multiples of `stepW`, and each limit) per slot. */
function bruteForce(c: Case, stepW: number): { cost: number; powers: number[] } | undefined {
  const options = c.prices.map((_, i) => {
    const opts = new Set<number>([0]);
    const cmax = usable(chargeMax(c, i), c.minChargeW);
    const dmax = usable(dischargeMax(c, i), c.minDischargeW);
    for (const w of [cmax, ...Array.from({ length: Math.floor(cmax / stepW) }, (_, j) => (j + 1) * stepW)]) if (w > 0 && w >= (c.minChargeW ?? 0)) opts.add(w);
    for (const d of [dmax, ...Array.from({ length: Math.floor(dmax / stepW) }, (_, j) => (j + 1) * stepW)]) if (d > 0 && d >= (c.minDischargeW ?? 0)) opts.add(-d);
    return [...opts];
  });
  // battery unknown: exactly the need, or, when minimum powers make that impossible, more
  let cap = c.needWh;
  let best: { cost: number; powers: number[] } | undefined;
  const p: number[] = [];
  const walk = (i: number): void => {
    if (i === options.length) {
      const r = evaluate(c, p, 1e-6, cap);
      if (r.ok && (!best || r.cost < best.cost - 1e-12)) best = { cost: r.cost, powers: [...p] };
      return;
    }
    for (const w of options[i]) {
      p[i] = w;
      walk(i + 1);
    }
  };
  walk(0);
  if (!best && !c.battery && (c.minChargeW || c.minDischargeW)) {
    cap = Infinity;
    walk(0);
  }
  return best;
}

/** The same problem as a continuous LP, formulated again and solved by yalps (no minimum powers). */
function independentLp(c: Case): number | undefined {
  const n = c.prices.length;
  const rte = c.rte ?? 1;
  const b = c.battery;
  const s0 = b ? (b.capacityWh * b.socPercent) / 100 : 0;
  const smin = b ? (b.capacityWh * (b.minSocPercent ?? 0)) / 100 : 0;
  const smax = b ? Math.max((b.capacityWh * (b.maxSocPercent ?? 100)) / 100, s0) : Infinity;
  const constraints: Record<string, Constraint> = {};
  const variables: Record<string, Record<string, number>> = {};
  let reach = 0;
  for (let k = 1; k <= n; k++) {
    reach += chargeMax(c, k - 1);
    if (b) constraints[`e${k}`] = { min: Math.max(Math.min(smin, s0 + reach) - s0, k === n ? c.needWh : -Infinity), max: smax - s0 };
    else if (k === n) constraints[`e${k}`] = { min: c.needWh, max: c.needWh };
    else if (c.v2g) constraints[`e${k}`] = { min: 0, max: c.needWh };
  }
  if (c.budgetWh !== undefined) constraints.budget = { max: c.budgetWh };
  for (let i = 0; i < n; i++) {
    constraints[`cmax${i}`] = { max: chargeMax(c, i) };
    const cv: Record<string, number> = { cost: c.prices[i] / 1000, [`cmax${i}`]: 1 };
    for (let k = i + 1; k <= n; k++) cv[`e${k}`] = 1;
    variables[`c${i}`] = cv;
    if (c.v2g && dischargeMax(c, i) > 0) {
      constraints[`dmax${i}`] = { max: dischargeMax(c, i) };
      const dv: Record<string, number> = { cost: -(c.exportPrices?.[i] ?? c.prices[i]) / 1000, [`dmax${i}`]: 1, budget: 1 };
      for (let k = i + 1; k <= n; k++) dv[`e${k}`] = -1 / rte;
      variables[`d${i}`] = dv;
    }
  }
  const s = yalps({ direction: 'minimize', objective: 'cost', constraints, variables }, { precision: 1e-9 });
  return s.status === 'optimal' ? s.result : undefined;
}

// ---------------------------------------------------------------- generators

const price = fc.integer({ min: -5, max: 40 }).map((x) => x / 100);

/** all energies and powers on a 1 kWh / 1 kW grid: the LP optimum is then on the brute-force grid */
const alignedCase = (v2g: boolean, withBattery: boolean, withMin: boolean): fc.Arbitrary<Case> =>
  fc
    .record({
      n: fc.integer({ min: 2, max: 4 }),
      prices: fc.array(price, { minLength: 4, maxLength: 4 }),
      exportFactor: fc.constantFrom(1, 0.5),
      cap: fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 4, maxLength: 4 }),
      maxChargeKw: fc.integer({ min: 1, max: 4 }),
      minChargeKw: withMin ? fc.integer({ min: 0, max: 2 }) : fc.constant(0),
      maxDischargeKw: fc.integer({ min: 1, max: 3 }),
      needKwh: fc.integer({ min: 0, max: 12 }),
      budgetKwh: fc.option(fc.integer({ min: 0, max: 4 }), { nil: undefined }),
      socKwh: fc.integer({ min: 0, max: 6 }),
      minSocKwh: fc.integer({ min: 0, max: 4 }),
      capacityKwh: fc.integer({ min: 8, max: 12 }),
    })
    .map((r) => ({
      prices: r.prices.slice(0, r.n),
      exportPrices: r.prices.slice(0, r.n).map((p) => p * r.exportFactor),
      capacityW: r.cap.slice(0, r.n).map((k) => k * 1000),
      needWh: r.needKwh * 1000,
      maxChargeW: r.maxChargeKw * 1000,
      ...(r.minChargeKw ? { minChargeW: r.minChargeKw * 1000 } : {}),
      ...(v2g ? { maxDischargeW: r.maxDischargeKw * 1000, rte: 1, ...(r.budgetKwh !== undefined ? { budgetWh: r.budgetKwh * 1000 } : {}) } : {}),
      ...(withBattery ? { battery: { capacityWh: r.capacityKwh * 1000, socPercent: (r.socKwh / r.capacityKwh) * 100, minSocPercent: (r.minSocKwh / r.capacityKwh) * 100 } } : {}),
      v2g,
    }));

const anyCase: fc.Arbitrary<Case> = fc
  .record({
    n: fc.integer({ min: 1, max: 12 }),
    prices: fc.array(price, { minLength: 12, maxLength: 12 }),
    exportPrices: fc.option(fc.array(price, { minLength: 12, maxLength: 12 }), { nil: undefined }),
    cap: fc.option(fc.array(fc.integer({ min: 0, max: 22_000 }), { minLength: 12, maxLength: 12 }), { nil: undefined }),
    maxChargeW: fc.integer({ min: 0, max: 22_000 }),
    minChargeW: fc.option(fc.integer({ min: 1, max: 6_000 }), { nil: undefined, freq: 3 }),
    maxDischargeW: fc.integer({ min: 0, max: 11_000 }),
    minDischargeW: fc.option(fc.integer({ min: 1, max: 4_000 }), { nil: undefined, freq: 3 }),
    rte: fc.integer({ min: 50, max: 100 }).map((x) => x / 100),
    needWh: fc.integer({ min: 0, max: 80_000 }),
    budgetWh: fc.option(fc.integer({ min: 0, max: 20_000 }), { nil: undefined }),
    battery: fc.option(
      fc.record({ capacityWh: fc.integer({ min: 20_000, max: 100_000 }), socPercent: fc.integer({ min: 0, max: 100 }), minSocPercent: fc.integer({ min: 0, max: 40 }), maxSocPercent: fc.integer({ min: 60, max: 100 }) }),
      { nil: undefined },
    ),
    v2g: fc.boolean(),
  })
  .map((r) => ({
    prices: r.prices.slice(0, r.n),
    ...(r.exportPrices ? { exportPrices: r.exportPrices.slice(0, r.n) } : {}),
    ...(r.cap ? { capacityW: r.cap.slice(0, r.n) } : {}),
    needWh: r.needWh,
    maxChargeW: r.maxChargeW,
    ...(r.minChargeW !== undefined ? { minChargeW: r.minChargeW } : {}),
    maxDischargeW: r.maxDischargeW,
    ...(r.minDischargeW !== undefined ? { minDischargeW: r.minDischargeW } : {}),
    rte: r.rte,
    ...(r.budgetWh !== undefined ? { budgetWh: r.budgetWh } : {}),
    ...(r.battery ? { battery: r.battery } : {}),
    v2g: r.v2g,
  }));

/** the most net energy, when it has a closed form: no minimum power (charge at the limit until full) */
function mostEnergy(c: Case): number {
  const sum = c.prices.reduce((a, _, i) => a + chargeMax(c, i) * ((c.stepMs ?? H) / H), 0);
  if (!c.battery) return sum;
  const b = c.battery;
  const s0 = (b.capacityWh * b.socPercent) / 100;
  return Math.min(sum, Math.max((b.capacityWh * (b.maxSocPercent ?? 100)) / 100, s0) - s0);
}

function checkInvariants(c: Case, r: ScheduleResult): void {
  expect(r.slotPowerW).toHaveLength(c.prices.length);
  // the periods tile [start, departure)
  expect(r.periods[0].start).toBe(T0);
  expect(r.periods[r.periods.length - 1].end).toBe(T0 + c.prices.length * (c.stepMs ?? H));
  for (let i = 1; i < r.periods.length; i++) expect(r.periods[i].start).toBe(r.periods[i - 1].end);
  // battery unknown, minimum powers: more than the need when the need cannot be hit exactly
  const cap = !c.battery && r.notes.some((n) => /cannot be met exactly/.test(n)) ? Infinity : c.needWh;
  if (r.feasible) {
    const v = evaluate(c, r.slotPowerW, TOL_WH, cap);
    expect(v.ok, v.why).toBe(true);
    expect(r.energyWh).toBeGreaterThanOrEqual(c.needWh - TOL_WH);
    expect(r.cost).toBeCloseTo(v.cost, 6);
  } else {
    // best effort: every rule but the need, and as much energy as the limits allow
    const v = evaluate({ ...c, needWh: r.energyWh - TOL_WH }, r.slotPowerW, TOL_WH, r.energyWh + TOL_WH);
    expect(v.ok, v.why).toBe(true);
    expect(c.needWh).toBeGreaterThan(r.maxAchievableWh);
    expect(r.energyWh).toBeGreaterThanOrEqual(r.maxAchievableWh - 2 * TOL_WH);
    expect(r.shortfallWh).toBeGreaterThan(0);
    expect(r.status).toBe('best-effort');
  }
  if (!c.minChargeW) expect(r.maxAchievableWh).toBeCloseTo(mostEnergy(c), 3);
  if (!c.v2g) expect(Math.min(...r.slotPowerW)).toBeGreaterThanOrEqual(0);
  if (c.budgetWh !== undefined) expect(r.dischargedWh).toBeLessThanOrEqual(c.budgetWh + TOL_WH);
  if (r.batteryWh && c.battery) {
    const min = (c.battery.capacityWh * (c.battery.minSocPercent ?? 0)) / 100;
    const s0 = r.batteryWh[0];
    // once at or above the minimum SoC, a discharge never takes it below
    r.batteryWh.forEach((s, k) => {
      if (k > 0 && r.slotPowerW[k - 1] < 0) expect(s).toBeGreaterThanOrEqual(Math.min(min, s0) - TOL_WH);
    });
  }
}

// ---------------------------------------------------------------- tests

describe('optimiser: worked examples', () => {
  const prices = [0.3, 0.25, 0.1, 0.05, 0.06, 0.2, 0.35, 0.4];

  it('V1G: fills the cheapest hours first, at the EV limit', async () => {
    const r = await optimise(request({ prices, needWh: 20_000, maxChargeW: 11_000, v2g: false }));
    expect(r.status).toBe('optimal');
    expect(r.method).toBe('greedy');
    expect(r.slotPowerW).toEqual([0, 0, 0, 11_000, 9_000, 0, 0, 0]);
    const lp = await optimise(request({ prices, needWh: 20_000, maxChargeW: 11_000, v2g: false }), { solver: 'lp' });
    expect(lp.method).toBe('lp');
    expect(lp.slotPowerW).toEqual(r.slotPowerW);
    expect(r.cost).toBeCloseTo(11 * 0.05 + 9 * 0.06, 9);
    expect(r.energyWh).toBeCloseTo(20_000, 6);
  });

  it('V2G: discharges at the peak and recharges in the valley only where the spread beats 1/RTE', async () => {
    // spread 0.40/0.05 = 8 > 1/0.85: worth a cycle; 0.25/0.10 = 2.5 too, 0.30/0.25 = 1.2 > 1.176 barely
    const c: Case = { prices, needWh: 10_000, maxChargeW: 11_000, maxDischargeW: 10_000, rte: 0.85, battery: { capacityWh: 60_000, socPercent: 50, minSocPercent: 20 }, v2g: true };
    const r = await optimise(request(c));
    expect(r.status).toBe('optimal');
    expect(r.dischargedWh).toBeGreaterThan(0);
    expect(Math.min(...r.slotPowerW)).toBeLessThan(0);
    const v1g = await optimise(request({ ...c, v2g: false }));
    expect(r.cost).toBeLessThan(v1g.cost);
    checkInvariants(c, r);
    // the cheap hours charge, the dear ones discharge
    expect(r.slotPowerW[3]).toBeGreaterThan(0);
    expect(r.slotPowerW[7]).toBeLessThan(0);
  });

  it('V2G: no cycle when the spread does not beat the round-trip losses', async () => {
    const flat = [0.2, 0.22, 0.2, 0.22];
    const r = await optimise(request({ prices: flat, needWh: 5_000, maxChargeW: 11_000, maxDischargeW: 11_000, rte: 0.85, battery: { capacityWh: 60_000, socPercent: 50 }, v2g: true }));
    expect(r.dischargedWh).toBe(0);
    expect(r.cost).toBeCloseTo(5 * 0.2, 9);
  });

  it('V2G: the V2X budget caps the discharged energy; no budget left: V1G', async () => {
    const c: Case = { prices, needWh: 10_000, maxChargeW: 11_000, maxDischargeW: 10_000, rte: 0.9, budgetWh: 3_000, battery: { capacityWh: 60_000, socPercent: 50 }, v2g: true };
    const r = await optimise(request(c));
    expect(r.dischargedWh).toBeCloseTo(3_000, 3);
    const none = await optimise(request({ ...c, budgetWh: 0 }));
    expect(none.dischargedWh).toBe(0);
  });

  it('min SoC: an EV below it is charged up to it first, whatever the price', async () => {
    const r = await optimise(request({ prices, needWh: 20_000, maxChargeW: 10_000, battery: { capacityWh: 50_000, socPercent: 10, minSocPercent: 30 }, v2g: false }));
    // 5 kWh now, 15 kWh minimum: 10 kWh in the first (dearest) hour
    expect(r.slotPowerW[0]).toBeCloseTo(10_000, 3);
    expect(r.notes.join(' ')).toMatch(/below its minimum SoC/);
  });

  it('infeasible need: reported, with the most energy the limits allow at least cost', async () => {
    const r = await optimise(request({ prices: [0.3, 0.1], needWh: 30_000, maxChargeW: 11_000, v2g: false }));
    expect(r.feasible).toBe(false);
    expect(r.status).toBe('best-effort');
    expect(r.maxAchievableWh).toBeCloseTo(22_000, 6);
    expect(r.energyWh).toBeCloseTo(22_000, 1);
    expect(r.shortfallWh).toBeCloseTo(8_000, 1);
  });

  it('minimum charge power: no period between 0 and the minimum (MILP)', async () => {
    const r = await optimise(request({ prices: [0.1, 0.2, 0.3], needWh: 5_000, maxChargeW: 11_000, minChargeW: 4_000, capacityW: [3_000, 11_000, 11_000], v2g: false }));
    expect(r.method).toBe('milp');
    // hour 0 is cheapest but capped below the EV's minimum: unusable
    expect(r.slotPowerW).toEqual([0, 5_000, 0]);
  });

  it('a need exactly at the most energy the limits allow is met (the solver\'s rounding is absorbed)', async () => {
    // found by the RTE property test: the cost LP with need = max energy came back 'undefined'
    const c: Case = { prices: [0, 0, 0], exportPrices: [0, 0, 0], capacityW: [1000, 3000, 3000], needWh: 7000, maxChargeW: 3000, maxDischargeW: 1000, rte: 0.7, battery: { capacityWh: 12000, socPercent: (5000 / 12000) * 100, minSocPercent: 0 }, v2g: true };
    const r = await optimise(request(c));
    expect(r.feasible).toBe(true);
    expect(r.energyWh).toBeCloseTo(7000, 2);
    checkInvariants(c, r);
  });

  it('prices held past their horizon are noted; bad input is refused', async () => {
    const r = await optimise({ ...request({ prices: [0.1], needWh: 1_000, maxChargeW: 11_000, v2g: false }), departure: T0 + 3 * H });
    expect(r.notes.join(' ')).toMatch(/last price is held/);
    await expect(optimise({ ...request({ prices: [0.1], needWh: 1_000, maxChargeW: 11_000, v2g: false }), departure: T0 })).rejects.toThrow(/departure/);
    await expect(optimise(request({ prices: [0.1], needWh: -1, maxChargeW: 11_000, v2g: false }))).rejects.toThrow(/energy need/);
  });
});

describe('optimiser: oracles', () => {
  it('V1G equals brute force on grid-aligned cases', async () => {
    await fc.assert(
      fc.asyncProperty(alignedCase(false, false, false), async (c) => {
        const r = await optimise(request(c));
        const bf = bruteForce(c, 1000);
        expect(r.feasible).toBe(bf !== undefined);
        if (bf) expect(r.cost).toBeCloseTo(bf.cost, 4);
      }),
      { numRuns: 60 },
    );
  });

  it('V1G with a minimum power (MILP) equals brute force', async () => {
    await fc.assert(
      fc.asyncProperty(alignedCase(false, false, true), async (c) => {
        const r = await optimise(request(c));
        const bf = bruteForce(c, 1000);
        expect(r.feasible).toBe(bf !== undefined);
        if (bf) expect(r.cost).toBeCloseTo(bf.cost, 4);
      }),
      { numRuns: 60 },
    );
  });

  it('V2G with a battery (RTE 1) equals brute force on grid-aligned cases', async () => {
    await fc.assert(
      fc.asyncProperty(alignedCase(true, true, false), async (c) => {
        const r = await optimise(request(c));
        const bf = bruteForce(c, 1000);
        expect(r.feasible).toBe(bf !== undefined);
        if (bf) expect(r.cost).toBeCloseTo(bf.cost, 4);
      }),
      { numRuns: 60 },
    );
  });

  it('V2G with RTE < 1: never worse than brute force, equal to an independent LP (yalps)', async () => {
    await fc.assert(
      fc.asyncProperty(alignedCase(true, true, false), fc.integer({ min: 70, max: 99 }), async (aligned, rtePct) => {
        const rte = rtePct / 100;
        // simultaneous charge and discharge (paying where export > import/RTE) are not modelled in the independent LP
        const c = { ...aligned, rte, exportPrices: aligned.exportPrices!.map((e, i) => Math.min(e, aligned.prices[i], aligned.prices[i] / rte)) };
        const r = await optimise(request(c));
        const bf = bruteForce(c, 500);
        if (bf) expect(r.cost).toBeLessThanOrEqual(bf.cost + TOL_COST);
        if (r.feasible) {
          const lp = independentLp(c);
          expect(lp).toBeDefined();
          expect(r.cost).toBeCloseTo(lp!, 4);
        }
      }),
      { numRuns: 60 },
    );
  });

  it('continuous cases without minimum powers equal the independent LP', async () => {
    await fc.assert(
      fc.asyncProperty(anyCase, async (any) => {
        const c: Case = { ...any };
        delete c.minChargeW;
        delete c.minDischargeW;
        // simultaneous charge and discharge are a MILP in the optimiser, and not modelled in the independent LP
        const rte = c.rte ?? 1;
        if (c.v2g) c.exportPrices = (c.exportPrices ?? c.prices).map((e, i) => Math.min(e, c.prices[i], c.prices[i] / rte));
        const r = await optimise(request(c));
        checkInvariants(c, r);
        if (r.feasible) {
          const lp = independentLp(c);
          expect(lp).toBeDefined();
          expect(r.cost).toBeCloseTo(lp!, 3);
        }
      }),
      { numRuns: 80 },
    );
  });
});

// ---------------------------------------------------------------- the greedy fast path

/**
 * Charge-only cases, the greedy plan's domain: V1G, or V2G allowed but the EV cannot discharge; no
 * minimum charge power. Prices from a short list (many ties, negative and zero too) or any; hourly
 * or quarter-hourly slots; batteries below their minimum SoC, above their maximum, full or empty.
 */
const chargeOnlyCase: fc.Arbitrary<Case> = fc
  .record({
    n: fc.integer({ min: 1, max: 96 }),
    ties: fc.boolean(),
    listed: fc.array(fc.constantFrom(-0.02, 0, 0.05, 0.1, 0.1, 0.2), { minLength: 96, maxLength: 96 }),
    prices: fc.array(price, { minLength: 96, maxLength: 96 }),
    cap: fc.option(fc.array(fc.integer({ min: 0, max: 22_000 }), { minLength: 96, maxLength: 96 }), { nil: undefined }),
    maxChargeW: fc.integer({ min: 0, max: 22_000 }),
    needWh: fc.integer({ min: 0, max: 120_000 }),
    battery: fc.option(
      fc.record({ capacityWh: fc.integer({ min: 20_000, max: 100_000 }), socPercent: fc.integer({ min: 0, max: 100 }), minSocPercent: fc.integer({ min: 0, max: 60 }), maxSocPercent: fc.integer({ min: 60, max: 100 }) }),
      { nil: undefined },
    ),
    v2gWithoutDischarge: fc.boolean(),
    quarterHours: fc.boolean(),
  })
  .map((r) => ({
    prices: (r.ties ? r.listed : r.prices).slice(0, r.n),
    ...(r.cap ? { capacityW: r.cap.slice(0, r.n) } : {}),
    needWh: r.needWh,
    maxChargeW: r.maxChargeW,
    ...(r.battery ? { battery: r.battery } : {}),
    ...(r.v2gWithoutDischarge ? { rte: 0.9 } : {}),
    v2g: r.v2gWithoutDischarge,
    ...(r.quarterHours ? { stepMs: H / 4 } : {}),
  }));

/** the greedy result and the LP's for the same request: the same optimum */
function expectSameOptimum(greedy: ScheduleResult, lp: ScheduleResult): void {
  expect(greedy.method).toBe('greedy');
  expect(lp.method).toBe('lp');
  expect(greedy.feasible).toBe(lp.feasible);
  expect(greedy.status).toBe(lp.status);
  expect(greedy.notes).toEqual(lp.notes);
  expect(greedy.maxAchievableWh).toBeCloseTo(lp.maxAchievableWh, 3);
  // the one freedom: energy past the need at a price of exactly 0 costs nothing; in the LP's
  // objective only its earlier-first tie term (≤ 1e-9/Wh, below GLPK's tolerances), so the LP may
  // take it or not; the greedy plan charges past the need only where it earns money
  const hours = greedy.slots.map((s) => (s.end - s.start) / H);
  const free = greedy.slots.reduce((a, s, i) => a + (s.importPrice === 0 ? Math.abs(greedy.slotPowerW[i] - lp.slotPowerW[i]) * hours[i] : 0), 0);
  expect(Math.abs(greedy.energyWh - lp.energyWh)).toBeLessThanOrEqual(TOL_WH + free);
  expect(Math.abs(greedy.shortfallWh - lp.shortfallWh)).toBeLessThanOrEqual(TOL_WH);
  expect(Math.abs(greedy.cost - lp.cost)).toBeLessThanOrEqual(TOL_COST);
  expect(greedy.dischargedWh).toBe(0);
  expect(greedy.slots).toEqual(lp.slots);
}

describe('optimiser: the greedy fast path (V1G) equals the LP', () => {
  it('fills the cheapest slots first; among equal prices the earlier', async () => {
    const c: Case = { prices: [0.2, 0.1, 0.1, 0.3, 0.1], needWh: 15_000, maxChargeW: 10_000, v2g: false };
    const r = await optimise(request(c));
    expect(r.method).toBe('greedy');
    expect(r.slotPowerW).toEqual([0, 10_000, 5_000, 0, 0]);
    expectSameOptimum(r, await optimise(request(c), { solver: 'lp' }));
  });

  it('below the minimum SoC: charged there first at full power, whatever the price', async () => {
    const c: Case = { prices: [0.4, 0.3, 0.05, 0.05], needWh: 12_000, maxChargeW: 8_000, battery: { capacityWh: 50_000, socPercent: 10, minSocPercent: 30 }, v2g: false };
    const r = await optimise(request(c));
    // 5 kWh now, 15 kWh minimum: 8 kWh in hour 0, 2 kWh in hour 1, the other 2 kWh at the cheapest
    expect(r.slotPowerW).toEqual([8_000, 2_000, 2_000, 0]);
    expect(r.notes.join(' ')).toMatch(/below its minimum SoC/);
    expectSameOptimum(r, await optimise(request(c), { solver: 'lp' }));
  });

  it('negative prices: charges past the need up to the battery headroom; battery unknown: exactly the need', async () => {
    const known: Case = { prices: [-0.05, 0.1, -0.01], needWh: 5_000, maxChargeW: 11_000, battery: { capacityWh: 40_000, socPercent: 50, maxSocPercent: 90 }, v2g: false };
    const r = await optimise(request(known));
    expect(r.slotPowerW).toEqual([11_000, 0, 5_000]);
    expectSameOptimum(r, await optimise(request(known), { solver: 'lp' }));
    const unknown: Case = { prices: [-0.05, 0.1, -0.01], needWh: 5_000, maxChargeW: 11_000, v2g: false };
    const u = await optimise(request(unknown));
    expect(u.slotPowerW).toEqual([5_000, 0, 0]);
    expectSameOptimum(u, await optimise(request(unknown), { solver: 'lp' }));
  });

  it('infeasible: best effort with the most energy, noted the same way', async () => {
    const c: Case = { prices: [0.3, 0.1], needWh: 30_000, maxChargeW: 11_000, battery: { capacityWh: 60_000, socPercent: 80 }, v2g: true, rte: 0.9 };
    const r = await optimise(request(c));
    expect(r.status).toBe('best-effort');
    expect(r.maxAchievableWh).toBeCloseTo(12_000, 6);
    expect(r.notes.join(' ')).toMatch(/discharge power is not known/);
    expectSameOptimum(r, await optimise(request(c), { solver: 'lp' }));
  });

  it('V2G, a minimum charge power, a usable discharge: the min-cost flow or the MILP, never the greedy plan', async () => {
    const v2g = await optimise(request({ prices: [0.1, 0.3], needWh: 5_000, maxChargeW: 11_000, maxDischargeW: 5_000, rte: 0.9, battery: { capacityWh: 60_000, socPercent: 50 }, v2g: true }));
    expect(v2g.method).toBe('flow');
    const min = await optimise(request({ prices: [0.1, 0.3], needWh: 5_000, maxChargeW: 11_000, minChargeW: 2_000, v2g: false }));
    expect(min.method).toBe('milp');
  });

  it('random charge-only cases: the same cost, energy and feasibility as the LP, every rule kept', async () => {
    await fc.assert(
      fc.asyncProperty(chargeOnlyCase, async (c) => {
        const greedy = await optimise(request(c));
        checkInvariants(c, greedy);
        expectSameOptimum(greedy, await optimise(request(c), { solver: 'lp' }));
      }),
      { numRuns: 150 },
    );
  });
});

describe('optimiser: properties', () => {
  it('the need is met when feasible; limits, SoC bounds and the V2X budget always hold', async () => {
    await fc.assert(
      fc.asyncProperty(anyCase, async (c) => {
        checkInvariants(c, await optimise(request(c)));
      }),
      { numRuns: 150 },
    );
  });
});
