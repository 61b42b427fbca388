// Who may do what: reading is open to clients on loopback (and to every client with `publicRead`,
// for a port published on the host's loopback only, as under compose); control actions, and
// reading from elsewhere, need the token printed at start, as `Authorization: Bearer <token>`,
// `X-V2xsim-Token: <token>`, or `?token=` (EventSource cannot send headers).
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';

export const newToken = (): string => randomBytes(18).toString('base64url');

export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  const a = address.startsWith('::ffff:') ? address.slice(7) : address;
  if (a === '::1') return true;
  return isIP(a) === 4 && a.startsWith('127.');
}

export interface TokenCarrier {
  headers: Record<string, string | string[] | undefined>;
  query?: unknown;
}

export function presentedToken(req: TokenCarrier): string | undefined {
  const auth = req.headers.authorization;
  if (typeof auth === 'string' && /^Bearer\s+/i.test(auth)) return auth.replace(/^Bearer\s+/i, '').trim();
  const h = req.headers['x-v2xsim-token'];
  if (typeof h === 'string') return h.trim();
  const q = (req.query as { token?: unknown } | undefined)?.token;
  return typeof q === 'string' ? q : undefined;
}

export function tokenMatches(presented: string | undefined, token: string): boolean {
  if (presented === undefined) return false;
  const a = Buffer.from(presented);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}
