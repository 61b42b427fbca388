// The ISO 15118-20 EVCC's view of the EV model: BPT services only while the driver allows
// discharging (SCALE D2.3 §9.2), discharge limits and V2X window in the charge parameters,
// Scheduled discharge at the discharging schedule within the EV's limits, AC power reports that
// are what the EV actually took.
import { describe, expect, it } from 'vitest';
import { SimClock } from '@v2xsim/process';
import { EvModel, EvccEvAdapter, EvccEv20Adapter, exampleEvConfig, type EvConfig } from '../src/index.js';

const T0 = Date.UTC(2026, 0, 15, 18, 0, 0);

function setup(patch: Partial<EvConfig> = {}, opts: ConstructorParameters<typeof EvccEv20Adapter>[3] = { bpt: true }) {
  const clock = new SimClock({ start: T0, speed: 0 });
  const model = new EvModel(
    { ...exampleEvConfig(), battery: { capacityWh: 60_000, soc: 50, minVoltageV: 320, maxVoltageV: 410 }, needs: { minimumSoc: 20, targetSoc: 80, maximumSoc: 90 }, discharge: { maxPowerW: 10_000, maxCurrentA: 25, v2xBudgetWh: 4_000 }, ...patch },
    clock,
  );
  const base = new EvccEvAdapter(model, clock, { energyTransferMode: patch.energyTransfer === 'AC' ? 'AC_three_phase_core' : 'DC_extended' });
  const ev = new EvccEv20Adapter(model, clock, base, opts);
  ev.beginSession();
  return { clock, model, base, ev };
}

describe('EvccEv20Adapter', () => {
  it('asks for DC_BPT while discharging is allowed, DC otherwise; its discharge limits and V2X window go out', () => {
    const { ev, model } = setup();
    expect(ev.services).toEqual(['DC_BPT', 'DC']);
    const p = ev.chargeParameters();
    // 25 A at the 365 V pack is the tighter discharge limit
    expect(p.maxDischargePower).toBeCloseTo(25 * model.packVoltageV, 6);
    expect(p).toMatchObject({ maxDischargeCurrent: 25, minV2XEnergyWh: -4_000, scale: { remainingV2GEnergyWh: 4_000, roundTripEfficiency: 1 } });
    expect(p.maxV2XEnergyWh).toBeCloseTo(24_000, 6);
    model.setDischargeAllowed(false);
    expect(ev.services).toEqual(['DC']);
    expect(ev.wantsDischarge()).toBe(false);
    expect(ev.chargeParameters()).toMatchObject({ maxDischargePower: 0, maxDischargeCurrent: 0 });
    // the change is a renegotiation cue, taken once
    expect(ev.wantsRenegotiation()).toBe(true);
    expect(ev.wantsRenegotiation()).toBe(false);
    expect(setup({}, { bpt: false }).ev.services).toEqual(['DC']);
  });

  it('Scheduled DC: charges within the charging schedule; where it gives nothing, discharges at the discharging schedule within its limits', () => {
    const { ev, clock, model } = setup();
    const tuple = (charge: number, discharge: number) => ({ id: 1, charging: { entries: [{ durationS: 3600, powerW: charge }] }, discharging: { entries: [{ durationS: 3600, powerW: discharge }] } });
    ev.schedule({ controlMode: 'Scheduled', tuple: tuple(20_000, -5_000), tuples: [] });
    expect(ev.dcRequest().targetCurrent * model.packVoltageV).toBeCloseTo(20_000, 0);
    ev.schedule({ controlMode: 'Scheduled', tuple: tuple(0, -30_000), tuples: [] });
    // 30 kW asked: 25 A at the pack voltage is the EV's limit
    const r = ev.dcRequest();
    expect(r.targetCurrent).toBeCloseTo(-25, 6);
    // the EVSE drives it: the battery gives, the V2X budget shrinks
    ev.dcOutput(r.presentVoltage, r.targetCurrent);
    clock.advance(600_000);
    ev.dcRequest();
    expect(model.dischargedEnergyWh).toBeGreaterThan(1_000);
    expect(model.remainingV2gEnergyWh).toBeCloseTo(4_000 - model.dischargedEnergyWh, 6);
  });

  it('AC: reports the power it actually took since the last report, and eases into its stop SoC', () => {
    const { ev, clock, model } = setup({ energyTransfer: 'AC', battery: { capacityWh: 60_000, soc: 79.5, minVoltageV: 320, maxVoltageV: 410 } }, { bpt: true, controlMode: 'Dynamic' });
    expect(ev.services).toEqual(['AC_BPT', 'AC']);
    ev.chargeParameters();
    expect(ev.acPresentPower()).toBe(0);
    ev.acTarget({ targetActivePowerW: 11_000 });
    clock.advance(60_000);
    expect(ev.acPresentPower()).toBeCloseTo(11_000, 0);
    expect(model.chargedEnergyWh).toBeCloseTo(11_000 / 60, 3);
    // near the stop SoC (90 % in Dynamic) the EV takes only what fills it within a cycle
    for (let i = 0; i < 300 && !model.chargingComplete; i++) {
      ev.acTarget({ targetActivePowerW: 11_000 });
      clock.advance(60_000);
      ev.acPresentPower();
    }
    expect(model.soc).toBeLessThanOrEqual(90 + 1e-9);
    // Dynamic discharge: the EVSE's target within the EV's limits
    ev.acTarget({ targetActivePowerW: -20_000 });
    clock.advance(60_000);
    expect(ev.acPresentPower()).toBeCloseTo(-10_000, 0);
  });
});
