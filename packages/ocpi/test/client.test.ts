// OcpiHttpClient over real HTTP: envelope unwrapping, typed errors, retries only where the method
// is idempotent (GET/PUT/DELETE), a new X-Request-ID per attempt with the same X-Correlation-ID.
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemorySink, Tracer } from '@v2xsim/trace';
import { OcpiError, OcpiHttpClient, OcpiTransportError, ocpiFailure, ocpiSuccess } from '../src/index.js';

describe('OcpiHttpClient', () => {
  let app: FastifyInstance;
  let base: string;
  const seen: { method: string; requestId: string; correlationId: string; auth?: string }[] = [];
  let failures = 0;
  beforeAll(async () => {
    app = Fastify();
    app.addHook('onRequest', async (req) => {
      seen.push({ method: req.method, requestId: String(req.headers['x-request-id']), correlationId: String(req.headers['x-correlation-id']), auth: req.headers.authorization });
    });
    const flaky = async (_req: unknown, reply: { code(n: number): { send(x: unknown): unknown } }) => {
      if (failures > 0) {
        failures--;
        return reply.code(503).send('busy');
      }
      return reply.code(200).send(ocpiSuccess({ ok: true }));
    };
    app.get('/flaky', flaky);
    app.put('/flaky', flaky);
    app.post('/flaky', flaky);
    app.patch('/flaky', flaky);
    app.get('/error', async (_req, reply) => reply.code(400).send(ocpiFailure(2001, 'missing field')));
    app.get('/ocpi-error-200', async () => ocpiFailure(3000, 'hiccup'));
    app.get('/html', async (_req, reply) => reply.type('text/html').send('<html>hi</html>'));
    await app.listen({ host: '127.0.0.1', port: 0 });
    base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  });
  afterAll(async () => app.close());

  it('unwraps the envelope and sends the Base64 token, ids and JSON', async () => {
    const sink = new MemorySink();
    const http = new OcpiHttpClient({ tracer: new Tracer({ actor: 't', link: 'csms-scsp', sinks: [sink] }) });
    seen.length = 0;
    const res = await http.call<{ ok: boolean }>({ method: 'GET', url: `${base}/flaky`, token: 'example-token', traceName: 'GET /x' });
    expect(res.envelope.data).toEqual({ ok: true });
    expect(res.httpStatus).toBe(200);
    expect(seen[0].auth).toBe(`Token ${Buffer.from('example-token').toString('base64')}`);
    expect(seen[0].requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(sink.events.map((e) => `${e.direction} ${e.message}`)).toEqual(['tx GET /x', 'rx GET /x response']);
    await http.close();
  });

  it('retries GET and PUT after 503 with a new X-Request-ID and the same X-Correlation-ID', async () => {
    const http = new OcpiHttpClient({ retries: 2, retryDelayMs: 5 });
    for (const method of ['GET', 'PUT'] as const) {
      seen.length = 0;
      failures = 2;
      const res = await http.call({ method, url: `${base}/flaky`, ...(method === 'PUT' ? { body: { a: 1 } } : {}), traceName: 'x' });
      expect(res.envelope.status_code).toBe(1000);
      expect(seen).toHaveLength(3);
      expect(new Set(seen.map((s) => s.requestId)).size).toBe(3);
      expect(new Set(seen.map((s) => s.correlationId)).size).toBe(1);
    }
    failures = 5;
    await expect(http.call({ method: 'GET', url: `${base}/flaky`, traceName: 'x' })).rejects.toBeInstanceOf(OcpiTransportError);
    failures = 0;
    await http.close();
  });

  it('never retries POST or PATCH (not idempotent: commands, CDRs, appended charging periods)', async () => {
    const http = new OcpiHttpClient({ retries: 3, retryDelayMs: 5 });
    for (const method of ['POST', 'PATCH'] as const) {
      seen.length = 0;
      failures = 1;
      await expect(http.call({ method, url: `${base}/flaky`, body: {}, traceName: 'x' })).rejects.toMatchObject({ httpStatus: 503 });
      expect(seen).toHaveLength(1);
    }
    failures = 0;
    await http.close();
  });

  it('an OCPI error status is an OcpiError whatever the HTTP status; no envelope is a transport error', async () => {
    const http = new OcpiHttpClient({ retries: 0 });
    await expect(http.call({ method: 'GET', url: `${base}/error`, traceName: 'x' })).rejects.toMatchObject({ name: 'OcpiError', statusCode: 2001, httpStatus: 400 });
    const e = await http.call({ method: 'GET', url: `${base}/ocpi-error-200`, traceName: 'x' }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(OcpiError);
    expect(e).toMatchObject({ statusCode: 3000, httpStatus: 200 });
    await expect(http.call({ method: 'GET', url: `${base}/html`, traceName: 'x' })).rejects.toBeInstanceOf(OcpiTransportError);
    await expect(http.call({ method: 'GET', url: 'http://127.0.0.1:9/x', traceName: 'x' })).rejects.toBeInstanceOf(OcpiTransportError);
    await http.close();
  });
});
