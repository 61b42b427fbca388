// Builds the EXI schema-informed grammars (EXI 1.0 §8.5.4) of a schema set as tables:
// per type, the proto-grammar from attribute uses and particles (an NFA with epsilon edges),
// normalised by epsilon elimination and duplicate-terminal merging (subset construction), with
// event codes assigned in the order of §8.5.4.3 and the width of non-strict grammars (§8.5.4.4.1:
// every state has second-level productions, so one extra first-level code point).
//
// A repeated element particle with maxOccurs > 1 becomes one counted loop state instead of
// maxOccurs copies: the copies differ only in whether SE(element) and the exit are allowed, so the
// runtime keeps the count and picks the production list of its class (below min, between,
// at max). That is exactly the expanded grammar, without 1024 copies of PMaxScheduleEntry.
import {
  EV,
  type AttributeInfo,
  type ChildInfo,
  type CodecTables,
  type Datatype,
  type GrammarState,
  type Production,
  type RootElement,
  type TypeGrammar,
} from '../runtime/grammar.js';
import { bitsFor, datatypeOf, resolveType } from './datatypes.js';
import {
  compareQNames,
  qnKey,
  type AttributeUse,
  type ComplexTypeDef,
  type ElementDecl,
  type Particle,
  type QName,
  type SchemaSet,
  type TypeDef,
} from './schema-model.js';

type Event =
  | { kind: 'AT'; attr: number; qname: QName }
  | { kind: 'SE'; child: number; qname: QName }
  | { kind: 'SE_ANY' }
  | { kind: 'EE' }
  | { kind: 'CH' }
  | { kind: 'CH_MIXED' };

interface Edge {
  ev: Event | null;
  to: Node | null;
}

interface Node {
  id: number;
  edges: Edge[];
  loop?: { min: number; max: number; members: Event[]; exit: Node; mixed: boolean };
}

const evKey = (e: Event): string => {
  switch (e.kind) {
    case 'AT':
    case 'SE':
      return `${e.kind}${qnKey(e.qname)}`;
    default:
      return e.kind;
  }
};

const EV_RANK: Record<Event['kind'], number> = { AT: 0, SE: 1, SE_ANY: 2, EE: 3, CH: 4, CH_MIXED: 4 };
const EV_CODE: Record<Event['kind'], number> = { AT: EV.AT, SE: EV.SE, SE_ANY: EV.SE_ANY, EE: EV.EE, CH: EV.CH, CH_MIXED: EV.CH_MIXED };

interface Collected {
  ev: Event;
  targets: Node[];
}

export interface BuildOptions {
  id: string;
}

export class GrammarBuilder {
  private readonly types: TypeGrammar[] = [];
  private readonly typeIds = new Map<TypeDef, number>();
  private readonly usedNames = new Map<string, TypeDef>();
  private nodeSeq = 0;

  constructor(private readonly set: SchemaSet) {}

  build(opts: BuildOptions): CodecTables {
    const globals = [...this.set.globalElements.values()].sort((a, b) => compareQNames(a.qname, b.qname));
    const document = {
      w: bitsFor(globals.length + 1),
      elements: globals.map((d) => this.root(d)),
    };
    // Fragment grammar (§8.5.4.1.2): every element declaration, global and local, once per qname;
    // a qname declared with different types would need the relaxed element grammar (type -1).
    const byName = new Map<string, ElementDecl[]>();
    for (const d of this.set.allElements) {
      const k = qnKey(d.qname);
      const list = byName.get(k);
      if (list) list.push(d);
      else byName.set(k, [d]);
    }
    const fragElems = [...byName.values()]
      .map((decls) => {
        const first = decls[0]!;
        const types = new Set(decls.map((d) => resolveType(this.set, d.type)));
        return types.size === 1 ? this.root(first) : ({ key: first.qname.name, ns: first.qname.ns, type: -1 } as RootElement);
      })
      .sort((a, b) => compareQNames({ ns: a.ns, name: a.key }, { ns: b.ns, name: b.key }));
    // every attribute qname of the schema set, sorted; typed when all its declarations agree
    const attrTypes = new Map<string, { qname: QName; types: Set<TypeDef> }>();
    const collect = (t: TypeDef): void => {
      if (t.kind !== 'complex') return;
      for (const a of t.attributes) {
        const k = qnKey(a.qname);
        const e = attrTypes.get(k) ?? { qname: a.qname, types: new Set<TypeDef>() };
        e.types.add(resolveType(this.set, a.type));
        attrTypes.set(k, e);
      }
    };
    for (const t of this.set.types.values()) collect(t);
    for (const d of this.set.allElements) if ('def' in d.type) collect(d.type.def);
    const attrList = [...attrTypes.values()].sort((a, b) => compareQNames(a.qname, b.qname));
    const attributes = attrList.map((a) => {
      const [only] = a.types;
      return { key: a.qname.name, ns: a.qname.ns, ...(a.types.size === 1 && only!.kind === 'simple' ? { dt: datatypeOf(this.set, only) } : {}) };
    });
    for (const [i, el] of fragElems.entries()) {
      if (el.type >= 0) continue;
      const decls = byName.get(qnKey({ ns: el.ns, name: el.key }))!;
      const relaxedAttrs: Record<string, number> = {};
      for (const d of decls) {
        const t = resolveType(this.set, d.type);
        if (t.kind !== 'complex') continue;
        for (const a of this.attributesOf(t)) relaxedAttrs[a.qname.name] = attrList.findIndex((x) => qnKey(x.qname) === qnKey(a.qname));
      }
      fragElems[i] = { ...el, relaxedAttrs };
    }
    const n = fragElems.length;
    const fragment = {
      w: bitsFor(n + 2),
      elements: fragElems,
      attributes,
      // AT(attributes), AT(*), SE(elements), SE(*), EE, CH — and the second level of non-strict grammars
      w0: bitsFor(attributes.length + 1 + n + 3 + 1),
      // SE(elements), SE(*), EE, CH
      w1: bitsFor(n + 3 + 1),
    };
    return { id: opts.id, types: this.types, document, fragment };
  }

  private root(d: ElementDecl): RootElement {
    return { key: d.qname.name, ns: d.qname.ns, type: this.typeId(resolveType(this.set, d.type), d.qname.name) };
  }

  /** The grammar index of a type, building it on first use. */
  private typeId(def: TypeDef, elementName: string): number {
    const known = this.typeIds.get(def);
    if (known !== undefined) return known;
    const id = this.types.length;
    this.typeIds.set(def, id);
    const placeholder = {} as TypeGrammar;
    this.types.push(placeholder);
    Object.assign(placeholder, def.kind === 'simple' ? this.simpleGrammar(def, elementName) : this.complexGrammar(def, elementName));
    return id;
  }

  private typeName(def: TypeDef, elementName: string): string {
    let name = def.qname ? def.qname.name : `${elementName}Type`;
    if (def.qname?.ns === 'http://www.w3.org/2001/XMLSchema') name = `xs_${name}`;
    const owner = this.usedNames.get(name);
    if (owner && owner !== def) {
      const suffix = (def.qname?.ns ?? '').split(/[:#/]/).filter(Boolean).pop() ?? 'anon';
      let alt = def.qname ? `${name}_${suffix}` : `${elementName}AnonType`;
      for (let i = 2; this.usedNames.has(alt) && this.usedNames.get(alt) !== def; i++) alt = `${name}_${i}`;
      name = alt;
    }
    this.usedNames.set(name, def);
    return name;
  }

  private simpleGrammar(def: TypeDef & { kind: 'simple' }, elementName: string): TypeGrammar {
    return {
      name: this.typeName(def, elementName),
      simple: true,
      content: datatypeOf(this.set, def),
      attrs: [],
      elems: [],
      // Type_0: CH Type_1; Type_1: EE — each with the non-strict second level, so 1 bit each
      states: [
        { w: 1, p: [[EV.CH, 0, 1]] },
        { w: 1, p: [[EV.EE, 0, -1]] },
      ],
    };
  }

  /** Attribute uses of a complex type, including those inherited from its base. */
  private attributesOf(def: ComplexTypeDef): AttributeUse[] {
    const own = def.attributes;
    if (!def.base) return own;
    const base = resolveType(this.set, def.base);
    if (base.kind !== 'complex') return own;
    const inherited = this.attributesOf(base).filter((a) => !own.some((o) => qnKey(o.qname) === qnKey(a.qname)));
    return [...inherited, ...own];
  }

  /** The content particle of a complex type: for an extension, base content then the extension. */
  private particleOf(def: ComplexTypeDef): Particle | undefined {
    if (def.derivation !== 'extension' || !def.base) return def.particle;
    const base = resolveType(this.set, def.base);
    const baseParticle = base.kind === 'complex' ? this.particleOf(base) : undefined;
    if (!baseParticle) return def.particle;
    if (!def.particle) return baseParticle;
    return { min: 1, max: 1, term: { kind: 'sequence', particles: [baseParticle, def.particle] } };
  }

  private simpleContentOf(def: ComplexTypeDef): Datatype {
    if (!def.base) throw new Error('simple content without base');
    const base = resolveType(this.set, def.base);
    if (base.kind === 'simple') return datatypeOf(this.set, base);
    return this.simpleContentOf(base);
  }

  private complexGrammar(def: ComplexTypeDef, elementName: string): TypeGrammar {
    const name = this.typeName(def, elementName);
    const attrUses = [...this.attributesOf(def)].sort((a, b) => compareQNames(a.qname, b.qname));
    const attrs: AttributeInfo[] = attrUses.map((a) => {
      const t = resolveType(this.set, a.type);
      if (t.kind !== 'simple') throw new Error(`attribute ${a.qname.name} of complex type`);
      return { key: a.qname.name, ns: a.qname.ns, dt: datatypeOf(this.set, t), required: a.required };
    });
    const elems: ChildInfo[] = [];
    const childIndex = new Map<string, number>();
    const pendingChildTypes: [number, ElementDecl][] = [];
    const child = (decl: ElementDecl): number => {
      const k = decl.qname.name;
      const known = childIndex.get(k);
      if (known !== undefined) {
        if (elems[known]!.ns !== decl.qname.ns) throw new Error(`${name}: two child elements named ${k}`);
        return known;
      }
      const idx = elems.length;
      childIndex.set(k, idx);
      elems.push({ key: k, ns: decl.qname.ns, type: -1, array: false, required: false });
      pendingChildTypes.push([idx, decl]);
      return idx;
    };
    if (attrs.some((a) => childIndex.has(a.key))) throw new Error(`${name}: attribute and element share a name`);

    const node = (): Node => ({ id: this.nodeSeq++, edges: [] });
    const end = node();
    end.edges.push({ ev: { kind: 'EE' }, to: null });
    const contentNodes: Node[] = [end];
    const mkNode = (): Node => {
      const n = node();
      contentNodes.push(n);
      return n;
    };

    const members = (decl: ElementDecl): ElementDecl[] => {
      // the element and its substitution group members, transitively, sorted lexicographically
      // (§8.5.4.1.6). Abstract ones stay in: EXIficient and cbexigen give the abstract
      // BodyElement of ISO 15118-2 its own event code, and every V2G codec depends on that.
      const out: ElementDecl[] = [decl];
      const visit = (head: QName): void => {
        for (const g of this.set.globalElements.values()) {
          if (g.substitutionGroup && qnKey(g.substitutionGroup) === qnKey(head)) {
            out.push(g);
            visit(g.qname);
          }
        }
      };
      if (decl.global) visit(decl.qname);
      return out.sort((a, b) => compareQNames(a.qname, b.qname));
    };

    // Builds the NFA of a particle in front of `next`; returns its entry node.
    const build = (p: Particle, next: Node): Node => {
      const term = p.term;
      if (term.kind === 'element' || term.kind === 'any') {
        const evs: Event[] =
          term.kind === 'any'
            ? [{ kind: 'SE_ANY' }]
            : members(term.decl).map((m) => ({ kind: 'SE', child: child(m), qname: m.qname }));
        const entry = mkNode();
        if (p.max === 1) {
          for (const ev of evs) entry.edges.push({ ev, to: next });
        } else {
          const loop = mkNode();
          loop.loop = { min: p.min, max: p.max, members: evs, exit: next, mixed: def.mixed };
          for (const ev of evs) entry.edges.push({ ev, to: loop });
        }
        if (p.min === 0) entry.edges.push({ ev: null, to: next });
        return entry;
      }
      const group = (after: Node): Node => {
        if (term.kind === 'sequence') {
          let cur = after;
          for (let i = term.particles.length - 1; i >= 0; i--) cur = build(term.particles[i]!, cur);
          return cur;
        }
        const c = mkNode();
        for (const alt of term.particles) c.edges.push({ ev: null, to: build(alt, after) });
        return c;
      };
      if (p.max === 1) {
        const body = group(next);
        if (p.min === 0) {
          const opt = mkNode();
          opt.edges.push({ ev: null, to: body }, { ev: null, to: next });
          return opt;
        }
        return body;
      }
      if (p.max !== Infinity || p.min > 1) throw new Error(`${name}: bounded repetition of a model group is not supported`);
      // unbounded group: loop back through a hub node
      const hub = mkNode();
      const body = group(hub);
      hub.edges.push({ ev: null, to: body }, { ev: null, to: next });
      return p.min === 0 ? hub : body;
    };

    // Register children in schema order first, so the type's fields read like the XSD.
    const register = (p: Particle): void => {
      const t = p.term;
      if (t.kind === 'element') members(t.decl).forEach(child);
      else if (t.kind !== 'any') t.particles.forEach(register);
    };
    const ownParticle = def.simpleContent ? undefined : this.particleOf(def);
    if (ownParticle) register(ownParticle);

    // Attribute uses in sorted order, then content (§8.5.4.1.3.1).
    let contentEntry: Node;
    if (def.simpleContent) {
      const ch = mkNode();
      ch.edges.push({ ev: { kind: 'CH' }, to: end });
      contentEntry = ch;
    } else {
      contentEntry = ownParticle ? build(ownParticle, end) : end;
    }
    // CH of mixed content loops on its state; the V2G profile never carries it, so it is decoded as an error
    if (def.mixed) for (const n of contentNodes) if (!n.loop) n.edges.push({ ev: { kind: 'CH_MIXED' }, to: null });
    let entry = contentEntry;
    for (let i = attrUses.length - 1; i >= 0; i--) {
      const a = attrUses[i]!;
      const n = node();
      n.edges.push({ ev: { kind: 'AT', attr: i, qname: a.qname }, to: entry });
      if (!a.required) n.edges.push({ ev: null, to: entry });
      entry = n;
    }

    const states = this.determinise(name, entry);
    const content = def.simpleContent ? this.simpleContentOf(def) : undefined;
    for (const [idx, decl] of pendingChildTypes) elems[idx]!.type = this.typeId(resolveType(this.set, decl.type), decl.qname.name);
    if (ownParticle) {
      for (const e of elems) {
        // one member of a substitution group with several members is never required by itself
        const [min, max] = occurrences(ownParticle, (d) => {
          const ms = members(d);
          return ms.some((m) => m.qname.name === e.key) ? (ms.length > 1 ? 'optional' : 'once') : 'no';
        });
        e.array = max > 1;
        e.required = min > 0;
      }
    }
    return { name, simple: false, ...(content ? { content } : {}), attrs, elems, states };
  }

  /** Subset construction with ordered epsilon closure; returns states with event codes. */
  private determinise(typeName: string, start: Node): GrammarState[] {
    const states: GrammarState[] = [];
    const index = new Map<string, number>();
    const queue: Node[][] = [];
    const stateOf = (nodes: Node[]): number => {
      const key = nodes.map((n) => n.id).join(',');
      let i = index.get(key);
      if (i === undefined) {
        i = states.length;
        index.set(key, i);
        states.push({ w: 0, p: [] });
        queue.push(nodes);
      }
      return i;
    };
    const collect = (roots: Node[], loopClass?: 'below' | 'mid' | 'atMax'): Collected[] => {
      const out: Collected[] = [];
      const byKey = new Map<string, Collected>();
      const seen = new Set<Node>();
      const add = (ev: Event, to: Node | null): void => {
        const k = evKey(ev);
        const c = byKey.get(k);
        if (c) {
          if (to && !c.targets.includes(to)) c.targets.push(to);
          return;
        }
        const n: Collected = { ev, targets: to ? [to] : [] };
        byKey.set(k, n);
        out.push(n);
      };
      const visit = (n: Node): void => {
        if (seen.has(n)) return;
        seen.add(n);
        if (n.loop) {
          if (!loopClass) throw new Error(`${typeName}: a repeated element is reachable without its start tag (not UPA)`);
          if (loopClass !== 'atMax') for (const ev of n.loop.members) add(ev, n);
          if (n.loop.mixed) add({ kind: 'CH_MIXED' }, null);
          if (loopClass !== 'below') visit(n.loop.exit);
          return;
        }
        for (const e of n.edges) {
          if (e.ev === null) visit(e.to!);
          else add(e.ev, e.to);
        }
      };
      for (const r of roots) visit(r);
      // §8.5.4.3: AT sorted by qname; SE in schema order; then SE(*), EE, CH
      return out
        .map((c, i) => ({ c, i }))
        .sort((a, b) => {
          const ra = EV_RANK[a.c.ev.kind];
          const rb = EV_RANK[b.c.ev.kind];
          if (ra !== rb) return ra - rb;
          if (a.c.ev.kind === 'AT' && b.c.ev.kind === 'AT') return compareQNames(a.c.ev.qname, b.c.ev.qname);
          return a.i - b.i;
        })
        .map((x) => x.c);
    };
    const toProductions = (list: Collected[]): { w: number; p: Production[] } => ({
      w: bitsFor(list.length + 1),
      p: list.map((c) => {
        const arg = c.ev.kind === 'AT' ? c.ev.attr : c.ev.kind === 'SE' ? c.ev.child : 0;
        if (c.targets.some((t) => t.loop) && c.targets.length > 1) throw new Error(`${typeName}: ambiguous repeated element (not UPA)`);
        return [EV_CODE[c.ev.kind], arg, c.targets.length ? stateOf(c.targets) : -1] as const;
      }),
    });

    stateOf([start]);
    for (let i = 0; i < queue.length; i++) {
      const nodes = queue[i]!;
      const first = nodes[0]!;
      if (first.loop) {
        const { min, max } = first.loop;
        const mid = toProductions(collect(nodes, 'mid'));
        const st: GrammarState = { ...mid, loop: { min, max } };
        if (min > 1) st.loop!.below = toProductions(collect(nodes, 'below'));
        if (max !== Infinity) st.loop!.atMax = toProductions(collect(nodes, 'atMax'));
        if (max === Infinity) st.loop!.max = -1;
        states[i] = st;
      } else {
        states[i] = toProductions(collect(nodes));
      }
    }
    return states;
  }
}

/** [min, max] occurrences of a child element in a content model; `is` tells whether an element
 *  particle (through its substitution group) stands for that child. */
function occurrences(p: Particle, is: (d: ElementDecl) => 'once' | 'optional' | 'no'): [number, number] {
  const t = p.term;
  let inner: [number, number];
  if (t.kind === 'any') inner = [0, 0];
  else if (t.kind === 'element') {
    const k = is(t.decl);
    inner = k === 'once' ? [1, 1] : k === 'optional' ? [0, 1] : [0, 0];
  }
  else if (t.kind === 'sequence') {
    inner = t.particles.map((c) => occurrences(c, is)).reduce((a, b) => [a[0] + b[0], a[1] + b[1]], [0, 0]);
  } else {
    const all = t.particles.map((c) => occurrences(c, is));
    inner = [Math.min(...all.map((x) => x[0])), Math.max(...all.map((x) => x[1]))];
  }
  return [inner[0] * p.min, inner[1] * p.max];
}
