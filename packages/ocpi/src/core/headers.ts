// OCPI HTTP headers (transport_and_format.asciidoc): request/correlation ids on every request and
// response, and the message-routing headers on requests and responses of Functional modules only
// (never on versions, credentials, hubclientinfo).
import { randomUUID } from 'node:crypto';

export const OcpiHeader = {
  RequestId: 'x-request-id',
  CorrelationId: 'x-correlation-id',
  ToPartyId: 'ocpi-to-party-id',
  ToCountryCode: 'ocpi-to-country-code',
  FromPartyId: 'ocpi-from-party-id',
  FromCountryCode: 'ocpi-from-country-code',
  TotalCount: 'x-total-count',
  Limit: 'x-limit',
  Link: 'link',
} as const;

/** The modules that are configuration, not functional: no routing headers, token A allowed on the first two. */
export const CONFIGURATION_MODULES: ReadonlySet<string> = new Set(['versions', 'credentials', 'hubclientinfo']);

export interface PartyRef {
  country_code: string;
  party_id: string;
}

/** The routing headers of one message; each side optional (open routing requests omit "to"). */
export interface RoutingHeaders {
  from?: PartyRef;
  to?: PartyRef;
}

export const newRequestId = (): string => randomUUID();

type HeaderBag = Record<string, string | string[] | undefined>;
const first = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? v[0] : v);

export function readRouting(headers: HeaderBag): RoutingHeaders {
  // (read on every request: no closures or spreads)
  const r: RoutingHeaders = {};
  const fromCc = first(headers[OcpiHeader.FromCountryCode]);
  const fromPid = first(headers[OcpiHeader.FromPartyId]);
  if (fromCc && fromPid) r.from = { country_code: fromCc, party_id: fromPid };
  const toCc = first(headers[OcpiHeader.ToCountryCode]);
  const toPid = first(headers[OcpiHeader.ToPartyId]);
  if (toCc && toPid) r.to = { country_code: toCc, party_id: toPid };
  return r;
}

export function routingHeaders(r: RoutingHeaders): Record<string, string> {
  const h: Record<string, string> = {};
  if (r.from) {
    h['OCPI-from-country-code'] = r.from.country_code;
    h['OCPI-from-party-id'] = r.from.party_id;
  }
  if (r.to) {
    h['OCPI-to-country-code'] = r.to.country_code;
    h['OCPI-to-party-id'] = r.to.party_id;
  }
  return h;
}

export function headerValue(headers: HeaderBag, name: string): string | undefined {
  return first(headers[name.toLowerCase()]);
}
