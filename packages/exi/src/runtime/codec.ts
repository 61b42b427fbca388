// The schema-informed EXI codec of one schema set in the V2G profile (header 0x80, bit-packed,
// non-strict grammars, no value string tables): documents and fragments. The grammar tables are
// compiled to specialised functions on first use (compile.ts).
//
// The JSON form: element names as keys, repeated elements always arrays, binary as lowercase hex,
// attributes as keys, simple content beside attributes as CONTENT, enumerations as their literal,
// 64-bit integers as numbers when exact and bigint (a decimal string in JSON) otherwise.
import { BitReader } from './bit-reader.js';
import { BitWriter } from './bit-writer.js';
import { compileCodec, type CompiledCodec } from './compile.js';
import { ExiError } from './errors.js';
import type { CodecTables, RootElement } from './grammar.js';

export type ExiObject = { [key: string]: ExiValue };
export type ExiValue = string | number | bigint | boolean | ExiObject | ExiValue[];

/** The key that holds the text of an element with simple content and attributes. */
export const CONTENT = 'CONTENT';

export interface DecodeOptions {
  /** ignore bytes after the end of the document (for captures with garbage after the stream) */
  allowTrailingData?: boolean;
}

export interface ExiCodecOptions {
  /** refuse documents larger than this when decoding (bytes); default 1 MiB */
  maxBytes?: number;
}

const writer = new BitWriter(4096);
const reader = new BitReader();

/** What encode takes: the typed document of a typed codec, any object for an untyped one. */
export type EncodeInput<Doc> = ExiObject extends Doc ? object : Doc;

/** A codec; `Doc` is the document type (the generated `…Document` union), ExiObject when untyped. */
export class ExiCodec<Doc extends object = ExiObject> {
  readonly id: string;
  private readonly docIndex: Map<string, number>;
  private readonly fragIndex: Map<string, number>;
  private readonly fragKeys: string[];
  private readonly maxBytes: number;
  private compiled: CompiledCodec | undefined;

  constructor(
    readonly tables: CodecTables,
    options: ExiCodecOptions = {},
  ) {
    this.id = tables.id;
    this.maxBytes = options.maxBytes ?? 1 << 20;
    this.docIndex = new Map(tables.document.elements.map((e, i) => [e.key, i]));
    // Fragment roots are named by local name; where two namespaces declare the same local name
    // (xmldsig Exponent vs -20 RationalNumber Exponent) only `{namespace}name` names them.
    const names = new Map<string, number>();
    for (const e of tables.fragment.elements) names.set(e.key, (names.get(e.key) ?? 0) + 1);
    this.fragKeys = tables.fragment.elements.map((e) => (names.get(e.key)! > 1 ? `{${e.ns}}${e.key}` : e.key));
    this.fragIndex = new Map(this.fragKeys.map((k, i) => [k, i]));
  }

  private get fns(): CompiledCodec {
    return (this.compiled ??= compileCodec(this.tables));
  }

  /** Names of the global elements that can be document roots. */
  get rootElements(): string[] {
    return this.tables.document.elements.map((e) => e.key);
  }

  /** Names of the elements that can be fragment roots (`{namespace}name` where a local name is ambiguous). */
  get fragmentElements(): string[] {
    return [...this.fragKeys];
  }

  /** Encodes a document `{ <RootElement>: {...} }` to an EXI stream. */
  encode(doc: EncodeInput<Doc>): Uint8Array {
    const [key, value] = single(doc, 'document');
    const i = this.docIndex.get(key);
    if (i === undefined) throw new ExiError('UNKNOWN_ELEMENT', `${key} is not a global element of ${this.id}`);
    const fns = this.fns;
    const w = writer;
    w.reset();
    w.bits(8, 0x80);
    w.bits(this.tables.document.w, i);
    try {
      fns.enc[this.tables.document.elements[i]!.type]!(w, value);
    } catch (e) {
      throw withRoot(e, key);
    }
    // DocEnd: ED is its only production and has no second level: 0 bits
    return w.finish();
  }

  /** Encodes one element as an EXI fragment (for signatures: SHA-256 over these bytes). */
  encodeFragment(fragment: object): Uint8Array {
    const [key, value] = single(fragment, 'fragment');
    const i = this.fragIndex.get(key);
    const el = i === undefined ? undefined : this.tables.fragment.elements[i];
    if (!el) throw new ExiError('UNKNOWN_ELEMENT', `${key} cannot be a fragment of ${this.id}`);
    const fns = this.fns;
    const w = writer;
    w.reset();
    w.bits(8, 0x80);
    const fw = this.tables.fragment.w;
    w.bits(fw, i!);
    try {
      if (el.type < 0) this.encodeRelaxed(w, el, value);
      else fns.enc[el.type]!(w, value);
    } catch (e) {
      throw withRoot(e, key);
    }
    w.bits(fw, this.tables.fragment.elements.length + 1); // ED
    return w.finish();
  }

  /** Decodes an EXI stream to `{ <RootElement>: {...} }`. */
  decode(bytes: Uint8Array, opts: DecodeOptions = {}): Doc {
    const fns = this.fns;
    const r = this.begin(bytes);
    const dw = this.tables.document.w;
    const code = r.bits(dw);
    const el = this.tables.document.elements[code];
    if (!el) throw new ExiError('UNSUPPORTED_EVENT', `document event code ${code} (SE(*): an undeclared root)`, r.bitPosition - dw);
    let value;
    try {
      value = fns.dec[el.type]!(r);
    } catch (e) {
      throw withRoot(e, el.key);
    }
    if (!opts.allowTrailingData) this.end(r);
    return { [el.key]: value } as Doc;
  }

  /** Decodes an EXI fragment holding one element. */
  decodeFragment(bytes: Uint8Array): ExiObject {
    const fns = this.fns;
    const r = this.begin(bytes);
    const fw = this.tables.fragment.w;
    const code = r.bits(fw);
    const el = this.tables.fragment.elements[code];
    if (!el) throw new ExiError('UNSUPPORTED_EVENT', `fragment event code ${code}`, r.bitPosition - fw);
    let value;
    try {
      value = el.type < 0 ? this.decodeRelaxed(r, el) : fns.dec[el.type]!(r);
    } catch (e) {
      throw withRoot(e, this.fragKeys[code]!);
    }
    const ed = r.bits(fw);
    if (ed !== this.tables.fragment.elements.length + 1)
      throw new ExiError('UNSUPPORTED_EVENT', 'a fragment of more than one element', r.bitPosition - fw);
    this.end(r);
    return { [this.fragKeys[code]!]: value };
  }

  /**
   * An element declared with several types (the ISO 15118-2 eMAID: a plain string in
   * PaymentDetailsReq, a string with an Id in CertificateInstallationRes) is a fragment root of the
   * relaxed element fragment grammar: its attributes, then untyped character content. That is all
   * the V2G signatures need; child elements in it are refused.
   */
  private encodeRelaxed(w: BitWriter, el: RootElement, value: unknown): void {
    const f = this.tables.fragment;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ExiError('INVALID_VALUE', `expected an object for ${el.key}`);
    const v = value as ExiObject;
    const attrs = el.relaxedAttrs ?? {};
    for (const k of Object.keys(v)) if (k !== CONTENT && !(k in attrs)) throw new ExiError('INVALID_CONTENT', `${k} is not part of ${el.key}`);
    // AT events in the order of the attribute list (sorted qnames)
    for (const [k, index] of Object.entries(attrs).sort((a, b) => a[1] - b[1])) {
      const x = v[k];
      if (x === undefined) continue;
      w.bits(f.w0, index);
      const dt = f.attributes[index]!.dt;
      if (dt && dt.t !== 'string') throw new ExiError('INVALID_VALUE', `typed attribute ${k} in a relaxed fragment is not supported`);
      if (typeof x !== 'string') throw new ExiError('INVALID_VALUE', `${k} must be a string`);
      w.string(x);
    }
    const n = f.elements.length;
    const content = v[CONTENT];
    if (content === undefined) {
      w.bits(f.w0, f.attributes.length + 1 + n + 1); // EE
      return;
    }
    if (typeof content !== 'string') throw new ExiError('INVALID_VALUE', `${CONTENT} must be a string`);
    w.bits(f.w0, f.attributes.length + 1 + n + 2); // CH [untyped value]
    w.string(content);
    w.bits(f.w1, n + 1); // EE in the content state
  }

  private decodeRelaxed(r: BitReader, el: RootElement): ExiObject {
    const f = this.tables.fragment;
    const n = f.elements.length;
    const byIndex = new Map(Object.entries(el.relaxedAttrs ?? {}).map(([k, i]) => [i, k]));
    const out: ExiObject = {};
    for (;;) {
      const at = r.bitPosition;
      const code = r.bits(f.w0);
      const key = byIndex.get(code);
      if (key !== undefined) {
        const dt = f.attributes[code]!.dt;
        if (dt && dt.t !== 'string') throw new ExiError('UNSUPPORTED_EVENT', `typed attribute ${key} in a relaxed fragment`, at);
        out[key] = r.string();
        continue;
      }
      if (code === f.attributes.length + 1 + n + 1) return out;
      if (code !== f.attributes.length + 1 + n + 2) throw new ExiError('UNSUPPORTED_EVENT', `event code ${code} in the relaxed fragment of ${el.key}`, at);
      out[CONTENT] = r.string();
      const ee = r.bits(f.w1);
      if (ee !== n + 1) throw new ExiError('UNSUPPORTED_EVENT', `event code ${ee} after the content of ${el.key}`, r.bitPosition - f.w1);
      return out;
    }
  }

  private begin(bytes: Uint8Array): BitReader {
    if (!(bytes instanceof Uint8Array)) throw new ExiError('INVALID_VALUE', 'input must be bytes (Uint8Array)');
    if (bytes.length > this.maxBytes) throw new ExiError('LIMIT_EXCEEDED', `${bytes.length} bytes exceed the ${this.maxBytes}-byte limit`, 0);
    const r = reader;
    r.init(bytes);
    const h = r.bits(8);
    if (h !== 0x80) {
      const why =
        (h & 0xc0) !== 0x80 ? 'no EXI distinguishing bits (a $EXI cookie is not allowed)' : h & 0x20 ? 'EXI options are present' : 'unsupported EXI version';
      throw new ExiError('BAD_HEADER', `header byte 0x${h.toString(16).padStart(2, '0')}: ${why}`, 0);
    }
    return r;
  }

  /** Zero bytes after the padding are tolerated (real chargers send them); anything else is an error. */
  private end(r: BitReader): void {
    if (!r.atEnd && !r.restIsZero())
      throw new ExiError('TRAILING_DATA', `${Math.floor(r.bitsLeft / 8)} bytes after the end of the document`, r.bitPosition);
  }
}

function withRoot(e: unknown, root: string): unknown {
  if (!(e instanceof ExiError)) return e;
  return new ExiError(e.code, e.detail, e.bitPosition, e.path ? `${root}/${e.path}` : root);
}

function single(doc: object, what: string): [string, ExiValue] {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new ExiError('INVALID_VALUE', `a ${what} is an object with one root element`);
  const o = doc as ExiObject;
  const keys = Object.keys(o);
  if (keys.length !== 1) throw new ExiError('INVALID_VALUE', `a ${what} has exactly one root element, got ${keys.length}`);
  return [keys[0]!, o[keys[0]!]!];
}
