// Both adapters through the pure protocol cores, without sockets: our EV model behind the EVCC
// session, our EVSE model behind the SECC session, one frozen sim clock moved by the EVCC's delays
// (100 ms of wall time at speed 600 = a minute of sim time per charge-loop cycle). The energy the
// EV takes and the energy the EVSE meters agree, whatever the protocol.
import { describe, expect, it } from 'vitest';
import { EvccEvAdapter, EvModel, exampleEvConfig } from '@v2xsim/ev';
import { SimClock } from '@v2xsim/process';
import { din, iso2 } from '@v2xsim/iso15118';
import { EvseModel, OperatorLimitSource, SeccEvseAdapter, StaticLimitSource, exampleEvseConfig } from '../src/index.js';

const SPEED = 600;

interface Rig {
  clock: SimClock;
  ev: EvccEvAdapter;
  evModel: EvModel;
  evse: SeccEvseAdapter;
  evseModel: EvseModel;
  limits: OperatorLimitSource;
}

function rig(mode: iso2.EnergyTransferMode, targetSoc = 30): Rig {
  const clock = new SimClock({ speed: 0, start: 1_700_000_000_000 });
  const evModel = new EvModel({ ...exampleEvConfig(), needs: { targetSoc, minimumSoc: 0, maximumSoc: 90 } }, clock);
  const ev = new EvccEvAdapter(evModel, clock, { energyTransferMode: mode });
  const limits = new OperatorLimitSource(new StaticLimitSource());
  const evseModel = new EvseModel(exampleEvseConfig(), clock, limits);
  const evse = new SeccEvseAdapter(evseModel, clock, { evseId: 'DE*V2X*E12345*1' });
  return { clock, ev, evModel, evse, evseModel, limits };
}

interface Session {
  start(): { request: object | null; name?: string; delayMs: number; error?: string };
  onResponse(doc: never): { request: object | null; name?: string; delayMs: number; error?: string };
}

/** Runs EVCC ↔ SECC to the end; `during(requestName, n)` is called before each request is handled. */
function run(r: Rig, evcc: Session, secc: { handle(doc: never): { response: object; close: boolean } }, during?: (name: string, n: number) => void): { names: string[]; error?: string } {
  const names: string[] = [];
  let step = evcc.start();
  for (let n = 0; step.request && n < 1000; n++) {
    r.clock.advance(step.delayMs * SPEED);
    names.push(step.name!);
    during?.(step.name!, n);
    const reply = secc.handle(step.request as never);
    step = evcc.onResponse(reply.response as never);
    if (reply.close && step.request) return { names, error: 'the SECC closed while the EV went on' };
  }
  r.evse.endSession();
  return { names, ...(step.error ? { error: step.error } : {}) };
}

const opts = { loopDelayMs: 100, ongoingDelayMs: 100 };

describe('EV and EVSE adapters through the protocol cores', () => {
  it('ISO 15118-2 DC: charges to the target, the EV and the meter agree', () => {
    const r = rig('DC_extended');
    const { names, error } = run(r, new iso2.EvccSession(r.ev, opts), new iso2.SeccSession(r.evse));
    expect(error).toBeUndefined();
    expect(names.at(-1)).toBe('SessionStopReq');
    expect(names).toContain('CableCheckReq');
    expect(names.filter((n) => n === 'CurrentDemandReq').length).toBeGreaterThan(1);
    expect(r.evModel.soc).toBeGreaterThanOrEqual(30);
    expect(r.evModel.soc).toBeLessThan(40);
    expect(r.evModel.chargedEnergyWh).toBeGreaterThan(6000);
    expect(Math.abs(r.evModel.chargedEnergyWh - r.evseModel.meter.importedWh) / r.evseModel.meter.importedWh).toBeLessThan(0.05);
    expect(r.evse.state).toBe('idle');
  });

  it('ISO 15118-2 AC three-phase: 11 kW on-board charger, the meter within its EVMaxCurrent', () => {
    const r = rig('AC_three_phase_core', 25);
    const { names, error } = run(r, new iso2.EvccSession(r.ev, opts), new iso2.SeccSession(r.evse));
    expect(error).toBeUndefined();
    expect(names).toContain('ChargingStatusReq');
    expect(names).not.toContain('CableCheckReq');
    expect(r.evModel.soc).toBeGreaterThanOrEqual(25);
    expect(r.evModel.chargedEnergyWh).toBeGreaterThan(2900);
    // the EVSE cannot see the on-board charger's draw: it meters the EV's 16 A
    expect(Math.abs(r.evModel.chargedEnergyWh - r.evseModel.meter.importedWh) / r.evseModel.meter.importedWh).toBeLessThan(0.1);
  });

  it('DIN 70121 DC', () => {
    const r = rig('DC_extended');
    const { names, error } = run(r, new din.EvccSession(r.ev, opts), new din.SeccSession(r.evse));
    expect(error).toBeUndefined();
    expect(names).toContain('ContractAuthenticationReq');
    expect(names.at(-1)).toBe('SessionStopReq');
    expect(r.evModel.soc).toBeGreaterThanOrEqual(30);
    expect(Math.abs(r.evModel.chargedEnergyWh - r.evseModel.meter.importedWh) / r.evseModel.meter.importedWh).toBeLessThan(0.05);
  });

  it('an operator limit mid-session: ReNegotiation, a new schedule, and the EV follows it', () => {
    const r = rig('DC_extended', 80);
    const pMaxAfter: number[] = [];
    const { names, error } = run(r, new iso2.EvccSession(r.ev, opts), new iso2.SeccSession(r.evse), (name, n) => {
      if (name === 'CurrentDemandReq' && n === 12) r.limits.setMaxPowerW(20_000);
      if (name === 'CurrentDemandReq' && r.limits.maxPowerW !== undefined) pMaxAfter.push(r.evModel.schedulePMaxW() ?? Infinity);
    });
    expect(error).toBeUndefined();
    const reneg = names.indexOf('ChargeParameterDiscoveryReq', names.indexOf('CurrentDemandReq'));
    expect(reneg).toBeGreaterThan(0);
    expect(names[reneg - 1]).toBe('PowerDeliveryReq'); // Renegotiate
    expect(pMaxAfter.at(-1)).toBe(20_000);
    expect(r.evModel.soc).toBeGreaterThanOrEqual(80);
  });

  it('the driver changes the target mid-session: the EV renegotiates and stops at the new target', () => {
    const r = rig('DC_extended', 80);
    const { names, error } = run(r, new iso2.EvccSession(r.ev, opts), new iso2.SeccSession(r.evse), (name, n) => {
      if (name === 'CurrentDemandReq' && n === 11) r.evModel.setMobilityNeeds({ targetSoc: 40 });
    });
    expect(error).toBeUndefined();
    expect(names.filter((x) => x === 'ChargeParameterDiscoveryReq')).toHaveLength(2);
    expect(r.evModel.soc).toBeGreaterThanOrEqual(40);
    expect(r.evModel.soc).toBeLessThan(50);
  });

  it('an operator stop ends the session the normal way', () => {
    const r = rig('DC_extended', 80);
    const { names, error } = run(r, new iso2.EvccSession(r.ev, opts), new iso2.SeccSession(r.evse), (name, n) => {
      if (name === 'CurrentDemandReq' && n === 12) r.evse.stop();
    });
    expect(error).toBeUndefined();
    expect(names.at(-1)).toBe('SessionStopReq');
    expect(r.evModel.soc).toBeLessThan(80);
  });
});
