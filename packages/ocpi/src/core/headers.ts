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
  const party = (cc?: string, pid?: string): PartyRef | undefined => (cc && pid ? { country_code: cc, party_id: pid } : undefined);
  const from = party(first(headers[OcpiHeader.FromCountryCode]), first(headers[OcpiHeader.FromPartyId]));
  const to = party(first(headers[OcpiHeader.ToCountryCode]), first(headers[OcpiHeader.ToPartyId]));
  return { ...(from ? { from } : {}), ...(to ? { to } : {}) };
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
