// CSMS benchmark: how many stations one `v2xsim csms` process holds (each a WebSocket with a
// Heartbeat and a MeterValues every 10 s), the memory each costs, and how many TransactionEvents
// per second it persists (stored and fsynced before each answer: the group commit).
//
//   node packages/csms/bench/run.js [--stations N] [--quick] [--json] [--check]
//
//   --stations N  stations to hold (default 10000; --quick: 1000)
//   --quick       a smoke run: fewer stations, short phases
//   --json        print the results as JSON
//   --check       exit 1 when a target is missed (otherwise 0: it is a report)
//
// The CSMS runs as the real CLI process (security profile 0: the bench measures OCPP and the
// store, not scrypt; policy none), the stations in a second process (load.js: plain `ws`
// clients, OCPP-J 2.0.1 by hand). Targets: 10,000 stations, 5,000 persisted TransactionEvents/s
// on the reference 2-core machine. Sockets: every station is one file descriptor in each process;
// the bench raises the soft limit to the hard one for both (ulimit -n) and caps the station count
// (and says so) when even that is too low.
//
// Runs against the built packages (packages/cli/dist, ../dist), so build first: `pnpm exec tsc -b`.
/* global setInterval, clearInterval, fetch */
import { execFileSync, fork, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openStore } from '../dist/index.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../../..');
const args = process.argv.slice(2);
const flag = (name) => args.includes(name);
const value = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
for (const a of args) {
  if (a.startsWith('--') && !['--stations', '--quick', '--json', '--check'].includes(a)) {
    console.error(`unknown option ${a}\nusage: node packages/csms/bench/run.js [--stations N] [--quick] [--json] [--check]`);
    process.exit(2);
  }
}
const quick = flag('--quick');
const TARGET_STATIONS = 10_000;
const TARGET_EVENTS = 5_000;
let stationsWanted = value('--stations', quick ? 1000 : TARGET_STATIONS);
const steadyS = quick ? 12 : 25;
const burstS = quick ? 4 : 10;
const burstStations = Math.min(stationsWanted, quick ? 200 : 1000);

const log = (s) => {
  if (!flag('--json')) console.log(s);
};

/** the file-descriptor limits a shell started here gets: soft, hard */
function fdLimits() {
  const out = execFileSync('sh', ['-c', 'echo $(ulimit -Sn) $(ulimit -Hn)']).toString().trim().split(' ');
  const n = (s) => (s === 'unlimited' ? Infinity : Number(s));
  return { soft: n(out[0]), hard: n(out[1]) };
}

const rssKb = (pid) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
const cpuTicks = (pid) => {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return Number(f[11]) + Number(f[12]);
};
const ticksPerS = 100;

async function main() {
  const limits = fdLimits();
  // each process: one fd per station plus some for the runtime, the database, the control API
  const cap = Math.max(0, limits.hard - 200);
  const capped = stationsWanted > cap;
  if (capped) stationsWanted = cap;
  log(`CSMS bench: ${stationsWanted} stations${capped ? ` (capped by the file-descriptor limit ${limits.hard})` : ''}, ${os.cpus().length} cores, fd limit soft ${limits.soft} hard ${limits.hard}`);

  const data = mkdtempSync(path.join(os.tmpdir(), 'v2xsim-csms-bench-'));
  const cli = path.join(root, 'packages/cli/bin/v2xsim.js');
  const csmsArgs = ['csms', '--port', '0', '--control-port', '0', '--data', data, '--security-profile', '0', '--accept-unknown', '--accept-any-token', '--policy', 'none', '--heartbeat', '10'];
  // raise the soft fd limit to the hard one (a process cannot do it for itself from JavaScript)
  const csms = spawn('sh', ['-c', 'ulimit -n $(ulimit -Hn); exec "$0" "$@"', process.execPath, '--max-old-space-size=4096', cli, ...csmsArgs], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  csms.stderr.setEncoding('utf8').on('data', (s) => (stderr += s.length > 0 && stderr.length < 1e6 ? s : ''));
  const banner = await new Promise((resolve, reject) => {
    const t = setInterval(() => {
      const m = /v2xsim csms ready: .*/.exec(stderr);
      if (m) {
        clearInterval(t);
        resolve(m[0]);
      }
    }, 20);
    csms.once('exit', (code) => reject(new Error(`the CSMS exited (${code}): ${stderr}`)));
  });
  const url = /ocpp=(\S+)\/<identity>/.exec(banner)[1];
  const control = /control=(\S+)/.exec(banner)[1];
  // the banner names the process; the shell exec'd into node, so the pid is the CSMS's
  const pid = csms.pid;
  await new Promise((r) => setTimeout(r, 500));
  const rssIdleKb = rssKb(pid);

  const load = fork(path.join(here, 'load.js'), [], { execArgv: ['--max-old-space-size=4096'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  await new Promise((resolve) => load.once('message', resolve));
  const ask = (m) =>
    new Promise((resolve, reject) => {
      load.once('message', (r) => (r.ok ? resolve(r) : reject(new Error(r.error))));
      load.send(m);
    });

  const results = { stations: { wanted: stationsWanted, target: TARGET_STATIONS, cappedByFdLimit: capped, fdLimit: limits.hard } };
  try {
    // 1. connect every station (BootNotification each)
    const conn = await ask({ cmd: 'connect', url, count: stationsWanted, prefix: 'B', concurrency: 200 });
    log(`  connected ${conn.connected}/${stationsWanted} in ${conn.seconds.toFixed(1)} s${conn.failed ? ` (${conn.failed} failed: ${conn.firstError})` : ''}`);
    // 2. steady state: Heartbeat + MeterValues every 10 s per station
    const cpu0 = cpuTicks(pid);
    const steady = await ask({ cmd: 'steady', seconds: steadyS, periodS: 10 });
    const cpuSteady = (cpuTicks(pid) - cpu0) / ticksPerS / steadyS;
    const rssHeldKb = rssKb(pid);
    const health = await (await fetch(`${control}/health`)).json();
    results.stations = {
      ...results.stations,
      connected: conn.connected,
      connectSeconds: round(conn.seconds, 1),
      heldByCsms: health.stations.connected,
      steadyMessagesPerS: round(steady.perSecond, 0),
      steadyFailed: steady.failed,
      steadyP50Ms: round(steady.p50Ms, 2),
      steadyP99Ms: round(steady.p99Ms, 2),
      csmsCpuCores: round(cpuSteady, 2),
      rssIdleMB: round(rssIdleKb / 1024, 1),
      rssHeldMB: round(rssHeldKb / 1024, 1),
      memoryPerConnectionKB: round((rssHeldKb - rssIdleKb) / Math.max(1, conn.connected), 1),
      met: conn.connected >= TARGET_STATIONS && health.stations.connected >= TARGET_STATIONS && steady.failed === 0,
    };
    log(
      `  held ${health.stations.connected} stations: ${results.stations.steadyMessagesPerS} msg/s (Heartbeat + MeterValues every 10 s), p50 ${results.stations.steadyP50Ms} ms, p99 ${results.stations.steadyP99Ms} ms, ` +
        `CSMS ${results.stations.csmsCpuCores} cores, RSS ${results.stations.rssIdleMB} → ${results.stations.rssHeldMB} MB = ${results.stations.memoryPerConnectionKB} kB per connection`,
    );
    // 3. persisted TransactionEvents per second, the other stations staying connected
    const before = await (await fetch(`${control}/health`)).json();
    const cpuB0 = cpuTicks(pid);
    const loadB0 = cpuTicks(load.pid);
    const burst = await ask({ cmd: 'burst', stations: burstStations, seconds: burstS });
    const csmsBurstCores = (cpuTicks(pid) - cpuB0) / ticksPerS / burst.seconds;
    const loadBurstCores = (cpuTicks(load.pid) - loadB0) / ticksPerS / burst.seconds;
    const after = await (await fetch(`${control}/health`)).json();
    results.transactionEvents = {
      concurrentTransactions: burstStations,
      acknowledged: burst.acked,
      failed: burst.failed,
      perSecond: round(burst.perSecond, 0),
      p50Ms: round(burst.p50Ms, 2),
      p99Ms: round(burst.p99Ms, 2),
      commits: after.store.batches - before.store.batches,
      csmsCpuCores: round(csmsBurstCores, 2),
      loadCpuCores: round(loadBurstCores, 2),
      writesPerCommit: round((after.store.writes - before.store.writes) / Math.max(1, after.store.batches - before.store.batches), 1),
      target: TARGET_EVENTS,
    };
    log(
      `  TransactionEvents: ${burst.acked} acknowledged in ${burst.seconds.toFixed(1)} s by ${burstStations} stations = ${results.transactionEvents.perSecond}/s persisted ` +
        `(p50 ${results.transactionEvents.p50Ms} ms, p99 ${results.transactionEvents.p99Ms} ms; ${results.transactionEvents.writesPerCommit} writes per fsync; ` +
        `CPU: CSMS ${results.transactionEvents.csmsCpuCores} cores, load ${results.transactionEvents.loadCpuCores} cores)`,
    );
    await ask({ cmd: 'close' });
  } finally {
    load.kill();
    csms.kill('SIGTERM');
    await new Promise((r) => csms.once('exit', r));
  }
  // every acknowledged event is in the database
  const store = openStore(data);
  const stored = store.db.prepare('SELECT COUNT(*) AS n FROM transaction_events').get().n;
  store.close();
  rmSync(data, { recursive: true, force: true });
  results.transactionEvents.stored = stored;
  results.transactionEvents.met = results.transactionEvents.perSecond >= TARGET_EVENTS && stored >= results.transactionEvents.acknowledged;
  log(`  stored TransactionEvents: ${stored} (≥ acknowledged: ${stored >= results.transactionEvents.acknowledged})`);
  log(`  targets: ${TARGET_STATIONS} stations ${results.stations.met ? 'MET' : 'NOT MET'}; ${TARGET_EVENTS} TransactionEvents/s ${results.transactionEvents.met ? 'MET' : 'NOT MET'}`);
  if (flag('--json')) console.log(JSON.stringify(results, null, 2));
  if (flag('--check') && !(results.stations.met && results.transactionEvents.met)) process.exitCode = 1;
}

const round = (v, d) => Math.round(v * 10 ** d) / 10 ** d;

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
