// Maps an XSD simple type (built-in or derived by restriction) to its EXI datatype
// representation (EXI 1.0 §7.1 and §7.4): facets that change the wire form are applied here.
import type { Datatype } from '../runtime/grammar.js';
import { XSD_NS, qnKey, type Facets, type SchemaSet, type SimpleTypeDef, type TypeDef, type TypeRef } from './schema-model.js';

const STRING_TYPES = new Set([
  'string', 'normalizedString', 'token', 'anyURI', 'ID', 'IDREF', 'NCName', 'Name', 'NMTOKEN', 'language', 'anySimpleType',
]);

const p = (e: number): bigint => 1n << BigInt(e);
/** Built-in integer types and their value-space bounds. */
const INTEGER_BOUNDS: Record<string, [bigint | undefined, bigint | undefined]> = {
  integer: [undefined, undefined],
  long: [-p(63), p(63) - 1n],
  int: [-p(31), p(31) - 1n],
  short: [-p(15), p(15) - 1n],
  byte: [-128n, 127n],
  nonNegativeInteger: [0n, undefined],
  positiveInteger: [1n, undefined],
  nonPositiveInteger: [undefined, 0n],
  negativeInteger: [undefined, -1n],
  unsignedLong: [0n, p(64) - 1n],
  unsignedInt: [0n, p(32) - 1n],
  unsignedShort: [0n, p(16) - 1n],
  unsignedByte: [0n, 255n],
};

const SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** Bits needed for n distinct values: ceil(log2(n)), 0 for a single value. */
export function bitsFor(n: number): number {
  let b = 0;
  while (1 << b < n) b++;
  return b;
}

export function resolveType(set: SchemaSet, ref: TypeRef): TypeDef {
  if ('def' in ref) return ref.def;
  if (ref.ref.ns === XSD_NS) return builtin(ref.ref.name);
  const t = set.types.get(qnKey(ref.ref));
  if (!t) throw new Error(`unknown type ${qnKey(ref.ref)}`);
  return t;
}

const builtins = new Map<string, SimpleTypeDef>();
export function builtin(name: string): SimpleTypeDef {
  let t = builtins.get(name);
  if (!t) {
    t = { kind: 'simple', qname: { ns: XSD_NS, name }, facets: {} };
    builtins.set(name, t);
  }
  return t;
}

export function isBuiltin(t: TypeDef): boolean {
  return t.kind === 'simple' && t.qname?.ns === XSD_NS;
}

/** Walks the restriction chain to the built-in type, collecting the facets that apply. */
export function datatypeOf(set: SchemaSet, type: SimpleTypeDef): Datatype {
  let enumeration: string[] | undefined;
  let maxLength: number | undefined;
  let lo: bigint | undefined;
  let hi: bigint | undefined;
  const tighten = (f: Facets): void => {
    const min = f.minInclusive ?? (f.minExclusive !== undefined ? f.minExclusive + 1n : undefined);
    const max = f.maxInclusive ?? (f.maxExclusive !== undefined ? f.maxExclusive - 1n : undefined);
    if (min !== undefined && (lo === undefined || min > lo)) lo = min;
    if (max !== undefined && (hi === undefined || max < hi)) hi = max;
  };
  let t: SimpleTypeDef = type;
  for (;;) {
    if (!enumeration && t.facets.enumeration) enumeration = t.facets.enumeration;
    const ml = t.facets.maxLength ?? t.facets.length;
    if (ml !== undefined && (maxLength === undefined || ml < maxLength)) maxLength = ml;
    tighten(t.facets);
    if (isBuiltin(t)) break;
    if (!t.base) throw new Error(`simple type without base`);
    const b = resolveType(set, t.base);
    if (b.kind !== 'simple') throw new Error('simple type derived from a complex type');
    t = b;
  }
  const name = t.qname!.name;
  // EXI 1.0 §7.2: enumerations of any type but QName/Notation are n-bit indices in schema order
  if (enumeration) return { t: 'enum', n: bitsFor(enumeration.length), values: enumeration };
  const limit = maxLength !== undefined ? { maxLength } : {};
  if (STRING_TYPES.has(name)) return { t: 'string', ...limit };
  if (name === 'boolean') return { t: 'bool' };
  if (name === 'hexBinary') return { t: 'hex', ...limit };
  if (name === 'base64Binary') return { t: 'base64', ...limit };
  const bounds = INTEGER_BOUNDS[name];
  if (!bounds) throw new Error(`unsupported built-in type xs:${name}`);
  tighten({ ...(bounds[0] !== undefined ? { minInclusive: bounds[0] } : {}), ...(bounds[1] !== undefined ? { maxInclusive: bounds[1] } : {}) });
  // EXI 1.0 §7.1.5: a bounded range of 4096 values or fewer is an n-bit unsigned offset from min;
  // otherwise a lower bound >= 0 gives Unsigned Integer, else Integer.
  if (lo !== undefined && hi !== undefined && hi - lo + 1n <= 4096n) {
    return { t: 'nbit', n: bitsFor(Number(hi - lo + 1n)), min: Number(lo), max: Number(hi) };
  }
  const big = lo === undefined || hi === undefined || hi > SAFE || lo < -SAFE;
  const num = (v: bigint): number | string => (v <= SAFE && v >= -SAFE ? Number(v) : v.toString());
  const limits = { ...(lo !== undefined && !(lo >= 0n) ? { min: num(lo) } : {}), ...(hi !== undefined ? { max: num(hi) } : {}) };
  if (lo !== undefined && lo >= 0n) return { t: 'uint', ...(big ? { big: true as const } : {}), ...(hi !== undefined ? { max: num(hi) } : {}) };
  return { t: 'int', ...(big ? { big: true as const } : {}), ...limits };
}
