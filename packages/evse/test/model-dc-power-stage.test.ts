import { describe, expect, it } from 'vitest';
import { DcPowerStage, exampleEvseConfig } from '../src/index.js';
import type { DcStepResult, EvseDcConfig } from '../src/index.js';

const dc: EvseDcConfig = { maxVoltageV: 920, minVoltageV: 150, maxCurrentA: 375, minCurrentA: 0, maxPowerW: 150_000, peakCurrentRippleA: 2 };
const ramp = { powerUpWPerS: 25_000, powerDownWPerS: 50_000, voltageVPerS: 400 };

/** Run the stage for totalMs in steps of stepMs; returns the last result and the energy. */
function run(stage: DcPowerStage, totalMs: number, stepMs: number, limits = {}): { last: DcStepResult; energyWh: number } {
  let energyWh = 0;
  let last = stage.step(0, limits);
  for (let t = 0; t < totalMs; t += stepMs) {
    last = stage.step(Math.min(stepMs, totalMs - t), limits);
    energyWh += last.energyWh;
  }
  return { last, energyWh };
}

/** A stage already at 400 V in CurrentDemand with no current yet. */
function atVoltage(config: EvseDcConfig = dc): DcPowerStage {
  const stage = new DcPowerStage(config, ramp);
  stage.preCharge(400);
  run(stage, 2000, 100);
  expect(stage.presentVoltageV).toBe(400);
  return stage;
}

describe('DC power stage: cable check and pre-charge', () => {
  it('reports Ongoing until the isolation test has run, then the configured result', () => {
    const stage = new DcPowerStage(dc, ramp, { durationMs: 2000, status: 'Valid' });
    stage.startCableCheck();
    expect(stage.cableCheck).toEqual({ EVSEProcessing: 'Ongoing', EVSEIsolationStatus: 'Invalid' });
    run(stage, 1000, 250);
    expect(stage.cableCheck.EVSEProcessing).toBe('Ongoing');
    expect(stage.presentVoltageV).toBe(400); // heading for the 500 V test voltage at 400 V/s
    run(stage, 1000, 250);
    expect(stage.cableCheck).toEqual({ EVSEProcessing: 'Finished', EVSEIsolationStatus: 'Valid' });
    const faulty = new DcPowerStage(dc, ramp, { status: 'Fault', durationMs: 500 });
    faulty.startCableCheck();
    run(faulty, 500, 500);
    expect(faulty.cableCheck).toEqual({ EVSEProcessing: 'Finished', EVSEIsolationStatus: 'Fault' });
  });

  it('ramps the voltage to the EV target at dV/dt, with no current', () => {
    const stage = new DcPowerStage(dc, ramp);
    stage.preCharge(350);
    expect(run(stage, 500, 100).last.EVSEPresentVoltage).toBeCloseTo(200, 9);
    const { last, energyWh } = run(stage, 500, 100);
    expect(last.EVSEPresentVoltage).toBe(350);
    expect(last.EVSEPresentCurrent).toBe(0);
    expect(energyWh).toBe(0);
  });

  it('never goes above EVSEMaximumVoltageLimit, and says so', () => {
    const stage = new DcPowerStage({ ...dc, maxVoltageV: 500 }, ramp);
    stage.preCharge(800);
    const { last } = run(stage, 5000, 250);
    expect(last.EVSEPresentVoltage).toBe(500);
    expect(last.EVSEVoltageLimitAchieved).toBe(true);
  });
});

describe('DC power stage: current demand and ramp', () => {
  it('ramps the power at dP/dt to the EV target', () => {
    const stage = atVoltage();
    stage.currentDemand(400, 250); // 100 kW
    expect(run(stage, 1000, 100).last.EVSEPresentCurrent).toBeCloseTo(25_000 / 400, 9);
    expect(run(stage, 2000, 100).last.EVSEPresentCurrent).toBeCloseTo(75_000 / 400, 9);
    const { last } = run(stage, 2000, 100);
    expect(last.EVSEPresentCurrent).toBeCloseTo(250, 9);
    expect(last.averagePowerW).toBeCloseTo(100_000, 6);
  });

  it('integrates the ramp exactly, whatever the step size', () => {
    for (const stepMs of [10, 250, 1000, 10_000]) {
      const stage = atVoltage();
      stage.currentDemand(400, 250);
      const { energyWh } = run(stage, 10_000, stepMs);
      // 4 s ramp 0 → 100 kW (a triangle of 200 kJ) then 6 s at 100 kW
      expect(energyWh).toBeCloseTo((200_000 + 600_000) / 3600, 9);
    }
  });

  it('holds the current at the hardware and external limits, and says which one', () => {
    const stage = atVoltage();
    stage.currentDemand(400, 500);
    let { last } = run(stage, 10_000, 250);
    expect(last.EVSEPresentCurrent).toBe(375);
    expect(last.EVSECurrentLimitAchieved).toBe(true);
    expect(last.EVSEPowerLimitAchieved).toBe(true); // 500 A × 400 V is above 150 kW too

    ({ last } = run(stage, 10_000, 250, { maxPowerW: 50_000 }));
    expect(last.EVSEPresentCurrent).toBeCloseTo(125, 9);
    expect(last.EVSEPowerLimitAchieved).toBe(true);

    stage.currentDemand(400, 100);
    ({ last } = run(stage, 10_000, 250, { maxPowerW: 50_000 }));
    expect(last.EVSEPresentCurrent).toBeCloseTo(100, 9);
    expect(last.EVSEPowerLimitAchieved).toBe(false);
    expect(last.EVSECurrentLimitAchieved).toBe(false);

    ({ last } = run(stage, 10_000, 250, { maxCurrentA: 80 }));
    expect(last.EVSEPresentCurrent).toBeCloseTo(80, 9);
    expect(last.EVSECurrentLimitAchieved).toBe(true);
  });

  it('ramps down faster than up, then lets the voltage fall after a stop', () => {
    const stage = atVoltage();
    stage.currentDemand(400, 250);
    run(stage, 5000, 100);
    stage.stop();
    let { last } = run(stage, 1000, 100);
    expect(last.EVSEPresentCurrent).toBeCloseTo(50_000 / 400, 9); // 100 kW − 50 kW/s × 1 s
    expect(last.EVSEPresentVoltage).toBe(400);
    ({ last } = run(stage, 1000, 100));
    expect(last.EVSEPresentCurrent).toBe(0);
    ({ last } = run(stage, 2000, 100));
    expect(last.EVSEPresentVoltage).toBe(0);
    expect(stage.mode).toBe('Off');
  });

  it('uses defaults for ramps and isolation, and rejects bad limits', () => {
    const stage = new DcPowerStage(exampleEvseConfig().dc as EvseDcConfig);
    stage.startCableCheck();
    run(stage, 2000, 500);
    expect(stage.cableCheck).toEqual({ EVSEProcessing: 'Finished', EVSEIsolationStatus: 'Valid' });
    expect(() => new DcPowerStage({ ...dc, minVoltageV: 1000 })).toThrow(RangeError);
    expect(() => new DcPowerStage(dc, { powerUpWPerS: 0 })).toThrow(RangeError);
  });
});

describe('DC power stage: bidirectional power transfer (DC_BPT)', () => {
  const bpt: EvseDcConfig = { ...dc, maxDischargePowerW: 20_000, maxDischargeCurrentA: 40 };

  it('takes energy back at a negative target current, within the discharge limits, ramped', () => {
    const stage = atVoltage(bpt);
    expect(stage.bidirectional).toBe(true);
    stage.currentDemand(400, -30); // 12 kW back
    const first = run(stage, 200, 100);
    expect(first.last.EVSEPresentCurrent).toBeCloseTo(-5_000 / 400, 9); // 25 kW/s for 0.2 s
    const { last, energyWh } = run(stage, 2000, 100);
    expect(last.EVSEPresentCurrent).toBeCloseTo(-30, 9);
    expect(energyWh).toBeLessThan(0);
    // beyond the discharge current limit (40 A), then the power limit (20 kW = 50 A at 400 V)
    stage.currentDemand(400, -100);
    const limited = run(stage, 3000, 100).last;
    expect(limited.EVSEPresentCurrent).toBeCloseTo(-40, 9);
    expect(limited.EVSECurrentLimitAchieved).toBe(true);
    // an external discharge power limit
    expect(run(stage, 3000, 100, { maxDischargePowerW: 8_000 }).last.EVSEPresentCurrent).toBeCloseTo(-20, 9);
  });

  it('reverses from charge to discharge through zero, integrating the signed power exactly', () => {
    const stage = atVoltage(bpt);
    stage.currentDemand(400, 25); // 10 kW
    run(stage, 2000, 100);
    stage.currentDemand(400, -25); // 10 kW back: 20 kW of change at the 50 kW/s down rate = 0.4 s
    const { last, energyWh } = run(stage, 1000, 1000);
    expect(last.EVSEPresentCurrent).toBeCloseTo(-25, 9);
    // 0.4 s ramp averaging 0 W, then 0.6 s at -10 kW
    expect(energyWh).toBeCloseTo((-10_000 * 0.6) / 3600, 9);
  });

  it('a stage without discharge limits treats a negative target as 0', () => {
    const stage = atVoltage();
    expect(stage.bidirectional).toBe(false);
    stage.currentDemand(400, -30);
    const { last, energyWh } = run(stage, 2000, 100);
    expect(last.EVSEPresentCurrent).toBe(0);
    expect(energyWh).toBe(0);
  });
});
