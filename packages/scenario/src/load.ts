// Reading a scenario file: YAML → data, checked against the JSON Schema (schema.ts) and then for
// what a schema cannot say (a step no process of the run can carry out, an FSP that is not in the
// run, a process configuration the process itself would refuse). Every problem has the line and
// column in the file, all problems are reported at once.
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { Ajv, type ErrorObject } from 'ajv';
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import { analysis } from '@v2xsim/trace';
import { ADAPTERS, emspNeedsProblem, stepOwners, stepTargets } from './adapters/index.js';
import { EXPECTATIONS, scenarioSchema, STEP_ACTIONS } from './schema.js';
import type { Scenario } from './types.js';

export interface ScenarioProblem {
  file: string;
  /** key path, e.g. `steps[2].discharge.setpointW`; '' for the whole document */
  path: string;
  /** 1-based */
  line: number;
  col: number;
  message: string;
}

/** A scenario file with mistakes: every problem with its line and column. */
export class ScenarioError extends Error {
  constructor(readonly problems: readonly ScenarioProblem[]) {
    super(problems.map(formatProblem).join('\n'));
    this.name = 'ScenarioError';
  }
}

export const formatProblem = (p: ScenarioProblem): string => `${p.file}:${p.line}:${p.col}: ${p.path ? `${p.path}: ` : ''}${p.message}`;

export interface LoadedScenario {
  file: string;
  /** the file's folder: relative paths in the scenario resolve against it */
  baseDir: string;
  scenario: Scenario;
}

type Segment = string | number;

const ajv = new Ajv({ allErrors: true, strict: false });
const validate = ajv.compile<Scenario>(scenarioSchema);

const pathText = (segments: readonly Segment[]): string =>
  segments.reduce<string>((acc, s) => (typeof s === 'number' ? `${acc}[${s}]` : acc ? `${acc}.${s}` : s), '');

const pointer = (instancePath: string): Segment[] =>
  instancePath
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));

/** Where a key path is in the document: the value node, or with `key`, the key of its last segment. */
function locate(doc: Document, lines: LineCounter, segments: readonly Segment[], key = false): { line: number; col: number } {
  let node: unknown = doc.contents;
  let at: Node | undefined = doc.contents ?? undefined;
  for (const seg of segments) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(seg));
      if (!pair) break;
      at = (key && seg === segments[segments.length - 1] ? pair.key : (pair.value ?? pair.key)) as Node;
      node = pair.value;
    } else if (isSeq(node) && typeof seg === 'number' && node.items[seg] !== undefined) {
      at = node.items[seg] as Node;
      node = at;
    } else break;
  }
  const offset = at?.range?.[0] ?? 0;
  return lines.linePos(offset);
}

const show = (v: unknown): string => (typeof v === 'string' ? JSON.stringify(v) : v === null ? 'null' : Array.isArray(v) ? 'a list' : typeof v === 'object' ? 'a mapping' : String(v));

function schemaMessage(e: ErrorObject, data: unknown): { segments: Segment[]; message: string; key?: boolean } {
  const segments = pointer(e.instancePath);
  const value = segments.reduce<unknown>((v, s) => (v as Record<string | number, unknown> | undefined)?.[s], data);
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'additionalProperties': {
      const known = Object.keys(schemaAt(segments)?.properties ?? {});
      return { segments: [...segments, String(p.additionalProperty)], key: true, message: `unknown key${known.length ? ` (known here: ${known.join(', ')})` : ''}` };
    }
    case 'required':
      return { segments, message: `missing key "${String(p.missingProperty)}"` };
    case 'enum':
      return { segments, message: `must be one of ${(p.allowedValues as unknown[]).join(', ')}, got ${show(value)}` };
    case 'type':
      return { segments, message: `expected ${String(p.type).replace(',', ' or ')}, got ${show(value)}` };
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return { segments, message: `must be ${String(p.comparison)} ${String(p.limit)}, got ${show(value)}` };
    case 'pattern':
      return { segments, message: `${show(value)} does not match ${String(p.pattern)}` };
    default:
      return { segments, message: e.message ?? e.keyword };
  }
}

/** The (sub)schema at a data path, for "known keys" lists. */
function schemaAt(segments: readonly Segment[]): { properties?: Record<string, unknown> } | undefined {
  let s = scenarioSchema as { properties?: Record<string, unknown>; items?: unknown };
  for (const seg of segments) {
    const next = typeof seg === 'number' ? s.items : s.properties?.[seg];
    if (!next || typeof next !== 'object') return undefined;
    s = next as typeof s;
  }
  return s;
}

const oneKeyMessage = (what: string, keys: readonly string[], value: unknown): string => {
  const given = value && typeof value === 'object' ? Object.keys(value).filter((k) => keys.includes(k)) : [];
  return given.length === 0 ? `${what} needs one of: ${keys.join(', ')}` : `${what} has ${given.join(' and ')}: give exactly one (a list item each)`;
};

/** Schema problems, with the oneOf noise of steps and expectations replaced by one clear line. */
function schemaProblems(data: unknown): { segments: Segment[]; message: string; key?: boolean }[] {
  if (validate(data)) return [];
  const errors = validate.errors ?? [];
  const out: { segments: Segment[]; message: string; key?: boolean }[] = [];
  const seen = new Set<string>();
  for (const e of errors) {
    if (e.schemaPath.includes('/oneOf/')) continue;
    let m: { segments: Segment[]; message: string; key?: boolean };
    if (e.keyword === 'oneOf') {
      const segments = pointer(e.instancePath);
      const value = segments.reduce<unknown>((v, s) => (v as Record<string | number, unknown> | undefined)?.[s], data);
      const isStep = segments[0] === 'steps';
      const isExpect = segments[0] === 'expect';
      const last = segments[segments.length - 1];
      const oneStepOrExpectation = (isStep || isExpect) && segments.length === 2;
      if (oneStepOrExpectation) m = { segments, message: oneKeyMessage(isStep ? 'a step' : 'an expectation', Object.keys(isStep ? STEP_ACTIONS : EXPECTATIONS), value) };
      else if (last === 'authorization') m = { segments, message: 'must be auto, manual, or a delay in ms (> 0)' };
      else if (segments[segments.length - 2] === 'fields') m = { segments, message: `expected a value, a list of values or {exists: true|false}, got ${show(value)}` };
      else m = { segments, message: `expected a string or a list of strings${last === 'role' ? ' (EV, EVSE, CSMS, SCSP)' : ''}, got ${show(value)}` };
    } else m = schemaMessage(e, data);
    const k = `${pathText(m.segments)}\u0000${m.message}`;
    if (!seen.has(k)) out.push(m);
    seen.add(k);
  }
  return out;
}

/** What the schema cannot check: steps without a process to carry them out, the FSP, process configurations. */
function semanticProblems(s: Scenario, baseDir: string): { segments: Segment[]; message: string; key?: boolean }[] {
  const out: { segments: Segment[]; message: string; key?: boolean }[] = [];
  const fsp = s.topology?.fsp;
  if ((fsp === 'csms' || fsp === 'site-ems') && !s.stack.ocpp) out.push({ segments: ['topology', 'fsp'], message: `${fsp} as the FSP needs a CSMS: give stack.ocpp` });
  if (fsp === 'scsp' && !s.stack.ocpi) out.push({ segments: ['topology', 'fsp'], message: 'scsp as the FSP needs an SCSP: give stack.ocpi' });
  if (s.stack.ocpi && !s.stack.ocpp) out.push({ segments: ['stack', 'ocpi'], message: 'OCPI links the CSMS and the SCSP: give stack.ocpp too' });
  const iso = s.stack.iso15118;
  if (iso.version !== 'iso15118-20') {
    for (const k of ['bpt', 'controlMode'] as const) if (iso[k] !== undefined) out.push({ segments: ['stack', 'iso15118', k], key: true, message: `only ISO 15118-20 has ${k === 'bpt' ? 'bidirectional power transfer' : 'control modes'} (version is ${iso.version})` });
  }
  if (iso.version === 'din70121' && iso.scale) out.push({ segments: ['stack', 'iso15118', 'scale'], message: 'DIN 70121 has no SCALE variant' });
  if (iso.tls && !iso.pki) out.push({ segments: ['stack', 'iso15118', 'tls'], message: 'TLS needs stack.iso15118.pki' });
  if (iso.payment === 'pnc' && !(iso.pki && iso.tls)) out.push({ segments: ['stack', 'iso15118', 'payment'], message: 'Plug & Charge needs TLS and a PKI: give stack.iso15118.tls: true and pki (generate makes one)' });
  if (s.stack.ocpp?.scale && s.stack.ocpp.version === '1.6') out.push({ segments: ['stack', 'ocpp', 'scale'], message: 'OCPP 1.6 has no customData: the SCALE extension needs 2.0.1 or 2.1' });
  if (fsp === 'scsp' && s.driver?.departureS === undefined) out.push({ segments: ['topology', 'fsp'], message: 'the SCSP plans each session until the driver’s departure: give driver.departureS' });
  if (s.topology?.policy !== undefined && fsp !== 'csms' && fsp !== 'site-ems') out.push({ segments: ['topology', 'policy'], key: true, message: `a policy is the CSMS’s as FSP (fsp csms or site-ems), not ${fsp}’s` });
  (s.steps ?? []).forEach((step, i) => {
    const targets = stepTargets(step, s);
    const name = Object.keys(STEP_ACTIONS).find((k) => k in step) ?? '?';
    if (targets.length === 0) {
      const why: Record<string, string> = {
        'priority-charging': ' (a CSMS as FSP plans it: topology csms or site-ems with stack.ocpp; OCPI 2.2.1 has no priority flag)',
        'price-curve': ' (it needs the SCSP: stack.ocpi)',
      };
      out.push({ segments: ['steps', i, name], key: true, message: `no process of this run can carry out ${name}${why[name] ?? ''}` });
    }
    if ('set-needs' in step && stepOwners(step, s).includes('scsp')) {
      const problem = emspNeedsProblem(step['set-needs']);
      if (problem) out.push({ segments: ['steps', i, 'set-needs'], message: `the driver’s needs go through the eMSP here: ${problem}` });
    }
    if (step.at !== undefined && !step.after && s.endS !== undefined && step.at > s.endS) out.push({ segments: ['steps', i, 'at'], message: `at ${step.at} s is after the end of the run (endS ${s.endS} s)` });
    if (('kill' in step || 'restart' in step) && s.attach?.['kill' in step ? step.kill.process : step.restart.process])
      out.push({ segments: ['steps', i], message: 'the runner can only kill or restart a process it started, not an attached one' });
    if ('fault' in step && s.attach) {
      const link = step.fault.link;
      const server = ADAPTERS.find((a) => a.serves.some((l) => l.link === link));
      if (server && s.attach[server.kind]) out.push({ segments: ['steps', i, 'fault', 'link'], message: `the ${link} link ends at an attached ${server.kind}: the runner cannot put a proxy in front of it` });
    }
  });
  // latencies and expectations
  const latencyIds = new Set(analysis.D23_LATENCIES.map((l) => l.id));
  (s.latencies ?? []).forEach((l, i) => {
    if (latencyIds.has(l.id)) out.push({ segments: ['latencies', i, 'id'], message: `${l.id} is taken (by D2.3's or an earlier one)` });
    latencyIds.add(l.id);
    for (const end of ['from', 'to'] as const) out.push(...matchProblems(l[end], ['latencies', i, end]));
  });
  (s.expect ?? []).forEach((x, i) => {
    if ('latency' in x && !latencyIds.has(x.latency.id)) out.push({ segments: ['expect', i, 'latency', 'id'], message: `no latency ${x.latency.id} (known: ${[...latencyIds].join(', ')})` });
    if ('events' in x) out.push(...matchProblems(x.events, ['expect', i, 'events']));
    if ('session' in x && x.session.error !== undefined) {
      try {
        new RegExp(x.session.error);
      } catch (err) {
        out.push({ segments: ['expect', i, 'session', 'error'], message: `not a regular expression: ${err instanceof Error ? err.message : String(err)}` });
      }
    }
    if ('transactions' in x && !s.stack.ocpp) out.push({ segments: ['expect', i, 'transactions'], key: true, message: 'transactions are the CSMS’s: give stack.ocpp' });
  });
  // each process's own configuration, as it would check it at start-up (once the scenario itself is sound: its problems would repeat here)
  for (const a of out.length > 0 ? [] : ADAPTERS) {
    if (!a.present(s) || s.attach?.[a.kind] || !a.check) continue;
    const now = Date.now();
    const config = a.config({ scenario: s, baseDir, runDir: baseDir, upstream: {}, speed: s.clock?.speed ?? 60, epochMs: now, simStartMs: s.clock?.start ? Date.parse(s.clock.start) : now });
    for (const p of a.check(config)) {
      const segs = p.path.split(/\.|\[(\d+)\]/).filter((x) => x !== undefined && x !== '').map((x) => (/^\d+$/.test(x) ? Number(x) : x));
      // point at the scenario key the value came from when it is in `<kind>.config`, else at the process's section
      const inConfig = (a.kind === 'ev' || a.kind === 'evse') && hasPath(s[a.kind]?.config, segs);
      out.push({ segments: inConfig ? [a.kind, 'config', ...segs] : [a.kind], key: inConfig && p.message.startsWith('unknown key'), message: `${a.kind} configuration: ${p.path ? `${p.path}: ` : ''}${p.message}` });
    }
  }
  return out;
}

/** An event predicate: its message pattern must compile, and it names the message one way. */
function matchProblems(m: { message?: unknown; messagePattern?: string }, at: Segment[]): { segments: Segment[]; message: string; key?: boolean }[] {
  const out: { segments: Segment[]; message: string; key?: boolean }[] = [];
  if (m.messagePattern !== undefined) {
    if (m.message !== undefined) out.push({ segments: [...at, 'messagePattern'], key: true, message: 'give message or messagePattern, not both' });
    try {
      new RegExp(m.messagePattern);
    } catch (e) {
      out.push({ segments: [...at, 'messagePattern'], message: `not a regular expression: ${e instanceof Error ? e.message : String(e)}` });
    }
  }
  return out;
}

function hasPath(value: unknown, segs: readonly Segment[]): boolean {
  let v = value;
  for (const s of segs) {
    if (v === null || typeof v !== 'object' || !(s in (v as object))) return false;
    v = (v as Record<string | number, unknown>)[s];
  }
  return true;
}

/** Parses and checks a scenario's text; throws ScenarioError with every problem located. */
export function parseScenario(text: string, file: string): LoadedScenario {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const baseDir = dirname(resolve(file));
  if (doc.errors.length > 0) {
    throw new ScenarioError(
      doc.errors.map((e) => {
        const { line, col } = e.linePos?.[0] ?? lines.linePos(e.pos[0]);
        return { file, path: '', line, col, message: e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '') };
      }),
    );
  }
  const data: unknown = doc.toJS();
  const located = (ps: { segments: Segment[]; message: string; key?: boolean }[]): ScenarioProblem[] =>
    ps.map((p) => ({ file, path: pathText(p.segments), ...locate(doc, lines, p.segments, p.key), message: p.message }));
  const schema = schemaProblems(data ?? null);
  if (schema.length > 0) throw new ScenarioError(located(schema));
  const scenario = data as Scenario;
  const semantic = semanticProblems(scenario, baseDir);
  if (semantic.length > 0) throw new ScenarioError(located(semantic));
  return { file, baseDir, scenario };
}

/** Reads and checks a scenario file. */
export async function loadScenario(file: string): Promise<LoadedScenario> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new ScenarioError([{ file, path: '', line: 1, col: 1, message: `cannot read the file: ${(e as NodeJS.ErrnoException).code ?? String(e)}` }]);
  }
  return parseScenario(text, file);
}
