// `v2xsim run` with faults and failures: the latency-fault scenario breaks the D2.3 §11.2 update
// interval on purpose and the report shows which budget broke; a failing expectation exits 1 with
// a clear message; a restarted EVSE is found again by an EV that plugs in later; a scenario file
// with mistakes exits 2 with line:column.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { children, v2xsim } from './support/processes.js';

const out = mkdtempSync(join(tmpdir(), 'v2xsim-scenario-faults-'));
afterAll(() => {
  for (const c of children) c.kill('SIGKILL');
  rmSync(out, { recursive: true, force: true });
});

describe('v2xsim run: faults and failures', () => {
  it('a latency fault on the EV–EVSE link breaks the update interval, as the scenario expects, and the report says which budget broke', async () => {
    const report = join(out, 'report');
    const p = v2xsim(['run', 'scenarios/fault-latency-ev-evse.yaml', '--out', join(out, 'runs'), '--report', report]);
    expect(await p.exited, p.out.stdout + p.out.stderr).toBe(0);
    expect(p.out.stdout).toMatch(/fault proxy on ev-evse: \[::1\]:\d+ → \[::1\]:\d+ \(latency 60 ms\)/);
    expect(p.out.stdout).toMatch(/✓ the update interval breaks \(on purpose\): \d+ breach\(es\) of iso15118-2 CurrentDemand loop-interval: worst iso15118-2 CurrentDemand loop-interval [\d.]+ ms > V2G_EVCC_Msg_Timeout \(D2\.3 §11\.2 update interval\) 250 ms/);
    const html = readFileSync(join(report, 'fault-latency-ev-evse.html'), 'utf8');
    expect(html).toMatch(/<h2>Faults<\/h2>.*<td>ev-evse<\/td>.*0 s: latency 60 ms/s);
    // the budget the fault breaks is listed (a loaded machine may add the SECC's performance time)
    expect(html).toMatch(/Budgets broken in this run: [^<]*V2G_EVCC_Msg_Timeout \(D2\.3 §11\.2 update interval\) \(iso15118-2 CurrentDemand, loop-interval\)/);
    expect(html).toMatch(/<tr class="breach"><td>iso15118-2<\/td><td>CurrentDemand<\/td><td>loop-interval<\/td>/);
  }, 30_000);

  it('a failing expectation: exit 1 with what was expected and found; the EVSE restarted before the EV plugs in', async () => {
    const file = join(out, 'failing.yaml');
    writeFileSync(
      file,
      `name: failing-soc
clock: { speed: 600 }
timeoutS: 25
stack: { iso15118: { version: iso15118-2 } }
driver: { targetSoc: 25 }
steps:
  - restart: { process: evse }
  - at: 10
    plug-in: {}
expect:
  - session: { ok: true }
  - name: too little charge
    soc: { max: 22 }
`,
    );
    const junit = join(out, 'failing.xml');
    const p = v2xsim(['run', file, '--out', join(out, 'runs'), '--junit', junit]);
    expect(await p.exited, p.out.stdout + p.out.stderr).toBe(1);
    expect(p.out.stdout).toMatch(/step 1 restart: evse killed and restarted in \d+ ms/);
    expect(p.out.stdout).toMatch(/step 2 plug-in @10s: ev plugged in \(started\)/);
    expect(p.out.stdout).toMatch(/✓ session: ev: ok=true protocol=iso2/);
    expect(p.out.stdout).toMatch(/✗ too little charge: ev SoC 2[5-9][.\d]* % \(expected –\.\.22 %\)/);
    expect(p.out.stdout).toMatch(/✗ FAILED failing-soc: 1\/2 expectations/);
    expect(readFileSync(junit, 'utf8')).toMatch(/<testcase classname="failing-soc" name="too little charge">\n\s+<failure message="ev SoC [\d.]+ % \(expected –\.\.22 %\)" type="soc"\/>/);
  }, 30_000);

  it('a scenario file with mistakes: exit 2, every problem with file:line:column, nothing started', async () => {
    const file = join(out, 'bad.yaml');
    writeFileSync(file, 'name: bad\nstack:\n  iso15118: { version: iso15118-2 }\nev: { soc: 120 }\nsteps:\n  - at: 5\n    discharge: { setpointW: -1000 }\n    stop: { by: ev }\n');
    const p = v2xsim(['run', file]);
    expect(await p.exited).toBe(2);
    expect(p.out.stderr).toContain(`v2xsim run: scenario file with mistakes:\n  ${file}:4:12: ev.soc: must be <= 100, got 120\n  ${file}:6:5: steps[0]: a step has discharge and stop: give exactly one (a list item each)\n`);
    expect(p.out.stdout).toBe('');
  }, 30_000);

  it('bad flags: --jobs 0, a process’s --sim-epoch that is no time: exit 2', async () => {
    const jobs = v2xsim(['run', '--jobs', '0', 'scenarios/v1g-iso2-dc.yaml']);
    expect(await jobs.exited).toBe(2);
    expect(jobs.out.stderr).toContain('--jobs must be a whole number ≥ 1');
    const epoch = v2xsim(['evse', '--sim-epoch', 'noon']);
    expect(await epoch.exited).toBe(2);
    expect(epoch.out.stderr).toContain("option '--sim-epoch <iso|ms>' argument 'noon' is invalid. expected an ISO 8601 date-time with a time zone");
  }, 30_000);
});
