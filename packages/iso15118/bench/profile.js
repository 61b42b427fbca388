// CPU profiles of the benchmark's measurement windows (`run.js --profile`), and where their time
// goes: each sample is charged to the nearest frame on its stack that belongs to a known part of
// the stack (the EXI codec, the ISO 15118 cores, V2GTP/transport, the SECC/EVCC shells, tracing,
// Node's TLS and sockets, the event loop), so builtins and native calls (JSON, crypto, writev)
// count for the JS code that called them. Time the V8 profiler cannot attribute to a JS frame
// (libuv polling, OpenSSL decrypting a record before its 'data' event, the syscalls) is
// "native (program)".
//
//   node packages/iso15118/bench/profile.js FILE.cpuprofile…   prints the breakdown of each file
import { writeFileSync, readFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Starts sampling this process (1 sample / 200 µs); the returned function stops and writes `file`. */
export async function startProfile() {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 200 });
  await session.post('Profiler.start');
  return async (file) => {
    const { profile } = await session.post('Profiler.stop');
    session.disconnect();
    writeFileSync(file, JSON.stringify(profile));
    return file;
  };
}

/** [category, test on a frame's url/function] in order: the first that matches wins. */
const CATEGORIES = [
  ['EXI codec', (u) => u.includes('/packages/exi/')],
  ['tracing', (u) => u.includes('/packages/trace/') || u.includes('/pino')],
  ['ISO 15118 core', (u) => /\/packages\/iso15118\/(dist|src)\/(iso2|din|app-protocol|timing)/.test(u)],
  ['V2GTP + connection', (u) => /\/packages\/iso15118\/(dist|src)\/(v2gtp|transport)/.test(u)],
  ['SECC/EVCC shell', (u) => /\/packages\/(evse|ev)\/(dist|src)\//.test(u)],
  ['bench harness', (u) => u.includes('/packages/iso15118/bench/')],
  ['TLS (node)', (u) => /^node:(_tls|tls|internal\/tls)/.test(u)],
  ['sockets/streams (node)', (u) => /^node:(net|stream|internal\/(stream|streams\/|net))/.test(u)],
  ['event loop: promises, timers', (u) => /^node:internal\/(process\/task_queues|timers|async_hooks|promise)|^node:timers/.test(u)],
  ['other node internals', (u) => u.startsWith('node:')],
];

/**
 * Breaks a V8 CPU profile down by category.
 * @returns {{ totalMs: number, busyMs: number, categories: Record<string, number>, top: { fn: string, where: string, ms: number }[] }}
 */
export function summarizeProfile(profile) {
  const byId = new Map();
  const parent = new Map();
  for (const n of profile.nodes) byId.set(n.id, n);
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const memo = new Map();
  /** the category of a node: its own if its url is known, else its caller's */
  const categorize = (id) => {
    const cached = memo.get(id);
    if (cached !== undefined) return cached;
    const n = byId.get(id);
    const fn = n.callFrame.functionName;
    let cat;
    if (fn === '(idle)') cat = 'idle';
    else if (fn === '(garbage collector)') cat = 'garbage collector';
    else if (fn === '(program)') cat = 'native (program)';
    else if (fn === '(root)') cat = 'native (program)';
    else {
      const url = n.callFrame.url;
      const hit = url ? CATEGORIES.find(([, test]) => test(url)) : undefined;
      if (hit) cat = hit[0];
      else if (url) cat = 'other JS';
      else {
        const p = parent.get(id);
        cat = p === undefined ? 'native (program)' : categorize(p);
        if (cat === 'native (program)') cat = 'builtins, no JS caller';
      }
    }
    memo.set(id, cat);
    return cat;
  };
  /** the nearest frame with a url (or a V8 pseudo-frame) on the stack: builtins fold into their caller */
  const ownerMemo = new Map();
  const owner = (id) => {
    let o = ownerMemo.get(id);
    if (o !== undefined) return o;
    const cf = byId.get(id).callFrame;
    const p = parent.get(id);
    o = cf.url || cf.functionName.startsWith('(') || p === undefined ? id : owner(p);
    ownerMemo.set(id, o);
    return o;
  };
  const categories = {};
  const self = new Map();
  let totalUs = 0;
  const { samples, timeDeltas } = profile;
  for (let i = 0; i < samples.length; i++) {
    // timeDeltas[i] is the time before sample i; charge it to the sample that follows the gap
    const us = timeDeltas[i + 1] ?? 0;
    totalUs += us;
    const cat = categorize(samples[i]);
    categories[cat] = (categories[cat] ?? 0) + us / 1000;
    const o = owner(samples[i]);
    self.set(o, (self.get(o) ?? 0) + us / 1000);
  }
  const idle = categories.idle ?? 0;
  const fns = new Map();
  for (const [id, ms] of self) {
    const cf = byId.get(id).callFrame;
    if (cf.functionName === '(idle)') continue;
    const where = cf.url ? `${cf.url.replace(/^.*\/packages\//, '').replace(/^file:\/\//, '')}:${cf.lineNumber + 1}` : '';
    const key = `${cf.functionName || '(anonymous)'}\t${where}`;
    fns.set(key, (fns.get(key) ?? 0) + ms);
  }
  const top = [...fns]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 12)
    .map(([k, ms]) => {
      const [fn, where] = k.split('\t');
      return { fn, where, ms: Math.round(ms * 10) / 10 };
    });
  for (const k of Object.keys(categories)) categories[k] = Math.round(categories[k] * 10) / 10;
  return { totalMs: Math.round(totalUs / 100) / 10, busyMs: Math.round((totalUs / 1000 - idle) * 10) / 10, categories, top };
}

/** Text lines for a summary: share of busy time per category, then the top functions. */
export function formatSummary(title, s) {
  const lines = [`${title}: ${s.busyMs} ms busy of ${s.totalMs} ms sampled`];
  const cats = Object.entries(s.categories)
    .filter(([k]) => k !== 'idle')
    .sort((a, b) => b[1] - a[1]);
  for (const [k, ms] of cats) if (ms > 0) lines.push(`  ${k.padEnd(30)} ${String(ms.toFixed(1)).padStart(8)} ms  ${((100 * ms) / Math.max(1e-9, s.busyMs)).toFixed(1).padStart(5)} %`);
  lines.push('  top self time (with builtins/native called from there):');
  for (const f of s.top.slice(0, 8)) lines.push(`    ${f.ms.toFixed(1).padStart(8)} ms  ${f.fn} ${f.where}`);
  return lines;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const files = process.argv.slice(2);
  if (files.length === 0) {
    console.error('usage: node packages/iso15118/bench/profile.js FILE.cpuprofile…');
    process.exit(2);
  }
  for (const f of files) console.log(formatSummary(path.basename(f), summarizeProfile(JSON.parse(readFileSync(f, 'utf8')))).join('\n'));
}
