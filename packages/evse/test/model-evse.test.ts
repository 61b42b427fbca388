import { describe, expect, it } from 'vitest';
import { EvseModel, StaticLimitSource, exampleEvseConfig } from '../src/index.js';
import type { EvseLimit, LimitSource } from '../src/index.js';

const T0 = Date.UTC(2026, 0, 15, 18, 0, 0);

function clockAt(t = T0): { now: () => number; advance: (ms: number) => void } {
  let now = t;
  return { now: () => now, advance: (ms) => void (now += ms) };
}

describe('EvseModel: limits', () => {
  it('combines hardware DC limits with the limit source', () => {
    const evse = new EvseModel(exampleEvseConfig(), clockAt(), new StaticLimitSource({ maxPowerW: 50_000, maxCurrentA: 200 }));
    expect(evse.dcChargeParameter()).toEqual({
      EVSEMaximumCurrentLimit: 200,
      EVSEMaximumPowerLimit: 50_000,
      EVSEMaximumVoltageLimit: 920,
      EVSEMinimumCurrentLimit: 0,
      EVSEMinimumVoltageLimit: 150,
      EVSECurrentRegulationTolerance: 5,
      EVSEPeakCurrentRipple: 2,
      EVSEEnergyToBeDelivered: undefined,
      EVSEMaximumDischargePower: 50_000,
      EVSEMaximumDischargeCurrent: 125,
      EVSEMinimumDischargeCurrent: 0,
    });
    expect(new EvseModel(exampleEvseConfig(), clockAt()).dcChargeParameter().EVSEMaximumPowerLimit).toBe(150_000);
  });

  it('offers AC current per phase from a power limit, and 0 below the minimum', () => {
    const clock = clockAt();
    const evse = new EvseModel(exampleEvseConfig(), clock, new StaticLimitSource({ maxPowerW: 11_040 }));
    expect(evse.acChargeParameter()).toEqual({ EVSENominalVoltage: 230, EVSEMaxCurrent: 16, phases: 3 });
    evse.setLimitSource(new StaticLimitSource({ maxPowerW: 3_000 }));
    expect(evse.acChargeParameter().EVSEMaxCurrent).toBe(0);
    evse.setLimitSource(new StaticLimitSource({ maxCurrentA: 10 }));
    expect(evse.acChargeParameter().EVSEMaxCurrent).toBe(10);
  });

  it('takes limits from any LimitSource (OCPP plugs in here later)', () => {
    const asked: number[] = [];
    const source: LimitSource = {
      currentLimit(simTime: number): EvseLimit {
        asked.push(simTime);
        return { maxPowerW: simTime < T0 + 60_000 ? 0 : 40_000 };
      },
    };
    const clock = clockAt();
    const evse = new EvseModel(exampleEvseConfig(), clock, source);
    expect(evse.dcChargeParameter().EVSEMaximumPowerLimit).toBe(0);
    clock.advance(60_000);
    expect(evse.dcChargeParameter().EVSEMaximumPowerLimit).toBe(40_000);
    expect(asked).toEqual([T0, T0 + 60_000]);
  });

  it('offers the source schedule capped by the hardware, or one entry at the present maximum', () => {
    const clock = clockAt();
    const schedule = [
      { startS: 0, pMaxW: 200_000 },
      { startS: 3600, pMaxW: 20_000, durationS: 3600 },
    ];
    const evse = new EvseModel(exampleEvseConfig(), clock, new StaticLimitSource({ schedule, scheduleStart: T0 }));
    expect(evse.pMaxSchedule()).toEqual([
      { startS: 0, pMaxW: 150_000 },
      { startS: 3600, pMaxW: 20_000, durationS: 3600 },
    ]);
    expect(evse.pMaxSchedule({ energyTransfer: 'AC' })[0].pMaxW).toBeCloseTo(22_080, 9);
    clock.advance(7200_000);
    expect(evse.pMaxSchedule()).toEqual([{ startS: 0, durationS: 86_400, pMaxW: 150_000 }]);
  });
});

describe('EvseModel: metering', () => {
  it('AC: meters what the EV draws, held to the current offered', () => {
    const evse = new EvseModel(exampleEvseConfig(), clockAt(), new StaticLimitSource({ maxCurrentA: 16 }));
    expect(evse.stepAc(3_600_000, 32)).toEqual({ EVSEPresentCurrent: 16, EVSEPresentActivePower: 11_040, energyWh: 11_040 });
    expect(evse.stepAc(3_600_000, 10, 1).energyWh).toBe(2_300);
    expect(evse.meter.importedWh).toBe(13_340);
  });

  it('DC: the meter equals the energy integrated from the power stage, and only grows', () => {
    const clock = clockAt();
    const evse = new EvseModel(exampleEvseConfig(), clock, new StaticLimitSource({ schedule: [{ startS: 0, pMaxW: 80_000 }, { startS: 60, pMaxW: 30_000 }], scheduleStart: T0 }));
    const dc = evse.dc;
    if (!dc) throw new Error('no DC');
    dc.preCharge(380);
    let sum = 0;
    let trapezoidWh = 0;
    let prevPower = 0;
    let prev = evse.meter.read();
    for (let i = 0; i < 480; i++) {
      if (i === 8) dc.currentDemand(380, 300);
      if (i === 400) dc.stop();
      clock.advance(250);
      const r = evse.stepDc(250);
      sum += r.energyWh;
      const power = r.EVSEPresentVoltage * r.EVSEPresentCurrent;
      trapezoidWh += ((prevPower + power) / 2) * (0.25 / 3600);
      prevPower = power;
      const reading = evse.meter.read();
      expect(reading.importedWh).toBeGreaterThanOrEqual(prev.importedWh);
      expect(reading.timestamp).toBeGreaterThan(prev.timestamp);
      prev = reading;
    }
    expect(evse.meter.importedWh).toBeCloseTo(sum, 9);
    expect(evse.meter.importedWh).toBeCloseTo(trapezoidWh, 0); // sampled power misses ramp corners inside a step
    // 80 kW for the first minute, then 30 kW, less the ramps: somewhere in between
    expect(evse.meter.importedWh).toBeGreaterThan(500);
    expect(evse.meter.importedWh).toBeLessThan((80_000 * 60 + 30_000 * 60) / 3600);
    expect(dc.presentCurrentA).toBe(0);
    expect(evse.meter.exportedWh).toBe(0);
  });
});
