import { describe, expect, it } from 'vitest';
import { Battery, chargingCurvePowerW, energyRequests, energyWhToSoc, resolveMobilityNeeds, socToEnergyWh, validateChargingCurve } from '../src/index.js';

const pack = { capacityWh: 60_000, soc: 20, minVoltageV: 320, maxVoltageV: 410 };

describe('charging curve', () => {
  const curve = [
    { soc: 10, powerW: 100_000 },
    { soc: 50, powerW: 100_000 },
    { soc: 80, powerW: 40_000 },
    { soc: 100, powerW: 4_000 },
  ];

  it('interpolates linearly between points and is flat beyond the ends', () => {
    expect(chargingCurvePowerW(curve, 0)).toBe(100_000);
    expect(chargingCurvePowerW(curve, 30)).toBe(100_000);
    expect(chargingCurvePowerW(curve, 65)).toBe(70_000);
    expect(chargingCurvePowerW(curve, 80)).toBe(40_000);
    expect(chargingCurvePowerW(curve, 90)).toBe(22_000);
    expect(chargingCurvePowerW(curve, 100)).toBe(4_000);
  });

  it('tapers: never rises above the knee once past it', () => {
    let prev = Infinity;
    for (let soc = 50; soc <= 100; soc += 0.5) {
      const p = chargingCurvePowerW(curve, soc);
      expect(p).toBeLessThanOrEqual(prev);
      prev = p;
    }
  });

  it('rejects empty, unsorted and out-of-range curves', () => {
    expect(() => validateChargingCurve([])).toThrow(RangeError);
    expect(() => validateChargingCurve([{ soc: 50, powerW: 1 }, { soc: 40, powerW: 1 }])).toThrow(/sorted/);
    expect(() => validateChargingCurve([{ soc: 101, powerW: 1 }])).toThrow(RangeError);
    expect(() => validateChargingCurve([{ soc: 10, powerW: -1 }])).toThrow(RangeError);
  });
});

describe('Battery', () => {
  it('converts SoC and energy with the capacity', () => {
    expect(socToEnergyWh(25, 60_000)).toBe(15_000);
    expect(energyWhToSoc(15_000, 60_000)).toBe(25);
    const b = new Battery(pack);
    expect(b.energyWh).toBe(12_000);
    expect(b.soc).toBe(20);
  });

  it('has a pack voltage linear in SoC', () => {
    const b = new Battery(pack);
    expect(b.voltageAt(0)).toBe(320);
    expect(b.voltageAt(50)).toBe(365);
    expect(b.voltageAt(100)).toBe(410);
    expect(b.voltageV).toBe(338);
  });

  it('stays within its usable window and a given ceiling or floor', () => {
    const b = new Battery({ ...pack, usableMinSoc: 5, usableMaxSoc: 95 });
    expect(b.charge(1e9)).toBeCloseTo(45_000, 6);
    expect(b.soc).toBeCloseTo(95, 9);
    expect(b.charge(1000)).toBe(0);
    expect(b.discharge(1e9, 50)).toBeCloseTo(27_000, 6);
    expect(b.soc).toBeCloseTo(50, 9);
    expect(b.discharge(1e9)).toBeCloseTo(27_000, 6);
    expect(b.soc).toBeCloseTo(5, 9);
  });

  it('loses 1 − η over a charge/discharge round trip', () => {
    const b = new Battery({ ...pack, roundTripEfficiency: 0.81 });
    expect(b.oneWayEfficiency).toBeCloseTo(0.9, 12);
    expect(b.charge(1000)).toBeCloseTo(1000, 9);
    expect(b.energyWh).toBeCloseTo(12_900, 9);
    const before = b.energyWh;
    expect(b.discharge(810)).toBeCloseTo(810, 9);
    expect(before - b.energyWh).toBeCloseTo(900, 9);
  });

  it('rejects impossible configurations', () => {
    expect(() => new Battery({ ...pack, capacityWh: 0 })).toThrow(RangeError);
    expect(() => new Battery({ ...pack, usableMinSoc: 60, usableMaxSoc: 40 })).toThrow(RangeError);
    expect(() => new Battery({ ...pack, roundTripEfficiency: 1.2 })).toThrow(RangeError);
  });
});

describe('energy requests from SoC (D2.3 §8.3.3)', () => {
  const needs = resolveMobilityNeeds({ minimumSoc: 30, targetSoc: 80, maximumSoc: 90 });

  it('converts each SoC level of the driver into Wh with the battery capacity', () => {
    expect(energyRequests(20, 60_000, needs)).toEqual({
      EVMinimumEnergyRequest: 6_000,
      EVTargetEnergyRequest: 36_000,
      EVMaximumEnergyRequest: 42_000,
    });
  });

  it('gives 0 for a level already passed, or the surplus when signed (bidirectional)', () => {
    expect(energyRequests(35, 60_000, needs).EVMinimumEnergyRequest).toBe(0);
    expect(energyRequests(35, 60_000, needs, { signed: true }).EVMinimumEnergyRequest).toBe(-3_000);
  });

  it('checks 0 ≤ minimum ≤ target ≤ maximum ≤ 100', () => {
    expect(resolveMobilityNeeds({ targetSoc: 70 })).toEqual({ departureTime: undefined, minimumSoc: 0, targetSoc: 70, maximumSoc: 100 });
    expect(() => resolveMobilityNeeds({ minimumSoc: 50, targetSoc: 40 })).toThrow(RangeError);
    expect(() => resolveMobilityNeeds({ targetSoc: 95, maximumSoc: 90 })).toThrow(RangeError);
  });
});
