// The credentials handshake (credentials.asciidoc), both sides, over a credentials store:
//   registration  the Sender (who got token A out of band) GETs versions + details with A,
//                 POSTs its Credentials with a fresh token B; the Receiver fetches the Sender's
//                 versions + details with B and answers with its Credentials holding token C
//   update        PUT: the same with a new token for each side (rotation, version switch)
//   unregister    DELETE: both forget the connection
// The server half runs inside the credentials routes; the client half is driven by OcpiPlatform.
import { generateCredentialsToken } from './core/auth.js';
import { OcpiError, OcpiMethodNotAllowedError, OcpiStatus } from './core/status.js';
import { validateOcpiObject } from './core/validation.js';
import type { OcpiHttpClient } from './client/http.js';
import type { OcpiCredentialsStore, OcpiPeer, OcpiPeerQuirks } from './credentials-store.js';
import type { Credentials, Endpoint, Version, VersionDetails } from './generated/types.js';

/** The versions this library speaks, best first. */
export const SUPPORTED_VERSIONS = ['2.2.1'] as const;

export interface RequiredEndpoint {
  identifier: string;
  role?: 'SENDER' | 'RECEIVER';
}

export interface PeerVersion {
  version: string;
  versionUrl: string;
  endpoints: Endpoint[];
}

/**
 * GETs a party's versions and the details of the best mutual version, with `token`.
 * Errors as the Receiver reports them during registration: 3001 when the party's API cannot be
 * used, 3002 when no version is mutual, 3003 when required endpoints are missing.
 */
export async function fetchPeerVersion(
  http: OcpiHttpClient,
  versionsUrl: string,
  token: string,
  peer: { id?: string; quirks?: OcpiPeerQuirks },
  required: readonly RequiredEndpoint[] = [],
): Promise<PeerVersion> {
  const get = async <T>(url: string, traceName: string): Promise<T> => {
    try {
      const res = await http.call<T>({ method: 'GET', url, token, rawToken: peer.quirks?.rawToken === true, traceName, ...(peer.id ? { peer: peer.id } : {}) });
      return res.envelope.data as T;
    } catch (e) {
      throw new OcpiError(OcpiStatus.UnableToUseClientApi, `unable to use the client's API: ${(e as Error).message}`);
    }
  };
  const versions = await get<Version[]>(versionsUrl, 'GET /versions');
  if (!Array.isArray(versions) || !versions.every((v) => validateOcpiObject('Version', v).valid)) {
    throw new OcpiError(OcpiStatus.UnableToUseClientApi, `unable to use the client's API: ${versionsUrl} did not answer with a list of versions`);
  }
  const chosen = SUPPORTED_VERSIONS.map((s) => versions.find((v) => v.version === s)).find((v) => v !== undefined);
  if (!chosen) {
    throw new OcpiError(OcpiStatus.UnsupportedVersion, `unsupported version: the party offers ${versions.map((v) => v.version).join(', ') || 'none'}, this platform ${SUPPORTED_VERSIONS.join(', ')}`);
  }
  const details = await get<VersionDetails>(chosen.url, `GET /versions/${chosen.version}`);
  const check = validateOcpiObject('VersionDetails', details);
  if (!check.valid) throw new OcpiError(OcpiStatus.UnableToUseClientApi, `unable to use the client's API: version details invalid: ${check.message}`);
  const missing = [{ identifier: 'credentials' }, ...required].filter((r) => !details.endpoints.some((e) => e.identifier === r.identifier && (!r.role || e.role === r.role)));
  if (missing.length) {
    throw new OcpiError(OcpiStatus.NoMatchingEndpoints, `no matching endpoints: the party lacks ${missing.map((m) => `${m.identifier}${m.role ? ` ${m.role}` : ''}`).join(', ')}`);
  }
  return { version: chosen.version, versionUrl: chosen.url, endpoints: details.endpoints };
}

export interface HandshakeServerDeps {
  store: OcpiCredentialsStore;
  http: OcpiHttpClient;
  /** our Credentials object carrying the given token */
  credentials(token: string): Credentials;
  required?: readonly RequiredEndpoint[];
}

/** POST {credentials}: a party that holds our token A registers. Answers our Credentials with token C. */
export async function acceptRegistration(deps: HandshakeServerDeps, peer: OcpiPeer, theirs: Credentials): Promise<Credentials> {
  if (peer.status === 'registered') throw new OcpiMethodNotAllowedError('already registered: use PUT to update the credentials, DELETE to unregister');
  const found = await fetchPeerVersion(deps.http, theirs.url, theirs.token, peer, deps.required);
  const tokenC = generateCredentialsToken();
  await deps.store.save({
    ...peer,
    status: 'registered',
    tokenA: undefined, // thrown away: CREDENTIALS_TOKEN_A is single use
    incomingToken: tokenC,
    nextIncomingToken: undefined,
    outgoingToken: theirs.token,
    versionsUrl: theirs.url,
    version: found.version,
    endpoints: found.endpoints,
    roles: theirs.roles,
  });
  return deps.credentials(tokenC);
}

/** PUT {credentials}: a registered party rotates tokens or switches version. */
export async function acceptUpdate(deps: HandshakeServerDeps, peer: OcpiPeer, theirs: Credentials): Promise<Credentials> {
  if (peer.status !== 'registered') throw new OcpiMethodNotAllowedError('not registered: use POST to register first');
  const found = await fetchPeerVersion(deps.http, theirs.url, theirs.token, peer, deps.required);
  const token = generateCredentialsToken();
  await deps.store.save({
    ...peer,
    incomingToken: token,
    nextIncomingToken: undefined,
    outgoingToken: theirs.token,
    versionsUrl: theirs.url,
    version: found.version,
    endpoints: found.endpoints,
    roles: theirs.roles,
  });
  return deps.credentials(token);
}

/** DELETE {credentials}: the party unregisters; its tokens stop working at once. */
export async function acceptUnregistration(deps: Pick<HandshakeServerDeps, 'store'>, peer: OcpiPeer): Promise<void> {
  if (peer.status !== 'registered') throw new OcpiMethodNotAllowedError('not registered');
  await deps.store.delete(peer.id);
}
