// `v2xsim run` on the repository's scenarios, as CI runs them: the runner starts the EVSE and the
// EV as separate OS processes, drives the steps, collects the traces into one NDJSON file, checks
// the expectations, and writes JUnit and the HTML report.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { analysis } from '@v2xsim/trace';
import { children, v2xsim } from './support/processes.js';

const out = mkdtempSync(join(tmpdir(), 'v2xsim-scenario-run-'));
afterAll(() => {
  for (const c of children) c.kill('SIGKILL');
  rmSync(out, { recursive: true, force: true });
});

async function run(name: string) {
  const junit = join(out, `${name}.junit.xml`);
  const report = join(out, 'report');
  const p = v2xsim(['run', `scenarios/${name}.yaml`, '--out', join(out, 'runs'), '--junit', junit, '--report', report]);
  const code = await p.exited;
  const trace = await analysis.readTraceFile(join(out, 'runs', name, 'trace.ndjson'));
  return { code, stdout: p.out.stdout, stderr: p.out.stderr, junit: readFileSync(junit, 'utf8'), html: readFileSync(join(report, `${name}.html`), 'utf8'), trace };
}

describe('v2xsim run: the scenarios of the repository', () => {
  it('V1G: ISO 15118-2 DC from 20 % to 40 %, the site lowers its limit mid-session (a renegotiation)', async () => {
    const r = await run('v1g-iso2-dc');
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/✓ PASSED v1g-iso2-dc: 9\/9 expectations/);
    expect(r.stdout).toMatch(/step 1 the site lowers its limit: evse set-limit \{"maxPowerW":30000\} → \{"changed":true/);
    // one NDJSON file with both processes' events, complete and in order
    expect(r.trace.errors).toEqual([]);
    expect(r.trace.truncated).toBe(false);
    const actors = new Set(r.trace.events.map((e) => e.actor));
    expect([...actors].sort()).toEqual(['ev', 'evse']);
    for (const m of ['SessionSetupReq', 'CurrentDemandReq', 'SessionStopRes']) for (const a of actors) expect(r.trace.events.some((e) => e.actor === a && e.message === m), `${a} ${m}`).toBe(true);
    // JUnit: a test case per expectation, none failed
    expect(r.junit).toMatch(/<testsuite name="v1g-iso2-dc" tests="10" failures="0"/);
    expect(r.junit).toMatch(/<testcase classname="v1g-iso2-dc" name="journey evMaxChargePower → EVSE">/);
    // the report: verdict, plots, the timing table, a sequence diagram per journey
    expect(r.html).toMatch(/<span class="pass">PASSED<\/span> — 9\/9 expectations met/);
    expect(r.html).toMatch(/<svg[^>]*aria-label="State of charge"/);
    expect(r.html).toMatch(/<table class="timing">.*<td>iso15118-2<\/td><td>CurrentDemand<\/td><td>evcc-msg-timeout<\/td>/s);
    expect(r.html).toMatch(/<section class="journey" id="j-evMaxChargePower">.*?<svg[^>]*class="seq"[^>]*aria-label="evMaxChargePower journey">.*?ChargeParameterDiscoveryReq/s);
    expect(r.html).not.toMatch(/<script/);
  }, 30_000);

  it('V2G: ISO 15118-20 DC_BPT (SCALE) — charge, discharge on command, charge, stop; meters match the EV', async () => {
    const r = await run('v2g-iso20-dc-bpt');
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/step 1 discharge on command: evse discharge \{"setpointW":-8000\} → \{"setpointW":-8000,"service":"DC_BPT","controlMode":"Scheduled","renegotiation":true\}/);
    expect(r.stdout).toMatch(/✓ energyBalance: meter import [\d.]+ Wh vs EV [\d.]+ Wh, export [\d.]+ Wh vs EV [\d.]+ Wh/);
    expect(r.stdout).toMatch(/✓ PASSED v2g-iso20-dc-bpt: 8\/8 expectations/);
    expect(r.trace.events.some((e) => e.protocol === 'iso15118-20' && e.message === 'DC_ChargeLoopReq' && e.actor === 'evse')).toBe(true);
    expect(r.junit).toMatch(/<testsuite name="v2g-iso20-dc-bpt" tests="9" failures="0"/);
    // the setpoint as a step line in the power plot, and the renegotiations in the timing section
    expect(r.html).toMatch(/EVSE setpoint W/);
    expect(r.html).toMatch(/Renegotiations \(D2\.3 §11\.2/);
  }, 30_000);
});
