// Who may connect, decided at the WebSocket upgrade from the stations in the store: unknown → 404
// (or, with acceptUnknown, registered on the spot when it brings the default password), then the
// station's security profile: 0 any transport, no credentials (test benches only); 1 Basic auth;
// 2 Basic auth over TLS; 3 a client certificate trusted by the CSMS's CA with CN = the identity.
// Passwords are kept as scrypt hashes; a verified password is remembered (as its SHA-256) so a
// station that reconnects does not cost another scrypt.
import { createHash, scrypt, timingSafeEqual } from 'node:crypto';
import { authenticateStations, type AuthDecision, type Authenticate, type HandshakeInfo, type OcppVersion } from '@v2xsim/ocpp';
import type { CsmsConfig } from '../config.js';
import { getStation, hashPassword, registerStation, type BatchWriter, type CsmsStore, type SecurityProfile } from '../store/index.js';

/** verifyPassword without blocking the event loop (scrypt runs on the libuv pool). */
export function verifyPasswordAsync(password: Buffer, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return Promise.resolve(false);
  const [n, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  const salt = Buffer.from(parts[4]!, 'base64');
  const expected = Buffer.from(parts[5]!, 'base64');
  if (expected.length === 0) return Promise.resolve(false);
  return new Promise((resolve) =>
    scrypt(password, salt, expected.length, { N: n, r, p, maxmem: 256 * n * r + 1024 * 1024 }, (err, actual) => resolve(!err && timingSafeEqual(actual, expected))),
  );
}

const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

export function csmsAuthenticator(store: CsmsStore, writer: BatchWriter, config: CsmsConfig, log: (line: string) => void): Authenticate {
  const verified = new Map<string, { hash: string; digest: string }>();
  const certificateCheck = authenticateStations(() => ({ securityProfile: 3 }));
  const refuse = (reason: string): AuthDecision => ({ accept: false, status: 401, reason });

  /** 2.x: the password is UTF-8 text; 1.6: the AuthorizationKey bytes, configured as their hex text (or sent as text) */
  const candidates = (password: Buffer, version: OcppVersion | undefined): Buffer[] =>
    version === '1.6' ? [password, Buffer.from(password.toString('hex'), 'utf8')] : [password];

  const passwordMatches = async (identity: string, stored: string, info: HandshakeInfo): Promise<boolean> => {
    const creds = info.basicAuth!;
    for (const candidate of candidates(creds.password, info.version)) {
      const digest = sha256(candidate);
      const known = verified.get(identity);
      if (known && known.hash === stored && known.digest === digest) return true;
      if (await verifyPasswordAsync(candidate, stored)) {
        verified.set(identity, { hash: stored, digest });
        return true;
      }
    }
    return false;
  };

  return async (info) => {
    let station = getStation(store, info.identity);
    if (!station) {
      if (!config.acceptUnknown) return { accept: false, status: 404, reason: 'unknown charging station' };
      const profile = config.securityProfile as SecurityProfile;
      if (profile === 1 || profile === 2) {
        if (profile === 2 && !info.tls) return refuse('security profile 2 needs TLS');
        const creds = info.basicAuth;
        const expected = Buffer.from(config.defaultPassword ?? '', 'utf8');
        const given = creds?.password ?? Buffer.alloc(0);
        const ok = creds?.username === info.identity && (given.equals(expected) || (info.version === '1.6' && Buffer.from(given.toString('hex')).equals(expected)));
        if (!ok) return refuse('unknown station without the default password');
      }
      if (profile === 3) {
        const decision = await certificateCheck(info);
        if (!decision.accept) return decision;
      }
      const passwordHash = config.defaultPassword !== undefined && profile !== 0 && profile !== 3 ? hashPassword(config.defaultPassword) : null;
      station = await writer.write(() => registerStation(store, { id: info.identity, securityProfile: profile, passwordHash, ...(info.version ? { ocppVersion: info.version } : {}) }));
      log(`${info.identity}: registered (unknown station, security profile ${profile})`);
      return { accept: true };
    }
    const profile = station.securityProfile;
    if (profile === 0) return { accept: true };
    if (profile >= 2 && !info.tls) return refuse(`security profile ${profile} needs TLS`);
    if (profile === 3) return certificateCheck(info);
    if (!info.basicAuth) return refuse('Basic authentication required');
    if (info.basicAuth.username !== info.identity) return refuse('Basic auth username is not the station identity');
    if (!station.passwordHash) return refuse('no password is set for this station');
    return (await passwordMatches(info.identity, station.passwordHash, info)) ? { accept: true } : refuse('wrong password');
  };
}
