// The shared part of every OCPI server scope: envelope, authentication (token A/B/C through the
// credentials store), X-Request-ID / X-Correlation-ID, routing headers, JSON parsing, route
// validation with the generated schemas, error mapping and tracing. Register it inside the
// encapsulated scope that holds the OCPI routes (OcpiPlatform does); it does not leak out of it.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Tracer } from '@v2xsim/trace';
import type { Ajv } from 'ajv';
import { parseAuthorization } from '../core/auth.js';
import { ocpiFailure } from '../core/envelope.js';
import { CONFIGURATION_MODULES, headerValue, newRequestId, OcpiHeader, readRouting, routingHeaders, type PartyRef, type RoutingHeaders } from '../core/headers.js';
import { OcpiError, OcpiStatus, OcpiUnauthorizedError } from '../core/status.js';
import { createOcpiAjv } from '../core/validation.js';
import type { OcpiCredentialsStore, OcpiPeer, TokenKind } from '../credentials-store.js';
import { OCPI_SCHEMA_ID, ocpiSchemas } from '../generated/schemas.js';
import { traceOcpi } from '../trace.js';

export interface OcpiCoreOptions {
  store: OcpiCredentialsStore;
  tracer?: Tracer;
  /** this platform's own party, used as OCPI-from-* on responses when the request had no OCPI-to-* */
  self?: PartyRef;
  /** the origin clients reach this server at (e.g. http://127.0.0.1:9000); default: from the Host header */
  publicOrigin?: () => string | undefined;
  /** largest request body in bytes; default 1 MiB */
  bodyLimit?: number;
}

/** What a route declares about itself (route `config.ocpi`). */
export interface OcpiRouteConfig {
  /** module identifier: 'versions', 'credentials', 'sessions', … */
  module: string;
  /** trace message name, e.g. `PUT /sessions/{country_code}/{party_id}/{session_id}` */
  traceName: string;
}

/** Per-request OCPI state. */
export interface OcpiRequestState {
  requestId: string;
  correlationId: string;
  routing: RoutingHeaders;
  peer?: OcpiPeer;
  tokenKind?: TokenKind;
  rawBody?: string;
  responseBody?: unknown;
  tracedRequest: boolean;
  /** the route's OCPI config, once looked up (null: the route has none) */
  route?: OcpiRouteConfig | null;
}

const states = new WeakMap<FastifyRequest, OcpiRequestState>();

export function ocpiState(request: FastifyRequest): OcpiRequestState {
  let s = states.get(request);
  if (!s) {
    // the request's own ids when it has them (a fresh one only otherwise)
    s = {
      requestId: headerValue(request.headers, OcpiHeader.RequestId) ?? newRequestId(),
      correlationId: headerValue(request.headers, OcpiHeader.CorrelationId) ?? newRequestId(),
      routing: {},
      tracedRequest: false,
    };
    states.set(request, s);
  }
  return s;
}

export function routeConfig(request: FastifyRequest): OcpiRouteConfig | undefined {
  // (fastify builds request.routeOptions afresh on every read: looked up once per request)
  const s = ocpiState(request);
  if (s.route === undefined) s.route = (request.routeOptions.config as { ocpi?: OcpiRouteConfig } | undefined)?.ocpi ?? null;
  return s.route ?? undefined;
}

/** The absolute URL the client used for this request. */
export function requestUrl(request: FastifyRequest, opts: Pick<OcpiCoreOptions, 'publicOrigin'>): URL {
  const origin = opts.publicOrigin?.() ?? `${request.protocol}://${request.host}`;
  return new URL(request.url, origin);
}

const isFunctional = (module: string | undefined): boolean => !module || !CONFIGURATION_MODULES.has(module);

type Authenticated = { peer: OcpiPeer; kind: TokenKind };
type Found = Authenticated | undefined;
const isThenable = <T>(x: T | PromiseLike<T>): x is PromiseLike<T> => typeof (x as { then?: unknown } | undefined)?.then === 'function';

/** The peer of the request's token; without a promise when the store answers at once (it runs on every request). */
function authenticate(request: FastifyRequest, store: OcpiCredentialsStore): Authenticated | Promise<Authenticated> {
  const header = headerValue(request.headers, 'authorization');
  if (!header) throw new OcpiUnauthorizedError('Authorization header missing');
  const c = parseAuthorization(header);
  if (!c) throw new OcpiUnauthorizedError('Authorization header is not of the form "Token <credentials token>"');
  // a raw (not Base64) token is accepted only from peers flagged for it (2.1.1 / 2.2 behaviour)
  const orRaw = (found: Found): Authenticated | Promise<Authenticated> => {
    if (found) return found;
    const rawOnly = (raw: Found): Authenticated => {
      if (raw?.peer.quirks?.rawToken) return raw;
      throw new OcpiUnauthorizedError('unknown credentials token');
    };
    const raw = store.findByToken(c.raw);
    return isThenable(raw) ? Promise.resolve(raw).then(rawOnly) : rawOnly(raw);
  };
  if (c.decoded === undefined) return orRaw(undefined);
  const decoded = store.findByToken(c.decoded);
  return isThenable(decoded) ? Promise.resolve(decoded).then(orRaw) : orRaw(decoded);
}

function traceRequest(tracer: Tracer | undefined, request: FastifyRequest, error?: string): void {
  const s = ocpiState(request);
  if (s.tracedRequest) return;
  s.tracedRequest = true;
  if (!tracer) return;
  const cfg = routeConfig(request);
  traceOcpi(tracer, {
    direction: 'rx',
    message: cfg?.traceName ?? `${request.method} ${request.url.split('?')[0]}`,
    peer: s.peer?.id ?? request.ip,
    correlationId: s.requestId,
    size: s.rawBody !== undefined ? Buffer.byteLength(s.rawBody) : Number(request.headers['content-length'] ?? 0),
    ...(request.body !== undefined ? { body: request.body } : s.rawBody ? { body: { raw: s.rawBody } } : {}),
    ...(error ? { error } : {}),
  });
}

export function errorToEnvelope(error: FastifyError | Error): { httpStatus: number; statusCode: number; message: string } {
  if (error instanceof OcpiError) return { httpStatus: error.httpStatus, statusCode: error.statusCode, message: error.message };
  const fe = error as FastifyError;
  if (fe.validation) return { httpStatus: 400, statusCode: OcpiStatus.InvalidOrMissingParameters, message: fe.message };
  switch (fe.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      // 400 rather than 415: the OpenAPI documents 400 (OCPIErrorResponse) for every operation
      return { httpStatus: 400, statusCode: OcpiStatus.InvalidOrMissingParameters, message: 'Content-Type must be application/json' };
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return { httpStatus: 400, statusCode: OcpiStatus.InvalidOrMissingParameters, message: 'empty JSON body' };
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return { httpStatus: 400, statusCode: OcpiStatus.InvalidOrMissingParameters, message: 'request body too large' };
  }
  if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) return { httpStatus: fe.statusCode, statusCode: OcpiStatus.ClientError, message: fe.message };
  return { httpStatus: 500, statusCode: OcpiStatus.ServerError, message: `internal error: ${error.message}` };
}

/**
 * Installs the OCPI core into `app` (the current encapsulated scope). Not a fastify plugin on its
 * own so that it applies to the scope it is called in: call it first in the OCPI scope.
 */
export function installOcpiCore(app: FastifyInstance, opts: OcpiCoreOptions): void {
  const { store, tracer } = opts;
  if (!app.getSchema(OCPI_SCHEMA_ID)) app.addSchema(ocpiSchemas);

  // bodies are validated strictly; path and query parameters arrive as strings and are coerced
  const bodyAjv: Ajv = createOcpiAjv();
  const paramAjv: Ajv = createOcpiAjv({ coerceTypes: true });
  app.setValidatorCompiler(({ schema, httpPart }) => (httpPart === 'body' ? bodyAjv : paramAjv).compile(schema));

  // JSON parsing of our own, to keep the raw text for the trace and answer bad JSON with 2001
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit: opts.bodyLimit ?? 1 << 20 }, (request, body, done) => {
    const text = body as string;
    ocpiState(request).rawBody = text;
    if (text.trim() === '') return done(null, undefined);
    try {
      done(null, JSON.parse(text));
    } catch (e) {
      done(new OcpiError(OcpiStatus.InvalidOrMissingParameters, `request body is not valid JSON: ${(e as Error).message}`, 400), undefined);
    }
  });

  // (the hooks take callbacks rather than being async: no promise per hook and request)
  app.addHook('onRequest', (request, reply, done) => {
    const s = ocpiState(request);
    s.routing = readRouting(request.headers);
    reply.header('X-Request-ID', s.requestId);
    reply.header('X-Correlation-ID', s.correlationId);
    const authenticated = ({ peer, kind }: Authenticated): void => {
      s.peer = peer;
      s.tokenKind = kind;
      const module = routeConfig(request)?.module;
      // credentials.asciidoc / transport_and_format.asciidoc: token A only opens versions and credentials
      if (kind === 'A' && module !== 'versions' && module !== 'credentials') {
        done(new OcpiUnauthorizedError(`CREDENTIALS_TOKEN_A is not valid on ${module ?? 'this'} endpoint: register first`));
        return;
      }
      done();
    };
    let found: Authenticated | Promise<Authenticated>;
    try {
      found = authenticate(request, store);
    } catch (e) {
      done(e as Error);
      return;
    }
    if (isThenable(found)) found.then(authenticated, (e: unknown) => done(e as Error));
    else authenticated(found);
  });

  app.addHook('preHandler', (request, _reply, done) => {
    traceRequest(tracer, request);
    done();
  });

  app.addHook('preSerialization', (request, _reply, payload, done) => {
    ocpiState(request).responseBody = payload;
    done(null, payload);
  });

  app.addHook('onSend', (request, reply, payload, done) => {
    const s = ocpiState(request);
    const module = routeConfig(request)?.module;
    if (isFunctional(module) && routeConfig(request)) {
      // the response goes back the way the request came: its "from" is the request's "to"
      const from = s.routing.to ?? opts.self;
      const to = s.routing.from ?? (s.peer?.roles?.[0] ? { country_code: s.peer.roles[0].country_code, party_id: s.peer.roles[0].party_id } : undefined);
      for (const [k, v] of Object.entries(routingHeaders({ ...(from ? { from } : {}), ...(to ? { to } : {}) }))) reply.header(k, v);
    }
    // bytes whose body is known (frozen data, route.ts) are not decoded again: the trace needs their size only
    const known = s.responseBody !== undefined && Buffer.isBuffer(payload);
    const text = known ? '' : typeof payload === 'string' ? payload : Buffer.isBuffer(payload) ? payload.toString('utf8') : '';
    let body = s.responseBody;
    if (body === undefined && text) {
      try {
        body = JSON.parse(text);
      } catch {
        body = { raw: text };
      }
    }
    const status = (body as { status_code?: number } | undefined)?.status_code;
    const failed = reply.statusCode >= 400 || (typeof status === 'number' && status !== 1000);
    const error = failed ? `HTTP ${reply.statusCode}, status_code ${status ?? '-'}: ${(body as { status_message?: string } | undefined)?.status_message ?? ''}` : undefined;
    traceRequest(tracer, request, error);
    if (tracer) {
      const cfg = routeConfig(request);
      traceOcpi(tracer, {
        direction: 'tx',
        message: `${cfg?.traceName ?? `${request.method} ${request.url.split('?')[0]}`} response`,
        peer: s.peer?.id ?? request.ip,
        correlationId: s.requestId,
        size: known ? (payload as Buffer).length : Buffer.byteLength(text),
        body,
        ...(error ? { error } : {}),
      });
    }
    done(null, payload);
  });

  app.setErrorHandler((error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    const e = errorToEnvelope(error);
    if (e.httpStatus >= 500) request.log.error({ err: error }, 'OCPI handler failed');
    return reply.code(e.httpStatus).type('application/json').send(ocpiFailure(e.statusCode, e.message));
  });

  app.setNotFoundHandler((request, reply) => {
    return reply.code(404).type('application/json').send(ocpiFailure(OcpiStatus.ClientError, `no OCPI endpoint ${request.method} ${request.url.split('?')[0]}`));
  });
}
