// Pages of a frozen list (a list handler's cache: it never changes, a change is a new list) are
// cut once per query by pageOf and serialised once by the route: over real HTTP, the answer is
// the same text the response schema gives for the same list unfrozen, the trace still carries the
// body, and a new list (a change) is what the next request gets.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemorySink, Tracer } from '@v2xsim/trace';
import { InMemoryCredentialsStore, locationsSenderPlugin, nextLink, nextLinkOf, OcpiPlatform, pageOf, parseAuthorization, type Location } from '../src/index.js';
import { cpoRole, location, scspRole } from './support/parties.js';
import { raw } from './support/raw.js';

const TOKEN = 'frozen-pages-token';

describe('pageOf over a frozen list', () => {
  const objs = Object.freeze(Array.from({ length: 5 }, (_, i) => Object.freeze({ id: i, last_updated: `2026-01-01T00:0${i}:00Z` })));
  it('cuts each page once: the same query gives the same frozen page, with what an unfrozen list gives', () => {
    const q = { date_from: '2026-01-01T00:01:00Z', offset: 1, limit: 2 };
    const page = pageOf(objs, q);
    expect(page).toEqual({ items: [objs[2], objs[3]], total: 4 });
    expect(Object.isFrozen(page) && Object.isFrozen(page.items)).toBe(true);
    expect(pageOf(objs, { ...q })).toBe(page);
    expect(pageOf(objs, { ...q, offset: 2 })).not.toBe(page);
    expect(pageOf([...objs], q)).toEqual(page);
    // an unfrozen list: a fresh page every time, never frozen (its items may change)
    const open = [...objs];
    expect(Object.isFrozen(pageOf(open, q).items)).toBe(false);
    expect(pageOf(open, q)).not.toBe(pageOf(open, q));
  });

  it('parseAuthorization and nextLinkOf give the same answers the second time', () => {
    const h = `Token ${Buffer.from('abc').toString('base64')}`;
    expect(parseAuthorization(h)).toEqual({ decoded: 'abc', raw: 'YWJj' });
    expect(parseAuthorization(h)).toEqual({ decoded: 'abc', raw: 'YWJj' });
    expect(parseAuthorization('Token !!')).toEqual({ raw: '!!' });
    expect(parseAuthorization('Bearer x')).toBeUndefined();
    expect(parseAuthorization('Bearer x')).toBeUndefined();
    let parsed = 0;
    const url = (): URL => (parsed++, new URL('http://h/l?limit=2&date_from=2026-01-01T00:00:00Z'));
    const parts = 'http://h\n/l?limit=2&date_from=2026-01-01T00:00:00Z';
    for (let i = 0; i < 2; i++) expect(nextLinkOf(parts, url, { offset: 2, limit: 2 }, 2, 9)).toBe('<http://h/l?limit=2&date_from=2026-01-01T00%3A00%3A00Z&offset=4>; rel="next"');
    expect(parsed).toBe(1);
    expect(nextLinkOf(parts, url, { offset: 4, limit: 2 }, 2, 9)).toBe('<http://h/l?limit=2&date_from=2026-01-01T00%3A00%3A00Z&offset=6>; rel="next"');
    expect(nextLinkOf(parts, url, { offset: 8, limit: 2 }, 1, 9)).toBeUndefined();
    expect(nextLinkOf(undefined, () => new URL('http://h/other'), { offset: 2, limit: 2 }, 2, 9)).toBe(nextLink(new URL('http://h/other'), { offset: 2, limit: 2 }, 2, 9));
    expect(nextLinkOf('http://h\n/other', () => new URL('http://h/other'), { offset: 2, limit: 2 }, 2, 9)).toBe('<http://h/other?offset=4&limit=2>; rel="next"');
  });
});

describe('frozen pages over HTTP', () => {
  const sink = new MemorySink();
  /** the list the handler serves: frozen (as a cache keeps it) or not */
  let list: readonly Location[] = [];
  let platform: OcpiPlatform;
  let url: string;

  const freeze = <T>(x: T): T => {
    if (typeof x === 'object' && x !== null) {
      for (const v of Object.values(x)) freeze(v);
      Object.freeze(x);
    }
    return x;
  };
  // a property the Location schema does not know: the serialiser drops it on either path
  const locations = (n: number, city = 'Arnhem'): Location[] => Array.from({ length: n }, (_, i) => ({ ...location(i + 1), city, extra: 'dropped' }) as Location);

  beforeAll(async () => {
    const store = new InMemoryCredentialsStore();
    await store.save({ id: 'scsp', status: 'registered', incomingToken: TOKEN, roles: [scspRole] });
    platform = new OcpiPlatform({
      store,
      roles: [cpoRole],
      tracer: new Tracer({ actor: 'cpo', link: 'csms-scsp', sinks: [sink] }),
      modules: [locationsSenderPlugin({ maxLimit: 3, list: (_c, q) => pageOf(list, q), get: () => undefined })],
    });
    await platform.listen();
    url = `${platform.versionsUrl.replace(/\/versions$/, '')}/2.2.1/locations`;
  });
  afterAll(async () => platform.close());

  const get = async (query: string): Promise<{ status: number; text: string; headers: Headers }> => {
    const res = await fetch(`${url}?${query}`, { headers: { authorization: `Token ${Buffer.from(TOKEN).toString('base64')}`, 'x-request-id': 'r', 'x-correlation-id': 'c' } });
    return { status: res.status, text: await res.text(), headers: res.headers };
  };
  const withoutTimestamp = (text: string): string => text.replace(/"timestamp":"[^"]*"/, '"timestamp":"-"');

  it('serves the same text, headers and trace as the unfrozen list', async () => {
    list = locations(5);
    const open = await get('offset=1&limit=2');
    list = freeze(locations(5));
    const first = await get('offset=1&limit=2');
    const again = await get('offset=1&limit=2');
    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toBe(open.headers.get('content-type'));
    expect(withoutTimestamp(first.text)).toBe(withoutTimestamp(open.text));
    expect(withoutTimestamp(again.text)).toBe(withoutTimestamp(open.text));
    expect(first.text).not.toContain('dropped');
    for (const h of ['x-total-count', 'x-limit', 'link', 'content-length']) expect(first.headers.get(h), h).toBe(open.headers.get(h));
    const body = JSON.parse(first.text) as { data: Location[]; status_code: number; timestamp: string };
    expect(body.data.map((l) => l.id)).toEqual(['LOC2', 'LOC3']);
    expect(body.status_code).toBe(1000);
    expect(body.timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    // one trace event per request and per response, the response's with its body and size
    const responses = sink.events.filter((e) => e.message === 'GET /locations response');
    expect(responses).toHaveLength(3);
    expect(sink.events.filter((e) => e.message === 'GET /locations')).toHaveLength(3);
    for (const e of responses) {
      expect(e.size).toBe(Buffer.byteLength(first.text));
      expect((e.body as { data: Location[] }).data.map((l) => l.id)).toEqual(['LOC2', 'LOC3']);
    }
  });

  it('a new list (a change) is served at once; bad paging is still 400 + 2001', async () => {
    list = freeze(locations(5));
    expect(JSON.parse((await get('offset=0&limit=3')).text).data[0].city).toBe('Arnhem');
    list = freeze(locations(6, 'Delft'));
    const changed = await get('offset=0&limit=3');
    expect(JSON.parse(changed.text).data.map((l: Location) => l.city)).toEqual(['Delft', 'Delft', 'Delft']);
    expect(changed.headers.get('x-total-count')).toBe('6');
    const bad = await get('offset=-1');
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.text).status_code).toBe(2001);
    // more than the maximum asked: the page is cut at X-Limit
    const capped = await raw(`${url}?limit=50`, { token: TOKEN });
    expect((capped.body.data as Location[]).length).toBe(3);
    expect(capped.headers.get('x-limit')).toBe('3');
  });
});
