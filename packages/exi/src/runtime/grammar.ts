// The precomputed EXI grammar tables that the generator emits and the codec runtime walks.
// One table set per schema set ("codec"). Plain data, so it can be written as a TypeScript
// literal, diffed, and checked by the regeneration test.

/** How a simple value is represented on the wire (EXI 1.0 §7.1), after the schema's facets. */
export type Datatype =
  | { t: 'bool' }
  /** Unsigned Integer (7-bit groups); big: values may exceed 2^53; max: the schema's upper bound
   *  (a decimal string when beyond 2^53) */
  | { t: 'uint'; big?: true; max?: number | string }
  /** Integer: sign bit then Unsigned Integer magnitude, within the schema's bounds if any */
  | { t: 'int'; big?: true; min?: number | string; max?: number | string }
  /** n-bit Unsigned Integer of (value - min): bounded ranges of 4096 values or fewer */
  | { t: 'nbit'; n: number; min: number; max: number }
  /** maxLength: the schema's length limit in characters (informative: not enforced by the codec) */
  | { t: 'string'; maxLength?: number }
  /** n-bit index into the enumeration, values in schema order */
  | { t: 'enum'; n: number; values: string[] }
  /** maxLength: the schema's length limit in bytes (informative: not enforced by the codec) */
  | { t: 'hex'; maxLength?: number }
  | { t: 'base64'; maxLength?: number };

/** Event kinds of a production. */
export const EV = {
  AT: 0,
  SE: 1,
  /** SE(*): a wildcard; its content is outside the V2G profile */
  SE_ANY: 2,
  EE: 3,
  /** CH with the schema-typed value of a simple type or simple content */
  CH: 4,
  /** CH [untyped value] of mixed content */
  CH_MIXED: 5,
} as const;

/** [event kind, argument (attribute or element index in the type), next state] */
export type Production = readonly [kind: number, arg: number, next: number];

export interface GrammarState {
  /** first-level event-code width in bits: ceil(log2(productions + 1)), the +1 being the
   *  escape to the second level that non-strict grammars always have */
  w: number;
  p: readonly Production[];
  /** Present on the state after k occurrences of a repeated element particle (maxOccurs > 1):
   *  `p` applies while min <= k < max; `below` while k < min; `atMax` when k == max. */
  loop?: {
    min: number;
    max: number;
    below?: { w: number; p: readonly Production[] };
    atMax?: { w: number; p: readonly Production[] };
  };
}

export interface AttributeInfo {
  key: string;
  ns: string;
  dt: Datatype;
  required: boolean;
}

export interface ChildInfo {
  key: string;
  ns: string;
  /** type grammar index */
  type: number;
  /** true when the element can occur more than once here: the JSON form is then always an array */
  array: boolean;
  /** true when the content model requires it at least once */
  required: boolean;
}

export interface TypeGrammar {
  /** XSD type name (or `<element>` for an anonymous type), for errors and generated types */
  name: string;
  /** the value is a bare simple value (simple type, no attributes) */
  simple: boolean;
  /** simple content datatype (simple types and simple content) */
  content?: Datatype;
  attrs: readonly AttributeInfo[];
  elems: readonly ChildInfo[];
  states: readonly GrammarState[];
}

export interface RootElement {
  key: string;
  ns: string;
  /** type grammar index, or -1 where the element is declared with several types: its fragment
   *  content then follows the relaxed element fragment grammar */
  type: number;
  /** relaxed elements: their attributes (JSON key → index in `fragment.attributes`) */
  relaxedAttrs?: Record<string, number>;
}

/** An attribute of the relaxed element fragment grammar: every attribute qname of the schema set. */
export interface FragmentAttribute {
  key: string;
  ns: string;
  /** the datatype when every declaration of this qname has the same type; untyped (a string) otherwise */
  dt?: Datatype;
}

export interface CodecTables {
  id: string;
  types: readonly TypeGrammar[];
  /** DocContent: global elements sorted by local name then URI; SE(*) follows */
  document: { w: number; elements: readonly RootElement[] };
  /** FragmentContent: all element declarations sorted; SE(*) and ED follow. The relaxed element
   *  fragment grammar (EXI 1.0, the schema-informed element fragment grammar) lists all attributes, AT(*), all
   *  fragment elements, SE(*), EE and CH in its first state (width w0), and the elements, SE(*),
   *  EE and CH in its content state (width w1). */
  fragment: { w: number; elements: readonly RootElement[]; attributes: readonly FragmentAttribute[]; w0: number; w1: number };
}
