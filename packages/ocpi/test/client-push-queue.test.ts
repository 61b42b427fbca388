// OcpiPushQueue over real HTTP: a peer that hangs (takes the request, never answers), is down, or
// answers 503 for a while, then recovers. Every push arrives, in order, and once per object (the
// receiver keeps objects by id: a retry after an unanswered request is a new request, OCPI
// transport_and_format); a push refused for good is dropped at once; one failing past the limit is
// given up with a log line and a trace event.
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemorySink, Tracer } from '@v2xsim/trace';
import { OcpiHttpClient, OcpiPushQueue, ocpiFailure, ocpiSuccess, retryDelay, isRetryable, OcpiError, OcpiTransportError, DEFAULT_RETRY_POLICY } from '../src/index.js';

type Mode = 'up' | 'hang' | 'hang-after-storing' | 'busy';

describe('OcpiPushQueue', () => {
  let app: FastifyInstance;
  let base: string;
  let mode: Mode = 'up';
  /** object id → how often it arrived; ids in the order they first arrived */
  const arrivals = new Map<string, number>();
  const order: string[] = [];
  let requests = 0;
  const store = (id: string): void => {
    if (!arrivals.has(id)) order.push(id);
    arrivals.set(id, (arrivals.get(id) ?? 0) + 1);
  };
  const never = new Promise<never>(() => undefined);

  beforeAll(async () => {
    // forceCloseConnections: the hung requests must not keep close() waiting
    app = Fastify({ forceCloseConnections: true });
    app.put<{ Params: { id: string } }>('/objects/:id', async (req, reply) => {
      requests++;
      if (mode === 'hang') return never;
      if (mode === 'busy') return reply.code(503).send(ocpiFailure(3000, 'busy'));
      store(req.params.id);
      if (mode === 'hang-after-storing') return never;
      return ocpiSuccess(null);
    });
    app.post<{ Body: { id: string } }>('/events', async (req, reply) => {
      requests++;
      if (mode === 'hang') return never;
      if (mode === 'busy') return reply.code(503).send(ocpiFailure(3000, 'busy'));
      store(req.body.id);
      if (mode === 'hang-after-storing') return never;
      return ocpiSuccess(null);
    });
    app.put('/refuse', async (_req, reply) => reply.code(400).send(ocpiFailure(2001, 'no such field')));
    await app.listen({ host: '127.0.0.1', port: 0 });
    base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  });
  afterAll(async () => app.close());

  const reset = (): void => {
    arrivals.clear();
    order.length = 0;
    requests = 0;
    mode = 'up';
  };

  it('a peer that hangs, then stops answering after storing, then is busy, then recovers: every push arrives in order, once per object', async () => {
    reset();
    const http = new OcpiHttpClient({ timeoutMs: 150, retries: 0 });
    const logs: string[] = [];
    const queue = new OcpiPushQueue({ retry: { baseDelayMs: 20, maxDelayMs: 100 }, log: (l) => logs.push(l) });
    const results: Promise<unknown>[] = [];
    const put = (i: number) =>
      queue.push('peer', { name: `PUT object ${i}`, run: () => http.call({ method: 'PUT', url: `${base}/objects/o${i}`, body: { i }, traceName: 'PUT /objects/{id}' }) });
    const post = (i: number) => queue.push('peer', { name: `POST event ${i}`, run: () => http.call({ method: 'POST', url: `${base}/events`, body: { id: `e${i}` }, traceName: 'POST /events' }) });
    mode = 'hang';
    for (let i = 0; i < 5; i++) results.push(put(i), post(i));
    await new Promise((r) => setTimeout(r, 400));
    mode = 'hang-after-storing';
    await new Promise((r) => setTimeout(r, 300));
    mode = 'busy';
    for (let i = 5; i < 10; i++) results.push(put(i), post(i));
    await new Promise((r) => setTimeout(r, 300));
    expect(queue.size('peer')).toBeGreaterThan(0);
    mode = 'up';
    const outcomes = await Promise.all(results);
    expect(outcomes.every((o) => (o as { status: string }).status === 'delivered')).toBe(true);
    const expected = Array.from({ length: 10 }, (_, i) => [`o${i}`, `e${i}`]).flat();
    expect(order).toEqual(expected);
    // the one stored while the peer did not answer arrived again (a new request); none other twice
    expect([...arrivals.values()].filter((n) => n > 1).length).toBeLessThanOrEqual(1);
    expect(requests).toBeGreaterThan(expected.length);
    expect(logs.some((l) => /PUT object 0 to peer failed: .*trying again with back-off/.test(l))).toBe(true);
    expect(logs.some((l) => /peer reachable again: PUT object 0 delivered after \d+ attempts/.test(l))).toBe(true);
    expect(queue.size()).toBe(0);
    await http.close();
  });

  it('a peer that is down (nothing listens) and comes back on the same port', async () => {
    reset();
    const spare = Fastify();
    spare.put<{ Params: { id: string } }>('/objects/:id', async (req) => (store(req.params.id), ocpiSuccess(null)));
    await spare.listen({ host: '127.0.0.1', port: 0 });
    const port = (spare.server.address() as { port: number }).port;
    await spare.close();
    const http = new OcpiHttpClient({ timeoutMs: 200, retries: 0 });
    const queue = new OcpiPushQueue({ retry: { baseDelayMs: 20, maxDelayMs: 80 } });
    const done = Promise.all([1, 2, 3].map((i) => queue.push('p', { name: `PUT ${i}`, run: () => http.call({ method: 'PUT', url: `http://127.0.0.1:${port}/objects/o${i}`, body: {}, traceName: 'PUT' }) })));
    await new Promise((r) => setTimeout(r, 250));
    expect(order).toEqual([]);
    const back = Fastify();
    back.put<{ Params: { id: string } }>('/objects/:id', async (req) => (store(req.params.id), ocpiSuccess(null)));
    await back.listen({ host: '127.0.0.1', port });
    expect((await done).map((o) => o.status)).toEqual(['delivered', 'delivered', 'delivered']);
    expect(order).toEqual(['o1', 'o2', 'o3']);
    await back.close();
    await http.close();
  });

  it('a push refused for good is dropped at once; the next one goes on', async () => {
    reset();
    const http = new OcpiHttpClient({ timeoutMs: 500, retries: 0 });
    const sink = new MemorySink();
    const logs: string[] = [];
    const queue = new OcpiPushQueue({ retry: { baseDelayMs: 20 }, log: (l) => logs.push(l), tracer: new Tracer({ actor: 'cpo', link: 'csms-scsp', sinks: [sink] }) });
    const refused = queue.push('peer', { name: 'PUT refuse', run: () => http.call({ method: 'PUT', url: `${base}/refuse`, body: {}, traceName: 'PUT /refuse' }) });
    const next = queue.push('peer', { name: 'PUT object 1', run: () => http.call({ method: 'PUT', url: `${base}/objects/o1`, body: {}, traceName: 'PUT /objects/{id}' }) });
    expect(await refused).toMatchObject({ status: 'failed', attempts: 1, error: expect.stringMatching(/status_code 2001/) });
    expect(await next).toEqual({ status: 'delivered', attempts: 1 });
    expect(logs).toEqual([expect.stringMatching(/^ocpi: PUT refuse refused by peer: .*2001/)]);
    expect(sink.events).toEqual([expect.objectContaining({ link: 'control', message: 'ocpi.push-failed', peer: 'peer', error: expect.stringMatching(/2001/) })]);
    await http.close();
  });

  it('gives up only after the limit, with a log line and a trace event; the lane goes on', async () => {
    reset();
    mode = 'busy';
    const http = new OcpiHttpClient({ timeoutMs: 500, retries: 0 });
    const sink = new MemorySink();
    const logs: string[] = [];
    const queue = new OcpiPushQueue({ retry: { baseDelayMs: 20, maxDelayMs: 40, giveUpAfterMs: 300 }, log: (l) => logs.push(l), tracer: new Tracer({ actor: 'cpo', link: 'csms-scsp', sinks: [sink] }) });
    const t0 = Date.now();
    const first = queue.push('peer', { name: 'PUT object 1', run: () => http.call({ method: 'PUT', url: `${base}/objects/o1`, body: {}, traceName: 'PUT /objects/{id}' }) });
    const outcome = await first;
    expect(Date.now() - t0).toBeGreaterThanOrEqual(300);
    expect(outcome).toMatchObject({ status: 'given-up', error: expect.stringMatching(/503/) });
    expect(outcome.attempts).toBeGreaterThan(3);
    expect(logs.at(-1)).toMatch(/^ocpi: gave up PUT object 1 to peer after \d+ attempts over .*: .*503/);
    expect(sink.events.at(-1)).toMatchObject({ link: 'control', protocol: 'control', message: 'ocpi.push-given-up', peer: 'peer', body: expect.objectContaining({ push: 'PUT object 1' }) });
    mode = 'up';
    expect(await queue.push('peer', { name: 'PUT object 2', run: () => http.call({ method: 'PUT', url: `${base}/objects/o2`, body: {}, traceName: 'x' }) })).toEqual({ status: 'delivered', attempts: 1 });
    await http.close();
  });

  it('coalesces a waiting state sync; lanes are independent; close() ends the waiting ones', async () => {
    reset();
    let runs = 0;
    let fail = true;
    const queue = new OcpiPushQueue({ retry: { baseDelayMs: 30, maxDelayMs: 30 } });
    const sync = () => queue.push('a', { name: 'sync S1', coalesce: 'S1', run: async () => ((runs++, fail) ? Promise.reject(new OcpiTransportError('down')) : undefined) });
    const first = sync();
    await new Promise((r) => setTimeout(r, 5));
    const second = sync();
    expect(second).toBe(first);
    expect(await queue.push('b', { name: 'other lane', run: async () => undefined })).toEqual({ status: 'delivered', attempts: 1 });
    fail = false;
    expect(await first).toMatchObject({ status: 'delivered' });
    expect(runs).toBeGreaterThanOrEqual(2);
    fail = true;
    const stuck = queue.push('a', { name: 'stuck', run: async () => Promise.reject(new OcpiTransportError('down')) });
    const behind = queue.push('a', { name: 'behind', run: async () => undefined });
    await new Promise((r) => setTimeout(r, 10));
    queue.close();
    expect((await stuck).status).toBe('closed');
    expect(await behind).toEqual({ status: 'closed', attempts: 0 });
    await queue.idle();
  });

  it('back-off: exponential, bounded, jittered within the upper half; what is worth a retry', () => {
    const p = { baseDelayMs: 100, maxDelayMs: 1_000, giveUpAfterMs: 1 };
    expect(retryDelay(1, p, () => 0)).toBe(50);
    expect(retryDelay(1, p, () => 1)).toBe(100);
    expect(retryDelay(3, p, () => 1)).toBe(400);
    expect(retryDelay(10, p, () => 1)).toBe(1_000);
    expect(retryDelay(10, p, () => 0)).toBe(500);
    expect(DEFAULT_RETRY_POLICY.giveUpAfterMs).toBeGreaterThanOrEqual(3_600_000);
    expect(isRetryable(new OcpiTransportError('ECONNREFUSED'))).toBe(true);
    expect(isRetryable(new OcpiTransportError('HTTP 502 without an envelope', 502))).toBe(true);
    expect(isRetryable(new OcpiTransportError('HTTP 404 without an envelope', 404))).toBe(false);
    expect(isRetryable(new OcpiError(3000, 'busy', 500))).toBe(true);
    expect(isRetryable(new OcpiError(3000, 'busy', 200))).toBe(true);
    expect(isRetryable(new OcpiError(2001, 'bad', 400))).toBe(false);
    expect(isRetryable(new OcpiError(2000, 'unknown', 404))).toBe(false);
    expect(isRetryable(new Error('bug'))).toBe(false);
  });
});
