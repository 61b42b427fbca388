// The process adapters: the flags/configuration each process gets from a scenario, their banners,
// and which process carries out which step.
import { describe, expect, it } from 'vitest';
import { adapterFor, energyNeedKwh, parseScenario, priceRows, stepTargets, type Scenario, type StartContext } from '../src/index.js';

const EPOCH = Date.UTC(2026, 0, 1, 18);
const ctx = (scenario: Scenario, upstream: Record<string, string> = {}): StartContext => ({ scenario, baseDir: '/s', runDir: '/r', upstream, speed: 600, epochMs: EPOCH, simStartMs: EPOCH });
const CLOCK = { speed: 600, epoch: '2026-01-01T18:00:00.000Z', start: '2026-01-01T18:00:00.000Z' };
const v2g: Scenario = {
  name: 'v2g',
  stack: { iso15118: { version: 'iso15118-20', scale: true, bpt: true, controlMode: 'dynamic' } },
  ev: { soc: 40, dischargeMaxPowerW: 11000, v2xBudgetWh: 5000, config: { session: { ongoingMs: 50 } } },
  site: { maxPowerW: 20000 },
  driver: { targetSoc: 80, departureS: 3600 },
};

describe('adapters', () => {
  it('EV and EVSE: the ISO 15118 stack as protocol lists (SCALE first, the standard as fallback), parameters as their config keys', () => {
    expect(adapterFor('ev').config(ctx(v2g, { secc: '[::1]:4000' }))).toMatchObject({
      protocols: ['iso20-dc-scale', 'iso20-dc'],
      energyTransferMode: 'DC_extended',
      controlMode: 'dynamic',
      bpt: true,
      secc: '[::1]:4000',
      clock: CLOCK,
      battery: { soc: 40 },
      discharge: { maxPowerW: 11000, v2xBudgetWh: 5000 },
      needs: { targetSoc: 80, departureS: 3600 },
      session: { ongoingMs: 50 },
      summary: true,
    });
    expect(adapterFor('evse').config(ctx(v2g))).toMatchObject({
      protocols: ['iso20-dc-scale', 'iso20-dc'],
      listen: { host: '::1', port: 0 },
      sdp: { enabled: false },
      iso20: { controlModes: ['dynamic'], bpt: true },
      limits: { maxPowerW: 20000 },
    });
    expect(adapterFor('ev').config(ctx({ name: 'd', stack: { iso15118: { version: 'din70121', energy: 'DC' } } }))).toMatchObject({ protocols: ['din'] });
    expect(adapterFor('ev').config(ctx({ name: 'a', stack: { iso15118: { version: 'iso15118-2', energy: 'AC', scale: true } } }))).toMatchObject({ protocols: ['iso2-scale', 'iso2'], energyTransferMode: 'AC_three_phase_core' });
  });

  it('a restart keeps the ports of the previous banner, so the EV finds the EVSE again', () => {
    const previous = { control: 'http://127.0.0.1:7100', addresses: { secc: '[::1]:64109' } };
    expect(adapterFor('evse').config({ ...ctx(v2g), previous })).toMatchObject({ listen: { port: 64109 }, control: { port: 7100 } });
  });

  it('reads each process’s banner', () => {
    expect(adapterFor('evse').banner('v2xsim evse ready: id=evse secc=tcp://[::1]:41177 sdp=off control=http://127.0.0.1:34533 protocols=iso2,din speed=600')).toEqual({
      control: 'http://127.0.0.1:34533',
      addresses: { secc: '[::1]:41177' },
    });
    expect(adapterFor('ev').banner('v2xsim ev ready: id=ev secc=tcp://[::1]:41177 control=http://127.0.0.1:40203 protocols=iso2,din')).toEqual({ control: 'http://127.0.0.1:40203', addresses: {} });
    expect(adapterFor('csms').banner('v2xsim csms ready: id=csms ocpp=ws://127.0.0.1:9000/ocpp/<identity> control=http://127.0.0.1:7300 data=x')).toEqual({
      control: 'http://127.0.0.1:7300',
      addresses: { ocpp: 'ws://127.0.0.1:9000/ocpp' },
    });
    expect(adapterFor('scsp').banner('v2xsim scsp ready: id=scsp party=NL*SCS roles=SCSP,EMSP ocpi=http://127.0.0.1:7400/ocpi/versions control=http://127.0.0.1:7401 ')).toEqual({
      control: 'http://127.0.0.1:7401',
      addresses: { ocpi: 'http://127.0.0.1:7400/ocpi/versions' },
    });
    expect(adapterFor('evse').banner('evse: session 1 ended')).toBeUndefined();
    // a proxy in front of a URL-shaped address keeps its path
    const served = adapterFor('csms').serves[0];
    expect(served.through('ws://127.0.0.1:9000/ocpp', { host: '127.0.0.1', port: 5555 })).toBe('ws://127.0.0.1:5555/ocpp');
  });

  it('routes each step to the actor that owns it in the control topology (D2.3 §11.2–11.4)', () => {
    const withEmsp = (fsp: 'ev' | 'evse' | 'csms' | 'site-ems' | 'scsp'): Scenario => ({ ...v2g, topology: { fsp }, stack: { ...v2g.stack, ocpp: { version: '2.1' }, ocpi: { version: '2.2.1' } } });
    const needs = { 'set-needs': { targetSoc: 60 } };
    // the driver tells the car, unless an actor beyond the EVSE decides: then the eMSP tells the CPO
    expect(stepTargets(needs, v2g)).toEqual(['ev']);
    expect(adapterFor('ev').call(needs, v2g)).toEqual({ action: 'set-needs', body: { targetSoc: 60 } });
    expect(stepTargets(needs, withEmsp('evse'))).toEqual(['ev']);
    expect(stepTargets(needs, withEmsp('ev'))).toEqual(['ev']);
    expect(stepTargets(needs, withEmsp('csms'))).toEqual(['scsp']);
    expect(stepTargets(needs, withEmsp('scsp'))).toEqual(['scsp']);
    // priority charging: the CSMS (or site EMS) plans it; OCPI 2.2.1 cannot carry it
    expect(stepTargets({ 'priority-charging': { enabled: true } }, withEmsp('site-ems'))).toEqual(['csms']);
    expect(stepTargets({ 'priority-charging': { enabled: true } }, withEmsp('scsp'))).toEqual([]);
    // the site's limit and the operator's setpoint: at the CSMS when it decides (setpoints need OCPP 2.1)
    expect(stepTargets({ 'set-limit': { maxPowerW: 1 } }, withEmsp('csms'))).toEqual(['csms']);
    expect(adapterFor('csms').call({ 'set-limit': { maxPowerW: 1 } }, withEmsp('csms'))).toEqual({ action: 'set-site-limit', body: { siteLimitW: 1 } });
    expect(stepTargets({ discharge: { setpointW: -8000 } }, withEmsp('csms'))).toEqual(['csms']);
    expect(stepTargets({ discharge: { setpointW: -8000 } }, { ...withEmsp('csms'), stack: { ...withEmsp('csms').stack, ocpp: { version: '2.0.1' } } })).toEqual(['evse']);
    expect(stepTargets({ 'set-limit': { maxPowerW: 1 } }, withEmsp('scsp'))).toEqual(['evse']);
    expect(stepTargets({ 'price-curve': { curve: [{ startS: 0, price: 1 }] } }, withEmsp('scsp'))).toEqual(['scsp']);
    expect(stepTargets({ 'allow-discharge': { allowed: true } }, withEmsp('scsp'))).toEqual(['scsp', 'ev']);
    expect(stepTargets({ discharge: { setpointW: -8000 } }, v2g)).toEqual(['evse']);
    expect(stepTargets({ stop: { by: 'ev' } }, v2g)).toEqual(['ev']);
    expect(stepTargets({ 'set-limit': { maxPowerW: 1 } }, v2g)).toEqual(['evse']);
    expect(stepTargets({ restart: { process: 'evse' } }, v2g)).toEqual(['runner']);
    // set-needs departure: sim seconds from now, as the EV's control API takes it
    expect(adapterFor('ev').call({ 'set-needs': { departureS: 600 } }, v2g)).toEqual({ action: 'set-needs', body: { departureTime: 600 } });
  });

  it('the SCSP as the eMSP: the driver’s needs as ChargingPreferences of the CPO’s active session, at its sim time', () => {
    const s: Scenario = { ...v2g, topology: { fsp: 'csms' }, stack: { ...v2g.stack, ocpp: { version: '2.1' }, ocpi: { version: '2.2.1' } }, ev: { capacityWh: 40000, soc: 30 } };
    const health = { simTime: '2026-01-01T20:00:00.000Z', sessions: [{ id: 'S-old', status: 'COMPLETED' }, { id: 'S-1', status: 'ACTIVE' }] };
    expect(adapterFor('scsp').call({ 'set-needs': { departureS: 3600, targetSoc: 50 } }, s, { health, simStartMs: EPOCH })).toEqual({
      action: 'set-preferences',
      body: { sessionId: 'S-1', profileType: 'REGULAR', departureTime: '2026-01-01T21:00:00.000Z', energyNeedKwh: 8, optimise: false },
    });
    expect(() => adapterFor('scsp').call({ 'set-needs': { departureS: 60 } }, s, { health: { sessions: [] }, simStartMs: EPOCH })).toThrow(/no active session at the SCSP/);
    expect(() => adapterFor('scsp').call({ 'set-needs': { minimumSoc: 20 } }, s, { health, simStartMs: EPOCH })).toThrow(/not a minimum or maximum SoC/);
    expect(energyNeedKwh(s, 80)).toBe(20);
  });

  it('the CSMS, the SCSP and the station on one sim time line: epoch, OCPI registration, prices from the tariff', () => {
    const s: Scenario = { ...v2g, topology: { fsp: 'scsp' }, stack: { ...v2g.stack, ocpp: { version: '2.1', scale: true }, ocpi: { version: '2.2.1' } }, tariff: { currency: 'EUR', priceCurve: [{ startS: 1800, price: 0.1 }] } };
    expect(adapterFor('csms').config(ctx(s))).toMatchObject({ protocols: ['2.1'], policy: 'none', clock: CLOCK, ocpi: { port: 0, party: 'NL*CPO' }, securityProfile: 1, acceptUnknown: true });
    expect(adapterFor('evse').config(ctx(s, { ocpp: 'ws://127.0.0.1:9000/ocpp' }))).toMatchObject({ ocpp: { csms: 'ws://127.0.0.1:9000/ocpp', version: '2.1', stationId: 'evse', scale: true, securityProfile: 1 }, clock: CLOCK });
    expect(adapterFor('scsp').config(ctx(s, { ocpiVersions: 'http://127.0.0.1:5/ocpi/versions', ocpiTokenA: 'A' }))).toMatchObject({
      cpo: { versionsUrl: 'http://127.0.0.1:5/ocpi/versions', tokenA: 'A' },
      optimiser: { autoOptimise: true },
      driver: { preferences: { profileType: 'CHEAP', departureAfterS: 3600 } },
      clock: CLOCK,
    });
    // a CSMS as FSP plans (spread by default, the site shared under a site EMS); a site EMS is its own actor
    expect(adapterFor('csms').config(ctx({ ...s, topology: { fsp: 'csms' } }))).toMatchObject({ policy: 'spread', siteLimitW: 20000 });
    expect(adapterFor('csms').config(ctx({ ...s, topology: { fsp: 'site-ems' } }))).toMatchObject({ id: 'site-ems', policy: 'default' });
    // behind a fault proxy the CPO's public URL is the proxy's
    expect(adapterFor('csms').config({ ...ctx(s), proxies: { 'csms-scsp': { host: '127.0.0.1', port: 7001, targetPort: 7002 } } })).toMatchObject({ ocpi: { port: 7002, publicUrl: 'http://127.0.0.1:7001' } });
    // the curve starts with the run; before its first point the first price holds; then hourly to a 48 h horizon
    const rows = priceRows(s.tariff!.priceCurve, EPOCH);
    expect(rows.slice(0, 3)).toEqual([
      { time: '2026-01-01T18:00:00.000Z', price: 0.1 },
      { time: '2026-01-01T18:30:00.000Z', price: 0.1 },
      { time: '2026-01-01T19:00:00.000Z', price: 0.1 },
    ]);
    expect(rows.at(-1)!.time).toBe('2026-01-03T18:00:00.000Z');
  });

  it('the repository’s V2G scenario maps to a valid EV and EVSE configuration', () => {
    const { scenario } = parseScenario('name: x\nstack: { iso15118: { version: iso15118-20, bpt: true } }\n', 'x.yaml');
    expect(adapterFor('ev').check!(adapterFor('ev').config(ctx(scenario, { secc: '[::1]:1' })))).toEqual([]);
    expect(adapterFor('evse').check!(adapterFor('evse').config(ctx(scenario)))).toEqual([]);
  });
});
