// Child process of iso20.js: the EVSE process for ISO 15118-20. One SeccServer (@v2xsim/evse) over
// TLS 1.3 with mutual authentication (the EV's OEM provisioning chain checked against the OEM
// root) and the bench -20 EVSE port; a sink keeps the SECC's own timing of each DC_ChargeLoopRes
// (request received → response sent, V2G_SECC_Msg_Performance_Time) for the measurement windows.
//
// IPC: ← { type: 'start', key, cert, ca, host }   → { type: 'ready', port }
//      ← { type: 'window-start' } / { type: 'window-end' } → { type: 'window', secc: ms[], cpuMs, wallMs, loopDelayMs }
//      ← { type: 'shutdown' }                      → { type: 'bye', ended } and exits
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { SeccServer } from '../../evse/dist/index.js';
import { Tracer } from '../../trace/dist/index.js';
import { TLS_ISO15118_20 } from '../dist/index.js';
import { BenchEvse } from './ports.js';
import { BenchEvse20 } from './ports20.js';

let server;
let tracer;
let samples = [];
let measuring = false;
const ended = {};
let window;

const timingSink = {
  write(event) {
    if (measuring && event.direction === 'tx' && event.message === 'DC_ChargeLoopRes' && event.timing) samples.push(event.timing.elapsedMs);
  },
};

process.on('message', async (m) => {
  switch (m.type) {
    case 'start': {
      tracer = new Tracer({ actor: 'evse', link: 'ev-evse', sinks: [timingSink] });
      server = new SeccServer({
        evse: new BenchEvse(),
        evse20: new BenchEvse20(),
        protocols: ['iso20-dc'],
        host: m.host,
        tls13: { ...TLS_ISO15118_20, key: m.key, cert: m.cert, ca: m.ca },
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
      const loop = monitorEventLoopDelay({ resolution: 1 });
      loop.enable();
      window = { t0: performance.now(), cpu: process.cpuUsage(), loop };
      break;
    }
    case 'window-end': {
      measuring = false;
      const cpu = process.cpuUsage(window.cpu);
      window.loop.disable();
      process.send({
        type: 'window',
        secc: samples,
        cpuMs: (cpu.user + cpu.system) / 1000,
        wallMs: performance.now() - window.t0,
        loopDelayMs: { p99: window.loop.percentile(99) / 1e6, max: window.loop.max / 1e6 },
      });
      break;
    }
    case 'shutdown': {
      await server?.stop();
      await tracer?.close();
      process.send({ type: 'bye', ended: { ...ended } }, () => process.exit(0));
      break;
    }
  }
});
process.on('disconnect', () => process.exit(0));
