// The bench's station load (a child process of run.js): plain `ws` clients speaking OCPP-J 2.0.1
// frames by hand, so the load costs as little as possible and nothing of v2xsim runs here.
// Commands arrive over IPC; each answers with a result message.
//   { cmd: 'connect', url, count, prefix, concurrency }  open `count` stations, BootNotification each
//   { cmd: 'steady', seconds, periodS }                    every station: Heartbeat + MeterValues each period
//   { cmd: 'burst', stations, seconds }                    `stations` transactions, TransactionEvents back to back
//   { cmd: 'close' }
import WebSocket from 'ws';

/** one station: one socket, one outstanding CALL at a time ([J21] §4.1.1) */
class Station {
  constructor(id, ws) {
    this.id = id;
    this.ws = ws;
    this.seq = 0;
    this.pending = undefined;
    ws.on('message', (data) => {
      const msg = JSON.parse(data.toString());
      const p = this.pending;
      if (!p || msg[1] !== p.id) return;
      this.pending = undefined;
      if (msg[0] === 3) p.resolve(msg[2]);
      else p.reject(new Error(`${msg[2]}: ${msg[3]}`));
    });
  }

  call(action, payload) {
    return new Promise((resolve, reject) => {
      const id = `${this.id}-${++this.seq}`;
      const t0 = performance.now();
      this.pending = {
        id,
        resolve: (v) => {
          latencies.push(performance.now() - t0);
          resolve(v);
        },
        reject,
      };
      this.ws.send(JSON.stringify([2, id, action, payload]));
    });
  }
}

const stations = [];
let latencies = [];
let errors = 0;

function open(url, id) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${url}/${encodeURIComponent(id)}`, ['ocpp2.0.1'], { perMessageDeflate: false, handshakeTimeout: 30_000 });
    ws.once('open', () => resolve(new Station(id, ws)));
    ws.once('error', reject);
    ws.on('close', () => {
      errors++;
    });
  });
}

const p99 = (xs) => {
  if (xs.length === 0) return 0;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(s.length * 0.99))];
};
const p50 = (xs) => (xs.length ? [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] : 0);

async function connect({ url, count, prefix, concurrency }) {
  const t0 = performance.now();
  let next = 0;
  let failed = 0;
  let firstError;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      try {
        const s = await open(url, `${prefix}${String(i).padStart(5, '0')}`);
        await s.call('BootNotification', { reason: 'PowerUp', chargingStation: { vendorName: 'v2xsim-bench', model: 'load' } });
        stations.push(s);
      } catch (e) {
        failed++;
        firstError ??= e instanceof Error ? e.message : String(e);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { connected: stations.length, failed, firstError, seconds: (performance.now() - t0) / 1000 };
}

async function steady({ seconds, periodS }) {
  latencies = [];
  const end = performance.now() + seconds * 1000;
  let messages = 0;
  let failed = 0;
  const run = async (s) => {
    // a random phase: the stations do not all speak at once
    await new Promise((r) => setTimeout(r, Math.random() * periodS * 1000));
    while (performance.now() < end) {
      const t = performance.now();
      try {
        await s.call('Heartbeat', {});
        await s.call('MeterValues', {
          evseId: 1,
          meterValue: [{ timestamp: new Date().toISOString(), sampledValue: [{ value: Math.round(Math.random() * 1e6), measurand: 'Energy.Active.Import.Register' }] }],
        });
        messages += 2;
      } catch {
        failed++;
      }
      const wait = periodS * 1000 - (performance.now() - t);
      if (performance.now() + wait >= end) break;
      await new Promise((r) => setTimeout(r, Math.max(0, wait)));
    }
  };
  await Promise.all(stations.map(run));
  return { messages, failed, perSecond: messages / seconds, p50Ms: p50(latencies), p99Ms: p99(latencies) };
}

async function burst({ stations: n, seconds }) {
  latencies = [];
  const chosen = stations.slice(0, n);
  const end = performance.now() + seconds * 1000;
  let acked = 0;
  let failed = 0;
  const t0 = performance.now();
  const run = async (s, k) => {
    const tx = `TX-${s.id}-${Date.now()}`;
    let seqNo = 0;
    while (performance.now() < end) {
      const ts = new Date(Date.UTC(2025, 0, 1) + seqNo * 1000).toISOString();
      try {
        await s.call('TransactionEvent', {
          eventType: seqNo === 0 ? 'Started' : 'Updated',
          timestamp: ts,
          triggerReason: seqNo === 0 ? 'Authorized' : 'MeterValuePeriodic',
          seqNo,
          transactionInfo: { transactionId: tx, chargingState: 'Charging' },
          ...(seqNo === 0 ? { evse: { id: 1, connectorId: 1 }, idToken: { idToken: `T${k}`, type: 'Central' } } : {}),
          meterValue: [{ timestamp: ts, sampledValue: [{ value: seqNo * 100 + k, measurand: 'Energy.Active.Import.Register' }] }],
        });
        acked++;
      } catch {
        failed++;
      }
      seqNo++;
    }
  };
  await Promise.all(chosen.map(run));
  const elapsed = (performance.now() - t0) / 1000;
  return { acked, failed, seconds: elapsed, perSecond: acked / elapsed, p50Ms: p50(latencies), p99Ms: p99(latencies) };
}

process.on('message', async (m) => {
  try {
    switch (m.cmd) {
      case 'connect':
        process.send({ ok: true, ...(await connect(m)) });
        break;
      case 'steady':
        process.send({ ok: true, ...(await steady(m)) });
        break;
      case 'burst':
        process.send({ ok: true, ...(await burst(m)) });
        break;
      case 'close':
        for (const s of stations) s.ws.terminate();
        process.send({ ok: true, closedUnexpectedly: errors });
        setTimeout(() => process.exit(0), 50);
        break;
      default:
        process.send({ ok: false, error: `unknown command ${m.cmd}` });
    }
  } catch (e) {
    process.send({ ok: false, error: e instanceof Error ? e.message : String(e) });
  }
});
process.send({ ready: true });
