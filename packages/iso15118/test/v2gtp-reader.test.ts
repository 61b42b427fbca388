import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import {
  V2GTP_PAYLOAD_TYPES,
  V2gtpError,
  V2gtpPayloadType,
  V2gtpReader,
  encodeV2gtp,
  readV2gtpMessages,
} from '../src/v2gtp/index.js';
import type { V2gtpDecodeOptions, V2gtpMessage } from '../src/v2gtp/index.js';

interface Plain {
  payloadType: number;
  payload: number[];
}

const plain = (m: V2gtpMessage): Plain => ({ payloadType: m.payloadType, payload: Array.from(m.payload) });

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Tiny deterministic PRNG (mulberry32) so failures reproduce. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Feeds `chunks` and collects everything; fails the test on an unexpected error. */
function feedAll(chunks: readonly Uint8Array[], options?: V2gtpDecodeOptions): Plain[] {
  const reader = new V2gtpReader(options);
  const out: Plain[] = [];
  for (const c of chunks) {
    const { messages, error } = reader.push(c);
    expect(error).toBeUndefined();
    out.push(...messages.map(plain));
  }
  expect(reader.end()).toBeUndefined();
  expect(reader.bufferedLength).toBe(0);
  return out;
}

function splitAt(bytes: Uint8Array, cuts: readonly number[]): Uint8Array[] {
  const points = [0, ...[...cuts].sort((a, b) => a - b), bytes.length];
  const chunks: Uint8Array[] = [];
  for (let i = 1; i < points.length; i++) chunks.push(bytes.subarray(points[i - 1], points[i]));
  return chunks;
}

function badHeader(version: number, inverse: number, type: number, length: number): Uint8Array {
  const bytes = new Uint8Array(8);
  const view = new DataView(bytes.buffer);
  view.setUint8(0, version);
  view.setUint8(1, inverse);
  view.setUint16(2, type);
  view.setUint32(4, length);
  return bytes;
}

const sample: Plain[] = [
  { payloadType: V2gtpPayloadType.Exi, payload: [0x80, 0x00, 0xdb, 0xab, 0x93, 0x71, 0x40] },
  { payloadType: V2gtpPayloadType.CommonMessages, payload: [] },
  { payloadType: V2gtpPayloadType.DcMessages, payload: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13] },
  { payloadType: V2gtpPayloadType.SdpRequest, payload: [0x00, 0x00] },
];
const sampleWire = concat(sample.map((m) => encodeV2gtp(m.payloadType as V2gtpPayloadType, Uint8Array.from(m.payload))));

describe('V2gtpReader reassembly', () => {
  it('round-trips every payload type, one message per chunk', () => {
    const msgs = V2GTP_PAYLOAD_TYPES.map((t, i) => ({ payloadType: t, payload: [i, 0xff - i, t & 0xff] }));
    const chunks = msgs.map((m) => encodeV2gtp(m.payloadType, Uint8Array.from(m.payload)));
    expect(feedAll(chunks)).toEqual(msgs);
  });

  it('decodes many messages joined in one chunk', () => {
    expect(feedAll([sampleWire])).toEqual(sample);
    const many = Array.from({ length: 500 }, (_, i) => ({ payloadType: V2gtpPayloadType.Exi, payload: [i & 0xff] }));
    const wire = concat(many.map((m) => encodeV2gtp(m.payloadType, Uint8Array.from(m.payload))));
    expect(feedAll([wire])).toEqual(many);
  });

  it('reassembles when split at every byte offset', () => {
    for (let cut = 0; cut <= sampleWire.length; cut++) {
      expect(feedAll(splitAt(sampleWire, [cut]))).toEqual(sample);
    }
  });

  it('reassembles when split at every pair of offsets', () => {
    for (let a = 0; a <= sampleWire.length; a++) {
      for (let b = a; b <= sampleWire.length; b++) {
        expect(feedAll(splitAt(sampleWire, [a, b]))).toEqual(sample);
      }
    }
  });

  it('reassembles when fed one byte at a time', () => {
    expect(feedAll(splitAt(sampleWire, Array.from({ length: sampleWire.length - 1 }, (_, i) => i + 1)))).toEqual(
      sample,
    );
  });

  it('returns a zero-copy view when a message lies inside one chunk, a copy when it spans chunks', () => {
    const reader = new V2gtpReader();
    const { messages } = reader.push(sampleWire);
    for (const m of messages) if (m.payload.length > 0) expect(m.payload.buffer).toBe(sampleWire.buffer);

    const wire = encodeV2gtp(V2gtpPayloadType.Exi, Uint8Array.from([1, 2, 3, 4]));
    const r2 = new V2gtpReader();
    expect(r2.push(wire.subarray(0, 10)).messages).toEqual([]);
    const [spanned] = r2.push(wire.subarray(10)).messages;
    expect(Array.from(spanned!.payload)).toEqual([1, 2, 3, 4]);
    expect(spanned!.payload.buffer).not.toBe(wire.buffer);
  });

  it('accepts Node Buffers and ignores empty chunks', () => {
    const reader = new V2gtpReader();
    expect(reader.push(new Uint8Array(0))).toEqual({ messages: [], error: undefined });
    const { messages } = reader.push(Buffer.from(sampleWire));
    expect(messages.map(plain)).toEqual(sample);
  });

  it('property: random chunking of random messages (seeded PRNG)', () => {
    const rand = prng(15118);
    const int = (n: number) => Math.floor(rand() * n);
    for (let round = 0; round < 300; round++) {
      const msgs: Plain[] = Array.from({ length: 1 + int(8) }, () => ({
        payloadType: V2GTP_PAYLOAD_TYPES[int(V2GTP_PAYLOAD_TYPES.length)]!,
        payload: Array.from({ length: int(4) === 0 ? int(3000) : int(40) }, () => int(256)),
      }));
      const wire = concat(msgs.map((m) => encodeV2gtp(m.payloadType as V2gtpPayloadType, Uint8Array.from(m.payload))));
      const cuts = Array.from({ length: int(20) }, () => int(wire.length + 1));
      expect(feedAll(splitAt(wire, cuts))).toEqual(msgs);
    }
  });

  it('property: random chunking of random messages (fast-check)', () => {
    const message = fc.record({
      payloadType: fc.constantFrom(...V2GTP_PAYLOAD_TYPES),
      payload: fc.uint8Array({ maxLength: 300 }),
    });
    fc.assert(
      fc.property(fc.array(message, { minLength: 1, maxLength: 10 }), fc.array(fc.nat()), (msgs, rawCuts) => {
        const wire = concat(msgs.map((m) => encodeV2gtp(m.payloadType, m.payload)));
        const cuts = rawCuts.map((c) => c % (wire.length + 1));
        expect(feedAll(splitAt(wire, cuts))).toEqual(msgs.map((m) => ({ payloadType: m.payloadType, payload: Array.from(m.payload) })));
      }),
      { seed: 15118, numRuns: 200 },
    );
  });
});

describe('V2gtpReader header errors', () => {
  it.each([
    ['INCORRECT_VERSION', badHeader(0x02, 0xfd, 0x8001, 1)],
    ['INVALID_INVERSE_VERSION', badHeader(0x01, 0x00, 0x8001, 1)],
    ['INVALID_PAYLOAD_TYPE', badHeader(0x01, 0xfe, 0x1234, 1)],
    ['INVALID_PAYLOAD_TYPE', badHeader(0x01, 0xfe, 0xa000, 1)],
    ['MESSAGE_TOO_LARGE', badHeader(0x01, 0xfe, 0x8001, 0xffffffff)],
  ] as const)('%s is reported, not thrown, and is sticky', (code, bad) => {
    const reader = new V2gtpReader();
    // a valid message before the bad header in the same chunk is still delivered
    const good = encodeV2gtp(V2gtpPayloadType.Exi, Uint8Array.from([7]));
    const result = reader.push(concat([good, bad, good]));
    expect(result.messages.map(plain)).toEqual([{ payloadType: 0x8001, payload: [7] }]);
    expect(result.error).toBeInstanceOf(V2gtpError);
    expect(result.error?.code).toBe(code);
    expect(reader.error).toBe(result.error);
    expect(reader.bufferedLength).toBe(0); // buffered data released

    // stays failed: later (even valid) input is not parsed
    expect(reader.push(good)).toEqual({ messages: [], error: result.error });
    expect(reader.end()).toBe(result.error);
  });

  it('detects a bad header split across chunks once its 8 bytes are in', () => {
    const reader = new V2gtpReader();
    const bad = badHeader(0x01, 0xfe, 0x8001, 0xffffffff);
    for (let i = 0; i < 7; i++) expect(reader.push(bad.subarray(i, i + 1)).error).toBeUndefined();
    expect(reader.push(bad.subarray(7)).error?.code).toBe('MESSAGE_TOO_LARGE');
  });

  it('rejects an absurd length (0xFFFFFFFF) without allocating for it', () => {
    // Even when the caller allows the full wire range, nothing is allocated
    // up front: the payload is only assembled once it has fully arrived.
    const reader = new V2gtpReader({ maxPayloadLength: 0xffffffff });
    const before = process.memoryUsage().arrayBuffers;
    const r = reader.push(concat([badHeader(0x01, 0xfe, 0x8001, 0xffffffff), new Uint8Array(1000)]));
    expect(r).toEqual({ messages: [], error: undefined });
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(1 << 20);
    expect(reader.bufferedLength).toBe(1000);
    expect(reader.end()?.code).toBe('TRUNCATED');

    // With the default limit it is refused from the header alone.
    const strict = new V2gtpReader();
    expect(strict.push(badHeader(0x01, 0xfe, 0x8001, 0xffffffff)).error?.code).toBe('MESSAGE_TOO_LARGE');
  });

  it('enforces a configurable maximum payload length', () => {
    const reader = new V2gtpReader({ maxPayloadLength: 4 });
    expect(reader.push(encodeV2gtp(V2gtpPayloadType.Exi, new Uint8Array(4))).messages).toHaveLength(1);
    expect(reader.push(encodeV2gtp(V2gtpPayloadType.Exi, new Uint8Array(5))).error?.code).toBe('MESSAGE_TOO_LARGE');
  });

  it('restricts accepted payload types, e.g. only EXI (0x8001) for ISO 15118-2 / DIN', () => {
    const reader = new V2gtpReader({ acceptedPayloadTypes: [V2gtpPayloadType.Exi] });
    expect(reader.push(encodeV2gtp(V2gtpPayloadType.Exi, new Uint8Array(2))).messages).toHaveLength(1);
    const r = reader.push(encodeV2gtp(V2gtpPayloadType.CommonMessages, new Uint8Array(2)));
    expect(r.error?.code).toBe('INVALID_PAYLOAD_TYPE');
  });

  it('end() reports TRUNCATED for a cut-off header or payload, nothing for a clean stream', () => {
    const cutHeader = new V2gtpReader();
    cutHeader.push(sampleWire.subarray(0, 5));
    expect(cutHeader.end()?.code).toBe('TRUNCATED');

    const cutPayload = new V2gtpReader();
    cutPayload.push(sampleWire.subarray(0, 9));
    expect(cutPayload.end()?.code).toBe('TRUNCATED');
    expect(cutPayload.push(sampleWire.subarray(9)).error?.code).toBe('TRUNCATED');

    expect(new V2gtpReader().end()).toBeUndefined();
  });
});

describe('readV2gtpMessages', () => {
  async function* chunksOf(parts: readonly Uint8Array[]): AsyncGenerator<Uint8Array> {
    for (const p of parts) yield p;
  }

  it('yields messages from an async byte stream', async () => {
    const out: Plain[] = [];
    for await (const m of readV2gtpMessages(chunksOf(splitAt(sampleWire, [3, 11, 20])))) out.push(plain(m));
    expect(out).toEqual(sample);
  });

  it('rejects with a V2gtpError after yielding the valid messages', async () => {
    const out: Plain[] = [];
    const source = chunksOf([sampleWire, badHeader(0x01, 0xfe, 0x8001, 0xffffffff)]);
    await expect(async () => {
      for await (const m of readV2gtpMessages(source)) out.push(plain(m));
    }).rejects.toMatchObject({ name: 'V2gtpError', code: 'MESSAGE_TOO_LARGE' });
    expect(out).toEqual(sample);
  });

  it('rejects with TRUNCATED when the stream ends mid-message', async () => {
    const source = chunksOf([sampleWire.subarray(0, sampleWire.length - 1)]);
    await expect(async () => {
      for await (const _ of readV2gtpMessages(source)) {
        // drain
      }
    }).rejects.toMatchObject({ code: 'TRUNCATED' });
  });
});
