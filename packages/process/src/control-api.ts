// The control API of a process (ARCHITECTURE.md: the scenario runner drives every process through
// it and collects their trace streams): a small fastify server on loopback with
//   GET  /health          the process's state
//   GET  /actions         the actions it knows
//   POST /actions/<name>  a driver, cable or operator action (JSON body where the action takes one)
//   GET  /trace           the live trace, NDJSON, one event per line as it happens (chunked)
// Every route has a schema; a bad body or an unknown action is a 400 with a clear message, and
// the process keeps running.
import { PassThrough } from 'node:stream';
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import { ndjsonBatcher, ndjsonLine, type TraceEvent, type TraceSink } from '@v2xsim/trace';

/** Keeps the last events (a ring) and fans every new one out to the live /trace streams. */
export class TraceHub implements TraceSink {
  private readonly ring: TraceEvent[] = [];
  /** where the next event goes once the ring is full */
  private next = 0;
  private readonly subscribers = new Set<(event: TraceEvent) => void>();

  constructor(private readonly capacity = 1000) {
    if (!(Number.isInteger(capacity) && capacity > 0)) throw new RangeError(`capacity must be a positive integer, got ${capacity}`);
  }

  write(event: TraceEvent): void {
    if (this.ring.length < this.capacity) this.ring.push(event);
    else {
      this.ring[this.next] = event;
      this.next = (this.next + 1) % this.capacity;
    }
    for (const s of this.subscribers) s(event);
  }

  /** the last `n` events, oldest first */
  recent(n: number): TraceEvent[] {
    if (!(n > 0)) return [];
    const ordered = this.ring.length < this.capacity ? this.ring : [...this.ring.slice(this.next), ...this.ring.slice(0, this.next)];
    return ordered.slice(-n);
  }

  subscribe(fn: (event: TraceEvent) => void): () => void {
    this.subscribers.add(fn);
    return () => {
      this.subscribers.delete(fn);
    };
  }
}

/** An action refused: the HTTP status and why. */
export class ControlActionError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
    this.name = 'ControlActionError';
  }
}

export interface ControlAction {
  name: string;
  description: string;
  /** JSON schema of the body; without one the action takes no body */
  body?: Record<string, unknown>;
  /** the response (a JSON object); throw ControlActionError (or RangeError → 400) to refuse */
  run(body: never): Record<string, unknown> | Promise<Record<string, unknown>>;
}

export interface ControlApiOptions {
  /** Default 127.0.0.1: the API has no authentication, so it stays on loopback unless told otherwise. */
  host?: string;
  /** Default 0: a free port (see `port` on the result). */
  port?: number;
  health(): Record<string, unknown>;
  /** properties of the /health response (JSON schema), documented and serialised */
  healthProperties?: Record<string, unknown>;
  actions: readonly ControlAction[];
  trace: TraceHub;
}

export interface ControlApi {
  readonly host: string;
  readonly port: number;
  /** http://host:port */
  readonly url: string;
  close(): Promise<void>;
}

const errorSchema = {
  type: 'object',
  properties: { statusCode: { type: 'integer' }, error: { type: 'string' }, message: { type: 'string' } },
} as const;


const reasonOf = (status: number): string => (status === 400 ? 'Bad Request' : status === 404 ? 'Not Found' : status === 409 ? 'Conflict' : status >= 500 ? 'Internal Server Error' : 'Error');

/** `body.targetSoc: must be <= 100`, `body: unknown key "x"`: where, then what */
function validationMessage(err: FastifyError): string {
  return (err.validation ?? [])
    .map((v) => {
      const where = `${err.validationContext ?? 'request'}${v.instancePath.replace(/\//g, '.')}`;
      const params = v.params as { additionalProperty?: string; missingProperty?: string };
      const what =
        v.keyword === 'additionalProperties' ? `unknown key "${params.additionalProperty}"` : v.keyword === 'required' ? `missing key "${params.missingProperty}"` : (v.message ?? v.keyword);
      return `${where}: ${what}`;
    })
    .join('; ');
}

export async function startControlApi(opts: ControlApiOptions): Promise<ControlApi> {
  const app: FastifyInstance = Fastify({
    logger: false,
    // a /trace stream never ends by itself: close() must not wait for it
    forceCloseConnections: true,
    bodyLimit: 64 * 1024,
    // unknown body keys are an error, not silently dropped
    ajv: { customOptions: { removeAdditional: false } },
  });
  const names = opts.actions.map((a) => a.name);
  /** the open /trace streams, each with what ends it */
  const streams = new Set<() => void>();

  app.setErrorHandler((err: FastifyError, _req, reply) => {
    const status = err instanceof ControlActionError ? err.statusCode : err instanceof RangeError ? 400 : (err.statusCode ?? 500);
    const message = err.validation ? validationMessage(err) : err.message;
    void reply.code(status).send({ statusCode: status, error: reasonOf(status), message });
  });
  app.setNotFoundHandler((req, reply) => {
    void reply.code(404).send({ statusCode: 404, error: 'Not Found', message: `no route ${req.method} ${req.url}; try GET /health, GET /actions, POST /actions/<${names.join('|')}>, GET /trace` });
  });

  app.get('/health', { schema: { response: { 200: { type: 'object', additionalProperties: true, properties: opts.healthProperties ?? {} } } } }, () => opts.health());

  app.get(
    '/actions',
    { schema: { response: { 200: { type: 'array', items: { type: 'object', properties: { name: { type: 'string' }, description: { type: 'string' }, body: { type: 'object', additionalProperties: true } } } } } } },
    () => opts.actions.map((a) => ({ name: a.name, description: a.description, ...(a.body ? { body: a.body } : {}) })),
  );

  for (const action of opts.actions) {
    app.post(
      `/actions/${action.name}`,
      {
        schema: {
          ...(action.body ? { body: action.body } : {}),
          response: { 200: { type: 'object', additionalProperties: true, properties: { ok: { type: 'boolean' } } }, '4xx': errorSchema },
        },
      },
      async (req) => ({ ok: true, ...(await action.run((req.body ?? {}) as never)) }),
    );
  }

  app.post(
    '/actions/:action',
    { schema: { params: { type: 'object', properties: { action: { type: 'string' } }, required: ['action'] }, response: { '4xx': errorSchema } } },
    async (req) => {
      const { action } = req.params as { action: string };
      throw new ControlActionError(400, `unknown action "${action}"; this process knows: ${names.join(', ')}`);
    },
  );

  app.get(
    '/trace',
    {
      schema: {
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { history: { type: 'integer', minimum: 0, maximum: 10_000, default: 0, description: 'replay this many past events first' } },
        },
      },
    },
    (req, reply) => {
      const { history } = req.query as { history: number };
      // the response is ours from here: headers go out at once (a client sees the stream open
      // before the first event), then one line per event, chunked, until either side closes
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, { 'content-type': 'application/x-ndjson; charset=utf-8', 'cache-control': 'no-store' });
      res.flushHeaders();
      const stream = new PassThrough();
      stream.pipe(res);
      // the history at once, then live events in batches serialised off the message's path
      for (const e of opts.trace.recent(history)) stream.write(ndjsonLine(e));
      const batcher = ndjsonBatcher((text) => stream.write(text));
      const unsubscribe = opts.trace.subscribe((e) => batcher.push(e));
      const end = () => {
        if (!streams.delete(end)) return;
        unsubscribe();
        batcher.flush();
        stream.end();
      };
      streams.add(end);
      // the client went away (or close() ended the stream)
      res.once('close', end);
    },
  );

  await app.listen({ host: opts.host ?? '127.0.0.1', port: opts.port ?? 0 });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : (opts.port ?? 0);
  const host = opts.host ?? '127.0.0.1';
  return {
    host,
    port,
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    async close() {
      for (const end of streams) end();
      await app.close();
    },
  };
}
