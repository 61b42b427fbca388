// Station-side connection management: back-off, reconnect after loss, handlers kept.
import { afterEach, describe, expect, it } from 'vitest';
import { backoffDelayMs, OcppClient, OcppServer, type AnyOcppConnection } from '../src/index.js';

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('backoffDelayMs', () => {
  it('doubles from RetryBackOffWaitMinimum at most RetryBackOffRepeatTimes times, plus jitter', () => {
    const opts = { waitMinimumMs: 1000, randomRangeMs: 500, repeatTimes: 3 };
    expect([0, 1, 2, 3, 4, 10].map((n) => backoffDelayMs(n, opts, () => 0))).toEqual([1000, 2000, 4000, 8000, 8000, 8000]);
    expect(backoffDelayMs(0, opts, () => 0.5)).toBe(1250);
    expect(backoffDelayMs(2, opts, () => 0.999)).toBeCloseTo(4499.5);
  });
});

describe('OcppClient', () => {
  it('reconnects after the connection is lost and keeps its handlers', async () => {
    const server = new OcppServer();
    const { url } = await server.listen();
    cleanups.push(() => server.close());
    const conns: AnyOcppConnection[] = [];
    server.on('connection', (c) => conns.push(c));
    const client = new OcppClient({ url, identity: 'CS-R', protocols: ['2.0.1'], reconnect: { waitMinimumMs: 20, randomRangeMs: 10, repeatTimes: 2 } });
    cleanups.push(() => client.close());
    client.handle('Reset', () => ({ status: 'Accepted' }));
    const reconnecting: number[] = [];
    client.on('reconnecting', (r) => reconnecting.push(r.delayMs));
    await client.connect();
    const reopened = new Promise((resolve) => client.once('open', resolve));
    conns[0]!.terminate();
    await reopened;
    expect(reconnecting).toHaveLength(1);
    expect(reconnecting[0]).toBeGreaterThanOrEqual(20);
    expect(conns).toHaveLength(2);
    await expect(conns[1]!.callUnchecked('Reset', { type: 'Immediate' })).resolves.toEqual({ status: 'Accepted' });
    await expect(client.call('Heartbeat', {}).catch((e: { code: string }) => e.code)).resolves.toBe('NotSupported');
  });

  it('retries a first connect until the CSMS is there', async () => {
    const server = new OcppServer();
    const { url, port } = await server.listen();
    await server.close();
    const client = new OcppClient({ url, identity: 'CS-LATE', protocols: ['1.6'], reconnect: { waitMinimumMs: 30, randomRangeMs: 0, repeatTimes: 1 } });
    cleanups.push(() => client.close());
    const errors: string[] = [];
    client.on('reconnecting', (r) => errors.push(r.error?.message ?? ''));
    const connected = client.connect();
    await new Promise((r) => setTimeout(r, 50));
    const again = new OcppServer();
    await again.listen(port);
    cleanups.push(() => again.close());
    const conn = await connected;
    expect(conn.version).toBe('1.6');
    expect(errors.length).toBeGreaterThanOrEqual(1);
    expect(errors[0]).toMatch(/ECONNREFUSED/);
  });

  it('validates identities: at most 48 characters, no colon', () => {
    expect(() => new OcppClient({ url: 'ws://x', identity: 'a:b', protocols: ['2.1'] })).toThrow(RangeError);
    expect(() => new OcppClient({ url: 'ws://x', identity: 'x'.repeat(49), protocols: ['2.1'] })).toThrow(RangeError);
  });

  it('stops on close(): pending connect rejects, no more attempts', async () => {
    const client = new OcppClient({ url: 'ws://127.0.0.1:9', identity: 'CS-GONE', protocols: ['2.1'], reconnect: { waitMinimumMs: 1000, randomRangeMs: 0, repeatTimes: 0 } });
    const connected = client.connect().catch((e: Error) => e.name);
    await new Promise((r) => setTimeout(r, 30));
    await client.close();
    await expect(connected).resolves.toBe('OcppConnectionClosedError');
  });
});

describe('keep-alive', () => {
  it('ends a connection whose peer stops answering WebSocket pings, keeps one that answers', async () => {
    const { default: WebSocket } = await import('ws');
    const server = new OcppServer({ pingIntervalMs: 150 });
    const { url } = await server.listen();
    cleanups.push(() => server.close());
    const open = (identity: string, autoPong: boolean) =>
      new Promise<InstanceType<typeof WebSocket>>((resolve, reject) => {
        const ws = new WebSocket(`${url}/${identity}`, ['ocpp2.0.1'], { autoPong });
        ws.once('open', () => resolve(ws));
        ws.once('error', reject);
      });
    const closed = new Map<string, boolean>();
    server.on('connection', (c) => c.once('close', () => closed.set(c.identity, true)));
    const mute = await open('CS-MUTE', false);
    const alive = await open('CS-ALIVE', true);
    cleanups.push(async () => {
      mute.terminate();
      alive.terminate();
    });
    // the mute peer misses the first ping's pong and is cut at the second one
    await new Promise((r) => setTimeout(r, 700));
    expect(closed.get('CS-MUTE')).toBe(true);
    expect(closed.get('CS-ALIVE')).toBeUndefined();
    expect(server.connections.has('CS-ALIVE')).toBe(true);
  });
});
