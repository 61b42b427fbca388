import { spawn } from 'node:child_process';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { CableError, createCableListener, plugIn } from '../src/cable/index.js';
import type { CableEvent, CablePlug, CableSocket, CableTraceEvent, PlugInOptions } from '../src/cable/index.js';

const sockets: CableSocket[] = [];
const plugs: CablePlug[] = [];
afterEach(async () => {
  for (const plug of plugs.splice(0)) plug.destroy();
  await Promise.all(sockets.splice(0).map((s) => s.close()));
});

async function outlet(options: Parameters<typeof createCableListener>[0] = {}): Promise<CableSocket> {
  const socket = await createCableListener(options);
  sockets.push(socket);
  return socket;
}

async function connect(socket: CableSocket, options: Partial<PlugInOptions> = {}): Promise<CablePlug> {
  const plug = await plugIn({ port: socket.port, ...options });
  plugs.push(plug);
  return plug;
}

/** A raw TCP client, to send lines a CablePlug never would. */
async function raw(port: number): Promise<{ socket: net.Socket; lines: string[] }> {
  const socket = net.connect({ host: '127.0.0.1', port });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  const lines: string[] = [];
  let buffered = '';
  socket.on('data', (chunk: Buffer) => {
    buffered += chunk.toString('utf8');
    const parts = buffered.split('\n');
    buffered = parts.pop()!;
    lines.push(...parts);
  });
  socket.on('error', () => undefined);
  return { socket, lines };
}

/** The part of an event both ends must agree on. */
const shared = (e: CableEvent): string => {
  switch (e.type) {
    case 'cp':
      return `${e.n} cp ${e.previous}→${e.state} by ${e.by}`;
    case 'pwm':
      return `${e.n} pwm ${e.previous}→${e.duty}`;
    case 'plugged':
      return `${e.n} plugged ${e.state} ${e.duty} ${e.cableCurrentA}A`;
    case 'unplugged':
      return `${e.n} unplugged ${e.reason}`;
  }
};

const until = async (condition: () => boolean, timeoutMs = 2000): Promise<void> => {
  const end = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
};

describe('the cable over loopback', () => {
  it('plug-in, 5 % PWM, S2 closed, unplug: both ends see the same sequence', async () => {
    const evse = await outlet();
    expect(evse.host).toBe('127.0.0.1');
    expect(evse.state).toBe('A');
    const evseCp: string[] = [];
    evse.on('cp', (e) => evseCp.push(e.state));

    const plugged = evse.waitFor('plugged');
    const ev = await connect(evse, { cableCurrentA: 20 });
    // plug in → the EVSE sees B
    const p = await plugged;
    expect(p).toMatchObject({ type: 'plugged', state: 'B', duty: null, cableCurrentA: 20, by: 'ev' });
    expect(p.receivedAt).toBeGreaterThanOrEqual(p.t);
    expect(evse.state).toBe('B');
    expect(evse.plugged).toBe(true);
    expect(evse.cableCurrentA).toBe(20);
    expect(ev.state).toBe('B');

    // the EVSE sets 5 % → the EV sees it
    const evSeesPwm = ev.waitFor('pwm');
    const commit = await evse.setPwm(5);
    expect(commit.ackedAt).toBeGreaterThanOrEqual(commit.t);
    expect(await evSeesPwm).toMatchObject({ duty: 5, previous: null, by: 'evse', n: commit.n, t: commit.t });
    expect(ev.duty).toBe(5);

    // the EV closes S2 → the EVSE sees C
    const evseSeesC = evse.waitFor('cp', (e) => e.state === 'C');
    const closed = await ev.setState('C');
    const c = await evseSeesC;
    expect(c).toMatchObject({ previous: 'B', by: 'ev', n: closed.n, t: closed.t });
    expect(evse.state).toBe('C');
    expect(ev.state).toBe('C');

    // unplug → the EVSE sees A
    const unplugged = evse.waitFor('unplugged');
    await ev.unplug();
    expect(await unplugged).toMatchObject({ reason: 'unplug', by: 'ev' });
    expect(evse.state).toBe('A');
    expect(evse.plugged).toBe(false);
    expect(evse.cableCurrentA).toBeUndefined();
    expect(ev.state).toBe('A');
    expect(evseCp).toEqual(['B', 'C', 'A']);

    expect(ev.events.map(shared)).toEqual([
      '1 plugged B null 20A',
      '1 cp A→B by ev',
      '2 pwm null→5',
      '3 cp B→C by ev',
      '4 unplugged unplug',
      '4 cp C→A by ev',
    ]);
    expect(evse.events.map(shared)).toEqual(ev.events.map(shared));
    await expect(ev.setState('B')).rejects.toMatchObject({ code: 'UNPLUGGED' });
  });

  it('keeps one order when both ends change the cable at the same time', async () => {
    const evse = await outlet();
    evse.on('plugged', () => void evse.setPwm(5));
    const ev = await connect(evse);
    const changes = [ev.setState('C'), evse.setPwm(50), ev.setState('B'), evse.setPwm(5), ev.setState('D'), evse.setPwm(null)];
    await Promise.all(changes);
    await until(() => evse.events.length === ev.events.length && evse.state === 'D');
    expect(evse.events.map(shared)).toEqual(ev.events.map(shared));
    expect(evse.events.map((e) => e.n)).toEqual([...evse.events.map((e) => e.n)].sort((a, b) => a - b));
    expect(ev.duty).toBeNull();
    expect(evse.state).toBe('D');
  });

  it('tells the EV the PWM that was on before it plugged in', async () => {
    const evse = await outlet();
    await evse.setPwm(5); // while unplugged: committed at once, nobody to acknowledge it
    const ev = await connect(evse);
    expect(ev.events[0]).toMatchObject({ type: 'plugged', duty: 5 });
    expect(ev.duty).toBe(5);
  });

  it('signals state F from the EVSE and clears it with the next PWM', async () => {
    const evse = await outlet();
    const ev = await connect(evse);
    await evse.setPwm(5);
    const f = ev.waitFor('cp', (e) => e.state === 'F');
    await evse.setFault();
    expect(await f).toMatchObject({ previous: 'B', by: 'evse' });
    expect(ev.duty).toBeNull();
    expect(ev.fault).toBe(true);
    expect(evse.state).toBe('F');
    const back = ev.waitFor('cp', (e) => e.state === 'B');
    await evse.setPwm(5);
    await back;
    expect(ev.fault).toBe(false);
    expect(evse.state).toBe('B');
  });

  it('ignores malformed lines, reports them, and keeps working', async () => {
    const evse = await outlet();
    const errors: CableError[] = [];
    evse.on('error', (e) => errors.push(e));
    const { socket, lines } = await raw(evse.port);
    socket.write('this is not json\n');
    socket.write('{"type":"cp","seq":1,"t":1,"state":"C"}\n'); // valid, but before plug
    socket.write('{"type":"plug","v":1,"seq":1,"t":1,"cableCurrentA":16,"state":"B"}\n'); // 16 A: no such cable
    socket.write(`${'x'.repeat(5000)}\n`);
    socket.write('{"type":"plug","v":1,"seq":2,"t":1718000000000.25,"cableCurrentA":32,"state":"B"}\n');
    await until(() => evse.plugged);
    socket.write('[]\n{"type":"cp","seq":3,"t":1718000000001.5,"state":"C"}\n{"type":"plug","v":1,"seq":4,"t":2,"cableCurrentA":32,"state":"B"}\n');
    await until(() => evse.state === 'C' && errors.length === 6);
    expect(errors.map((e) => e.code)).toEqual(['MALFORMED', 'UNEXPECTED', 'MALFORMED', 'LINE_TOO_LONG', 'MALFORMED', 'UNEXPECTED']);
    expect(errors[0]!.line).toBe('this is not json');
    expect(lines.map((l) => JSON.parse(l) as Record<string, unknown>)).toEqual([
      { type: 'ack', seq: 2, n: 1, t: expect.any(Number), duty: null, fault: false },
      { type: 'ack', seq: 3, n: 2, t: expect.any(Number) },
    ]);
    // A malformed ack from the EV does not block the EVSE's change either.
    socket.write('{"type":"ack","n":"x"}\n');
    const commit = evse.setPwm(5);
    await until(() => lines.length === 3);
    expect(JSON.parse(lines[2]!)).toMatchObject({ type: 'pwm', n: 3, duty: 5 });
    socket.write(`${JSON.stringify({ type: 'ack', n: 3, t: 42 })}\n`);
    expect((await commit).ackedAt).toBe(42);
    socket.destroy();
  });

  it('the EV ignores malformed lines from the EVSE', async () => {
    const server = net.createServer((s) => {
      s.once('data', () => {
        s.write('{"type":"ack","seq":1,"n":1,"t":1,"duty":null,"fault":false}\n');
        setTimeout(() => s.write('garbage\n{"type":"pwm","n":2,"t":2,"duty":500}\n{"type":"pwm","n":3,"t":3,"duty":5}\n'), 30);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as net.AddressInfo).port;
    try {
      const errors: CableError[] = [];
      const ev = await plugIn({ port });
      plugs.push(ev);
      ev.on('error', (e) => errors.push(e));
      await until(() => ev.duty === 5);
      expect(errors.map((e) => e.code)).toEqual(['MALFORMED', 'MALFORMED']);
      expect(ev.events.map(shared)).toEqual(['1 plugged B null 32A', '1 cp A→B by ev', '3 pwm null→5']);
    } finally {
      server.close();
    }
  });

  it('refuses a second EV while one is plugged in', async () => {
    const evse = await outlet();
    await connect(evse);
    await expect(plugIn({ port: evse.port })).rejects.toMatchObject({ name: 'CableError', code: 'OCCUPIED' });
    expect(evse.plugged).toBe(true);
  });

  it('survives an abrupt EV death (socket destroyed): unplugged, state A, ready for the next EV', async () => {
    const evse = await outlet();
    const ev = await connect(evse);
    await ev.setState('C');
    await until(() => evse.state === 'C');
    const unplugged = evse.waitFor('unplugged');
    const evSide = ev.waitFor('unplugged');
    ev.destroy();
    expect(await unplugged).toMatchObject({ reason: 'connection-lost', by: 'evse' });
    expect(await evSide).toMatchObject({ reason: 'closed' });
    expect(evse.state).toBe('A');
    // setPwm while unplugged still works and resolves at once
    expect((await evse.setPwm(5)).ackedAt).toBeUndefined();
    const next = await connect(evse, { cableCurrentA: 63 });
    expect(next.duty).toBe(5);
    expect(evse.state).toBe('B');
  });

  it('survives the EV process being killed (SIGKILL)', async () => {
    const evse = await outlet();
    const script = `
      const s = require('node:net').connect(${evse.port}, '127.0.0.1', () =>
        s.write(JSON.stringify({ type: 'plug', v: 1, seq: 1, t: Date.now(), cableCurrentA: 13, state: 'B' }) + '\\n'));
      s.on('data', (d) => process.stdout.write(d));
      setInterval(() => {}, 1000);`;
    const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    const acked = new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
    await acked;
    expect(evse.state).toBe('B');
    expect(evse.cableCurrentA).toBe(13);
    const unplugged = evse.waitFor('unplugged', undefined, { timeoutMs: 5000 });
    child.kill('SIGKILL');
    expect(await unplugged).toMatchObject({ reason: 'connection-lost' });
    expect(evse.state).toBe('A');
    const ev = await connect(evse);
    expect(ev.plugged).toBe(true);
  });

  it('the EV sees the EVSE go away as an unplug', async () => {
    const evse = await outlet();
    const ev = await connect(evse);
    const unplugged = ev.waitFor('unplugged');
    await evse.close();
    sockets.splice(0);
    expect(await unplugged).toMatchObject({ reason: 'connection-lost', by: 'ev' });
    expect(ev.state).toBe('A');
  });

  it('rejects a plug-in with nothing listening', async () => {
    const evse = await outlet();
    const port = evse.port;
    await evse.close();
    sockets.splice(0);
    const error = await plugIn({ port }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CableError);
    expect(error).toMatchObject({ code: 'SOCKET' });
  });

  it('traces every line on both ends', async () => {
    const evseTrace: CableTraceEvent[] = [];
    const evTrace: CableTraceEvent[] = [];
    const evse = await outlet({ trace: (e) => evseTrace.push(e) });
    const ev = await connect(evse, { trace: (e) => evTrace.push(e) });
    await evse.setPwm(5);
    await ev.unplug();
    const brief = (e: CableTraceEvent): string => `${e.direction} ${(JSON.parse(e.line) as { type: string }).type}`;
    expect(evTrace.map(brief)).toEqual(['tx plug', 'rx ack', 'rx pwm', 'tx ack', 'tx unplug', 'rx ack']);
    expect(evseTrace.map(brief)).toEqual(['rx plug', 'tx ack', 'tx pwm', 'rx ack', 'rx unplug', 'tx ack']);
  });

  it('waitFor times out with a CableError', async () => {
    const evse = await outlet();
    await expect(evse.waitFor('plugged', undefined, { timeoutMs: 20 })).rejects.toMatchObject({ code: 'TIMEOUT' });
  });
});
