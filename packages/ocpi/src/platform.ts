// OcpiPlatform: one OCPI platform (a CPO, an eMSP, an SCSP, or several roles at once) as a
// reusable piece: the versions and credentials modules, the module interfaces it hosts, the
// credentials handshake in both directions, and clients for the parties it is connected to.
//
//   const cpo = new OcpiPlatform({ store, roles: [cpoRole], modules: [locationsSenderPlugin({ list, get })] });
//   await cpo.listen({ port: 9000 });                       // or app.register(cpo.plugin)
//   const tokenA = await cpo.createTokenA('scsp-1');        // handed to the other party out of band
//   // … on the other side: await scsp.register('cpo', { versionsUrl: cpo.versionsUrl, tokenA });
//   for await (const l of scsp.client('cpo').locations.sender.list()) …
import Fastify, { type FastifyInstance, type FastifyPluginAsync } from 'fastify';
import type { Tracer } from '@v2xsim/trace';
import { generateCredentialsToken, isValidCredentialsToken } from './core/auth.js';
import type { PartyRef } from './core/headers.js';
import { OcpiError, OcpiStatus } from './core/status.js';
import { validateOcpiObject } from './core/validation.js';
import { OcpiClient } from './client/client.js';
import { OcpiHttpClient, type OcpiHttpClientOptions } from './client/http.js';
import type { OcpiCredentialsStore, OcpiPeer, OcpiPeerQuirks } from './credentials-store.js';
import type { Credentials, CredentialsRole, Endpoint, Version, VersionDetails } from './generated/types.js';
import { acceptRegistration, acceptUnregistration, acceptUpdate, fetchPeerVersion, type HandshakeServerDeps, type RequiredEndpoint } from './handshake.js';
import { installOcpiCore, type OcpiCoreOptions } from './server/core-plugin.js';
import type { OcpiModule } from './server/module.js';
import { registerOperation } from './server/route.js';

export const OCPI_VERSION_2_2_1 = '2.2.1';

export interface OcpiPlatformOptions {
  store: OcpiCredentialsStore;
  /** the roles this platform has (Credentials.roles); the first is OCPI-from-* on Functional module messages */
  roles: CredentialsRole[];
  /** module interfaces this platform hosts */
  modules?: OcpiModule[];
  tracer?: Tracer;
  /** path of the OCPI API on the HTTP server; default '/ocpi' */
  basePath?: string;
  /** scheme://host:port peers reach this server at; default: what listen() bound, else the Host header */
  publicOrigin?: string;
  /** endpoints a peer must offer to register (credentials always); otherwise 3003 */
  requiredPeerEndpoints?: RequiredEndpoint[];
  http?: OcpiHttpClientOptions;
}

export interface RegisterOptions {
  /** the other party's versions endpoint */
  versionsUrl: string;
  /** the CREDENTIALS_TOKEN_A it handed over */
  tokenA: string;
  quirks?: OcpiPeerQuirks;
}

export interface ListeningPlatform {
  url: string;
  app: FastifyInstance;
  close(): Promise<void>;
}

export class OcpiPlatform {
  readonly store: OcpiCredentialsStore;
  readonly http: OcpiHttpClient;
  readonly basePath: string;
  private origin: string | undefined;
  private server: FastifyInstance | undefined;

  constructor(private readonly opts: OcpiPlatformOptions) {
    if (opts.roles.length === 0) throw new TypeError('an OCPI platform needs at least one role');
    this.store = opts.store;
    this.basePath = (opts.basePath ?? '/ocpi').replace(/\/$/, '');
    this.origin = opts.publicOrigin?.replace(/\/$/, '');
    this.http = new OcpiHttpClient({ ...opts.http, ...(opts.tracer ? { tracer: opts.tracer } : {}) });
  }

  get roles(): CredentialsRole[] {
    return this.opts.roles;
  }

  /** this platform's primary party (country_code, party_id) */
  get self(): PartyRef {
    const r = this.opts.roles[0];
    return { country_code: r.country_code, party_id: r.party_id };
  }

  /** scheme://host:port; set by listen() when not configured */
  get publicOrigin(): string {
    if (!this.origin) throw new Error('OcpiPlatform: public origin unknown: pass publicOrigin or call listen() first');
    return this.origin;
  }

  set publicOrigin(origin: string) {
    this.origin = origin.replace(/\/$/, '');
  }

  get versionsUrl(): string {
    return this.versionsUrlAt(this.publicOrigin);
  }

  private versionsUrlAt(origin: string): string {
    return `${origin}${this.basePath}/versions`;
  }

  private versionDetailsUrlAt(origin: string): string {
    return `${origin}${this.basePath}/${OCPI_VERSION_2_2_1}`;
  }

  private modulePath(m: OcpiModule): string {
    if (m.path) return m.path;
    const both = (this.opts.modules ?? []).filter((x) => x.identifier === m.identifier).length > 1;
    return both ? `${m.role.toLowerCase()}/${m.identifier}` : m.identifier;
  }

  /** the endpoints of version 2.2.1 as the version details list them */
  endpoints(origin: string = this.publicOrigin): Endpoint[] {
    const base = this.versionDetailsUrlAt(origin);
    return [
      // the credentials module is symmetric: every party calls it and answers it
      { identifier: 'credentials', role: 'SENDER', url: `${base}/credentials` },
      { identifier: 'credentials', role: 'RECEIVER', url: `${base}/credentials` },
      ...(this.opts.modules ?? []).map((m) => ({ identifier: m.identifier, role: m.role, url: `${base}/${this.modulePath(m)}` }) as Endpoint),
    ];
  }

  /** our Credentials object carrying `token` (the token the other party is to use with us) */
  credentials(token: string, origin: string = this.publicOrigin): Credentials {
    return { token, url: this.versionsUrlAt(origin), roles: this.opts.roles };
  }

  private core(): OcpiCoreOptions {
    return {
      store: this.store,
      ...(this.opts.tracer ? { tracer: this.opts.tracer } : {}),
      self: this.self,
      publicOrigin: () => this.origin,
    };
  }

  /** handshake dependencies for a request that reached us at `origin` (when no public origin is configured) */
  private handshakeDeps(origin: string): HandshakeServerDeps {
    return { store: this.store, http: this.http, credentials: (t) => this.credentials(t, this.origin ?? origin), ...(this.opts.requiredPeerEndpoints ? { required: this.opts.requiredPeerEndpoints } : {}) };
  }

  /** The fastify plugin serving this platform at basePath: register it in any fastify app. */
  readonly plugin: FastifyPluginAsync = async (app) => {
    await app.register(
      async (scope) => {
        const core = this.core();
        installOcpiCore(scope, core);
        const originOf = (url: URL): string => this.origin ?? url.origin;
        registerOperation(scope, core, 'getVersions', (ctx) => ({ data: [{ version: OCPI_VERSION_2_2_1, url: this.versionDetailsUrlAt(originOf(ctx.url)) }] satisfies Version[] }), {
          path: '/versions',
        });
        registerOperation(scope, core, 'getVersionDetails', (ctx) => ({ data: { version: OCPI_VERSION_2_2_1, endpoints: this.endpoints(originOf(ctx.url)) } satisfies VersionDetails }), {
          path: `/${OCPI_VERSION_2_2_1}`,
        });
        await scope.register(
          async (cred) => {
            registerOperation(cred, core, 'getCredentials', (ctx) => {
              const token = ctx.tokenKind === 'A' ? ctx.peer.tokenA : ctx.peer.incomingToken;
              return { data: this.credentials(token ?? '', originOf(ctx.url)) };
            });
            registerOperation(cred, core, 'postCredentials', async (ctx, { body }) => ({
              data: await acceptRegistration(this.handshakeDeps(ctx.url.origin), ctx.peer, checkCredentials(body)),
            }));
            registerOperation(cred, core, 'putCredentials', async (ctx, { body }) => ({
              data: await acceptUpdate(this.handshakeDeps(ctx.url.origin), ctx.peer, checkCredentials(body)),
            }));
            registerOperation(cred, core, 'deleteCredentials', async (ctx) => {
              await acceptUnregistration({ store: this.store }, ctx.peer);
              return {};
            });
          },
          { prefix: `/${OCPI_VERSION_2_2_1}/credentials` },
        );
        for (const m of this.opts.modules ?? []) {
          await scope.register(async (ms) => m.register(ms, core), { prefix: `/${OCPI_VERSION_2_2_1}/${this.modulePath(m)}` });
        }
      },
      { prefix: this.basePath },
    );
  };

  /** Starts an own fastify server with this platform; the public origin defaults to the bound address. */
  async listen(opts: { host?: string; port?: number } = {}): Promise<ListeningPlatform> {
    const app = Fastify({ logger: false });
    await app.register(this.plugin);
    const host = opts.host ?? '127.0.0.1';
    await app.listen({ host, port: opts.port ?? 0 });
    const addr = app.server.address();
    const port = typeof addr === 'object' && addr ? addr.port : opts.port;
    const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
    this.origin ??= url;
    this.server = app;
    return { url, app, close: () => this.close() };
  }

  // ---------------------------------------------------------------- connections

  /** Creates a pending peer with a fresh CREDENTIALS_TOKEN_A, to be handed over out of band. */
  async createTokenA(peerId: string, quirks?: OcpiPeerQuirks): Promise<string> {
    const existing = await this.store.get(peerId);
    if (existing?.status === 'registered') throw new Error(`peer ${peerId} is registered: unregister it before issuing a new token A`);
    const tokenA = generateCredentialsToken();
    await this.store.save({ ...(existing ?? {}), id: peerId, status: 'pending', tokenA, ...(quirks ? { quirks } : {}) });
    return tokenA;
  }

  /** Registers with another platform that gave us token A (we are the registration's Sender). */
  async register(peerId: string, o: RegisterOptions): Promise<OcpiPeer> {
    const before = await this.store.get(peerId);
    if (before?.status === 'registered') throw new Error(`peer ${peerId} is already registered: use updateCredentials()`);
    const found = await fetchPeerVersion(this.http, o.versionsUrl, o.tokenA, { id: peerId, ...(o.quirks ? { quirks: o.quirks } : {}) }, this.opts.requiredPeerEndpoints);
    const tokenB = generateCredentialsToken();
    const pending: OcpiPeer = {
      ...(before ?? {}),
      id: peerId,
      status: 'pending',
      incomingToken: tokenB, // the other side calls our versions with B during the POST
      outgoingToken: o.tokenA,
      versionsUrl: o.versionsUrl,
      version: found.version,
      endpoints: found.endpoints,
      ...(o.quirks ? { quirks: o.quirks } : {}),
    };
    await this.store.save(pending);
    try {
      const res = await new OcpiClient({ http: this.http, peer: pending }).call<Credentials>('postCredentials', { body: this.credentials(tokenB) });
      const theirs = checkCredentials(res.envelope.data, 3000);
      const registered: OcpiPeer = { ...pending, status: 'registered', outgoingToken: theirs.token, roles: theirs.roles };
      await this.store.save(registered);
      return registered;
    } catch (e) {
      if (before) await this.store.save(before);
      else await this.store.delete(peerId);
      throw e;
    }
  }

  /** Rotates the tokens with a registered peer (credentials PUT); also picks up a changed version or endpoints. */
  async updateCredentials(peerId: string): Promise<OcpiPeer> {
    const peer = await this.requirePeer(peerId);
    const found = await fetchPeerVersion(this.http, peer.versionsUrl ?? '', peer.outgoingToken ?? '', peer, this.opts.requiredPeerEndpoints);
    const next = generateCredentialsToken();
    const during: OcpiPeer = { ...peer, version: found.version, endpoints: found.endpoints, nextIncomingToken: next };
    await this.store.save(during);
    try {
      const res = await new OcpiClient({ http: this.http, peer: during }).call<Credentials>('putCredentials', { body: this.credentials(next) });
      const theirs = checkCredentials(res.envelope.data, 3000);
      const updated: OcpiPeer = { ...during, incomingToken: next, nextIncomingToken: undefined, outgoingToken: theirs.token, roles: theirs.roles };
      await this.store.save(updated);
      return updated;
    } catch (e) {
      await this.store.save({ ...during, nextIncomingToken: undefined });
      throw e;
    }
  }

  /** Unregisters from a peer (credentials DELETE) and forgets it. */
  async unregister(peerId: string): Promise<void> {
    const peer = await this.requirePeer(peerId);
    try {
      await new OcpiClient({ http: this.http, peer }).call('deleteCredentials');
    } catch (e) {
      // 401/405: the other side no longer knows us; the connection is gone either way
      if (!(e instanceof OcpiError && (e.httpStatus === 401 || e.httpStatus === 405))) throw e;
    }
    await this.store.delete(peerId);
  }

  /** A client for a registered peer (a snapshot of its tokens and endpoints: get a new one after a rotation). */
  async client(peerId: string, opts: { to?: PartyRef } = {}): Promise<OcpiClient> {
    const peer = await this.requirePeer(peerId);
    return new OcpiClient({ http: this.http, peer, self: this.self, ...(opts.to ? { to: opts.to } : {}) });
  }

  private async requirePeer(peerId: string): Promise<OcpiPeer> {
    const peer = await this.store.get(peerId);
    if (!peer || peer.status !== 'registered') throw new Error(`peer ${peerId} is not registered`);
    return peer;
  }

  async close(): Promise<void> {
    await this.server?.close();
    this.server = undefined;
    await this.http.close();
  }
}

/** A Credentials body: valid per schema and with a usable token, else 2001 (or `code`). */
function checkCredentials(x: unknown, code: number = OcpiStatus.InvalidOrMissingParameters): Credentials {
  const v = validateOcpiObject('Credentials', x);
  if (!v.valid) throw new OcpiError(code, `invalid Credentials: ${v.message}`);
  const c = x as Credentials;
  if (!isValidCredentialsToken(c.token)) throw new OcpiError(code, 'invalid Credentials: token must be 1..64 printable non-whitespace ASCII characters');
  if (c.roles.length === 0) throw new OcpiError(code, 'invalid Credentials: roles must list at least one role');
  return c;
}
