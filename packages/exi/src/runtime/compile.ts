// Compiles the grammar tables of a codec into one specialised encode and decode function per
// type (as ajv does for JSON schemas): constant property names, inlined event codes and value
// writers, no table lookups on the hot path. The tables stay the single source of truth; this is
// only a faster way to walk them, and its behaviour is checked by the same vectors and properties.
import type { BitReader } from './bit-reader.js';
import type { BitWriter } from './bit-writer.js';
import { ExiError } from './errors.js';
import { EV, type CodecTables, type Datatype, type GrammarState, type Production, type TypeGrammar } from './grammar.js';
import type { ExiObject, ExiValue } from './codec.js';

export type EncodeFn = (w: BitWriter, v: ExiValue) => void;
export type DecodeFn = (r: BitReader) => ExiValue;

export interface CompiledCodec {
  enc: EncodeFn[];
  dec: DecodeFn[];
}

const SAFE = Number.MAX_SAFE_INTEGER;
const CONTENT = 'CONTENT';

const bigBounds = new Map<string, bigint>();
function bigBound(s: string): bigint {
  let b = bigBounds.get(s);
  if (b === undefined) bigBounds.set(s, (b = BigInt(s)));
  return b;
}

/** Helpers the generated code calls on its slow and error paths. */
export const rt = {
  at(e: unknown, key: string): unknown {
    if (!(e instanceof ExiError) || !key) return e;
    return new ExiError(e.code, e.detail, e.bitPosition, e.path ? `${key}/${e.path}` : key);
  },
  bad(want: string, got: unknown): ExiError {
    const shown = typeof got === 'bigint' ? `${got}n` : JSON.stringify(got);
    return new ExiError('INVALID_VALUE', `expected ${want}, got ${shown && shown.length > 40 ? shown.slice(0, 40) + '…' : shown}`);
  },
  notObject(type: string, got: unknown): ExiError {
    return rt.bad(`an object (${type})`, got);
  },
  missing(type: string, expected: string): ExiError {
    return new ExiError('INVALID_CONTENT', `${type}: expected ${expected}`);
  },
  notAllowed(key: string, type: string): ExiError {
    return new ExiError('INVALID_CONTENT', `${key} is not allowed here by ${type}`);
  },
  unknownKey(v: ExiObject, keys: readonly string[], type: string): ExiError {
    const k = Object.keys(v).find((q) => v[q] !== undefined && !keys.includes(q));
    return new ExiError('INVALID_CONTENT', `${k ?? 'a field'} is not part of ${type}`);
  },
  second(r: BitReader, width: number): ExiError {
    return new ExiError('UNSUPPORTED_EVENT', 'second-level event (xsi:type, xsi:nil or undeclared content) is outside the V2G profile', r.bitPosition - width);
  },
  outside(r: BitReader, what: string): ExiError {
    return new ExiError('UNSUPPORTED_EVENT', `${what} content is outside the V2G profile`, r.bitPosition);
  },
  integer(x: unknown): number | bigint {
    if (typeof x === 'number') {
      if (Number.isSafeInteger(x)) return x;
    } else if (typeof x === 'bigint') return x;
    else if (typeof x === 'string' && /^-?\d+$/.test(x)) {
      const b = BigInt(x);
      return b >= BigInt(-SAFE) && b <= BigInt(SAFE) ? Number(b) : b;
    }
    throw rt.bad('an integer', x);
  },
  outOfRange(n: number | bigint, dt: { min?: number | string; max?: number | string }): boolean {
    const { min, max } = dt;
    if (max !== undefined && n > (typeof max === 'number' ? max : bigBound(max))) return true;
    if (min !== undefined && n < (typeof min === 'number' ? min : bigBound(min))) return true;
    return false;
  },
  wUint(w: BitWriter, x: unknown, dt: Datatype & { t: 'uint' }): void {
    const n = rt.integer(x);
    if (n < 0 || rt.outOfRange(n, dt)) throw rt.bad(`an integer in 0..${dt.max ?? '∞'}`, x);
    if (typeof n === 'bigint') w.uintBig(n);
    else w.uint(n);
  },
  wInt(w: BitWriter, x: unknown, dt: Datatype & { t: 'int' }): void {
    const n = rt.integer(x);
    if (rt.outOfRange(n, dt)) throw rt.bad(`an integer in ${dt.min ?? '-∞'}..${dt.max ?? '∞'}`, x);
    // sign bit, then the magnitude; a negative value stores -(v + 1)
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
  },
  wNbit(w: BitWriter, x: unknown, n: number, min: number, max: number): void {
    const v = rt.integer(x);
    if (typeof v === 'bigint' || v < min || v > max) throw rt.bad(`an integer in ${min}..${max}`, x);
    w.bits(n, v - min);
  },
  badEnum(values: readonly string[], x: unknown): ExiError {
    return rt.bad(`one of ${values.join(', ')}`, x);
  },
  rUint(r: BitReader, dt: Datatype & { t: 'uint' }): number | bigint {
    const at = r.bitPosition;
    const v = r.uint();
    if (rt.outOfRange(v, dt)) throw new ExiError('INVALID_VALUE', `integer ${v} out of range`, at);
    return v;
  },
  rInt(r: BitReader, dt: Datatype & { t: 'int' }): number | bigint {
    const neg = r.bits(1) === 1;
    const at = r.bitPosition;
    const m = r.uint();
    const v = typeof m === 'bigint' || (neg && m >= SAFE) ? (neg ? -BigInt(m) - 1n : BigInt(m)) : neg ? -m - 1 : m;
    if (rt.outOfRange(v, dt)) throw new ExiError('INVALID_VALUE', `integer ${v} out of range`, at);
    return v;
  },
  checkBig(x: bigint, dt: { min?: number | string; max?: number | string }, r: BitReader): bigint {
    if (rt.outOfRange(x, dt)) throw new ExiError('INVALID_VALUE', `integer ${x} out of range`, r.bitPosition);
    return x;
  },
  range(x: unknown, r: BitReader): never {
    throw new ExiError('INVALID_VALUE', `integer ${String(x)} out of range`, r.bitPosition);
  },
  enumAt(values: readonly string[], i: number, r: BitReader, n: number): string {
    const v = values[i];
    if (v === undefined) throw new ExiError('INVALID_VALUE', `enumeration index ${i} out of range`, r.bitPosition - n);
    return v;
  },
};

/** The largest value the n bits of a bounded integer can carry. It can exceed the schema's
 *  maximum (a percentage takes 7 bits for 0..100, a unit multiplier 3 bits for -3..3): such values
 *  are decoded as every field codec does (libcbv2g, OpenV2G; real encoders send them) and can be
 *  encoded again, so decode/encode is lossless and a test tool can send them on purpose. Checking
 *  the schema's range is the protocol layer's job (`dt.max` is in the tables). */
const nbitTop = (dt: { n: number; min: number }): number => dt.min + 2 ** dt.n - 1;

class Emitter {
  private readonly consts: unknown[] = [];
  private readonly constNames = new Map<unknown, string>();

  constructor(
    private readonly tables: CodecTables,
    private readonly checkKeys = true,
  ) {}

  /** A closure constant (datatype, enum map), referenced by name from generated code. */
  constant(v: unknown): string {
    let name = this.constNames.get(v);
    if (!name) {
      name = `K${this.consts.length}`;
      this.consts.push(v);
      this.constNames.set(v, name);
    }
    return name;
  }

  enumMap(dt: Datatype & { t: 'enum' }): string {
    const key = `enum:${dt.values.join('\u0000')}`;
    let name = this.constNames.get(key);
    if (!name) {
      name = this.constant(new Map(dt.values.map((v, i) => [v, i])));
      this.constNames.set(key, name);
    }
    return name;
  }

  writeValue(dt: Datatype, x: string): string {
    switch (dt.t) {
      case 'bool':
        return `if (${x} === true) w.bits(1, 1); else if (${x} === false) w.bits(1, 0); else throw rt.bad('a boolean', ${x});`;
      // Length facets (maxLength) are in the tables but not enforced here: field stacks accept longer
      // values (eMAIDs with separators, long EVSEIDs), and decode → encode stays lossless. The
      // protocol layer checks what it relies on; the decoder's input size limit bounds memory.
      case 'string':
        return `if (typeof ${x} !== 'string') throw rt.bad('a string', ${x}); w.string(${x});`;
      case 'hex':
      case 'base64':
        return `if (typeof ${x} !== 'string') throw rt.bad('a hex string', ${x}); w.binaryHex(${x}, '');`;
      case 'enum': {
        const m = this.enumMap(dt);
        return `{ const i = ${m}.get(${x}); if (i === undefined) throw rt.badEnum(${this.constant(dt.values)}, ${x}); w.bits(${dt.n}, i); }`;
      }
      case 'nbit':
        return `if (typeof ${x} === 'number' && ${x} >= ${dt.min} && ${x} <= ${nbitTop(dt)} && Number.isInteger(${x})) w.bits(${dt.n}, ${x} - ${dt.min}); else rt.wNbit(w, ${x}, ${dt.n}, ${dt.min}, ${nbitTop(dt)});`;
      case 'uint': {
        const max = typeof dt.max === 'number' ? dt.max : SAFE;
        return `if (typeof ${x} === 'number' && ${x} >= 0 && ${x} <= ${max} && Number.isInteger(${x})) w.uint(${x}); else rt.wUint(w, ${x}, ${this.constant(dt)});`;
      }
      case 'int': {
        const max = typeof dt.max === 'number' ? dt.max : SAFE;
        const min = typeof dt.min === 'number' ? dt.min : -SAFE;
        return `if (typeof ${x} === 'number' && ${x} >= ${min} && ${x} <= ${max} && Number.isInteger(${x})) { if (${x} < 0) { w.bits(1, 1); w.uint(-${x} - 1); } else { w.bits(1, 0); w.uint(${x}); } } else rt.wInt(w, ${x}, ${this.constant(dt)});`;
      }
    }
  }

  readValue(dt: Datatype): string {
    switch (dt.t) {
      case 'bool':
        return `r.bits(1) === 1`;
      case 'string':
        return `r.string()`;
      case 'hex':
      case 'base64':
        return `r.binaryHex()`;
      case 'enum':
        return `rt.enumAt(${this.constant(dt.values)}, r.bits(${dt.n}), r, ${dt.n})`;
      case 'nbit':
        return `r.bits(${dt.n}) + ${dt.min}`;
      case 'uint':
        if (dt.max === undefined) return `r.uint()`;
        if (typeof dt.max === 'number') return `((x = r.uint()), typeof x === 'number' && x <= ${dt.max} ? x : rt.range(x, r))`;
        // a bound beyond 2^53 (xs:unsignedLong): only a bigint can break it
        return `((x = r.uint()), typeof x === 'number' ? x : rt.checkBig(x, ${this.constant(dt)}, r))`;
      case 'int':
        if (typeof dt.max === 'number' && typeof dt.min === 'number')
          return `((y = r.bits(1)), (x = r.uint()), typeof x === 'number' && (x = y === 1 ? -x - 1 : x) >= ${dt.min} && x <= ${dt.max} ? x : rt.range(x, r))`;
        if (typeof dt.max !== 'number' && typeof dt.min !== 'number')
          // -(2^53) is exact but not a safe integer: it is a bigint, like every value beyond 2^53
          return `((y = r.bits(1)), (x = r.uint()), typeof x === 'number' && (y === 0 || x < ${Number.MAX_SAFE_INTEGER}) ? (y === 1 ? -x - 1 : x) : rt.checkBig(y === 1 ? -BigInt(x) - 1n : BigInt(x), ${this.constant(dt)}, r))`;
        return `rt.rInt(r, ${this.constant(dt)})`;
    }
  }

  /** Writes the event code `code` (width bits) and the child element. For a simple-typed child
   *  the event code, CH, a short value and EE are folded into as few bit writes as possible. */
  private encChild(typeId: number, x: string, width: number, code: number): string {
    const g = this.tables.types[typeId]!;
    if (!g.simple) return `w.bits(${width}, ${code}); E${typeId}(w, ${x});`;
    const dt = g.content!;
    // event code, CH (1 bit 0), value of n bits, EE (1 bit 0) in one write when it fits 24 bits
    const fold = (n: number, value: string) => `w.bits(${width + n + 2}, ((${code * 2 ** (n + 1)} | (${value})) * 2));`;
    if (dt.t === 'nbit' && width + dt.n + 2 <= 24)
      return `if (typeof ${x} === 'number' && ${x} >= ${dt.min} && ${x} <= ${nbitTop(dt)} && Number.isInteger(${x})) ${fold(dt.n, `${x} - ${dt.min}`)} else { w.bits(${width + 1}, ${code * 2}); rt.wNbit(w, ${x}, ${dt.n}, ${dt.min}, ${nbitTop(dt)}); w.bits(1, 0); }`;
    if (dt.t === 'enum' && width + dt.n + 2 <= 24)
      return `{ const i = ${this.enumMap(dt)}.get(${x}); if (i === undefined) throw rt.badEnum(${this.constant(dt.values)}, ${x}); ${fold(dt.n, 'i')} }`;
    if (dt.t === 'bool' && width + 3 <= 24)
      return `if (${x} === true) ${fold(1, '1')} else if (${x} === false) ${fold(1, '0')} else throw rt.bad('a boolean', ${x});`;
    if (dt.t === 'uint' && width + 10 <= 24)
      return `if (typeof ${x} === 'number' && ${x} >= 0 && ${x} < 128 && Number.isInteger(${x})) ${fold(8, x)} else { w.bits(${width + 1}, ${code * 2}); ${this.writeValue(dt, x)} w.bits(1, 0); }`;
    if (dt.t === 'int' && width + 11 <= 24 && dt.min !== undefined && dt.max !== undefined)
      return `if (typeof ${x} === 'number' && ${x} >= 0 && ${x} < 128 && ${x} <= ${dt.max} && Number.isInteger(${x})) ${fold(9, x)} else if (typeof ${x} === 'number' && ${x} < 0 && ${x} >= -128 && ${x} >= ${dt.min} && Number.isInteger(${x})) ${fold(9, `256 | (-${x} - 1)`)} else { w.bits(${width + 1}, ${code * 2}); ${this.writeValue(dt, x)} w.bits(1, 0); }`;
    return `w.bits(${width + 1}, ${code * 2}); ${this.writeValue(dt, x)} w.bits(1, 0);`;
  }

  private decChild(typeId: number): string {
    const g = this.tables.types[typeId]!;
    if (g.simple) return `if (r.bits(1) !== 0) throw rt.second(r, 1); x = ${this.readValue(g.content!)}; if (r.bits(1) !== 0) throw rt.second(r, 1);`;
    return `x = D${typeId}(r);`;
  }

  private encBlock(g: TypeGrammar, s: number, prods: readonly Production[], width: number): string {
    const out: string[] = [];
    const expected: string[] = [];
    for (let i = 0; i < prods.length; i++) {
      const [kind, arg, next] = prods[i]!;
      const code = `w.bits(${width}, ${i});`;
      const count = (self: boolean) => (self ? `n++;` : `n = 1;`);
      if (kind === EV.SE) {
        const e = g.elems[arg]!;
        const key = JSON.stringify(e.key);
        expected.push(e.key);
        if (e.array) {
          out.push(
            `{ const a = v[${key}]; if (a !== undefined) { if (!Array.isArray(a)) throw rt.bad('an array', a); if (c${arg} < a.length) { k = ${key}; const x = a[c${arg}]; ${this.encChild(e.type, 'x', width, i)} c${arg}++; ${count(next === s)} s = ${next}; continue; } } }`,
          );
        } else {
          out.push(`if (c${arg} === 0) { const x = v[${key}]; if (x !== undefined) { k = ${key}; ${this.encChild(e.type, 'x', width, i)} c${arg} = 1; ${count(next === s)} s = ${next}; continue; } }`);
        }
      } else if (kind === EV.AT) {
        const a = g.attrs[arg]!;
        const key = JSON.stringify(a.key);
        expected.push(`@${a.key}`);
        out.push(`{ const x = v[${key}]; if (x !== undefined) { ${code} k = ${key}; ${this.writeValue(a.dt, 'x')} used++; s = ${next}; continue; } }`);
      } else if (kind === EV.CH) {
        out.push(`{ const x = v.${CONTENT}; if (x === undefined) throw rt.missing(${JSON.stringify(g.name)}, '${CONTENT}'); ${code} ${this.writeValue(g.content!, 'x')} used++; s = ${next}; continue; }`);
      } else if (kind === EV.EE) {
        out.push(`{ ${code} break loop; }`);
      }
    }
    out.push(`throw rt.missing(${JSON.stringify(g.name)}, ${JSON.stringify(expected.join(' | ') || 'end')});`);
    return out.join('\n');
  }

  /** A state with one production leading to the next state (a required element, attribute or
   *  content in sequence) needs no dispatch: its case falls through to the next one. */
  private linear(st: GrammarState, s: number): Production | undefined {
    if (st.loop || st.p.length !== 1) return undefined;
    const pr = st.p[0]!;
    if (pr[0] === EV.EE) return pr;
    if (pr[2] !== s + 1) return undefined;
    return pr[0] === EV.AT || pr[0] === EV.CH || pr[0] === EV.SE ? pr : undefined;
  }

  private linearEnc(g: TypeGrammar, st: GrammarState, s: number): string | undefined {
    const pr = this.linear(st, s);
    if (!pr) return undefined;
    const [kind, arg] = pr;
    const name = JSON.stringify(g.name);
    if (kind === EV.EE) return `case ${s}: w.bits(${st.w}, 0); break loop;`;
    if (kind === EV.CH)
      return `case ${s}: { const x = v.${CONTENT}; if (x === undefined) throw rt.missing(${name}, '${CONTENT}'); w.bits(${st.w}, 0); ${this.writeValue(g.content!, 'x')} used++; }`;
    if (kind === EV.AT) {
      const a = g.attrs[arg]!;
      const key = JSON.stringify(a.key);
      return `case ${s}: { const x = v[${key}]; if (x === undefined) throw rt.missing(${name}, ${JSON.stringify('@' + a.key)}); k = ${key}; w.bits(${st.w}, 0); ${this.writeValue(a.dt, 'x')} used++; }`;
    }
    const e = g.elems[arg]!;
    if (e.array) return undefined;
    const key = JSON.stringify(e.key);
    return `case ${s}: { const x = v[${key}]; if (x === undefined) throw rt.missing(${name}, ${key}); k = ${key}; ${this.encChild(e.type, 'x', st.w, 0)} c${arg} = 1; n = 1; }`;
  }

  private linearDec(g: TypeGrammar, st: GrammarState, s: number): string | undefined {
    const pr = this.linear(st, s);
    if (!pr) return undefined;
    const [kind, arg] = pr;
    const code = `if (r.bits(${st.w}) !== 0) throw rt.second(r, ${st.w});`;
    if (kind === EV.EE) return `case ${s}: ${code} return o;`;
    if (kind === EV.CH) return `case ${s}: ${code} o.${CONTENT} = ${this.readValue(g.content!)};`;
    if (kind === EV.AT) {
      const a = g.attrs[arg]!;
      return `case ${s}: ${code} k = ${JSON.stringify(a.key)}; o[${JSON.stringify(a.key)}] = ${this.readValue(a.dt)};`;
    }
    const e = g.elems[arg]!;
    if (e.array) return undefined;
    const key = JSON.stringify(e.key);
    const child = this.tables.types[e.type]!;
    const dt = child.content;
    if (child.simple && dt) {
      // event code 0, CH, the value and EE in one read where they fit 24 bits
      const n = dt.t === 'nbit' || dt.t === 'enum' ? dt.n : dt.t === 'bool' ? 1 : -1;
      const total = st.w + n + 2;
      if (n > 0 && total <= 24) {
        const value = `((y >>> 1) & ${2 ** n - 1})`;
        const read =
          dt.t === 'nbit' ? `${value} + ${dt.min}` : dt.t === 'enum' ? `rt.enumAt(${this.constant(dt.values)}, ${value}, r, ${n + 1})` : `(y & 2) === 2`;
        return `case ${s}: k = ${key}; y = r.bits(${total}); if (y >= ${2 ** (n + 1)} || (y & 1) !== 0) throw rt.second(r, ${total}); o[${key}] = ${read}; n = 1;`;
      }
      return `case ${s}: k = ${key}; if (r.bits(${st.w + 1}) !== 0) throw rt.second(r, ${st.w + 1}); x = ${this.readValue(dt)}; if (r.bits(1) !== 0) throw rt.second(r, 1); o[${key}] = x; n = 1;`;
    }
    return `case ${s}: ${code} k = ${key}; ${this.decChild(e.type)} o[${key}] = x; n = 1;`;
  }

  private stateBlocks(st: GrammarState, block: (prods: readonly Production[], w: number) => string): string {
    if (!st.loop) return block(st.p, st.w);
    const parts: string[] = [];
    if (st.loop.below) parts.push(`if (n < ${st.loop.min}) { ${block(st.loop.below.p, st.loop.below.w)} }`);
    if (st.loop.atMax) parts.push(`if (n >= ${st.loop.max}) { ${block(st.loop.atMax.p, st.loop.atMax.w)} }`);
    parts.push(block(st.p, st.w));
    return parts.join('\n');
  }

  encoder(id: number): string {
    const g = this.tables.types[id]!;
    if (g.simple) return `function E${id}(w, v) { w.bits(1, 0); ${this.writeValue(g.content!, 'v')} w.bits(1, 0); }`;
    const name = JSON.stringify(g.name);
    const counters = g.elems.map((_, j) => `c${j} = 0`).join(', ');
    const cases = g.states.map((st, s) => this.linearEnc(g, st, s) ?? `case ${s}: {\n${this.stateBlocks(st, (p, w) => this.encBlock(g, s, p, w))}\n}`).join('\n');
    const finish = g.elems
      .map((e, j) => {
        const key = JSON.stringify(e.key);
        const want = e.array ? `v[${key}].length` : '1';
        return `if (v[${key}] !== undefined) { if (c${j} !== ${want}) throw rt.notAllowed(${key}, ${name}); used++; }`;
      })
      .join('\n');
    const keys = this.constant([...g.attrs.map((a) => a.key), ...g.elems.map((e) => e.key), ...(g.content ? [CONTENT] : [])]);
    return `function E${id}(w, v) {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw rt.notObject(${name}, v);
  let s = 0, n = 0, used = 0, k = ''${counters ? ', ' + counters : ''};
  try {
    loop: for (;;) {
      switch (s) {
${cases}
      }
    }
    ${finish}
    ${this.checkKeys ? `let m = 0;
    for (const q in v) if (v[q] !== undefined) m++;
    if (m !== used) throw rt.unknownKey(v, ${keys}, ${name});` : ''}
  } catch (e) { throw rt.at(e, k); }
}`;
  }

  private decBlock(g: TypeGrammar, s: number, prods: readonly Production[], width: number): string {
    const cases: string[] = [];
    for (let i = 0; i < prods.length; i++) {
      const [kind, arg, next] = prods[i]!;
      if (kind === EV.SE) {
        const e = g.elems[arg]!;
        const key = JSON.stringify(e.key);
        const store = e.array ? `{ const a = o[${key}]; if (a === undefined) o[${key}] = [x]; else a.push(x); }` : `o[${key}] = x;`;
        cases.push(`case ${i}: k = ${key}; ${this.decChild(e.type)} ${store} ${next === s ? 'n++;' : 'n = 1;'} s = ${next}; continue;`);
      } else if (kind === EV.AT) {
        const a = g.attrs[arg]!;
        cases.push(`case ${i}: k = ${JSON.stringify(a.key)}; o[${JSON.stringify(a.key)}] = ${this.readValue(a.dt)}; s = ${next}; continue;`);
      } else if (kind === EV.CH) {
        cases.push(`case ${i}: o.${CONTENT} = ${this.readValue(g.content!)}; s = ${next}; continue;`);
      } else if (kind === EV.EE) {
        cases.push(`case ${i}: return o;`);
      } else {
        cases.push(`case ${i}: throw rt.outside(r, ${JSON.stringify(kind === EV.SE_ANY ? 'wildcard element' : 'untyped character')});`);
      }
    }
    return `switch (r.bits(${width})) {\n${cases.join('\n')}\ndefault: throw rt.second(r, ${width});\n}`;
  }

  decoder(id: number): string {
    const g = this.tables.types[id]!;
    if (g.simple) return `function D${id}(r) { let x, y; if (r.bits(1) !== 0) throw rt.second(r, 1); x = ${this.readValue(g.content!)}; if (r.bits(1) !== 0) throw rt.second(r, 1); return x; }`;
    const cases = g.states.map((st, s) => this.linearDec(g, st, s) ?? `case ${s}: {\n${this.stateBlocks(st, (p, w) => this.decBlock(g, s, p, w))}\n}`).join('\n');
    return `function D${id}(r) {
  const o = {};
  let s = 0, n = 0, k = '', x, y;
  try {
    for (;;) {
      switch (s) {
${cases}
      }
    }
  } catch (e) { throw rt.at(e, k); }
}`;
  }

  build(): CompiledCodec {
    const fns: string[] = [];
    const ids = this.tables.types.map((_, i) => i);
    for (const i of ids) fns.push(this.encoder(i), this.decoder(i));
    const names = this.consts.map((_, i) => `K${i}`);
    const body = `'use strict';\n${fns.join('\n')}\nreturn { enc: [${ids.map((i) => `E${i}`).join(', ')}], dec: [${ids.map((i) => `D${i}`).join(', ')}] };`;
    const factory = new Function('rt', ...names, body) as (...args: unknown[]) => CompiledCodec;
    return factory(rt, ...this.consts);
  }
}

export function compileCodec(tables: CodecTables, checkKeys = true): CompiledCodec {
  return new Emitter(tables, checkKeys).build();
}

export type { ExiObject };
