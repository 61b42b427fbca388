// Pagination of GET list endpoints (transport_and_format.asciidoc, Pagination): request
// parameters date_from (inclusive), date_to (exclusive), offset (default 0), limit; response
// headers Link (rel="next", keeping the filters, only when this is not the last page),
// X-Total-Count (all matching objects) and X-Limit (the server's maximum page size).
import { parseOcpiDateTime } from './datetime.js';

export interface PageQuery {
  date_from?: string;
  date_to?: string;
  offset?: number;
  limit?: number;
}

/** One page as a Sender's list handler returns it. */
export interface Page<T> {
  items: T[];
  /** all objects matching the filters, ignoring offset and limit (X-Total-Count) */
  total: number;
}

/** The query a list handler receives: offset and limit already settled (limit ≤ the server's maximum). */
export interface ListQuery {
  date_from?: string;
  date_to?: string;
  offset: number;
  limit: number;
}

/** the pages cut from a frozen list so far, per query (the list is dropped with them) */
const pagesOfFrozen = new WeakMap<readonly object[], Map<string, Page<never>>>();
/** distinct queries kept per frozen list: beyond, pages are cut afresh */
const PAGES_PER_LIST_MAX = 256;

/**
 * Filters by last_updated (date_from ≤ t < date_to), then cuts the page: for handlers over
 * in-memory lists. A frozen list (Object.freeze) is taken as a promise that neither it nor its
 * objects ever change (freeze them too; a change is a new list): it gets frozen pages, cut once
 * per query and returned again as the same objects, and the route serialises each page once
 * (FrozenEnvelopes, registerOperation).
 */
export function pageOf<T extends { last_updated: string }>(all: readonly T[], q: ListQuery): Page<T> {
  const frozen = Object.isFrozen(all);
  const key = frozen ? `${q.date_from ?? ''} ${q.date_to ?? ''} ${q.offset} ${q.limit}` : '';
  const memo = frozen ? pagesOfFrozen.get(all) : undefined;
  const known = memo?.get(key) as Page<T> | undefined;
  if (known) return known;
  const from = q.date_from ? parseOcpiDateTime(q.date_from).getTime() : -Infinity;
  const to = q.date_to ? parseOcpiDateTime(q.date_to).getTime() : Infinity;
  const matching = all.filter((o) => {
    const t = parseOcpiDateTime(o.last_updated).getTime();
    return t >= from && t < to;
  });
  const page = { items: matching.slice(q.offset, q.offset + q.limit), total: matching.length };
  if (!frozen) return page;
  Object.freeze(page.items);
  Object.freeze(page);
  const pages = memo ?? new Map<string, Page<never>>();
  if (!memo) pagesOfFrozen.set(all, pages);
  if (pages.size < PAGES_PER_LIST_MAX) pages.set(key, page as Page<never>);
  return page;
}

/** The Link header value for the next page: the same URL and filters with offset moved on. */
export function nextLink(url: URL, q: ListQuery, returned: number, total: number): string | undefined {
  const nextOffset = q.offset + returned;
  if (returned === 0 || nextOffset >= total) return undefined;
  const next = new URL(url.href);
  next.searchParams.set('offset', String(nextOffset));
  next.searchParams.set('limit', String(q.limit));
  return `<${next.href}>; rel="next"`;
}

/** Link headers made lately: a client paging through the same list asks for the same ones */
const links = new Map<string, string | undefined>();
const LINKS_MAX = 1024;

/**
 * nextLink for a request URL known by what it is made of (`parts`: e.g. origin and path with
 * query): the same parts give the same URL, so its Link is made once and `url` (parsing it) is
 * called only then. Without `parts`, nextLink(url()).
 */
export function nextLinkOf(parts: string | undefined, url: () => URL, q: ListQuery, returned: number, total: number): string | undefined {
  if (returned === 0 || q.offset + returned >= total) return undefined;
  if (parts === undefined || parts.length > 2048) return nextLink(url(), q, returned, total);
  const key = `${q.offset + returned} ${q.limit} ${parts}`;
  if (links.has(key)) return links.get(key);
  const link = nextLink(url(), q, returned, total);
  if (links.size >= LINKS_MAX) links.clear();
  links.set(key, link);
  return link;
}

/** The URL of rel="next" in a Link header (RFC 8288), if any. */
export function parseNextLink(header: string | undefined): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(/,(?=\s*<)/)) {
    const m = /^\s*<([^>]*)>\s*;(.*)$/.exec(part);
    if (m && /(^|;)\s*rel\s*=\s*"?([^";]*\s)?next(\s[^";]*)?"?\s*(;|$)/i.test(m[2])) return m[1];
  }
  return undefined;
}
