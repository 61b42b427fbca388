// The Authorization header (transport_and_format.asciidoc, Authorization header):
//   Authorization: Token <base64(utf8(credentials token))>
// Many 2.1.1 / 2.2 implementations send the raw token instead; the spec leaves it to "trial and
// error or configuration flags". We always send Base64 unless a peer is flagged `rawToken`, and on
// receipt try the decoded value first, then the raw one (accepted only for peers flagged so).
import { randomBytes } from 'node:crypto';

/** Printable non-whitespace ASCII, U+0021..U+007E, at most 64 characters (Credentials.token, string(64)). */
const TOKEN = /^[\x21-\x7e]{1,64}$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export const isValidCredentialsToken = (t: string): boolean => TOKEN.test(t);

/** A fresh credentials token: 32 random bytes, base64url (43 printable characters). */
export function generateCredentialsToken(): string {
  return randomBytes(32).toString('base64url');
}

/** The header value for a token: `Token <base64>`, or `Token <raw>` for a peer that needs it. */
export function authorizationHeader(token: string, raw = false): string {
  return `Token ${raw ? token : Buffer.from(token, 'utf8').toString('base64')}`;
}

export interface AuthorizationCandidates {
  /** the Base64-decoded token, when the value is valid Base64 of a valid token */
  decoded?: string;
  /** the value as sent (what a non-encoding peer means) */
  raw: string;
}

/** headers seen lately and what they stand for (a peer sends the same one with every request) */
const parsedHeaders = new Map<string, Readonly<AuthorizationCandidates> | null>();
const PARSED_HEADERS_MAX = 1024;

/** Splits `Token <value>` into the token it may stand for; undefined when the header is absent or not a Token header. */
export function parseAuthorization(header: string | undefined): Readonly<AuthorizationCandidates> | undefined {
  if (!header) return undefined;
  const seen = parsedHeaders.get(header);
  if (seen !== undefined) return seen ?? undefined;
  const parsed = parseAuthorizationOnce(header);
  // a token is at most 64 characters (Base64: 88): longer headers are nobody's, and not kept
  if (header.length > 128) return parsed;
  // a bound on memory when many different headers come (one peer uses one or two)
  if (parsedHeaders.size >= PARSED_HEADERS_MAX) parsedHeaders.clear();
  parsedHeaders.set(header, parsed ? Object.freeze(parsed) : null);
  return parsed;
}

function parseAuthorizationOnce(header: string): AuthorizationCandidates | undefined {
  const m = /^Token ([\x21-\x7e]+)$/i.exec(header.trim());
  if (!m) return undefined;
  const raw = m[1];
  let decoded: string | undefined;
  if (BASE64.test(raw)) {
    const d = Buffer.from(raw, 'base64').toString('utf8');
    // a trailing newline is what `echo token | base64` produces (the spec's own example does this)
    const t = d.endsWith('\n') ? d.slice(0, -1) : d;
    if (isValidCredentialsToken(t)) decoded = t;
  }
  return { ...(decoded !== undefined ? { decoded } : {}), raw };
}
