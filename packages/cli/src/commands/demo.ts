// `v2xsim demo`: the whole simulator at once, on loopback, with nothing to configure. It starts a
// CSMS (OCPP 2.1 and OCPI as CPO), an SCSP registered with it as eMSP (day-ahead prices anchored at
// the present hour), and EVSEs connected to the CSMS as OCPP stations; then it runs the demo
// scenarios (scenarios/demo: a V1G and a V2G session) through the scenario runner against those
// running processes, one EV per EVSE, pass after pass; and it serves the live dashboard, which
// follows every process's control API. Under compose the CSMS, SCSP and EVSEs are services of their
// own: `--attach` names their control APIs instead (an EVSE host name with several addresses is
// each of them: `--scale evse=N`).
import { lookup } from 'node:dns/promises';
import { mkdir, writeFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import type { Dashboard } from '@v2xsim/dashboard';
import type { ProcessHandle, RunResult, V2xsimCommand } from '@v2xsim/scenario';
import type { CliIo } from './exi.js';
import { exitSoon, numberArg } from './process-cli.js';

const DEFAULT_SPEED = 120;
const DEFAULT_PORT = 8080;
const STATION_PASSWORD = 'v2xsim-demo-station-password';
/** after a stop signal, how long the runs get to end (their EVs unplug) before the processes are stopped anyway */
const STOP_GRACE_MS = 8000;
/** the demo scenarios, beside the installation: <repo>/scenarios/demo */
const SCENARIO_DIR = fileURLToPath(new URL('../../../../scenarios/demo/', import.meta.url));
const SCENARIOS = ['v1g.yaml', 'v2g.yaml'];

interface Attach {
  csms?: string;
  scsp?: string;
  evse: string[];
}

interface DemoOptions {
  port: number;
  host: string;
  once?: boolean;
  speed: number;
  evses: number;
  out: string;
  scenarios: string;
  attach?: Attach;
  token?: string;
  publicRead?: boolean;
}

function attachArg(value: string, previous: Attach = { evse: [] }): Attach {
  const m = /^(csms|scsp|evse)=(https?:\/\/\S+)$/.exec(value.trim());
  if (!m) throw new InvalidArgumentError(`expected csms=URL, scsp=URL or evse=URL (a control API), got ${JSON.stringify(value)}`);
  const url = m[2].replace(/\/+$/, '');
  return m[1] === 'evse' ? { ...previous, evse: [...previous.evse, url] } : { ...previous, [m[1]]: url };
}

/**
 * Hourly prices from the demo's start (its sim epoch), 14 days, in a 4-hour cycle, so that every
 * session of the demo soon meets each kind of hour whatever the time of day: cheap, a peak, cheap
 * again, average. (At 120× the 14 days last about 3 wall hours; then the last price holds.)
 */
export function demoPrices(start = Date.now()): { time: number; price: number; exportPrice: number }[] {
  const t0 = Math.floor(start / 60_000) * 60_000;
  const cycle = [0.12, 0.42, 0.15, 0.28];
  return Array.from({ length: 14 * 24 }, (_, i) => {
    const price = cycle[i % cycle.length];
    return { time: t0 + i * 3_600_000, price, exportPrice: Math.round((price - 0.02) * 100) / 100 };
  });
}

/** the demo's prices as a day-ahead price file (CSV, docs/scsp.md); docker/entrypoint.sh writes one for the SCSP service */
export const pricesCsv = (prices: ReturnType<typeof demoPrices>): string =>
  ['# v2xsim demo: day-ahead prices, EUR/kWh, from the hour the demo started', 'time,price,export_price', ...prices.map((p) => `${new Date(p.time).toISOString()},${p.price},${p.exportPrice}`)].join('\n') + '\n';

/** An EVSE control URL whose host name has several addresses (compose: `--scale evse=N`) is each of them. */
async function expandEvses(urls: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (const u of urls) {
    const url = new URL(u);
    const host = url.hostname.replace(/^\[|\]$/g, '');
    if (isIP(host) || host === 'localhost') {
      out.push(u);
      continue;
    }
    const addresses = await lookup(host, { all: true }).catch(() => []);
    if (addresses.length <= 1) out.push(u);
    for (const a of addresses.length > 1 ? addresses : []) {
      const each = new URL(u);
      each.hostname = a.family === 6 ? `[${a.address}]` : a.address;
      out.push(each.toString().replace(/\/$/, ''));
    }
  }
  return [...new Set(out)].sort();
}

/** the sim time of a running process (its /health), to put the runner's EVs on the same time line */
async function attachedSimTime(control: string): Promise<string | undefined> {
  try {
    const res = await fetch(`${control}/health`, { signal: AbortSignal.timeout(2000) });
    const t = ((await res.json()) as { simTime?: unknown }).simTime;
    return typeof t === 'string' && Number.isFinite(Date.parse(t)) ? t : undefined;
  } catch {
    return undefined;
  }
}

export function registerDemoCommand(parent: Command, io?: CliIo): Command {
  return parent
    .command('demo')
    .description('the demo: CSMS, SCSP, EVSEs and EVs on loopback, a V1G and a V2G session in a loop, and the live dashboard')
    .option('--port <port>', `dashboard port (default ${DEFAULT_PORT}; 0: a free one; a taken ${DEFAULT_PORT} falls back to a free one)`, numberArg)
    .option('--host <addr>', 'dashboard listen address (default 127.0.0.1)', '127.0.0.1')
    .option('--once', 'one pass (each EVSE one session), then exit: 0 when every expectation of every session was met, 1 otherwise')
    .option('--speed <factor>', `sim clock speed of every process (default ${DEFAULT_SPEED}: an hour in 30 s)`, numberArg, DEFAULT_SPEED)
    .option('--evses <n>', 'EVSEs to start (default 2: one V1G and one V2G session at a time)', numberArg, 2)
    .option('--out <dir>', 'outputs: databases, each run’s trace and configurations (default v2xsim-out/demo)', 'v2xsim-out/demo')
    .option('--scenarios <dir>', 'the scenario files the EVSEs take turns with', SCENARIO_DIR)
    .option('--attach <kind=url>', 'use a running CSMS, SCSP or EVSE (its control API) instead of starting one; evse= is repeatable (compose)', attachArg)
    .option('--token <token>', 'the dashboard’s control token (default: a random one; env V2XSIM_DASHBOARD_TOKEN)')
    .option('--public-read', 'read the dashboard without the token from any address, not only loopback (a port published on loopback only)')
    .addHelpText(
      'after',
      `
The dashboard is read-only without the token; its driver actions (departure, discharge, priority
charging, unplug) need the token printed at start. Ctrl-C or SIGTERM stops everything.
Exit status (--once): 0 every expectation met, 1 one failed or a process did not start.

Examples:
  $ v2xsim demo                                   # then open the printed URL
  $ v2xsim demo --speed 600 --once                # one fast pass, for CI
  $ v2xsim demo --host 0.0.0.0 --public-read --attach csms=http://csms:7100 --attach scsp=http://scsp:7300 --attach evse=http://evse:7200`,
    )
    .action(async (raw: Partial<DemoOptions> & { scenarios: string }, cmd: Command) => {
      const out = io ?? { stdout: process.stdout, stderr: process.stderr };
      const opts: DemoOptions = {
        port: raw.port ?? DEFAULT_PORT,
        host: raw.host ?? '127.0.0.1',
        speed: raw.speed ?? DEFAULT_SPEED,
        evses: raw.evses ?? 2,
        out: raw.out ?? 'v2xsim-out/demo',
        scenarios: raw.scenarios,
        ...(raw.once ? { once: true } : {}),
        ...(raw.attach ? { attach: raw.attach } : {}),
        ...(raw.token ?? process.env.V2XSIM_DASHBOARD_TOKEN ? { token: raw.token ?? process.env.V2XSIM_DASHBOARD_TOKEN } : {}),
        ...(raw.publicRead ? { publicRead: true } : {}),
      };
      if (!(opts.speed > 0)) cmd.error('v2xsim demo: --speed must be > 0', { exitCode: 2, code: 'v2xsim.usage' });
      if (!(Number.isInteger(opts.evses) && opts.evses >= 1 && opts.evses <= 20)) cmd.error('v2xsim demo: --evses must be 1..20', { exitCode: 2, code: 'v2xsim.usage' });
      if (!(Number.isInteger(opts.port) && opts.port >= 0 && opts.port <= 65535)) cmd.error('v2xsim demo: --port must be 0..65535', { exitCode: 2, code: 'v2xsim.usage' });
      const realProcess = io === undefined;
      process.exitCode = await runDemo(opts, out, realProcess);
      // a run left behind after a stop signal (or a client's lingering socket) must not keep the demo alive
      exitSoon(realProcess);
    });
}

async function runDemo(opts: DemoOptions, out: Pick<CliIo, 'stdout' | 'stderr'>, realProcess: boolean): Promise<number> {
  // loaded here, not at the top: every `v2xsim` start loads only its own command's packages
  const { adapterFor, bannerFields, loadScenario, postAction, ProcessHandle, runScenario } = await import('@v2xsim/scenario');
  const { startDashboard } = await import('@v2xsim/dashboard');
  const say = (line: string) => void out.stdout.write(`${line}\n`);
  const v2xsim: V2xsimCommand = { command: process.execPath, args: [...process.execArgv, process.argv[1]] };
  const started: ProcessHandle[] = [];
  let stopping = false;
  let dashboard: Dashboard | undefined;
  let stopped: () => void = () => {};
  const whenStopped = new Promise<void>((r) => (stopped = r));

  const onSignal = () => {
    if (stopping) {
      for (const h of started) h.kill('SIGKILL');
      if (realProcess) process.exit(130);
      return;
    }
    stopping = true;
    say('v2xsim demo: stopping (the EVs unplug, then the processes stop)');
    stopped();
    // the EVs leave: the runs end
    for (const p of dashboard?.processes() ?? []) if (p.kind === 'ev' && p.online) void postAction(p.control, 'unplug').catch(() => undefined);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  /** start one `v2xsim <kind>` and wait for its banner; the banner's fields */
  const start = async (kind: 'csms' | 'scsp' | 'evse', actor: string, args: string[]): Promise<Record<string, string>> => {
    const handle = new ProcessHandle(adapterFor(kind), actor, v2xsim, args, (stream, line) => {
      if (stream === 'stderr' && /error|fail|refused|cannot/i.test(line) && !line.includes(' ready: ')) say(`  ${actor} │ ${line}`);
    });
    started.push(handle);
    await handle.whenReady(30_000);
    const line = handle.stderr.find((l) => l.includes(`v2xsim ${kind} ready: `))!;
    return bannerFields(line, kind)!;
  };

  try {
    await mkdir(opts.out, { recursive: true });
    const epochMs = Date.now();
    const prices = demoPrices(epochMs);
    const pricesFile = join(opts.out, 'prices.csv');
    await writeFile(pricesFile, pricesCsv(prices));
    const speed = String(opts.speed);
    const epoch = new Date(epochMs).toISOString();
    const clock = ['--speed', speed, '--sim-epoch', epoch];

    // the CSMS: OCPP for the stations, OCPI as CPO for the eMSP
    let csms = opts.attach?.csms;
    let ocppUrl: string | undefined;
    if (!csms) {
      const b = await start('csms', 'csms', [
        '--port', '0', '--security-profile', '0', '--accept-unknown', '--accept-any-token', '--site-limit', '60000', '--evse-max-power', '50000',
        '--ocpi-port', '0', '--ocpi-party', 'NL*CPO', '--data', join(opts.out, 'csms-data'), '--control-port', '0', ...clock,
      ]);
      csms = b.control;
      ocppUrl = b.ocpp.replace(/\/<identity>$/, '');
    }
    // the SCSP (eMSP): registered with the CPO through a token A from the CSMS's control API
    let scsp = opts.attach?.scsp;
    if (!scsp) {
      const { tokenA, versionsUrl } = (await postAction(csms, 'ocpi-token-a', { peerId: 'scsp' })) as { tokenA: string; versionsUrl: string };
      const b = await start('scsp', 'scsp', [
        '--cpo', versionsUrl, '--token-a', tokenA, '--party', 'NL/SCS', '--prices', pricesFile, '--currency', 'EUR', '--departure-after', '3h', '--energy-need', '40',
        '--discharge', '--rte', '0.9', '--battery', '60000', '--min-soc', '30', '--ev-max-discharge', '7000', '--control-port', '0', ...clock,
      ]);
      scsp = b.control;
    }
    // the EVSEs: one OCPP 2.1 station each, serving ISO 15118-20 (with BPT) and -2
    const evses = [...(opts.attach?.evse ?? [])];
    if (evses.length === 0) {
      if (!ocppUrl) throw new Error('--attach csms=… needs --attach evse=… too (the demo cannot tell its EVSEs where an attached CSMS takes stations)');
      for (let i = 1; i <= opts.evses; i++) {
        const b = await start('evse', `evse-${i}`, [
          '--id', `evse-${i}`, '--evse-id', `NL*CPO*E${String(i).padStart(4, '0')}*1`, '--no-sdp', '--port', '0', '--protocols', 'iso20-dc-scale,iso20-dc,iso2',
          '--dc-max-power', '50000', '--csms', ocppUrl, '--ocpp', '2.1', '--station-id', `CS-DEMO-${i}`, '--ocpp-password', STATION_PASSWORD,
          '--data', join(opts.out, 'evse-data'), '--meter-interval', '30', '--control-port', '0', ...clock,
        ]);
        evses.push(b.control);
      }
    }

    // the dashboard, following all of them (and each EV as the runner starts it)
    const title = 'v2xsim demo';
    const dashOpts = { host: opts.host, title, prices: prices.map((p) => ({ time: p.time, price: p.price })), sources: [{ control: csms, kind: 'csms' }, { control: scsp, kind: 'scsp' }, ...evses.map((control) => ({ control, kind: 'evse' }))], ...(opts.token ? { token: opts.token } : {}), ...(opts.publicRead ? { publicRead: true } : {}) };
    try {
      dashboard = await startDashboard({ ...dashOpts, port: opts.port });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EADDRINUSE' || opts.port !== DEFAULT_PORT) throw e;
      say(`  port ${DEFAULT_PORT} is taken: the dashboard takes a free one`);
      dashboard = await startDashboard({ ...dashOpts, port: 0 });
    }
    const dash = dashboard;
    const initial = opts.attach?.evse?.length ? await expandEvses(evses) : evses;
    out.stderr.write(`v2xsim demo ready: dashboard=${dash.url} token=${dash.token} csms=${csms} scsp=${scsp} evses=${initial.length} speed=${opts.speed}\n`);
    say('');
    say(`  dashboard  ${dash.url}   (read-only)`);
    say(`  control    ${dash.url}#token=${dash.token}   (token ${dash.token}: the driver's actions)`);
    say(`  ${initial.length} EVSE(s) take turns with ${SCENARIOS.join(' and ')} from ${relative(process.cwd(), opts.scenarios) || '.'}, sim speed ${opts.speed}×; outputs in ${opts.out}`);
    say(`  ${opts.once ? 'one pass, then exit' : 'Ctrl-C stops everything'}`);
    say('');

    const attached = opts.attach !== undefined;
    let allOk = true;
    for (let pass = 1; !stopping; pass++) {
      const stations = opts.attach?.evse?.length ? await expandEvses(evses) : evses;
      for (const c of stations) dash.add(c, 'evse');
      const runs = stations.map(async (evse, i): Promise<RunResult> => {
        const file = join(opts.scenarios, SCENARIOS[(i + pass - 1) % SCENARIOS.length]);
        const loaded = await loadScenario(file);
        const s = loaded.scenario;
        const endS = s.endS ?? 3600;
        // this EVSE's EV, a wall limit that fits the speed, and the sim time of the running processes
        // (when the CSMS, SCSP and EVSEs were started here: they count from the demo's epoch)
        const simNow = attached ? await attachedSimTime(csms) : new Date(epochMs + (Date.now() - epochMs) * opts.speed).toISOString();
        const scenario = {
          ...s,
          ev: { ...s.ev, id: `${s.ev?.id ?? 'ev'}-${i + 1}` },
          timeoutS: Math.max(s.timeoutS ?? 60, Math.ceil((endS / opts.speed) * 1.5) + 60),
          ...(simNow ? { clock: { ...s.clock, start: simNow } } : {}),
        };
        return runScenario(
          { ...loaded, scenario },
          {
            v2xsim,
            outDir: join(opts.out, `evse-${i + 1}`),
            speed: opts.speed,
            attach: { csms, scsp, evse },
            attachHistory: 0,
            // the runner's /health samples are for its report's plots, which the demo does not write: fewer, less load
            healthEveryMs: 500,
            onProcess: (p) => {
              if (p.control && !p.attached) dash.add(p.control, p.kind);
            },
            log: (line) => {
              if (/^\s*(✓|✗)|step \d|exited|complete|FAILED|ready:/.test(line)) say(`[pass ${pass} · evse ${i + 1}] ${line.trim()}`);
            },
          },
        );
      });
      // after Ctrl-C the EVs unplug and the runs end; one that does not end soon is left behind
      const results = await Promise.race([Promise.all(runs), whenStopped.then(() => new Promise<undefined>((r) => setTimeout(() => r(undefined), STOP_GRACE_MS)))]);
      if (!results) break;
      for (const r of results) {
        const met = r.expectations.filter((x) => x.ok).length;
        say(`${r.ok ? '✓' : '✗'} pass ${pass}: ${r.loaded.scenario.name} (${r.loaded.scenario.ev?.id}): ${met}/${r.expectations.length} expectations${r.error ? `; ${r.error}` : ''}`);
        for (const x of r.expectations.filter((e) => !e.ok)) say(`    ✗ ${x.name}: ${x.message}`);
        if (!r.ok && !stopping) allOk = false;
      }
      if (opts.once) break;
      // a short pause between passes, unless stopping
      await Promise.race([whenStopped, new Promise((r) => setTimeout(r, 1500))]);
    }
    return opts.once ? (allOk ? 0 : 1) : 0;
  } catch (e) {
    out.stderr.write(`v2xsim demo: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await dashboard?.close();
    // clients first: the stations (together), then the eMSP, then the CSMS
    for (const kind of ['evse', 'scsp', 'csms']) await Promise.all(started.filter((h) => h.adapter.kind === kind).map((h) => h.stop()));
  }
}
