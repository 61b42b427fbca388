// The ISO 15118-20 SECC's view of the EVSE model: services from the hardware, the operator's
// setpoint as a discharging schedule (Scheduled) or a target (Dynamic) within the EV's limits,
// ScheduleRenegotiation asked once, the DC stage metering export, AC metered at the EV's power.
import { describe, expect, it } from 'vitest';
import type { iso20 } from '@v2xsim/iso15118';
import { EvseModel, OperatorLimitSource, SeccEvse20Adapter, StaticLimitSource, exampleEvseConfig } from '../src/index.js';

const T0 = 1_700_000_000_000;

function setup(setpointW?: number) {
  const clock = { t: T0, now() { return this.t; }, advance(ms: number) { this.t += ms; } };
  const limits = new OperatorLimitSource(new StaticLimitSource({ maxPowerW: 40_000 }));
  const model = new EvseModel(exampleEvseConfig(), clock, limits);
  const evse = new SeccEvse20Adapter(model, clock, { evseId: 'DE*V2X*E12345*1', ...(setpointW !== undefined ? { setpointW } : {}) });
  return { clock, model, limits, evse };
}

const ev: iso20.EvLimits20 = { service: 'DC_BPT', maxChargePower: 100_000, minChargePower: 0, maxChargeCurrent: 250, maxVoltage: 450, minVoltage: 300, maxDischargePower: 10_000, maxDischargeCurrent: 25 };
const request = (controlMode: iso20.ControlMode): iso20.ScheduleRequest20 =>
  ({ service: 'DC_BPT', controlMode, ev, renegotiation: false, maximumSupportingPoints: 1024, raw: {} as never });
const loop = (d: Partial<iso20.DcLoopDemand>): iso20.DcLoopDemand => ({ controlMode: 'Dynamic', bpt: true, standby: false, presentVoltage: 400, targetVoltage: 400, raw: {} as never, ...d });

/** Cable check and pre-charge to 400 V, so the stage is at the EV's voltage. */
function ready(s: ReturnType<typeof setup>): void {
  s.evse.authorize({ service: 'EIM' });
  s.evse.cableCheck();
  s.clock.advance(3000);
  s.evse.cableCheck();
  for (let i = 0; i < 5; i++) {
    s.evse.preCharge(400);
    s.clock.advance(1000);
  }
  s.evse.powerDelivery('Start');
}

describe('SeccEvse20Adapter', () => {
  it('offers the services of its hardware: DC, DC_BPT, AC, AC_BPT with discharge limits', () => {
    const { evse } = setup();
    expect(evse.services).toEqual(['DC', 'DC_BPT', 'AC', 'AC_BPT']);
    expect(evse.dcLimits()).toMatchObject({ maxPower: 40_000, maxDischargePower: 50_000, maxDischargeCurrent: 125 });
    expect(evse.acLimits()).toMatchObject({ nominalVoltage: 230, maxDischargePower: 11_000 });
    const clock = { now: () => T0 };
    expect(() => new SeccEvse20Adapter(new EvseModel({ ...exampleEvseConfig(), dc: { ...exampleEvseConfig().dc!, maxDischargePowerW: 0 } }, clock), clock, { evseId: 'E1', services: ['DC_BPT'] })).toThrow(/discharge/);
  });

  it('Scheduled without a setpoint: a 0 W period of the limits (a profile\'s pause) allows no discharge either', () => {
    const s = setup();
    s.limits.setMaxPowerW(0);
    const offer = s.evse.scheduleExchange(request('Scheduled'));
    expect(offer).toMatchObject({ controlMode: 'Scheduled', tuples: [{ charging: { entries: [{ powerW: 0 }] }, discharging: { entries: [{ powerW: 0 }] } }] });
    s.limits.setMaxPowerW(undefined);
    const again = s.evse.scheduleExchange({ ...request('Scheduled'), renegotiation: true });
    expect(again).toMatchObject({ tuples: [{ charging: { entries: [{ powerW: 40_000 }] }, discharging: { entries: [{ powerW: -10_000 }] } }] });
  });

  it('Scheduled: the setpoint becomes the schedule (charging 0, discharging at the setpoint within both sides’ limits), and a change asks for renegotiation once', () => {
    const s = setup();
    const first = s.evse.scheduleExchange(request('Scheduled'));
    expect(first).toMatchObject({ controlMode: 'Scheduled', tuples: [{ charging: { entries: [{ powerW: 40_000 }] }, discharging: { entries: [{ powerW: -10_000 }] } }] });
    expect(s.evse.notification()).toBe('None');
    expect(s.evse.setSetpointW(-30_000)).toBe(true);
    expect(s.evse.notification()).toBe('ScheduleRenegotiation');
    expect(s.evse.notification()).toBe('None');
    const again = s.evse.scheduleExchange({ ...request('Scheduled'), renegotiation: true });
    // -30 kW asked, the EV gives 10 kW at most
    expect(again).toMatchObject({ tuples: [{ charging: { entries: [{ powerW: 0 }] }, discharging: { entries: [{ powerW: -10_000 }] } }] });
    expect(s.evse.renegotiationDue()).toBe(false);
    s.limits.setMaxPowerW(20_000);
    expect(s.evse.notification()).toBe('ScheduleRenegotiation');
  });

  it('Dynamic: discharges at the setpoint within the EV’s limits; the export register counts it', () => {
    const s = setup(-40_000);
    ready(s);
    s.evse.scheduleExchange(request('Dynamic'));
    let out = s.evse.dcChargeLoop(loop({ maxDischargePower: 10_000, maxDischargeCurrent: 25, minV2XEnergyWh: -5000 }));
    for (let i = 0; i < 20; i++) {
      s.clock.advance(1000);
      out = s.evse.dcChargeLoop(loop({ maxDischargePower: 10_000, maxDischargeCurrent: 25, minV2XEnergyWh: -5000 }));
    }
    expect(out.presentCurrent).toBeCloseTo(-25, 6);
    expect(s.evse.meter().exportedWh).toBeGreaterThan(40);
    // the EV has nothing left to give (V2X window): no discharge
    for (let i = 0; i < 5; i++) {
      s.clock.advance(1000);
      out = s.evse.dcChargeLoop(loop({ maxDischargePower: 10_000, maxDischargeCurrent: 25, minV2XEnergyWh: 0 }));
    }
    expect(out.presentCurrent).toBeCloseTo(0, 6);
    // no setpoint: charge as much as the EV takes, within the EVSE's 40 kW
    s.evse.setSetpointW(undefined);
    for (let i = 0; i < 5; i++) {
      s.clock.advance(1000);
      out = s.evse.dcChargeLoop(loop({ maxChargePower: 100_000, maxChargeCurrent: 250 }));
    }
    expect(out.presentCurrent * out.presentVoltage).toBeCloseTo(40_000, 0);
  });

  it('AC: meters the active power the EV reports over the time since its last report, import and export', () => {
    const s = setup();
    s.evse.evParameters({ ...ev, service: 'AC_BPT' });
    s.evse.powerDelivery('Start');
    s.evse.acChargeLoop({ controlMode: 'Scheduled', bpt: true, standby: false, presentActivePower: 0, raw: {} as never });
    s.clock.advance(3_600_000);
    s.evse.acChargeLoop({ controlMode: 'Scheduled', bpt: true, standby: false, presentActivePower: 11_000, raw: {} as never });
    s.clock.advance(1_800_000);
    s.evse.acChargeLoop({ controlMode: 'Scheduled', bpt: true, standby: false, presentActivePower: -4_000, raw: {} as never });
    expect(s.evse.meter()).toMatchObject({ importedWh: 11_000, exportedWh: 2_000 });
    // Dynamic: the target is the setpoint within the EV's and the EVSE's discharge limits
    s.evse.setSetpointW(-20_000);
    expect(s.evse.acChargeLoop({ controlMode: 'Dynamic', bpt: true, standby: false, presentActivePower: 0, maxDischargePower: 7_000, raw: {} as never }).targetActivePower).toBe(-7_000);
  });
});
