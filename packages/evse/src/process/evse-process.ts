// The EVSE process (`v2xsim evse`): the EVSE model on a sim clock behind the SECC server, an SDP
// server that announces it, a trace of every message, and the control API. It serves one session
// after another until it is stopped (one connector: EVs that connect at the same time share it).
// ISO 15118-2/DIN sessions run on the -2 adapter, ISO 15118-20 sessions on the -20 adapter; both
// sit on the same model (meter, power stage, limits).
import {
  APP_PROTOCOLS,
  EvseCableTimers,
  TLS_ISO15118_2,
  TLS_ISO15118_20,
  createCableListener,
  type CableSocket,
  isPkiError,
  loadPki,
  startSdpServer,
  type AppProtocolId,
  type LoadedPki,
  type iso2,
  type iso20,
  type SdpServer,
  type SdpTraceEvent,
  type SeccTlsOptions,
} from '@v2xsim/iso15118';
import { pinoSink, Tracer, type TraceEvent, type TraceSink } from '@v2xsim/trace';
import { OperatorLimitSource } from '../adapter/operator-limit.js';
import { SeccEvseAdapter } from '../adapter/secc-evse.js';
import { SeccEvse20Adapter } from '../adapter/secc-evse20.js';
import { EvseModel } from '../model/evse-model.js';
import { StaticLimitSource } from '../model/limits.js';
import { SeccServer, type SeccRequestEvent, type SeccSessionEnd } from '../secc/server.js';
import { ScaledClock } from './clock.js';
import { StationLink } from './station-link.js';
import { startStations, type EvseStations } from './stations.js';
import { ConfigError, simClockStart } from '@v2xsim/process';
import { evseModelConfig, isIso20Protocol, type EvseProcessConfig } from './config.js';
import { ControlActionError, TraceHub, startControlApi, type ControlAction, type ControlApi } from '@v2xsim/process';

export interface ProcessIo {
  /** machine-readable output (stdout) */
  out(line: string): void;
  /** human-readable output (stderr): the banner, one line per session, warnings */
  log(line: string): void;
}

const round = (v: number, digits: number): number => Math.round(v * 10 ** digits) / 10 ** digits;
const bracket = (host: string): string => (host.includes(':') ? `[${host}]` : host);
const isUnspecified = (host: string): boolean => host === '::' || host === '0.0.0.0';

interface LiveSession {
  protocol?: AppProtocolId;
  namespace?: string;
  sessionId?: string;
  peer?: string;
  lastMessage?: string;
  /** meter readings when the connection came, Wh */
  meterStartWh: number;
  meterStartExportWh: number;
  /** the namespaces the EV offered, by SchemaID */
  offered?: Map<number, string>;
}

export class EvseProcess {
  readonly clock: ScaledClock;
  readonly model: EvseModel;
  readonly limits: OperatorLimitSource;
  readonly adapter: SeccEvseAdapter;
  /** the EVSE of ISO 15118-20 sessions */
  readonly adapter20: SeccEvse20Adapter;
  readonly tracer: Tracer;
  readonly hub = new TraceHub();
  private server: SeccServer | undefined;
  private sdp: SdpServer | undefined;
  private control: ControlApi | undefined;
  private live: LiveSession | undefined;
  private served = 0;
  private lastEnd: (Omit<SeccSessionEnd, 'protocol' | 'renegotiations'> & { protocol?: AppProtocolId; energyWh?: number; exportedWh?: number; renegotiations?: number }) | undefined;
  private closing: Promise<void> | undefined;
  /** the cable socket (with `cable`) and its timer */
  private cable: CableSocket | undefined;
  private cableTimers: EvseCableTimers | undefined;
  /** the OCPP station(s), with `ocpp` */
  private stations: EvseStations | undefined;
  /** the SECC ↔ station wiring of the first station's EVSE 1 */
  private link: StationLink | undefined;
  private fileSink: TraceSink | undefined;

  private constructor(
    readonly config: EvseProcessConfig,
    private readonly io: ProcessIo,
  ) {
    this.clock = new ScaledClock(config.clock.speed, simClockStart(config.clock));
    this.limits = new OperatorLimitSource(new StaticLimitSource(config.limits));
    this.model = new EvseModel(evseModelConfig(config), this.clock, this.limits);
    this.adapter = new SeccEvseAdapter(this.model, this.clock, {
      evseId: config.evseId,
      energyTransferModes: config.energyTransferModes,
      // Contract first: an EV that can do Plug & Charge picks it
      paymentOptions: (['pnc', 'eim'] as const).filter((m) => config.payment.includes(m)).map((m) => (m === 'pnc' ? 'Contract' : 'ExternalPayment')),
      authorization: config.authorization.mode === 'delay' ? { mode: 'delay', delayMs: config.authorization.delayMs } : { mode: config.authorization.mode },
    });
    const payment20 = (['pnc', 'eim'] as const).filter((m) => config.payment.includes(m)).map((m) => (m === 'pnc' ? ('PnC' as const) : ('EIM' as const)));
    this.adapter20 = new SeccEvse20Adapter(this.model, this.clock, {
      evseId: config.evseId,
      ...(config.iso20.services ? { services: config.iso20.services } : config.iso20.bpt ? {} : { services: [...(this.model.dc ? ['DC' as const] : []), ...(this.model.ac ? ['AC' as const] : [])] }),
      controlModes: config.iso20.controlModes.map((m) => (m === 'scheduled' ? 'Scheduled' : 'Dynamic')),
      authorizationServices: payment20,
      authorization: config.authorization.mode === 'delay' ? { mode: 'delay', delayMs: config.authorization.delayMs } : { mode: config.authorization.mode },
      ...(config.setpointW !== undefined ? { setpointW: config.setpointW } : {}),
    });
    const sinks: TraceSink[] = [this.hub, { write: (e) => this.observe(e) }];
    if (config.trace) sinks.push((this.fileSink = pinoSink(config.trace)));
    this.tracer = new Tracer({ actor: config.id, link: 'ev-evse', sinks, simNow: () => this.clock.now() });
    if (config.ocpp) {
      this.link = new StationLink({
        model: this.model,
        clock: this.clock,
        adapter: this.adapter,
        adapter20: this.adapter20,
        limits: this.limits,
        ...(config.ocpp.idToken !== undefined ? { idToken: config.ocpp.idToken } : {}),
        log: (line) => io.log(`${config.id}: ${line}`),
      });
    }
  }

  /**
   * Loads the PKI, opens the SECC, SDP and control API, prints the banner. Throws ConfigError for a
   * bad PKI folder, and the socket error when an address is taken.
   */
  static async start(config: EvseProcessConfig, io: ProcessIo): Promise<EvseProcess> {
    const p = new EvseProcess(config, io);
    try {
      let tls: SeccTlsOptions | undefined;
      let tls13: SeccTlsOptions | undefined;
      let pnc: iso2.SeccPnc | undefined;
      let pnc20: iso20.Secc20Pnc | undefined;
      if (config.pki !== undefined) {
        const offersPnc = config.payment.includes('pnc');
        const serves20 = config.protocols.some(isIso20Protocol);
        const serves2 = config.protocols.some((x) => !isIso20Protocol(x));
        let pki: LoadedPki;
        try {
          pki = await loadPki(config.pki, {
            require: [...(config.tls ? (['secc'] as const) : []), ...(config.tls && serves20 ? (['oem-root'] as const) : []), ...(offersPnc ? (['mo-root'] as const) : [])],
          });
        } catch (e) {
          if (isPkiError(e)) throw new ConfigError([{ path: 'pki', message: e.message }]);
          throw e;
        }
        const identity = { key: pki.secc?.keyPem ?? '', cert: pki.secc?.chainPem ?? '' };
        // -2/DIN: TLS 1.2, server authentication; -20: TLS 1.3, the EV's OEM provisioning chain verified against the OEM root
        if (config.tls && serves2) tls = { ...TLS_ISO15118_2, ...identity };
        if (config.tls && serves20) tls13 = { ...TLS_ISO15118_20, ...identity, ca: pki.roots.oem! };
        if (offersPnc) {
          pnc = seccPnc(pki, config.pnc.receipts);
          pnc20 = { moRoots: [pki.roots.mo!], ...(pki.roots.oem ? { oemRoots: [pki.roots.oem] } : {}), ...(config.pnc.receipts ? { meteringConfirmationAfterLoops: 3 } : {}) };
        }
      }
      const server = new SeccServer({
        evse: p.adapter,
        evse20: p.adapter20,
        protocols: config.protocols,
        host: config.listen.host,
        port: config.listen.port,
        ...(tls ? { tls } : {}),
        ...(tls13 ? { tls13 } : {}),
        tracer: p.tracer,
        ...(pnc ? { pnc } : {}),
        ...(pnc20 ? { pnc20 } : {}),
        ...(config.sequenceTimeoutMs !== undefined ? { sequenceTimeoutMs: config.sequenceTimeoutMs } : {}),
        ...(p.link ? { onRequest: (e: SeccRequestEvent) => p.link!.request(e) } : {}),
      });
      server.onSessionEnd = (end) => p.sessionEnded(end);
      p.server = server;
      await server.start().catch((e: unknown) => {
        throw new Error(`SECC: cannot listen on ${bracket(config.listen.host)}:${config.listen.port}: ${e instanceof Error ? e.message : String(e)}`);
      });
      if (config.sdp.enabled) {
        const { sdp } = config;
        const seccAddress = sdp.seccAddress ?? (sdp.interface !== undefined ? undefined : isUnspecified(config.listen.host) ? sdp.host : config.listen.host);
        p.sdp = await startSdpServer({
          endpoints: [{ security: tls || tls13 ? 'tls' : 'none', port: server.port }],
          host: sdp.host,
          port: sdp.port,
          ...(sdp.interface !== undefined ? { interface: sdp.interface } : {}),
          ...(seccAddress !== undefined ? { seccAddress } : {}),
          trace: (e: SdpTraceEvent) =>
            p.tracer.message({ protocol: 'sdp', direction: e.direction, message: e.message, size: e.size, body: e.body, peer: `${bracket(e.peer.address)}:${e.peer.port}` }),
          onError: (e) => io.log(`${config.id}: SDP: ${e.message}`),
        }).catch((e: unknown) => {
          const where = sdp.interface !== undefined ? `interface ${sdp.interface}` : `${bracket(sdp.host)}`;
          throw new Error(`SDP: cannot listen on ${where} port ${sdp.port}: ${e instanceof Error ? e.message : String(e)} (--sdp-port N, or --no-sdp)`);
        });
      }
      if (config.cable) await p.openCable(config.cable);
      if (config.ocpp && p.link) {
        p.stations = await startStations(config, p.link, { clock: p.clock, sinks: p.ocppSinks(), log: (line) => io.log(`${config.id}: ${line}`) });
        p.link.attach(p.stations.primary.evse(1), { cable: config.cable !== undefined });
      }
      p.control = await startControlApi({
        host: config.control.host,
        port: config.control.port,
        health: () => p.health(),
        healthProperties: HEALTH_PROPERTIES,
        actions: p.actions(),
        trace: p.hub,
      });
    } catch (e) {
      await p.close();
      throw e;
    }
    io.log(p.banner());
    return p;
  }

  get seccPort(): number {
    return this.server!.port;
  }

  get controlUrl(): string | undefined {
    return this.control?.url;
  }

  /** The trace sinks of the OCPP link (the hub and the file; the file is closed by the ISO 15118 tracer). */
  private ocppSinks(): TraceSink[] {
    const file = this.fileSink;
    return [this.hub, ...(file ? [{ write: (e: TraceEvent) => file.write(e) }] : [])];
  }

  banner(): string {
    const c = this.config;
    const server = this.server!;
    const sdp = this.sdp ? `udp://${bracket(this.sdp.address().address)}:${this.sdp.address().port}${c.sdp.interface !== undefined ? `%${c.sdp.interface}` : ''}` : 'off';
    return (
      `v2xsim evse ready: id=${c.id} secc=${c.tls ? 'tls' : 'tcp'}://${bracket(server.address)}:${server.port} sdp=${sdp} control=${this.control?.url ?? '-'}${this.cable ? ` cable=${bracket(this.cable.host)}:${this.cable.port}` : ''} ` +
      `protocols=${c.protocols.join(',')} modes=${c.energyTransferModes.join(',')}` +
      `${c.protocols.some(isIso20Protocol) ? ` iso20=${this.adapter20.services.join(',')}:${c.iso20.controlModes.join(',')}` : ''} payment=${c.payment.join(',')} auth=${c.authorization.mode} tls=${c.tls ? 'on' : 'off'} speed=${c.clock.speed}` +
      (this.stations ? ` ${this.stations.describe()}` : '')
    );
  }

  /** Stops accepting, ends the sessions in progress, flushes the trace. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      await this.control?.close();
      await this.sdp?.close();
      this.cableTimers?.dispose();
      await this.cable?.close();
      await this.server?.stop();
      this.adapter.endSession();
      this.adapter20.endSession();
      await this.stations?.stop();
      await this.tracer.close();
    })();
    return this.closing;
  }

  // --- the cable -----------------------------------------------------------------------

  /**
   * Opens the cable socket. An EV that plugs in gets PWM 5 % (digital communication required)
   * and the communication-setup timer is armed; an unplug (state A) ends the session in progress.
   */
  private async openCable(at: { host: string; port: number }): Promise<void> {
    const id = this.config.id;
    const socket = await createCableListener({ host: at.host, port: at.port }).catch((e: unknown) => {
      throw new Error(`cable: cannot listen on ${bracket(at.host)} port ${at.port}: ${e instanceof Error ? e.message : String(e)} (--cable-port N)`);
    });
    this.cable = socket;
    this.cableTimers = new EvseCableTimers(socket, {
      onExpire: (r) => this.io.log(`${id}: cable: ${r.timer} exceeded (${r.budgetMs} ms)`),
    });
    socket.on('plugged', (e) => {
      this.io.log(`${id}: cable: EV plugged in (${e.cableCurrentA} A cable), CP ${e.state}`);
      this.link?.plugIn();
      socket.setPwm(5).catch((err: unknown) => this.io.log(`${id}: cable: PWM 5 %: ${err instanceof Error ? err.message : String(err)}`));
    });
    socket.on('cp', (e) => {
      if (e.state !== 'A' && e.previous !== 'A') this.io.log(`${id}: cable: CP ${e.previous} → ${e.state}`);
    });
    socket.on('unplugged', (e) => {
      this.io.log(`${id}: cable: unplugged (${e.reason})`);
      // state A: the oscillator off, and no session outlives the plug
      socket.setPwm(null).catch(() => undefined);
      this.endSessionsOnUnplug();
      this.link?.unplug();
    });
    socket.on('error', (e) => this.io.log(`${id}: cable: ${e.message}`));
  }

  /** Unplugged: StopCharging for a session still running, and its V2G connection is closed. */
  private endSessionsOnUnplug(): void {
    this.adapter.stop();
    this.adapter20.stop();
    this.server?.closeConnections();
  }

  // --- sessions ------------------------------------------------------------------------

  private sessionEnded(end: SeccSessionEnd): void {
    this.link?.sessionEnded(end);
    this.adapter.endSession();
    this.adapter20.endSession();
    this.served++;
    const energyWh = this.live ? this.model.meter.importedWh - this.live.meterStartWh : undefined;
    const exportedWh = this.live ? this.model.meter.exportedWh - this.live.meterStartExportWh : undefined;
    this.lastEnd = {
      ...(end.protocol ? { protocol: end.protocol.id } : {}),
      ...(end.sessionId ? { sessionId: end.sessionId } : {}),
      reason: end.reason,
      ...(end.detail ? { detail: end.detail } : {}),
      ...(energyWh !== undefined ? { energyWh: round(energyWh, 3) } : {}),
      ...(exportedWh ? { exportedWh: round(exportedWh, 3) } : {}),
      ...(end.renegotiations ? { renegotiations: end.renegotiations.length } : {}),
    };
    const reneg = end.renegotiations?.map((t) => `${round(t.elapsedMs, 1)} ms${t.breach ? ` (over ${t.budgetMs} ms)` : ''}`).join(', ');
    this.io.log(
      `${this.config.id}: session ${end.sessionId ?? '-'}${end.protocol ? ` (${end.protocol.id})` : ''} ended: ${end.reason}${end.detail ? ` (${end.detail})` : ''}` +
        `${energyWh !== undefined ? `, ${round(energyWh / 1000, 3)} kWh` : ''}${exportedWh ? `, ${round(exportedWh / 1000, 3)} kWh back` : ''}` +
        `${reneg ? `, renegotiations ${reneg}` : ''}, meter ${round(this.model.meter.importedWh, 1)} Wh (export ${round(this.model.meter.exportedWh, 1)} Wh)`,
    );
    this.live = undefined;
  }

  /** Follows the trace for /health: the session in progress. */
  private observe(e: TraceEvent): void {
    if (e.protocol === 'sdp') return;
    if (e.message === 'supportedAppProtocolReq' && e.direction === 'rx') {
      const offered = new Map<number, string>();
      const req = (e.body as { supportedAppProtocolReq?: { AppProtocol: { ProtocolNamespace: string; SchemaID: number }[] } } | undefined)?.supportedAppProtocolReq;
      for (const a of req?.AppProtocol ?? []) offered.set(a.SchemaID, a.ProtocolNamespace);
      this.live = { meterStartWh: this.model.meter.importedWh, meterStartExportWh: this.model.meter.exportedWh, offered, ...(e.peer ? { peer: e.peer } : {}) };
    }
    const live = this.live;
    if (!live) return;
    live.lastMessage = e.message;
    if (e.message === 'supportedAppProtocolRes' && e.direction === 'tx') {
      const schemaId = (e.body as { supportedAppProtocolRes?: { SchemaID?: number } } | undefined)?.supportedAppProtocolRes?.SchemaID;
      const namespace = schemaId !== undefined ? live.offered?.get(schemaId) : undefined;
      const id = namespace !== undefined ? this.config.protocols.find((p) => APP_PROTOCOLS[p].namespace === namespace) : undefined;
      if (id) {
        live.protocol = id;
        live.namespace = namespace;
      }
    }
    if (e.correlationId) live.sessionId = e.correlationId;
    if (e.message === 'SessionSetupReq' && e.direction === 'rx' && this.cableTimers?.communicationSetup.status === 'running') this.cableTimers.sessionSetupReq();
  }

  // --- control API ---------------------------------------------------------------------

  private health(): Record<string, unknown> {
    const limit = this.model.currentLimit();
    const live = this.live;
    return {
      status: 'ok',
      actor: this.config.id,
      role: 'evse',
      state: this.adapter20.sessionActive ? this.adapter20.state : this.adapter.state,
      ...(this.adapter20.sessionActive ? this.adapter20.selected : {}),
      ...(live?.protocol ? { protocol: live.protocol, namespace: live.namespace } : {}),
      ...(live?.sessionId ? { sessionId: live.sessionId } : {}),
      ...(live?.peer ? { peer: live.peer } : {}),
      ...(live?.lastMessage ? { lastMessage: live.lastMessage } : {}),
      sessionsServed: this.served,
      ...(this.lastEnd ? { lastSession: this.lastEnd } : {}),
      meter: { id: this.model.meter.meterId, importedWh: round(this.model.meter.importedWh, 3), exportedWh: round(this.model.meter.exportedWh, 3) },
      ...(this.adapter20.setpointW !== undefined ? { setpointW: this.adapter20.setpointW } : {}),
      presentPowerW: round(this.model.dc?.presentPowerW ?? 0, 1),
      limits: {
        ...(limit.maxPowerW !== undefined ? { maxPowerW: limit.maxPowerW } : {}),
        ...(limit.maxCurrentA !== undefined ? { maxCurrentA: limit.maxCurrentA } : {}),
        ...(this.limits.maxPowerW !== undefined ? { operatorMaxPowerW: this.limits.maxPowerW } : {}),
      },
      authorization: this.config.authorization.mode,
      ...(this.cable ? { cable: this.cableHealth(this.cable) } : {}),
      secc: `${this.config.tls ? 'tls' : 'tcp'}://${bracket(this.server?.address ?? this.config.listen.host)}:${this.server?.port ?? this.config.listen.port}`,
      ...(this.stations ? { ocpp: this.stations.health() } : {}),
      simTime: new Date(this.clock.now()).toISOString(),
    };
  }

  private cableHealth(socket: CableSocket): Record<string, unknown> {
    const setup = this.cableTimers?.measure('CommunicationSetup');
    return {
      address: `${bracket(socket.host)}:${socket.port}`,
      plugged: socket.plugged,
      state: socket.state,
      duty: socket.duty,
      ...(socket.cableCurrentA !== undefined ? { cableCurrentA: socket.cableCurrentA } : {}),
      ...(setup && setup.status !== 'waiting'
        ? { communicationSetup: { status: setup.status, ...(setup.elapsedMs !== undefined ? { elapsedMs: round(setup.elapsedMs, 3) } : {}), budgetMs: setup.budgetMs, breach: setup.breach } }
        : {}),
    };
  }

  private actions(): ControlAction[] {
    return [
      {
        name: 'authorize',
        description: this.link
          ? 'EIM: the driver presents an id token (body {idToken, type}; default the configured one or the EVCCID): the CSMS’s Authorize decides; before an EV arrives it holds for the next session'
          : 'EIM: the driver is authorised (card, app); before an EV arrives it holds for the next session',
        ...(this.link
          ? {
              body: {
                type: 'object',
                additionalProperties: false,
                properties: { idToken: { type: 'string', minLength: 1, maxLength: 36 }, type: { type: 'string', enum: ['ISO14443', 'ISO15693', 'KeyCode', 'Local', 'MacAddress', 'eMAID', 'Central', 'EVCCID', 'NoAuthorization'] } },
              },
            }
          : {}),
        run: (body: { idToken?: string; type?: string } = {}) => {
          if (this.link && body.idToken !== undefined) this.link.authorizeDriver({ idToken: body.idToken, ...(body.type ? { type: body.type } : {}) });
          const current = this.adapter.sessionActive || this.adapter20.sessionActive;
          if (this.adapter20.sessionActive) this.adapter20.authorizeDriver();
          else if (this.adapter.sessionActive) this.adapter.authorize();
          else {
            // the next EV may run either protocol
            this.adapter.authorize();
            this.adapter20.authorizeDriver();
          }
          return { session: current ? 'current' : 'next' };
        },
      },
      {
        name: 'stop',
        description: 'the operator stops the charge: StopCharging in the next EVSE status; the EV ends the session',
        run: () => {
          if (this.adapter20.stop()) return { state: this.adapter20.state };
          if (!this.adapter.stop()) throw new ControlActionError(409, 'no session in progress to stop');
          return { state: this.adapter.state };
        },
      },
      {
        name: 'set-limit',
        description: 'the operator caps the power (null lifts the cap); a running ISO 15118-2 session is asked to renegotiate',
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['maxPowerW'],
          properties: { maxPowerW: { type: ['number', 'null'], minimum: 0, description: 'W; null removes the operator cap' } },
        },
        run: (body: { maxPowerW: number | null }) => {
          const changed = this.limits.setMaxPowerW(body.maxPowerW ?? undefined);
          const renegotiation = this.adapter20.sessionActive ? this.adapter20.renegotiationDue() : this.adapter.notification() === 'ReNegotiation';
          return { changed, maxPowerW: body.maxPowerW, renegotiation: changed && renegotiation };
        },
      },
      {
        name: 'discharge',
        description:
          'the operator’s power setpoint for ISO 15118-20 (W, negative = discharge, null = none): Dynamic mode follows it at the next charge-loop cycle, a Scheduled session is asked to renegotiate (a discharging schedule)',
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['setpointW'],
          properties: { setpointW: { type: ['number', 'null'], description: 'W; negative = from the EV to the grid; null = charge at the limits' } },
        },
        run: (body: { setpointW: number | null }) => {
          const renegotiation = this.adapter20.setSetpointW(body.setpointW ?? undefined);
          return { setpointW: body.setpointW, ...this.adapter20.selected, renegotiation };
        },
      },
    ];
  }
}

/**
 * Plug & Charge at the SECC: contracts are checked against the MO root(s). When the folder also
 * has a CPS certificate and a contract, the SECC answers CertificateInstallationReq with that
 * contract, as a backend that prepared it for this EV would (one contract for every EV).
 */
function seccPnc(pki: LoadedPki, receiptRequired: boolean): iso2.SeccPnc {
  const { contract, cpsLeaf } = pki;
  return {
    moRoots: [pki.roots.mo!],
    receiptRequired,
    ...(contract && cpsLeaf
      ? {
          provisioning: {
            emaid: contract.info.commonName ?? pki.manifest?.identities.emaid ?? '',
            contractCertPem: contract.leafPem,
            contractKeyPem: contract.keyPem,
            contractSubCaPems: contract.subCaPems,
            cpsLeafCertPem: cpsLeaf.leafPem,
            cpsLeafKeyPem: cpsLeaf.keyPem,
            cpsSubCaPems: cpsLeaf.subCaPems,
          },
        }
      : {}),
  };
}

const HEALTH_PROPERTIES = {
  status: { type: 'string' },
  actor: { type: 'string' },
  role: { type: 'string' },
  state: { type: 'string', enum: ['idle', 'authorizing', 'rejected', 'authorized', 'cable-check', 'pre-charge', 'charging', 'stopping'] },
  protocol: { type: 'string' },
  namespace: { type: 'string' },
  sessionId: { type: 'string' },
  peer: { type: 'string' },
  lastMessage: { type: 'string' },
  sessionsServed: { type: 'integer' },
  lastSession: { type: 'object', additionalProperties: true },
  meter: { type: 'object', properties: { id: { type: 'string' }, importedWh: { type: 'number' }, exportedWh: { type: 'number' } } },
  service: { type: 'string' },
  controlMode: { type: 'string' },
  setpointW: { type: 'number' },
  presentPowerW: { type: 'number' },
  limits: { type: 'object', additionalProperties: true },
  authorization: { type: 'string' },
  cable: { type: 'object', additionalProperties: true },
  secc: { type: 'string' },
  ocpp: { type: 'object', additionalProperties: true },
  simTime: { type: 'string' },
};
