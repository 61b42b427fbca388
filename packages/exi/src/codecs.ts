// The codec registry: one ExiCodec per generated schema set, built on first use.
import { catalog, type CatalogEntry, type CodecDocuments } from './generated/catalog.js';
import { ExiCodec } from './runtime/codec.js';
import { ExiError } from './runtime/errors.js';

const cache = new Map<string, ExiCodec>();

/** Codec ids: apphand, din, iso2, iso2-scale, xmldsig, iso20-cm, iso20-ac, iso20-dc, iso20-wpt, iso20-acdp, iso20-ac-scale, iso20-dc-scale. */
export const codecIds: readonly string[] = catalog.map((c) => c.id);

export function codecInfo(id: string): CatalogEntry | undefined {
  return catalog.find((c) => c.id === id);
}

/** The codec of a schema set, typed by its generated document type (`Iso2Document`, …). */
export function getTypedCodec<K extends keyof CodecDocuments>(id: K): ExiCodec<CodecDocuments[K]> {
  return getCodec(id) as unknown as ExiCodec<CodecDocuments[K]>;
}

/** The codec of a schema set, with the untyped JSON form. */
export function getCodec(id: string): ExiCodec {
  let c = cache.get(id);
  if (!c) {
    const entry = codecInfo(id);
    if (!entry) throw new ExiError('UNKNOWN_ELEMENT', `unknown EXI codec '${id}' (one of ${codecIds.join(', ')})`);
    c = new ExiCodec(entry.tables);
    cache.set(id, c);
  }
  return c;
}
