// The station's identity and credentials as the CSMS sees them at the WebSocket upgrade:
// identity = last path segment of the connection URL ([J21] §3.1.1, percent-decoded, ≤ 48
// characters, no ':' since it is the Basic auth username), HTTP Basic credentials ([J21] §3.1,
// Part 2 A00: username = identity, password = BasicAuthPassword), and the TLS client certificate
// (security profile 3). `authenticateStations` turns a per-station table into upgrade decisions.
import { timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { PeerCertificate } from 'node:tls';
import type { OcppVersion } from './versions.js';

export const MAX_IDENTITY_LENGTH = 48;

export type SecurityProfile = 1 | 2 | 3;

export interface BasicCredentials {
  username: string;
  /** the password bytes as sent: UTF-8 text in 2.x, the AuthorizationKey bytes in 1.6 */
  password: Buffer;
}

export interface TlsInfo {
  /** the client certificate chains to a trusted CA (only meaningful when one was requested) */
  authorized: boolean;
  authorizationError?: string;
  /** the client certificate, when the client sent one */
  certificate?: PeerCertificate;
}

/** Everything the CSMS knows about a connecting station before accepting it. */
export interface HandshakeInfo {
  identity: string;
  /** the request path, e.g. /ocpp/CS001 */
  path: string;
  /** the subprotocols the station offered, in its order of preference */
  offeredProtocols: string[];
  /** the version the server will use, undefined when none of the offered ones is agreed */
  version: OcppVersion | undefined;
  remoteAddress: string | undefined;
  headers: IncomingHttpHeaders;
  basicAuth: BasicCredentials | undefined;
  /** set on a TLS connection (profiles 2 and 3) */
  tls: TlsInfo | undefined;
}

export type AuthDecision = { accept: true } | { accept: false; status: number; reason?: string };

export type Authenticate = (info: HandshakeInfo) => AuthDecision | Promise<AuthDecision>;

/** The identity from a request path (`/ocpp/RDAM%7C123` → `RDAM|123`), or undefined when invalid. */
export function identityFromPath(path: string, prefix = ''): string | undefined {
  const pathname = path.split('?')[0] ?? '';
  const base = prefix.replace(/\/+$/, '');
  if (!pathname.startsWith(`${base}/`)) return undefined;
  const rest = pathname.slice(base.length + 1);
  if (rest.length === 0 || rest.includes('/')) return undefined;
  let identity: string;
  try {
    identity = decodeURIComponent(rest);
  } catch {
    return undefined;
  }
  return isValidIdentity(identity) ? identity : undefined;
}

export function isValidIdentity(identity: string): boolean {
  return identity.length > 0 && identity.length <= MAX_IDENTITY_LENGTH && !identity.includes(':');
}

export function parseBasicAuth(header: string | undefined): BasicCredentials | undefined {
  const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '');
  if (!m) return undefined;
  const raw = Buffer.from(m[1]!, 'base64');
  const colon = raw.indexOf(0x3a);
  if (colon < 0) return undefined;
  return { username: raw.subarray(0, colon).toString('utf8'), password: raw.subarray(colon + 1) };
}

export function basicAuthHeader(identity: string, password: string | Buffer): string {
  const pw = typeof password === 'string' ? Buffer.from(password, 'utf8') : password;
  return `Basic ${Buffer.concat([Buffer.from(`${identity}:`, 'utf8'), pw]).toString('base64')}`;
}

/** What the CSMS has on file for one station. */
export interface StationCredentials {
  securityProfile: SecurityProfile;
  /** BasicAuthPassword (profiles 1 and 2), compared byte for byte */
  password?: string | Buffer;
  /**
   * Profile 3: the client certificate's subject CN must equal the station identity (the CS
   * certificate carries CN = the station's serial number, Part 2 A00). Default true.
   */
  checkCommonName?: boolean;
}

export type StationLookup = (identity: string) => StationCredentials | undefined | Promise<StationCredentials | undefined>;

/**
 * An `authenticate` hook from a station table: unknown station → 404 ([J21] §3.3); profile 1/2
 * with a missing or wrong Basic password (or username ≠ identity) → 401; profile 2/3 over plain
 * ws → 401; profile 3 without a client certificate trusted by the server's CA (or with another
 * station's CN) → 401.
 */
export function authenticateStations(lookup: StationLookup): Authenticate {
  return async (info) => {
    const station = await lookup(info.identity);
    if (!station) return { accept: false, status: 404, reason: 'unknown charging station' };
    const refuse = (reason: string): AuthDecision => ({ accept: false, status: 401, reason });
    if (station.securityProfile >= 2 && !info.tls) return refuse(`security profile ${station.securityProfile} needs TLS`);
    if (station.securityProfile === 3) {
      const cert = info.tls?.certificate;
      if (!cert || !info.tls?.authorized) return refuse('no trusted client certificate');
      if (station.checkCommonName !== false && cert.subject?.CN !== info.identity) return refuse('client certificate CN is not the station identity');
      return { accept: true };
    }
    const creds = info.basicAuth;
    if (!creds || station.password === undefined) return refuse('Basic authentication required');
    if (creds.username !== info.identity) return refuse('Basic auth username is not the station identity');
    const expected = typeof station.password === 'string' ? Buffer.from(station.password, 'utf8') : station.password;
    if (expected.length !== creds.password.length || !timingSafeEqual(expected, creds.password)) return refuse('wrong password');
    return { accept: true };
  };
}
