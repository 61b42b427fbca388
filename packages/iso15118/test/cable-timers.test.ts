import { afterEach, describe, expect, it } from 'vitest';
import {
  CABLE_TIMERS,
  CableTimer,
  EvCableTimers,
  EvseCableTimers,
  cableTimerBudget,
  createCableListener,
  plugIn,
} from '../src/cable/index.js';
import type { CableClock, CablePlug, CableSocket, CableTimerResult } from '../src/cable/index.js';
import { v2gTimer } from '../src/timing/index.js';

/** A clock that moves only when told to. */
class FakeClock implements CableClock {
  time = 1_718_000_000_000;
  readonly #timers = new Map<number, { at: number; callback: () => void }>();
  #id = 0;

  now = (): number => this.time;

  setTimeout(callback: () => void, ms: number): unknown {
    const id = ++this.#id;
    this.#timers.set(id, { at: this.time + ms, callback });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.#timers.delete(handle as number);
  }

  advance(ms: number): void {
    const until = this.time + ms;
    for (;;) {
      const due = [...this.#timers].filter(([, t]) => t.at <= until).sort((a, b) => a[1].at - b[1].at)[0];
      if (due === undefined) break;
      this.#timers.delete(due[0]);
      this.time = due[1].at;
      due[1].callback();
    }
    this.time = until;
  }

  get pending(): number {
    return this.#timers.size;
  }
}

const sockets: CableSocket[] = [];
const plugs: CablePlug[] = [];
afterEach(async () => {
  for (const plug of plugs.splice(0)) plug.destroy();
  await Promise.all(sockets.splice(0).map((s) => s.close()));
});

async function pair(
  options: { now?: () => number; pwmFirst?: number } = {},
): Promise<{ evse: CableSocket; ev: CablePlug }> {
  const evse = await createCableListener(options.now !== undefined ? { now: options.now } : {});
  sockets.push(evse);
  if (options.pwmFirst !== undefined) await evse.setPwm(options.pwmFirst);
  const ev = await plugIn({ port: evse.port, ...(options.now !== undefined ? { now: options.now } : {}) });
  plugs.push(ev);
  return { evse, ev };
}

describe('timer budgets come from the timing table', () => {
  it('reads the communication-setup and B→C timers', () => {
    expect(cableTimerBudget('iso2', CABLE_TIMERS.evccCommunicationSetup)).toMatchObject({
      budgetMs: v2gTimer('iso2', 'V2G_EVCC_CommunicationSetup_Timeout').value,
      kind: 'timeout',
    });
    expect(cableTimerBudget('iso2', CABLE_TIMERS.evccCommunicationSetup).budgetMs).toBe(20_000);
    expect(cableTimerBudget('iso2', CABLE_TIMERS.seccCommunicationSetup)).toMatchObject({ budgetMs: 18_000, kind: 'performance' });
    expect(cableTimerBudget('iso2', CABLE_TIMERS.evccBToC)).toMatchObject({ budgetMs: 250, kind: 'performance' });
    expect(cableTimerBudget('iso20', CABLE_TIMERS.seccCommunicationSetup).budgetMs).toBe(18_000);
  });

  it('falls back to the ISO 15118-2 entry for DIN 70121, and says so', () => {
    expect(cableTimerBudget('din', CABLE_TIMERS.evccCommunicationSetup).source).not.toMatch(/no din entry/);
    const bToC = cableTimerBudget('din', CABLE_TIMERS.evccBToC);
    expect(bToC.budgetMs).toBe(250);
    expect(bToC.source).toMatch(/no din entry/);
    expect(() => cableTimerBudget('iso2', 'V2G_Nonexistent')).toThrow(/no iso2 timer/);
  });
});

describe('CableTimer with a fake clock', () => {
  it('a timeout expires when the clock passes its budget', async () => {
    const clock = new FakeClock();
    const expired: CableTimerResult[] = [];
    const timer = new CableTimer({
      name: 'CommunicationSetup',
      timer: CABLE_TIMERS.evccCommunicationSetup,
      kind: 'timeout',
      budgetMs: 20_000,
      source: 'test',
      clock,
      onExpire: (r) => expired.push(r),
    });
    expect(timer.status).toBe('waiting');
    timer.start(clock.time - 500); // started by an event 0.5 s ago
    expect(timer.remainingMs()).toBe(19_500);
    clock.advance(19_499);
    expect(timer.expired).toBe(false);
    clock.advance(1);
    expect(timer.expired).toBe(true);
    expect(timer.status).toBe('expired');
    expect(expired).toHaveLength(1);
    const result = await timer.result;
    expect(result).toMatchObject({ status: 'expired', elapsedMs: 20_000, budgetMs: 20_000, breach: true });
    // A late SessionSetupRes changes nothing.
    expect(timer.done()).toEqual(result);
  });

  it('a performance time keeps running past its budget and reports the breach', async () => {
    const clock = new FakeClock();
    let breached = 0;
    const timer = new CableTimer({
      name: 'x',
      timer: 'y',
      kind: 'performance',
      budgetMs: 100,
      source: 'test',
      clock,
      onExpire: () => (breached += 1),
    });
    timer.start();
    clock.advance(150);
    expect(timer.status).toBe('running');
    expect(timer.expired).toBe(true);
    expect(breached).toBe(1);
    expect(timer.done()).toMatchObject({ status: 'done', elapsedMs: 150, breach: true });
    expect(await timer.result).toMatchObject({ status: 'done' });
    expect(clock.pending).toBe(0);
  });

  it('done in time, cancel, and done while waiting', () => {
    const clock = new FakeClock();
    const make = (): CableTimer =>
      new CableTimer({ name: 'x', timer: 'y', kind: 'timeout', budgetMs: 100, source: 'test', clock });
    const a = make();
    a.start();
    clock.advance(40);
    expect(a.done()).toMatchObject({ status: 'done', elapsedMs: 40, breach: false });
    expect(a.expired).toBe(false);
    const b = make();
    b.start();
    expect(b.cancel()).toMatchObject({ status: 'cancelled', breach: false });
    const c = make();
    expect(c.done()).toMatchObject({ status: 'done', elapsedMs: 0 });
    expect(clock.pending).toBe(0);
  });
});

describe('EV timers over the cable', () => {
  it('V2G_EVCC_CommunicationSetup_Timeout starts at plug-in + 5 % and expires (short injected budget)', async () => {
    const { evse, ev } = await pair();
    const expired: CableTimerResult[] = [];
    const timers = new EvCableTimers(ev, { budgets: { CommunicationSetup: 40 }, onExpire: (r) => expired.push(r) });
    expect(timers.communicationSetup.status).toBe('waiting'); // plugged in, but no 5 % yet
    expect(timers.communicationSetup.budgetMs).toBe(40);
    expect(timers.communicationSetup.source).toMatch(/^override \(table: 20000 ms/);
    const pwm = ev.waitFor('pwm');
    await evse.setPwm(5);
    const seen = await pwm;
    expect(timers.communicationSetup.status).toBe('running');
    expect(timers.communicationSetup.startedAt).toBe(seen.receivedAt); // when the EV saw the 5 %
    const result = await timers.communicationSetup.result;
    expect(result).toMatchObject({ status: 'expired', breach: true, timer: 'V2G_EVCC_CommunicationSetup_Timeout', budgetMs: 40 });
    expect(timers.communicationSetup.expired).toBe(true);
    expect(expired).toHaveLength(1);
    expect(timers.sessionSetupRes().status).toBe('expired');
    timers.dispose();
  });

  it('SessionSetupRes in time stops it; the table budget is 20 s', async () => {
    const { evse, ev } = await pair();
    const timers = new EvCableTimers(ev);
    await evse.setPwm(5);
    await new Promise((resolve) => setTimeout(resolve, 10));
    const result = timers.sessionSetupRes();
    expect(result).toMatchObject({ status: 'done', budgetMs: 20_000, breach: false });
    expect(result.elapsedMs).toBeGreaterThanOrEqual(5);
    expect(timers.measure('CommunicationSetup')).toEqual(result);
    timers.dispose();
  });

  it('arms at once when the EV plugs into a socket already at 5 % (timers made after plugIn)', async () => {
    const clock = new FakeClock();
    const { ev } = await pair({ now: clock.now, pwmFirst: 5 });
    const plugged = ev.events[0]!;
    clock.advance(1000);
    const timers = new EvCableTimers(ev, { clock });
    expect(timers.communicationSetup.startedAt).toBe(plugged.t);
    expect(timers.communicationSetup.remainingMs()).toBe(19_000);
    clock.advance(18_999);
    expect(timers.communicationSetup.status).toBe('running');
    clock.advance(1);
    expect(timers.communicationSetup.status).toBe('expired');
  });

  it('an unplug cancels it', async () => {
    const { evse, ev } = await pair({ pwmFirst: 5 });
    const timers = new EvCableTimers(ev);
    expect(timers.communicationSetup.status).toBe('running');
    const first = timers.communicationSetup;
    const unplugged = evse.waitFor('unplugged');
    await ev.unplug();
    await unplugged;
    expect(first.status).toBe('cancelled');
    expect(timers.communicationSetup.status).toBe('waiting');
  });

  it("measure('B→C'): PowerDeliveryReq(Start) → CP state C within 250 ms [V2G2-847]", async () => {
    const { evse, ev } = await pair({ pwmFirst: 5 });
    const timers = new EvCableTimers(ev);
    expect(timers.measure('B→C')).toBeUndefined();
    const timer = timers.powerDeliveryStart();
    expect(timers.measure('B→C')).toMatchObject({ status: 'running', budgetMs: 250 });
    const evseSeesC = evse.waitFor('cp', (e) => e.state === 'C');
    const commit = await ev.setState('C');
    const measured = timers.measure('B→C')!;
    expect(measured).toMatchObject({ name: 'B→C', timer: 'V2G_EVCC_CP_StateC_Performance_Time', status: 'done', budgetMs: 250, breach: false });
    expect(measured.endedAt).toBe(commit.t); // the moment S2 closed, not the ack
    expect(measured.elapsedMs).toBeLessThan(250);
    expect(await timer.result).toEqual(measured);
    await evseSeesC;
    timers.dispose();
  });

  it("measure('B→C') reports a late switch as a breach", async () => {
    const { ev } = await pair({ pwmFirst: 5 });
    const breaches: CableTimerResult[] = [];
    const timers = new EvCableTimers(ev, { budgets: { 'B→C': 5 }, onExpire: (r) => breaches.push(r) });
    timers.powerDeliveryStart();
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(breaches).toHaveLength(1);
    expect(timers.measure('B→C')).toMatchObject({ status: 'running', breach: true });
    await ev.setState('D');
    const measured = timers.measure('B→C')!;
    expect(measured).toMatchObject({ status: 'done', breach: true });
    expect(measured.elapsedMs).toBeGreaterThanOrEqual(25);
    timers.dispose();
  });
});

describe('EVSE timers over the cable', () => {
  it('V2G_SECC_CommunicationSetup_Performance_Time: PWM 5 % → SessionSetupReq, re-armed per plug-in', async () => {
    const clock = new FakeClock();
    const evse = await createCableListener({ now: clock.now });
    sockets.push(evse);
    const timers = new EvseCableTimers(evse, { clock });
    expect(timers.communicationSetup.budgetMs).toBe(18_000);
    expect(timers.communicationSetup.kind).toBe('performance');
    const ev = await plugIn({ port: evse.port, now: clock.now });
    plugs.push(ev);
    expect(timers.communicationSetup.status).toBe('waiting');
    clock.advance(300);
    const commit = await evse.setPwm(5);
    expect(timers.communicationSetup.startedAt).toBe(commit.t);
    clock.advance(1200);
    expect(timers.sessionSetupReq()).toMatchObject({ status: 'done', elapsedMs: 1200, breach: false });
    expect(timers.measure('B→C')).toBeUndefined();

    // Unplug and plug in again (the PWM stays at 5 %): a fresh timer starts at the plug-in.
    const unplugged = evse.waitFor('unplugged');
    await ev.unplug();
    await unplugged;
    expect(timers.communicationSetup.status).toBe('waiting');
    const plugged = evse.waitFor('plugged');
    const again = await plugIn({ port: evse.port, now: clock.now });
    plugs.push(again);
    const p = await plugged;
    expect(timers.communicationSetup.startedAt).toBe(p.receivedAt);
    clock.advance(18_001);
    expect(timers.communicationSetup).toMatchObject({ status: 'running', expired: true });
    expect(timers.sessionSetupReq()).toMatchObject({ status: 'done', elapsedMs: 18_001, breach: true });
    timers.dispose();
  });
});
