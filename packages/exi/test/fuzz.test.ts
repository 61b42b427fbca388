// Fuzz: mutated EXI streams (bit flips, byte changes, truncation at every length, insertions,
// deletions, huge length fields, 0xff runs, random bytes) fed to every codec. The oracle: decode
// returns a value or throws an ExiError with a documented code and a bit position, and whatever
// decodes re-encodes (the encoder takes every value the decoder produces) and decodes back to the
// same value.
// Nothing else may escape: no TypeError, RangeError, stack overflow, hang or huge allocation.
// Seeded (mulberry32, support/random-message.ts), so a failure names an input that reproduces it.
import { readFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codecIds, getCodec, isExiError, type ExiCodec, type ExiErrorCode, type ExiObject } from '../src/index.js';
import { prng, randomDocument } from './support/random-message.js';

const CODES: readonly ExiErrorCode[] = [
  'TRUNCATED',
  'BAD_HEADER',
  'UNSUPPORTED_EVENT',
  'INVALID_VALUE',
  'INVALID_CONTENT',
  'TRAILING_DATA',
  'LIMIT_EXCEEDED',
  'UNKNOWN_ELEMENT',
];
/** mutated inputs per codec (the systematic mutations count towards it) */
const BUDGET = 30_000;
/** seeds larger than this get sampled instead of exhaustive bit-level mutations */
const SMALL = 96;
/** one call taking this long counts as a hang */
const SLOW_MS = 250;

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const fromHex = (h: string): Uint8Array => new Uint8Array(Buffer.from(h, 'hex'));

// ------------------------------------------------------------------ seeds

interface Vector {
  schema: string;
  hex: string;
  message: string;
}
const published = JSON.parse(readFileSync(new URL('./vectors/published.json', import.meta.url), 'utf8')) as Vector[];
const publishedFragments = JSON.parse(readFileSync(new URL('./vectors/published-fragments.json', import.meta.url), 'utf8')) as {
  hex: string;
  message: string;
}[];

/** A real SupportedAppProtocolReq (ISO 15118-2 and DIN offered). */
const APPHAND_REQ = '8000dbab9371d3234b71d1b981899189d191818991d26b9b3a232b30020000040040';

const handWritten: Record<string, ExiObject[]> = {
  apphand: [{ supportedAppProtocolRes: { ResponseCode: 'OK_SuccessfulNegotiation', SchemaID: 1 } }],
  iso2: [
    {
      V2G_Message: {
        Header: { SessionID: '4a1f93c07e2bd568' },
        Body: {
          CurrentDemandReq: {
            DC_EVStatus: { EVReady: true, EVErrorCode: 'NO_ERROR', EVRESSSOC: 57 },
            EVTargetCurrent: { Multiplier: -1, Unit: 'A', Value: 1250 },
            EVMaximumVoltageLimit: { Multiplier: -1, Unit: 'V', Value: 4500 },
            ChargingComplete: false,
            EVTargetVoltage: { Multiplier: -1, Unit: 'V', Value: 4020 },
          },
        },
      },
    },
    {
      V2G_Message: {
        Header: { SessionID: '4a1f93c07e2bd568' },
        Body: { SessionSetupRes: { ResponseCode: 'OK_NewSessionEstablished', EVSEID: 'DE*ABC*E12345*1', EVSETimeStamp: 1735689600 } },
      },
    },
  ],
  'iso20-dc': [
    {
      DC_ChargeLoopRes: {
        Header: { SessionID: '4a1f93c07e2bd568', TimeStamp: 1735689600 },
        ResponseCode: 'OK',
        EVSEPresentCurrent: { Exponent: -1, Value: -2480 },
        EVSEPresentVoltage: { Exponent: -1, Value: 4008 },
        EVSEPowerLimitAchieved: false,
        EVSECurrentLimitAchieved: false,
        EVSEVoltageLimitAchieved: false,
        MeterInfo: { MeterID: 'METER-1', ChargedEnergyReadingWh: 123456, MeterSignature: 'a1b2c3d4' },
        BPT_Dynamic_DC_CLResControlMode: {
          EVSEMaximumChargePower: { Exponent: 3, Value: 150 },
          EVSEMinimumChargePower: { Exponent: 3, Value: 0 },
          EVSEMaximumChargeCurrent: { Exponent: -1, Value: 2000 },
          EVSEMaximumVoltage: { Exponent: -1, Value: 5000 },
          EVSEMaximumDischargePower: { Exponent: 3, Value: 11 },
          EVSEMinimumDischargePower: { Exponent: 3, Value: 0 },
          EVSEMaximumDischargeCurrent: { Exponent: -1, Value: 300 },
          EVSEMinimumVoltage: { Exponent: -1, Value: 1500 },
        },
      },
    },
  ],
};

/** Roots worth fuzzing: V2G_Message for -2 / DIN, the Req/Res messages otherwise. */
function messageRoots(codec: ExiCodec): string[] {
  const all = codec.rootElements;
  if (all.includes('V2G_Message')) return ['V2G_Message'];
  const msgs = all.filter((r) => /(Req|Res)$/.test(r));
  return msgs.length ? msgs : all;
}

/** A few valid encoded messages per codec: published vectors, hand-written and random ones. */
function seedsFor(id: string): Uint8Array[] {
  const codec = getCodec(id);
  const seeds: Uint8Array[] = [];
  const add = (b: Uint8Array): void => {
    if (b.length <= 600 && !seeds.some((s) => hex(s) === hex(b))) seeds.push(b);
  };
  if (id === 'apphand') add(fromHex(APPHAND_REQ));
  for (const doc of handWritten[id] ?? []) add(codec.encode(doc));
  // published vectors: different message types, the larger ones that still get exhaustive mutations
  const seen = new Set<string>();
  for (const v of published.filter((x) => x.schema === id && x.hex.length <= 2 * SMALL).sort((a, b) => b.hex.length - a.hex.length)) {
    if (seen.has(v.message) || seen.size >= 4) continue;
    try {
      const b = fromHex(v.hex);
      codec.decode(b);
      seen.add(v.message);
      add(b);
    } catch {
      // a vector the codec rejects (decode-error oracle) is no seed
    }
  }
  // random valid documents fill up codecs with few or no published vectors
  const rnd = prng(0x5eed ^ id.length);
  const roots = messageRoots(codec);
  for (let i = 0; seeds.length < 7 && i < 60; i++) {
    try {
      const root = roots[Math.floor(rnd() * roots.length)]!;
      add(codec.encode(randomDocument(codec.tables, rnd, root, { maxLength: 6, maxRepeat: 2 })));
    } catch {
      // a root that needs wildcard content has no JSON form: pick another
    }
  }
  return seeds;
}

// ------------------------------------------------------------------ mutations

const getBit = (b: Uint8Array, i: number): number => (b[i >> 3]! >> (7 - (i & 7))) & 1;

/** Replaces `remove` bits at bit offset `at` with the bits of `insert` (nbits of them). */
function spliceBits(src: Uint8Array, at: number, remove: number, insert: Uint8Array, nbits = insert.length * 8): Uint8Array {
  const total = src.length * 8 - remove + nbits;
  const out = new Uint8Array(Math.ceil(total / 8));
  let o = 0;
  const put = (bit: number): void => {
    if (bit) out[o >> 3]! |= 0x80 >> (o & 7);
    o++;
  };
  for (let i = 0; i < at; i++) put(getBit(src, i));
  for (let i = 0; i < nbits; i++) put(getBit(insert, i));
  for (let i = at + remove; i < src.length * 8; i++) put(getBit(src, i));
  return out;
}

/** Length fields no message can satisfy: 2^28-1 and beyond 2^53. */
const HUGE = [fromHex('ffffff7f'), fromHex('ffffffffffffffff7f'), fromHex('ffffffffffffffffffffffff01')];

function* systematic(seed: Uint8Array): Generator<Uint8Array> {
  for (let n = 0; n < seed.length; n++) yield seed.subarray(0, n);
  if (seed.length > SMALL) return;
  const bits = seed.length * 8;
  for (let i = 8; i < bits; i++) {
    const b = seed.slice();
    b[i >> 3]! ^= 0x80 >> (i & 7);
    yield b;
  }
  // a huge length field at every bit offset, over the content and inserted into it
  for (let i = 8; i < bits; i++) {
    yield spliceBits(seed, i, Math.min(32, bits - i), HUGE[0]!);
    yield spliceBits(seed, i, 0, HUGE[0]!);
  }
}

function randomMutation(seed: Uint8Array, rnd: () => number, others: readonly Uint8Array[]): Uint8Array {
  const int = (n: number): number => Math.floor(rnd() * n);
  const rbytes = (n: number): Uint8Array => Uint8Array.from({ length: n }, () => int(256));
  const bits = seed.length * 8;
  const at = 8 + int(Math.max(1, bits - 8));
  switch (int(12)) {
    case 0: {
      const b = seed.slice();
      for (let k = 1 + int(4); k > 0; k--) {
        const i = 8 + int(Math.max(1, bits - 8));
        if (i < bits) b[i >> 3]! ^= 0x80 >> (i & 7);
      }
      return b;
    }
    case 1: {
      const b = seed.slice();
      if (b.length > 1) b[1 + int(b.length - 1)] = int(256);
      return b;
    }
    case 2: // insert random bytes at a bit offset
      return spliceBits(seed, Math.min(at, bits), 0, rbytes(1 + int(8)));
    case 3: // delete a range of bits
      return spliceBits(seed, Math.min(at, bits), Math.min(1 + int(64), Math.max(0, bits - at)), new Uint8Array(0));
    case 4: // a run of 0xff over the content
      return spliceBits(seed, Math.min(at, bits), Math.min(8 * (1 + int(16)), Math.max(0, bits - at)), new Uint8Array(1 + int(16)).fill(0xff));
    case 5: // a run of 0xff inserted
      return spliceBits(seed, Math.min(at, bits), 0, new Uint8Array(1 + int(32)).fill(0xff));
    case 6: {
      const huge = HUGE[int(HUGE.length)]!;
      return spliceBits(seed, Math.min(at, bits), rnd() < 0.5 ? 0 : Math.min(huge.length * 8, Math.max(0, bits - at)), huge);
    }
    case 7: // random bytes behind a valid header
      return Uint8Array.of(0x80, ...rbytes(int(64)));
    case 8: // random bytes behind the first byte of the message
      return Uint8Array.of(...seed.subarray(0, 2), ...rbytes(int(48)));
    case 9: {
      // crossover: the head of this seed, the tail of another (at bit granularity)
      const other = others[int(others.length)]!;
      const cut = 8 + int(Math.max(1, other.length * 8 - 8));
      const tail = spliceBits(other, 0, Math.min(cut, other.length * 8), new Uint8Array(0));
      const cutAt = Math.min(at, bits);
      return spliceBits(seed, cutAt, bits - cutAt, tail, Math.max(0, other.length * 8 - cut));
    }
    case 10: // append bytes
      return Uint8Array.of(...seed, ...rbytes(1 + int(8)));
    default: {
      // a few of everything
      let b = seed;
      for (let k = 1 + int(3); k > 0 && b.length > 1; k--) {
        const i = 8 + int(b.length * 8 - 8);
        b = rnd() < 0.5 ? spliceBits(b, i, Math.min(8, b.length * 8 - i), rbytes(1)) : spliceBits(b, i, 0, rbytes(1 + int(3)));
      }
      return b;
    }
  }
}

// ------------------------------------------------------------------ oracle

interface Outcome {
  ok: number;
  codes: Partial<Record<ExiErrorCode, number>>;
  failures: string[];
}

function describeError(e: unknown): string {
  return e instanceof Error ? `${e.constructor.name}: ${e.message.slice(0, 160)}` : `non-Error thrown: ${String(e)}`;
}

function expectedExiError(e: unknown, decoding: boolean, len: number): string | undefined {
  if (!isExiError(e)) return describeError(e);
  if (!CODES.includes(e.code)) return `undocumented code ${String(e.code)}`;
  if (typeof e.bitPosition !== 'number' || !Number.isInteger(e.bitPosition)) return `bitPosition ${String(e.bitPosition)}`;
  if (decoding && (e.bitPosition < 0 || e.bitPosition > len * 8)) return `bitPosition ${e.bitPosition} outside 0..${len * 8}`;
  return undefined;
}

function check(codec: ExiCodec, input: Uint8Array, out: Outcome, fragment = false): void {
  const fail = (what: string): void => {
    if (out.failures.length < 20) out.failures.push(`${codec.id} ${fragment ? 'decodeFragment' : 'decode'} ${hex(input)}: ${what}`);
  };
  const t0 = performance.now();
  let value: ExiObject;
  try {
    value = fragment ? codec.decodeFragment(input) : codec.decode(input);
  } catch (e) {
    const bad = expectedExiError(e, true, input.length);
    if (bad) fail(bad);
    else out.codes[(e as { code: ExiErrorCode }).code] = (out.codes[(e as { code: ExiErrorCode }).code] ?? 0) + 1;
    if (performance.now() - t0 > SLOW_MS) fail(`took ${Math.round(performance.now() - t0)} ms`);
    return;
  }
  if (performance.now() - t0 > SLOW_MS) fail(`took ${Math.round(performance.now() - t0)} ms`);
  out.ok++;
  // whatever decodes must encode again (or be refused with an ExiError) and decode to itself
  // (an ExiError here is a failure too: the encoder must take what the decoder produces)
  let again: Uint8Array;
  try {
    again = fragment ? codec.encodeFragment(value) : codec.encode(value);
  } catch (e) {
    fail(`re-encode: ${expectedExiError(e, false, 0) ?? describeError(e)}`);
    return;
  }
  try {
    const back = fragment ? codec.decodeFragment(again) : codec.decode(again);
    if (!isDeepStrictEqual(back, value)) fail(`re-encoded as ${hex(again)}, which decodes to a different value`);
  } catch (e) {
    fail(`re-encoded as ${hex(again)}, which does not decode: ${describeError(e)}`);
  }
}

// ------------------------------------------------------------------ tests

describe('fuzz: mutated streams end in a value or an ExiError', () => {
  // Stack traces are never looked at here, and capturing them (vitest raises the limit) is most of
  // the time an error takes: without them the fuzzer gets through twice the inputs.
  let stackTraceLimit = Error.stackTraceLimit;
  beforeAll(() => {
    stackTraceLimit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
  });
  afterAll(() => {
    Error.stackTraceLimit = stackTraceLimit;
  });

  it.each(codecIds)('%s', (id) => {
    const codec = getCodec(id);
    const seeds = seedsFor(id);
    expect(seeds.length).toBeGreaterThanOrEqual(2);
    const out: Outcome = { ok: 0, codes: {}, failures: [] };
    let n = 0;
    for (const seed of seeds) {
      for (const m of systematic(seed)) {
        check(codec, m, out);
        n++;
      }
    }
    const rnd = prng(0x15118 + id.length * 7919 + id.charCodeAt(id.length - 1));
    while (n < BUDGET) {
      const seed = seeds[Math.floor(rnd() * seeds.length)]!;
      check(codec, randomMutation(seed, rnd, seeds), out);
      n++;
    }
    // the seeds themselves are fine, and the codec still works after all that
    for (const seed of seeds) expect(hex(codec.encode(codec.decode(seed)))).toBe(hex(seed));
    if (process.env.FUZZ_STATS)
      console.log(`${id}: ${n} inputs from seeds of ${seeds.map((s) => s.length).join('/')} bytes; ${out.ok} decoded;`, out.codes);
    expect(out.failures).toEqual([]);
    // the fuzzer reaches both outcomes and more than one kind of error
    expect(out.ok).toBeGreaterThan(0);
    expect(Object.keys(out.codes).length).toBeGreaterThanOrEqual(3);
  });

  it('fragments (signature input) of iso2, iso20-cm and xmldsig', () => {
    const out: Outcome = { ok: 0, codes: {}, failures: [] };
    const pairs: [ExiCodec, Uint8Array][] = [];
    for (const f of publishedFragments) {
      if (f.hex.length > 2 * 600) continue;
      for (const id of ['iso2', 'iso20-cm', 'xmldsig']) {
        const codec = getCodec(id);
        try {
          codec.decodeFragment(fromHex(f.hex));
          pairs.push([codec, fromHex(f.hex)]);
        } catch {
          // not a fragment of this codec
        }
      }
    }
    expect(pairs.length).toBeGreaterThan(0);
    const rnd = prng(0xf7a6);
    const seeds = pairs.map((p) => p[1]);
    for (const [codec, seed] of pairs) for (let n = 0; n < seed.length; n++) check(codec, seed.subarray(0, n), out, true);
    for (let n = 0; n < 5_000; n++) {
      const [codec, seed] = pairs[Math.floor(rnd() * pairs.length)]!;
      check(codec, randomMutation(seed, rnd, seeds), out, true);
    }
    expect(out.failures).toEqual([]);
  });
});
