// EXI codec benchmark: ns per encode / decode of realistic ISO 15118-2 and -20 messages, next to
// the libcbv2g (C) figures measured on the same machine.
//
//   node packages/exi/bench/run.js [--check] [--json] [--quick]
//
//   --check  exit 1 when any ratio ours/C exceeds 2 (otherwise the exit code is 0: it is a report)
//   --json   print the results as JSON instead of a table
//   --quick  fewer, shorter batches (a smoke run; figures are noisier)
//
// Runs against the built package (../dist), so build first: `pnpm exec tsc -b`.
import { deepStrictEqual } from 'node:assert/strict';
import os from 'node:os';
import { getCodec } from '../dist/index.js';
import { messages } from './messages.js';

const args = new Set(process.argv.slice(2));
for (const a of args) {
  if (!['--check', '--json', '--quick'].includes(a)) {
    console.error(`unknown option ${a}\nusage: node packages/exi/bench/run.js [--check] [--json] [--quick]`);
    process.exit(2);
  }
}
const quick = args.has('--quick');
const TARGET_RATIO = 2;
const WARMUP = quick ? 5_000 : 20_000;
const BATCHES = quick ? 3 : 7;
/** each batch runs at least this long (ns) ... */
const BATCH_NS = quick ? 50e6 : 200e6;
/** ... with an iteration count in this range */
const MIN_ITER = quick ? 2_000 : 20_000;
const MAX_ITER = 2_000_000;

/** keeps results alive so the engine cannot drop the work */
let sink = 0;

function timeLoop(fn, n) {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) if (fn() === undefined) sink++;
  return Number(process.hrtime.bigint() - t0);
}

/** Median ns/op over BATCHES batches, after a warm-up and a (warm) calibration run that sizes them. */
function measure(fn) {
  timeLoop(fn, WARMUP);
  const calibration = Math.max(1000, WARMUP >> 2);
  const est = timeLoop(fn, calibration) / calibration;
  const iter = Math.min(MAX_ITER, Math.max(MIN_ITER, Math.ceil((1.2 * BATCH_NS) / est)));
  const per = [];
  let shortest = Infinity;
  for (let b = 0; b < BATCHES; b++) {
    const ns = timeLoop(fn, iter);
    shortest = Math.min(shortest, ns);
    per.push(ns / iter);
  }
  per.sort((a, b) => a - b);
  return { median: per[per.length >> 1], min: per[0], max: per[per.length - 1], iterations: iter, shortestBatchMs: shortest / 1e6 };
}

// Round-trip first: a benchmark of a codec that gets the message wrong would be meaningless.
const prepared = messages.map((m) => {
  const codec = getCodec(m.codec);
  const bytes = codec.encode(m.doc);
  const back = codec.decode(bytes);
  try {
    deepStrictEqual(back, m.doc);
  } catch (e) {
    console.error(`${m.name}: decode(encode(msg)) differs from msg\n${e.message}`);
    process.exit(1);
  }
  const again = codec.encode(back);
  if (Buffer.compare(Buffer.from(again), Buffer.from(bytes)) !== 0) {
    console.error(`${m.name}: re-encoding the decoded message gives different bytes`);
    process.exit(1);
  }
  return { ...m, codec, bytes };
});

const started = Date.now();
const results = [];
for (const m of prepared) {
  const { codec, doc, bytes } = m;
  const enc = measure(() => codec.encode(doc));
  const dec = measure(() => codec.decode(bytes));
  results.push({
    message: m.name,
    codec: m.codec.id,
    bytes: bytes.length,
    encodeNs: Math.round(enc.median),
    decodeNs: Math.round(dec.median),
    encodeSpreadNs: [Math.round(enc.min), Math.round(enc.max)],
    decodeSpreadNs: [Math.round(dec.min), Math.round(dec.max)],
    iterations: { encode: enc.iterations, decode: dec.iterations },
    shortestBatchMs: round2(Math.min(enc.shortestBatchMs, dec.shortestBatchMs)),
    cEncodeNs: m.c.encode,
    cDecodeNs: m.c.decode,
    encodeRatio: round2(enc.median / m.c.encode),
    decodeRatio: round2(dec.median / m.c.decode),
  });
}
const seconds = (Date.now() - started) / 1000;
/** widest batch spread, (slowest - fastest) / median: a noisy machine shows here */
const spread = Math.max(
  ...results.flatMap((r) => [(r.encodeSpreadNs[1] - r.encodeSpreadNs[0]) / r.encodeNs, (r.decodeSpreadNs[1] - r.decodeSpreadNs[0]) / r.decodeNs]),
);
const load = os.loadavg()[0];
const worst = Math.max(...results.flatMap((r) => [r.encodeRatio, r.decodeRatio]));
const ok = worst <= TARGET_RATIO;

function round2(x) {
  return Math.round(x * 100) / 100;
}

if (args.has('--json')) {
  console.log(
    JSON.stringify(
      {
        node: process.version,
        cpu: os.cpus()[0]?.model ?? 'unknown',
        cores: os.cpus().length,
        warmup: WARMUP,
        batches: BATCHES,
        seconds,
        loadAverage: round2(load),
        maxBatchSpread: round2(spread),
        targetRatio: TARGET_RATIO,
        worstRatio: worst,
        ok,
        results,
      },
      null,
      2,
    ),
  );
} else {
  const head = ['message', 'codec', 'bytes', 'enc ns', 'C enc', 'enc ×C', 'dec ns', 'C dec', 'dec ×C'];
  const rows = results.map((r) => [
    r.message,
    r.codec,
    String(r.bytes),
    String(r.encodeNs),
    String(r.cEncodeNs),
    r.encodeRatio.toFixed(2),
    String(r.decodeNs),
    String(r.cDecodeNs),
    r.decodeRatio.toFixed(2),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells) => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  console.log(`EXI codec benchmark — node ${process.version}, ${os.cpus()[0]?.model ?? 'unknown cpu'} (${os.cpus().length} cores)`);
  console.log(`median of ${BATCHES} batches after ${WARMUP} warm-up iterations; C = libcbv2g on the reference machine\n`);
  console.log(line(head));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows) console.log(line(r));
  console.log(`\nworst ratio ${worst.toFixed(2)} (target ≤ ${TARGET_RATIO}): ${ok ? 'OK' : 'ABOVE TARGET'} — ${seconds.toFixed(1)} s`);
  console.log(`batches differ by up to ${Math.round(spread * 100)}%; load average ${load.toFixed(2)} on ${os.cpus().length} cores${load > 0.5 ? ' (other work on the machine: figures are noisy)' : ''}`);
}
if (sink === -1) console.log('unreachable');
process.exit(args.has('--check') && !ok ? 1 : 0);
