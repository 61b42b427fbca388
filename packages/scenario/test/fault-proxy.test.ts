// The fault proxy over real sockets: bytes pass unchanged and in order, latency is added per
// direction, a hold delays everything, and dropped connections are reset.
import { createServer, connect, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FaultProxy } from '../src/index.js';

let echo: Server;
let port = 0;
beforeAll(async () => {
  echo = createServer((s) => {
    s.on('error', () => undefined);
    s.pipe(s);
  });
  await new Promise<void>((r) => echo.listen(0, '127.0.0.1', () => r()));
  port = (echo.address() as { port: number }).port;
});
afterAll(() => new Promise<void>((r) => echo.close(() => r())));

async function client(proxy: FaultProxy): Promise<{ socket: Socket; received: () => string; closed: Promise<string> }> {
  const socket = connect({ host: proxy.host, port: proxy.port });
  await new Promise<void>((r) => socket.once('connect', () => r()));
  let data = '';
  socket.setEncoding('utf8').on('data', (d: string) => (data += d));
  const closed = new Promise<string>((r) => {
    socket.on('error', (e: NodeJS.ErrnoException) => r(e.code ?? e.message));
    socket.on('close', () => r('closed'));
  });
  return { socket, received: () => data, closed };
}

const until = async (cond: () => boolean, ms = 3000): Promise<void> => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 2));
  }
};

describe('FaultProxy', () => {
  it('forwards bytes in order under jitter, with the latency added each way', async () => {
    const proxy = await new FaultProxy({ target: { host: '127.0.0.1', port }, latencyMs: 40, jitterMs: 30 }).start();
    const c = await client(proxy);
    const t0 = performance.now();
    const sent = Array.from({ length: 20 }, (_, i) => `chunk-${i};`).join('');
    for (let i = 0; i < 20; i++) c.socket.write(`chunk-${i};`);
    await until(() => c.received().length === sent.length);
    // two ways through the proxy: at least 2 × 40 ms
    expect(performance.now() - t0).toBeGreaterThanOrEqual(79);
    expect(c.received()).toBe(sent);
    expect(proxy.stats).toMatchObject({ connections: 1, bytesUp: sent.length, bytesDown: sent.length });
    c.socket.destroy();
    await proxy.close();
  });

  it('holds all traffic for a while, then lets it through', async () => {
    const proxy = await new FaultProxy({ target: { host: '127.0.0.1', port } }).start();
    const c = await client(proxy);
    proxy.hold(150);
    const t0 = performance.now();
    c.socket.write('x');
    await until(() => c.received() === 'x');
    expect(performance.now() - t0).toBeGreaterThanOrEqual(140);
    proxy.set({ latencyMs: 0 });
    c.socket.write('y');
    await until(() => c.received() === 'xy');
    c.socket.destroy();
    await proxy.close();
  });

  it('drops every connection at once (reset), and takes new ones', async () => {
    const proxy = await new FaultProxy({ target: { host: '127.0.0.1', port } }).start();
    const a = await client(proxy);
    const b = await client(proxy);
    await until(() => proxy.stats.connections === 2);
    expect(proxy.dropConnections()).toBe(2);
    expect(await a.closed).toMatch(/ECONNRESET|closed/);
    expect(await b.closed).toMatch(/ECONNRESET|closed/);
    const c = await client(proxy);
    c.socket.write('again');
    await until(() => c.received() === 'again');
    expect(proxy.stats).toMatchObject({ connections: 3, dropped: 2 });
    c.socket.destroy();
    await proxy.close();
  });
});
