// Registers one OpenAPI operation as a fastify route: its path relative to the module endpoint,
// the params / querystring / body schemas and the envelope serialisation schema from
// generated/routes.ts, and a handler that answers with the OCPI envelope.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ocpiSuccess } from '../core/envelope.js';
import { FrozenEnvelopes } from '../core/frozen-envelopes.js';
import type { RoutingHeaders } from '../core/headers.js';
import { nextLinkOf, type ListQuery, type Page, type PageQuery } from '../core/pagination.js';
import { OcpiError, OcpiStatus } from '../core/status.js';
import type { OcpiPeer, TokenKind } from '../credentials-store.js';
import { ocpiOperations, type OcpiOperationId } from '../generated/routes.js';
import type { JsonSchema } from '../json-schema.js';
import { ocpiState, requestUrl, type OcpiCoreOptions, type OcpiRouteConfig } from './core-plugin.js';

/** What a handler knows about the request beyond its parameters and body. */
export interface OcpiRequestContext {
  /** the authenticated party */
  peer: OcpiPeer;
  tokenKind: TokenKind;
  requestId: string;
  correlationId: string;
  /** the routing headers of the request */
  routing: RoutingHeaders;
  /** the absolute URL the client used */
  url: URL;
}

export interface OcpiHandlerInput {
  params: Record<string, string>;
  query: Record<string, unknown>;
  body: unknown;
}

/** What a route handler answers with; `data` undefined leaves the envelope's data out. */
export interface OcpiHandlerResult {
  data?: unknown;
  /** default 200 */
  httpStatus?: number;
  statusMessage?: string;
  headers?: Record<string, string>;
}

export type OcpiRouteHandler = (ctx: OcpiRequestContext, input: OcpiHandlerInput) => Promise<OcpiHandlerResult> | OcpiHandlerResult;

/** `/sessions/{country_code}/{party_id}/{session_id}` → `/:country_code/:party_id/:session_id` (below the module endpoint). */
export function routePath(openApiPath: string): string {
  const rest = openApiPath.replace(/^\/[^/]+/, '');
  return rest === '' ? '/' : rest.replace(/\{([^}]+)\}/g, ':$1');
}

function envelopeSchema(data: JsonSchema | undefined): JsonSchema {
  return {
    type: 'object',
    properties: {
      data: data ?? {},
      status_code: { type: 'integer' },
      status_message: { type: 'string' },
      timestamp: { type: 'string' },
    },
    required: ['status_code', 'timestamp'],
  };
}

export interface OcpiRouteOptions {
  /** replaces the OpenAPI body schema (where the OpenAPI is defective; say why at the call site) */
  body?: JsonSchema;
  /** path relative to the module endpoint, when the OpenAPI path is only an example (response_url targets) */
  path?: string;
}

export function contextOf(request: FastifyRequest, core: Pick<OcpiCoreOptions, 'publicOrigin'>): OcpiRequestContext {
  const s = ocpiState(request);
  if (!s.peer || !s.tokenKind) throw new OcpiError(OcpiStatus.ServerError, 'request reached a handler unauthenticated');
  return new RequestContext(s.peer, s.tokenKind, s.requestId, s.correlationId, s.routing, request, core);
}

/** One request's context; its URL is parsed when asked for (a page's Link, a few handlers), not on every request. */
class RequestContext implements OcpiRequestContext {
  private parsed: URL | undefined;

  constructor(
    readonly peer: OcpiPeer,
    readonly tokenKind: TokenKind,
    readonly requestId: string,
    readonly correlationId: string,
    readonly routing: RoutingHeaders,
    private readonly request: FastifyRequest,
    private readonly core: Pick<OcpiCoreOptions, 'publicOrigin'>,
  ) {}

  get url(): URL {
    return (this.parsed ??= requestUrl(this.request, this.core));
  }

  /** what the URL is made of (origin, request target): the same parts make the same URL */
  get urlParts(): string {
    return `${this.core.publicOrigin?.() ?? `${this.request.protocol}://${this.request.host}`}\n${this.request.url}`;
  }
}

export function registerOperation(
  app: FastifyInstance,
  core: Pick<OcpiCoreOptions, 'publicOrigin'>,
  operationId: OcpiOperationId,
  handler: OcpiRouteHandler,
  options: OcpiRouteOptions = {},
): void {
  const spec = ocpiOperations[operationId];
  const response: Record<string, JsonSchema> = {};
  for (const [status, r] of Object.entries(spec.responses)) if (status.startsWith('2')) response[status] = envelopeSchema(r.data);
  const config: { ocpi: OcpiRouteConfig } = { ocpi: { module: spec.module, traceName: `${spec.method} ${spec.path}` } };
  // the schema of `data` in a 200 answer, its serialiser (the route's, compiled on first use), and frozen data's answers
  const okData = spec.responses['200']?.data;
  let serializeData: ((d: unknown) => string) | undefined;
  const frozen = new FrozenEnvelopes();
  app.route({
    method: spec.method,
    url: options.path ?? routePath(spec.path),
    config,
    schema: {
      ...(spec.params ? { params: spec.params } : {}),
      ...(spec.querystring ? { querystring: spec.querystring } : {}),
      ...((options.body ?? spec.body) ? { body: options.body ?? spec.body } : {}),
      response,
    },
    handler: async (request, reply) => {
      const ctx = contextOf(request, core);
      const result = await handler(ctx, {
        params: (request.params ?? {}) as Record<string, string>,
        query: (request.query ?? {}) as Record<string, unknown>,
        body: request.body,
      });
      if (result.headers) for (const [k, v] of Object.entries(result.headers)) reply.header(k, v);
      const envelope = ocpiSuccess(result.data, result.statusMessage);
      const status = result.httpStatus ?? 200;
      // frozen data (a page of a cached list, pagination.ts) never changes: serialised once (core/frozen-envelopes.ts)
      if (status === 200 && okData && FrozenEnvelopes.applies(result.data, envelope)) {
        serializeData ??= reply.compileSerializationSchema(okData as Record<string, unknown>) as (d: unknown) => string;
        ocpiState(request).responseBody = envelope;
        return reply.code(200).header('content-type', 'application/json; charset=utf-8').send(frozen.payload(result.data, envelope, serializeData));
      }
      return reply.code(status).send(envelope);
    },
  });
}

export interface PaginationOptions {
  /** the most objects one page holds (X-Limit); default 100 */
  maxLimit?: number;
}

/** Runs a Sender's list handler with settled offset/limit and sets Link, X-Total-Count and X-Limit. */
export async function paginated<T>(ctx: OcpiRequestContext, query: PageQuery, opts: PaginationOptions, list: (q: ListQuery) => Promise<Page<T>> | Page<T>): Promise<OcpiHandlerResult> {
  const maxLimit = opts.maxLimit ?? 100;
  // (on every page: no spreads)
  const q: ListQuery = { offset: query.offset ?? 0, limit: Math.min(query.limit ?? maxLimit, maxLimit) };
  if (query.date_from) q.date_from = query.date_from;
  if (query.date_to) q.date_to = query.date_to;
  const page = await list(q);
  // a frozen page within the limit as it is: it is served from its JSON (registerOperation)
  const items = Object.isFrozen(page.items) && page.items.length <= q.limit ? page.items : page.items.slice(0, q.limit);
  const link = nextLinkOf(ctx instanceof RequestContext ? ctx.urlParts : undefined, () => ctx.url, q, items.length, page.total);
  const headers: Record<string, string> = { 'X-Total-Count': String(page.total), 'X-Limit': String(maxLimit) };
  if (link) headers.Link = link;
  return { data: items, headers };
}
