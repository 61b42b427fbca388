// Child process of run.js: the EVSE process. One SeccServer (@v2xsim/evse) over TLS 1.2 with the
// bench EVSE port; every trace event goes through the Tracer as in the real process, and a sink
// keeps the SECC's own timing of each CurrentDemandRes (request received → response sent, the
// V2G_SECC_Msg_Performance_Time measure) for the measurement windows.
//
// IPC: ← { type: 'start', key, cert, host, ndjson? }   → { type: 'ready', port }
//      ← { type: 'window-start', loopDelay?, profile? }   starts a window (samples, CPU, loop delay)
//      ← { type: 'window-end', profileFile? }             → { type: 'window', secc: ms[], cpuMs, wallMs, loopDelayMs, gc, ended }
//      ← { type: 'cpu' }                                  → { type: 'cpu', usage }
//      ← { type: 'ndjson', file? }  from now on also write every trace event as NDJSON to `file`
//                                   (no file: stop; the file is written to its end) → { type: 'ndjson-set' }
//      ← { type: 'shutdown' }                             → { type: 'bye', ended } and exits
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { SeccServer } from '../../evse/dist/index.js';
import { Tracer, pinoSink } from '../../trace/dist/index.js';
import { TLS_ISO15118_2 } from '../dist/index.js';
import { BenchEvse } from './ports.js';
import { watchGc } from './gc.js';
import { startProfile } from './profile.js';

let server;
let tracer;
let samples = [];
let measuring = false;
/** session ends by reason, since the start */
const ended = {};
let window;
/** the NDJSON file sink switched on by an 'ndjson' message: { sink, remove } */
let toggled;

const timingSink = {
  write(event) {
    if (measuring && event.direction === 'tx' && event.message === 'CurrentDemandRes' && event.timing) samples.push(event.timing.elapsedMs);
  },
};

process.on('message', async (m) => {
  switch (m.type) {
    case 'start': {
      const sinks = [timingSink];
      if (m.ndjson) sinks.push(pinoSink(m.ndjson));
      tracer = new Tracer({ actor: 'evse', link: 'ev-evse', sinks });
      server = new SeccServer({
        evse: new BenchEvse(),
        protocols: ['iso2'],
        host: m.host,
        tls: { ...TLS_ISO15118_2, key: m.key, cert: m.cert },
        tracer,
      });
      server.onSessionEnd = (e) => {
        ended[e.reason] = (ended[e.reason] ?? 0) + 1;
      };
      await server.start();
      process.send({ type: 'ready', port: server.port });
      break;
    }
    case 'window-start': {
      samples = [];
      measuring = true;
      const loop = m.loopDelay ? monitorEventLoopDelay({ resolution: 1 }) : undefined;
      loop?.enable();
      window = { t0: performance.now(), cpu: process.cpuUsage(), loop, gc: watchGc(), stopProfile: m.profile ? await startProfile() : undefined };
      break;
    }
    case 'window-end': {
      measuring = false;
      const cpu = process.cpuUsage(window.cpu);
      const wallMs = performance.now() - window.t0;
      window.loop?.disable();
      const gc = window.gc();
      if (window.stopProfile) await window.stopProfile(m.profileFile);
      process.send({
        type: 'window',
        secc: samples,
        cpuMs: (cpu.user + cpu.system) / 1000,
        wallMs,
        loopDelayMs: window.loop ? { p50: window.loop.percentile(50) / 1e6, p99: window.loop.percentile(99) / 1e6, max: window.loop.max / 1e6 } : undefined,
        gc,
        ended: { ...ended },
      });
      break;
    }
    case 'ndjson': {
      if (toggled) {
        toggled.remove();
        await toggled.sink.close();
        toggled = undefined;
      }
      if (m.file) {
        const sink = pinoSink(m.file);
        toggled = { sink, remove: tracer.addSink(sink) };
      }
      process.send({ type: 'ndjson-set' });
      break;
    }
    case 'cpu':
      process.send({ type: 'cpu', usage: process.cpuUsage() });
      break;
    case 'shutdown': {
      await server?.stop();
      await tracer?.close();
      await toggled?.sink.close();
      process.send({ type: 'bye', ended: { ...ended } }, () => process.exit(0));
      break;
    }
  }
});
// the parent went away (crashed, ^C): stop by ourselves
process.on('disconnect', () => process.exit(0));
