// The SECC's view of the EVSE model: EIM authorisation, the schedule from the limit source, the DC
// power stage stepped by sim time, AC metering, the meter, and the notifications (operator stop,
// changed limits → ReNegotiation). The clock is a plain object moved by hand.
import { describe, expect, it } from 'vitest';
import { EvseModel, OperatorLimitSource, SeccEvseAdapter, StaticLimitSource, exampleEvseConfig, type EimAuthorization, type StaticLimitConfig } from '../src/index.js';

const T0 = 1_700_000_000_000;

function setup(opts: { authorization?: EimAuthorization; limits?: StaticLimitConfig; wall?: { now: number } } = {}) {
  const clock = { t: T0, now() { return this.t; }, advance(ms: number) { this.t += ms; } };
  const limits = new OperatorLimitSource(new StaticLimitSource(opts.limits ?? {}));
  const model = new EvseModel(exampleEvseConfig(), clock, limits);
  const wall = opts.wall ?? { now: 0 };
  const evse = new SeccEvseAdapter(model, clock, { evseId: 'DE*V2X*E12345*1', ...(opts.authorization ? { authorization: opts.authorization } : {}), wallNow: () => wall.now });
  return { clock, model, limits, evse, wall };
}

const dcNeeds = { transferMode: 'DC_extended' as const, maxCurrentA: 400, maxPowerW: 150_000, maxVoltageV: 450, energyRequestWh: 30_000, soc: 20 };
const acNeeds = { transferMode: 'AC_three_phase_core' as const, maxCurrentA: 16, maxVoltageV: 400, energyRequestWh: 10_000 };

describe('SeccEvseAdapter', () => {
  it('offers the modes of its hardware, and EIM unless told otherwise', () => {
    const { evse } = setup();
    expect(evse.energyTransferModes).toEqual(['DC_extended', 'AC_three_phase_core']);
    expect(evse.paymentOptions).toEqual(['ExternalPayment']);
    expect(evse.state).toBe('idle');
    const clock = { now: () => T0 };
    const pnc = new SeccEvseAdapter(new EvseModel(exampleEvseConfig(), clock), clock, { evseId: 'DE*V2X*E1', paymentOptions: ['Contract', 'ExternalPayment'] });
    expect(pnc.paymentOptions).toEqual(['Contract', 'ExternalPayment']);
    expect(() => new SeccEvseAdapter(new EvseModel(exampleEvseConfig(), clock), clock, { evseId: 'DE*V2X*E1', paymentOptions: [] })).toThrow(/payment/);
  });

  it('EIM: auto authorises at once; manual waits for authorize(); a delay counts wall time', () => {
    expect(setup().evse.authorization()).toBe('Finished');

    const manual = setup({ authorization: { mode: 'manual' } }).evse;
    expect(manual.authorization()).toBe('Ongoing');
    expect(manual.state).toBe('authorizing');
    manual.authorize();
    expect(manual.authorization()).toBe('Finished');
    manual.endSession();
    expect(manual.authorization()).toBe('Ongoing'); // the next session asks again

    const early = setup({ authorization: { mode: 'manual' } }).evse;
    early.authorize(); // the card before the EV: good for the next session
    expect(early.authorization()).toBe('Finished');

    const { evse, wall } = setup({ authorization: { mode: 'delay', delayMs: 500 } });
    expect(evse.authorization()).toBe('Ongoing');
    wall.now = 499;
    expect(evse.authorization()).toBe('Ongoing');
    wall.now = 500;
    expect(evse.authorization()).toBe('Finished');
  });

  it('the schedule: the static plan restarted at the first ChargeParameterDiscovery, capped by the hardware', () => {
    const { evse, clock } = setup({ limits: { schedule: [{ startS: 0, pMaxW: 200_000, durationS: 600 }, { startS: 600, pMaxW: 50_000 }] } });
    clock.advance(3_600_000); // the process has been up for an hour: the plan starts with the session
    expect(evse.schedule(dcNeeds)).toEqual([
      { startS: 0, pMaxW: 150_000, durationS: 600 },
      { startS: 600, pMaxW: 50_000 },
    ]);
    clock.advance(60_000);
    // a renegotiation a minute later sees the same plan from then on
    expect(evse.schedule(dcNeeds)[0]).toEqual({ startS: 0, pMaxW: 150_000, durationS: 540 });
  });

  it('without a plan: one entry at the present limit; AC at its own hardware power', () => {
    const { evse } = setup({ limits: { maxPowerW: 50_000 } });
    expect(evse.schedule(dcNeeds)).toEqual([{ startS: 0, pMaxW: 50_000, durationS: 86_400 }]);
    expect(evse.dcLimits()).toMatchObject({ maxPower: 50_000, maxCurrent: 375, maxVoltage: 920, minVoltage: 150, peakCurrentRipple: 2, currentRegulationTolerance: 5 });
    const ac = setup().evse;
    expect(ac.schedule(acNeeds)).toEqual([{ startS: 0, pMaxW: 230 * 32 * 3, durationS: 86_400 }]);
    expect(ac.acLimits()).toEqual({ nominalVoltage: 230, maxCurrent: 32 });
  });

  it('an operator limit after the schedule was offered asks for a renegotiation until the next schedule', () => {
    const { evse, limits } = setup();
    evse.schedule(dcNeeds);
    expect(evse.notification()).toBe('None');
    expect(limits.setMaxPowerW(40_000)).toBe(true);
    expect(evse.notification()).toBe('ReNegotiation');
    expect(evse.dcLimits().maxPower).toBe(40_000);
    expect(evse.schedule(dcNeeds)[0]!.pMaxW).toBe(40_000);
    expect(evse.notification()).toBe('None');
    expect(limits.setMaxPowerW(40_000)).toBe(false);
    expect(() => limits.setMaxPowerW(-1)).toThrow(RangeError);
  });

  it('an operator stop: StopCharging until the session ends; nothing to stop when idle', () => {
    const { evse } = setup();
    expect(evse.stop()).toBe(false);
    evse.authorization();
    expect(evse.stop()).toBe(true);
    expect(evse.notification()).toBe('StopCharging');
    evse.sessionStopped('Terminate');
    expect(evse.notification()).toBe('None');
    expect(evse.state).toBe('idle');
  });

  it('DC: cable check takes its sim time, pre-charge ramps to the target, current demand is metered', () => {
    const { evse, clock, model } = setup();
    evse.authorization();
    evse.schedule(dcNeeds);
    expect(evse.cableCheck()).toBe('Ongoing');
    clock.advance(1000);
    expect(evse.cableCheck()).toBe('Ongoing');
    clock.advance(1000);
    expect(evse.cableCheck()).toBe('Finished'); // 2 s isolation test
    expect(evse.state).toBe('cable-check');
    clock.advance(500);
    const v1 = evse.preCharge(360, 2);
    expect(v1).toBeGreaterThan(0);
    expect(v1).toBeLessThan(360);
    clock.advance(2000);
    expect(evse.preCharge(360, 2)).toBeCloseTo(360); // 400 V/s
    expect(evse.powerDelivery('Start', 'DC_extended')).toBe(true);
    expect(model.meter.importedWh).toBe(0);
    clock.advance(10_000);
    const out = evse.currentDemand({ targetVoltage: 360, targetCurrent: 100, soc: 20, chargingComplete: false });
    expect(out.presentVoltage).toBeCloseTo(360);
    expect(out.presentCurrent).toBeCloseTo(100); // 36 kW reached within the 25 kW/s ramp
    const afterOne = model.meter.importedWh;
    expect(afterOne).toBeGreaterThan(0);
    expect(afterOne).toBeLessThan((36_000 * 10) / 3600);
    clock.advance(60_000);
    evse.currentDemand({ targetVoltage: 360, targetCurrent: 100, soc: 21, chargingComplete: false });
    expect(model.meter.importedWh - afterOne).toBeCloseTo((36_000 * 60) / 3600, 3);
    expect(evse.meter()).toMatchObject({ meterId: 'V2XSIM-METER-1', readingWh: model.meter.importedWh, timestamp: clock.t });
    // a new target applies from the request on: the present values show it at the next one
    clock.advance(10_000);
    const asked = evse.currentDemand({ targetVoltage: 360, targetCurrent: 500, soc: 22, chargingComplete: false });
    expect(asked.presentCurrent).toBeCloseTo(100);
    clock.advance(10_000);
    const limited = evse.currentDemand({ targetVoltage: 360, targetCurrent: 500, soc: 22, chargingComplete: false });
    expect(limited.currentLimitAchieved).toBe(true); // the hardware's 375 A holds it back
    expect(limited.presentCurrent).toBeCloseTo(375);
    expect(evse.powerDelivery('Stop', 'DC_extended')).toBe(true);
    clock.advance(5000);
    evse.weldingDetection(); // the current ramps down with the contactors closed,
    expect(model.dc!.presentCurrentA).toBe(0);
    clock.advance(500);
    expect(evse.weldingDetection()).toBeCloseTo(160); // then the voltage falls at 400 V/s
    evse.sessionStopped('Terminate');
    expect(model.dc!.presentPowerW).toBe(0);
  });

  it('AC: what the EV draws (the offer, within its EVMaxCurrent, up to its EAmount) is metered between PowerDelivery Start and Stop', () => {
    const { evse, clock, model } = setup();
    evse.authorization();
    evse.schedule({ ...acNeeds, energyRequestWh: 20_000 });
    clock.advance(60_000);
    evse.powerDelivery('Start', 'AC_three_phase_core');
    clock.advance(3_600_000);
    expect(evse.chargingStatus()).toEqual({ maxCurrent: 32 });
    expect(model.meter.importedWh).toBeCloseTo(16 * 3 * 230, 3); // the EV's 16 A, not the EVSE's 32 A
    clock.advance(1_800_000);
    evse.powerDelivery('Stop', 'AC_three_phase_core');
    expect(model.meter.importedWh).toBeCloseTo(1.5 * 16 * 3 * 230, 3);
    clock.advance(3_600_000);
    evse.chargingStatus();
    expect(model.meter.importedWh).toBeCloseTo(1.5 * 16 * 3 * 230, 3);
    // a renegotiation asks for 1 kWh more: the EV draws that, then nothing
    const before = model.meter.importedWh;
    evse.schedule({ ...acNeeds, energyRequestWh: 1000 });
    evse.powerDelivery('Start', 'AC_three_phase_core');
    clock.advance(3_600_000);
    evse.chargingStatus();
    expect(model.meter.importedWh - before).toBeCloseTo(1000, 6);
  });

  it('a mode without hardware behind it is refused', () => {
    const clock = { now: () => T0 };
    const { ac: _ac, ...dcOnly } = exampleEvseConfig();
    expect(() => new SeccEvseAdapter(new EvseModel(dcOnly, clock), clock, { evseId: 'DE*V2X*E1', energyTransferModes: ['AC_three_phase_core'] })).toThrow(/ac section/);
  });
});
