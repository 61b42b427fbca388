// The EV and EVSE models coupled the way an EVCC and SECC will couple them, without protocol:
// cable check, pre-charge, a current-demand loop on the sim clock, stop. The meter, the EV's
// own count and the SoC must agree.
import { EvModel, exampleEvConfig } from '@v2xsim/ev';
import { SimClock } from '@v2xsim/process';
import { describe, expect, it } from 'vitest';
import { EvseModel, StaticLimitSource, exampleEvseConfig } from '../src/index.js';

const T0 = Date.UTC(2026, 0, 15, 18, 0, 0);

describe('EV and EVSE models together (DC)', () => {
  it('charge to the target SoC under a PMaxSchedule; meter = energy into the EV', () => {
    const clock = new SimClock({ start: T0, speed: 0 });
    const ev = new EvModel(exampleEvConfig(), clock);
    const limits = new StaticLimitSource({ maxPowerW: 100_000, schedule: [{ startS: 0, pMaxW: 100_000 }, { startS: 1200, pMaxW: 40_000 }] });
    const evse = new EvseModel(exampleEvseConfig(), clock, limits);
    const dc = evse.dc;
    if (!dc) throw new Error('no DC');
    const startSoc = ev.soc;

    // ChargeParameterDiscovery: the EVSE offers its schedule, the EV follows it from now.
    ev.followSchedule(evse.pMaxSchedule());

    dc.startCableCheck();
    while (dc.cableCheck.EVSEProcessing === 'Ongoing') {
      clock.advance(250);
      evse.stepDc(250);
    }
    expect(dc.cableCheck.EVSEIsolationStatus).toBe('Valid');

    dc.preCharge(ev.preCharge().EVTargetVoltage);
    while (!ev.preChargeComplete(dc.presentVoltageV, 1)) {
      clock.advance(250);
      evse.stepDc(250);
    }

    // CurrentDemand every 250 ms of sim time until the EV says it is complete.
    let cycles = 0;
    let last = evse.stepDc(0);
    let sawLimit = false;
    const stop = clock.every(250, () => {
      const p = evse.dcChargeParameter();
      const req = ev.currentDemand({ maxPowerW: p.EVSEMaximumPowerLimit, maxCurrentA: p.EVSEMaximumCurrentLimit });
      if (req.ChargingComplete) {
        dc.stop();
        stop.cancel();
        return;
      }
      dc.currentDemand(req.EVTargetVoltage, req.EVTargetCurrent);
      last = evse.stepDc(250);
      // The EVSE drives the current; feed the step's average so the energy matches the meter exactly.
      ev.step(250, { voltageV: last.EVSEPresentVoltage, currentA: last.averagePowerW / last.EVSEPresentVoltage });
      if (last.EVSEPowerLimitAchieved) sawLimit = true;
      expect(last.averagePowerW).toBeLessThanOrEqual(100_000 + 1e-6);
      cycles++;
    });
    clock.advance(2 * 3_600_000);
    // Ramp-down after the stop: the current still flows into the battery until it reaches 0.
    for (let i = 0; i < 20; i++) {
      const r = evse.stepDc(250);
      if (r.energyWh > 0) ev.step(250, { voltageV: r.EVSEPresentVoltage, currentA: r.averagePowerW / r.EVSEPresentVoltage });
    }

    expect(ev.chargingComplete).toBe(true);
    expect(ev.soc).toBeGreaterThanOrEqual(80 - 0.01);
    expect(ev.soc).toBeLessThan(80.05); // a little past the target while the EVSE ramps down
    expect(cycles).toBeGreaterThan(1000);
    expect(sawLimit).toBe(false); // the EV asks within the offered limits, so the EVSE never has to cut it
    // What left the meter went into the EV, and the SoC rose by exactly that.
    expect(evse.meter.importedWh).toBeCloseTo(ev.chargedEnergyWh, 1);
    expect(ev.soc - startSoc).toBeCloseTo((ev.chargedEnergyWh / 60_000) * 100, 6);
    expect(dc.presentCurrentA).toBe(0);
  });
});
