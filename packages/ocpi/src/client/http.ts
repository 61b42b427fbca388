// One OCPI HTTP exchange over undici: Authorization, X-Request-ID / X-Correlation-ID, routing
// headers, JSON body, envelope unwrapping, retries where the method allows it, one trace event
// per request sent and per response received.
import { Agent, request, type Dispatcher } from 'undici';
import type { Tracer } from '@v2xsim/trace';
import { authorizationHeader } from '../core/auth.js';
import { isOcpiResponse, type OcpiResponse } from '../core/envelope.js';
import { newRequestId, routingHeaders, type RoutingHeaders } from '../core/headers.js';
import { isSuccess, OcpiError, OcpiTransportError } from '../core/status.js';
import type { HttpMethod } from '../operation.js';
import { traceOcpi } from '../trace.js';

export interface OcpiHttpClientOptions {
  tracer?: Tracer;
  /** undici dispatcher; default: an own keep-alive Agent, closed by close() */
  dispatcher?: Dispatcher;
  /** extra attempts for idempotent requests (GET, PUT, DELETE) after a network error or HTTP 502/503/504; default 2 */
  retries?: number;
  /** delay before the first retry, doubled each time; default 100 ms */
  retryDelayMs?: number;
  /** per attempt: connecting, the response headers, and each gap in the body; default 10 s */
  timeoutMs?: number;
}

export interface OcpiHttpRequest {
  method: HttpMethod;
  url: string;
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  /** the credentials token to present; no Authorization header when absent */
  token?: string;
  /** send the token raw instead of Base64 (peer quirk) */
  rawToken?: boolean;
  /** routing headers (Functional modules only) */
  routing?: RoutingHeaders;
  /** kept across retries and forwarded; a fresh UUID by default */
  correlationId?: string;
  /** message name for the trace, e.g. `PUT /sessions/{country_code}/{party_id}/{session_id}` */
  traceName: string;
  /** the other side, for the trace */
  peer?: string;
}

export interface OcpiHttpResponse<T> {
  httpStatus: number;
  headers: Record<string, string>;
  envelope: OcpiResponse<T>;
  requestId: string;
  correlationId: string;
}

const IDEMPOTENT: ReadonlySet<HttpMethod> = new Set(['GET', 'PUT', 'DELETE']);
const TRANSIENT_HTTP = new Set([502, 503, 504]);

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function flatHeaders(h: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h)) if (v !== undefined) out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

export class OcpiHttpClient {
  private readonly dispatcher: Dispatcher;
  private readonly ownDispatcher: boolean;

  constructor(private readonly opts: OcpiHttpClientOptions = {}) {
    this.ownDispatcher = !opts.dispatcher;
    // a peer that never accepts the connection times out like one that never answers
    this.dispatcher = opts.dispatcher ?? new Agent({ keepAliveTimeout: 4_000, connect: { timeout: opts.timeoutMs ?? 10_000 } });
  }

  get tracer(): Tracer | undefined {
    return this.opts.tracer;
  }

  /**
   * Sends the request and returns the unwrapped envelope. Throws OcpiError when the peer answers
   * with a status_code outside 1xxx (or HTTP 401/405 etc. with an envelope), OcpiTransportError
   * when it cannot be reached or does not answer with an OCPI envelope.
   */
  async call<T = unknown>(req: OcpiHttpRequest): Promise<OcpiHttpResponse<T>> {
    const correlationId = req.correlationId ?? newRequestId();
    const retries = IDEMPOTENT.has(req.method) ? (this.opts.retries ?? 2) : 0;
    let delay = this.opts.retryDelayMs ?? 100;
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.once<T>(req, correlationId);
      } catch (e) {
        const transient =
          (e instanceof OcpiTransportError && (e.httpStatus === undefined || TRANSIENT_HTTP.has(e.httpStatus))) || (e instanceof OcpiError && TRANSIENT_HTTP.has(e.httpStatus));
        if (!transient || attempt >= retries) throw e;
        await sleep(delay);
        delay *= 2;
      }
    }
  }

  private async once<T>(req: OcpiHttpRequest, correlationId: string): Promise<OcpiHttpResponse<T>> {
    // every attempt is a new request: a new X-Request-ID, the same X-Correlation-ID
    const requestId = newRequestId();
    const url = new URL(req.url);
    for (const [k, v] of Object.entries(req.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    const text = req.body === undefined ? undefined : JSON.stringify(req.body);
    const headers: Record<string, string> = {
      accept: 'application/json',
      'X-Request-ID': requestId,
      'X-Correlation-ID': correlationId,
      ...(req.token ? { Authorization: authorizationHeader(req.token, req.rawToken) } : {}),
      ...(text !== undefined ? { 'Content-Type': 'application/json' } : {}),
      ...routingHeaders(req.routing ?? {}),
    };
    const tracer = this.opts.tracer;
    const peer = req.peer ?? url.host;
    if (tracer) traceOcpi(tracer, { direction: 'tx', message: req.traceName, peer, correlationId: requestId, size: text ? Buffer.byteLength(text) : 0, body: req.body });

    let res: Dispatcher.ResponseData;
    const timeout = this.opts.timeoutMs ?? 10_000;
    try {
      res = await request(url, { method: req.method, headers, body: text, dispatcher: this.dispatcher, headersTimeout: timeout, bodyTimeout: timeout });
    } catch (e) {
      const message = `${req.method} ${url.href}: ${(e as Error).message}`;
      if (tracer) traceOcpi(tracer, { direction: 'rx', message: `${req.traceName} response`, peer, correlationId: requestId, size: 0, error: message });
      throw new OcpiTransportError(message, undefined, { cause: e });
    }
    const raw = await res.body.text();
    const resHeaders = flatHeaders(res.headers);
    let parsed: unknown;
    try {
      parsed = raw ? JSON.parse(raw) : undefined;
    } catch {
      parsed = undefined;
    }
    const envelope = isOcpiResponse(parsed) ? (parsed as OcpiResponse<T>) : undefined;
    const failure = !envelope
      ? `HTTP ${res.statusCode} without an OCPI response envelope`
      : !isSuccess(envelope.status_code) || res.statusCode >= 400
        ? `HTTP ${res.statusCode}, status_code ${envelope.status_code}${envelope.status_message ? `: ${envelope.status_message}` : ''}`
        : undefined;
    if (tracer) {
      traceOcpi(tracer, {
        direction: 'rx',
        message: `${req.traceName} response`,
        peer,
        correlationId: resHeaders['x-request-id'] ?? requestId,
        size: Buffer.byteLength(raw),
        body: parsed ?? (raw ? { raw } : undefined),
        ...(failure ? { error: failure } : {}),
      });
    }
    if (!envelope) throw new OcpiTransportError(`${req.method} ${url.href}: ${failure}`, res.statusCode);
    if (failure) throw new OcpiError(envelope.status_code === 1000 ? 2000 : envelope.status_code, `${req.method} ${url.href}: ${failure}`, res.statusCode, envelope.data);
    return { httpStatus: res.statusCode, headers: resHeaders, envelope, requestId, correlationId };
  }

  async close(): Promise<void> {
    if (this.ownDispatcher) await this.dispatcher.close();
  }
}
