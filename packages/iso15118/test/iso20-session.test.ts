// ISO 15118-20 sessions between our EVCC and SECC cores (EIM): AC, AC_BPT, DC, DC_BPT in
// Scheduled and Dynamic control, every message through the EXI codec of its namespace and the
// V2GTP payload type the shells would use.
import { describe, expect, it } from 'vitest';
import * as iso20 from '../src/iso20/index.js';
import { collapse, protocol, run, TestEv, TestEvse } from './support/iso20-doubles.js';

const session = (ev: TestEv, evse: TestEvse, id: 'iso20-ac' | 'iso20-dc' | 'iso20-ac-scale' | 'iso20-dc-scale') => {
  const secc = new iso20.Secc20Session(evse, { protocol: protocol(id) });
  const evcc = new iso20.Evcc20Session(ev, { protocol: protocol(id) });
  return { secc, evcc, result: run(secc, evcc, id) };
};

describe('codecs and payload types', () => {
  it('picks the codec of the namespace, SCALE when negotiated, and the payload type of the message', () => {
    const std = protocol('iso20-dc');
    const scale = protocol('iso20-ac-scale');
    expect(iso20.codecFor(std, 'SessionSetupReq')).toBe('iso20-cm');
    expect(iso20.codecFor(std, 'DC_ChargeLoopReq')).toBe('iso20-dc');
    expect(iso20.codecFor(scale, 'AC_ChargeParameterDiscoveryReq')).toBe('iso20-ac-scale');
    expect(iso20.codecFor(scale, 'MeteringConfirmationReq')).toBe('iso20-cm');
    expect(iso20.payloadTypeOf('PowerDeliveryReq')).toBe(0x8002);
    expect(iso20.payloadTypeOf('AC_ChargeLoopRes')).toBe(0x8003);
    expect(iso20.payloadTypeOf('DC_CableCheckReq')).toBe(0x8004);
    expect(iso20.codecForPayloadType(scale, 0x8003)).toBe('iso20-ac-scale');
    expect(iso20.codecForPayloadType(std, 0x8004)).toBe('iso20-dc');
    expect(iso20.codecForPayloadType(std, 0x8102)).toBe('iso20-cm');
    expect(iso20.codecForPayloadType(std, 0x8001)).toBeUndefined();
  });
});

describe('DC sessions', () => {
  it('DC, Scheduled: the whole sequence, schedules and prices reach the EV', () => {
    const evse = new TestEvse();
    const ev = new TestEv(['DC'], 'Scheduled');
    const { secc, result: r } = session(ev, evse, 'iso20-dc');
    expect(r.error).toBeUndefined();
    expect(collapse(r.sent)).toEqual([
      'SessionSetupReq', 'AuthorizationSetupReq', 'AuthorizationReq', 'ServiceDiscoveryReq', 'ServiceDetailReq', 'ServiceSelectionReq',
      'DC_ChargeParameterDiscoveryReq', 'ScheduleExchangeReq', 'DC_CableCheckReq', 'DC_PreChargeReq', 'PowerDeliveryReq',
      'DC_ChargeLoopReq', 'PowerDeliveryReq', 'DC_WeldingDetectionReq', 'SessionStopReq',
    ]);
    // repeats while the EVSE was busy are marked Ongoing; DC phases are marked
    expect(r.steps.filter((s) => s.phase === 'Ongoing').map((s) => s.name)).toEqual(['AuthorizationReq', 'ScheduleExchangeReq']);
    expect(r.steps.find((s) => s.name === 'DC_CableCheckReq')?.phase).toBe('CableCheck');
    expect(r.steps.find((s) => s.name === 'DC_PreChargeReq')?.phase).toBe('PreCharge');
    expect(r.replies.find((x) => x.responseName === 'DC_ChargeLoopRes')).toMatchObject({ codec: 'iso20-dc', payloadType: 0x8004 });
    expect(r.replies.find((x) => x.responseName === 'ScheduleExchangeRes')).toMatchObject({ codec: 'iso20-cm', payloadType: 0x8002 });
    const s = ev.schedules[0]!;
    expect(s.controlMode).toBe('Scheduled');
    if (s.controlMode === 'Scheduled') {
      expect(s.tuple.charging.entries).toEqual([{ durationS: 3600, powerW: 40000 }, { durationS: 3600, powerW: 20000 }]);
      expect(s.tuple.charging.price).toEqual(evse.price);
      // DischargingSchedule only under BPT
      expect(s.tuple.discharging).toBeUndefined();
    }
    expect(evse.scheduleRequests.at(-1)).toMatchObject({ service: 'DC', controlMode: 'Scheduled', targetEnergyWh: 18000, maxEnergyWh: 30000, departureTimeS: 3600 });
    expect(evse.powerDeliveries).toEqual(['Start', 'Stop']);
    expect(evse.importedWh).toBeCloseTo((4 * 400 * 125 * 10) / 3600, 3);
    expect(ev.soc).toBeGreaterThan(50);
    expect(evse.stopped).toBe('Terminate');
    expect(secc.ctx.stopped).toBe('Terminate');
  });

  it('DC_BPT, Scheduled: a DischargingSchedule reaches the EV; a negative target current discharges', () => {
    const evse = new TestEvse();
    const ev = new TestEv(['DC_BPT', 'DC'], 'Scheduled', 3);
    ev.targetCurrent = -25;
    const { result: r } = session(ev, evse, 'iso20-dc');
    expect(r.error).toBeUndefined();
    const s = ev.schedules[0]!;
    expect(s.controlMode === 'Scheduled' && s.tuple.discharging).toEqual({ entries: [{ durationS: 7200, powerW: -10000 }] });
    expect(evse.powerDeliveries[0]).toBe('Start:Discharge');
    expect(ev.currents).toEqual([-25, -25, -25]);
    expect(evse.exportedWh).toBeGreaterThan(0);
    expect(evse.evLimits).toMatchObject({ service: 'DC_BPT', maxDischargePower: 11000, maxDischargeCurrent: 30 });
  });

  it('DC_BPT, Dynamic: the EVSE asks for discharge within the EV\'s limits; V2X energy requests reach the EVSE', () => {
    const evse = new TestEvse();
    evse.setpointW = -20000;
    const ev = new TestEv(['DC_BPT'], 'Dynamic', 3);
    const { result: r } = session(ev, evse, 'iso20-dc');
    expect(r.error).toBeUndefined();
    expect(r.sent.filter((m) => m === 'DC_ChargeLoopReq')).toHaveLength(3);
    // the EV allows 30 A and 11 kW: at 400 V that is 27.5 A
    for (const i of ev.currents) expect(i).toBeCloseTo(-27.5, 1);
    expect(evse.exportedWh).toBeGreaterThan(0);
    expect(evse.importedWh).toBe(0);
    expect(ev.soc).toBeLessThan(50);
    expect(evse.scheduleRequests.at(-1)).toMatchObject({ controlMode: 'Dynamic', maxV2XEnergyWh: 30000, minV2XEnergyWh: -12000, minimumSoc: 20, targetSoc: 80 });
    expect(ev.schedules[0]).toEqual({ controlMode: 'Dynamic', departureTimeS: 7200, minimumSoc: 20, targetSoc: 80, price: evse.price });
  });

  it('DC, Dynamic: the EVSE steers the current', () => {
    const evse = new TestEvse();
    evse.setpointW = 40000;
    const ev = new TestEv(['DC'], 'Dynamic', 2);
    const { result: r } = session(ev, evse, 'iso20-dc');
    expect(r.error).toBeUndefined();
    expect(ev.currents).toEqual([100, 100]);
  });
});

describe('AC sessions', () => {
  it('AC, Scheduled: no cable check, pre-charge or welding; the EV draws what its schedule allows', () => {
    const evse = new TestEvse();
    const ev = new TestEv(['AC'], 'Scheduled', 3);
    const { result: r } = session(ev, evse, 'iso20-ac');
    expect(r.error).toBeUndefined();
    expect(collapse(r.sent)).toEqual([
      'SessionSetupReq', 'AuthorizationSetupReq', 'AuthorizationReq', 'ServiceDiscoveryReq', 'ServiceDetailReq', 'ServiceSelectionReq',
      'AC_ChargeParameterDiscoveryReq', 'ScheduleExchangeReq', 'PowerDeliveryReq', 'AC_ChargeLoopReq', 'PowerDeliveryReq', 'SessionStopReq',
    ]);
    expect(r.replies.find((x) => x.responseName === 'AC_ChargeLoopRes')).toMatchObject({ codec: 'iso20-ac', payloadType: 0x8003 });
    expect(ev.acTargets.at(-1)).toEqual({ evsePresentActivePowerW: 11000 });
    expect(evse.importedWh).toBeGreaterThan(0);
    expect(evse.evLimits).toEqual({ service: 'AC', maxChargePower: 100000, minChargePower: 0 });
  });

  it('AC, Dynamic: the EVSE target reaches the EV, which reports it as its present power', () => {
    const evse = new TestEvse();
    evse.setpointW = 7400;
    const ev = new TestEv(['AC'], 'Dynamic', 3);
    const { result: r } = session(ev, evse, 'iso20-ac');
    expect(r.error).toBeUndefined();
    expect(ev.acTargets.map((t) => t.targetActivePowerW)).toEqual([7400, 7400, 7400]);
    // the second loop reports 7.4 kW drawn, and the EVSE measures it
    expect(ev.acTargets[1]).toEqual({ targetActivePowerW: 7400, requestedActivePowerW: 7400, evsePresentActivePowerW: 7400 });
    expect(ev.schedules[0]).toMatchObject({ controlMode: 'Dynamic', price: evse.price });
  });

  it('AC_BPT, Dynamic: an excessive discharge request is clamped to the EV\'s limit', () => {
    const evse = new TestEvse();
    evse.setpointW = -20000;
    const ev = new TestEv(['AC_BPT', 'AC'], 'Dynamic', 3);
    const { result: r } = session(ev, evse, 'iso20-ac');
    expect(r.error).toBeUndefined();
    expect(ev.acTargets.map((t) => [t.requestedActivePowerW, t.targetActivePowerW])).toEqual([[-20000, -11000], [-20000, -11000], [-20000, -11000]]);
    expect(evse.exportedWh).toBeCloseTo((2 * 11000 * 10) / 3600, 3);
    expect(evse.powerDeliveries[0]).toBe('Start:Discharge');
  });

  it('AC_BPT without the driver allowing discharge: limits 0, target clamped to 0, channel Charge', () => {
    const evse = new TestEvse();
    evse.setpointW = -20000;
    const ev = new TestEv(['AC_BPT'], 'Dynamic', 2);
    ev.discharge = false;
    const { result: r } = session(ev, evse, 'iso20-ac');
    expect(r.error).toBeUndefined();
    expect(ev.acTargets.map((t) => t.targetActivePowerW)).toEqual([0, 0]);
    expect(evse.evLimits).toMatchObject({ maxDischargePower: 0 });
    expect(evse.powerDeliveries[0]).toBe('Start:Charge');
  });

  it('AC_BPT, Scheduled: charging and discharging schedules with their price reach the EV', () => {
    const evse = new TestEvse();
    evse.price = { kind: 'AbsolutePrice', id: 3, currency: 'EUR', language: 'en', priceAlgorithm: iso20.PRICE_ALGORITHM_POWER, stacks: [{ durationS: 3600, rules: [{ energyFee: 0.35, powerRangeStartW: 0 }] }] };
    const ev = new TestEv(['AC_BPT'], 'Scheduled', 2);
    const { result: r } = session(ev, evse, 'iso20-ac');
    expect(r.error).toBeUndefined();
    const s = ev.schedules[0]!;
    if (s.controlMode !== 'Scheduled') throw new Error('not scheduled');
    expect(s.tuple.charging.price).toEqual(evse.price);
    expect(s.tuple.discharging?.entries).toEqual([{ durationS: 7200, powerW: -10000 }]);
  });
});

describe('SCALE -20 fields', () => {
  it('with an -scale protocol the BPT ChargeParameterDiscovery carries RemainingV2GEnergy and RoundTripEfficiency to the EVSE', () => {
    for (const [id, service] of [['iso20-dc-scale', 'DC_BPT'], ['iso20-ac-scale', 'AC_BPT']] as const) {
      const evse = new TestEvse();
      const ev = new TestEv([service], 'Dynamic', 1);
      const { result: r } = session(ev, evse, id);
      expect(r.error).toBeUndefined();
      expect(evse.evLimits).toMatchObject({ service, remainingV2GEnergyWh: 12000, roundTripEfficiency: 0.87 });
      const cpd = r.steps.find((s) => s.name?.endsWith('ChargeParameterDiscoveryReq'))!;
      expect(cpd.codec).toBe(id);
    }
  });

  it('with a standard protocol they are absent', () => {
    const evse = new TestEvse();
    const ev = new TestEv(['DC_BPT'], 'Dynamic', 1);
    const { result: r } = session(ev, evse, 'iso20-dc');
    expect(r.error).toBeUndefined();
    expect(evse.evLimits).not.toHaveProperty('remainingV2GEnergyWh');
    const cpd = r.steps.find((s) => s.name === 'DC_ChargeParameterDiscoveryReq')!;
    expect(JSON.stringify(cpd.request)).not.toContain('RemainingV2GEnergy');
  });
});
