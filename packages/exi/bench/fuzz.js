// Long-running EXI fuzzer (manual; the test suite runs a short one in packages/exi/test/fuzz.test.ts).
//
//   node packages/exi/bench/fuzz.js [--seconds N] [--schema id[,id…]] [--seed S] [--hang-ms N]
//
// Mutates valid messages (published vectors, the benchmark messages, random valid documents)
// with bit flips, byte changes, truncation, insertion, deletion, huge length fields, 0xff runs,
// crossover and random bytes, and feeds them to decode. The oracle: decode returns a value or
// throws an ExiError with a documented code; a decoded value re-encodes and decodes to itself.
// Anything else (TypeError, RangeError, a hang, running out of memory) is a failure, reported
// with the input as hex. The fuzzing runs in a worker thread that the main thread watches: a
// call that does not return within --hang-ms, or that exhausts the worker's heap, is reported
// with the input that caused it. Exit code 1 when anything failed.
//
// Runs against the built package (../dist), so build first: `pnpm exec tsc -b`.
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { isDeepStrictEqual } from 'node:util';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { codecIds, getCodec, isExiError, CONTENT } from '../dist/index.js';
import { EV } from '../dist/runtime/grammar.js';
import { messages } from './messages.js';

const CODES = ['TRUNCATED', 'BAD_HEADER', 'UNSUPPORTED_EVENT', 'INVALID_VALUE', 'INVALID_CONTENT', 'TRAILING_DATA', 'LIMIT_EXCEEDED', 'UNKNOWN_ELEMENT'];
/** largest mutated input; the shared buffer holds the current input for post-mortems */
const MAX_INPUT = 1 << 16;

// ------------------------------------------------------------------ main thread

function usage(msg) {
  if (msg) console.error(msg);
  console.error('usage: node packages/exi/bench/fuzz.js [--seconds N] [--schema id[,id…]] [--seed S] [--hang-ms N]');
  console.error(`schemas: ${codecIds.join(', ')}`);
  process.exit(2);
}

function parseArgs(argv) {
  const o = { seconds: 60, schemas: [...codecIds], seed: 1, hangMs: 5000 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const val = () => (i + 1 < argv.length ? argv[++i] : usage(`${a} needs a value`));
    if (a === '--seconds') o.seconds = Number(val());
    else if (a === '--schema') o.schemas = val().split(',');
    else if (a === '--seed') o.seed = Number(val()) >>> 0;
    else if (a === '--hang-ms') o.hangMs = Number(val());
    else if (a === '--help' || a === '-h') usage();
    else usage(`unknown option ${a}`);
  }
  if (!(o.seconds > 0)) usage('--seconds must be positive');
  for (const s of o.schemas) if (!codecIds.includes(s)) usage(`unknown schema ${s}`);
  return o;
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const shared = new SharedArrayBuffer(16 + MAX_INPUT);
  const meta = new Int32Array(shared, 0, 4); // [calls, input length, schema index, phase]
  const input = new Uint8Array(shared, 16);
  const worker = new Worker(new URL(import.meta.url), {
    workerData: { ...opts, shared },
    resourceLimits: { maxOldGenerationSizeMb: 512 },
  });
  let stats = null;
  const failures = new Map();
  let done = false;
  let crash = null;
  worker.on('message', (m) => {
    if (m.type === 'stats') stats = m.stats;
    else if (m.type === 'failure') addFailure(failures, m.failure);
    else if (m.type === 'done') {
      stats = m.stats;
      done = true;
    }
  });
  worker.on('error', (e) => {
    crash = e;
  });
  const exited = new Promise((resolve) => worker.once('exit', resolve));

  console.log(`fuzzing ${opts.schemas.join(', ')} for ${opts.seconds} s (seed ${opts.seed})`);
  const started = Date.now();
  let lastCalls = -1;
  let lastChange = Date.now();
  let lastReport = Date.now();
  while (!done && !crash) {
    const ended = await Promise.race([exited.then(() => true), sleep(250).then(() => false)]);
    if (ended) break;
    const calls = Atomics.load(meta, 0);
    if (calls !== lastCalls) {
      lastCalls = calls;
      lastChange = Date.now();
    } else if (Date.now() - lastChange > (calls === 0 ? Math.max(30_000, opts.hangMs) : opts.hangMs)) {
      addFailure(failures, { ...current(meta, input, opts), error: `no progress for ${opts.hangMs} ms (hang)` });
      await worker.terminate();
      break;
    }
    if (Date.now() - lastReport >= 10_000 && stats) {
      lastReport = Date.now();
      const total = Object.values(stats).reduce((n, s) => n + s.inputs, 0);
      console.log(`  ${((Date.now() - started) / 1000).toFixed(0)} s: ${total} inputs, ${failures.size} distinct failures`);
    }
  }
  if (crash) addFailure(failures, { ...current(meta, input, opts), error: `worker died: ${crash.code ?? ''} ${crash.message}` });
  await exited;
  report(stats ?? {}, failures, (Date.now() - started) / 1000);
  process.exit(failures.size ? 1 : 0);
}

function current(meta, input, opts) {
  const len = Atomics.load(meta, 1);
  return { schema: opts.schemas[Atomics.load(meta, 2)] ?? '?', phase: ['decode', 're-encode', 're-decode'][Atomics.load(meta, 3)], hex: Buffer.from(input.subarray(0, len)).toString('hex') };
}

/** One entry per kind of failure (numbers masked), keeping the shortest input. */
function addFailure(failures, f) {
  const key = `${f.schema}|${f.phase}|${f.error.replace(/\d+/g, 'N').slice(0, 120)}`;
  const old = failures.get(key);
  if (!old || f.hex.length < old.hex.length) failures.set(key, { ...f, count: (old?.count ?? 0) + 1 });
  else old.count++;
}

function report(stats, failures, seconds) {
  const schemas = Object.keys(stats);
  const cols = ['inputs', 'decoded', ...CODES];
  const short = { inputs: 'inputs', decoded: 'decoded', TRUNCATED: 'TRUNC', BAD_HEADER: 'HEADER', UNSUPPORTED_EVENT: 'EVENT', INVALID_VALUE: 'VALUE', INVALID_CONTENT: 'CONTENT', TRAILING_DATA: 'TRAIL', LIMIT_EXCEEDED: 'LIMIT', UNKNOWN_ELEMENT: 'UNKNOWN' };
  const rows = schemas.map((s) => [s, ...cols.map((c) => String(c === 'inputs' ? stats[s].inputs : c === 'decoded' ? stats[s].ok : (stats[s].codes[c] ?? 0)))]);
  const total = ['total', ...cols.map((_, i) => String(rows.reduce((n, r) => n + Number(r[i + 1]), 0)))];
  const head = ['schema', ...cols.map((c) => short[c])];
  const all = [head, ...rows, total];
  const widths = head.map((_, i) => Math.max(...all.map((r) => r[i].length)));
  const line = (r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  console.log(`\n${total[1]} inputs in ${seconds.toFixed(1)} s (${Math.round(Number(total[1]) / seconds)}/s); error codes per schema:\n`);
  console.log(line(head));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows) console.log(line(r));
  console.log(line(total));
  const slowest = schemas.map((s) => stats[s].slowest).filter(Boolean).sort((a, b) => b.ms - a.ms)[0];
  if (slowest) console.log(`\nslowest call: ${slowest.ms.toFixed(2)} ms (${slowest.schema}, ${slowest.hex.length / 2} bytes${slowest.ms > 10 ? `: ${slowest.hex}` : ''})`);
  if (!failures.size) {
    console.log('\nno failures: every input decoded or ended in an ExiError, and every decoded value round-tripped');
    return;
  }
  console.log(`\n${failures.size} distinct failures:`);
  for (const f of failures.values()) console.log(`\n  [${f.schema}] ${f.phase}: ${f.error} (${f.count}×)\n  input: ${f.hex}`);
}

// ------------------------------------------------------------------ worker

function runWorker({ seconds, schemas, seed, shared }) {
  const meta = new Int32Array(shared, 0, 4);
  const inputBuf = new Uint8Array(shared, 16);
  const rnd = mulberry32(seed);
  const per = schemas.map((id) => {
    const codec = getCodec(id);
    return { id, codec, seeds: seedsFor(codec, rnd), queue: [], stats: { inputs: 0, ok: 0, codes: {}, slowest: null } };
  });
  for (const p of per) for (const s of p.seeds) p.queue.push(systematic(s));
  const stats = () => Object.fromEntries(per.map((p) => [p.id, p.stats]));
  const deadline = Date.now() + seconds * 1000;
  let lastPost = Date.now();
  let calls = 0;

  for (let round = 0; Date.now() < deadline; round++) {
    for (let k = 0; k < per.length; k++) {
      const p = per[k];
      for (let j = 0; j < 200; j++) {
        let input;
        // systematic mutations of each seed first, then random ones
        while (p.queue.length && input === undefined) {
          const r = p.queue[0].next();
          if (r.done) p.queue.shift();
          else input = r.value;
        }
        input ??= randomMutation(p.seeds[Math.floor(rnd() * p.seeds.length)], rnd, p.seeds);
        if (input.length > MAX_INPUT) input = input.subarray(0, MAX_INPUT);
        inputBuf.set(input);
        Atomics.store(meta, 1, input.length);
        Atomics.store(meta, 2, k);
        check(p, input, meta);
        Atomics.store(meta, 0, ++calls);
      }
    }
    if (Date.now() - lastPost > 1000) {
      lastPost = Date.now();
      parentPort.postMessage({ type: 'stats', stats: stats() });
    }
  }
  parentPort.postMessage({ type: 'done', stats: stats() });
}

function check(p, input, meta) {
  const { codec, stats } = p;
  const hex = () => Buffer.from(input).toString('hex');
  const fail = (phase, error) => parentPort.postMessage({ type: 'failure', failure: { schema: p.id, phase, error, hex: hex() } });
  stats.inputs++;
  Atomics.store(meta, 3, 0);
  const t0 = performance.now();
  let value;
  try {
    value = codec.decode(input);
  } catch (e) {
    const bad = notExiError(e, input.length);
    if (bad) fail('decode', bad);
    else stats.codes[e.code] = (stats.codes[e.code] ?? 0) + 1;
    value = undefined;
  }
  const ms = performance.now() - t0;
  if (!stats.slowest || ms > stats.slowest.ms) stats.slowest = { ms, schema: p.id, hex: hex() };
  if (value === undefined) return;
  stats.ok++;
  Atomics.store(meta, 3, 1);
  let again;
  try {
    again = codec.encode(value);
  } catch (e) {
    fail('re-encode', describe(e));
    return;
  }
  Atomics.store(meta, 3, 2);
  try {
    if (!isDeepStrictEqual(codec.decode(again), value)) fail('re-decode', `re-encoded as ${Buffer.from(again).toString('hex')}, which decodes to a different value`);
  } catch (e) {
    fail('re-decode', `re-encoded as ${Buffer.from(again).toString('hex')}: ${describe(e)}`);
  }
}

function describe(e) {
  return e instanceof Error ? `${e.constructor.name}: ${e.message.split('\n')[0].slice(0, 200)}` : `non-Error thrown: ${String(e)}`;
}

function notExiError(e, len) {
  if (!isExiError(e)) return describe(e);
  if (!CODES.includes(e.code)) return `undocumented code ${e.code}: ${e.message}`;
  if (!Number.isInteger(e.bitPosition) || e.bitPosition < 0 || e.bitPosition > len * 8) return `bitPosition ${e.bitPosition} outside 0..${len * 8}: ${e.message}`;
  return undefined;
}

// ------------------------------------------------------------------ seeds

function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

let published;

function seedsFor(codec, rnd) {
  const seeds = [];
  const seen = new Set();
  const add = (b) => {
    const h = Buffer.from(b).toString('hex');
    if (b.length <= 2048 && !seen.has(h)) {
      seen.add(h);
      seeds.push(Uint8Array.from(b)); // a copy, and not a Buffer: Buffer#slice would not copy
    }
  };
  if (codec.id === 'apphand') add(Buffer.from('8000dbab9371d3234b71d1b981899189d191818991d26b9b3a232b30020000040040', 'hex'));
  for (const m of messages) if (m.codec === codec.id) add(codec.encode(m.doc));
  published ??= JSON.parse(readFileSync(new URL('../test/vectors/published.json', import.meta.url), 'utf8'));
  for (const v of published) {
    if (v.schema !== codec.id) continue;
    try {
      const b = Buffer.from(v.hex, 'hex');
      codec.decode(b);
      add(b);
    } catch {
      // a vector the codec refuses is no seed
    }
  }
  const all = codec.rootElements;
  const roots = all.includes('V2G_Message') ? ['V2G_Message'] : all.filter((r) => /(Req|Res)$/.test(r));
  for (let i = 0, n = 0; n < 30 && i < 300; i++) {
    try {
      const root = (roots.length ? roots : all)[Math.floor(rnd() * (roots.length || all.length))];
      add(codec.encode({ [root]: randomElement(codec.tables, codec.tables.document.elements.find((e) => e.key === root).type, rnd, 0) }));
      n++;
    } catch {
      // wildcard content has no JSON form
    }
  }
  return seeds;
}

/** A random valid element: a walk through the grammar that picks an allowed production at each state. */
function randomElement(tables, typeId, rnd, depth) {
  const int = (n) => Math.floor(rnd() * n);
  const g = tables.types[typeId];
  if (g.simple) return randomValue(g.content, rnd);
  const obj = {};
  let s = 0;
  let count = 0;
  for (let guard = 0; guard < 1000; guard++) {
    const st = g.states[s];
    let prods = st.p;
    if (st.loop) {
      if (count < st.loop.min && st.loop.below) prods = st.loop.below.p;
      else if (st.loop.max >= 0 && count >= st.loop.max && st.loop.atMax) prods = st.loop.atMax.p;
    }
    const usable = prods.filter((p) => p[0] !== EV.SE_ANY && p[0] !== EV.CH_MIXED);
    if (!usable.length) throw new Error('wildcard content');
    const leave = usable.filter((p) => p[2] !== s);
    const pick = (count >= 3 || depth > 10) && leave.length ? (leave.find((p) => p[0] === EV.EE) ?? leave[int(leave.length)]) : usable[int(usable.length)];
    if (pick[0] === EV.SE) {
      const e = g.elems[pick[1]];
      const v = randomElement(tables, e.type, rnd, depth + 1);
      if (e.array) (obj[e.key] ??= []).push(v);
      else obj[e.key] = v;
      count = pick[2] === s ? count + 1 : 1;
    } else if (pick[0] === EV.AT) obj[g.attrs[pick[1]].key] = randomValue(g.attrs[pick[1]].dt, rnd);
    else if (pick[0] === EV.CH) obj[CONTENT] = randomValue(g.content, rnd);
    else return obj;
    s = pick[2];
  }
  throw new Error(`random walk did not end in ${g.name}`);
}

function randomValue(dt, rnd) {
  const int = (n) => Math.floor(rnd() * n);
  switch (dt.t) {
    case 'bool':
      return rnd() < 0.5;
    case 'enum':
      return dt.values[int(dt.values.length)];
    case 'nbit':
      return dt.min + int(2 ** dt.n);
    case 'uint':
      return int(Math.min(typeof dt.max === 'number' ? dt.max + 1 : 2 ** 32, rnd() < 0.5 ? 128 : 2 ** 32));
    case 'int': {
      const lo = typeof dt.min === 'number' ? dt.min : -(2 ** 31);
      const hi = typeof dt.max === 'number' ? dt.max : 2 ** 31;
      return Math.max(lo, Math.min(hi, int(65536) - 32768)) || 0;
    }
    case 'string':
      return Array.from({ length: int(12) }, () => String.fromCharCode(rnd() < 0.1 ? 0xe0 + int(30) : 0x21 + int(94))).join('');
    default:
      return Array.from({ length: int(12) }, () => int(256).toString(16).padStart(2, '0')).join('');
  }
}

// ------------------------------------------------------------------ mutations

function getBit(b, i) {
  return (b[i >> 3] >> (7 - (i & 7))) & 1;
}

/** Replaces `remove` bits at bit offset `at` with the first `nbits` bits of `insert`. */
function spliceBits(src, at, remove, insert, nbits = insert.length * 8) {
  const total = src.length * 8 - remove + nbits;
  const out = new Uint8Array(Math.ceil(total / 8));
  let o = 0;
  const put = (bit) => {
    if (bit) out[o >> 3] |= 0x80 >> (o & 7);
    o++;
  };
  for (let i = 0; i < at; i++) put(getBit(src, i));
  for (let i = 0; i < nbits; i++) put(getBit(insert, i));
  for (let i = at + remove; i < src.length * 8; i++) put(getBit(src, i));
  return out;
}

const HUGE = ['ffffff7f', 'ffffffffffffffff7f', 'ffffffffffffffffffffffff01', '8180808001'].map((h) => Uint8Array.from(Buffer.from(h, 'hex')));

function* systematic(seed) {
  for (let n = 0; n < seed.length; n++) yield seed.subarray(0, n);
  const bits = seed.length * 8;
  for (let i = 8; i < bits; i++) {
    const b = seed.slice();
    b[i >> 3] ^= 0x80 >> (i & 7);
    yield b;
  }
  for (let i = 8; i < bits; i++) {
    for (const huge of HUGE) {
      yield spliceBits(seed, i, Math.min(huge.length * 8, bits - i), huge);
      yield spliceBits(seed, i, 0, huge);
    }
  }
}

function randomMutation(seed, rnd, others) {
  const int = (n) => Math.floor(rnd() * n);
  const rbytes = (n) => Uint8Array.from({ length: n }, () => int(256));
  const bits = seed.length * 8;
  const at = Math.min(bits, 8 + int(Math.max(1, bits - 8)));
  switch (int(13)) {
    case 0: {
      const b = seed.slice();
      for (let k = 1 + int(6); k > 0; k--) {
        const i = 8 + int(Math.max(1, bits - 8));
        if (i < bits) b[i >> 3] ^= 0x80 >> (i & 7);
      }
      return b;
    }
    case 1: {
      const b = seed.slice();
      for (let k = 1 + int(3); k > 0 && b.length > 1; k--) b[rnd() < 0.05 ? 0 : 1 + int(b.length - 1)] = [0, 0xff, 0x7f, 0x80, int(256)][int(5)];
      return b;
    }
    case 2:
      return spliceBits(seed, at, 0, rbytes(1 + int(16)));
    case 3:
      return spliceBits(seed, at, Math.min(1 + int(128), bits - at), new Uint8Array(0));
    case 4:
      return spliceBits(seed, at, Math.min(8 * (1 + int(32)), bits - at), new Uint8Array(1 + int(32)).fill(0xff));
    case 5:
      return spliceBits(seed, at, 0, new Uint8Array(1 + int(64)).fill(0xff));
    case 6: {
      const huge = HUGE[int(HUGE.length)];
      return spliceBits(seed, at, rnd() < 0.5 ? 0 : Math.min(huge.length * 8, bits - at), huge);
    }
    case 7:
      return Uint8Array.of(0x80, ...rbytes(int(256)));
    case 8:
      return Uint8Array.of(...seed.subarray(0, 1 + int(Math.min(seed.length, 8))), ...rbytes(int(128)));
    case 9: {
      const other = others[int(others.length)];
      const cut = 8 + int(Math.max(1, other.length * 8 - 8));
      const tail = spliceBits(other, 0, Math.min(cut, other.length * 8), new Uint8Array(0));
      return spliceBits(seed, at, bits - at, tail, Math.max(0, other.length * 8 - cut));
    }
    case 10:
      return Uint8Array.of(...seed, ...rbytes(1 + int(16)));
    case 11: {
      // duplicate a range of bits (repeated elements, loops)
      const len = Math.min(bits - at, 1 + int(256));
      const piece = spliceBits(seed.subarray(0, Math.ceil((at + len) / 8)), 0, at, new Uint8Array(0));
      return spliceBits(seed, at, 0, piece, len);
    }
    default: {
      let b = seed;
      for (let k = 1 + int(4); k > 0 && b.length > 1; k--) {
        const i = 8 + int(b.length * 8 - 8);
        b = rnd() < 0.5 ? spliceBits(b, i, Math.min(8, b.length * 8 - i), rbytes(1)) : spliceBits(b, i, 0, rbytes(1 + int(3)));
      }
      return b;
    }
  }
}

// ------------------------------------------------------------------ start (after every const above is initialised)

if (isMainThread) await main();
else runWorker(workerData);
