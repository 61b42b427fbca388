// Cutting [start, departure) into slots in which prices and limits are constant: at every price
// step, every capacity step and, if asked, every maxSlotMs. Within a slot the power is constant,
// so the battery's energy is linear in it and bounds checked at the slot boundaries hold inside.
import { OptimiserInputError, type LimitStep, type OptimiseRequest, type PricePoint, type PriceSeries, type Slot } from './types.js';

const HOUR_MS = 3_600_000;

/** The end of the price data: the last step lasts lastStepMs, else as long as the one before it, else an hour. */
export function priceHorizon(prices: PriceSeries): number {
  const p = prices.points;
  const last = p[p.length - 1];
  const step = prices.lastStepMs ?? (p.length >= 2 ? last.start - p[p.length - 2].start : HOUR_MS);
  return last.start + step;
}

/** The step in force at t (none before the first), for ascending t from one call to the next. */
function cursor<T extends { start: number }>(steps: readonly T[]): (t: number) => T | undefined {
  let k = -1;
  return (t) => {
    while (k + 1 < steps.length && steps[k + 1].start <= t) k++;
    return k >= 0 ? steps[k] : undefined;
  };
}

export function checkRequest(req: OptimiseRequest): void {
  const fin = (v: number, what: string) => {
    if (!Number.isFinite(v)) throw new OptimiserInputError(`${what} must be a finite number, got ${v}`);
  };
  fin(req.start, 'start');
  fin(req.departure, 'departure');
  if (!(req.departure > req.start)) throw new OptimiserInputError(`departure (${new Date(req.departure).toISOString()}) must be after the start (${new Date(req.start).toISOString()})`);
  if (!(req.energyNeedWh >= 0) || !Number.isFinite(req.energyNeedWh)) throw new OptimiserInputError(`energy need must be ≥ 0 Wh, got ${req.energyNeedWh}`);
  const p = req.prices.points;
  if (p.length === 0) throw new OptimiserInputError('no prices');
  for (let i = 0; i < p.length; i++) {
    fin(p[i].start, `prices[${i}].start`);
    fin(p[i].importPrice, `prices[${i}].importPrice`);
    if (p[i].exportPrice !== undefined) fin(p[i].exportPrice!, `prices[${i}].exportPrice`);
    if (i > 0 && !(p[i].start > p[i - 1].start)) throw new OptimiserInputError(`prices must be in strictly ascending time order (at ${i})`);
  }
  if (req.prices.lastStepMs !== undefined && !(req.prices.lastStepMs > 0)) throw new OptimiserInputError('lastStepMs must be > 0');
  const ev = req.ev;
  if (!(ev.maxChargeW >= 0) || !Number.isFinite(ev.maxChargeW)) throw new OptimiserInputError(`EV max charge power must be ≥ 0 W, got ${ev.maxChargeW}`);
  for (const [k, v] of [['minChargeW', ev.minChargeW], ['maxDischargeW', ev.maxDischargeW], ['minDischargeW', ev.minDischargeW]] as const) {
    if (v !== undefined && (!(v >= 0) || !Number.isFinite(v))) throw new OptimiserInputError(`EV ${k} must be ≥ 0 W, got ${v}`);
  }
  for (const [i, c] of (req.capacity ?? []).entries()) {
    fin(c.start, `capacity[${i}].start`);
    if (!(c.maxW >= 0) || !Number.isFinite(c.maxW)) throw new OptimiserInputError(`capacity[${i}].maxW must be ≥ 0 W, got ${c.maxW}`);
    if (i > 0 && !(c.start > req.capacity![i - 1].start)) throw new OptimiserInputError(`capacity steps must be in strictly ascending time order (at ${i})`);
  }
  const b = req.battery;
  if (b) {
    if (!(b.capacityWh > 0) || !Number.isFinite(b.capacityWh)) throw new OptimiserInputError(`battery capacity must be > 0 Wh, got ${b.capacityWh}`);
    for (const [k, v] of [['socPercent', b.socPercent], ['minSocPercent', b.minSocPercent], ['maxSocPercent', b.maxSocPercent]] as const) {
      if (v !== undefined && (!(v >= 0 && v <= 100) || !Number.isFinite(v))) throw new OptimiserInputError(`battery ${k} must be within 0..100 %, got ${v}`);
    }
    if ((b.minSocPercent ?? 0) > (b.maxSocPercent ?? 100)) throw new OptimiserInputError(`battery minSocPercent (${b.minSocPercent}) is above maxSocPercent (${b.maxSocPercent})`);
  }
  const d = req.discharge;
  if (d) {
    if (!(d.roundTripEfficiency > 0 && d.roundTripEfficiency <= 1)) throw new OptimiserInputError(`round-trip efficiency must be within (0, 1], got ${d.roundTripEfficiency}`);
    if (d.budgetWh !== undefined && (!(d.budgetWh >= 0) || !Number.isFinite(d.budgetWh))) throw new OptimiserInputError(`V2X budget must be ≥ 0 Wh, got ${d.budgetWh}`);
  }
  if (req.maxSlotMs !== undefined && !(req.maxSlotMs >= 1000)) throw new OptimiserInputError(`maxSlotMs must be ≥ 1000 ms, got ${req.maxSlotMs}`);
}

/** The slots of a request, and notes on the assumptions made (prices held past their horizon). */
export function buildSlots(req: OptimiseRequest): { slots: Slot[]; notes: string[] } {
  checkRequest(req);
  const notes: string[] = [];
  const prices = req.prices.points;
  const horizon = priceHorizon(req.prices);
  const cuts = new Set<number>([req.start, req.departure]);
  const inside = (t: number) => t > req.start && t < req.departure;
  for (const p of prices) if (inside(p.start)) cuts.add(p.start);
  if (inside(horizon)) cuts.add(horizon);
  for (const c of req.capacity ?? []) if (inside(c.start)) cuts.add(c.start);
  const sorted = [...cuts].sort((a, b) => a - b);
  const bounds: number[] = [];
  for (let i = 0; i < sorted.length - 1; i++) {
    bounds.push(sorted[i]);
    if (req.maxSlotMs) for (let t = sorted[i] + req.maxSlotMs; t < sorted[i + 1]; t += req.maxSlotMs) bounds.push(t);
  }
  bounds.push(req.departure);

  if (req.start < prices[0].start) notes.push(`prices start at ${new Date(prices[0].start).toISOString()}: the first price is used before`);
  if (req.departure > horizon) notes.push(`prices end at ${new Date(horizon).toISOString()}: the last price is held until departure`);
  const evDischarge = req.discharge ? (req.ev.maxDischargeW ?? 0) : 0;
  const slots: Slot[] = [];
  // the slots ascend: the steps in force are found by cursors moving forwards (linear, not n²)
  const priceAt = cursor(prices);
  const capAt = cursor(req.capacity ?? []);
  for (let i = 0; i < bounds.length - 1; i++) {
    const start = bounds[i];
    const price: PricePoint = priceAt(start) ?? prices[0];
    const cap: LimitStep | undefined = req.capacity ? capAt(start) : undefined;
    const capW = cap?.maxW ?? Infinity;
    slots.push({
      start,
      end: bounds[i + 1],
      importPrice: price.importPrice,
      exportPrice: price.exportPrice ?? price.importPrice,
      maxChargeW: Math.min(req.ev.maxChargeW, capW),
      maxDischargeW: Math.min(evDischarge, capW),
    });
  }
  return { slots, notes };
}
