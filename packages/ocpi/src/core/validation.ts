// ajv set up for OCPI: the generated schema document, and the formats OCPI uses with OCPI's own
// meaning (DateTime without a zone designator is UTC). Used by the fastify plugins' validator
// compiler and by `validateOcpiObject` for anything else (e.g. checking what a peer sent back).
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { OCPI_SCHEMA_ID, ocpiSchemas, type OcpiSchemaName } from '../generated/schemas.js';
import type { OcpiObjects } from '../generated/types.js';
import { isOcpiDateTime } from './datetime.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface OcpiAjvOptions {
  /** coerce strings to numbers/booleans: for path and query parameters, never for bodies */
  coerceTypes?: boolean;
}

/** DateTimes checked lately: a client paging with date_from sends the same one again and again */
const dateTimes = new Map<string, boolean>();
const DATE_TIMES_MAX = 1024;

function isOcpiDateTimeSeen(s: string): boolean {
  let ok = dateTimes.get(s);
  if (ok === undefined) {
    ok = isOcpiDateTime(s);
    if (dateTimes.size >= DATE_TIMES_MAX) dateTimes.clear();
    if (s.length <= 64) dateTimes.set(s, ok);
  }
  return ok;
}

export function createOcpiAjv(opts: OcpiAjvOptions = {}): Ajv {
  const ajv = new Ajv({
    allErrors: false,
    strict: true,
    coerceTypes: opts.coerceTypes ? 'array' : false,
    useDefaults: true,
    removeAdditional: false,
  });
  ajv.addFormat('date-time', { type: 'string', validate: isOcpiDateTimeSeen });
  ajv.addFormat('uri', { type: 'string', validate: (s: string) => URL.canParse(s) });
  ajv.addFormat('uuid', { type: 'string', validate: (s: string) => UUID.test(s) });
  ajv.addSchema(ocpiSchemas);
  return ajv;
}

let shared: Ajv | undefined;
const compiled = new Map<string, ValidateFunction>();

export interface OcpiValidationResult {
  valid: boolean;
  /** ajv's errors, when not valid */
  errors: ErrorObject[];
  /** one line, e.g. `/cdr_token must have required property 'uid'` */
  message?: string;
}

/** Validates a value against the generated schema of one OCPI object (`'Session'`, `'Location'`, …). */
export function validateOcpiObject(name: OcpiSchemaName, value: unknown): OcpiValidationResult {
  shared ??= createOcpiAjv();
  let v = compiled.get(name);
  if (!v) {
    v = shared.compile({ $ref: `${OCPI_SCHEMA_ID}#/definitions/${name}` });
    compiled.set(name, v);
  }
  const valid = v(value) as boolean;
  const errors = valid ? [] : [...(v.errors ?? [])];
  return { valid, errors, ...(valid ? {} : { message: formatAjvErrors(errors) }) };
}

/** Type guard over `validateOcpiObject`. */
export function isOcpiObject<N extends OcpiSchemaName & keyof OcpiObjects>(name: N, value: unknown): value is OcpiObjects[N] {
  return validateOcpiObject(name, value).valid;
}

export function formatAjvErrors(errors: readonly ErrorObject[], prefix = ''): string {
  return errors
    .map((e) => {
      const where = `${prefix}${e.instancePath || ''}` || '/';
      const extra = e.keyword === 'enum' ? ` (${(e.params as { allowedValues: unknown[] }).allowedValues.join(', ')})` : '';
      return `${where} ${e.message ?? e.keyword}${extra}`;
    })
    .join('; ');
}
