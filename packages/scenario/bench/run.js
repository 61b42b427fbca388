// Scenario benchmark: the wall time of a whole overnight V2G session (over ten hours of sim time,
// ISO 15118-20 DC_BPT, EV and EVSE as separate processes) run by `v2xsim run` at full clock
// speed-up. Target: under 20 s of wall time, every expectation of the scenario met.
//
//   node packages/scenario/bench/run.js [--speed N] [--check] [--json]
//
//   --speed N  sim seconds per wall second (default 3600: an hour of sim time per second)
//   --check    exit 1 when the target is missed or the scenario fails (otherwise 0: a report)
//   --json     print the result as JSON
//
// Runs the built CLI (packages/cli/bin/v2xsim.js → dist), so build first: `pnpm exec tsc -b`.
// The tracing overhead on the charge loop is measured by the ISO 15118 bench
// (packages/iso15118/bench/run.js); see docs/scenarios.md.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const TARGET = { wallS: 20, simS: 36_000 };
const root = fileURLToPath(new URL('../../../', import.meta.url));
const scenario = fileURLToPath(new URL('./v2g-10h.yaml', import.meta.url));

const argv = process.argv.slice(2);
let speed = 3600;
let check = false;
let json = false;
for (let i = 0; i < argv.length; i++) {
  const a = argv[i];
  if (a === '--check') check = true;
  else if (a === '--json') json = true;
  else if (a === '--speed' && Number(argv[i + 1]) > 0) speed = Number(argv[++i]);
  else {
    console.error(`unknown option ${a}\nusage: node packages/scenario/bench/run.js [--speed N] [--check] [--json]`);
    process.exit(2);
  }
}

const out = mkdtempSync(path.join(os.tmpdir(), 'v2xsim-bench-scenario-'));
const t0 = performance.now();
const child = spawn(process.execPath, [path.join(root, 'packages/cli/bin/v2xsim.js'), 'run', scenario, '--out', out, '--speed', String(speed)], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
let stdout = '';
let stderr = '';
child.stdout.setEncoding('utf8').on('data', (s) => (stdout += s));
child.stderr.setEncoding('utf8').on('data', (s) => (stderr += s));
const code = await new Promise((resolve) => child.on('close', resolve));
const wallS = (performance.now() - t0) / 1000;
rmSync(out, { recursive: true, force: true });

// ✓ PASSED v2g-10h: 4/4 expectations (12.3 s wall, 38012 s sim); trace …
const verdict = /([✓✗]) (PASSED|FAILED) v2g-10h: (\d+)\/(\d+) expectations \(([\d.]+) s wall, (\d+) s sim\)/.exec(stdout);
const result = {
  node: process.version,
  cpu: os.cpus()[0]?.model ?? 'unknown',
  cores: os.cpus().length,
  loadAverage: Math.round(os.loadavg()[0] * 100) / 100,
  speed,
  passed: code === 0 && verdict?.[2] === 'PASSED',
  expectations: verdict ? `${verdict[3]}/${verdict[4]}` : undefined,
  wallS: Math.round(wallS * 10) / 10,
  runnerWallS: verdict ? Number(verdict[5]) : undefined,
  simS: verdict ? Number(verdict[6]) : undefined,
  targets: TARGET,
};
const met = result.passed && result.wallS < TARGET.wallS && (result.simS ?? 0) >= TARGET.simS;
if (json) console.log(JSON.stringify({ ...result, ok: met }, null, 2));
else {
  console.log(`scenario benchmark — node ${result.node}, ${result.cpu} (${result.cores} cores), load average ${result.loadAverage}`);
  console.log(`overnight V2G (ISO 15118-20 DC_BPT, EV and EVSE processes) at ${speed}×: ${result.passed ? 'passed' : 'FAILED'} (${result.expectations ?? '?'} expectations)`);
  console.log(`  ${result.simS ?? '?'} s of sim time (${((result.simS ?? 0) / 3600).toFixed(1)} h) in ${result.wallS} s of wall time, process start-up included (the runner's own count: ${result.runnerWallS ?? '?'} s)`);
  console.log(`  target: over ${TARGET.simS / 3600} h of sim time in under ${TARGET.wallS} s: ${met ? 'OK' : 'MISSED'}`);
  if (!result.passed) console.log(`\n${stdout}${stderr}`);
}
process.exitCode = check && !met ? 1 : 0;
