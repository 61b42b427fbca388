import { describe, expect, it, vi } from 'vitest';
import { SimClock } from '@v2xsim/process';
import { EvModel, activePMaxScheduleEntry, chargingCurvePowerW, exampleEvConfig } from '../src/index.js';
import type { EvConfig } from '../src/index.js';

const T0 = Date.UTC(2026, 0, 15, 18, 0, 0);
const MIN = 60_000;
const HOUR = 3_600_000;

function ev(patch: Partial<EvConfig> = {}): { model: EvModel; clock: SimClock } {
  const clock = new SimClock({ start: T0, speed: 0 });
  return { model: new EvModel({ ...exampleEvConfig(), ...patch }, clock), clock };
}

describe('EV model: SoC integration', () => {
  it('50 kW for 30 min into a 60 kWh battery takes it from 20 % to ≈ 61.7 %', () => {
    const { model } = ev();
    const taken = model.step(30 * MIN, 50_000);
    expect(taken).toBeCloseTo(50_000, 6);
    expect(model.soc).toBeCloseTo(20 + (25_000 / 60_000) * 100, 6); // 61.67 %
    expect(model.chargedEnergyWh).toBeCloseTo(25_000, 6);
  });

  it('gives the same result in small steps as in one', () => {
    const { model } = ev();
    for (let i = 0; i < 30 * 60 * 4; i++) model.step(250, 50_000);
    expect(model.soc).toBeCloseTo(61.6667, 3);
  });

  it('never takes more than the charging curve allows at its SoC', () => {
    const { model } = ev({ dc: { maxVoltageV: 450, maxCurrentA: 1000, maxPowerW: 400_000 }, needs: { targetSoc: 100 } });
    const curve = exampleEvConfig().chargingCurve;
    for (let i = 0; i < 360; i++) {
      const before = model.soc;
      const taken = model.step(10_000, 300_000);
      expect(taken).toBeLessThanOrEqual(chargingCurvePowerW(curve, before) + 1e-6);
    }
    expect(model.soc).toBeGreaterThan(95);
  });

  it('follows the taper of a linear curve segment (analytic solution)', () => {
    // From 50 % the curve falls 150 kW → 60 kW at 80 %: P(s) = 150 kW − 3 kW × (s − 50).
    // With 1 % = 600 Wh, ds/dt = 250 − 5 (s − 50) %/h, so s(t) = 50 + 50 (1 − e^(−5t)).
    const { model } = ev({
      battery: { capacityWh: 60_000, soc: 50, minVoltageV: 320, maxVoltageV: 410 },
      dc: { maxVoltageV: 450, maxCurrentA: 1000, maxPowerW: 400_000 },
      needs: { targetSoc: 100 },
    });
    model.step(0.1 * HOUR, 200_000);
    expect(model.soc).toBeCloseTo(50 + 50 * (1 - Math.exp(-0.5)), 2);
  });

  it('is also held by its own DC current limit at the pack voltage', () => {
    const { model } = ev({ dc: { maxVoltageV: 450, maxCurrentA: 100, maxPowerW: 150_000 } });
    expect(model.maxChargePowerW()).toBeCloseTo(100 * 338, 9);
    expect(model.step(1000, 100_000)).toBeCloseTo(33_800, -1); // the pack voltage rises a little during the step
  });

  it('stops taking energy at its target SoC (Scheduled) or maximum SoC (Dynamic)', () => {
    const { model } = ev();
    model.step(2 * HOUR, 150_000);
    expect(model.soc).toBeCloseTo(80, 9);
    expect(model.chargingComplete).toBe(true);
    expect(model.requestedPower({})).toBe(0);
    expect(model.step(1000, 50_000)).toBe(0);
    model.setControlMode('Dynamic');
    expect(model.chargingComplete).toBe(false);
    model.step(2 * HOUR, 150_000);
    expect(model.soc).toBeCloseTo(90, 9);
  });

  it('DC volts and amps flow as driven (energy is conserved), up to the maximum SoC only', () => {
    const { model } = ev({ battery: { capacityWh: 60_000, soc: 79, minVoltageV: 320, maxVoltageV: 410 } });
    // 200 kW is above the curve at 79 %, and the target is 80 %: still all of it flows.
    expect(model.step(1000, { voltageV: 400, currentA: 500 })).toBeCloseTo(200_000, 6);
    expect(model.step(HOUR, { voltageV: 400, currentA: 500 })).toBeGreaterThan(0);
    expect(model.soc).toBeCloseTo(90, 9); // maximumSoc of the example driver
    expect(model.chargingComplete).toBe(true);
  });

  it('discharges only with discharge limits, and not below the minimum SoC', () => {
    const plain = ev().model;
    expect(plain.step(1000, -10_000)).toBe(0);
    expect(plain.soc).toBe(20);

    const { model } = ev({
      battery: { capacityWh: 60_000, soc: 50, minVoltageV: 320, maxVoltageV: 410 },
      discharge: { maxPowerW: 10_000 },
    });
    expect(model.step(HOUR, -20_000)).toBeCloseTo(-10_000, 6);
    expect(model.soc).toBeCloseTo(50 - 10_000 / 600, 6);
    model.step(10 * HOUR, -10_000);
    expect(model.soc).toBeCloseTo(30, 6); // minimumSoc of the example driver
    expect(model.dischargedEnergyWh).toBeCloseTo(12_000, 6);
  });
});

describe('EV model: what it asks for', () => {
  it('asks for the least of its curve, the EVSE limits and the schedule', () => {
    const { model } = ev();
    expect(model.requestedPower()).toBeCloseTo(Math.min(150_000, 400 * 338), 6);
    expect(model.requestedPower({ maxPowerW: 50_000 })).toBe(50_000);
    expect(model.requestedPower({ maxCurrentA: 100 })).toBeCloseTo(33_800, 6);
    expect(model.requestedPower({ maxPowerW: 50_000 }, 22_000)).toBe(22_000);
  });

  it('AC: on-board charger, phases and current; nothing below EVMinCurrent', () => {
    const { model } = ev({ energyTransfer: 'AC' });
    expect(model.requestedPower({ maxCurrentA: 32, nominalVoltageV: 230 })).toBe(11_000);
    expect(model.requestedPower({ maxCurrentA: 10, nominalVoltageV: 230 })).toBe(6_900);
    expect(model.requestedPower({ maxCurrentA: 10, nominalVoltageV: 230, phases: 1 })).toBe(2_300);
    expect(model.requestedAcCurrentA({ maxCurrentA: 10, nominalVoltageV: 230 })).toBeCloseTo(10, 9);
    expect(model.requestedPower({ maxCurrentA: 5, nominalVoltageV: 230 })).toBe(0);
    expect(model.step(HOUR, { voltageV: 230, currentA: 10, phases: 3 })).toBeCloseTo(6_900, 6);
    const acp = model.acChargeParameter();
    expect(acp).toMatchObject({ DepartureTime: undefined, EVMaxVoltage: 400, EVMaxCurrent: 16, EVMinCurrent: 6 });
    expect(acp.EAmount).toBeCloseTo(36_000 - 6_900, 6);
  });

  it('DC CurrentDemand: target current from the requested power at the pack voltage', () => {
    const { model } = ev();
    const cd = model.currentDemand({ maxPowerW: 50_000 });
    expect(cd.EVTargetVoltage).toBe(338);
    expect(cd.EVTargetCurrent).toBeCloseTo(50_000 / 338, 9);
    expect(cd.EVRESSSOC).toBe(20);
    expect(cd.ChargingComplete).toBe(false);
    expect(cd.BulkChargingComplete).toBe(false);
    // 36 kWh to 80 % at 50 kW (the curve is above 50 kW up to 80 %): 0.72 h.
    expect(cd.RemainingTimeToFullSoC).toBeCloseTo(2592, 0);
    expect(cd.RemainingTimeToBulkSoC).toBeCloseTo(2592, 0);
    expect(model.currentDemand({}, 0).RemainingTimeToFullSoC).toBeUndefined();
  });

  it('remaining time includes the taper of the curve', () => {
    const { model } = ev({ battery: { capacityWh: 60_000, soc: 50, minVoltageV: 320, maxVoltageV: 410 }, dc: { maxVoltageV: 450, maxCurrentA: 1000, maxPowerW: 400_000 } });
    // Same segment as the analytic test: 50 → 80 % takes ln(250/100)/5 h.
    expect(model.remainingTimeToSocS(80)).toBeCloseTo((Math.log(2.5) / 5) * 3600, -1);
    expect(model.remainingTimeToSocS(40)).toBe(0);
  });

  it('remaining time stays right when the estimate is reused from cycle to cycle', () => {
    const { model } = ev({ battery: { capacityWh: 60_000, soc: 60, minVoltageV: 320, maxVoltageV: 410 } });
    const limits = { maxPowerW: 100_000 };
    for (let i = 0; i < 400; i++) {
      const reused = model.currentDemand(limits).RemainingTimeToFullSoC as number;
      const fresh = new EvModel({ ...exampleEvConfig(), battery: { capacityWh: 60_000, soc: model.soc, minVoltageV: 320, maxVoltageV: 410 } }, new SimClock({ start: T0, speed: 0 }));
      expect(reused).toBeCloseTo(fresh.remainingTimeToSocS(80, limits) as number, 0);
      model.step(250, model.requestedPower(limits));
    }
  });

  it('DC ChargeParameterDiscovery and PreCharge values', () => {
    const { model, clock } = ev({ needs: { minimumSoc: 30, targetSoc: 80, maximumSoc: 90, departureTime: T0 + 8 * HOUR } });
    clock.advance(HOUR);
    expect(model.dcChargeParameter()).toEqual({
      DepartureTime: 7 * 3600,
      EVMaximumCurrentLimit: 400,
      EVMaximumPowerLimit: 150_000,
      EVMaximumVoltageLimit: 450,
      EVEnergyCapacity: 60_000,
      EVEnergyRequest: 36_000,
      FullSOC: 80,
      BulkSOC: 80,
      EVRESSSOC: 20,
    });
    expect(model.preCharge()).toEqual({ EVTargetVoltage: 338, EVTargetCurrent: 2 });
    expect(model.preChargeComplete(335)).toBe(true);
    expect(model.preChargeComplete(300)).toBe(false);
  });
});

describe('EV model: schedule', () => {
  const schedule = [
    { startS: 0, pMaxW: 0 },
    { startS: 3600, pMaxW: 11_000 },
    { startS: 7200, pMaxW: 3_000, durationS: 3600 },
  ];

  it('picks the entry in force at a sim time', () => {
    expect(activePMaxScheduleEntry(schedule, 0)?.pMaxW).toBe(0);
    expect(activePMaxScheduleEntry(schedule, 3599.9)?.pMaxW).toBe(0);
    expect(activePMaxScheduleEntry(schedule, 3600)?.pMaxW).toBe(11_000);
    expect(activePMaxScheduleEntry(schedule, 10_799)?.pMaxW).toBe(3_000);
    expect(activePMaxScheduleEntry(schedule, 10_800)).toBeUndefined();
    expect(activePMaxScheduleEntry([{ startS: 60, pMaxW: 1 }], 0)).toBeUndefined();
  });

  it('follows it over time, driven by the sim clock, and knows when it has run out', () => {
    const { model, clock } = ev();
    model.followSchedule(schedule);
    expect(model.schedulePMaxW()).toBe(0);
    expect(model.requestedPower({ maxPowerW: 150_000 })).toBe(0);
    // The EVCC's loop: what it asked for at the last cycle flows until this one.
    let asked = model.requestedPower({ maxPowerW: 150_000 });
    clock.every(1000, () => {
      model.step(1000, asked);
      asked = model.requestedPower({ maxPowerW: 150_000 });
    });
    clock.advance(HOUR);
    expect(model.soc).toBe(20);
    expect(model.requestedPower({ maxPowerW: 150_000 })).toBe(11_000);
    clock.advance(2 * HOUR);
    expect(model.chargedEnergyWh).toBeCloseTo(14_000, 6);
    expect(model.soc).toBeCloseTo(20 + 14_000 / 600, 6);
    expect(model.scheduleExpired()).toBe(true);
    expect(model.schedulePMaxW()).toBe(0);
    model.clearSchedule();
    expect(model.requestedPower({ maxPowerW: 50_000 })).toBe(50_000);
  });

  it('reports its ChargingProfile within the schedule and its own maximum', () => {
    const { model } = ev({ dc: { maxVoltageV: 450, maxCurrentA: 400, maxPowerW: 7_000 } });
    model.followSchedule(schedule);
    expect(model.chargingProfile().map((e) => e.pMaxW)).toEqual([0, 7_000, 3_000]);
  });
});

describe('EV model: mobility needs', () => {
  it('derives energy requests from SoC and capacity', () => {
    const { model } = ev();
    expect(model.energyRequests()).toEqual({ EVMinimumEnergyRequest: 6_000, EVTargetEnergyRequest: 36_000, EVMaximumEnergyRequest: 42_000 });
    model.step(30 * MIN, 50_000);
    const r = model.energyRequests();
    expect(r.EVTargetEnergyRequest).toBeCloseTo(11_000, 6);
    expect(r.EVMinimumEnergyRequest).toBe(0);
  });

  it('flags a change of departure time or target SoC as a renegotiation trigger', () => {
    const { model } = ev();
    const listener = vi.fn();
    const off = model.onNeedsChanged(listener);
    expect(model.needsChanged).toBe(false);
    expect(model.setMobilityNeeds({ targetSoc: 80 })).toBe(false);
    expect(model.needsChanged).toBe(false);

    expect(model.setMobilityNeeds({ targetSoc: 90 })).toBe(true);
    expect(model.needsChanged).toBe(true);
    expect(listener).toHaveBeenCalledTimes(1);
    expect(listener.mock.calls[0][0].targetSoc).toBe(90);
    expect(listener.mock.calls[0][1].targetSoc).toBe(80);
    expect(model.energyRequests().EVTargetEnergyRequest).toBe(42_000);
    model.acknowledgeNeedsChanged();
    expect(model.needsChanged).toBe(false);

    expect(model.setMobilityNeeds({ departureTime: T0 + 4 * HOUR })).toBe(true);
    expect(model.departureTimeS()).toBe(4 * 3600);
    expect(model.setMobilityNeeds({ departureTime: undefined })).toBe(true);
    expect(model.departureTimeS()).toBeUndefined();
    expect(listener).toHaveBeenCalledTimes(3);

    off();
    model.setMobilityNeeds({ targetSoc: 85 });
    expect(listener).toHaveBeenCalledTimes(3);
    expect(() => model.setMobilityNeeds({ targetSoc: 95 })).toThrow(RangeError);
    expect(model.needs.targetSoc).toBe(85);
  });
});

describe('EV model: bidirectional power transfer', () => {
  const v2g = (patch: Partial<EvConfig> = {}) =>
    ev({ battery: { capacityWh: 60_000, soc: 50, minVoltageV: 320, maxVoltageV: 410 }, discharge: { maxPowerW: 10_000, maxCurrentA: 25, v2xBudgetWh: 3_000 }, ...patch });

  it('the driver allows or forbids discharging; forbidding is a renegotiation cue', () => {
    const { model } = v2g();
    expect(model.dischargeAllowed).toBe(true);
    expect(model.canDischarge).toBe(true);
    expect(model.setDischargeAllowed(false)).toBe(true);
    expect(model.needsChanged).toBe(true);
    expect(model.maxDischargePowerW()).toBe(0);
    expect(model.step(HOUR, -5_000)).toBe(0);
    // a driven DC current is refused too (the EV opens its discharge path)
    expect(model.step(HOUR, { voltageV: 365, currentA: -20 })).toBe(0);
    expect(model.setDischargeAllowed(false)).toBe(false);
    expect(ev({ discharge: { maxPowerW: 10_000 }, dischargeAllowed: false }).model.canDischarge).toBe(false);
  });

  it('the V2X budget (RemainingV2GEnergy) shrinks with each Wh discharged and stops discharging at 0', () => {
    const { model } = v2g();
    expect(model.remainingV2gEnergyWh).toBe(3_000);
    model.step(HOUR / 2, -4_000);
    expect(model.remainingV2gEnergyWh).toBeCloseTo(1_000, 6);
    model.step(HOUR, -4_000);
    expect(model.dischargedEnergyWh).toBeCloseTo(3_000, 6);
    expect(model.remainingV2gEnergyWh).toBe(0);
    expect(model.maxDischargePowerW()).toBe(0);
    expect(model.step(HOUR, -4_000)).toBe(0);
  });

  it('a driven DC discharge stays within the EV’s discharge limits', () => {
    const { model } = v2g({ discharge: { maxPowerW: 10_000, maxCurrentA: 25 } });
    // 365 V pack at 50 %: 25 A ≈ 9.1 kW is the tighter limit; the EVSE drives 60 A
    const limitW = 25 * model.packVoltageV;
    const p = model.step(60_000, { voltageV: 365, currentA: -60 });
    expect(-p).toBeLessThanOrEqual(limitW * 1.02);
    expect(-p).toBeGreaterThan(8_000);
  });

  it('V2X energy requests: up to the maximum SoC, down to the floor within the budget', () => {
    const { model } = v2g();
    const r = model.v2xEnergyRequests();
    expect(r.EVMaximumV2XEnergyRequest).toBeCloseTo(((90 - 50) / 100) * 60_000, 6);
    // the floor (30 %) is 12 kWh away, the budget only 3 kWh
    expect(r.EVMinimumV2XEnergyRequest).toBeCloseTo(-3_000, 6);
    model.setDischargeAllowed(false);
    expect(model.v2xEnergyRequests().EVMinimumV2XEnergyRequest).toBe(0);
  });

  it('round-trip efficiency: what goes in at the inlet and comes back out balances with the battery', () => {
    const { model } = v2g({ battery: { capacityWh: 60_000, soc: 50, minVoltageV: 320, maxVoltageV: 410, roundTripEfficiency: 0.81 }, discharge: { maxPowerW: 10_000 } });
    const e0 = model.battery.energyWh;
    model.step(HOUR, 9_000);
    model.step(HOUR / 2, -8_000);
    const eta = Math.sqrt(0.81);
    expect(model.battery.energyWh - e0).toBeCloseTo(model.chargedEnergyWh * eta - model.dischargedEnergyWh / eta, 6);
  });
});
