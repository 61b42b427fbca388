// CPO benchmark: OCPI 2.2.1 requests per second the CSMS serves as CPO (the `v2xsim csms` process
// with --ocpi-port), under a mixed load from an eMSP/SCSP that registered with it:
//   GET {locations}?offset&limit    a page of Locations (built from the stations' EVSEs and status)
//   GET {sessions}?date_from&offset&limit  a page of Sessions (transactions, meter values, charging periods)
//   PUT {chargingprofiles}/{id}     a SetChargingProfile: answered at once; the CSMS then sends it to
//                                   the station (OCPP SetChargingProfile) and POSTs the result to the
//                                   party's response_url
//
//   node packages/csms/bench/ocpi.js [--connections N] [--seconds S] [--quick] [--json] [--check] [--profile DIR]
//
//   --connections N  concurrent HTTP/1.1 connections, one request outstanding each (default 32)
//   --seconds S      length of the measured phase (default 8; --quick: 3)
//   --quick          a smoke run: fewer stations, a short phase
//   --json           print the results as JSON
//   --check          exit 1 when the target is missed (otherwise 0: it is a report)
//   --profile DIR    run the CSMS with `node --cpu-prof --cpu-prof-dir DIR` (its .cpuprofile is written when
//                    it exits) and write DIR/phase-<pid>.json, the measured phase on the profile's clock
//
// Setup: the CSMS runs as the real CLI process (security profile 0, policy none, OCPI on a free
// port); 25 OCPP 2.0.1 stations (plain `ws` clients, frames by hand, answering every CALL) each
// with 2 EVSEs in a transaction with meter values; the party registers with a token A from the
// control API (the full credentials handshake, @v2xsim/ocpi) and serves the chargingprofiles
// Sender endpoint the results go to. The load is undici (a Pool of N connections) with the
// party's credentials token C. Target: 5,000 requests/s on the reference 2-core machine (issue 6).
// Runs against the built packages (packages/cli/dist, ../dist), so build first: `pnpm exec tsc -b`.
/* global setInterval, clearInterval, fetch */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { authorizationHeader, chargingProfilesSenderPlugin, InMemoryCredentialsStore, OcpiPlatform } from '@v2xsim/ocpi';

// undici, the HTTP client @v2xsim/ocpi is built on (resolved from there: not a dependency of the CSMS)
const { Pool } = createRequire(import.meta.resolve('@v2xsim/ocpi'))('undici');

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../../..');
const args = process.argv.slice(2);
const flag = (name) => args.includes(name);
const value = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const usage = 'usage: node packages/csms/bench/ocpi.js [--connections N] [--seconds S] [--quick] [--json] [--check] [--profile DIR]';
for (const [i, a] of args.entries()) {
  if (a === '--profile' && (!args[i + 1] || args[i + 1].startsWith('--'))) {
    console.error(`--profile needs a directory\n${usage}`);
    process.exit(2);
  }
  if (a.startsWith('--') && !['--connections', '--seconds', '--quick', '--json', '--check', '--profile'].includes(a)) {
    console.error(`unknown option ${a}\n${usage}`);
    process.exit(2);
  }
  if ((a === '--connections' || a === '--seconds') && !(Number(args[i + 1]) > 0)) {
    console.error(`${a} needs a positive number\n${usage}`);
    process.exit(2);
  }
}
const quick = flag('--quick');
const TARGET = 5_000;
const CONNECTIONS = value('--connections', 32);
const SECONDS = value('--seconds', quick ? 3 : 8);
const PROFILE_DIR = args.includes('--profile') ? path.resolve(args[args.indexOf('--profile') + 1]) : undefined;
if (PROFILE_DIR) mkdirSync(PROFILE_DIR, { recursive: true });
const STATIONS = quick ? 10 : 25;
const EVSES = 2;
const PAGE = 10;
/** date_from of the Sessions list (required there) */
const SINCE = '2020-01-01T00:00:00Z';
/** the mix, out of 20 requests */
const MIX = [...Array(9).fill('locations'), ...Array(9).fill('sessions'), ...Array(2).fill('profile')];

const log = (s) => {
  if (!flag('--json')) console.log(s);
};
const round = (v, d) => Math.round(v * 10 ** d) / 10 ** d;
/** CPU time of a process so far, in clock ticks (1/100 s): user and system (the kernel's, e.g. socket writes) */
const cpuTicks = (pid) => {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return { user: Number(f[11]), sys: Number(f[12]) };
};
const percentile = (xs, p) => (xs.length ? [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))] : 0);

/** An OCPP 2.0.1 station: one socket, its own CALLs one at a time, every CALL of the CSMS answered. */
class Station {
  constructor(id, ws) {
    this.id = id;
    this.ws = ws;
    this.seq = 0;
    this.pending = undefined;
    this.profiles = 0;
    ws.on('message', (data) => {
      const msg = JSON.parse(data.toString());
      if (msg[0] === 2) {
        if (msg[2] === 'SetChargingProfile') this.profiles++;
        const answer = msg[2] === 'GetCompositeSchedule' ? { status: 'Rejected' } : { status: 'Accepted' };
        ws.send(JSON.stringify([3, msg[1], answer]));
        return;
      }
      const p = this.pending;
      if (!p || msg[1] !== p.id) return;
      this.pending = undefined;
      if (msg[0] === 3) p.resolve(msg[2]);
      else p.reject(new Error(`${this.id}: ${msg[2]}: ${msg[3]}`));
    });
  }

  static open(url, id) {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(`${url}/${encodeURIComponent(id)}`, ['ocpp2.0.1'], { perMessageDeflate: false });
      ws.once('open', () => resolve(new Station(id, ws)));
      ws.once('error', reject);
    });
  }

  call(action, payload) {
    return new Promise((resolve, reject) => {
      const id = `${this.id}-${++this.seq}`;
      this.pending = { id, resolve, reject };
      this.ws.send(JSON.stringify([2, id, action, payload]));
    });
  }

  /** boot, both EVSEs occupied, a transaction on each with a few meter values (charging periods) */
  async setUp(k) {
    await this.call('BootNotification', { reason: 'PowerUp', chargingStation: { vendorName: 'v2xsim-bench', model: 'ocpi' } });
    const t0 = Date.now() - 3_600_000;
    for (let evse = 1; evse <= EVSES; evse++) {
      await this.call('StatusNotification', { timestamp: new Date().toISOString(), connectorStatus: 'Occupied', evseId: evse, connectorId: 1 });
      const transactionId = `TX-${this.id}-${evse}`;
      for (let seqNo = 0; seqNo < 6; seqNo++) {
        const ts = new Date(t0 + seqNo * 300_000).toISOString();
        await this.call('TransactionEvent', {
          eventType: seqNo === 0 ? 'Started' : 'Updated',
          timestamp: ts,
          triggerReason: seqNo === 0 ? 'Authorized' : 'MeterValuePeriodic',
          seqNo,
          transactionInfo: { transactionId, chargingState: 'Charging' },
          ...(seqNo === 0 ? { evse: { id: evse, connectorId: 1 }, idToken: { idToken: `BENCH-${k}-${evse}`, type: 'ISO14443' } } : {}),
          meterValue: [
            {
              timestamp: ts,
              sampledValue: [
                { value: seqNo * 900, measurand: 'Energy.Active.Import.Register', unitOfMeasure: { unit: 'Wh' } },
                { value: 11_000, measurand: 'Power.Active.Import', unitOfMeasure: { unit: 'W' } },
              ],
            },
          ],
        });
      }
    }
  }
}

async function startCsms(data) {
  const cli = path.join(root, 'packages/cli/bin/v2xsim.js');
  const csms = spawn(
    process.execPath,
    [...(PROFILE_DIR ? ['--cpu-prof', '--cpu-prof-dir', PROFILE_DIR] : []), cli, 'csms', '--port', '0', '--control-port', '0', '--data', data, '--security-profile', '0', '--accept-unknown', '--accept-any-token', '--policy', 'none', '--ocpi-port', '0', '--ocpi-party', 'NL*CPO'],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  csms.stderr.setEncoding('utf8').on('data', (s) => (stderr += stderr.length < 1e6 ? s : ''));
  const banner = await new Promise((resolve, reject) => {
    const t = setInterval(() => {
      const m = /v2xsim csms ready: .*/.exec(stderr);
      if (m) {
        clearInterval(t);
        resolve(m[0]);
      }
    }, 20);
    csms.once('exit', (code) => {
      clearInterval(t);
      reject(new Error(`the CSMS exited (${code}): ${stderr}`));
    });
  });
  return { csms, ocpp: /ocpp=(\S+)\/<identity>/.exec(banner)[1], control: /control=(\S+)/.exec(banner)[1], stderr: () => stderr };
}

async function action(control, name, body = {}) {
  const res = await fetch(`${control}/actions/${name}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const json = await res.json();
  if (!res.ok) throw new Error(`${name}: HTTP ${res.status} ${JSON.stringify(json)}`);
  return json;
}

/** The eMSP/SCSP party: registers with the CPO, receives the asynchronous charging-profile results. */
async function startParty() {
  const results = new Map();
  const platform = new OcpiPlatform({
    store: new InMemoryCredentialsStore(),
    roles: [
      { role: 'SCSP', country_code: 'NL', party_id: 'BEN', business_details: { name: 'bench party' } },
      { role: 'EMSP', country_code: 'NL', party_id: 'BEN', business_details: { name: 'bench party' } },
    ],
    modules: [chargingProfilesSenderPlugin({ result: (_c, uid, r) => void results.set(uid, r.result), activeProfile: () => undefined })],
  });
  await platform.listen();
  return { platform, results };
}

/**
 * A response body as JSON. The CSMS answers a page asked for again within the same second with the
 * same bytes: a body equal byte for byte to one parsed lately is not parsed again (the load
 * generator shares the two cores with the CSMS), and is checked as every other.
 */
const parsedBodies = new Map();
function parseBody(bytes) {
  const same = parsedBodies.get(bytes.length) ?? [];
  for (const e of same) if (bytes.equals(e.bytes)) return e.body;
  const body = JSON.parse(bytes.toString('utf8'));
  same.unshift({ bytes, body });
  if (same.length > 8) same.pop();
  if (parsedBodies.size > 64) parsedBodies.clear();
  parsedBodies.set(bytes.length, same);
  return body;
}

/** One worker: one request at a time, round the mix, until `end`. */
async function worker(pool, w, ctx) {
  let i = w * 7;
  while (performance.now() < ctx.end) {
    const kind = MIX[i++ % MIX.length];
    const t0 = performance.now();
    let req;
    if (kind === 'locations') req = { method: 'GET', path: `${ctx.paths.locations}?offset=${(i * PAGE) % ctx.locations}&limit=${PAGE}` };
    else if (kind === 'sessions') req = { method: 'GET', path: `${ctx.paths.sessions}?date_from=${SINCE}&offset=${(i * PAGE) % ctx.sessions.length}&limit=${PAGE}` };
    else {
      const sessionId = ctx.sessions[i % ctx.sessions.length];
      const uid = `r${++ctx.profileSeq}`;
      req = {
        method: 'PUT',
        path: `${ctx.paths.chargingprofiles}/${encodeURIComponent(sessionId)}`,
        body: JSON.stringify({
          charging_profile: { charging_rate_unit: 'W', charging_profile_period: [{ start_period: 0, limit: 3_000 + (i % 8) * 1_000 }, { start_period: 1_800, limit: 7_400 }] },
          response_url: `${ctx.resultUrl}/${uid}`,
        }),
      };
      ctx.profileUids.push(uid);
    }
    try {
      const res = await pool.request({
        method: req.method,
        path: req.path,
        headers: { authorization: ctx.auth, 'x-request-id': `${w}-${i}`, 'x-correlation-id': `${w}-${i}`, accept: 'application/json', 'ocpi-from-country-code': 'NL', 'ocpi-from-party-id': 'BEN', 'ocpi-to-country-code': 'NL', 'ocpi-to-party-id': 'CPO', ...(req.body ? { 'content-type': 'application/json' } : {}) },
        ...(req.body ? { body: req.body } : {}),
      });
      const body = parseBody(Buffer.from(await res.body.arrayBuffer()));
      const ok = res.statusCode === 200 && body.status_code === 1000 && (kind !== 'profile' || body.data?.result === 'ACCEPTED');
      const s = ctx.stats[kind];
      if (ok) {
        s.ok++;
        s.latencies.push(performance.now() - t0);
      } else {
        s.failed++;
        s.firstError ??= `HTTP ${res.statusCode} ${JSON.stringify(body).slice(0, 200)}`;
      }
    } catch (e) {
      ctx.stats[kind].failed++;
      ctx.stats[kind].firstError ??= e instanceof Error ? e.message : String(e);
    }
  }
}

async function main() {
  log(`CPO bench: OCPI 2.2.1 requests/s served by \`v2xsim csms --ocpi-port\`, ${CONNECTIONS} connections, ${SECONDS} s, ${STATIONS} stations × ${EVSES} EVSEs, ${os.cpus().length} cores, load ${os.loadavg()[0].toFixed(2)}`);
  const data = mkdtempSync(path.join(os.tmpdir(), 'v2xsim-ocpi-bench-'));
  const { csms, ocpp, control } = await startCsms(data);
  const party = await startParty();
  const stations = [];
  let pool;
  const results = { target: TARGET, connections: CONNECTIONS, stations: STATIONS, evses: STATIONS * EVSES };
  try {
    for (let k = 0; k < STATIONS; k++) stations.push(await Station.open(ocpp, `OB${String(k).padStart(3, '0')}`));
    await Promise.all(stations.map((s, k) => s.setUp(k)));
    const { tokenA, versionsUrl } = await action(control, 'ocpi-token-a', { peerId: 'bench' });
    await party.platform.register('cpo', { versionsUrl, tokenA });
    const client = await party.platform.client('cpo');
    const peer = await party.platform.store.get('cpo');
    const urls = { locations: client.endpoint('locations', 'SENDER'), sessions: client.endpoint('sessions', 'SENDER'), chargingprofiles: client.endpoint('chargingprofiles', 'RECEIVER') };
    const origin = new URL(urls.locations).origin;
    const paths = Object.fromEntries(Object.entries(urls).map(([k, u]) => [k, new URL(u).pathname.replace(/\/$/, '')]));
    // every session, through the typed client (also a check that the CPO serves them)
    const sessions = [];
    for await (const s of client.list('senderGetSessions', { date_from: SINCE, limit: 100 })) if (s.status === 'ACTIVE') sessions.push(s.id);
    let locations = 0;
    for await (const l of client.list('senderGetLocations', { limit: 100 })) locations += l ? 1 : 0;
    if (sessions.length < STATIONS * EVSES || locations < STATIONS) throw new Error(`setup: ${locations} locations, ${sessions.length} active sessions`);
    log(`  set up: ${locations} locations, ${sessions.length} active sessions, party registered (token C), load ${os.loadavg()[0].toFixed(2)}`);

    pool = new Pool(origin, { connections: CONNECTIONS, pipelining: 1, keepAliveTimeout: 30_000 });
    const stat = () => ({ ok: 0, failed: 0, latencies: [], firstError: undefined });
    const ctx = {
      paths,
      auth: authorizationHeader(peer.outgoingToken),
      resultUrl: `${party.platform.endpoints().find((e) => e.identifier === 'chargingprofiles').url.replace(/\/$/, '')}/result`,
      locations,
      sessions,
      profileUids: [],
      profileSeq: 0,
      stats: { locations: stat(), sessions: stat(), profile: stat() },
      end: 0,
    };
    // warm-up (JIT, connections), then the measured phase
    ctx.end = performance.now() + (quick ? 500 : 1_500);
    await Promise.all(Array.from({ length: CONNECTIONS }, (_, w) => worker(pool, w, ctx)));
    const warmUids = ctx.profileUids.length;
    ctx.stats = { locations: stat(), sessions: stat(), profile: stat() };
    const cpu0 = cpuTicks(csms.pid);
    const own0 = process.cpuUsage();
    const t0 = performance.now();
    const hr0 = process.hrtime.bigint();
    ctx.end = t0 + SECONDS * 1000;
    await Promise.all(Array.from({ length: CONNECTIONS }, (_, w) => worker(pool, w, ctx)));
    const elapsed = (performance.now() - t0) / 1000;
    const hr1 = process.hrtime.bigint();
    const cpu1 = cpuTicks(csms.pid);
    const csmsCpuS = (cpu1.user + cpu1.sys - cpu0.user - cpu0.sys) / 100;
    const csmsSysS = (cpu1.sys - cpu0.sys) / 100;
    // the measured phase on the profile's clock (CLOCK_MONOTONIC, µs), to look at that part only
    // (and of this process, for `node --cpu-prof --cpu-prof-dir DIR packages/csms/bench/ocpi.js --profile DIR`)
    if (PROFILE_DIR) {
      for (const pid of [csms.pid, process.pid]) writeFileSync(path.join(PROFILE_DIR, `phase-${pid}.json`), JSON.stringify({ pid, startUs: Number(hr0 / 1000n), endUs: Number(hr1 / 1000n) }));
    }
    const csmsCores = csmsCpuS / elapsed;
    const own = process.cpuUsage(own0);
    const benchCores = (own.user + own.system) / 1e6 / elapsed;
    // every PUT chargingprofiles accepted gets its result POSTed to the party
    const settleBy = Date.now() + 30_000;
    const expected = ctx.profileUids.length;
    while (party.results.size < expected && Date.now() < settleBy) await new Promise((r) => setTimeout(r, 100));

    const served = Object.values(ctx.stats).reduce((a, s) => a + s.ok, 0);
    const failed = Object.values(ctx.stats).reduce((a, s) => a + s.failed, 0);
    const all = Object.values(ctx.stats).flatMap((s) => s.latencies);
    results.requestsPerS = round(served / elapsed, 0);
    results.served = served;
    results.failed = failed;
    results.seconds = round(elapsed, 2);
    results.p50Ms = round(percentile(all, 0.5), 2);
    results.p99Ms = round(percentile(all, 0.99), 2);
    results.csmsCpuCores = round(csmsCores, 2);
    // what the machine's load does not change much: the CSMS's CPU time per request served
    results.csmsCpuMsPerRequest = round((csmsCpuS * 1000) / Math.max(1, served), 3);
    results.csmsKernelShare = round(csmsSysS / Math.max(0.01, csmsCpuS), 2);
    results.requestsPerCsmsCoreS = round(served / Math.max(0.01, csmsCpuS), 0);
    results.loadGeneratorCores = round(benchCores, 2);
    results.machineLoad = round(os.loadavg()[0], 2);
    results.byKind = Object.fromEntries(
      Object.entries(ctx.stats).map(([k, s]) => [k, { perS: round(s.ok / elapsed, 0), ok: s.ok, failed: s.failed, p50Ms: round(percentile(s.latencies, 0.5), 2), p99Ms: round(percentile(s.latencies, 0.99), 2), ...(s.firstError ? { firstError: s.firstError } : {}) }]),
    );
    results.profileResults = { expected, received: party.results.size, accepted: [...party.results.values()].filter((r) => r === 'ACCEPTED').length, warmUp: warmUids };
    results.setChargingProfilesAtStations = stations.reduce((a, s) => a + s.profiles, 0);
    results.met = results.requestsPerS >= TARGET && failed === 0;

    const names = { locations: `GET locations (page of ${PAGE})`, sessions: `GET sessions (page of ${PAGE})`, profile: 'PUT chargingprofiles' };
    for (const [k, s] of Object.entries(results.byKind)) {
      log(`  ${names[k].padEnd(28)} ${String(s.perS).padStart(6)}/s  p50 ${s.p50Ms} ms  p99 ${s.p99Ms} ms${s.failed ? `  ${s.failed} failed: ${s.firstError}` : ''}`);
    }
    log(`  total: ${served} requests in ${elapsed.toFixed(1)} s = ${results.requestsPerS} requests/s (p50 ${results.p50Ms} ms, p99 ${results.p99Ms} ms, ${failed} failed)`);
    log(
      `  CPU: CSMS ${results.csmsCpuCores} cores = ${results.csmsCpuMsPerRequest} ms per request (${results.requestsPerCsmsCoreS} requests per CSMS core-second, ${Math.round(results.csmsKernelShare * 100)} % in the kernel); ` +
        `load generator + stations + party ${results.loadGeneratorCores} cores; machine load ${results.machineLoad}`,
    );
    log(`  charging-profile results POSTed to the party: ${results.profileResults.received}/${expected} (${results.profileResults.accepted} ACCEPTED); SetChargingProfile at the stations: ${results.setChargingProfilesAtStations}`);
    log(`  target ${TARGET} requests/s: ${results.met ? 'MET' : 'NOT MET'}`);
  } finally {
    await pool?.close();
    for (const s of stations) s.ws.terminate();
    await party.platform.close();
    csms.kill('SIGTERM');
    await new Promise((r) => (csms.exitCode !== null ? r() : csms.once('exit', r)));
    rmSync(data, { recursive: true, force: true });
  }
  if (flag('--json')) console.log(JSON.stringify(results, null, 2));
  if (flag('--check') && !results.met) process.exitCode = 1;
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
