// Emits one version's TypeScript types: every shared definition as a named type (string enums as
// unions of literals), one interface per message, and the action map OcppActions<v> (action →
// {request, response}); 2.1 also gets OcppSendActions21 for its SEND-only message.
import type { JsonSchema, VersionSchemas } from './schemas.js';

export function versionSuffix(version: string): string {
  return version.replaceAll('.', '');
}

export function emitTypes(set: VersionSchemas, header: string): string {
  const out: string[] = [header];
  const suffix = versionSuffix(set.version);
  for (const [name, def] of set.definitions) {
    out.push(...doc(def, ''));
    out.push(declare(name, def));
    out.push('');
  }
  for (const m of set.messages) {
    out.push(...doc(m.schema, '', `${m.kind === 'send' ? 'SEND' : m.kind === 'request' ? 'CALL' : 'CALLRESULT'} payload of ${m.action} (${m.file}).`));
    out.push(declare(m.name, m.schema));
    out.push('');
  }
  const pairs = new Map<string, { request?: string; response?: string }>();
  const sends: string[] = [];
  for (const m of set.messages) {
    if (m.kind === 'send') {
      sends.push(m.action);
      continue;
    }
    const p = pairs.get(m.action) ?? {};
    p[m.kind] = m.name;
    pairs.set(m.action, p);
  }
  out.push(`/** OCPP ${set.version}: each CALL action with its request (CALL) and response (CALLRESULT) payload. */`);
  out.push(`export interface OcppActions${suffix} {`);
  for (const [action, p] of [...pairs].sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (!p.request || !p.response) throw new Error(`${set.version}: ${action} lacks its ${p.request ? 'response' : 'request'} schema`);
    out.push(`  ${action}: { request: ${p.request}; response: ${p.response} };`);
  }
  out.push('}', '');
  out.push(`/** OCPP ${set.version}: each SEND action ([J21] §4.2.4, 2.1 only) with its payload. */`);
  if (sends.length === 0) out.push(`export type OcppSendActions${suffix} = Record<never, never>;`);
  else {
    out.push(`export interface OcppSendActions${suffix} {`);
    for (const a of sends.sort()) out.push(`  ${a}: ${a};`);
    out.push('}');
  }
  out.push('');
  out.push(`/** The CALL actions of OCPP ${set.version}, in alphabetical order. */`);
  out.push(`export const callActions${suffix} = [${[...pairs.keys()].sort().map((a) => `'${a}'`).join(', ')}] as const;`);
  out.push(`/** The SEND actions of OCPP ${set.version}. */`);
  out.push(`export const sendActions${suffix} = [${sends.map((a) => `'${a}'`).join(', ')}] as const;`);
  out.push('');
  return out.join('\n');
}

function declare(name: string, schema: JsonSchema): string {
  if (schema.type === 'object' && schema.properties && Object.keys(schema.properties).length > 0) return `export interface ${name} ${objectBody(schema, '')}`;
  return `export type ${name} = ${typeOf(schema, '')};`;
}

function typeOf(s: JsonSchema, indent: string): string {
  if (typeof s.$ref === 'string') return s.$ref.slice('#/definitions/'.length);
  if (Array.isArray(s.enum)) return s.enum.map((v) => JSON.stringify(v)).join(' | ');
  switch (s.type) {
    case 'string':
      return 'string';
    case 'integer':
    case 'number':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'array': {
      const item = typeOf((s.items ?? {}) as JsonSchema, indent);
      return /^[\w.]+$/.test(item) ? `${item}[]` : `Array<${item}>`;
    }
    case 'object':
      return objectBody(s, indent);
    case undefined:
      // DataTransfer.data (2.x): "without specified length or format": any JSON value
      return 'unknown';
    default:
      throw new Error(`unsupported schema ${JSON.stringify(s).slice(0, 120)}`);
  }
}

function objectBody(s: JsonSchema, indent: string): string {
  const props = Object.entries((s.properties ?? {}) as Record<string, JsonSchema>);
  const open = s.additionalProperties !== false;
  if (props.length === 0) return open ? 'Record<string, unknown>' : 'Record<string, never>';
  const required = new Set((s.required ?? []) as string[]);
  const inner = `${indent}  `;
  const lines = ['{'];
  for (const [k, v] of props) {
    lines.push(...doc(v, inner));
    lines.push(`${inner}${/^[A-Za-z_$][\w$]*$/.test(k) ? k : JSON.stringify(k)}${required.has(k) ? '' : '?'}: ${typeOf(v, inner)};`);
  }
  // CustomDataType (2.x) and the few 1.6 objects without additionalProperties:false take extra members
  if (open) lines.push(`${inner}[key: string]: unknown;`);
  lines.push(`${indent}}`);
  return lines.join('\n');
}

const CONSTRAINTS = ['maxLength', 'minimum', 'maximum', 'minItems', 'maxItems', 'multipleOf', 'format', 'default'] as const;

function doc(s: JsonSchema, indent: string, lead?: string): string[] {
  const text: string[] = [];
  if (lead) text.push(lead);
  if (typeof s.description === 'string') text.push(...s.description.replaceAll('\r', '').trim().split('\n'));
  const c = CONSTRAINTS.filter((k) => s[k] !== undefined).map((k) => `${k} ${JSON.stringify(s[k])}`);
  if (c.length > 0) text.push(`(${c.join(', ')})`);
  if (text.length === 0) return [];
  const safe = text.map((l) => l.replaceAll('*/', '*\\/').trimEnd());
  if (safe.length === 1) return [`${indent}/** ${safe[0]} */`];
  return [`${indent}/**`, ...safe.map((l) => (l ? `${indent} * ${l}` : `${indent} *`)), `${indent} */`];
}
