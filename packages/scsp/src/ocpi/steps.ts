// Step functions of power limits (pure): the lower envelope of several, from the first start on.
import type { LimitStep } from '../optimiser/types.js';

function valueAt(steps: readonly LimitStep[], t: number): number {
  let v = Infinity;
  for (const s of steps) {
    if (s.start <= t) v = s.maxW;
    else break;
  }
  return v;
}

/**
 * The minimum of step functions (each Infinity before its first step; `until` ends one: Infinity
 * from there on). Consecutive equal values are merged; Infinity steps are left out only at the start.
 */
export function lowerEnvelope(...fns: { steps: readonly LimitStep[]; until?: number }[]): LimitStep[] {
  const times = new Set<number>();
  for (const f of fns) {
    for (const s of f.steps) times.add(s.start);
    if (f.until !== undefined) times.add(f.until);
  }
  const out: LimitStep[] = [];
  for (const t of [...times].sort((a, b) => a - b)) {
    const v = Math.min(...fns.map((f) => (f.until !== undefined && t >= f.until ? Infinity : valueAt(f.steps, t))));
    if (out.length === 0 && v === Infinity) continue;
    if (out.length > 0 && out[out.length - 1].maxW === v) continue;
    out.push({ start: t, maxW: v === Infinity ? Number.MAX_VALUE : v });
  }
  return out;
}
