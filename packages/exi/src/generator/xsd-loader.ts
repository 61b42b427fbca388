// Loads an XML Schema file and everything it imports into a SchemaSet. Namespace-aware
// (prefixes are resolved with the in-scope declarations of each node), strict about the
// constructs it understands.
import { readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { DOMParser } from '@xmldom/xmldom';
import type { Element as XmlElement } from '@xmldom/xmldom';
import {
  XSD_NS,
  qnKey,
  type AttributeUse,
  type ComplexTypeDef,
  type ElementDecl,
  type Facets,
  type Particle,
  type QName,
  type SchemaSet,
  type SimpleTypeDef,
  type TypeRef,
} from './schema-model.js';

export class XsdError extends Error {
  constructor(file: string, message: string) {
    super(`${file}: ${message}`);
    this.name = 'XsdError';
  }
}

interface SchemaContext {
  file: string;
  targetNs: string;
  elementQualified: boolean;
  attributeQualified: boolean;
}

const IGNORED = new Set(['annotation', 'documentation', 'appinfo']);

function children(node: XmlElement): XmlElement[] {
  const out: XmlElement[] = [];
  for (let c = node.firstChild; c; c = c.nextSibling) {
    if (c.nodeType !== 1) continue;
    const el = c as XmlElement;
    if (el.namespaceURI !== XSD_NS) throw new Error(`unexpected element ${el.nodeName}`);
    if (!IGNORED.has(el.localName ?? '')) out.push(el);
  }
  return out;
}

function attr(node: XmlElement, name: string): string | undefined {
  return node.hasAttribute(name) ? node.getAttribute(name) ?? undefined : undefined;
}

function occurs(node: XmlElement, name: string, dflt: number): number {
  const v = attr(node, name);
  if (v === undefined) return dflt;
  if (v === 'unbounded') return Infinity;
  return Number.parseInt(v, 10);
}

export function loadSchemaSet(schemaDir: string, rootFiles: string[]): SchemaSet {
  const set: SchemaSet = { files: [], types: new Map(), globalElements: new Map(), allElements: [] };
  const loaded = new Set<string>();

  const resolveQName = (node: XmlElement, value: string): QName => {
    const colon = value.indexOf(':');
    const prefix = colon >= 0 ? value.slice(0, colon) : null;
    const name = colon >= 0 ? value.slice(colon + 1) : value;
    const ns = node.lookupNamespaceURI(prefix ?? '');
    if (ns === null && prefix !== null) throw new Error(`unknown prefix '${prefix}' in '${value}'`);
    return { ns: ns ?? '', name };
  };

  const loadFile = (path: string): void => {
    if (loaded.has(path)) return;
    loaded.add(path);
    const rel = relative(schemaDir, path);
    set.files.push(rel);
    const doc = new DOMParser().parseFromString(readFileSync(path, 'utf8'), 'text/xml');
    const root = doc.documentElement;
    if (!root || root.localName !== 'schema' || root.namespaceURI !== XSD_NS) throw new XsdError(rel, 'not an XML Schema');
    const ctx: SchemaContext = {
      file: rel,
      targetNs: attr(root, 'targetNamespace') ?? '',
      elementQualified: attr(root, 'elementFormDefault') === 'qualified',
      attributeQualified: attr(root, 'attributeFormDefault') === 'qualified',
    };
    try {
      for (const c of children(root)) {
        if (c.localName === 'import' || c.localName === 'include') {
          const loc = attr(c, 'schemaLocation');
          if (!loc) throw new Error(`${c.localName} without schemaLocation`);
          loadFile(join(dirname(path), loc));
        }
      }
      for (const c of children(root)) topLevel(c, ctx);
    } catch (e) {
      if (e instanceof XsdError) throw e;
      throw new XsdError(rel, (e as Error).message);
    }
  };

  const topLevel = (node: XmlElement, ctx: SchemaContext): void => {
    switch (node.localName) {
      case 'import':
      case 'include':
        return;
      case 'element': {
        const decl = elementDecl(node, ctx, true);
        set.globalElements.set(qnKey(decl.qname), decl);
        return;
      }
      case 'complexType': {
        const def = complexType(node, ctx);
        set.types.set(qnKey(def.qname!), def);
        return;
      }
      case 'simpleType': {
        const def = simpleType(node, ctx);
        set.types.set(qnKey(def.qname!), def);
        return;
      }
      default:
        throw new Error(`unsupported top-level construct xs:${node.localName}`);
    }
  };

  const typeOf = (node: XmlElement, ctx: SchemaContext): TypeRef => {
    const t = attr(node, 'type');
    if (t) return { ref: resolveQName(node, t) };
    for (const c of children(node)) {
      if (c.localName === 'complexType') return { def: complexType(c, ctx) };
      if (c.localName === 'simpleType') return { def: simpleType(c, ctx) };
    }
    // xs:anyType: an element without a type. None of the V2G schemas has one.
    throw new Error(`element '${attr(node, 'name')}' has no type`);
  };

  const elementDecl = (node: XmlElement, ctx: SchemaContext, global: boolean): ElementDecl => {
    const name = attr(node, 'name');
    if (!name) throw new Error('element without name');
    const ns = global || ctx.elementQualified || attr(node, 'form') === 'qualified' ? ctx.targetNs : '';
    const sg = attr(node, 'substitutionGroup');
    const decl: ElementDecl = {
      qname: { ns, name },
      type: typeOf(node, ctx),
      abstract: attr(node, 'abstract') === 'true',
      nillable: attr(node, 'nillable') === 'true',
      global,
      ...(sg ? { substitutionGroup: resolveQName(node, sg) } : {}),
    };
    set.allElements.push(decl);
    return decl;
  };

  const particle = (node: XmlElement, ctx: SchemaContext): Particle => {
    const min = occurs(node, 'minOccurs', 1);
    const max = occurs(node, 'maxOccurs', 1);
    switch (node.localName) {
      case 'element': {
        const ref = attr(node, 'ref');
        if (ref) {
          const qn = resolveQName(node, ref);
          // resolved lazily: the referenced declaration may be in a file loaded later
          const placeholder: ElementDecl = { qname: qn, type: { ref: qn }, abstract: false, nillable: false, global: true };
          pendingRefs.push(placeholder);
          return { min, max, term: { kind: 'element', decl: placeholder } };
        }
        return { min, max, term: { kind: 'element', decl: elementDecl(node, ctx, false) } };
      }
      case 'any':
        return { min, max, term: { kind: 'any', namespace: attr(node, 'namespace') ?? '##any' } };
      case 'sequence':
      case 'choice':
        return { min, max, term: { kind: node.localName, particles: children(node).map((c) => particle(c, ctx)) } };
      default:
        throw new Error(`unsupported particle xs:${node.localName}`);
    }
  };

  const attributeUse = (node: XmlElement, ctx: SchemaContext): AttributeUse => {
    const name = attr(node, 'name');
    if (!name) throw new Error('attribute without name (attribute refs are not supported)');
    const qualified = ctx.attributeQualified || attr(node, 'form') === 'qualified';
    const t = attr(node, 'type');
    let type: TypeRef;
    if (t) type = { ref: resolveQName(node, t) };
    else {
      const st = children(node).find((c) => c.localName === 'simpleType');
      type = st ? { def: simpleType(st, ctx) } : { ref: { ns: XSD_NS, name: 'anySimpleType' } };
    }
    return { qname: { ns: qualified ? ctx.targetNs : '', name }, type, required: attr(node, 'use') === 'required' };
  };

  const complexType = (node: XmlElement, ctx: SchemaContext): ComplexTypeDef => {
    const name = attr(node, 'name');
    const def: ComplexTypeDef = {
      kind: 'complex',
      ...(name ? { qname: { ns: ctx.targetNs, name } } : {}),
      abstract: attr(node, 'abstract') === 'true',
      mixed: attr(node, 'mixed') === 'true',
      attributes: [],
      simpleContent: false,
    };
    const body = (parent: XmlElement): void => {
      for (const c of children(parent)) {
        switch (c.localName) {
          case 'sequence':
          case 'choice':
            def.particle = particle(c, ctx);
            break;
          case 'attribute':
            def.attributes.push(attributeUse(c, ctx));
            break;
          case 'complexContent':
          case 'simpleContent': {
            if (c.localName === 'simpleContent') def.simpleContent = true;
            if (attr(c, 'mixed') === 'true') def.mixed = true;
            const [derivation] = children(c);
            if (!derivation || (derivation.localName !== 'extension' && derivation.localName !== 'restriction'))
              throw new Error(`${c.localName} without extension/restriction`);
            def.derivation = derivation.localName;
            def.base = { ref: resolveQName(derivation, attr(derivation, 'base') ?? '') };
            body(derivation);
            break;
          }
          default:
            throw new Error(`unsupported xs:${c.localName} in complexType ${name ?? '(anonymous)'}`);
        }
      }
    };
    body(node);
    return def;
  };

  const simpleType = (node: XmlElement, ctx: SchemaContext): SimpleTypeDef => {
    const name = attr(node, 'name');
    const [restriction] = children(node);
    if (!restriction || restriction.localName !== 'restriction')
      throw new Error(`simpleType ${name ?? '(anonymous)'}: only xs:restriction is supported`);
    const facets: Facets = {};
    let base: TypeRef | undefined;
    const b = attr(restriction, 'base');
    if (b) base = { ref: resolveQName(restriction, b) };
    for (const f of children(restriction)) {
      const value = attr(f, 'value') ?? '';
      switch (f.localName) {
        case 'simpleType':
          base = { def: simpleType(f, ctx) };
          break;
        case 'enumeration':
          (facets.enumeration ??= []).push(value);
          break;
        case 'minInclusive':
        case 'maxInclusive':
        case 'minExclusive':
        case 'maxExclusive':
          facets[f.localName] = BigInt(value);
          break;
        case 'length':
        case 'minLength':
        case 'maxLength':
          facets[f.localName] = Number.parseInt(value, 10);
          break;
        default:
          throw new Error(`unsupported facet xs:${f.localName} in ${name ?? '(anonymous)'}`);
      }
    }
    if (!base) throw new Error(`simpleType ${name ?? '(anonymous)'} without base`);
    return { kind: 'simple', ...(name ? { qname: { ns: ctx.targetNs, name } } : {}), base, facets };
  };

  const pendingRefs: ElementDecl[] = [];
  for (const f of rootFiles) loadFile(join(schemaDir, f));
  for (const p of pendingRefs) {
    const target = set.globalElements.get(qnKey(p.qname));
    if (!target) throw new XsdError(rootFiles.join(','), `unresolved element ref ${qnKey(p.qname)}`);
    Object.assign(p, target);
  }
  return set;
}
