// The XML Schema subset used by the V2G schemas, as plain data: what the XSD loader produces
// and what the EXI grammar builder reads. Only the constructs that occur in the ISO 15118-2,
// ISO 15118-20, DIN 70121, appHandshake and xmldsig schemas are modelled; the loader rejects
// anything else loudly instead of guessing.

export const XSD_NS = 'http://www.w3.org/2001/XMLSchema';

export interface QName {
  ns: string;
  name: string;
}

export const qnKey = (q: QName): string => `{${q.ns}}${q.name}`;

/** EXI sorts qualified names by local name first, then by URI (EXI 1.0 §8.5.4.1). */
export function compareQNames(a: QName, b: QName): number {
  if (a.name !== b.name) return a.name < b.name ? -1 : 1;
  if (a.ns !== b.ns) return a.ns < b.ns ? -1 : 1;
  return 0;
}

export interface Facets {
  enumeration?: string[];
  minInclusive?: bigint;
  maxInclusive?: bigint;
  minExclusive?: bigint;
  maxExclusive?: bigint;
  length?: number;
  minLength?: number;
  maxLength?: number;
}

export interface SimpleTypeDef {
  kind: 'simple';
  qname?: QName;
  /** the base type (a built-in type has no base) */
  base?: TypeRef;
  facets: Facets;
}

export interface AttributeUse {
  qname: QName;
  type: TypeRef;
  required: boolean;
}

export interface ElementDecl {
  qname: QName;
  type: TypeRef;
  abstract: boolean;
  nillable: boolean;
  global: boolean;
  substitutionGroup?: QName;
}

export interface ElementTerm {
  kind: 'element';
  /** a local declaration, or the global one for `ref=` */
  decl: ElementDecl;
}

export interface WildcardTerm {
  kind: 'any';
  namespace: string;
}

export interface GroupTerm {
  kind: 'sequence' | 'choice';
  particles: Particle[];
}

export interface Particle {
  min: number;
  /** Infinity for unbounded */
  max: number;
  term: ElementTerm | WildcardTerm | GroupTerm;
}

export interface ComplexTypeDef {
  kind: 'complex';
  qname?: QName;
  abstract: boolean;
  mixed: boolean;
  base?: TypeRef;
  derivation?: 'extension' | 'restriction';
  /** attribute uses declared here (the builder merges the base type's) */
  attributes: AttributeUse[];
  /** content particle declared here (for an extension: the part added to the base) */
  particle?: Particle;
  /** simple content: the simple type of the text */
  simpleContent: boolean;
}

export type TypeDef = SimpleTypeDef | ComplexTypeDef;

/** A reference to a named type, or an anonymous definition in place. */
export type TypeRef = { ref: QName } | { def: TypeDef };

export interface SchemaSet {
  /** files loaded, in load order (relative to the schema folder) */
  files: string[];
  types: Map<string, TypeDef>;
  globalElements: Map<string, ElementDecl>;
  /** every element declaration, global and local, in document order */
  allElements: ElementDecl[];
}
