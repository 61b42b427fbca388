// Property: random valid messages of every type of every codec round-trip exactly:
// decode(encode(m)) equals m, and encoding the decoded message gives the same bytes.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { codecIds, getCodec } from '../src/index.js';
import { prng, randomDocument, Unrepresentable } from './support/random-message.js';

/** False for elements whose content model needs wildcard content (xmldsig SignatureProperty, Object…). */
function representable(id: string, root: string): boolean {
  try {
    for (let i = 0; i < 20; i++) randomDocument(getCodec(id).tables, prng(i), root);
    return true;
  } catch (e) {
    if (e instanceof Unrepresentable) return false;
    throw e;
  }
}

/** Message roots worth exercising: the V2G_Message wrapper, or every -20/SAP message element. */
function roots(id: string): string[] {
  const all = getCodec(id).rootElements;
  if (all.includes('V2G_Message')) return ['V2G_Message'];
  const messages = all.filter((r) => /(Req|Res)$/.test(r));
  return (messages.length ? messages : all).filter((r) => representable(id, r));
}

describe.each(codecIds)('%s: random valid messages round-trip', (id) => {
  const codec = getCodec(id);
  it.each(roots(id))('%s', (root) => {
    fc.assert(
      fc.property(fc.integer(), (seed) => {
        const rnd = prng(seed);
        const doc = randomDocument(codec.tables, rnd, root, { unicode: seed % 3 === 0, maxRepeat: 1 + (seed & 3) });
        const bytes = codec.encode(doc);
        expect(bytes[0]).toBe(0x80);
        const back = codec.decode(bytes);
        expect(back).toEqual(doc);
        expect(Buffer.from(codec.encode(back)).equals(Buffer.from(bytes))).toBe(true);
      }),
      { numRuns: id.startsWith('iso') || id === 'din' ? 60 : 200, seed: 0x15118 },
    );
  });
});

describe('fragments', () => {
  it.each(['iso2', 'iso20-cm', 'xmldsig', 'din'])('%s: every fragment-capable element round-trips as a fragment', (id) => {
    const codec = getCodec(id);
    const rnd = prng(7);
    const keys = codec.fragmentElements;
    for (const [i, el] of codec.tables.fragment.elements.entries()) {
      if (el.type < 0) continue;
      let doc;
      try {
        doc = { [keys[i]!]: randomDocument({ ...codec.tables, document: { w: 0, elements: [el] } }, rnd, el.key)[el.key]! };
      } catch (e) {
        if (e instanceof Unrepresentable) continue;
        throw e;
      }
      const bytes = codec.encodeFragment(doc);
      expect(codec.decodeFragment(bytes)).toEqual(doc);
    }
  });
});
