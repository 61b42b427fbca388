// The schema-informed EXI codec: walks the generated grammar tables of one schema set to encode
// and decode documents and fragments in the V2G profile (header 0x80, bit-packed, non-strict,
// no value string tables). The JSON form: element names as keys, repeated elements as arrays,
// binary as lowercase hex, simple content beside attributes as CONTENT, 64-bit integers as
// numbers when exact and bigint (string in JSON) otherwise.
import { BitReader } from './bit-reader.js';
import { BitWriter } from './bit-writer.js';
import { ExiError } from './errors.js';
import { EV, type CodecTables, type Datatype, type GrammarState, type Production, type TypeGrammar } from './grammar.js';

export type ExiObject = { [key: string]: ExiValue };
export type ExiValue = string | number | bigint | boolean | ExiObject | ExiValue[];

/** The key that holds the text of an element with simple content and attributes. */
export const CONTENT = 'CONTENT';

const MAX_DEPTH = 64;

interface LinkedType {
  g: TypeGrammar;
  enumIndex: (Map<string, number> | undefined)[];
  contentEnum?: Map<string, number>;
  /** number of distinct keys (attributes, elements, CONTENT) for the unknown-key check */
  keys: Set<string>;
}

export interface DecodeOptions {
  /** ignore bytes after the end of the document (for captures with garbage after the stream) */
  allowTrailingData?: boolean;
}

export interface ExiCodecOptions {
  /** refuse documents larger than this when decoding (bytes); default 1 MiB */
  maxBytes?: number;
}

const enumMap = (dt: Datatype | undefined): Map<string, number> | undefined =>
  dt?.t === 'enum' ? new Map(dt.values.map((v, i) => [v, i])) : undefined;

const writer = new BitWriter(4096);
const reader = new BitReader();
/** per-call child counters, as a stack: no allocation per element */
const counters = new Int32Array(1 << 16);

export class ExiCodec {
  readonly id: string;
  private readonly types: LinkedType[];
  private readonly docIndex: Map<string, number>;
  private readonly fragIndex: Map<string, number>;
  private readonly fragKeys: string[];
  private readonly maxBytes: number;
  private sp = 0;

  constructor(readonly tables: CodecTables, options: ExiCodecOptions = {}) {
    this.id = tables.id;
    this.maxBytes = options.maxBytes ?? 1 << 20;
    this.types = tables.types.map((g) => {
      const keys = new Set<string>([...g.attrs.map((a) => a.key), ...g.elems.map((e) => e.key)]);
      if (g.content && !g.simple) keys.add(CONTENT);
      return { g, enumIndex: g.attrs.map((a) => enumMap(a.dt)), ...(g.content ? { contentEnum: enumMap(g.content) } : {}), keys } as LinkedType;
    });
    this.docIndex = new Map(tables.document.elements.map((e, i) => [e.key, i]));
    // Fragment roots are named by local name; where two namespaces declare the same local name
    // (xmldsig Exponent vs -20 RationalNumber Exponent) only `{namespace}name` names them.
    const names = new Map<string, number>();
    for (const e of tables.fragment.elements) names.set(e.key, (names.get(e.key) ?? 0) + 1);
    this.fragKeys = tables.fragment.elements.map((e) => (names.get(e.key)! > 1 ? `{${e.ns}}${e.key}` : e.key));
    this.fragIndex = new Map(this.fragKeys.map((k, i) => [k, i]));
  }

  /** Names of the global elements that can be document roots. */
  get rootElements(): string[] {
    return this.tables.document.elements.map((e) => e.key);
  }

  /** Names of the elements that can be fragment roots (`{namespace}name` where a local name is ambiguous). */
  get fragmentElements(): string[] {
    return [...this.fragKeys];
  }

  // ---------------------------------------------------------------- encode

  /** Encodes a document `{ <RootElement>: {...} }` to an EXI stream. */
  encode(doc: ExiObject): Uint8Array {
    const [key, value] = single(doc, 'document');
    const i = this.docIndex.get(key);
    if (i === undefined) throw new ExiError('UNKNOWN_ELEMENT', `${key} is not a global element of ${this.id}`);
    const w = writer;
    w.reset();
    this.sp = 0;
    w.bits(8, 0x80);
    w.bits(this.tables.document.w, i);
    this.encodeType(w, this.tables.document.elements[i]!.type, value, key, 0);
    // DocEnd: ED is the only production and has no second level: 0 bits
    return w.finish();
  }

  /** Encodes one element as an EXI fragment (for signatures: SHA-256 over these bytes). */
  encodeFragment(fragment: ExiObject): Uint8Array {
    const [key, value] = single(fragment, 'fragment');
    const i = this.fragIndex.get(key);
    const el = i === undefined ? undefined : this.tables.fragment.elements[i];
    if (!el || el.type < 0) throw new ExiError('UNKNOWN_ELEMENT', `${key} cannot be a fragment of ${this.id}`);
    const w = writer;
    w.reset();
    this.sp = 0;
    w.bits(8, 0x80);
    const fw = this.tables.fragment.w;
    w.bits(fw, i!);
    this.encodeType(w, el.type, value, key, 0);
    w.bits(fw, this.tables.fragment.elements.length + 1); // ED
    return w.finish();
  }

  private encodeType(w: BitWriter, typeId: number, value: ExiValue, path: string, depth: number): void {
    const lt = this.types[typeId]!;
    const g = lt.g;
    if (g.simple) {
      w.bits(1, 0);
      this.writeValue(w, g.content!, value, lt.contentEnum, path);
      w.bits(1, 0);
      return;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value) || typeof value === 'bigint')
      throw new ExiError('INVALID_VALUE', `expected an object for ${g.name}`, -1, path);
    if (depth > MAX_DEPTH) throw new ExiError('LIMIT_EXCEEDED', 'nesting too deep', -1, path);
    const obj = value as ExiObject;
    const elems = g.elems;
    const base = this.sp;
    this.sp += elems.length;
    counters.fill(0, base, this.sp);
    let used = 0;
    let s = 0;
    let count = 0;
    for (;;) {
      const st = g.states[s]!;
      let prods = st.p;
      let width = st.w;
      if (st.loop) {
        const sel = loopClass(st, count);
        if (sel) {
          prods = sel.p;
          width = sel.w;
        }
      }
      let chosen = -1;
      let child: ExiValue | undefined;
      for (let i = 0; i < prods.length; i++) {
        const pr = prods[i]!;
        const kind = pr[0];
        if (kind === EV.SE) {
          const e = elems[pr[1]]!;
          const v = obj[e.key];
          if (v === undefined) continue;
          const n = counters[base + pr[1]]!;
          if (e.array) {
            if (!Array.isArray(v)) throw new ExiError('INVALID_VALUE', `${e.key} must be an array`, -1, path);
            if (n < v.length) {
              child = v[n];
              chosen = i;
              break;
            }
          } else if (n === 0) {
            child = v;
            chosen = i;
            break;
          }
        } else if (kind === EV.AT) {
          if (obj[g.attrs[pr[1]]!.key] !== undefined) {
            chosen = i;
            break;
          }
        } else if (kind === EV.EE || kind === EV.CH) {
          chosen = i;
          break;
        }
      }
      if (chosen < 0) throw this.missing(g, prods, path);
      w.bits(width, chosen);
      const pr: Production = prods[chosen]!;
      switch (pr[0]) {
        case EV.SE: {
          const e = elems[pr[1]]!;
          counters[base + pr[1]]++;
          this.encodeType(w, e.type, child!, `${path}/${e.key}`, depth + 1);
          const next = pr[2];
          count = next === s ? count + 1 : 1;
          s = next;
          break;
        }
        case EV.AT: {
          const a = g.attrs[pr[1]]!;
          this.writeValue(w, a.dt, obj[a.key]!, lt.enumIndex[pr[1]], `${path}@${a.key}`);
          used++;
          s = pr[2];
          break;
        }
        case EV.CH: {
          const v = obj[CONTENT];
          if (v === undefined) throw new ExiError('INVALID_CONTENT', `${CONTENT} missing`, -1, path);
          this.writeValue(w, g.content!, v, lt.contentEnum, path);
          used++;
          s = pr[2];
          break;
        }
        default: {
          // EE: everything given must have been written
          for (let i = 0; i < elems.length; i++) {
            const e = elems[i]!;
            const v = obj[e.key];
            if (v === undefined) continue;
            const n = counters[base + i]!;
            const want = e.array ? (v as ExiValue[]).length : 1;
            if (n !== want) throw new ExiError('INVALID_CONTENT', `${e.key} is not allowed here by ${g.name}`, -1, path);
            used++;
          }
          let present = 0;
          for (const k in obj) if (obj[k] !== undefined) present++;
          if (present !== used) {
            const unknown = Object.keys(obj).find((k) => obj[k] !== undefined && !lt.keys.has(k));
            throw new ExiError('INVALID_CONTENT', `${unknown ?? 'a field'} is not part of ${g.name}`, -1, path);
          }
          this.sp = base;
          return;
        }
      }
    }
  }

  private missing(g: TypeGrammar, prods: readonly Production[], path: string): ExiError {
    const expected = prods
      .map((p) => (p[0] === EV.SE ? g.elems[p[1]]!.key : p[0] === EV.AT ? `@${g.attrs[p[1]]!.key}` : ''))
      .filter(Boolean);
    return new ExiError('INVALID_CONTENT', `${g.name}: expected ${expected.join(' | ')}`, -1, path);
  }

  private writeValue(w: BitWriter, dt: Datatype, v: ExiValue, en: Map<string, number> | undefined, path: string): void {
    switch (dt.t) {
      case 'bool':
        if (typeof v !== 'boolean') throw bad(path, 'a boolean', v);
        w.bits(1, v ? 1 : 0);
        return;
      case 'string':
        if (typeof v !== 'string') throw bad(path, 'a string', v);
        w.string(v);
        return;
      case 'enum': {
        const i = typeof v === 'string' ? en!.get(v) : undefined;
        if (i === undefined) throw bad(path, `one of ${dt.values.join(', ')}`, v);
        w.bits(dt.n, i);
        return;
      }
      case 'hex':
      case 'base64':
        if (typeof v !== 'string') throw bad(path, 'a hex string', v);
        w.binaryHex(v, path);
        return;
      case 'nbit': {
        const n = toInteger(v, path);
        const off = Number(n) - dt.min;
        if (typeof n === 'bigint' || off < 0 || off >= 2 ** dt.n) throw bad(path, `an integer in ${dt.min}..${dt.min + 2 ** dt.n - 1}`, v);
        w.bits(dt.n, off);
        return;
      }
      case 'uint': {
        const n = toInteger(v, path);
        if (n < 0 || outOfRange(n, dt)) throw bad(path, `an integer in 0..${dt.max ?? '∞'}`, v);
        if (typeof n === 'bigint') w.uintBig(n);
        else w.uint(n);
        return;
      }
      case 'int': {
        const n = toInteger(v, path);
        if (outOfRange(n, dt)) throw bad(path, `an integer in ${dt.min ?? '-∞'}..${dt.max ?? '∞'}`, v);
        // sign bit, then magnitude; negative values store -(v + 1)
        if (typeof n === 'bigint') {
          if (n < 0n) {
            w.bits(1, 1);
            w.uintBig(-n - 1n);
          } else {
            w.bits(1, 0);
            w.uintBig(n);
          }
        } else if (n < 0) {
          w.bits(1, 1);
          w.uint(-n - 1);
        } else {
          w.bits(1, 0);
          w.uint(n);
        }
        return;
      }
    }
  }

  // ---------------------------------------------------------------- decode

  /** Decodes an EXI stream to `{ <RootElement>: {...} }`. */
  decode(bytes: Uint8Array, opts: DecodeOptions = {}): ExiObject {
    const r = this.begin(bytes);
    const dw = this.tables.document.w;
    const code = r.bits(dw);
    const el = this.tables.document.elements[code];
    if (!el) throw new ExiError('UNSUPPORTED_EVENT', `document event code ${code} (SE(*) or undeclared root)`, r.bitPosition - dw);
    const value = this.decodeType(r, el.type, el.key, 0);
    if (!opts.allowTrailingData) this.end(r);
    return { [el.key]: value };
  }

  /** Decodes an EXI fragment holding one element. */
  decodeFragment(bytes: Uint8Array): ExiObject {
    const r = this.begin(bytes);
    const fw = this.tables.fragment.w;
    const code = r.bits(fw);
    const el = this.tables.fragment.elements[code];
    if (!el || el.type < 0) throw new ExiError('UNSUPPORTED_EVENT', `fragment event code ${code}`, r.bitPosition - fw);
    const value = this.decodeType(r, el.type, el.key, 0);
    const ed = r.bits(fw);
    if (ed !== this.tables.fragment.elements.length + 1)
      throw new ExiError('UNSUPPORTED_EVENT', 'fragment holds more than one element', r.bitPosition - fw);
    this.end(r);
    return { [this.fragKeys[code]!]: value };
  }

  private begin(bytes: Uint8Array): BitReader {
    if (bytes.length > this.maxBytes) throw new ExiError('LIMIT_EXCEEDED', `${bytes.length} bytes exceed the ${this.maxBytes}-byte limit`, 0);
    const r = reader;
    r.init(bytes);
    const h = r.bits(8);
    if (h !== 0x80) {
      const why = (h & 0xc0) !== 0x80 ? 'no EXI distinguishing bits (a $EXI cookie is not allowed)' : h & 0x20 ? 'EXI options are present' : 'unsupported EXI version';
      throw new ExiError('BAD_HEADER', `header byte 0x${h.toString(16).padStart(2, '0')}: ${why}`, 0);
    }
    return r;
  }

  /** Zero bytes after the padding are tolerated (real chargers send them); anything else is an error. */
  private end(r: BitReader): void {
    if (!r.atEnd && !r.restIsZero()) throw new ExiError('TRAILING_DATA', `${Math.floor(r.bitsLeft / 8)} bytes after the end of the document`, r.bitPosition);
  }

  private decodeType(r: BitReader, typeId: number, path: string, depth: number): ExiValue {
    const lt = this.types[typeId]!;
    const g = lt.g;
    if (g.simple) {
      if (r.bits(1) !== 0) throw second(r, path);
      const v = this.readValue(r, g.content!, path);
      if (r.bits(1) !== 0) throw second(r, path);
      return v;
    }
    if (depth > MAX_DEPTH) throw new ExiError('LIMIT_EXCEEDED', 'nesting too deep', r.bitPosition, path);
    const obj: ExiObject = {};
    let s = 0;
    let count = 0;
    for (;;) {
      const st = g.states[s]!;
      let prods = st.p;
      let width = st.w;
      if (st.loop) {
        const sel = loopClass(st, count);
        if (sel) {
          prods = sel.p;
          width = sel.w;
        }
      }
      const code = r.bits(width);
      const pr = prods[code];
      if (!pr) throw second(r, path, width);
      switch (pr[0]) {
        case EV.SE: {
          const e = g.elems[pr[1]]!;
          const v = this.decodeType(r, e.type, path + '/' + e.key, depth + 1);
          if (e.array) {
            const arr = obj[e.key] as ExiValue[] | undefined;
            if (arr) arr.push(v);
            else obj[e.key] = [v];
          } else obj[e.key] = v;
          const next = pr[2];
          count = next === s ? count + 1 : 1;
          s = next;
          break;
        }
        case EV.AT: {
          const a = g.attrs[pr[1]]!;
          obj[a.key] = this.readValue(r, a.dt, path);
          s = pr[2];
          break;
        }
        case EV.CH:
          obj[CONTENT] = this.readValue(r, g.content!, path);
          s = pr[2];
          break;
        case EV.EE:
          return obj;
        default:
          throw new ExiError('UNSUPPORTED_EVENT', `${pr[0] === EV.SE_ANY ? 'wildcard element' : 'untyped character'} content is outside the V2G profile`, r.bitPosition, path);
      }
    }
  }

  private readValue(r: BitReader, dt: Datatype, path: string): ExiValue {
    switch (dt.t) {
      case 'bool':
        return r.bits(1) === 1;
      case 'string':
        return r.string();
      case 'enum': {
        const at = r.bitPosition;
        const i = r.bits(dt.n);
        const v = dt.values[i];
        if (v === undefined) throw new ExiError('INVALID_VALUE', `enumeration index ${i} out of range`, at, path);
        return v;
      }
      case 'hex':
      case 'base64':
        return r.binaryHex();
      case 'nbit':
        return r.bits(dt.n) + dt.min;
      case 'uint': {
        const at = r.bitPosition;
        const v = r.uint();
        if (outOfRange(v, dt)) throw new ExiError('INVALID_VALUE', `integer ${v} out of range`, at, path);
        return v;
      }
      case 'int': {
        const neg = r.bits(1) === 1;
        const at = r.bitPosition;
        const m = r.uint();
        const v = typeof m === 'bigint' ? (neg ? -m - 1n : m) : neg ? -m - 1 : m;
        if (outOfRange(v, dt)) throw new ExiError('INVALID_VALUE', `integer ${v} out of range`, at, path);
        return v;
      }
    }
  }
}

const bigBounds = new Map<string, bigint>();
const big = (s: string): bigint => {
  let b = bigBounds.get(s);
  if (b === undefined) bigBounds.set(s, (b = BigInt(s)));
  return b;
};

/** Range check against the schema bounds (number bounds compare with bigint values too). */
function outOfRange(n: number | bigint, dt: { min?: number | string; max?: number | string }): boolean {
  const { min, max } = dt;
  if (max !== undefined && n > (typeof max === 'number' ? max : big(max))) return true;
  if (min !== undefined && n < (typeof min === 'number' ? min : big(min))) return true;
  return false;
}

function loopClass(st: GrammarState, count: number): { w: number; p: readonly Production[] } | undefined {
  const loop = st.loop!;
  if (count < loop.min) return loop.below;
  if (loop.max >= 0 && count >= loop.max) return loop.atMax;
  return undefined;
}

function single(o: ExiObject, what: string): [string, ExiValue] {
  if (typeof o !== 'object' || o === null) throw new ExiError('INVALID_VALUE', `a ${what} is an object with one root element`);
  const keys = Object.keys(o);
  if (keys.length !== 1) throw new ExiError('INVALID_VALUE', `a ${what} has exactly one root element, got ${keys.length}`);
  return [keys[0]!, o[keys[0]!]!];
}

function second(r: BitReader, path: string, width = 1): ExiError {
  return new ExiError('UNSUPPORTED_EVENT', 'second-level event (xsi:type, xsi:nil or undeclared content) is outside the V2G profile', r.bitPosition - width, path);
}

function toInteger(v: ExiValue, path: string): number | bigint {
  if (typeof v === 'number') {
    if (!Number.isSafeInteger(v)) throw bad(path, 'an integer', v);
    return v;
  }
  if (typeof v === 'bigint') return v;
  if (typeof v === 'string' && /^-?\d+$/.test(v)) {
    const b = BigInt(v);
    return b >= BigInt(Number.MIN_SAFE_INTEGER) && b <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(b) : b;
  }
  throw bad(path, 'an integer', v);
}

function bad(path: string, want: string, got: ExiValue): ExiError {
  const shown = typeof got === 'bigint' ? `${got}n` : JSON.stringify(got);
  return new ExiError('INVALID_VALUE', `expected ${want}, got ${shown && shown.length > 40 ? shown.slice(0, 40) + '…' : shown}`, -1, path);
}
