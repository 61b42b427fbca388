// Percentiles of a list of durations (ms), nearest-rank.

/** @returns {{ n: number, p50: number, p90: number, p99: number, max: number, mean: number }} */
export function percentiles(values) {
  const n = values.length;
  if (n === 0) return { n: 0, p50: NaN, p90: NaN, p99: NaN, max: NaN, mean: NaN };
  const sorted = Float64Array.from(values).sort();
  const at = (p) => sorted[Math.min(n - 1, Math.max(0, Math.ceil((p / 100) * n) - 1))];
  let sum = 0;
  for (const v of sorted) sum += v;
  return { n, p50: at(50), p90: at(90), p99: at(99), max: sorted[n - 1], mean: sum / n };
}
