// Random valid messages for property tests: a walk through the grammar tables that picks a
// random allowed production at every state and random values of each datatype.
import { CONTENT, type ExiObject, type ExiValue } from '../../src/runtime/codec.js';
import { EV, type CodecTables, type Datatype, type Production } from '../../src/runtime/grammar.js';

/** mulberry32: small, seedable, good enough for test data */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The type needs wildcard (##any) content, which the JSON form and the V2G profile leave out. */
export class Unrepresentable extends Error {}

export interface RandomOptions {
  /** longest string / binary generated */
  maxLength?: number;
  /** repeat a loop at most this often unless its minimum needs more */
  maxRepeat?: number;
  /** allow non-ASCII code points */
  unicode?: boolean;
  /** element names to leave out wherever the grammar allows */
  exclude?: readonly string[];
}

export function randomValue(rnd: () => number, dt: Datatype, o: Required<RandomOptions>): ExiValue {
  const int = (n: number): number => Math.floor(rnd() * n);
  switch (dt.t) {
    case 'bool':
      return rnd() < 0.5;
    case 'enum':
      return dt.values[int(dt.values.length)]!;
    case 'nbit':
      return dt.min + int(dt.max - dt.min + 1);
    case 'uint': {
      const r = rnd();
      const cap = typeof dt.max === 'number' ? dt.max + 1 : 2 ** 53;
      if (r < 0.4) return int(Math.min(128, cap));
      if (r < 0.8) return int(Math.min(70000, cap));
      if (dt.big && r < 0.9) return BigInt(Number.MAX_SAFE_INTEGER) + BigInt(int(1e9));
      return int(Math.min(2 ** 32, cap));
    }
    case 'int': {
      const r = rnd();
      const hi = typeof dt.max === 'number' ? dt.max : 2 ** 40;
      const m = Math.min(r < 0.5 ? int(128) : int(32768), hi);
      if (dt.big && r > 0.9) return -(BigInt(Number.MAX_SAFE_INTEGER) + BigInt(int(1e9)));
      const lo = typeof dt.min === 'number' ? dt.min : -(2 ** 40);
      return rnd() < 0.5 ? Math.max(-m, lo) || 0 : m;
    }
    case 'string': {
      const n = int(o.maxLength + 1);
      let s = '';
      for (let i = 0; i < n; i++) {
        const r = rnd();
        if (o.unicode && r < 0.1) s += String.fromCodePoint(0x1f300 + int(200));
        else if (o.unicode && r < 0.2) s += String.fromCharCode(0xe0 + int(30));
        else s += String.fromCharCode(0x21 + int(94));
      }
      return s;
    }
    case 'hex':
    case 'base64': {
      const n = int(o.maxLength + 1);
      let s = '';
      for (let i = 0; i < n; i++) s += int(256).toString(16).padStart(2, '0');
      return s;
    }
  }
}

export function randomElement(tables: CodecTables, typeId: number, rnd: () => number, opts: RandomOptions = {}, depth = 0): ExiValue {
  const o: Required<RandomOptions> = { maxLength: 8, maxRepeat: 3, unicode: false, exclude: [], ...opts };
  const g = tables.types[typeId]!;
  if (g.simple) return randomValue(rnd, g.content!, o);
  const obj: ExiObject = {};
  let s = 0;
  let count = 0;
  for (let guard = 0; guard < 10000; guard++) {
    const st = g.states[s]!;
    let prods: readonly Production[] = st.p;
    if (st.loop) {
      if (count < st.loop.min && st.loop.below) prods = st.loop.below.p;
      else if (st.loop.max >= 0 && count >= st.loop.max && st.loop.atMax) prods = st.loop.atMax.p;
    }
    let usable = prods.filter((p) => p[0] !== EV.SE_ANY && p[0] !== EV.CH_MIXED);
    if (!usable.length) throw new Unrepresentable(g.name);
    const kept = usable.filter((p) => p[0] !== EV.SE || !o.exclude.includes(g.elems[p[1]]!.key));
    if (kept.length) usable = kept;
    // prefer to leave a loop once it has repeated enough, and to stop deep recursion early
    const inLoop = st.loop && count >= st.loop.min;
    const leave = usable.filter((p) => p[2] !== s);
    let pick: Production;
    if ((inLoop && count >= o.maxRepeat && leave.length) || (depth > 12 && leave.length)) {
      const ee = leave.find((p) => p[0] === EV.EE);
      pick = ee ?? leave[Math.floor(rnd() * leave.length)]!;
    } else pick = usable[Math.floor(rnd() * usable.length)]!;
    switch (pick[0]) {
      case EV.SE: {
        const e = g.elems[pick[1]]!;
        const v = randomElement(tables, e.type, rnd, o, depth + 1);
        if (e.array) ((obj[e.key] ??= []) as ExiValue[]).push(v);
        else obj[e.key] = v;
        count = pick[2] === s ? count + 1 : 1;
        break;
      }
      case EV.AT: {
        const a = g.attrs[pick[1]]!;
        obj[a.key] = randomValue(rnd, a.dt, o);
        break;
      }
      case EV.CH:
        obj[CONTENT] = randomValue(rnd, g.content!, o);
        break;
      case EV.EE:
        return obj;
    }
    s = pick[2];
  }
  throw new Error(`random walk did not end in ${g.name}`);
}

/** A random document rooted at the given global element (or a random one). */
export function randomDocument(tables: CodecTables, rnd: () => number, root?: string, opts?: RandomOptions): ExiObject {
  const els = tables.document.elements;
  const el = root ? els.find((e) => e.key === root)! : els[Math.floor(rnd() * els.length)]!;
  return { [el.key]: randomElement(tables, el.type, rnd, opts) };
}
