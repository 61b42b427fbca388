// Scenario files: the published JSON Schema is current and agrees with the TypeScript types, and
// every mistake is reported with its line and column.
import { readdirSync, readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { parseScenario, scenarioSchema, scenarioSchemaJson, ScenarioError, type Scenario, type ScenarioProblem } from '../src/index.js';

const problems = (text: string): ScenarioProblem[] => {
  try {
    parseScenario(text, 'bad.yaml');
  } catch (e) {
    if (e instanceof ScenarioError) return [...e.problems];
    throw e;
  }
  throw new Error('no problem found');
};

/** A scenario that uses every key of the format: if the types and the schema disagree, either tsc or this test fails. */
const EVERY_KEY: Scenario = {
  name: 'every-key',
  description: 'all keys',
  clock: { speed: 60, start: '2026-01-01T18:00:00Z' },
  timeoutS: 30,
  endS: 3600,
  stack: { iso15118: { version: 'iso15118-20', energy: 'DC', scale: true, bpt: true, controlMode: 'dynamic', tls: false, pki: 'pki', payment: 'eim' }, ocpp: { version: '2.1', scale: true }, ocpi: { version: '2.2.1' } },
  topology: { fsp: 'csms', policy: 'spread' },
  ev: { id: 'ev-1', capacityWh: 60000, soc: 20, dcMaxPowerW: 150000, acMaxCurrentA: 16, dischargeMaxPowerW: 11000, v2xBudgetWh: 5000, roundTripEfficiency: 0.9, loopMs: 100, config: { bulkSoc: 80 } },
  evse: { id: 'evse-1', evseId: 'DE*V2X*E12345*1', dcMaxPowerW: 150000, dcMaxDischargePowerW: 50000, acMaxCurrentA: 32, authorization: 2000, config: { meter: { id: 'M1' } } },
  site: { ean: '541234567890123456', maxPowerW: 50000, schedule: [{ startS: 0, pMaxW: 50000, durationS: 3600 }] },
  tariff: { currency: 'EUR', priceCurve: [{ startS: 0, price: 0.3 }] },
  driver: { targetSoc: 80, minimumSoc: 20, maximumSoc: 90, departureS: 7200, dischargeAllowed: true },
  processes: { ev: { args: ['--ongoing-ms', '50'] }, evse: { args: [] }, csms: { args: [] }, scsp: { args: [] } },
  attach: { ev: 'http://127.0.0.1:7200', evse: 'http://127.0.0.1:7100', csms: 'http://127.0.0.1:7300', scsp: 'http://127.0.0.1:7400' },
  faults: { 'ev-evse': { latencyMs: 10, jitterMs: 5 }, 'evse-csms': { latencyMs: 10, jitterMs: 5 }, 'csms-scsp': { latencyMs: 10, jitterMs: 5 } },
  steps: [
    { name: 'plug', at: 0, after: { actor: 'evse', message: 'DC_ChargeLoopReq', direction: 'rx' }, 'plug-in': { ev: 'ev-1' } },
    { unplug: { ev: 'ev-1' } },
    { stop: { by: 'evse' } },
    { 'set-needs': { targetSoc: 60, minimumSoc: 20, maximumSoc: 90, departureS: null } },
    { 'allow-discharge': { allowed: false } },
    { 'priority-charging': { enabled: true } },
    { discharge: { setpointW: -8000 } },
    { 'set-limit': { maxPowerW: null } },
    { 'price-curve': { curve: [{ startS: 0, price: 0.1 }] } },
    { authorize: {} },
    { fault: { link: 'ev-evse', latencyMs: 1, jitterMs: 1, dropConnections: true, holdMs: 10 } },
    { kill: { process: 'evse' } },
    { restart: { process: 'evse' } },
  ],
  latencies: [
    {
      id: 'needs-to-csms',
      label: 'the EV’s needs at the CSMS',
      from: { actor: 'ev', role: 'EV', link: 'ev-evse', protocol: 'iso15118-20', direction: 'tx', message: ['ScheduleExchangeReq'], messagePattern: 'Req$', fields: { EVSEProcessing: 'Finished' } },
      to: { actor: ['csms'], role: ['CSMS'], link: 'evse-csms', protocol: ['ocpp2.1', 'ocpp'], direction: 'rx', message: 'NotifyEVChargingNeedsRequest', messagePattern: '^NotifyEVCharging', fields: { 'chargingNeeds.departureTime': { exists: true }, evseId: [1, 2] } },
      measureFrom: 'last',
      withinMs: 10000,
      budgetMs: 5000,
    },
  ],
  expect: [
    { name: 'n', session: { ev: 'ev-1', ok: true, stopReason: 'driver', protocol: 'iso20-dc', service: 'DC_BPT', error: 'timeout' } },
    { journey: { object: 'departureTime', reaches: 'EVSE', from: 'EV', via: ['iso15118-20'], withinMs: 100, reached: true } },
    { latency: { id: 'needs-to-csms', min: 1, max: 3, maxBelowMs: 1000, p99BelowMs: 900, simMaxBelowS: 600, noBreach: true } },
    { events: { actor: 'csms', role: 'CSMS', link: 'evse-csms', protocol: 'ocpp2.1', direction: 'rx', message: 'TransactionEventRequest', fields: { offline: true }, min: 1, max: 9 } },
    { events: { messagePattern: 'Req$' } },
    { transactions: { count: 1, ended: true, complete: true, offline: false, iso15118SessionId: true, toleranceWh: 50, tolerancePct: 2 } },
    { timing: { protocol: 'iso15118-20', message: 'DC_ChargeLoop', measure: 'evcc-msg-timeout', noBreach: true, p99BelowMs: 100, maxBelowMs: 200 } },
    { breach: { protocol: 'iso15118-20', message: 'DC_ChargeLoop', measure: 'loop-interval', min: 2 } },
    { soc: { ev: 'ev-1', min: 10, max: 90 } },
    { energy: { ev: 'ev-1', chargedMinWh: 1, chargedMaxWh: 2, dischargedMinWh: 0, dischargedMaxWh: 1 } },
    { energyBalance: { ev: 'ev-1', evse: 'evse-1', toleranceWh: 10, tolerancePct: 1 } },
    { renegotiations: { min: 1, max: 3, noBreach: true } },
  ],
};

/** Every property path the schema defines (array items as []). */
function schemaPaths(s: Record<string, unknown>, at = ''): string[] {
  const out: string[] = [];
  const props = s.properties as Record<string, Record<string, unknown>> | undefined;
  for (const [k, v] of Object.entries(props ?? {})) {
    const p = at ? `${at}.${k}` : k;
    out.push(p, ...schemaPaths(v, p));
  }
  if (s.items && typeof s.items === 'object') out.push(...schemaPaths(s.items as Record<string, unknown>, `${at}[]`));
  return out;
}

function dataPaths(v: unknown, at = ''): string[] {
  if (Array.isArray(v)) return v.flatMap((x) => dataPaths(x, `${at}[]`));
  if (v === null || typeof v !== 'object') return [];
  return Object.entries(v).flatMap(([k, x]) => {
    const p = at ? `${at}.${k}` : k;
    // free-form process configuration is the process's own format; event fields are the messages'
    return k === 'config' || k === 'fields' ? [p] : [p, ...dataPaths(x, p)];
  });
}

describe('the JSON Schema', () => {
  it('is published as scenario.schema.json, generated from src/schema.ts (pnpm --filter @v2xsim/scenario run gen)', () => {
    const file = readFileSync(new URL('../scenario.schema.json', import.meta.url), 'utf8');
    expect(file).toBe(scenarioSchemaJson());
  });

  it('agrees with the TypeScript types: a scenario with every typed key is valid and uses every key of the schema', () => {
    const schema = new Set(schemaPaths(scenarioSchema));
    const used = new Set(dataPaths(EVERY_KEY));
    expect([...schema].filter((p) => !used.has(p))).toEqual([]);
    expect([...used].filter((p) => !schema.has(p))).toEqual([]);
    // valid against the schema (the semantic checks refuse some combinations on purpose, e.g. killing an attached process)
    const validate = new Ajv({ allErrors: true, strict: false }).compile(scenarioSchema);
    expect(validate(JSON.parse(JSON.stringify(EVERY_KEY))), JSON.stringify(validate.errors)).toBe(true);
  });

  it('the repository’s scenarios are valid', () => {
    const dir = new URL('../../../scenarios/', import.meta.url);
    const files = readdirSync(dir).filter((f) => f.endsWith('.yaml'));
    expect(files.length).toBeGreaterThanOrEqual(10);
    for (const f of files) expect(parseScenario(readFileSync(new URL(f, dir), 'utf8'), f).scenario.name).toBe(f.replace(/\.yaml$/, ''));
  });
});

describe('mistakes, with line and column', () => {
  const head = 'name: t\nstack:\n  iso15118: { version: iso15118-2 }\n';

  it('an unknown key points at the key, and says which keys are known there', () => {
    const [p] = problems(`${head}ev:\n  soc: 20\n  colour: red\n`);
    expect(p).toMatchObject({ path: 'ev.colour', line: 6, col: 3 });
    expect(p.message).toMatch(/unknown key \(known here: id, capacityWh, soc/);
  });

  it('a bad value points at the value', () => {
    const ps = problems(`${head}clock: { speed: -1 }\ndriver:\n  targetSoc: 120\n`);
    expect(ps).toEqual([
      expect.objectContaining({ path: 'clock.speed', line: 4, col: 17, message: 'must be > 0, got -1' }),
      expect.objectContaining({ path: 'driver.targetSoc', line: 6, col: 14, message: 'must be <= 100, got 120' }),
    ]);
  });

  it('an unknown enum value lists the allowed ones', () => {
    const [p] = problems('name: t\nstack:\n  iso15118:\n    version: iso15118-3\n');
    expect(p).toMatchObject({ path: 'stack.iso15118.version', line: 4, col: 14 });
    expect(p.message).toBe('must be one of din70121, iso15118-2, iso15118-20, got "iso15118-3"');
  });

  it('a step with two actions, or none, gets one clear line', () => {
    const ps = problems(`${head}steps:\n  - at: 10\n    stop: { by: ev }\n    unplug: {}\n  - at: 20\n`);
    expect(ps).toEqual([
      expect.objectContaining({ path: 'steps[0]', line: 5, col: 5, message: 'a step has stop and unplug: give exactly one (a list item each)' }),
      expect.objectContaining({ path: 'steps[1]', line: 8, col: 5, message: expect.stringMatching(/^a step needs one of: plug-in, unplug, stop, set-needs/) }),
    ]);
  });

  it('a missing required key, a YAML syntax error, a duplicate key', () => {
    expect(problems('name: t\n')).toEqual([expect.objectContaining({ path: '', line: 1, col: 1, message: 'missing key "stack"' })]);
    // an unclosed flow mapping: found where the input ends
    const [syntax] = problems(`${head}ev: { soc: 20\n`);
    expect(syntax).toMatchObject({ line: 5, col: 1 });
    const [dup] = problems(`${head}name: u\n`);
    expect(dup).toMatchObject({ line: 4, col: 1 });
    expect(dup.message).toMatch(/unique/i);
  });

  it('what the schema cannot say: a step no process carries out, an FSP not in the run, -2 with BPT', () => {
    const ps = problems('name: t\nstack:\n  iso15118: { version: iso15118-2, bpt: true }\ntopology: { fsp: csms }\nsteps:\n  - price-curve: { curve: [{ startS: 0, price: 1 }] }\n');
    expect(ps.map((p) => `${p.line}:${p.col} ${p.path}: ${p.message}`)).toEqual([
      '4:18 topology.fsp: csms as the FSP needs a CSMS: give stack.ocpp',
      '3:36 stack.iso15118.bpt: only ISO 15118-20 has bidirectional power transfer (version is iso15118-2)',
      '6:5 steps[0].price-curve: no process of this run can carry out price-curve (it needs the SCSP: stack.ocpi)',
    ]);
  });

  it('the four-process keys: types, unknown keys and impossible combinations, each located', () => {
    const text = [
      'name: t',
      'stack:',
      '  iso15118: { version: iso15118-2, payment: pnc }',
      '  ocpp: { version: "1.6", scale: true }',
      '  ocpi: { version: 2.2.1 }',
      'topology: { fsp: scsp }',
      'endS: 600',
      'steps:',
      '  - at: 900',
      '    priority-charging: { enabled: true }',
      '  - set-needs: { minimumSoc: 20 }',
      'latencies:',
      '  - { id: mine, from: { messagePattern: "(" }, to: { message: X } }',
      'expect:',
      '  - latency: { id: nope }',
      '  - session: { error: "[" }',
    ].join('\n');
    expect(problems(text).map((p) => `${p.line}:${p.col} ${p.path}: ${p.message}`)).toEqual([
      '3:45 stack.iso15118.payment: Plug & Charge needs TLS and a PKI: give stack.iso15118.tls: true and pki (generate makes one)',
      '4:34 stack.ocpp.scale: OCPP 1.6 has no customData: the SCALE extension needs 2.0.1 or 2.1',
      '6:18 topology.fsp: the SCSP plans each session until the driver’s departure: give driver.departureS',
      '10:5 steps[0].priority-charging: no process of this run can carry out priority-charging (a CSMS as FSP plans it: topology csms or site-ems with stack.ocpp; OCPI 2.2.1 has no priority flag)',
      '9:9 steps[0].at: at 900 s is after the end of the run (endS 600 s)',
      '11:16 steps[1].set-needs: the driver’s needs go through the eMSP here: OCPI 2.2.1 charging preferences carry a departure time and an energy need (targetSoc), not a minimum or maximum SoC',
      expect.stringMatching(/^13:41 latencies\[0\]\.from\.messagePattern: not a regular expression/),
      expect.stringMatching(/^15:20 expect\[0\]\.latency\.id: no latency nope \(known: departure-time-to-ev-schedule, .*, mine\)$/),
      expect.stringMatching(/^16:23 expect\[1\]\.session\.error: not a regular expression/),
    ]);
    const schema = problems('name: t\nstack: { iso15118: { version: iso15118-2 } }\nexpect:\n  - events: { role: PLC, colour: red }\n  - journey: { object: x, reaches: EV, via: [ocpp9] }\n');
    expect(schema.map((p) => `${p.line}:${p.col} ${p.path}: ${p.message}`)).toEqual([
      '4:26 expect[0].events.colour: unknown key (known here: actor, role, link, protocol, direction, message, messagePattern, fields, min, max)',
      '4:21 expect[0].events.role: expected a string or a list of strings (EV, EVSE, CSMS, SCSP), got "PLC"',
      '5:46 expect[1].journey.via[0]: must be one of iso15118-2, iso15118-20, din70121, ocpp1.6, ocpp2.0.1, ocpp2.1, ocpi2.2.1, got "ocpp9"',
    ]);
  });

  it('a process configuration the process would refuse, located in the scenario', () => {
    const ps = problems(`${head}ev:\n  config:\n    battery: { soc: 20, colour: red }\n`);
    expect(ps).toEqual([expect.objectContaining({ path: 'ev.config.battery.colour', line: 6, col: 25 })]);
    expect(ps[0].message).toMatch(/^ev configuration: battery\.colour: unknown key/);
  });
});
