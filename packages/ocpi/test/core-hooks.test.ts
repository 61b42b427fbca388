// The core's hooks take callbacks and answer without a promise when the credentials store answers
// at once (the CSMS's does); a store that answers with promises works the same: over real HTTP,
// a known token is let in, token A only on versions and credentials, a raw token only from a peer
// flagged for it, anything else 401; X-Request-ID / X-Correlation-ID are echoed or made.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InMemoryCredentialsStore, locationsSenderPlugin, OcpiPlatform, pageOf, type OcpiCredentialsStore } from '../src/index.js';
import { cpoRole, location, scspRole } from './support/parties.js';

/** the in-memory store, every answer a promise */
function asyncStore(inner: InMemoryCredentialsStore): OcpiCredentialsStore {
  const later = <T>(v: T): Promise<T> => new Promise((r) => setTimeout(() => r(v), 1));
  return {
    get: async (id) => later(await inner.get(id)),
    findByToken: async (t) => later(await inner.findByToken(t)),
    list: async () => later(await inner.list()),
    save: (p) => inner.save(p),
    delete: (id) => inner.delete(id),
  };
}

describe.each([
  ['a store that answers at once', false],
  ['a store that answers with promises', true],
])('core hooks with %s', (_name, promised) => {
  let platform: OcpiPlatform;
  let base: string;
  beforeAll(async () => {
    const inner = new InMemoryCredentialsStore();
    await inner.save({ id: 'p', status: 'registered', incomingToken: 'token-c', roles: [scspRole] });
    await inner.save({ id: 'raw', status: 'registered', incomingToken: 'raw-token', roles: [scspRole], quirks: { rawToken: true } });
    await inner.save({ id: 'new', status: 'pending', tokenA: 'token-a' });
    await inner.save({ id: 'plain', status: 'registered', incomingToken: 'plain-token', roles: [scspRole] });
    platform = new OcpiPlatform({
      store: promised ? asyncStore(inner) : inner,
      roles: [cpoRole],
      modules: [locationsSenderPlugin({ list: (_c, q) => pageOf([location(1)], q), get: () => undefined })],
    });
    await platform.listen();
    base = platform.versionsUrl.replace(/\/versions$/, '');
  });
  afterAll(async () => platform.close());

  const get = async (path: string, authorization?: string, ids = true): Promise<{ status: number; code: number; headers: Headers }> => {
    const res = await fetch(`${base}${path}`, {
      headers: { ...(authorization ? { authorization } : {}), ...(ids ? { 'x-request-id': 'req-1', 'x-correlation-id': 'cor-1' } : {}) },
    });
    return { status: res.status, code: ((await res.json()) as { status_code: number }).status_code, headers: res.headers };
  };
  const b64 = (t: string): string => `Token ${Buffer.from(t).toString('base64')}`;

  it('lets a known token in and echoes the request ids', async () => {
    const ok = await get('/2.2.1/locations', b64('token-c'));
    expect([ok.status, ok.code]).toEqual([200, 1000]);
    expect([ok.headers.get('x-request-id'), ok.headers.get('x-correlation-id')]).toEqual(['req-1', 'cor-1']);
    const made = await get('/2.2.1/locations', b64('token-c'), false);
    expect(made.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(made.headers.get('ocpi-from-party-id')).toBe('CPO');
  });

  it('token A only on versions; raw tokens only from a flagged peer; anything else 401', async () => {
    expect((await get('/versions', b64('token-a'))).status).toBe(200);
    expect((await get('/2.2.1/locations', b64('token-a'))).status).toBe(401);
    expect((await get('/2.2.1/locations', 'Token raw-token')).status).toBe(200);
    expect((await get('/2.2.1/locations', 'Token plain-token')).status).toBe(401);
    for (const auth of [undefined, 'Bearer x', b64('nobody')]) {
      const r = await get('/2.2.1/locations', auth);
      expect([r.status, r.code], String(auth)).toEqual([401, 2000]);
      expect(r.headers.get('x-request-id')).toBe('req-1');
    }
    // and it keeps serving
    expect((await get('/2.2.1/locations', b64('token-c'))).status).toBe(200);
  });
});
