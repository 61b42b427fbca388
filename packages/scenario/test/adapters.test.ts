// The process adapters: the flags/configuration each process gets from a scenario, their banners,
// and which process carries out which step.
import { describe, expect, it } from 'vitest';
import { adapterFor, parseScenario, stepTargets, type Scenario, type StartContext } from '../src/index.js';

const ctx = (scenario: Scenario, upstream: Record<string, string> = {}): StartContext => ({ scenario, baseDir: '/s', runDir: '/r', upstream, speed: 600 });
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
      clock: { speed: 600 },
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

  it('routes the driver’s changes through the eMSP when there is one, else to the EV; the operator’s to the EVSE', () => {
    const withEmsp: Scenario = { ...v2g, stack: { ...v2g.stack, ocpp: { version: '2.1' }, ocpi: { version: '2.2.1' } } };
    const needs = { 'set-needs': { targetSoc: 60 } };
    expect(stepTargets(needs, v2g)).toEqual(['ev']);
    expect(adapterFor('ev').call(needs, v2g)).toEqual({ action: 'set-needs', body: { targetSoc: 60 } });
    expect(stepTargets(needs, withEmsp)).toEqual(['scsp']);
    expect(stepTargets({ 'priority-charging': { enabled: true } }, withEmsp)).toEqual(['scsp']);
    expect(stepTargets({ discharge: { setpointW: -8000 } }, v2g)).toEqual(['evse']);
    expect(stepTargets({ stop: { by: 'ev' } }, v2g)).toEqual(['ev']);
    expect(stepTargets({ 'set-limit': { maxPowerW: 1 } }, v2g)).toEqual(['evse']);
    expect(stepTargets({ restart: { process: 'evse' } }, v2g)).toEqual(['runner']);
    // set-needs departure: sim seconds from now, as the EV's control API takes it
    expect(adapterFor('ev').call({ 'set-needs': { departureS: 600 } }, v2g)).toEqual({ action: 'set-needs', body: { departureTime: 600 } });
  });

  it('the repository’s V2G scenario maps to a valid EV and EVSE configuration', () => {
    const { scenario } = parseScenario('name: x\nstack: { iso15118: { version: iso15118-20, bpt: true } }\n', 'x.yaml');
    expect(adapterFor('ev').check!(adapterFor('ev').config(ctx(scenario, { secc: '[::1]:1' })))).toEqual([]);
    expect(adapterFor('evse').check!(adapterFor('evse').config(ctx(scenario)))).toEqual([]);
  });
});
