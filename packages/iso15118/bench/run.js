// ISO 15118-2 over TLS benchmark: the CurrentDemand round trip of one session next to a bare TLS
// ping-pong between two processes (the floor), and how many concurrent DC sessions one EVSE
// process and one EV process sustain with p99 under the 25 ms SECC performance time.
//
//   node packages/iso15118/bench/run.js [--check] [--json] [--quick] [--profile] [--ndjson]
//
//   --check    exit 1 when a target is missed (otherwise the exit code is 0: it is a report)
//   --json     print the results as JSON instead of a table
//   --quick    fewer round trips, two concurrency steps, short windows (a smoke run)
//   --profile  CPU-profile both processes (floor, one session, each concurrency window) and print
//              where the time goes; figures are a little worse while the profiler samples
//   --ndjson   both processes also write their trace as pino NDJSON to a temporary file, as a
//              deployed process does (by default the Tracer only feeds the bench's timing sink)
//
// Everything runs on ::1 over TLS 1.2 ECDHE-ECDSA-AES128-SHA256 on P-256 with a generated V2G
// PKI, the EV side in this process and the EVSE side in a child (child_process.fork):
//   0. machine: a 1 s busy loop counts the time this process was not running (other load);
//   1. one session, as layers, in interleaved blocks so that machine noise hits all alike:
//      floor      40-byte writes echoed by a bare TLS server (echo-server.js);
//      + V2GTP    V2gConnection on both sides, fixed CurrentDemand bytes (layer-server.js);
//      + EXI      the same with EXI decode/encode of CurrentDemandReq/Res on both sides;
//      full       SeccServer (evse-server.js) ↔ runEvccSession, loop delay 0 (back to back): the
//                 round trip is the EVCC's own measure, request handed to the socket → response
//                 received (the V2G_EVCC_Msg_Timeout timing of its trace events);
//      traced     the same, with both processes also writing every trace event as pino NDJSON to
//                 a file, as a deployed process does (back to back, this is the CPU cost of tracing);
//                 the same two processes as `full`, the file sinks switched on for these blocks only,
//                 so that the difference is tracing's and not that of another process;
//      paced, paced-traced  full and traced with the EV pausing 10 ms between CurrentDemand cycles,
//                 as a real charge loop does (every 100-250 ms): the overhead of tracing on the
//                 charge-loop round trip (p50 of paced-traced against paced, target under 10 %);
//      with the CPU time each process spends per round trip;
//   2. concurrency: N sessions each cycling CurrentDemand every 90–110 ms, N ramped up; per step
//      the p99 of that round trip at the EV (SECC processing + both sockets + both event loops)
//      and of the SECC's own request-received → response-sent time (its performance time). A
//      step that misses while other programs used > 15 % of a core is measured again (twice at most).
//
//   3. ISO 15118-20 (iso20.js): the DC_BPT DC_ChargeLoop round trip over TLS 1.3 with mutual
//      authentication on P-521, p50/p99, and how many concurrent -20 sessions keep the round-trip
//      p99 under the DC_ChargeLoop performance time (250 ms).
//
// See docs/iso15118-performance.md for the method and the figures on the reference machine.
//
// Runs against the built packages (../dist, ../../evse/dist, …), so build first: `pnpm exec tsc -b`.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import tls from 'node:tls';
import { runEvccSession } from '../../ev/dist/index.js';
import { getCodec } from '../../exi/dist/index.js';
import { Tracer, pinoSink } from '../../trace/dist/index.js';
import { TLS_ISO15118_2, V2gtpPayloadType, connectToSecc, generatePki, leafChainPem } from '../dist/index.js';
import { BenchEv } from './ports.js';
import { watchGc } from './gc.js';
import { spawnChild } from './children.js';
import { iso20Bench } from './iso20.js';
import { formatSummary, startProfile, summarizeProfile } from './profile.js';
import { percentiles } from './stats.js';

const OPTIONS = ['--check', '--json', '--quick', '--profile', '--ndjson'];
const args = new Set(process.argv.slice(2));
for (const a of args) {
  if (!OPTIONS.includes(a)) {
    console.error(`unknown option ${a}\nusage: node packages/iso15118/bench/run.js ${OPTIONS.map((o) => `[${o}]`).join(' ')}`);
    process.exit(2);
  }
}
const quick = args.has('--quick');
const profiling = args.has('--profile');
const json = args.has('--json');

const HOST = '::1';
/** the floor the issue gives for this machine (a bare 40-byte TLS 1.2 ping-pong), µs */
const ISSUE_FLOOR = { p50: 50, p99: 125 };
const TARGET = { p50RatioToFloor: 2, p99Ms: 1, sessions: 500, perfTimeMs: 25, tracingOverheadPct: 10 };

const STALL_PROBE_MS = quick ? 300 : 1000;
/** the EV's pause between CurrentDemand cycles in the paced variants, ms */
const PACED_LOOP_MS = 10;
const SINGLE = {
  rounds: quick ? 2 : 5,
  /** round trips per block and variant (full: CurrentDemand cycles of one session) */
  block: { floor: quick ? 1500 : 4000, v2gtp: quick ? 1000 : 2000, exi: quick ? 1000 : 2000, full: quick ? 1500 : 2000, traced: quick ? 1500 : 2000, paced: quick ? 150 : 300, 'paced-traced': quick ? 150 : 300 },
  /** round trips (CurrentDemand cycles) before measuring: the codec and the cores need ~10k to be fully optimised */
  warmup: quick ? 4000 : 10_000,
  /** round trips at the start of each block that are not counted: after switching variants the caches are cold */
  blockWarmup: 200,
};
const CONC = {
  steps: quick ? [100, 500] : [100, 200, 300, 500, 700, 1000, 1300, 1600, 2000, 2500, 3000],
  /** each session's CurrentDemand loop delay is drawn from this range, ms */
  cycleMs: [90, 110],
  windowMs: quick ? 1_500 : 4_000,
  settleMs: quick ? 300 : 700,
  /** new sessions are started in bursts of this many ... */
  launchBurst: 25,
  /** ... this far apart (ms), so that TLS handshakes do not starve the running sessions */
  launchEveryMs: 40,
  /** no new step once the whole bench has run this long (s) */
  budgetS: 100,
};
/** a missed concurrency window is measured again when other programs used more than this much of a core (%) */
const OTHER_LOAD_RETRY_PCT = 15;

const started = performance.now();
const profDir = profiling ? mkdtempSync(path.join(os.tmpdir(), 'v2xsim-bench-prof-')) : undefined;
const ndjsonDir = args.has('--ndjson') ? mkdtempSync(path.join(os.tmpdir(), 'v2xsim-bench-trace-')) : undefined;
/** the `traced` variant's NDJSON trace files (always written) */
const tracedDir = mkdtempSync(path.join(os.tmpdir(), 'v2xsim-bench-traced-'));
/** profile files by window and process */
const profiles = {};
const progress = (msg) => {
  if (!json) process.stderr.write(`  … ${msg}\n`);
};
const cpuUs = (u) => u.user + u.system;

// ---------------------------------------------------------------------------------------------
// children

const spawn = spawnChild;

// ---------------------------------------------------------------------------------------------
// 0. how much of the machine this process gets

/** Spins for `ms` and adds up the gaps (> 50 µs) in which this process did not run. */
function stallProbe(ms) {
  const t0 = performance.now();
  let last = t0;
  let stolen = 0;
  let longest = 0;
  for (;;) {
    const t = performance.now();
    const gap = t - last;
    if (gap > 0.05) {
      stolen += gap;
      longest = Math.max(longest, gap);
    }
    last = t;
    if (t - t0 >= ms) break;
  }
  return { probeMs: ms, stolenPct: round((100 * stolen) / (last - t0), 1), longestMs: round(longest, 2) };
}

/** All CPUs' busy and total time so far (Linux /proc/stat, in clock ticks), or undefined elsewhere. */
function machineTicks() {
  try {
    const cpu = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0].trim().split(/\s+/).slice(1).map(Number);
    const idle = cpu[3] + (cpu[4] ?? 0);
    const total = cpu.slice(0, 8).reduce((a, b) => a + b, 0);
    return { busy: total - idle, total };
  } catch {
    return undefined;
  }
}
/** clock ticks per second of /proc/stat (USER_HZ: 100 on every Linux build that matters) */
const USER_HZ = 100;

// ---------------------------------------------------------------------------------------------
// 1. one session, layer by layer

/** `count` bare round trips of `bytes` bytes on a TLS socket; ms each. */
function tlsPingPong(socket, count, bytes, out) {
  return new Promise((resolve) => {
    const payload = Buffer.alloc(bytes, 0x5a);
    let i = 0;
    let got = 0;
    let t0 = 0;
    const onData = (chunk) => {
      got += chunk.length;
      if (got < bytes) return;
      got -= bytes;
      out.push(performance.now() - t0);
      if (++i === count) {
        socket.off('data', onData);
        resolve();
        return;
      }
      t0 = performance.now();
      socket.write(payload);
    };
    socket.on('data', onData);
    t0 = performance.now();
    socket.write(payload);
  });
}

/** `count` V2GTP round trips on a V2gConnection, timed as the EVCC does; with `doc`, EXI-encoded each time and the answer decoded. */
async function v2gtpPingPong(conn, count, bytes, doc, out) {
  const codec = getCodec('iso2');
  for (let i = 0; i < count; i++) {
    const payload = doc ? codec.encode(doc) : bytes;
    const t0 = performance.now();
    await conn.send(V2gtpPayloadType.Exi, payload);
    const msg = await conn.receive({ timeoutMs: 250 });
    out.push(performance.now() - t0);
    if (doc && !codec.decode(msg.payload).V2G_Message) throw new Error('not a V2G_Message');
  }
}

async function startEvse(pki, name, dir = ndjsonDir) {
  const child = spawn('./evse-server.js');
  const ndjson = dir ? path.join(dir, `${name}-evse.ndjson`) : undefined;
  const { port } = await child.call({ type: 'start', host: HOST, key: pki.certificates.secc.keyPem, cert: leafChainPem(pki, 'secc'), ...(ndjson ? { ndjson } : {}) }, 'ready');
  return { child, port };
}

/** The EV side: one Tracer for every session, as in one EV process; a sink keeps the round trips. */
function evSide(name, dir = ndjsonDir) {
  const state = { measuring: false, rtt: [], last: {} };
  const sinks = [
    {
      write(event) {
        if (event.message === 'CurrentDemandReq' || event.message === 'CurrentDemandRes') state.last[event.message] = event.body;
        if (state.measuring && event.direction === 'rx' && event.message === 'CurrentDemandRes' && event.timing) state.rtt.push(event.timing.elapsedMs);
      },
    },
  ];
  if (dir) sinks.push(pinoSink(path.join(dir, `${name}-ev.ndjson`)));
  const tracer = new Tracer({ actor: 'ev', link: 'ev-evse', sinks });
  return { state, tracer };
}

function evccOptions(pki, port, tracer, ev, loopDelayMs) {
  return {
    ev,
    protocols: ['iso2'],
    host: HOST,
    port,
    tls: { ...TLS_ISO15118_2, ca: pki.certificates['v2g-root'].certPem },
    tracer,
    session: { ongoingDelayMs: 0, loopDelayMs },
  };
}

/** Profiles this process and a child (which must know 'profile-start'/'profile-stop') around `fn`. */
async function profiled(name, child, childRole, selfRole, fn) {
  if (!profiling) return fn();
  const selfFile = path.join(profDir, `${name}-${selfRole}.cpuprofile`);
  const childFile = path.join(profDir, `${name}-${childRole}.cpuprofile`);
  child.send({ type: 'profile-start' });
  const stop = await startProfile();
  const result = await fn();
  await stop(selfFile);
  await child.call({ type: 'profile-stop', file: childFile }, 'profiled');
  profiles[name] = { [selfRole]: selfFile, [childRole]: childFile };
  return result;
}

async function single(pki) {
  const ca = pki.certificates['v2g-root'].certPem;
  const serverCreds = { key: pki.certificates.secc.keyPem, cert: leafChainPem(pki, 'secc') };
  const variants = ['floor', 'v2gtp', 'exi', 'full', 'traced', 'paced', 'paced-traced'];
  const res = Object.fromEntries(variants.map((v) => [v, { rtt: [], evCpuUs: 0, evseCpuUs: 0, count: 0 }]));
  const seccSamples = [];
  /** GC pauses in both processes during the CurrentDemand blocks */
  const gc = { ev: { totalMs: 0, maxMs: 0, count: 0 }, evse: { totalMs: 0, maxMs: 0, count: 0 } };
  const addGc = (to, g) => {
    to.totalMs += g.totalMs;
    to.maxMs = Math.max(to.maxMs, g.maxMs);
    to.count += g.count;
  };

  // full stack: the EVSE process and a warm-up session, which also gives the CurrentDemand bodies
  const evse = await startEvse(pki, 'single');
  const { state, tracer } = evSide('single');
  const control = { stop: false };
  const warm = await runEvccSession(evccOptions(pki, evse.port, tracer, new BenchEv(control, SINGLE.warmup), 0));
  if (!warm.ok) throw new Error(`warm-up session failed: ${warm.error}`);
  // the traced variants: the same two processes with NDJSON file sinks switched on in both
  let tracedBlocks = 0;
  /** the EV side's file sink while switched on */
  let evFileSink;
  /** switches the NDJSON file sinks on (a new file per block) or off; returns when both are set */
  const ndjsonFiles = async (on) => {
    const n = on ? ++tracedBlocks : tracedBlocks;
    await Promise.all([
      evse.child.call({ type: 'ndjson', ...(on ? { file: path.join(tracedDir, `evse-${n}.ndjson`) } : {}) }, 'ndjson-set'),
      (async () => {
        if (evFileSink) {
          evFileSink.remove();
          await evFileSink.sink.close();
          evFileSink = undefined;
        }
        if (on) {
          const sink = pinoSink(path.join(tracedDir, `ev-${n}.ndjson`));
          evFileSink = { sink, remove: tracer.addSink(sink) };
        }
      })(),
    ]);
  };
  const plain = { evse, state, tracer };
  const stacks = { full: { ...plain, loopDelayMs: 0 }, traced: { ...plain, loopDelayMs: 0, ndjson: true }, paced: { ...plain, loopDelayMs: PACED_LOOP_MS }, 'paced-traced': { ...plain, loopDelayMs: PACED_LOOP_MS, ndjson: true } };
  const codec = getCodec('iso2');
  const reqDoc = state.last.CurrentDemandReq;
  const reqBytes = codec.encode(reqDoc);
  const resBytes = codec.encode(state.last.CurrentDemandRes);

  // the floor and the layers
  const echo = spawn('./echo-server.js');
  const { port: echoPort } = await echo.call({ type: 'start', host: HOST, ...serverCreds }, 'ready');
  const layers = spawn('./layer-server.js');
  const { v2gtpPort, exiPort } = await layers.call({ type: 'start', host: HOST, ...serverCreds, response: [...resBytes] }, 'ready');
  const socket = tls.connect({ ...TLS_ISO15118_2, host: HOST, port: echoPort, ca, checkServerIdentity: () => undefined, noDelay: true });
  await new Promise((resolve, reject) => {
    socket.once('secureConnect', resolve);
    socket.once('error', reject);
  });
  socket.setNoDelay(true);
  const floorTls = { protocol: socket.getProtocol(), cipher: socket.getCipher().standardName ?? socket.getCipher().name };
  const v2gtpConn = await connectToSecc({ host: HOST, port: v2gtpPort, tls: { ...TLS_ISO15118_2, ca } });
  const exiConn = await connectToSecc({ host: HOST, port: exiPort, tls: { ...TLS_ISO15118_2, ca } });
  const sink = [];
  await tlsPingPong(socket, SINGLE.warmup, 40, sink);
  await v2gtpPingPong(v2gtpConn, SINGLE.warmup, reqBytes, undefined, sink);
  await v2gtpPingPong(exiConn, SINGLE.warmup, reqBytes, reqDoc, sink);

  const run = {
    floor: (n, out) => tlsPingPong(socket, n, 40, out),
    v2gtp: (n, out) => v2gtpPingPong(v2gtpConn, n, reqBytes, undefined, out),
    exi: (n, out) => v2gtpPingPong(exiConn, n, reqBytes, reqDoc, out),
  };
  const peerOf = { floor: echo, v2gtp: layers, exi: layers };

  /** one block of a variant; its round trips and the CPU both processes spent on them */
  const block = async (v, lastRound) => {
    const r = res[v];
    const n = SINGLE.block[v];
    if (!(v in stacks)) {
      const peer = peerOf[v];
      const peerCpu0 = await peer.cpu();
      const cpu0 = process.cpuUsage();
      await run[v](SINGLE.blockWarmup, []);
      const go = () => run[v](n, r.rtt);
      if (lastRound && v === 'floor') await profiled('floor', echo, 'echo', 'client', go);
      else await go();
      r.evCpuUs += cpuUs(process.cpuUsage(cpu0));
      r.evseCpuUs += (await peer.cpu()) - peerCpu0;
      r.count += n;
      return;
    }
    // one session of blockWarmup + n CurrentDemand cycles; counted after the warm-up, to its end
    const { evse, state, tracer, loopDelayMs, ndjson } = stacks[v];
    if (ndjson) await ndjsonFiles(true);
    let cpu0;
    let gcStop;
    const ev = new BenchEv(control, SINGLE.blockWarmup + n, () => {
      if (ev.cycles === SINGLE.blockWarmup) {
        state.measuring = true;
        cpu0 = process.cpuUsage();
        gcStop = watchGc();
        evse.child.send({ type: 'window-start', profile: profiling && lastRound });
      }
    });
    state.rtt = r.rtt;
    const stop = profiling && lastRound ? await startProfile() : undefined;
    const summary = await runEvccSession(evccOptions(pki, evse.port, tracer, ev, loopDelayMs));
    state.measuring = false;
    r.evCpuUs += cpuUs(process.cpuUsage(cpu0));
    addGc(gc.ev, gcStop());
    const files = { ev: path.join(profDir ?? '', `single-${v}-ev.cpuprofile`), evse: path.join(profDir ?? '', `single-${v}-evse.cpuprofile`) };
    if (stop) await stop(files.ev);
    const w = await evse.child.call({ type: 'window-end', ...(stop ? { profileFile: files.evse } : {}) }, 'window');
    if (stop) profiles[v === 'full' ? 'single' : `single-${v}`] = files;
    if (ndjson) await ndjsonFiles(false);
    if (!summary.ok) throw new Error(`CurrentDemand session failed: ${summary.error}`);
    r.evseCpuUs += w.cpuMs * 1000;
    addGc(gc.evse, w.gc);
    r.count += n;
    if (v === 'full') for (const x of w.secc) seccSamples.push(x);
  };

  const ticks0 = machineTicks();
  const t0 = performance.now();
  /** CPU time of all four processes, µs */
  const ourCpu = async () => cpuUs(process.cpuUsage()) + (await echo.cpu()) + (await layers.cpu()) + (await evse.child.cpu());
  let ourCpuUs = -(await ourCpu());
  for (let round = 0; round < SINGLE.rounds; round++) {
    progress(`one session: round ${round + 1} of ${SINGLE.rounds}`);
    for (const v of variants) await block(v, round === SINGLE.rounds - 1);
  }
  ourCpuUs += await ourCpu();
  const ticks1 = machineTicks();
  const wallMs = performance.now() - t0;
  const otherLoadPct = ticks0 && ticks1 ? Math.round(Math.max(0, (((ticks1.busy - ticks0.busy) / USER_HZ) * 1e6 - ourCpuUs) / (wallMs * 1000)) * 100) : undefined;

  socket.destroy();
  await Promise.all([v2gtpConn.close(), exiConn.close()]);
  await Promise.all([echo.shutdown(), layers.shutdown(), evse.child.shutdown()]);
  await tracer.close();
  const out = {};
  for (const v of variants) {
    const r = res[v];
    out[v] = { ...percentiles(r.rtt), evCpuUs: r.evCpuUs / r.count, evseCpuUs: r.evseCpuUs / r.count };
  }
  return { tls: floorTls, bytes: { request: reqBytes.length, response: resBytes.length }, layers: out, secc: percentiles(seccSamples), otherLoadPct, gc };
}

// ---------------------------------------------------------------------------------------------
// 2. concurrency: N sessions at a realistic cycle, N ramped up

/** Window on the EVSE child and this process: CPU, loop delay, GC, the SECC's timing, other load, a profile. */
async function window(child) {
  const cpu0 = process.cpuUsage();
  const ticks0 = machineTicks();
  const t0 = performance.now();
  const loop = monitorEventLoopDelay({ resolution: 1 });
  loop.enable();
  const gcStop = watchGc();
  child.send({ type: 'window-start', loopDelay: true, profile: profiling });
  const stopSelf = profiling ? await startProfile() : undefined;
  return async (name) => {
    const evFile = profiling ? path.join(profDir, `${name}-ev.cpuprofile`) : undefined;
    const evseFile = profiling ? path.join(profDir, `${name}-evse.cpuprofile`) : undefined;
    if (stopSelf) await stopSelf(evFile);
    loop.disable();
    const gc = gcStop();
    const cpuMs = cpuUs(process.cpuUsage(cpu0)) / 1000;
    const wallMs = performance.now() - t0;
    const ticks1 = machineTicks();
    const evse = await child.call({ type: 'window-end', profileFile: evseFile }, 'window');
    if (profiling) profiles[name] = { ev: evFile, evse: evseFile };
    // CPU the rest of the machine used meanwhile, in % of one core
    const otherLoadPct = ticks0 && ticks1 ? Math.max(0, (((ticks1.busy - ticks0.busy) / USER_HZ) * 1000 - cpuMs - evse.cpuMs) / wallMs) * 100 : undefined;
    return { evse, otherLoadPct, ev: { cpuMs, wallMs, gc, loopDelayMs: { p50: loop.percentile(50) / 1e6, p99: loop.percentile(99) / 1e6, max: loop.max / 1e6 } } };
  };
}

async function concurrency(pki) {
  const { child, port } = await startEvse(pki, 'concurrency');
  const { state, tracer } = evSide('concurrency');
  const control = { stop: false };
  const sessions = [];
  let inLoop = 0;
  let failed = 0;
  const failures = [];
  const launch = () => {
    let first = true;
    const ev = new BenchEv(control, Infinity, () => {
      if (first) {
        first = false;
        inLoop++;
      }
    });
    const [lo, hi] = CONC.cycleMs;
    const p = runEvccSession(evccOptions(pki, port, tracer, ev, lo + Math.random() * (hi - lo))).then((s) => {
      if (!first) inLoop--;
      if (!s.ok || !control.stop) {
        failed++;
        if (failures.length < 5) failures.push(s.error ?? 'ended before the bench stopped it');
      }
      return s;
    });
    sessions.push(p);
  };

  const steps = [];
  for (const n of CONC.steps) {
    if ((performance.now() - started) / 1000 > CONC.budgetS) {
      progress(`time budget of ${CONC.budgetS} s used up: no more steps`);
      break;
    }
    progress(`${n} concurrent sessions`);
    const failedBefore = failed;
    const t0 = performance.now();
    while (sessions.length < n) {
      for (let i = 0; i < CONC.launchBurst && sessions.length < n; i++) launch();
      await sleep(CONC.launchEveryMs);
    }
    // every session in its CurrentDemand loop (or given up on)
    while (inLoop + failed < n && performance.now() - t0 < 60_000) await sleep(20);
    const setupS = (performance.now() - t0) / 1000;
    // a window in which other programs took more than OTHER_LOAD_RETRY_PCT of a core and the
    // step missed is measured again (up to twice): it is this stack that is measured, not them
    const noisyWindows = [];
    let step;
    for (;;) {
      await sleep(CONC.settleMs);
      state.rtt = [];
      state.measuring = true;
      const end = await window(child);
      await sleep(CONC.windowMs);
      state.measuring = false;
      const w = await end(`sessions-${n}`);
      const rtt = percentiles(state.rtt);
      const secc = percentiles(w.evse.secc);
      const newFailures = failed - failedBefore;
      step = {
        sessions: n,
        running: inLoop,
        failed: newFailures,
        setupS: round(setupS, 1),
        cyclesPerS: round((state.rtt.length / w.ev.wallMs) * 1000, 0),
        roundTripMs: rounded(rtt, 2),
        seccMs: rounded(secc, 2),
        evseCpu: round(w.evse.cpuMs / w.evse.wallMs, 2),
        evCpu: round(w.ev.cpuMs / w.ev.wallMs, 2),
        evseCpuUsPerCycle: Math.round((w.evse.cpuMs * 1000) / Math.max(1, state.rtt.length)),
        evCpuUsPerCycle: Math.round((w.ev.cpuMs * 1000) / Math.max(1, state.rtt.length)),
        evseLoopDelayMs: { p99: round(w.evse.loopDelayMs.p99, 1), max: round(w.evse.loopDelayMs.max, 1) },
        evLoopDelayMs: { p99: round(w.ev.loopDelayMs.p99, 1), max: round(w.ev.loopDelayMs.max, 1) },
        evseGc: { totalMs: round(w.evse.gc.totalMs, 1), maxMs: round(w.evse.gc.maxMs, 1), count: w.evse.gc.count },
        evGc: { totalMs: round(w.ev.gc.totalMs, 1), maxMs: round(w.ev.gc.maxMs, 1), count: w.ev.gc.count },
        otherLoadPct: w.otherLoadPct === undefined ? undefined : Math.round(w.otherLoadPct),
      };
      step.ok = newFailures === 0 && inLoop === n && rtt.p99 < TARGET.perfTimeMs;
      if (step.ok || newFailures > 0 || !(w.otherLoadPct > OTHER_LOAD_RETRY_PCT) || noisyWindows.length >= 2) break;
      progress(`${n} sessions: p99 ${rtt.p99.toFixed(1)} ms while other programs used ${Math.round(w.otherLoadPct)} % of a core; measuring again`);
      noisyWindows.push({ roundTripP99Ms: round(rtt.p99, 2), otherLoadPct: Math.round(w.otherLoadPct) });
    }
    if (noisyWindows.length) step.noisyWindows = noisyWindows;
    steps.push(step);
    if (!step.ok) break;
  }

  // stop every session normally: PowerDelivery(Stop), WeldingDetection, SessionStop
  progress('stopping the sessions');
  control.stop = true;
  const summaries = await Promise.race([Promise.all(sessions), sleep(60_000).then(() => undefined)]);
  const bye = await child.shutdown();
  await tracer.close();
  const maxSessions = steps.filter((s) => s.ok).reduce((m, s) => Math.max(m, s.sessions), 0);
  return {
    steps,
    maxSessions,
    sessionsStarted: sessions.length,
    sessionsEndedOk: summaries ? summaries.filter((s) => s.ok).length : undefined,
    failures,
    evseSessionEnds: bye?.ended,
  };
}

function round(x, d) {
  const f = 10 ** d;
  return Math.round(x * f) / f;
}

function rounded(p, d) {
  return { n: p.n, p50: round(p.p50, d), p90: round(p.p90, d), p99: round(p.p99, d), max: round(p.max, d) };
}

// ---------------------------------------------------------------------------------------------

progress('machine: stall probe');
const machine = { loadAverage: round(os.loadavg()[0], 2), ...stallProbe(STALL_PROBE_MS) };
progress('generating the V2G PKI');
const pki = await generatePki();
const singleResult = await single(pki);
progress('concurrency ramp');
const concResult = await concurrency(pki);
const iso20Result = await iso20Bench({ quick, host: HOST, progress });
const seconds = (performance.now() - started) / 1000;
machine.loadAverageAfter = round(os.loadavg()[0], 2);

const us = (ms) => Math.round(ms * 1000);
const L = singleResult.layers;
const ratio = round(L.full.p50 / L.floor.p50, 2);
/** the p50 round trip with NDJSON traces written against without, % */
const tracingOverheadPct = round((100 * (L['paced-traced'].p50 - L.paced.p50)) / L.paced.p50, 1);
/** the same back to back (no idle time between cycles: the serialisation competes with the next message) */
const tracingOverheadBackToBackPct = round((100 * (L.traced.p50 - L.full.p50)) / L.full.p50, 1);
const checks = {
  p50WithinTwiceFloor: ratio <= TARGET.p50RatioToFloor,
  p99UnderOneMs: L.full.p99 < TARGET.p99Ms,
  tracingOverheadUnderTarget: tracingOverheadPct < TARGET.tracingOverheadPct,
  sessions: concResult.maxSessions >= TARGET.sessions,
  iso20P99UnderPerfTime: iso20Result.single.ok && iso20Result.single.roundTripMs.p99 < iso20Result.perfTimeMs && iso20Result.concurrency.maxSessions > 0,
};
const ok = Object.values(checks).every(Boolean);
/** sessions one core could serve at 10 CurrentDemand/s if CPU were all that counted (from the busiest step that kept up) */
const busiest = concResult.steps.filter((s) => s.ok).at(-1) ?? concResult.steps.at(-1);
const cpuCeiling = busiest ? { evse: Math.floor(1e6 / (busiest.evseCpuUsPerCycle * 10)), ev: Math.floor(1e6 / (busiest.evCpuUsPerCycle * 10)), atSessions: busiest.sessions } : undefined;
const noisy = machine.stolenPct > 5 || machine.loadAverage > 1;

const profileSummaries = {};
if (profiling) for (const [stage, files] of Object.entries(profiles)) for (const [role, file] of Object.entries(files)) profileSummaries[`${stage}/${role}`] = { file, ...summarizeProfile(JSON.parse(readFileSync(file, 'utf8'))) };
if (ndjsonDir) rmSync(ndjsonDir, { recursive: true, force: true });
rmSync(tracedDir, { recursive: true, force: true });

const LAYER_NAMES = {
  floor: 'floor: bare TLS ping-pong, 40 B',
  v2gtp: `+ V2GTP/V2gConnection, ${singleResult.bytes.request}/${singleResult.bytes.response} B`,
  exi: '+ EXI decode/encode on both sides',
  full: 'CurrentDemandReq → Res: SeccServer ↔ EVCC',
  traced: '  the same, NDJSON traces written by both',
  paced: `  CurrentDemand every ${PACED_LOOP_MS} ms (a paced loop)`,
  'paced-traced': '  the same, NDJSON traces written by both',
};

if (json) {
  const layer = (l) => ({ n: l.n, p50Us: us(l.p50), p90Us: us(l.p90), p99Us: us(l.p99), maxUs: us(l.max), evCpuUsPerRoundTrip: Math.round(l.evCpuUs), evseCpuUsPerRoundTrip: Math.round(l.evseCpuUs) });
  console.log(
    JSON.stringify(
      {
        node: process.version,
        cpu: os.cpus()[0]?.model ?? 'unknown',
        cores: os.cpus().length,
        seconds: round(seconds, 1),
        machine,
        quick,
        profiling,
        ndjson: Boolean(ndjsonDir),
        targets: TARGET,
        issueFloorUs: ISSUE_FLOOR,
        tls: singleResult.tls,
        single: {
          layers: Object.fromEntries(Object.entries(L).map(([k, l]) => [k, layer(l)])),
          seccUs: { n: singleResult.secc.n, p50: us(singleResult.secc.p50), p99: us(singleResult.secc.p99), max: us(singleResult.secc.max) },
          p50RatioToFloor: ratio,
          tracingOverheadPct,
          tracingOverheadBackToBackPct,
          otherLoadPct: singleResult.otherLoadPct,
          gcDuringCurrentDemand: {
            ev: { count: singleResult.gc.ev.count, totalMs: round(singleResult.gc.ev.totalMs, 1), maxMs: round(singleResult.gc.ev.maxMs, 2) },
            evse: { count: singleResult.gc.evse.count, totalMs: round(singleResult.gc.evse.totalMs, 1), maxMs: round(singleResult.gc.evse.maxMs, 2) },
          },
        },
        concurrency: { ...concResult, cpuCeilingSessionsPerCore: cpuCeiling },
        iso20: iso20Result,
        checks,
        ok,
        ...(profiling ? { profileDir: profDir, profiles: profileSummaries } : {}),
      },
      null,
      2,
    ),
  );
} else {
  const table = (head, rows, leftCols = 1) => {
    const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
    const line = (cells) => cells.map((c, i) => (i < leftCols ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
    console.log(line(head));
    console.log(widths.map((w) => '-'.repeat(w)).join('  '));
    for (const r of rows) console.log(line(r));
  };
  const mark = (b) => (b ? 'OK' : 'MISSED');
  console.log(`ISO 15118-2 over TLS benchmark — node ${process.version}, ${os.cpus()[0]?.model ?? 'unknown cpu'} (${os.cpus().length} cores)`);
  console.log(`${singleResult.tls.protocol} ${singleResult.tls.cipher}, P-256, ${HOST}, EV side and EVSE side in two processes${ndjsonDir ? ', NDJSON traces on' : ''}${profiling ? ', CPU PROFILER ON' : ''}`);
  console.log(
    `machine: load average ${machine.loadAverage}; a busy loop was descheduled ${machine.stolenPct} % of ${machine.probeMs} ms, longest ${machine.longestMs} ms${noisy ? ' — OTHER LOAD ON THE MACHINE: latency figures are noisy' : ''}\n`,
  );
  console.log(
    `one session, ${SINGLE.rounds} interleaved rounds; CPU = CPU time of each process per round trip; other programs used ${singleResult.otherLoadPct ?? '?'} % of a core meanwhile`,
  );
  table(
    ['round trip', 'n', 'p50 µs', 'p90 µs', 'p99 µs', 'max µs', 'EV CPU µs', 'EVSE CPU µs'],
    [
      ...['floor', 'v2gtp', 'exi', 'full', 'traced', 'paced', 'paced-traced'].map((k) => [LAYER_NAMES[k], String(L[k].n), ...['p50', 'p90', 'p99', 'max'].map((q) => String(us(L[k][q]))), String(Math.round(L[k].evCpuUs)), String(Math.round(L[k].evseCpuUs))]),
      ['  of which SECC: received → response sent', String(singleResult.secc.n), ...['p50', 'p90', 'p99', 'max'].map((q) => String(us(singleResult.secc[q]))), '', ''],
    ],
  );
  const g = singleResult.gc;
  console.log(`GC during the CurrentDemand blocks: EV ${g.ev.count} pauses, ${g.ev.totalMs.toFixed(1)} ms in all, longest ${g.ev.maxMs.toFixed(2)} ms; EVSE ${g.evse.count}, ${g.evse.totalMs.toFixed(1)} ms, longest ${g.evse.maxMs.toFixed(2)} ms`);
  console.log(`\nthe issue's floor for this machine: ${ISSUE_FLOOR.p50} µs p50, ${ISSUE_FLOOR.p99} µs p99; CurrentDemand p50 is ${(L.full.p50 / (ISSUE_FLOOR.p50 / 1000)).toFixed(2)}× that`);
  console.log(`CurrentDemand p50 ${ratio.toFixed(2)}× the measured floor (target ≤ ${TARGET.p50RatioToFloor}): ${mark(checks.p50WithinTwiceFloor)}`);
  console.log(`CurrentDemand p99 ${us(L.full.p99)} µs (target < ${TARGET.p99Ms * 1000} µs): ${mark(checks.p99UnderOneMs)}`);
  console.log(`tracing overhead on the paced CurrentDemand p50 (NDJSON traces in both processes): ${tracingOverheadPct} % (target < ${TARGET.tracingOverheadPct} %): ${mark(checks.tracingOverheadUnderTarget)}; back to back ${tracingOverheadBackToBackPct} % (the CPU cost of tracing)`);
  console.log('');
  console.log(`concurrent sessions, each CurrentDemand every ${CONC.cycleMs[0]}–${CONC.cycleMs[1]} ms; ${CONC.windowMs / 1000} s window per step; times in ms`);
  console.log('rtt at the EV; SECC = received → response sent in the EVSE; µs/cyc = CPU per cycle; lag = event-loop delay; other = CPU of other programs, % of a core');
  table(
    ['sessions', 'cyc/s', 'rtt p50', 'rtt p99', 'rtt max', 'SECC p99', 'EVSE CPU', 'µs/cyc', 'EV CPU', 'µs/cyc', 'EVSE lag p99/max', 'EV lag p99/max', 'GC max EVSE/EV', 'other', 'failed', ''],
    concResult.steps.map((s) => [
      String(s.sessions),
      String(s.cyclesPerS),
      s.roundTripMs.p50.toFixed(2),
      s.roundTripMs.p99.toFixed(2),
      s.roundTripMs.max.toFixed(2),
      s.seccMs.p99.toFixed(2),
      `${Math.round(s.evseCpu * 100)} %`,
      String(s.evseCpuUsPerCycle),
      `${Math.round(s.evCpu * 100)} %`,
      String(s.evCpuUsPerCycle),
      `${s.evseLoopDelayMs.p99.toFixed(1)}/${s.evseLoopDelayMs.max.toFixed(1)}`,
      `${s.evLoopDelayMs.p99.toFixed(1)}/${s.evLoopDelayMs.max.toFixed(1)}`,
      `${s.evseGc.maxMs.toFixed(1)}/${s.evGc.maxMs.toFixed(1)}`,
      s.otherLoadPct === undefined ? '?' : `${s.otherLoadPct} %`,
      String(s.failed),
      (s.ok ? 'ok' : 'p99 ≥ 25 ms or failures') + (s.noisyWindows ? ` (${s.noisyWindows.length} noisy window(s) measured again)` : ''),
    ]),
  );
  const lastStep = concResult.steps.at(-1);
  const note = lastStep?.ok && lastStep.sessions === CONC.steps.at(-1) ? ' (the largest step tried)' : '';
  console.log(`\nlargest N with round-trip p99 < ${TARGET.perfTimeMs} ms: ${concResult.maxSessions}${note} (target ≥ ${TARGET.sessions}): ${mark(checks.sessions)}`);
  if (cpuCeiling) console.log(`CPU at ${cpuCeiling.atSessions} sessions: one core would carry ~${cpuCeiling.evse} sessions in the EVSE process, ~${cpuCeiling.ev} in the EV process (10 CurrentDemand/s each)`);
  console.log(`sessions ended normally when stopped: ${concResult.sessionsEndedOk ?? '?'}/${concResult.sessionsStarted}${concResult.failures.length ? `; failures: ${concResult.failures.join('; ')}` : ''}`);
  const r20 = iso20Result;
  console.log(`\nISO 15118-20, ${r20.tls}: DC_BPT DC_ChargeLoop (charge and discharge in turns); times in ms, performance time ${r20.perfTimeMs} ms`);
  table(
    ['', 'n', 'p50', 'p90', 'p99', 'max'],
    [
      ['one session, back to back: round trip at the EV', String(r20.single.roundTripMs.n), ...['p50', 'p90', 'p99', 'max'].map((q) => r20.single.roundTripMs[q].toFixed(3))],
      ['  of which SECC: received → response sent', String(r20.single.seccMs.n), ...['p50', 'p90', 'p99', 'max'].map((q) => r20.single.seccMs[q].toFixed(3))],
    ],
  );
  table(
    ['sessions', 'cyc/s', 'rtt p50', 'rtt p99', 'rtt max', 'SECC p99', 'EVSE CPU', 'EVSE lag p99/max', 'failed', ''],
    r20.concurrency.steps.map((s) => [
      String(s.sessions),
      String(s.cyclesPerS),
      s.roundTripMs.p50.toFixed(2),
      s.roundTripMs.p99.toFixed(2),
      s.roundTripMs.max.toFixed(2),
      s.seccMs.p99.toFixed(2),
      `${Math.round(s.evseCpu * 100)} %`,
      `${s.evseLoopDelayMs.p99.toFixed(1)}/${s.evseLoopDelayMs.max.toFixed(1)}`,
      String(s.failed),
      s.ok ? 'ok' : `p99 ≥ ${r20.perfTimeMs} ms or failures`,
    ]),
  );
  console.log(`largest N of -20 sessions with round-trip p99 < ${r20.perfTimeMs} ms: ${r20.concurrency.maxSessions}; ended normally ${r20.concurrency.sessionsEndedOk ?? '?'}/${r20.concurrency.sessionsStarted}${r20.concurrency.failures.length ? `; failures: ${r20.concurrency.failures.join('; ')}` : ''}: ${mark(checks.iso20P99UnderPerfTime)}`);
  console.log(`${seconds.toFixed(1)} s; load average ${machine.loadAverageAfter} at the end`);
  if (profiling) {
    console.log(`\nCPU profiles in ${profDir} (open in Chrome DevTools, or: node packages/iso15118/bench/profile.js FILE)`);
    for (const [k, s] of Object.entries(profileSummaries)) console.log(`\n${formatSummary(k, s).join('\n')}`);
  }
}
process.exit(args.has('--check') && !ok ? 1 : 0);
