// The CSMS process (`v2xsim csms`): the OCPP-J server (1.6, 2.0.1, 2.1; security profiles 0–3)
// with one handler module per functional block, the embedded store with group commit, the
// smart-charging planner, a trace of every frame, and the control API on loopback.
import { readFileSync } from 'node:fs';
import type { ServerOptions as HttpsServerOptions } from 'node:https';
import { isPkiError } from '@v2xsim/iso15118';
import {
  OcppCallError,
  OcppConnectionClosedError,
  OcppServer,
  OcppTimeoutError,
  OcppValidationError,
  type AnyOcppConnection,
  type OcppVersion,
  type Payload,
} from '@v2xsim/ocpp';
import { ConfigError, SimClock, TraceHub, simClockStart, startControlApi, type ControlApi } from '@v2xsim/process';
import { pinoSink, Tracer, type TraceSink } from '@v2xsim/trace';
import type { CsmsConfig } from '../config.js';
import type { CsmsContext } from '../context.js';
import { CsmsError } from '../errors.js';
import { registerHandlers } from '../handlers/index.js';
import { defaultPolicy, spreadPolicy } from '../policy/default-policy.js';
import { Planner } from '../policy/planner.js';
import type { SmartChargingPolicy } from '../policy/policy.js';
import { csmsAuthenticator } from '../security/auth.js';
import { CsmsPki } from '../security/pki.js';
import { BatchWriter, getStation, hashPassword, listTransactions, openStore, registerStation, upsertIdToken, type CsmsStore } from '../store/index.js';
import { OcpiCpo } from '../ocpi/cpo.js';
import { registerRealTimeAuthorization } from '../ocpi/authorize.js';
import { withOcpiProfiles } from '../ocpi/policy.js';
import { csmsActions } from './control-actions.js';

export interface ProcessIo {
  /** machine-readable output (stdout) */
  out(line: string): void;
  /** human-readable output (stderr): the banner, connections, warnings */
  log(line: string): void;
}

const bracket = (host: string): string => (host.includes(':') ? `[${host}]` : host);

export interface CsmsStartOptions {
  /** another smart-charging policy (default: the CSMS's own, unless config.policy is none) */
  policy?: SmartChargingPolicy;
}

export class CsmsProcess {
  readonly store: CsmsStore;
  readonly writer: BatchWriter;
  readonly hub = new TraceHub();
  readonly tracer: Tracer;
  readonly server: OcppServer;
  readonly planner: Planner;
  readonly context: CsmsContext;
  /** sim time: what the CSMS stores and plans with (speed 1 from the wall time by default) */
  readonly clock: SimClock;
  pki: CsmsPki | undefined;
  /** the OCPI 2.2.1 CPO interfaces (config.ocpi) */
  readonly ocpi: OcpiCpo | undefined;
  private control: ControlApi | undefined;
  private listening: { port: number; url: string } | undefined;
  private closing: Promise<void> | undefined;
  private readonly registration = new Map<string, 'Accepted' | 'Pending' | 'Rejected'>();
  private requestId = Math.floor(Date.now() / 1000) % 1_000_000_000;
  private readonly startedAt = Date.now();

  private constructor(
    readonly config: CsmsConfig,
    private readonly io: ProcessIo,
    tls: HttpsServerOptions | undefined,
    options: CsmsStartOptions,
  ) {
    this.clock = new SimClock({ speed: config.clock.speed, start: simClockStart(config.clock), unref: true });
    this.store = openStore(config.data);
    // fewer, larger WAL checkpoints (each one copies pages back and fsyncs the database file);
    // every commit is still fsynced in the WAL (synchronous = FULL)
    this.store.db.pragma('wal_autocheckpoint = 10000');
    // 64 MB of page cache: the meter value and event indexes stay in memory under load
    this.store.db.pragma('cache_size = -65536');
    this.writer = new BatchWriter(this.store, { asyncSync: true });
    const sinks: TraceSink[] = [this.hub];
    if (config.trace) sinks.push(pinoSink(config.trace));
    this.tracer = new Tracer({ actor: config.id, link: 'evse-csms', sinks, simNow: () => this.clock.now() });
    this.server = new OcppServer({
      path: config.listen.path,
      protocols: config.protocols,
      authenticate: csmsAuthenticator(this.store, this.writer, config, (l) => io.log(`${config.id}: ${l}`)),
      tracer: this.tracer,
      ...(tls ? { tls } : {}),
      callTimeoutMs: config.callTimeoutMs,
      pingIntervalMs: 60_000,
    });
    // a charging profile set through OCPI takes precedence over the policy's plan (ocpi/policy.ts)
    const basePolicy = options.policy ?? (config.policy === 'spread' ? spreadPolicy : defaultPolicy);
    const policy = config.ocpi ? withOcpiProfiles(basePolicy, (key) => this.ocpi?.fixedW(key)) : basePolicy;
    this.planner = new Planner(() => this.context, config.policy === 'none' ? undefined : policy, config.siteLimitW);
    const pkiOf = (): CsmsPki | undefined => this.pki;
    this.context = {
      store: this.store,
      writer: this.writer,
      config,
      server: this.server,
      get pki() {
        return pkiOf();
      },
      planner: this.planner,
      now: () => new Date(this.clock.now()),
      log: (line) => io.log(`${config.id}: ${line}`),
      connection: (id) => this.connection(id),
      call: (id, action, payload) => this.call(id, action, payload),
      versionOf: (id) => this.server.connections.get(id)?.version ?? getStation(this.store, id)?.ocppVersion ?? undefined,
      nextRequestId: () => ++this.requestId,
      registrationFor: (id) => this.registration.get(id) ?? (config.stations.some((s) => s.id === id) ? config.bootStatus : config.unknownBootStatus),
    };
    registerHandlers(this.server, this.context);
    if (config.ocpi) {
      const ocpiTracer = new Tracer({ actor: config.id, link: 'csms-scsp', sinks: [{ write: (e) => sinks.forEach((s) => s.write(e)) }], simNow: () => this.clock.now() });
      this.ocpi = new OcpiCpo(config.ocpi, { context: this.context, siteLimitW: () => this.planner.siteLimitW, subscribe: (fn) => this.hub.subscribe(fn), tracer: ocpiTracer });
      registerRealTimeAuthorization(this.server, this.context, this.ocpi);
      const cpo = this.ocpi;
      this.context.driverNeeds = (stationId, transactionId, evNeeds) => cpo.driverNeeds(stationId, transactionId, evNeeds);
    }
    this.server.on('connection', (conn, info) => {
      io.log(`${config.id}: ${conn.identity} connected (OCPP ${conn.version}${info.tls ? ', TLS' : ''}${conn.compression ? ', deflate' : ''}) from ${info.remoteAddress ?? '?'}`);
      conn.on('close', ({ code }) => {
        io.log(`${config.id}: ${conn.identity} disconnected (${code})`);
        this.planner.siteChanged(`${conn.identity} offline`);
      });
      conn.on('handlerError', ({ action, error }) => {
        if (!(error instanceof OcppValidationError)) io.log(`${config.id}: ${conn.identity}: ${action} failed: ${error instanceof Error ? error.message : String(error)}`);
      });
      this.planner.siteChanged(`${conn.identity} online`);
    });
    this.server.on('refused', ({ info, status, reason }) => io.log(`${config.id}: refused ${info.identity ?? info.path ?? '?'}: ${status}${reason ? ` ${reason}` : ''}`));
  }

  /** Opens the store, loads the PKI, listens, starts the control API, prints the banner. */
  static async start(config: CsmsConfig, io: ProcessIo, options: CsmsStartOptions = {}): Promise<CsmsProcess> {
    let pki: CsmsPki | undefined;
    if (config.pki !== undefined) {
      try {
        pki = await CsmsPki.load(config.pki);
      } catch (e) {
        if (isPkiError(e)) throw new ConfigError([{ path: 'pki', message: e.message }]);
        throw e;
      }
    }
    const tls = await serverTls(config, pki);
    const p = new CsmsProcess(config, io, tls, options);
    p.pki = pki;
    try {
      p.provision();
      p.listening = await p.server.listen(config.listen.port, config.listen.host).catch((e: unknown) => {
        throw new Error(`OCPP: cannot listen on ${bracket(config.listen.host)}:${config.listen.port}: ${e instanceof Error ? e.message : String(e)}`);
      });
      await p.ocpi?.start();
      p.control = await startControlApi({
        host: config.control.host,
        port: config.control.port,
        health: () => p.health(),
        actions: csmsActions(p),
        trace: p.hub,
      });
    } catch (e) {
      await p.close();
      throw e;
    }
    io.log(p.banner());
    return p;
  }

  /** Stations and id tokens of the configuration into the store (passwords hashed). */
  private provision(): void {
    for (const s of this.config.stations) {
      const password = s.password ?? this.config.defaultPassword;
      registerStation(this.store, {
        id: s.id,
        securityProfile: s.securityProfile ?? this.config.securityProfile,
        passwordHash: password !== undefined ? hashPassword(password) : null,
      });
    }
    for (const t of this.config.idTokens) {
      upsertIdToken(this.store, {
        idToken: t.idToken,
        ...(t.type !== undefined ? { type: t.type } : {}),
        status: t.status ?? 'Accepted',
        ...(t.allowedEnergyTransfer ? { allowedEnergyTransfer: t.allowedEnergyTransfer } : {}),
        ...(t.groupIdToken ? { groupIdToken: t.groupIdToken } : {}),
      });
    }
  }

  /** ws(s)://host:port/path: stations append /<identity> */
  get ocppUrl(): string {
    return this.listening?.url ?? '';
  }

  get port(): number {
    return this.listening?.port ?? 0;
  }

  get controlUrl(): string | undefined {
    return this.control?.url;
  }

  banner(): string {
    const c = this.config;
    return (
      `v2xsim csms ready: id=${c.id} ocpp=${this.ocppUrl}/<identity> control=${this.control?.url ?? '-'} data=${this.store.path} ` +
      `protocols=${c.protocols.join(',')} security-profile=${c.securityProfile}${c.acceptUnknown ? ' accept-unknown' : ''} ` +
      `stations=${c.stations.length} policy=${c.policy}${c.siteLimitW !== undefined ? ` site-limit=${c.siteLimitW}W` : ''} heartbeat=${c.heartbeatS}s` +
      (this.ocpi?.url ? ` ocpi=${this.ocpi.versionsUrl} party=${c.ocpi?.party}` : '')
    );
  }

  setRegistration(stationId: string, status: 'Accepted' | 'Pending' | 'Rejected'): void {
    this.registration.set(stationId, status);
  }

  connection(stationId: string): AnyOcppConnection {
    const conn = this.server.connections.get(stationId);
    if (conn) return conn;
    if (!getStation(this.store, stationId)) throw new CsmsError('UnknownStation', `unknown station ${stationId}`);
    throw new CsmsError('StationOffline', `${stationId} is not connected`);
  }

  /** A CALL to a station, its failures as CsmsErrors. */
  async call(stationId: string, action: string, payload: Payload): Promise<Payload> {
    const conn = this.connection(stationId);
    try {
      return await conn.callUnchecked(action, payload);
    } catch (e) {
      if (e instanceof OcppValidationError && e.direction === 'outbound') throw new CsmsError(e.code === 'NotImplemented' ? 'NotInVersion' : 'InvalidRequest', `${action}: ${e.message}`, { code: e.code });
      if (e instanceof OcppCallError) throw new CsmsError('StationError', `${stationId} answered ${action} with ${e.wireCode}: ${e.description}`, { errorCode: e.wireCode });
      if (e instanceof OcppTimeoutError) throw new CsmsError('StationError', `${stationId} did not answer ${action} within ${e.timeoutMs} ms`);
      if (e instanceof OcppConnectionClosedError) throw new CsmsError('StationOffline', `${stationId} disconnected before answering ${action}`);
      throw e;
    }
  }

  health(): Record<string, unknown> {
    const c = this.config;
    const known = (this.store.statement('SELECT COUNT(*) AS n FROM stations').get() as { n: number }).n;
    return {
      status: 'ok',
      actor: c.id,
      role: 'csms',
      ocpp: this.ocppUrl,
      protocols: c.protocols,
      securityProfile: c.securityProfile,
      stations: { known, connected: this.server.connections.size },
      transactions: { active: listTransactions(this.store, { state: 'Active' }).length },
      policy: c.policy,
      ...(this.planner.siteLimitW !== undefined ? { siteLimitW: this.planner.siteLimitW } : {}),
      ...(this.ocpi ? { ocpi: this.ocpi.status() } : {}),
      store: { path: this.store.path, schemaVersion: this.store.schemaVersion(), ...this.writer.stats },
      uptimeS: Math.round((Date.now() - this.startedAt) / 1000),
      simTime: new Date(this.clock.now()).toISOString(),
    };
  }

  /** Stops accepting, closes every station connection, commits what is queued, closes the store. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.planner.close();
      this.clock.stop();
      await this.control?.close();
      await this.ocpi?.close().catch(() => undefined);
      await this.server.close().catch(() => undefined);
      await this.writer.drain();
      this.writer.close();
      this.store.close();
      await this.tracer.close();
    })();
    return this.closing;
  }

  versionOf(stationId: string): OcppVersion | undefined {
    return this.context.versionOf(stationId);
  }
}

/** TLS for profiles 2 and 3: the server certificate (given, or issued from the PKI), and the client CA for profile 3. */
async function serverTls(config: CsmsConfig, pki: CsmsPki | undefined): Promise<HttpsServerOptions | undefined> {
  const needed = config.securityProfile >= 2 || config.stations.some((s) => (s.securityProfile ?? 0) >= 2) || config.tls.cert !== undefined;
  if (!needed) return undefined;
  const read = (path: string, what: string): string => {
    try {
      return readFileSync(path, 'utf8');
    } catch (e) {
      throw new ConfigError([{ path: `tls.${what}`, message: `cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}` }]);
    }
  };
  let identity: { key: string; cert: string };
  if (config.tls.cert && config.tls.key) identity = { key: read(config.tls.key, 'key'), cert: read(config.tls.cert, 'cert') };
  else {
    const names = [...new Set([config.tls.serverName, config.listen.host, 'localhost', '127.0.0.1', '::1'].filter((n): n is string => !!n && n !== '0.0.0.0' && n !== '::'))];
    const issued = await pki!.serverCertificate(names);
    identity = { key: issued.keyPem, cert: issued.chainPem };
  }
  const clientCerts = config.securityProfile === 3 || config.stations.some((s) => s.securityProfile === 3);
  const ca = config.tls.ca ? read(config.tls.ca, 'ca') : pki?.rootPem;
  return {
    ...identity,
    ...(clientCerts && ca ? { ca: [ca], requestCert: true, rejectUnauthorized: false } : {}),
  };
}
