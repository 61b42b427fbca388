import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EnergyMeter } from '../src/index.js';

const T0 = Date.UTC(2026, 0, 15, 18, 0, 0);

describe('EnergyMeter', () => {
  it('counts import and export on separate registers, with sim-time stamps', () => {
    let now = T0;
    const meter = new EnergyMeter('M-1', { now: () => now }, { importedWh: 1_000_000 });
    meter.addPower(11_000, 3_600_000);
    now += 3_600_000;
    meter.addEnergy(-500);
    expect(meter.read()).toEqual({ meterId: 'M-1', importedWh: 1_011_000, exportedWh: 500, timestamp: T0 + 3_600_000 });
    expect(meter.meterInfo()).toEqual({ MeterID: 'M-1', MeterReading: 1_011_000, TMeter: Math.floor((T0 + 3_600_000) / 1000) });
  });

  it('is monotonic whatever flows through it, and its timestamps never go back', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.double({ min: -1e5, max: 1e5, noNaN: true }), fc.integer({ min: -1000, max: 10_000 })), { maxLength: 200 }), (steps) => {
        let now = T0;
        const meter = new EnergyMeter('M', { now: () => now });
        let prev = meter.read();
        let net = 0;
        for (const [wh, dt] of steps) {
          now += dt; // even a clock that jumps back
          meter.addEnergy(wh);
          net += wh;
          const r = meter.read();
          expect(r.importedWh).toBeGreaterThanOrEqual(prev.importedWh);
          expect(r.exportedWh).toBeGreaterThanOrEqual(prev.exportedWh);
          expect(r.timestamp).toBeGreaterThanOrEqual(prev.timestamp);
          expect(meter.meterInfo().MeterReading).toBeLessThanOrEqual(r.importedWh);
          prev = r;
        }
        expect(prev.importedWh - prev.exportedWh).toBeCloseTo(net, 3);
      }),
    );
  });

  it('refuses non-finite energy and negative start registers', () => {
    const meter = new EnergyMeter('M', { now: () => T0 });
    expect(() => meter.addEnergy(Number.NaN)).toThrow(RangeError);
    expect(() => new EnergyMeter('M', { now: () => T0 }, { importedWh: -1 })).toThrow(RangeError);
  });
});
