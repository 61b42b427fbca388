// The cable (docs/cable.md) between `v2xsim evse --cable-port 0` and `v2xsim ev --cable HOST:PORT`
// as separate OS processes (bin/v2xsim.js runs packages/cli/dist: `pnpm test` builds first): the EV
// plugs in, waits for PWM 5 %, charges with CP C and reports the cable timers; the EVSE's health
// follows the CP state. An EV unplugged through its control API stops cleanly and the EVSE serves on.
import { afterAll, describe, expect, it } from 'vitest';
import { children, until, v2xsim, type Spawned } from './support/processes.js';

const SPEED = '600';

const getJson = async (url: string): Promise<Record<string, unknown>> => (await (await fetch(url)).json()) as Record<string, unknown>;
const post = async (url: string): Promise<{ status: number; body: Record<string, unknown> }> => {
  const res = await fetch(url, { method: 'POST' });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};

interface Evse extends Spawned {
  secc: number;
  control: string;
  cable: string;
}

async function startEvse(): Promise<Evse> {
  const p = v2xsim(['evse', '--speed', SPEED, '--no-sdp', '--cable-port', '0']);
  const banner = await until(() => /v2xsim evse ready: .*/.exec(p.out.stderr)?.[0], 'EVSE banner', p);
  return {
    ...p,
    secc: Number(/secc=tcp:\/\/\S+:(\d+)/.exec(banner)![1]),
    control: /control=(\S+)/.exec(banner)![1]!,
    cable: /cable=(\S+)/.exec(banner)![1]!,
  };
}

interface CableSummary {
  ok: boolean;
  stopReason?: string;
  energyWh: number;
  messages: Record<string, number>;
  cable?: { communicationSetupMs?: number; bToCMs?: number; breaches: unknown[] };
  error?: string;
}

const summaryOf = (p: Spawned): CableSummary => {
  const line = p.out.stdout.trim().split('\n').filter((l) => l.startsWith('{')).at(-1);
  if (!line) throw new Error(`no summary line\n${p.out.stderr}`);
  return JSON.parse(line) as CableSummary;
};

const cableOf = async (control: string): Promise<Record<string, unknown>> => (await getJson(`${control}/health`)).cable as Record<string, unknown>;

afterAll(() => {
  for (const c of children) c.kill('SIGKILL');
});

describe.concurrent('the cable between the EV and EVSE processes', () => {
  it('plug-in, PWM 5 %, a complete session with CP C, the cable figures in the summary, state A after the EV exits', async () => {
    const evse = await startEvse();
    expect(evse.cable).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(await cableOf(evse.control)).toMatchObject({ plugged: false, state: 'A', duty: null });

    const ev = v2xsim(['ev', '--speed', SPEED, '--summary', '--secc', `[::1]:${evse.secc}`, '--cable', evse.cable, '--target-soc', '25']);
    // while charging, the EVSE sees the EV in state C with its 5 % PWM
    const charging = await until(async () => {
      const c = await cableOf(evse.control);
      return c.state === 'C' ? c : undefined;
    }, 'CP state C at the EVSE', ev);
    expect(charging).toMatchObject({ plugged: true, duty: 5, cableCurrentA: 32, communicationSetup: { status: 'done', budgetMs: 18000, breach: false } });

    expect(await ev.exited).toBe(0);
    const summary = summaryOf(ev);
    expect(summary, ev.out.stderr).toMatchObject({ ok: true, stopReason: 'charging-complete', cable: { breaches: [] } });
    expect(summary.energyWh).toBeGreaterThan(0);
    expect(summary.cable!.communicationSetupMs).toBeGreaterThan(0);
    expect(summary.cable!.communicationSetupMs).toBeLessThan(20_000);
    expect(summary.cable!.bToCMs).toBeGreaterThanOrEqual(0);
    expect(summary.cable!.bToCMs).toBeLessThan(250);
    expect(ev.out.stderr).toMatch(/cable: plugged in at 127\.0\.0\.1:\d+ \(32 A cable\), CP B/);

    const after = await until(async () => {
      const h = await getJson(`${evse.control}/health`);
      return h.sessionsServed === 1 && (h.cable as { state: string }).state === 'A' ? h : undefined;
    }, 'EVSE back in state A');
    expect(after).toMatchObject({ state: 'idle', lastSession: { reason: 'stopped' }, cable: { plugged: false, state: 'A', duty: null } });
    expect(evse.out.stderr).toMatch(/cable: EV plugged in \(32 A cable\), CP B/);
    expect(evse.out.stderr).toMatch(/cable: CP B → C/);
    expect(evse.out.stderr).toMatch(/cable: CP C → B/);
    expect(evse.out.stderr).toMatch(/cable: unplugged \(unplug\)/);
    evse.child.kill('SIGTERM');
    expect(await evse.exited).toBe(0);
  });

  it('an EV unplugged through its control API mid-session stops cleanly; the EVSE returns to A and serves the next EV', async () => {
    const evse = await startEvse();
    const ev = v2xsim(['ev', '--speed', SPEED, '--summary', '--secc', `[::1]:${evse.secc}`, '--cable', evse.cable, '--target-soc', '90']);
    const evControl = await until(() => /control=(\S+)/.exec(ev.out.stderr)?.[1], 'EV banner', ev);
    await until(async () => ((await cableOf(evse.control)).state === 'C' ? true : undefined), 'charging (CP C)', ev);
    expect(await cableOf(evControl)).toMatchObject({ plugged: true, state: 'C', evState: 'C', duty: 5 });
    expect((await post(`${evControl}/actions/plug-in`)).status).toBe(409);
    expect(await post(`${evControl}/actions/unplug`)).toMatchObject({ status: 200, body: { ok: true } });

    expect(await ev.exited).toBe(0);
    const summary = summaryOf(ev);
    expect(summary, ev.out.stderr).toMatchObject({ ok: true, stopReason: 'unplugged', cable: { breaches: [] } });
    expect(summary.messages.SessionStopRes).toBe(1);
    expect(summary.cable!.bToCMs).toBeLessThan(250);
    await until(async () => {
      const h = await getJson(`${evse.control}/health`);
      return h.sessionsServed === 1 && (h.cable as { state: string }).state === 'A' ? true : undefined;
    }, 'EVSE back in state A');

    // the next EV plugs in and charges
    const next = v2xsim(['ev', '--speed', SPEED, '--summary', '--secc', `[::1]:${evse.secc}`, '--cable', evse.cable, '--target-soc', '22']);
    expect(await next.exited).toBe(0);
    expect(summaryOf(next)).toMatchObject({ ok: true, stopReason: 'charging-complete' });
    await until(async () => {
      const h = await getJson(`${evse.control}/health`);
      return h.sessionsServed === 2 && (h.cable as { state: string }).state === 'A' ? true : undefined;
    }, 'EVSE back in state A after the second EV');
    evse.child.kill('SIGTERM');
    expect(await evse.exited).toBe(0);
  });
});
