// The dashboard's web server (fastify): the page (one HTML file, one ES module, one stylesheet,
// no build step, nothing from outside), a JSON API, and one Server-Sent Events stream that pushes
// the new trace events, the sessions that changed (with their plots as inline SVG), the processes
// and the timing table. The dashboard follows processes by their control API URLs: given at start,
// added later (`add`, POST /api/sources), or reported by the scenario runner as it starts them.
import { readFile } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { TraceEvent } from '@v2xsim/trace';
import { isLoopback, newToken, presentedToken, tokenMatches } from './auth.js';
import { DRIVER_ACTIONS, DRIVER_BODIES, DRIVER_REQUIRED, DriverActionError, driverAction, type DriverAction, type DriverRequest } from './driver-actions.js';
import { ProcessSource } from './sources.js';
import { DashboardState, type PricePoint, type Session, type StoredEvent } from './state.js';
import { journeysView, sessionView, timingView, type SessionView, type TimingView } from './views.js';

export interface DashboardSource {
  /** control API URL, e.g. http://127.0.0.1:7100 */
  control: string;
  /** ev, evse, csms, scsp (learnt from /health when it says) */
  kind?: string;
}

export interface DashboardOptions {
  /** listen address (default 127.0.0.1) */
  host?: string;
  /** port (default 0: a free one) */
  port?: number;
  /** the control token (default: a random one) */
  token?: string;
  /** reading without the token from any client, not only loopback (the port is published on loopback only) */
  publicRead?: boolean;
  sources?: readonly DashboardSource[];
  /** day-ahead prices for the price plot (sim time) */
  prices?: readonly PricePoint[];
  /** the page's title */
  title?: string;
  /** /health polling, wall ms (default 500) */
  healthEveryMs?: number;
  /** events replayed from each /trace when first followed (default 1000) */
  history?: number;
  /** SSE push period, wall ms (default 250) */
  pushEveryMs?: number;
  /** events kept (default 20 000) */
  maxEvents?: number;
  /** the battery capacity for SoC ↔ energy in the journeys (default 60 kWh) */
  batteryCapacityWh?: number;
}

export interface ProcessView {
  actor: string;
  kind: string;
  control: string;
  online: boolean;
  active: boolean;
  actions: string[];
  state?: string;
  error?: string;
}

export interface Dashboard {
  readonly url: string;
  readonly host: string;
  readonly port: number;
  readonly token: string;
  readonly state: DashboardState;
  /** follow one more process (again for a URL already followed: the same source) */
  add(control: string, kind?: string): ProcessSource;
  processes(): ProcessView[];
  close(): Promise<void>;
}

const PAGE_DIR = new URL('../page/', import.meta.url);
const PAGE_FILES: Record<string, { file: string; type: string }> = {
  '/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/app.js': { file: 'app.js', type: 'text/javascript; charset=utf-8' },
  '/style.css': { file: 'style.css', type: 'text/css; charset=utf-8' },
};

interface Client {
  res: ServerResponse;
  seq: number;
  versions: Map<string, number>;
  processesSent: number;
  timingSent: number;
}

const TIMING_EVERY_MS = 3000;
const JOURNEYS_EVERY_MS = 3000;
const MAX_EVENTS_PER_PUSH = 600;

export async function startDashboard(opts: DashboardOptions = {}): Promise<Dashboard> {
  const token = opts.token ?? newToken();
  const state = new DashboardState({ ...(opts.prices ? { prices: opts.prices } : {}), ...(opts.maxEvents ? { maxEvents: opts.maxEvents } : {}) });
  const sources = new Map<string, ProcessSource>();
  const clients = new Set<Client>();
  let processesVersion = 0;
  const views = new Map<string, SessionView>();
  let timing: { view: TimingView; seq: number; at: number; version: number } | undefined;
  let timingVersion = 0;

  const page = Object.fromEntries(await Promise.all(Object.entries(PAGE_FILES).map(async ([route, f]) => [route, await readFile(new URL(f.file, PAGE_DIR), 'utf8')] as const)));

  const shownState = new Map<string, unknown>();
  const hooks = {
    onEvent: (_s: ProcessSource, e: TraceEvent) => void state.addEvent(e),
    onHealth: (s: ProcessSource, h: Record<string, unknown>) => {
      state.onHealth(s.actor, s.kind, h);
      // the chips show each process's state
      if (h.state !== shownState.get(s.control)) {
        shownState.set(s.control, h.state);
        processesVersion++;
      }
    },
    onChange: (s: ProcessSource) => {
      processesVersion++;
      if (!s.online && s.kind === 'ev') state.onOffline(s.actor);
    },
  };

  const add = (control: string, kind?: string): ProcessSource => {
    const url = control.replace(/\/+$/, '');
    const existing = sources.get(url);
    if (existing?.active) return existing;
    const src = new ProcessSource(url, kind, hooks, { ...(opts.healthEveryMs ? { healthEveryMs: opts.healthEveryMs } : {}), ...(opts.history !== undefined ? { history: opts.history } : {}) }).start();
    sources.set(url, src);
    processesVersion++;
    return src;
  };
  for (const s of opts.sources ?? []) add(s.control, s.kind);

  const processes = (): ProcessView[] =>
    [...sources.values()].map((s) => ({
      actor: s.actor,
      kind: s.kind,
      control: s.control,
      online: s.online,
      active: s.active,
      actions: s.actions,
      ...(typeof s.health?.state === 'string' ? { state: s.health.state } : {}),
      ...(s.error && !s.online ? { error: s.error } : {}),
    }));
  const registry = {
    byActor: (actor: string) => [...sources.values()].find((s) => s.actor === actor && s.active),
    ofKind: (kind: string) => [...sources.values()].filter((s) => s.kind === kind && s.active),
  };

  const viewOf = (s: Session): SessionView => {
    const cached = views.get(s.id);
    if (cached && cached.version === s.version) return cached;
    const v = sessionView(s);
    views.set(s.id, v);
    return v;
  };
  const sessionViews = (): SessionView[] => {
    const list = state.sessionList();
    for (const id of views.keys()) if (!state.sessions.has(id)) views.delete(id);
    return list.map(viewOf);
  };

  /** the events of one session: its EV, its EVSE and station, and the CSMS/SCSP traffic of that station, within its time */
  const sessionEvents = (id: string | undefined): StoredEvent[] => {
    if (!id) return state.events.slice(-4000);
    const s = state.sessions.get(id);
    if (!s) throw new DriverActionError(404, `no session ${id}`);
    const actors = new Set([s.ev, s.evse, s.stationId].filter((x): x is string => !!x));
    const central = new Set(registry.ofKind('csms').concat(registry.ofKind('scsp')).map((p) => p.actor));
    const from = s.startedAt - 2000;
    const to = s.live ? Infinity : s.updatedAt + 2000;
    return state.events.filter((e) => e.ts >= from && e.ts <= to && (actors.has(e.actor) || (central.has(e.actor) && (e.link === 'csms-scsp' || (s.stationId !== undefined && e.peer?.includes(s.stationId) === true)))));
  };

  /** the timing table of the recent events, recomputed at most every `maxAgeMs` while events come in */
  const currentTiming = (maxAgeMs = TIMING_EVERY_MS): TimingView => {
    if (!timing || (timing.seq !== state.seq && Date.now() - timing.at >= maxAgeMs)) {
      const seq = state.seq;
      const view = timingView(state.events.slice(-4000));
      const changed = !timing || JSON.stringify(view.rows) !== JSON.stringify(timing.view.rows) || view.breaches.length !== timing.view.breaches.length;
      if (changed) timingVersion++;
      timing = { view, seq, at: Date.now(), version: timingVersion };
    }
    return timing.view;
  };

  const app: FastifyInstance = Fastify({ logger: false, forceCloseConnections: true, bodyLimit: 16 * 1024, ajv: { customOptions: { removeAdditional: false } } });

  const authed = (req: FastifyRequest): boolean => tokenMatches(presentedToken(req), token);
  app.addHook('onRequest', async (req, reply) => {
    const isRead = req.method === 'GET' || req.method === 'HEAD';
    if (isRead && (opts.publicRead || isLoopback(req.socket.remoteAddress))) return;
    if (authed(req)) return;
    await reply
      .code(401)
      .header('www-authenticate', 'Bearer realm="v2xsim dashboard"')
      .send({ statusCode: 401, error: 'Unauthorized', message: isRead ? 'reading from outside loopback needs the dashboard token (printed at start)' : 'control actions need the dashboard token printed at start (Authorization: Bearer <token>)' });
  });
  app.setErrorHandler((err: Error & { statusCode?: number; validation?: unknown }, _req, reply) => {
    const status = err instanceof DriverActionError ? err.statusCode : (err.statusCode ?? 500);
    void reply.code(status).send({ statusCode: status, error: status === 400 ? 'Bad Request' : status === 404 ? 'Not Found' : status === 409 ? 'Conflict' : 'Error', message: err.message });
  });

  for (const [route, f] of Object.entries(PAGE_FILES)) {
    app.get(route, (_req, reply) => reply.type(f.type).header('cache-control', 'no-store').send(page[route]));
  }
  app.get('/health', () => {
    const list = processes();
    return { status: 'ok', role: 'dashboard', processes: list.length, online: list.filter((p) => p.online).length, sessions: state.sessions.size, events: state.seq };
  });
  app.get('/api/info', (req) => ({ title: opts.title ?? 'v2xsim', control: authed(req), actions: DRIVER_ACTIONS, processes: processes() }));
  app.get('/api/processes', () => processes());
  app.get('/api/sessions', () => sessionViews());
  app.get('/api/events', { schema: { querystring: { type: 'object', properties: { after: { type: 'integer', minimum: 0, default: 0 }, limit: { type: 'integer', minimum: 1, maximum: 5000, default: 500 } } } } }, (req) => {
    const { after, limit } = req.query as { after: number; limit: number };
    return state.since(after).slice(-limit);
  });
  const sessionQuery = { querystring: { type: 'object', properties: { session: { type: 'string' }, token: { type: 'string' } } } };
  app.get('/api/timing', { schema: sessionQuery }, (req) => {
    const { session } = req.query as { session?: string };
    return session ? timingView(sessionEvents(session)) : currentTiming(250);
  });
  // the journeys of a window of events cost a while to compute: once per window and 3 s at most
  const journeyCache = new Map<string, { at: number; seq: number; view: ReturnType<typeof journeysView> }>();
  app.get('/api/journeys', { schema: sessionQuery }, (req) => {
    const { session } = req.query as { session?: string };
    const key = session ?? '';
    const hit = journeyCache.get(key);
    if (hit && (hit.seq === state.seq || Date.now() - hit.at < JOURNEYS_EVERY_MS)) return hit.view;
    const view = journeysView(sessionEvents(session), opts.batteryCapacityWh ?? 60_000);
    if (journeyCache.size > 20) journeyCache.clear();
    journeyCache.set(key, { at: Date.now(), seq: state.seq, view });
    return view;
  });
  app.get('/api/token', () => ({ ok: true }));
  app.post('/api/token', () => ({ ok: true }));

  app.post('/api/sources', { schema: { body: { type: 'object', additionalProperties: false, required: ['control'], properties: { control: { type: 'string', pattern: '^https?://' }, kind: { type: 'string', enum: ['ev', 'evse', 'csms', 'scsp'] } } } } }, (req) => {
    const b = req.body as DashboardSource;
    const s = add(b.control, b.kind);
    return { ok: true, control: s.control };
  });

  for (const action of DRIVER_ACTIONS) {
    app.post(
      `/api/sessions/:id/${action}`,
      { schema: { body: { type: 'object', additionalProperties: false, required: DRIVER_REQUIRED[action], properties: DRIVER_BODIES[action] } } },
      async (req) => {
        const { id } = req.params as { id: string };
        const s = state.sessions.get(id);
        if (!s) throw new DriverActionError(404, `no session ${id}; sessions: ${[...state.sessions.keys()].join(', ') || 'none'}`);
        const result = await driverAction(registry, s, action as DriverAction, (req.body ?? {}) as DriverRequest);
        // the EV may be gone before its /health says why
        if (action === 'unplug') s.stopReason ??= 'unplugged';
        return { ok: true, ...result };
      },
    );
  }

  app.get('/api/stream', (req, reply: FastifyReply) => {
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    const client: Client = { res, seq: Math.max(0, state.seq - 400), versions: new Map(), processesSent: -1, timingSent: -1 };
    clients.add(client);
    send(client, 'hello', { title: opts.title ?? 'v2xsim', control: authed(req) });
    push(client);
    res.on('close', () => clients.delete(client));
  });

  function send(c: Client, type: string, data: unknown): void {
    c.res.write(`event: ${type}\ndata: ${JSON.stringify(data)}\n\n`);
  }

  function push(c: Client): void {
    if (c.processesSent !== processesVersion) {
      c.processesSent = processesVersion;
      send(c, 'processes', processes());
    }
    const events = state.since(c.seq);
    if (events.length) {
      c.seq = events[events.length - 1].seq;
      send(c, 'events', events.slice(-MAX_EVENTS_PER_PUSH));
    }
    const changed = sessionViews().filter((v) => c.versions.get(v.id) !== v.version);
    const gone = [...c.versions.keys()].filter((id) => !state.sessions.has(id));
    for (const v of changed) c.versions.set(v.id, v.version);
    for (const id of gone) c.versions.delete(id);
    if (changed.length || gone.length) send(c, 'sessions', { changed, gone, order: state.sessionList().map((s) => s.id) });
    const t = currentTiming();
    if (c.timingSent !== timingVersion) {
      c.timingSent = timingVersion;
      send(c, 'timing', t);
    }
  }

  const pusher = setInterval(() => {
    for (const c of clients) push(c);
  }, opts.pushEveryMs ?? 250);
  const keepAlive = setInterval(() => {
    for (const c of clients) c.res.write(': keep-alive\n\n');
  }, 15_000);

  await app.listen({ host: opts.host ?? '127.0.0.1', port: opts.port ?? 0 });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : (opts.port ?? 0);
  const host = opts.host ?? '127.0.0.1';
  const shownHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  return {
    url: `http://${shownHost.includes(':') ? `[${shownHost}]` : shownHost}:${port}/`,
    host,
    port,
    token,
    state,
    add,
    processes,
    async close() {
      clearInterval(pusher);
      clearInterval(keepAlive);
      for (const s of sources.values()) s.close();
      for (const c of clients) c.res.end();
      clients.clear();
      await app.close();
    },
  };
}
