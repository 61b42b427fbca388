// Emits one version's validators as Ajv standalone code: plain functions, no schema compilation and
// no ../shared at run time. The shared definitions table becomes one schema whose definitions are
// compiled once (inlineRefs: false) and called from every message's validator, which keeps the 2.1
// module near 1 MB instead of several.
import { Ajv } from 'ajv';
import standaloneCode from 'ajv/dist/standalone/index.js';
import addFormatsModule from 'ajv-formats';
import type { OcppVersion } from '../versions.js';
import { withoutDocs, type JsonSchema, type VersionSchemas } from './schemas.js';

// ajv-formats is CommonJS: its default export arrives as the module object under NodeNext
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule) as unknown as (ajv: Ajv) => Ajv;
const standalone = ((standaloneCode as unknown as { default?: typeof standaloneCode }).default ?? standaloneCode) as unknown as (ajv: Ajv, refs: Record<string, string>) => string;

const definitionsId = (version: OcppVersion): string => `urn:v2xsim:ocpp:${version}:definitions`;
const messageId = (version: OcppVersion, name: string): string => `urn:v2xsim:ocpp:${version}:${name}`;

export function emitValidators(set: VersionSchemas, header: string): string {
  const ajv = new Ajv({
    strict: false,
    allErrors: false,
    inlineRefs: false,
    // descriptions come from keyword + params (validation.ts): the message strings only cost bytes
    messages: false,
    // multipleOf 0.1 (1.6 limits, 2.x decimals) with a tolerance: 23533.3 / 0.1 is not an integer
    // in binary floating point, yet 23533.3 is a valid limit with one decimal
    multipleOfPrecision: 9,
    code: { source: true, esm: true, optimize: true },
  });
  addFormats(ajv);
  const defsId = definitionsId(set.version);
  const retarget = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(retarget);
    if (node && typeof node === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(node)) out[k] = k === '$ref' && typeof v === 'string' ? `${defsId}${v}` : retarget(v);
      return out;
    }
    return node;
  };
  const definitions: Record<string, unknown> = {};
  for (const [name, def] of set.definitions) definitions[name] = retarget(forValidation(def));
  ajv.addSchema({ $id: defsId, definitions });
  const refs: Record<string, string> = {};
  for (const m of set.messages) {
    const id = messageId(set.version, m.name);
    ajv.addSchema({ ...(retarget(forValidation(m.schema)) as JsonSchema), $id: id });
    refs[m.name] = id;
  }
  let code = standalone(ajv, refs);
  // Ajv's standalone output reaches its runtime helpers (ucs2length, ajv-formats' formats) through
  // require(); an ES module gets one from createRequire
  code = code.replace(/^"use strict";/, '');
  // schemaPath is never read (validation.ts maps keyword and instancePath): dropped, a third of the size
  code = code.replaceAll(/schemaPath:"[^"]*",/g, '');
  // only the table below is exported (the per-message consts stay module-local)
  code = code.replaceAll(/export const (\w+) = (validate\d+);/g, 'const $1 = $2;');
  // one statement per line, so a regeneration shows as a readable diff
  code = code.replace(/(?<=[;}])(?=(?:function validate\d+\(|const (?:schema|formats|func|pattern)\d+ = |const \w+ = validate\d+;))/g, '\n');
  const names = set.messages.map((m) => m.name);
  return [
    header,
    '// @ts-nocheck',
    `import { createRequire } from 'node:module';`,
    `import type { SchemaValidator } from '../validator-types.js';`,
    '',
    'const require = createRequire(import.meta.url);',
    code.trim(),
    '',
    `/** Validators of OCPP ${set.version}, by message name (BootNotificationRequest, BootNotificationResponse, …). */`,
    'export const validators: Readonly<Record<string, SchemaValidator>> = {',
    ...names.map((n) => `  ${n},`),
    '};',
    '',
  ].join('\n');
}

/**
 * What the validators see: no documentation keys, and no `additionalProperties` on string enums
 * (the 2.x files put it there; it constrains nothing on a string but costs a loop per enum).
 */
function forValidation(schema: JsonSchema): unknown {
  const strip = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(strip);
    if (node && typeof node === 'object') {
      const out: Record<string, unknown> = {};
      const isString = (node as JsonSchema).type === 'string';
      for (const [k, v] of Object.entries(node)) {
        if (isString && k === 'additionalProperties') continue;
        out[k] = strip(v);
      }
      return out;
    }
    return node;
  };
  return strip(withoutDocs(schema));
}
