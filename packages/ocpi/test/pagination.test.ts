// Pagination of GET lists over real HTTP: Link rel="next" keeping the filters, X-Total-Count,
// X-Limit as the server's maximum, date_from/date_to on last_updated; the client follows Link.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseNextLink, type OcpiClient } from '../src/index.js';
import { haveSharedSchemas, startPair, type Pair } from './support/parties.js';
import { raw } from './support/raw.js';

describe.runIf(haveSharedSchemas)('pagination', () => {
  let pair: Pair;
  let client: OcpiClient;
  let tokenC: string;
  beforeAll(async () => {
    pair = await startPair({ locations: 7, maxLimit: 3 });
    const peer = await pair.scsp.platform.register('cpo', { versionsUrl: pair.cpo.platform.versionsUrl, tokenA: await pair.cpo.platform.createTokenA('scsp') });
    tokenC = peer.outgoingToken!;
    client = await pair.scsp.platform.client('cpo');
  });
  afterAll(async () => pair.close());

  it('the client walks every page by Link and yields every object once, in order', async () => {
    const pages = [];
    for await (const p of client.locations.sender.pages()) pages.push(p);
    expect(pages.map((p) => p.items.map((l) => l.id))).toEqual([['LOC1', 'LOC2', 'LOC3'], ['LOC4', 'LOC5', 'LOC6'], ['LOC7']]);
    expect(pages.every((p) => p.total === 7 && p.limit === 3)).toBe(true);
    expect(pages[2].next).toBeUndefined();
    const ids = [];
    for await (const l of client.locations.sender.list()) ids.push(l.id);
    expect(ids).toHaveLength(7);
  });

  it('headers: Link keeps the filters and moves offset; X-Limit is the maximum even when more is asked', async () => {
    const url = client.endpoint('locations', 'SENDER');
    const r = await raw(`${url}?limit=50&date_from=2026-01-01T00:02:00Z&date_to=2026-01-01T00:07:00Z`, { token: tokenC });
    expect(r.status).toBe(200);
    expect((r.body.data as { id: string }[]).map((l) => l.id)).toEqual(['LOC2', 'LOC3', 'LOC4']);
    expect(r.headers.get('x-total-count')).toBe('5'); // LOC2..LOC6: date_from inclusive, date_to exclusive
    expect(r.headers.get('x-limit')).toBe('3');
    const next = new URL(parseNextLink(r.headers.get('link') ?? undefined)!);
    expect(Object.fromEntries(next.searchParams)).toEqual({ limit: '3', offset: '3', date_from: '2026-01-01T00:02:00Z', date_to: '2026-01-01T00:07:00Z' });
    const last = await raw(next.href, { token: tokenC });
    expect((last.body.data as { id: string }[]).map((l) => l.id)).toEqual(['LOC5', 'LOC6']);
    expect(last.headers.get('link')).toBeNull();
  });

  it('an offset past the end is an empty last page; bad paging parameters are 400 + 2001', async () => {
    const url = client.endpoint('locations', 'SENDER');
    const r = await raw(`${url}?offset=100`, { token: tokenC });
    expect(r.body.data).toEqual([]);
    expect(r.headers.get('link')).toBeNull();
    for (const q of ['limit=0', 'offset=-1', 'limit=abc', 'date_from=yesterday']) {
      const bad = await raw(`${url}?${q}`, { token: tokenC });
      expect(bad.status, q).toBe(400);
      expect(bad.body.status_code, q).toBe(2001);
    }
  });

  it('date_from is required on the Sessions list (mod_sessions)', async () => {
    const s = await raw(client.endpoint('sessions', 'SENDER'), { token: tokenC });
    expect(s.status).toBe(400);
    expect(s.body.status_message).toMatch(/date_from/);
    const ids = [];
    for await (const x of client.sessions.sender.list({ date_from: '2026-01-01T00:00:00Z' })) ids.push(x.id);
    expect(ids).toEqual(['S1']);
  });

  it('parseNextLink reads rel="next" among other links', () => {
    expect(parseNextLink('<https://a/x?offset=1>; rel="prev", <https://a/x?offset=3&limit=2>; rel="next"')).toBe('https://a/x?offset=3&limit=2');
    expect(parseNextLink('<https://a/x>; rel=next')).toBe('https://a/x');
    expect(parseNextLink('<https://a/x>; rel="prev"')).toBeUndefined();
    expect(parseNextLink(undefined)).toBeUndefined();
  });

  it('all traffic matches the OpenAPI (the deliberately bad queries excepted)', () => {
    const bad = new Set(pair.exchanges.flatMap((e, i) => (e.status === 400 ? [i] : [])));
    expect(bad.size).toBe(5);
    expect(pair.findings(bad)).toEqual([]);
  });
});
