// `v2xsim run` on every scenario of the repository that no other test runs (scenario-run.test.ts
// and scenario-faults.test.ts run theirs), in one invocation, two at a time, as CI runs them: the
// CSMS, the SCSP, the EVSE's station and the EV as separate OS processes on one sim time line,
// wired together by the runner (the station to the CSMS, the SCSP's OCPI registration with the
// CPO), each scenario's steps sent to the actor that owns them, every expectation met.
import { readdirSync, readFileSync, rmSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { analysis } from '@v2xsim/trace';
import { children, root, v2xsim } from './support/processes.js';

/** run by their own tests */
const DEDICATED = new Set(['v1g-iso2-dc', 'v2g-iso20-dc-bpt', 'fault-latency-ev-evse']);
const names = readdirSync(join(root, 'scenarios'))
  .filter((f) => f.endsWith('.yaml'))
  .map((f) => f.replace(/\.yaml$/, ''))
  .filter((n) => !DEDICATED.has(n));

const out = mkdtempSync(join(tmpdir(), 'v2xsim-scenario-all-'));
afterAll(() => {
  for (const c of children) c.kill('SIGKILL');
  rmSync(out, { recursive: true, force: true });
});

describe('v2xsim run: every scenario of the repository', () => {
  it(`${names.length} scenarios, two at a time: all four processes wired end to end, every expectation met, one sim time line`, async () => {
    const junit = join(out, 'junit.xml');
    const p = v2xsim(['run', ...names.map((n) => `scenarios/${n}.yaml`), '--jobs', '2', '--out', join(out, 'runs'), '--junit', junit]);
    const code = await p.exited;
    expect(code, p.out.stdout + p.out.stderr).toBe(0);
    for (const n of names) expect(p.out.stdout).toMatch(new RegExp(`✓ PASSED ${n}: (\\d+)/\\1 expectations`));
    expect(p.out.stdout).toContain(`${names.length}/${names.length} scenarios passed`);
    const xml = readFileSync(junit, 'utf8');
    for (const n of names) expect(xml).toMatch(new RegExp(`<testsuite name="${n}" tests="\\d+" failures="0"`));

    // the CPO, the eMSP, the station and the EV: one trace, the OCPI credentials handshake with the
    // runner's token A, the driver's change through the eMSP (an OCPI ChargingPreferences PUT)
    const four = await analysis.readTraceFile(join(out, 'runs', 'v1g-iso2-ac-ocpp201-ocpi', 'trace.ndjson'));
    expect(four.errors).toEqual([]);
    expect([...new Set(four.events.map((e) => e.actor))].sort()).toEqual(['csms', 'ev', 'evse', 'scsp']);
    const has = (actor: string, direction: 'tx' | 'rx', message: string | RegExp) => four.events.some((e) => e.actor === actor && e.direction === direction && (typeof message === 'string' ? e.message === message : message.test(e.message)));
    expect(has('csms', 'rx', /^POST \/credentials/)).toBe(true);
    expect(has('csms', 'rx', 'BootNotificationRequest')).toBe(true);
    expect(has('scsp', 'tx', 'PUT /sessions/{session_id}/charging_preferences')).toBe(true);
    expect(p.out.stdout).toMatch(/step 1 the driver leaves 3 h earlier \(eMSP app\): scsp set-preferences \{"sessionId":"[^"]+","profileType":"REGULAR","departureTime":"[^"]+"/);

    // one sim time line: every process's sim time is the run's epoch + (wall time − epoch) × speed
    const clock = (JSON.parse(readFileSync(join(out, 'runs', 'v1g-iso2-ac-ocpp201-ocpi', 'csms.yaml'), 'utf8')) as { clock: { speed: number; epoch: string; start: string } }).clock;
    const epoch = Date.parse(clock.epoch);
    const start = Date.parse(clock.start);
    for (const actor of ['csms', 'scsp', 'evse', 'ev']) {
      const offsets = four.events.filter((e) => e.actor === actor && e.simTime !== undefined).map((e) => (e.simTime! - (start + (e.ts - epoch) * clock.speed)) / 1000);
      expect(offsets.length, actor).toBeGreaterThan(0);
      // tens of ms of wall time between reading the two clocks, at 600×: well under a minute of sim time (without the shared epoch: the start-up gaps, thousands of s)
      expect(Math.max(...offsets.map(Math.abs)), actor).toBeLessThan(30);
    }

    // the CSMS restarted on its ports: the station's offline journal arrived
    expect(p.out.stdout).toMatch(/step 1 the CSMS crashes and comes back: csms killed and restarted in \d+ ms/);
  }, 240_000);
});
