// `v2xsim run --attach`: the runner uses an EVSE the test started (as under compose), starts only
// the EV, follows the EVSE's trace over its control API, and leaves the EVSE running.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { children, until, v2xsim } from './support/processes.js';

const out = mkdtempSync(join(tmpdir(), 'v2xsim-scenario-attach-'));
afterAll(() => {
  for (const c of children) c.kill('SIGKILL');
  rmSync(out, { recursive: true, force: true });
});

describe('v2xsim run --attach', () => {
  it('drives a session against a running EVSE and checks its journeys and meter', async () => {
    const evse = v2xsim(['evse', '--id', 'evse-compose', '--no-sdp', '--port', '0', '--speed', '600', '--max-power', '50000']);
    const control = await until(() => /control=(http\S+)/.exec(evse.out.stderr)?.[1], 'EVSE banner', evse);
    const file = join(out, 'attach.yaml');
    writeFileSync(
      file,
      `name: attach
clock: { speed: 600 }
timeoutS: 25
stack: { iso15118: { version: iso15118-2 } }
driver: { targetSoc: 30 }
steps:
  - after: { actor: evse-compose, message: CurrentDemandReq }
    at: 60
    set-limit: { maxPowerW: 20000 }
expect:
  - session: { ok: true, stopReason: charging-complete }
  - journey: { object: evMaxChargePower, reaches: evse-compose }
  - energyBalance: { evse: evse-compose }
`,
    );
    const p = v2xsim(['run', file, '--out', out, '--attach', `evse=${control}`]);
    expect(await p.exited, p.out.stdout + p.out.stderr).toBe(0);
    expect(p.out.stdout).toContain(`evse-compose attached: control ${control}, secc [::1]:`);
    expect(p.out.stdout).toMatch(/step 1 set-limit @60s: evse-compose set-limit \{"maxPowerW":20000\}/);
    expect(p.out.stdout).toMatch(/✓ PASSED attach: 3\/3 expectations/);
    const trace = readFileSync(join(out, 'attach', 'trace.ndjson'), 'utf8');
    expect(trace).toMatch(/"actor":"evse-compose"[^\n]*"message":"CurrentDemandRes"/);
    // the attached EVSE is still serving
    const health = (await (await fetch(`${control}/health`)).json()) as { sessionsServed: number; limits: { operatorMaxPowerW?: number } };
    expect(health).toMatchObject({ sessionsServed: 1, limits: { operatorMaxPowerW: 20000 } });
    evse.child.kill('SIGTERM');
    await evse.exited;
  }, 30_000);
});
