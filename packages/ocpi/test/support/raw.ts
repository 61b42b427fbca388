// A plain HTTP request for tests that must send what the library's client never would (no token,
// a raw token, bad JSON), with the X-Request-ID / X-Correlation-ID every OCPI request carries.
import { randomUUID } from 'node:crypto';
import { authorizationHeader } from '../../src/index.js';

export interface RawResponse {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
}

export async function raw(
  url: string,
  init: { method?: string; token?: string; rawToken?: boolean; authorization?: string; body?: unknown; text?: string; contentType?: string; headers?: Record<string, string> } = {},
): Promise<RawResponse> {
  const text = init.text ?? (init.body !== undefined ? JSON.stringify(init.body) : undefined);
  const res = await fetch(url, {
    method: init.method ?? 'GET',
    headers: {
      'X-Request-ID': randomUUID(),
      'X-Correlation-ID': randomUUID(),
      ...(init.token ? { Authorization: authorizationHeader(init.token, init.rawToken) } : {}),
      ...(init.authorization ? { Authorization: init.authorization } : {}),
      ...(text !== undefined ? { 'Content-Type': init.contentType ?? 'application/json' } : {}),
      ...init.headers,
    },
    ...(text !== undefined ? { body: text } : {}),
  });
  const body = await res.text();
  return { status: res.status, headers: res.headers, body: body ? (JSON.parse(body) as Record<string, unknown>) : {} };
}
