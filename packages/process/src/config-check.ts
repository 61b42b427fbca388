// A small checker for process configuration read from YAML or flags: every unknown key and bad
// value is reported with its key path (`battery.soc: must be ≤ 100, got 120`), all at once.

import { readFile } from 'node:fs/promises';
import { parseDocument } from 'yaml';

export type ConfigSpec =
  | { type: 'number'; min?: number; max?: number; /** exclusive lower bound */ above?: number; integer?: boolean }
  | { type: 'string'; enum?: readonly string[]; nonEmpty?: boolean; /** returns a problem, or undefined when fine */ check?: (value: string) => string | undefined }
  | { type: 'boolean' }
  | { type: 'array'; items: ConfigSpec; minItems?: number; maxItems?: number; unique?: boolean }
  | { type: 'object'; fields: Readonly<Record<string, ConfigSpec>> };

export interface ConfigProblem {
  /** key path, e.g. `battery.soc` or `chargingCurve[2].powerW`; '' for the whole document */
  path: string;
  message: string;
}

/** Bad configuration: the problems, each with its key path. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly ConfigProblem[]) {
    super(problems.map((p) => (p.path ? `${p.path}: ${p.message}` : p.message)).join('; '));
    this.name = 'ConfigError';
  }
}

export const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const show = (v: unknown): string => {
  if (v === null) return 'null';
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  return String(v);
};

const join = (path: string, key: string | number): string => (typeof key === 'number' ? `${path}[${key}]` : path ? `${path}.${key}` : key);

/** Every problem of `value` against `spec`; [] when it conforms. */
export function checkConfig(spec: ConfigSpec, value: unknown, path = ''): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const bad = (message: string) => problems.push({ path, message });
  switch (spec.type) {
    case 'number': {
      if (typeof value !== 'number' || !Number.isFinite(value)) {
        bad(`expected a number, got ${show(value)}`);
        break;
      }
      if (spec.integer && !Number.isInteger(value)) bad(`expected a whole number, got ${value}`);
      if (spec.min !== undefined && value < spec.min) bad(`must be ≥ ${spec.min}, got ${value}`);
      if (spec.above !== undefined && !(value > spec.above)) bad(`must be > ${spec.above}, got ${value}`);
      if (spec.max !== undefined && value > spec.max) bad(`must be ≤ ${spec.max}, got ${value}`);
      break;
    }
    case 'string': {
      if (typeof value !== 'string') {
        bad(`expected a string, got ${show(value)}`);
        break;
      }
      if (spec.enum && !spec.enum.includes(value)) bad(`must be one of ${spec.enum.join(', ')}, got ${show(value)}`);
      else if (spec.nonEmpty && value.trim() === '') bad('must not be empty');
      else {
        const problem = spec.check?.(value);
        if (problem) bad(problem);
      }
      break;
    }
    case 'boolean':
      if (typeof value !== 'boolean') bad(`expected true or false, got ${show(value)}`);
      break;
    case 'array': {
      if (!Array.isArray(value)) {
        bad(`expected a list, got ${show(value)}`);
        break;
      }
      if (spec.minItems !== undefined && value.length < spec.minItems) bad(`needs at least ${spec.minItems} item${spec.minItems === 1 ? '' : 's'}`);
      if (spec.maxItems !== undefined && value.length > spec.maxItems) bad(`takes at most ${spec.maxItems} items`);
      if (spec.unique && new Set(value.map((v) => JSON.stringify(v))).size !== value.length) bad('has duplicate items');
      value.forEach((item, i) => problems.push(...checkConfig(spec.items, item, join(path, i))));
      break;
    }
    case 'object': {
      if (!isPlainObject(value)) {
        bad(`expected a mapping, got ${show(value)}`);
        break;
      }
      for (const [key, v] of Object.entries(value)) {
        const field = spec.fields[key];
        if (!field) problems.push({ path: join(path, key), message: `unknown key (known here: ${Object.keys(spec.fields).join(', ')})` });
        else if (v !== undefined) problems.push(...checkConfig(field, v, join(path, key)));
      }
      break;
    }
  }
  return problems;
}

/**
 * `over` laid over `base`: mappings merge key by key, anything else (lists included) replaces;
 * undefined in `over` keeps the base value. Neither input is changed.
 */
export function mergeConfig(base: unknown, over: unknown): unknown {
  if (over === undefined) return base;
  if (!isPlainObject(base) || !isPlainObject(over)) return over;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = mergeConfig(base[k], v);
  return out;
}

/** Sets `value` at a dotted path in `target`, creating mappings on the way. */
export function setConfigPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let node = target;
  for (const key of keys.slice(0, -1)) {
    if (!isPlainObject(node[key])) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[keys[keys.length - 1]] = value;
}

/**
 * A YAML configuration file as plain data. Throws ConfigError for a file that cannot be read or
 * parsed (syntax error, duplicate key), with the line and column.
 */
export async function readConfigFile(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new ConfigError([{ path: '', message: `cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}` }]);
  }
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) throw new ConfigError(doc.errors.map((e) => ({ path: '', message: `${file}: ${e.message.split('\n')[0]}` })));
  const value: unknown = doc.toJS();
  return value ?? {};
}
