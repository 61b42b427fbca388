// The ISO 15118-20 part of the benchmark (run.js calls it): over TLS 1.3 with mutual
// authentication on a P-521 PKI, the EV side in this process, the EVSE side in a child
// (evse20-server.js):
//   1. one DC_BPT session back to back (loop delay 0), charging and discharging in turns: the
//      DC_ChargeLoop round trip at the EVCC (request handed to the socket → response received),
//      p50/p99, and the SECC's own received → response sent time;
//   2. concurrency: N DC_BPT sessions each cycling DC_ChargeLoop every 90–110 ms, N ramped up, a
//      step kept while the round-trip p99 stays under the SECC performance time of DC_ChargeLoop
//      (250 ms, ISO 15118-20 Table 217) and no session fails.
import { setTimeout as sleep } from 'node:timers/promises';
import { runEvccSession } from '../../ev/dist/index.js';
import { Tracer } from '../../trace/dist/index.js';
import { TLS_ISO15118_20, generatePki, leafChainPem, seccPerformanceTime } from '../dist/index.js';
import { spawnChild } from './children.js';
import { BenchEv } from './ports.js';
import { BenchEv20 } from './ports20.js';
import { percentiles } from './stats.js';

const spawnEvse20 = () => spawnChild('./evse20-server.js');

const round = (x, d) => Math.round(x * 10 ** d) / 10 ** d;
const rounded = (p, d) => ({ n: p.n, p50: round(p.p50, d), p90: round(p.p90, d), p99: round(p.p99, d), max: round(p.max, d) });

/**
 * @param {{ quick: boolean, host: string, progress: (msg: string) => void, budgetS?: number }} o
 */
export async function iso20Bench({ quick, host, progress, budgetS = quick ? 30 : 120 }) {
  const started = performance.now();
  const perfTimeMs = seccPerformanceTime('iso20', 'DC_ChargeLoop');
  progress('ISO 15118-20: generating the P-521 PKI');
  const pki = await generatePki({ curve: 'P-521', pcid: 'WV2XSIM0000000001' });
  const child = spawnEvse20();
  const { port } = await child.call(
    { type: 'start', host, key: pki.certificates.secc.keyPem, cert: leafChainPem(pki, 'secc'), ca: pki.certificates['oem-root'].certPem },
    'ready',
  );
  const tls = { ...TLS_ISO15118_20, ca: pki.certificates['v2g-root'].certPem, cert: leafChainPem(pki, 'oem-prov'), key: pki.certificates['oem-prov'].keyPem };
  const state = { measuring: false, rtt: [] };
  const tracer = new Tracer({
    actor: 'ev',
    link: 'ev-evse',
    sinks: [{ write: (e) => void (state.measuring && e.direction === 'rx' && e.message === 'DC_ChargeLoopRes' && e.timing && state.rtt.push(e.timing.elapsedMs)) }],
  });
  const options = (ev20, loopDelayMs) => ({
    // the -2 EV is what a -2 SECC would get; this one only runs -20
    ev: new BenchEv({ stop: true }),
    ev20,
    protocols: ['iso20-dc'],
    host,
    port,
    tls,
    tracer,
    session: { ongoingDelayMs: 0, loopDelayMs },
  });

  // 1. one session, back to back
  const warmup = quick ? 2000 : 8000;
  const measured = quick ? 2000 : 10_000;
  progress(`ISO 15118-20: one DC_BPT session, ${warmup} + ${measured} DC_ChargeLoop cycles`);
  const one = new BenchEv20({ stop: false }, warmup + measured, () => {
    if (one.cycles === warmup) state.measuring = true;
  });
  child.send({ type: 'window-start' });
  const summary = await runEvccSession(options(one, 0));
  state.measuring = false;
  const w1 = await child.call({ type: 'window-end' }, 'window');
  const single = {
    ok: summary.ok,
    ...(summary.error ? { error: summary.error } : {}),
    tlsVersion: summary.tlsVersion,
    roundTripMs: rounded(percentiles(state.rtt), 3),
    seccMs: rounded(percentiles(w1.secc.slice(-measured)), 3),
  };

  // 2. concurrency
  const steps = [];
  const control = { stop: false };
  const sessions = [];
  let inLoop = 0;
  let failed = 0;
  const failures = [];
  const launch = () => {
    let first = true;
    const ev = new BenchEv20(control, Infinity, () => {
      if (first) {
        first = false;
        inLoop++;
      }
    });
    sessions.push(
      runEvccSession(options(ev, 90 + Math.random() * 20)).then((s) => {
        if (!first) inLoop--;
        if (!s.ok || !control.stop) {
          failed++;
          if (failures.length < 5) failures.push(s.error ?? 'ended before the bench stopped it');
        }
        return s;
      }),
    );
  };
  for (const n of quick ? [20, 100] : [50, 100, 200, 300, 500]) {
    if ((performance.now() - started) / 1000 > budgetS) {
      progress(`ISO 15118-20: time budget of ${budgetS} s used up: no more steps`);
      break;
    }
    progress(`ISO 15118-20: ${n} concurrent sessions`);
    const failedBefore = failed;
    const t0 = performance.now();
    // TLS 1.3 handshakes on P-521 (ECDHE and two ECDSA signatures) are heavy: the sessions start
    // a few at a time, so that those already in their loop keep the 0.5 s sequence timeout
    while (sessions.length < n) {
      for (let i = 0; i < 3 && sessions.length < n; i++) launch();
      await sleep(100);
    }
    while (inLoop + failed < n && performance.now() - t0 < 60_000) await sleep(20);
    const setupS = (performance.now() - t0) / 1000;
    await sleep(500);
    state.rtt = [];
    state.measuring = true;
    child.send({ type: 'window-start' });
    await sleep(quick ? 1500 : 3000);
    state.measuring = false;
    const w = await child.call({ type: 'window-end' }, 'window');
    const rtt = percentiles(state.rtt);
    const step = {
      sessions: n,
      running: inLoop,
      failed: failed - failedBefore,
      setupS: round(setupS, 1),
      cyclesPerS: round((state.rtt.length / w.wallMs) * 1000, 0),
      roundTripMs: rounded(rtt, 2),
      seccMs: rounded(percentiles(w.secc), 2),
      evseCpu: round(w.cpuMs / w.wallMs, 2),
      evseLoopDelayMs: { p99: round(w.loopDelayMs.p99, 1), max: round(w.loopDelayMs.max, 1) },
    };
    step.ok = step.failed === 0 && inLoop === n && rtt.p99 < perfTimeMs;
    steps.push(step);
    if (!step.ok) break;
  }
  progress('ISO 15118-20: stopping the sessions');
  control.stop = true;
  const summaries = await Promise.race([Promise.all(sessions), sleep(60_000).then(() => undefined)]);
  const bye = await child.shutdown();
  await tracer.close();
  return {
    tls: 'TLS 1.3, mutual authentication, P-521',
    perfTimeMs,
    single,
    concurrency: {
      steps,
      maxSessions: steps.filter((s) => s.ok).reduce((m, s) => Math.max(m, s.sessions), 0),
      sessionsStarted: sessions.length,
      sessionsEndedOk: summaries ? summaries.filter((s) => s.ok).length : undefined,
      failures,
      evseSessionEnds: bye?.ended,
    },
    seconds: round((performance.now() - started) / 1000, 1),
  };
}
