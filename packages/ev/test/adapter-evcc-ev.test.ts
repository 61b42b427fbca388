// The EVCC's view of the EV model: charge parameters, the schedule, and the charge loop integrated
// over the sim time between cycles (a frozen SimClock moved by hand).
import { describe, expect, it } from 'vitest';
import { SimClock } from '@v2xsim/process';
import { EvccEvAdapter, EvModel, exampleEvConfig, type EvConfig } from '../src/index.js';

function setup(options: { mode?: 'DC_extended' | 'AC_three_phase_core' | 'AC_single_phase_core'; config?: Partial<EvConfig> } = {}) {
  const clock = new SimClock({ speed: 0, start: 1_000_000 });
  const model = new EvModel({ ...exampleEvConfig(), ...options.config }, clock);
  const ev = new EvccEvAdapter(model, clock, options.mode ? { energyTransferMode: options.mode } : {});
  return { clock, model, ev };
}

describe('EvccEvAdapter', () => {
  it('DC charge parameters come from the model and the driver’s needs', () => {
    const { ev, clock, model } = setup({ config: { needs: { targetSoc: 80, minimumSoc: 30, maximumSoc: 90, departureTime: 1_000_000 + 3_600_000 } } });
    expect(ev.energyTransferMode).toBe('DC_extended');
    expect(model.energyTransfer).toBe('DC');
    const p = ev.chargeParameters();
    expect(p).toMatchObject({ departureTimeS: 3600, maxVoltage: 450, maxCurrent: 400, maxPower: 150_000, energyCapacityWh: 60_000, soc: 20, fullSoc: 80, bulkSoc: 80 });
    expect(p.energyRequestWh).toBeCloseTo(36_000); // 60 % of 60 kWh
    expect(p.scale).toMatchObject({ maxSoc: 90, minSoc: 30 });
    expect(p.scale!.maxEnergyRequestWh).toBeCloseTo(42_000);
    clock.advance(600_000);
    expect(ev.chargeParameters().departureTimeS).toBe(3000);
  });

  it('AC charge parameters: EAmount, EVMaxCurrent, EVMinCurrent, the on-board charger’s power', () => {
    const { ev, model } = setup({ mode: 'AC_three_phase_core' });
    expect(model.energyTransfer).toBe('AC');
    const p = ev.chargeParameters();
    expect(p).toMatchObject({ maxCurrent: 16, minCurrent: 6, maxVoltage: 400, maxPower: 11_000, soc: 20 });
    expect(p.energyRequestWh).toBeCloseTo(36_000);
    expect(p.departureTimeS).toBeUndefined();
  });

  it('refuses a mode the EV has no section for, and a bad EVCCID', () => {
    const clock = new SimClock({ speed: 0 });
    const { ac: _ac, ...dcOnly } = exampleEvConfig();
    expect(() => new EvccEvAdapter(new EvModel(dcOnly, clock), clock, { energyTransferMode: 'AC_three_phase_core' })).toThrow(/AC/);
    expect(() => new EvccEvAdapter(new EvModel(exampleEvConfig(), clock), clock, { evccId: 'not-a-mac' })).toThrow(/EVCCID/);
  });

  it('the schedule is followed from now; unsorted or repeated entries are put in order, an empty one dropped', () => {
    const { ev, model, clock } = setup();
    ev.schedule([
      { startS: 600, pMaxW: 22_000 },
      { startS: 0, pMaxW: 50_000 },
      { startS: 600, pMaxW: 11_000 },
    ]);
    expect(model.schedulePMaxW()).toBe(50_000);
    clock.advance(601_000);
    expect(model.schedulePMaxW()).toBe(11_000);
    ev.schedule([]);
    expect(model.hasSchedule).toBe(false);
  });

  it('DC: the current the EVSE reports flowed since the end of pre-charge, then since the previous cycle', () => {
    const { ev, model, clock } = setup();
    ev.schedule([{ startS: 0, pMaxW: 150_000 }]);
    expect(ev.preChargeTarget()).toEqual({ voltage: model.packVoltageV, current: 2 });
    const req = ev.dcRequest();
    expect(req.targetVoltage).toBeCloseTo(model.packVoltageV);
    expect(req.targetCurrent).toBeGreaterThan(0);
    expect(req.chargingComplete).toBe(false);
    clock.advance(60_000);
    ev.dcOutput(400, 100); // 40 kW for a minute
    expect(model.chargedEnergyWh).toBeCloseTo(40_000 / 60, 3);
    clock.advance(30_000);
    ev.dcOutput(400, 50); // 20 kW for 30 s
    expect(model.chargedEnergyWh).toBeCloseTo(40_000 / 60 + 20_000 / 120, 3);
    expect(ev.loopCycles).toBe(2);
    expect(model.soc).toBeGreaterThan(20);
  });

  it('DC: the current of the last response flows on until the next request; after a stop nothing more is counted', () => {
    const { ev, model, clock } = setup({ config: { needs: { targetSoc: 80, minimumSoc: 0, maximumSoc: 90, departureTime: 1_000_000 + 3_600_000 } } });
    ev.schedule([{ startS: 0, pMaxW: 150_000 }]);
    ev.preChargeTarget();
    clock.advance(1000);
    ev.dcOutput(400, 100); // the first response: 40 kW for 1 s
    clock.advance(30_000);
    ev.dcRequest(); // the next request, 30 s later: 40 kW flowed meanwhile
    expect(model.chargedEnergyWh).toBeCloseTo(40_000 * (31 / 3600), 3);
    ev.dcRequest(); // asked again for the same request: nothing more
    expect(model.chargedEnergyWh).toBeCloseTo(40_000 * (31 / 3600), 3);
    clock.advance(1000);
    ev.dcOutput(400, 50); // 20 kW during the round trip
    expect(model.chargedEnergyWh).toBeCloseTo(40_000 * (31 / 3600) + 20_000 / 3600, 3);
    clock.advance(3_600_000); // past departure: the EV stops
    expect(ev.wantsToStop()).toBe(true);
    ev.dcRequest(); // PowerDelivery(Stop): counted up to here, once
    const atStop = model.chargedEnergyWh;
    expect(atStop).toBeCloseTo(40_000 * (31 / 3600) + 20_000 / 3600 + 20_000, 3);
    clock.advance(60_000);
    ev.dcRequest(); // WeldingDetection, SessionStop: the EVSE has ramped down
    expect(model.chargedEnergyWh).toBe(atStop);
  });

  it('AC: the on-board charger draws within the EVSE’s max current on its phases', () => {
    const { ev, model, clock } = setup({ mode: 'AC_three_phase_core' });
    ev.schedule([{ startS: 0, pMaxW: 22_000 }]);
    clock.advance(3_600_000);
    ev.acStatus(10); // 10 A × 3 × 230 V = 6.9 kW for an hour
    expect(model.chargedEnergyWh).toBeCloseTo(6_900, 0);
    clock.advance(3_600_000);
    ev.acStatus(undefined); // no EVSEMaxCurrent: the last one still holds
    expect(model.chargedEnergyWh).toBeCloseTo(13_800, 0);
  });

  it('AC single phase: one phase only', () => {
    const { ev, model, clock } = setup({ mode: 'AC_single_phase_core' });
    ev.schedule([{ startS: 0, pMaxW: 22_000 }]);
    clock.advance(3_600_000);
    ev.acStatus(16);
    expect(model.chargedEnergyWh).toBeCloseTo(16 * 230, 0);
  });

  it('wants to stop when charging is complete, at departure, or when the driver stops or unplugs', () => {
    const a = setup({ config: { needs: { targetSoc: 20.005 } } });
    expect(a.ev.wantsToStop()).toBe(true);
    expect(a.ev.stopReason()).toBe('charging-complete');

    const b = setup({ config: { needs: { targetSoc: 80, departureTime: 1_000_000 + 60_000 } } });
    expect(b.ev.wantsToStop()).toBe(false);
    b.clock.advance(60_000);
    expect(b.ev.stopReason()).toBe('departure');

    const c = setup();
    c.ev.requestStop('driver');
    expect(c.ev.stopReason()).toBe('driver');
    c.ev.beginSession(); // a driver's stop is for one session
    expect(c.ev.wantsToStop()).toBe(false);
    c.ev.requestStop('unplugged');
    c.ev.requestStop('driver');
    c.ev.beginSession();
    expect(c.ev.stopReason()).toBe('unplugged');
    expect(c.ev.unplugged).toBe(true);
    expect(c.ev.stopMode()).toBe('Terminate');
  });

  it('asks for a renegotiation once when the driver’s needs change, then acknowledges', () => {
    const { ev, model } = setup();
    expect(ev.wantsRenegotiation()).toBe(false);
    model.setMobilityNeeds({ targetSoc: 60 });
    expect(ev.wantsRenegotiation()).toBe(true);
    expect(model.needsChanged).toBe(false);
    expect(ev.wantsRenegotiation()).toBe(false);
    expect(ev.chargeParameters().energyRequestWh).toBeCloseTo(24_000);
  });
});
