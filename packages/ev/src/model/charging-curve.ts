// The charging curve: how much power the battery accepts at a given SoC. Real packs take full
// power up to a knee and then taper; a few points with linear interpolation capture that.

export interface ChargingCurvePoint {
  /** state of charge, percent */
  soc: number;
  /** maximum charging power at that SoC, W */
  powerW: number;
}

/** Points sorted by ascending SoC; at least one. */
export type ChargingCurve = readonly ChargingCurvePoint[];

/** Throws on an empty, unsorted or out-of-range curve, so a bad config fails at start-up. */
export function validateChargingCurve(curve: ChargingCurve): void {
  if (curve.length === 0) throw new RangeError('charging curve needs at least one point');
  let prev = -Infinity;
  for (const p of curve) {
    if (!(p.soc >= 0 && p.soc <= 100)) throw new RangeError(`charging curve SoC must be within 0..100, got ${p.soc}`);
    if (!(p.powerW >= 0) || !Number.isFinite(p.powerW)) throw new RangeError(`charging curve power must be finite and ≥ 0, got ${p.powerW}`);
    if (p.soc <= prev) throw new RangeError('charging curve points must be sorted by strictly ascending SoC');
    prev = p.soc;
  }
}

/** Maximum power at `soc`: linear between points, flat beyond the first and last point. */
export function chargingCurvePowerW(curve: ChargingCurve, soc: number): number {
  const first = curve[0];
  if (soc <= first.soc) return first.powerW;
  for (let i = 1; i < curve.length; i++) {
    const b = curve[i];
    if (soc <= b.soc) {
      const a = curve[i - 1];
      return a.powerW + ((b.powerW - a.powerW) * (soc - a.soc)) / (b.soc - a.soc);
    }
  }
  return curve[curve.length - 1].powerW;
}
