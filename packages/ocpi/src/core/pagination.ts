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

/** Filters by last_updated (date_from ≤ t < date_to), then cuts the page: for handlers over in-memory lists. */
export function pageOf<T extends { last_updated: string }>(all: readonly T[], q: ListQuery): Page<T> {
  const from = q.date_from ? parseOcpiDateTime(q.date_from).getTime() : -Infinity;
  const to = q.date_to ? parseOcpiDateTime(q.date_to).getTime() : Infinity;
  const matching = all.filter((o) => {
    const t = parseOcpiDateTime(o.last_updated).getTime();
    return t >= from && t < to;
  });
  return { items: matching.slice(q.offset, q.offset + q.limit), total: matching.length };
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

/** The URL of rel="next" in a Link header (RFC 8288), if any. */
export function parseNextLink(header: string | undefined): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(/,(?=\s*<)/)) {
    const m = /^\s*<([^>]*)>\s*;(.*)$/.exec(part);
    if (m && /(^|;)\s*rel\s*=\s*"?([^";]*\s)?next(\s[^";]*)?"?\s*(;|$)/i.test(m[2])) return m[1];
  }
  return undefined;
}
