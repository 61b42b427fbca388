// Loads one version's OCA JSON schemas from ../shared/schemas/ocpp/<version> and normalises them
// at load time (the files stay byte-for-byte the OCA's, CC BY-ND): every definition is hoisted into
// one per-version `definitions` table (within a version the OCA files repeat the same definitions,
// identical once descriptions are ignored; a conflict stops the generator), `$ref`s point there,
// and the per-file identifiers are dropped:
// - 1.6 core files are draft-04 with `id` (not `$id`) and no `definitions`; the 1.6 Security
//   Whitepaper files are draft-06 with `$id`. Ajv 8 reads both once `$schema`/`id` are removed
//   (only draft-06-compatible keywords occur: no boolean `exclusiveMinimum`).
// - 2.x files carry `javaType`, `comment` and `additionalProperties` on string enums, which strict
//   Ajv refuses; they are stripped from what the validators see.
// - 2.1 `NotifyPeriodicEventStream.json` is the one SEND-only message (no Request/Response suffix).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { OcppVersion } from '../versions.js';

export type JsonSchema = { [k: string]: unknown };

export type MessageKind = 'request' | 'response' | 'send';

export interface MessageSchema {
  /** the OCPP-J Action, e.g. BootNotification */
  action: string;
  kind: MessageKind;
  /** type / validator name: BootNotificationRequest, BootNotificationResponse, NotifyPeriodicEventStream */
  name: string;
  /** source file name in the OCA set */
  file: string;
  /** the root schema, `$ref`s rewritten to `#/definitions/X` of the version's shared table */
  schema: JsonSchema;
}

export interface VersionSchemas {
  version: OcppVersion;
  files: string[];
  /** name → schema, shared by every message of the version */
  definitions: Map<string, JsonSchema>;
  messages: MessageSchema[];
}

/** Keys that document but never constrain: left out when comparing and when validating. */
export const DOC_KEYS = new Set(['description', 'javaType', 'comment', '$comment', 'title']);

export function loadVersion(schemaDir: string, version: OcppVersion): VersionSchemas {
  const dir = join(schemaDir, 'ocpp', version);
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort();
  const definitions = new Map<string, JsonSchema>();
  const seen = new Map<string, { key: string; file: string }>();
  const messages: MessageSchema[] = [];
  for (const file of files) {
    const raw = JSON.parse(readFileSync(join(dir, file), 'utf8')) as JsonSchema;
    const { action, kind, name } = classify(version, file.slice(0, -'.json'.length));
    const { definitions: defs, $schema: _s, id: _id, $id: _$id, comment: _c, title: _t, ...root } = raw;
    for (const [defName, def] of Object.entries((defs ?? {}) as Record<string, JsonSchema>)) {
      const key = JSON.stringify(withoutDocs(def));
      const prev = seen.get(defName);
      if (prev && prev.key !== key) throw new Error(`${version}: definition ${defName} differs between ${prev.file} and ${file}`);
      if (!prev) {
        seen.set(defName, { key, file });
        definitions.set(defName, checkRefs(def, file));
      }
    }
    messages.push({ action, kind, name, file, schema: checkRefs(root, file) });
  }
  return { version, files, definitions: new Map([...definitions].sort(([a], [b]) => (a < b ? -1 : 1))), messages };
}

function classify(version: OcppVersion, base: string): { action: string; kind: MessageKind; name: string } {
  if (base.endsWith('Response')) return { action: base.slice(0, -'Response'.length), kind: 'response', name: base };
  if (version === '1.6') return { action: base, kind: 'request', name: `${base}Request` };
  if (base.endsWith('Request')) return { action: base.slice(0, -'Request'.length), kind: 'request', name: base };
  // [J21] §4.2.4: a SEND message's name has neither suffix
  return { action: base, kind: 'send', name: base };
}

/** Every `$ref` must be local to the file's definitions (they are then the shared table's). */
function checkRefs(node: JsonSchema, file: string): JsonSchema {
  walk(node, (n) => {
    const ref = n.$ref;
    if (ref !== undefined && (typeof ref !== 'string' || !ref.startsWith('#/definitions/'))) throw new Error(`${file}: unsupported $ref ${String(ref)}`);
  });
  return node;
}

export function walk(node: unknown, visit: (n: JsonSchema) => void): void {
  if (Array.isArray(node)) for (const x of node) walk(x, visit);
  else if (node && typeof node === 'object') {
    visit(node as JsonSchema);
    for (const x of Object.values(node)) walk(x, visit);
  }
}

/** A copy without documentation keys (string-valued ones: a property may be called `description`). */
export function withoutDocs(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withoutDocs);
  if (node && typeof node === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(node)) {
      if (DOC_KEYS.has(k) && typeof v === 'string') continue;
      out[k] = withoutDocs(v);
    }
    return out;
  }
  return node;
}
