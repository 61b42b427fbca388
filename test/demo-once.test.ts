// `v2xsim demo --once`: the whole demo on loopback as CI runs it. A CSMS, an SCSP registered with
// it, two EVSEs as OCPP 2.1 stations, the dashboard, and one pass of the demo scenarios (a V1G and a
// V2G session at the same time, each EV started by the scenario runner); exit 0 when every
// expectation was met. Usage mistakes exit 2 before anything starts.
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { children, until, v2xsim } from './support/processes.js';

let tmp: string | undefined;

afterAll(async () => {
  // the demo stops its own processes on SIGTERM; SIGKILL only if it does not
  for (const c of children) c.kill('SIGTERM');
  await until(() => (children.size === 0 ? true : undefined), 'the demo stopped', undefined, 20_000).catch(() => undefined);
  for (const c of children) c.kill('SIGKILL');
  if (tmp) await rm(tmp, { recursive: true, force: true });
}, 30_000);

describe('v2xsim demo', () => {
  it('--once: a V1G and a V2G session through the CSMS and the SCSP, every expectation met, exit 0; the dashboard answers meanwhile', async () => {
    tmp = await mkdtemp(join(tmpdir(), 'v2xsim-demo-'));
    const out = join(tmp, 'demo');
    const demo = v2xsim(['demo', '--once', '--speed', '600', '--port', '0', '--out', out]);
    const ready = await until(() => /v2xsim demo ready: dashboard=(\S+) token=(\S+) .*evses=2/.exec(demo.out.stderr) ?? undefined, 'the demo’s banner', demo, 40_000);
    const health = (await (await fetch(new URL('/health', ready[1]))).json()) as { status: string; processes: number };
    expect(health).toMatchObject({ status: 'ok' });
    expect(health.processes).toBeGreaterThanOrEqual(4);
    // a driver action without the token is refused
    expect((await fetch(new URL('/api/sessions/x/unplug', ready[1]), { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } })).status).toBe(401);

    const code = await demo.exited;
    expect(code, `${demo.out.stdout}\n${demo.out.stderr}`).toBe(0);
    expect(demo.out.stdout).toMatch(/✓ pass 1: demo-v1g \(ev-v1g-1\): (\d+)\/\1 expectations/);
    expect(demo.out.stdout).toMatch(/✓ pass 1: demo-v2g \(ev-v2g-2\): (\d+)\/\1 expectations/);
    expect(demo.out.stdout).toMatch(/step 1 the operator discharges/);
    // each run's trace and configuration, the CSMS's database
    expect((await readdir(out)).sort()).toEqual(expect.arrayContaining(['csms-data', 'evse-1', 'evse-2', 'prices.csv']));
    expect(await readdir(join(out, 'evse-1', 'demo-v1g'))).toEqual(expect.arrayContaining(['trace.ndjson', 'ev.yaml']));
  }, 240_000);

  it('usage mistakes exit 2', async () => {
    for (const args of [['--speed', '0'], ['--evses', '0'], ['--port', '70000'], ['--attach', 'ev=http://x:1']]) {
      const p = v2xsim(['demo', ...args]);
      expect(await p.exited, `${args.join(' ')}: ${p.out.stderr}`).toBe(2);
    }
    const help = v2xsim(['demo', '--help']);
    expect(await help.exited).toBe(0);
    expect(help.out.stdout).toMatch(/\$ v2xsim demo\b/);
  });
});
