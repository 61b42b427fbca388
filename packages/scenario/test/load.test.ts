// Scenario files: the published JSON Schema is current and agrees with the TypeScript types, and
// every mistake is reported with its line and column.
import { readFileSync } from 'node:fs';
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
  clock: { speed: 60 },
  timeoutS: 30,
  endS: 3600,
  stack: { iso15118: { version: 'iso15118-20', energy: 'DC', scale: true, bpt: true, controlMode: 'dynamic', tls: false, pki: 'pki' }, ocpp: { version: '2.1' }, ocpi: { version: '2.2.1' } },
  topology: { fsp: 'scsp' },
  ev: { id: 'ev-1', capacityWh: 60000, soc: 20, dcMaxPowerW: 150000, acMaxCurrentA: 16, dischargeMaxPowerW: 11000, v2xBudgetWh: 5000, roundTripEfficiency: 0.9, loopMs: 100, config: { bulkSoc: 80 } },
  evse: { id: 'evse-1', evseId: 'DE*V2X*E12345*1', dcMaxPowerW: 150000, dcMaxDischargePowerW: 50000, acMaxCurrentA: 32, authorization: 2000, config: { meter: { id: 'M1' } } },
  site: { ean: '541234567890123456', maxPowerW: 50000, schedule: [{ startS: 0, pMaxW: 50000, durationS: 3600 }] },
  tariff: { currency: 'EUR', priceCurve: [{ startS: 0, price: 0.3 }] },
  driver: { targetSoc: 80, minimumSoc: 20, maximumSoc: 90, departureS: 7200, dischargeAllowed: true, priorityCharging: false },
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
  expect: [
    { name: 'n', session: { ev: 'ev-1', ok: true, stopReason: 'driver', protocol: 'iso20-dc', service: 'DC_BPT' } },
    { journey: { object: 'departureTime', reaches: 'EVSE', withinMs: 100 } },
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
    // free-form process configuration is the process's own format
    return k === 'config' ? [p] : [p, ...dataPaths(x, p)];
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
    for (const f of ['v1g-iso2-dc', 'v2g-iso20-dc-bpt', 'fault-latency-ev-evse']) {
      const url = new URL(`../../../scenarios/${f}.yaml`, import.meta.url);
      expect(parseScenario(readFileSync(url, 'utf8'), url.pathname).scenario.name).toBe(f);
    }
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

  it('a process configuration the process would refuse, located in the scenario', () => {
    const ps = problems(`${head}ev:\n  config:\n    battery: { soc: 20, colour: red }\n`);
    expect(ps).toEqual([expect.objectContaining({ path: 'ev.config.battery.colour', line: 6, col: 25 })]);
    expect(ps[0].message).toMatch(/^ev configuration: battery\.colour: unknown key/);
  });
});
