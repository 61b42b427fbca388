// The pure pieces: Authorization header forms, status → HTTP mapping, pagination helpers, DateTime.
import { describe, expect, it } from 'vitest';
import { authorizationHeader, httpStatusFor, isOcpiDateTime, nextLink, ocpiNow, OcpiStatus, pageOf, parseAuthorization } from '../src/index.js';

describe('Authorization header', () => {
  it('sends Base64 of the UTF-8 token (the spec example) and reads both forms', () => {
    expect(authorizationHeader('example-token')).toBe('Token ZXhhbXBsZS10b2tlbg==');
    expect(authorizationHeader('example-token', true)).toBe('Token example-token');
    // the spec's own example encodes a trailing newline (`echo example-token | base64`)
    expect(parseAuthorization('Token ZXhhbXBsZS10b2tlbgo=')).toEqual({ decoded: 'example-token', raw: 'ZXhhbXBsZS10b2tlbgo=' });
    expect(parseAuthorization('Token ebf3b399-779f-4497-9b9d-ac6ad3cc44d2')).toEqual({ raw: 'ebf3b399-779f-4497-9b9d-ac6ad3cc44d2' });
    expect(parseAuthorization('token ZXhhbXBsZS10b2tlbg==')?.decoded).toBe('example-token');
    expect(parseAuthorization('Bearer abc')).toBeUndefined();
    expect(parseAuthorization('Token ')).toBeUndefined();
    expect(parseAuthorization(undefined)).toBeUndefined();
  });
});

describe('status codes', () => {
  it('map to the HTTP status they travel with', () => {
    expect(httpStatusFor(OcpiStatus.Success)).toBe(200);
    expect(httpStatusFor(OcpiStatus.InvalidOrMissingParameters)).toBe(400);
    expect(httpStatusFor(OcpiStatus.NotEnoughInformation)).toBe(400);
    expect(httpStatusFor(OcpiStatus.UnknownLocation)).toBe(404);
    expect(httpStatusFor(OcpiStatus.UnknownToken)).toBe(404);
    expect(httpStatusFor(OcpiStatus.UnableToUseClientApi)).toBe(200);
    expect(httpStatusFor(OcpiStatus.HubError)).toBe(200);
  });
});

describe('pagination helpers', () => {
  const objs = Array.from({ length: 5 }, (_, i) => ({ id: i, last_updated: `2026-01-01T00:0${i}:00Z` }));
  it('pageOf filters date_from inclusive, date_to exclusive, then cuts offset/limit', () => {
    expect(pageOf(objs, { date_from: '2026-01-01T00:01:00Z', date_to: '2026-01-01T00:04:00Z', offset: 1, limit: 5 })).toEqual({ items: [objs[2], objs[3]], total: 3 });
    // no zone designator means UTC
    expect(pageOf(objs, { date_from: '2026-01-01T00:03:00', offset: 0, limit: 1 })).toEqual({ items: [objs[3]], total: 2 });
  });
  it('nextLink only when more remain, keeping the filters', () => {
    const url = new URL('http://h/ocpi/2.2.1/locations?date_from=2026-01-01T00:00:00Z&limit=2');
    expect(nextLink(url, { offset: 0, limit: 2 }, 2, 5)).toBe('<http://h/ocpi/2.2.1/locations?date_from=2026-01-01T00%3A00%3A00Z&limit=2&offset=2>; rel="next"');
    expect(nextLink(url, { offset: 4, limit: 2 }, 1, 5)).toBeUndefined();
    expect(nextLink(url, { offset: 0, limit: 2 }, 0, 5)).toBeUndefined();
  });
});

describe('OCPI DateTime', () => {
  it('accepts RFC 3339 with or without zone designator; writes UTC with Z', () => {
    expect(isOcpiDateTime('2015-06-29T20:39:09Z')).toBe(true);
    expect(isOcpiDateTime('2015-06-29T20:39:09')).toBe(true);
    expect(isOcpiDateTime('2015-06-29T20:39:09.123+02:00')).toBe(true);
    expect(isOcpiDateTime('2015-06-29 20:39:09')).toBe(false);
    expect(isOcpiDateTime('2015-02-30T20:39:09Z')).toBe(false);
    expect(ocpiNow(new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 678)))).toBe('2026-01-02T03:04:05Z');
  });
});
