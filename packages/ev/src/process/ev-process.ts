// The EV process (`v2xsim ev`): the EV model on a sim clock behind the EVCC, finding the SECC by
// SDP (or at a configured address), running one session (or several), tracing every message, and
// serving the control API. One summary per session, which is what the matrix tests and the
// scenario runner read.
import {
  EvCableTimers,
  TLS_ISO15118_2,
  TLS_ISO15118_20,
  chosenAppProtocol,
  isDigitalCommunication,
  plugIn,
  wallClockMs,
  type CablePlug,
  type CableTimerResult,
  discoverSecc,
  isPkiError,
  loadPki,
  type AppProtocolId,
  type LoadedPki,
  type iso2,
  type iso20,
  type EvccTlsOptions,
  type SdpTraceEvent,
} from '@v2xsim/iso15118';
import { pinoSink, Tracer, type TraceEvent, type TraceSink } from '@v2xsim/trace';
import { EvccEvAdapter, type EvStopReason } from '../adapter/evcc-ev.js';
import { EvccEv20Adapter } from '../adapter/evcc-ev20.js';
import { runEvccSession, type EvccSessionSummary } from '../evcc/client.js';
import { EvModel } from '../model/ev-model.js';
import { SimClock, simClockStart } from '@v2xsim/process';
import { ConfigError } from '@v2xsim/process';
import { evModelConfig, isIso20Protocol, parseCableAddress, parseSeccAddress, type EvProcessConfig } from './config.js';
import { ControlActionError, TraceHub, startControlApi, type ControlAction, type ControlApi } from '@v2xsim/process';

export interface ProcessIo {
  /** machine-readable output (stdout): the summary lines */
  out(line: string): void;
  /** human-readable output (stderr): the banner, one line per session, warnings */
  log(line: string): void;
}

/** What `--summary` prints when a session ends: one JSON line. */
export interface EvSessionSummary {
  actor: string;
  /** 1, 2, … with --repeat */
  session: number;
  /** a complete, error-free session (SessionStop answered OK) */
  ok: boolean;
  /** the negotiated protocol (AppProtocolId) and its namespace */
  protocol?: string;
  namespace?: string;
  sessionId?: string;
  energyTransferMode: string;
  /** how the EV paid: eim (ExternalPayment) or pnc (Contract) */
  payment?: 'eim' | 'pnc';
  /** Plug & Charge: a contract was installed (CertificateInstallation) in this session */
  contractInstalled?: boolean;
  tls: boolean;
  /** the SECC's TCP address, and how it was found */
  secc?: string;
  discovery: 'sdp' | 'configured';
  /** every message sent or received (SDP and SupportedAppProtocol included), by name */
  messages: Record<string, number>;
  /** energy taken at the inlet during the session, Wh */
  energyWh: number;
  /** energy given back at the inlet during the session (V2G), Wh */
  dischargedWh?: number;
  /** ISO 15118-20: the energy service and control mode of the session */
  service?: string;
  controlMode?: string;
  /** the TLS version of the connection (absent on TCP) */
  tlsVersion?: string;
  /** ISO 15118-20 BPT: what is left of the V2X warranty budget at the end, Wh */
  remainingV2gEnergyWh?: number;
  /** ISO 15118-20: each schedule renegotiation against SCALE_Renegotiation_Timeout (7 s; SCALE D2.3 §11.2) */
  renegotiations?: { elapsedMs: number; budgetMs: number; breach: boolean }[];
  socStart: number;
  socEnd: number;
  /** why charging stopped: charging-complete, departure, driver, unplugged (the EV's reasons) or evse (StopCharging) */
  stopReason?: EvStopReason | 'evse';
  /** responses later than their budget (V2G_EVCC_Msg_Timeout) */
  breaches: EvccSessionSummary['breaches'];
  /** wall time, ms, and sim time, s, of the session */
  durationMs: number;
  simDurationS: number;
  /** with a cable (--cable): the timers that start at a CP change, ms */
  cable?: EvCableSummary;
  error?: string;
}

/** The cable's figures of one session (docs/cable.md, "Timers"). */
export interface EvCableSummary {
  /** plug-in with PWM 5 % → SessionSetupRes (V2G_EVCC_CommunicationSetup_Timeout, 20 s) */
  communicationSetupMs?: number;
  /** PowerDeliveryReq(Start) sent → CP state C ([V2G2-847], 250 ms) */
  bToCMs?: number;
  /** the cable timers that ran out or past their budget */
  breaches: { timer: string; elapsedMs: number; budgetMs: number }[];
}

export type EvProcessState = 'starting' | 'plugging-in' | 'waiting-for-pwm' | 'discovering' | 'connecting' | 'in-session' | 'between-sessions' | 'finished';

/** After an interrupt, the session has this long to stop the normal way before it is abandoned. */
const INTERRUPT_GRACE_MS = 3000;

const round = (v: number, digits: number): number => Math.round(v * 10 ** digits) / 10 ** digits;
const bracket = (host: string): string => (host.includes(':') ? `[${host}]` : host);
const messageOf = (e: unknown): string => (e instanceof Error ? e.message : String(e));

export class EvProcess {
  readonly clock: SimClock;
  readonly model: EvModel;
  readonly adapter: EvccEvAdapter;
  /** the EV of ISO 15118-20 sessions (the same model) */
  readonly adapter20: EvccEv20Adapter;
  readonly tracer: Tracer;
  readonly hub = new TraceHub();
  private control: ControlApi | undefined;
  private tls: EvccTlsOptions | undefined;
  /** Plug & Charge: the contract (or the OEM provisioning certificate to install one) */
  private pnc: iso2.EvccPnc | undefined;
  private pnc20: iso20.Evcc20Pnc | undefined;
  private processState: EvProcessState = 'starting';
  private sessionNo = 0;
  private sessionStart = { soc: 0, chargedWh: 0, dischargedWh: 0 };
  private live: { protocol?: AppProtocolId; namespace?: string; sessionId?: string; lastMessage?: string; payment?: 'eim' | 'pnc'; service?: string; controlMode?: string } = {};
  private interrupted = false;
  private readonly abort = new AbortController();
  private lastStopReason: EvStopReason | 'evse' | undefined;
  private gracePeriod: Promise<undefined> | undefined;
  /** the cable (with --cable): the plug while plugged in, its timers, and the session's PowerDelivery progress */
  private plug: CablePlug | undefined;
  private cableTimers: EvCableTimers | undefined;
  private cableExpired: CableTimerResult | undefined;
  private powerDelivery: 'Start' | 'Stop' | 'Renegotiate' | undefined;
  private cableWork: Promise<unknown> = Promise.resolve();

  private constructor(
    readonly config: EvProcessConfig,
    private readonly io: ProcessIo,
  ) {
    this.clock = new SimClock({ speed: config.clock.speed, start: simClockStart(config.clock), unref: true });
    this.model = new EvModel(evModelConfig(config, this.clock.now()), this.clock);
    this.adapter = new EvccEvAdapter(this.model, this.clock, { evccId: config.evccId, energyTransferMode: config.energyTransferMode });
    this.adapter20 = new EvccEv20Adapter(this.model, this.clock, this.adapter, { controlMode: config.controlMode === 'dynamic' ? 'Dynamic' : 'Scheduled', bpt: config.bpt });
    const sinks: TraceSink[] = [this.hub, { write: (e) => this.observe(e) }];
    if (config.trace) sinks.push(pinoSink(config.trace));
    this.tracer = new Tracer({ actor: config.id, link: 'ev-evse', sinks, simNow: () => this.clock.now() });
  }

  /** Loads the PKI, opens the control API and prints the banner. Throws ConfigError for a bad PKI folder. */
  static async start(config: EvProcessConfig, io: ProcessIo): Promise<EvProcess> {
    const ev = new EvProcess(config, io);
    try {
      if (config.pki !== undefined) {
        const pnc = config.payment === 'pnc';
        const offers20 = config.protocols.some(isIso20Protocol);
        const offers2 = config.protocols.some((p) => !isIso20Protocol(p));
        let pki: LoadedPki;
        try {
          pki = await loadPki(config.pki, {
            require: [
              ...(config.tls ? (['v2g-root'] as const) : []),
              // -20 only over TLS 1.3 with the OEM provisioning certificate: required when nothing else is offered
              ...(config.tls && offers20 && !offers2 ? (['oem-prov'] as const) : []),
              ...(pnc ? [config.pnc.install ? ('oem-prov' as const) : ('contract' as const)] : []),
            ],
          });
        } catch (e) {
          if (isPkiError(e)) throw new ConfigError([{ path: 'pki', message: e.message }]);
          throw e;
        }
        if (config.tls) {
          ev.tls = evccTls(pki, offers2, offers20);
          if (offers20 && !pki.oemProv) io.log(`${config.id}: no OEM provisioning certificate in ${config.pki}: ISO 15118-20 is not offered over TLS (TLS 1.2 only)`);
        }
        if (pnc) {
          ev.pnc = evccPnc(pki, config.pnc.install);
          if (pki.contract) ev.pnc20 = { contractCertPem: pki.contract.leafPem, subCaPems: pki.contract.subCaPems, contractKeyPem: pki.contract.keyPem };
        }
      }
      ev.control = await startControlApi({
        host: config.control.host,
        port: config.control.port,
        health: () => ev.health(),
        healthProperties: HEALTH_PROPERTIES,
        actions: ev.actions(),
        trace: ev.hub,
      });
    } catch (e) {
      await ev.close();
      throw e;
    }
    io.log(ev.banner());
    return ev;
  }

  get controlUrl(): string | undefined {
    return this.control?.url;
  }

  get state(): EvProcessState {
    return this.processState;
  }

  banner(): string {
    const c = this.config;
    const secc = c.secc
      ? `tcp://${c.secc}`
      : c.sdp.interface !== undefined
        ? `sdp://[ff02::1%${c.sdp.interface}]:${c.sdp.port}`
        : `sdp://${bracket(c.sdp.address)}:${c.sdp.port}`;
    return (
      `v2xsim ev ready: id=${c.id} secc=${secc} control=${this.control?.url ?? '-'}${c.cable ? ` cable=${c.cable}` : ''} protocols=${c.protocols.join(',')} mode=${c.energyTransferMode} ` +
      `${c.protocols.some(isIso20Protocol) ? `controlMode=${c.controlMode} bpt=${c.bpt ? 'on' : 'off'} ` : ''}payment=${c.payment} tls=${c.tls ? 'on' : 'off'} soc=${round(this.model.soc, 2)} target=${c.needs.targetSoc} speed=${c.clock.speed}`
    );
  }

  /** Runs the sessions; resolves with the exit status (0 only if every session was complete and error-free). */
  async run(): Promise<{ exitCode: 0 | 1; sessions: EvSessionSummary[] }> {
    const sessions: EvSessionSummary[] = [];
    const { repeat } = this.config;
    for (let n = 1; repeat === 0 || n <= repeat; n++) {
      if (this.interrupted || this.adapter.unplugged) break;
      // a full battery (or a driver who has left) does not plug in again
      const done = n > 1 ? this.adapter.stopReason() : undefined;
      if (done === 'charging-complete' || done === 'departure') {
        this.io.log(`${this.config.id}: no further session: ${done === 'departure' ? 'departure time reached' : 'charged to the target'}`);
        break;
      }
      const s = await this.runSession(n);
      sessions.push(s);
      if (this.config.summary) this.io.out(JSON.stringify(s));
      this.io.log(
        `${this.config.id}: session ${n} ${s.ok ? 'complete' : 'FAILED'}${s.protocol ? ` (${s.protocol}${s.sessionId ? ` ${s.sessionId}` : ''})` : ''}: ` +
          `${round(s.energyWh / 1000, 3)} kWh, SoC ${round(s.socStart, 1)} → ${round(s.socEnd, 1)} %${s.stopReason ? `, stopped: ${s.stopReason}` : ''}${s.error ? `, error: ${s.error}` : ''}`,
      );
      if (!s.ok) break;
      if (repeat !== 1) this.processState = 'between-sessions';
    }
    await this.unplugCable();
    this.processState = 'finished';
    return { exitCode: sessions.length > 0 && sessions.every((s) => s.ok) ? 0 : 1, sessions };
  }

  /** SIGINT/SIGTERM: stop charging at the next cycle, run no further session, give up after a grace period. */
  interrupt(): void {
    if (this.interrupted) return;
    this.interrupted = true;
    this.adapter.requestStop('driver');
    this.abort.abort();
  }

  async close(): Promise<void> {
    await this.unplugCable();
    await this.control?.close();
    this.control = undefined;
    await this.tracer.close();
    this.clock.stop();
  }

  // --- one session ---------------------------------------------------------------------

  private async runSession(n: number): Promise<EvSessionSummary> {
    const c = this.config;
    this.sessionNo = n;
    this.live = {};
    this.lastStopReason = undefined;
    this.adapter.beginSession();
    this.adapter20.beginSession();
    // -2 and DIN stop at the target SoC; a -20 session sets its own control mode once it begins
    this.model.setControlMode('Scheduled');
    const messages: Record<string, number> = {};
    const unsubscribe = this.hub.subscribe((e) => {
      messages[e.message] = (messages[e.message] ?? 0) + 1;
    });
    this.sessionStart = { soc: this.model.soc, chargedWh: this.model.chargedEnergyWh, dischargedWh: this.model.dischargedEnergyWh };
    const t0 = performance.now();
    const sim0 = this.clock.now();
    let secc: { host: string; port: number } | undefined;
    let result: EvccSessionSummary | undefined;
    let error: string | undefined;
    let cable: EvCableSummary | undefined;
    try {
      if (c.cable) await this.connectCable();
      secc = await this.locateSecc();
      this.processState = 'connecting';
      const session = runEvccSession({
        ev: this.adapter,
        protocols: c.protocols,
        host: secc.host,
        port: secc.port,
        ...(this.tls ? { tls: this.tls } : {}),
        tracer: this.tracer,
        session: { loopDelayMs: c.session.loopMs, ongoingDelayMs: c.session.ongoingMs, ...(this.pnc ? { pnc: this.pnc } : {}) },
        ...(c.protocols.some(isIso20Protocol) ? { ev20: this.adapter20 } : {}),
        ...(this.pnc20 ? { pnc20: this.pnc20 } : {}),
      });
      result = await Promise.race([session, this.abandoned(), ...(c.cable ? [this.cableGivenUp()] : [])]);
      if (!result) error = this.cableExpired ? `cable: ${this.cableExpired.timer} (${this.cableExpired.budgetMs} ms) expired` : `interrupted: the session did not stop within ${INTERRUPT_GRACE_MS} ms`;
      else if (result.error) error = result.error;
    } catch (e) {
      error = messageOf(e);
    } finally {
      unsubscribe();
      if (c.cable) {
        cable = this.cableSummary();
        // the plug is pulled once the session is over (the next session plugs in again)
        await this.unplugCable();
      }
    }
    const protocol = result?.protocol ?? this.live.protocol;
    const namespace = result?.namespace ?? this.live.namespace;
    const sessionId = result?.sessionId ?? this.live.sessionId;
    const stopReason = this.lastStopReason;
    const dischargedWh = this.model.dischargedEnergyWh - this.sessionStart.dischargedWh;
    const iso20Session = protocol !== undefined && isIso20Protocol(protocol);
    const remaining = this.model.remainingV2gEnergyWh;
    return {
      actor: c.id,
      session: n,
      ok: result?.ok === true && error === undefined,
      ...(protocol ? { protocol } : {}),
      ...(namespace ? { namespace } : {}),
      ...(sessionId ? { sessionId } : {}),
      energyTransferMode: c.energyTransferMode,
      ...(this.live.payment ? { payment: this.live.payment } : {}),
      ...(messages.CertificateInstallationRes ? { contractInstalled: messages.PaymentDetailsReq !== undefined } : {}),
      tls: this.tls !== undefined,
      ...(secc ? { secc: `${bracket(secc.host)}:${secc.port}` } : {}),
      discovery: c.secc ? 'configured' : 'sdp',
      messages,
      energyWh: round(this.model.chargedEnergyWh - this.sessionStart.chargedWh, 3),
      ...(iso20Session || dischargedWh > 0 ? { dischargedWh: round(dischargedWh, 3) } : {}),
      ...(this.live.service ? { service: this.live.service } : {}),
      ...(this.live.controlMode ? { controlMode: this.live.controlMode } : {}),
      ...(result?.tlsVersion ? { tlsVersion: result.tlsVersion } : {}),
      ...(iso20Session && this.config.bpt && remaining !== undefined ? { remainingV2gEnergyWh: round(remaining, 3) } : {}),
      ...(result?.renegotiations ? { renegotiations: result.renegotiations.map((r) => ({ ...r, elapsedMs: round(r.elapsedMs, 3) })) } : {}),
      socStart: round(this.sessionStart.soc, 3),
      socEnd: round(this.model.soc, 3),
      ...(stopReason ? { stopReason } : {}),
      breaches: result?.breaches ?? [],
      durationMs: round(performance.now() - t0, 1),
      simDurationS: round((this.clock.now() - sim0) / 1000, 1),
      ...(cable ? { cable } : {}),
      ...(error !== undefined ? { error } : {}),
    };
  }

  // --- the cable -----------------------------------------------------------------------

  /**
   * Plugs in (state B) unless the plug is in already, then waits for the EVSE's PWM 5 % (digital
   * communication) before SDP and the session. The communication-setup timer is armed from then.
   */
  private async connectCable(): Promise<void> {
    const c = this.config;
    this.cableExpired = undefined;
    this.powerDelivery = undefined;
    if (this.plug === undefined || !this.plug.plugged) {
      this.processState = 'plugging-in';
      await this.plugInCable();
    }
    const plug = this.plug!;
    if (!isDigitalCommunication(plug.duty)) {
      this.processState = 'waiting-for-pwm';
      const budgetMs = this.cableTimers!.communicationSetup.budgetMs;
      const unplugged = plug.waitFor('unplugged', undefined, { signal: this.abort.signal }).then(() => {
        throw new Error('cable: unplugged while waiting for PWM 5 %');
      });
      try {
        await Promise.race([
          plug.waitFor('pwm', (e) => isDigitalCommunication(e.duty), { timeoutMs: budgetMs, signal: this.abort.signal }),
          unplugged,
        ]);
      } catch (e) {
        if (this.abort.signal.aborted) throw new Error(this.interrupted ? 'interrupted while waiting for PWM 5 %' : 'unplugged while waiting for PWM 5 %');
        throw new Error(`cable: no PWM 5 % from the EVSE at ${c.cable}: ${messageOf(e)}`);
      } finally {
        unplugged.catch(() => undefined);
      }
    }
  }

  /** Plugs the cable in (the EVSE's cable socket at `cable`) and arms the EV's cable timers. */
  private async plugInCable(): Promise<CablePlug> {
    const address = parseCableAddress(this.config.cable!)!;
    let plug: CablePlug;
    try {
      plug = await plugIn({ host: address.host, port: address.port, cableCurrentA: this.config.cableCurrentA, state: 'B' });
    } catch (e) {
      throw new Error(`cable: cannot plug in at ${this.config.cable}: ${messageOf(e)}`);
    }
    this.cableTimers?.dispose();
    this.plug = plug;
    this.cableTimers = new EvCableTimers(plug, {
      onExpire: (r) => {
        if (r.kind === 'timeout') this.cableExpired = r;
        this.io.log(`${this.config.id}: cable: ${r.timer} ${r.kind === 'timeout' ? 'expired' : 'exceeded'} (${r.budgetMs} ms)`);
      },
    });
    plug.on('unplugged', (e) => {
      if (e.reason !== 'unplug') this.io.log(`${this.config.id}: cable: unplugged (${e.reason})`);
    });
    this.io.log(`${this.config.id}: cable: plugged in at ${this.config.cable} (${plug.cableCurrentA} A cable), CP ${plug.state}`);
    return plug;
  }

  /** Pulls the plug (once the CP changes in flight are through). */
  private async unplugCable(): Promise<void> {
    const plug = this.plug;
    if (plug === undefined) return;
    await this.cableWork;
    if (this.plug === plug) this.plug = undefined;
    this.cableTimers?.dispose();
    if (plug.plugged) {
      await plug.unplug();
      this.io.log(`${this.config.id}: cable: unplugged`);
    }
  }

  /** The EV's CP load, in the cable's order; a failure (the cable gone) is logged, not thrown. */
  private setCp(state: 'B' | 'C'): void {
    const plug = this.plug;
    if (plug === undefined || !plug.plugged || plug.evState === state) return;
    this.cableWork = this.cableWork.then(() =>
      plug.setState(state).catch((e: unknown) => this.io.log(`${this.config.id}: cable: CP ${state}: ${messageOf(e)}`)),
    );
  }

  /** Resolves (with undefined) when the communication-setup timeout expires: the EV gives up. */
  private cableGivenUp(): Promise<undefined> {
    const timer = this.cableTimers?.communicationSetup;
    if (timer === undefined) return new Promise(() => undefined);
    return timer.result.then((r) => (r.status === 'expired' ? undefined : new Promise<undefined>(() => undefined)));
  }

  private cableSummary(): EvCableSummary {
    const timers = this.cableTimers;
    const setup = timers?.measure('CommunicationSetup');
    const bToC = timers?.measure('B→C');
    const breaches: EvCableSummary['breaches'] = [];
    for (const r of [setup, bToC]) {
      if (r !== undefined && (r.breach || r.status === 'expired')) breaches.push({ timer: r.timer, elapsedMs: round(r.elapsedMs ?? r.budgetMs, 3), budgetMs: r.budgetMs });
    }
    return {
      ...(setup?.status === 'done' && setup.elapsedMs !== undefined ? { communicationSetupMs: round(setup.elapsedMs, 3) } : {}),
      ...(bToC?.status === 'done' && bToC.elapsedMs !== undefined ? { bToCMs: round(bToC.elapsedMs, 3) } : {}),
      breaches,
    };
  }

  /** The configured SECC address, or SDP (unicast, or multicast on an interface). */
  private async locateSecc(): Promise<{ host: string; port: number }> {
    const c = this.config;
    if (c.secc) return parseSeccAddress(c.secc)!;
    this.processState = 'discovering';
    const security = c.tls ? 'tls' : 'none';
    const found = await discoverSecc({
      target: c.sdp.interface !== undefined ? { interface: c.sdp.interface, port: c.sdp.port } : { address: c.sdp.address, port: c.sdp.port },
      security,
      timeoutMs: c.sdp.timeoutMs,
      maxRequests: c.sdp.maxRequests,
      signal: this.abort.signal,
      trace: (e: SdpTraceEvent) =>
        this.tracer.message({ protocol: 'sdp', direction: e.direction, message: e.message, size: e.size, body: e.body, peer: `${bracket(e.peer.address)}:${e.peer.port}` }),
    });
    // [V2G2-633]: an SECC that cannot give the security asked for answers with what it has
    if (found.security !== security) throw new Error(`SDP: the SECC at ${bracket(found.address)}:${found.port} offers ${found.security === 'tls' ? 'TLS only' : 'no TLS'}, the EV asked for ${security === 'tls' ? 'TLS' : 'no TLS'}`);
    return { host: found.address, port: found.port };
  }

  /** Resolves (with undefined) once an interrupt's grace period is over. */
  private abandoned(): Promise<undefined> {
    this.gracePeriod ??= new Promise((resolve) => {
      const fire = () => setTimeout(() => resolve(undefined), INTERRUPT_GRACE_MS).unref();
      if (this.abort.signal.aborted) fire();
      else this.abort.signal.addEventListener('abort', fire, { once: true });
    });
    return this.gracePeriod;
  }

  /** Follows the trace for /health and the summary. */
  private observe(e: TraceEvent): void {
    this.live.lastMessage = e.message;
    if (this.plug !== undefined) this.observeCable(e);
    if (e.message === 'supportedAppProtocolReq' && e.direction === 'tx') this.processState = 'in-session';
    if (e.message === 'supportedAppProtocolRes' && e.direction === 'rx') {
      const res = (e.body as { supportedAppProtocolRes?: Parameters<typeof chosenAppProtocol>[1] } | undefined)?.supportedAppProtocolRes;
      const chosen = res ? chosenAppProtocol(this.config.protocols, res) : undefined;
      if (chosen) this.live = { ...this.live, protocol: chosen.id, namespace: chosen.namespace };
    }
    if (e.correlationId && e.correlationId !== '00') this.live.sessionId = e.correlationId;
    if (e.message === 'PaymentServiceSelectionReq' && e.direction === 'tx') {
      const option = (e.body as { V2G_Message?: { Body?: { PaymentServiceSelectionReq?: { SelectedPaymentOption?: string } } } }).V2G_Message?.Body?.PaymentServiceSelectionReq?.SelectedPaymentOption;
      this.live.payment = option === 'Contract' ? 'pnc' : 'eim';
    }
    if (e.message === 'ServicePaymentSelectionReq' && e.direction === 'tx') this.live.payment = 'eim';
    if (e.protocol === 'iso15118-20' && e.direction === 'tx') this.observe20(e);
    // the reason is read when the EV decides to stop: at its PowerDelivery(Stop) / (ReadyToChargeState false)
    if (e.message === 'PowerDeliveryReq' && e.direction === 'tx' && !this.lastStopReason) {
      const pd = powerDeliveryOf(e.body);
      if (pd && (pd.ChargeProgress === 'Stop' || pd.ReadyToChargeState === false)) this.lastStopReason = this.adapter.stopReason() ?? 'evse';
    }
  }

  /** ISO 15118-20 requests: the payment, energy service and control mode the EV chose. */
  private observe20(e: TraceEvent): void {
    const body = e.body as Record<string, Record<string, unknown> | undefined> | undefined;
    if (e.message === 'AuthorizationReq') this.live.payment = body?.AuthorizationReq?.SelectedAuthorizationService === 'PnC' ? 'pnc' : 'eim';
    if (e.message === 'ServiceSelectionReq') {
      const id = (body?.ServiceSelectionReq?.SelectedEnergyTransferService as { ServiceID?: number } | undefined)?.ServiceID;
      const service = id !== undefined ? SERVICE_NAMES[id] : undefined;
      if (service) this.live.service = service;
    }
    if (e.message === 'DC_ChargeParameterDiscoveryReq' || e.message === 'AC_ChargeParameterDiscoveryReq') this.live.controlMode = this.adapter20.controlMode;
  }

  /** The cable follows the session: SessionSetupRes stops the setup timer; PowerDelivery(Start) → C, (Stop) → B. */
  private observeCable(e: TraceEvent): void {
    if (e.message === 'SessionSetupRes' && e.direction === 'rx') {
      const timers = this.cableTimers;
      if (timers?.communicationSetup.status === 'running') timers.sessionSetupRes();
    } else if (e.message === 'PowerDeliveryReq' && e.direction === 'tx') {
      const pd = powerDeliveryOf(e.body);
      // ISO 15118-2: ChargeProgress; DIN 70121: ReadyToChargeState
      const progress = pd?.ChargeProgress ?? (pd?.ReadyToChargeState === true ? 'Start' : pd?.ReadyToChargeState === false ? 'Stop' : undefined);
      this.powerDelivery = progress === 'Start' || progress === 'Stop' || progress === 'Renegotiate' ? progress : undefined;
      // [V2G2-847]: C within 250 ms of sending PowerDeliveryReq(Start)
      if (this.powerDelivery === 'Start') this.cableTimers?.powerDeliveryStart(wallClockMs()); // the trace event is written as the request is sent
    } else if (e.message === 'PowerDeliveryRes' && e.direction === 'rx') {
      if (this.powerDelivery === 'Start') this.setCp('C');
      else if (this.powerDelivery === 'Stop') this.setCp('B');
    }
  }

  // --- control API ---------------------------------------------------------------------

  private health(): Record<string, unknown> {
    const needs = this.model.needs;
    return {
      status: 'ok',
      actor: this.config.id,
      role: 'ev',
      state: this.processState,
      session: this.sessionNo,
      ...this.live,
      energyTransferMode: this.config.energyTransferMode,
      soc: round(this.model.soc, 3),
      sessionEnergyWh: round(this.model.chargedEnergyWh - this.sessionStart.chargedWh, 3),
      sessionDischargedWh: round(this.model.dischargedEnergyWh - this.sessionStart.dischargedWh, 3),
      dischargeAllowed: this.model.dischargeAllowed,
      ...(this.model.remainingV2gEnergyWh !== undefined ? { remainingV2gEnergyWh: round(this.model.remainingV2gEnergyWh, 3) } : {}),
      powerW: round(this.model.lastPowerW, 1),
      needs: {
        targetSoc: needs.targetSoc,
        minimumSoc: needs.minimumSoc,
        maximumSoc: needs.maximumSoc,
        ...(needs.departureTime !== undefined ? { departureS: round((needs.departureTime - this.clock.now()) / 1000, 1) } : {}),
      },
      ...(this.adapter.stopReason() ? { stopReason: this.adapter.stopReason() } : {}),
      ...(this.config.cable
        ? { cable: { address: this.config.cable, plugged: this.plug?.plugged ?? false, state: this.plug?.state ?? 'A', evState: this.plug?.evState ?? 'B', duty: this.plug?.duty ?? null } }
        : {}),
      simTime: new Date(this.clock.now()).toISOString(),
    };
  }

  private actions(): ControlAction[] {
    return [
      {
        name: 'stop',
        description: 'the driver stops charging: the EV ends the session normally at its next charge-loop cycle',
        run: () => {
          this.adapter.requestStop('driver');
          return { state: this.processState };
        },
      },
      {
        name: 'unplug',
        description: 'the driver unplugs: the session ends at the next cycle, the cable (with --cable) is unplugged, and no further session starts (SDP discovery is abandoned)',
        run: () => {
          this.adapter.requestStop('unplugged');
          const waiting: EvProcessState[] = ['discovering', 'starting', 'between-sessions', 'plugging-in', 'waiting-for-pwm'];
          if (waiting.includes(this.processState)) this.abort.abort();
          return { state: this.processState };
        },
      },
      {
        name: 'plug-in',
        description: 'with --cable: plug the cable in again (state B) when it is not, e.g. after the EVSE dropped it; the session waits for PWM 5 %',
        run: async () => {
          if (!this.config.cable) throw new ControlActionError(409, 'no cable: start the EV with --cable HOST:PORT');
          if (this.plug?.plugged === true) throw new ControlActionError(409, 'the cable is plugged in already');
          if (this.processState === 'finished' || this.adapter.unplugged || this.interrupted) throw new ControlActionError(409, 'the EV is leaving: no further session');
          let plug: CablePlug;
          try {
            plug = await this.plugInCable();
          } catch (e) {
            throw new ControlActionError(409, messageOf(e));
          }
          return { state: plug.state, duty: plug.duty };
        },
      },
      {
        name: 'allow-discharge',
        description:
          'the driver allows (true) or forbids (false) discharging: a running ISO 15118-20 BPT session sends discharge limits of 0 and renegotiates; a new session asks for AC/DC instead of AC_BPT/DC_BPT when forbidden',
        body: { type: 'object', additionalProperties: false, required: ['allowed'], properties: { allowed: { type: 'boolean' } } },
        run: (body: { allowed: boolean }) => ({ changed: this.model.setDischargeAllowed(body.allowed), dischargeAllowed: this.model.dischargeAllowed }),
      },
      {
        name: 'set-needs',
        description: 'the driver changes the mobility needs; in a running session the EV renegotiates (ISO 15118-2 PowerDelivery Renegotiate, ISO 15118-20 PowerDelivery ScheduleRenegotiation)',
        body: {
          type: 'object',
          additionalProperties: false,
          minProperties: 1,
          properties: {
            departureTime: { type: ['number', 'null'], minimum: 0, description: 'sim seconds from now (as ISO 15118 DepartureTime); null clears it' },
            targetSoc: { type: 'number', minimum: 0, maximum: 100 },
            minimumSoc: { type: 'number', minimum: 0, maximum: 100 },
            maximumSoc: { type: 'number', minimum: 0, maximum: 100 },
          },
        },
        run: (body: { departureTime?: number | null; targetSoc?: number; minimumSoc?: number; maximumSoc?: number }) => {
          const change: Parameters<EvModel['setMobilityNeeds']>[0] = {};
          if (body.departureTime !== undefined) change.departureTime = body.departureTime === null ? undefined : this.clock.now() + body.departureTime * 1000;
          if (body.targetSoc !== undefined) change.targetSoc = body.targetSoc;
          if (body.minimumSoc !== undefined) change.minimumSoc = body.minimumSoc;
          if (body.maximumSoc !== undefined) change.maximumSoc = body.maximumSoc;
          let changed: boolean;
          try {
            changed = this.model.setMobilityNeeds(change);
          } catch (e) {
            throw new ControlActionError(400, messageOf(e));
          }
          return { changed, needs: this.health().needs as Record<string, unknown> };
        },
      },
    ];
  }
}

const SERVICE_NAMES: Record<number, string> = { 1: 'AC', 2: 'DC', 5: 'AC_BPT', 6: 'DC_BPT' };

/** PowerDeliveryReq of a trace body: ISO 15118-2/DIN (in V2G_Message) or -20 (its own element). */
function powerDeliveryOf(body: unknown): { ChargeProgress?: string; ReadyToChargeState?: boolean } | undefined {
  const b = body as { V2G_Message?: { Body?: { PowerDeliveryReq?: { ChargeProgress?: string; ReadyToChargeState?: boolean } } }; PowerDeliveryReq?: { ChargeProgress?: string } } | undefined;
  return b?.V2G_Message?.Body?.PowerDeliveryReq ?? b?.PowerDeliveryReq;
}

/**
 * The EVCC's TLS: ISO 15118-2/DIN over TLS 1.2; ISO 15118-20 over TLS 1.3 presenting the OEM
 * provisioning chain (mutual authentication). Offering both: TLS 1.2–1.3 with the certificate, so
 * a -2-only SECC still answers with TLS 1.2 (and the EVCC then offers -2 only). In TLS 1.2 the SECC
 * certificate's curve must be among the EV's groups (RFC 8422 §5.1): P-521 too on a P-521 PKI.
 */
function evccTls(pki: LoadedPki, offers2: boolean, offers20: boolean): EvccTlsOptions {
  const ca = pki.roots.v2g!;
  const groups12 = pki.curve === 'P-521' ? 'prime256v1:secp521r1' : TLS_ISO15118_2.ecdhCurve;
  const oem = offers20 ? pki.oemProv : undefined;
  if (!oem) return { ...TLS_ISO15118_2, ecdhCurve: groups12, ca };
  const identity = { ca, cert: oem.chainPem, key: oem.keyPem };
  if (!offers2) return { minVersion: TLS_ISO15118_20.minVersion, maxVersion: TLS_ISO15118_20.maxVersion, ciphers: TLS_ISO15118_20.ciphers, ...identity };
  return { minVersion: 'TLSv1.2', maxVersion: 'TLSv1.3', ciphers: `${TLS_ISO15118_20.ciphers}:${TLS_ISO15118_2.ciphers}`, ...identity };
}

/**
 * Plug & Charge at the EVCC: the folder's contract, or (install) the OEM provisioning certificate
 * to get one by CertificateInstallation; an installed contract is kept for the next session.
 */
function evccPnc(pki: LoadedPki, install: boolean): iso2.EvccPnc {
  const v2gRootPems = pki.roots.v2g ? [pki.roots.v2g] : [];
  if (install) {
    const pnc: iso2.EvccPnc = {
      oemProvCertPem: pki.oemProv!.leafPem,
      oemProvKeyPem: pki.oemProv!.keyPem,
      v2gRootPems,
      onContractInstalled: (contract) => Object.assign(pnc, contract),
    };
    return pnc;
  }
  const contract = pki.contract!;
  return {
    emaid: contract.info.commonName ?? pki.manifest?.identities.emaid ?? '',
    contractCertPem: contract.leafPem,
    subCaPems: contract.subCaPems,
    contractKeyPem: contract.keyPem,
    v2gRootPems,
  };
}

const HEALTH_PROPERTIES = {
  status: { type: 'string' },
  actor: { type: 'string' },
  role: { type: 'string' },
  state: { type: 'string', enum: ['starting', 'plugging-in', 'waiting-for-pwm', 'discovering', 'connecting', 'in-session', 'between-sessions', 'finished'] },
  payment: { type: 'string' },
  session: { type: 'integer' },
  protocol: { type: 'string' },
  namespace: { type: 'string' },
  sessionId: { type: 'string' },
  lastMessage: { type: 'string' },
  energyTransferMode: { type: 'string' },
  service: { type: 'string' },
  controlMode: { type: 'string' },
  soc: { type: 'number' },
  sessionEnergyWh: { type: 'number' },
  sessionDischargedWh: { type: 'number' },
  dischargeAllowed: { type: 'boolean' },
  remainingV2gEnergyWh: { type: 'number' },
  powerW: { type: 'number' },
  needs: { type: 'object', additionalProperties: true },
  stopReason: { type: 'string' },
  cable: { type: 'object', additionalProperties: true },
  simTime: { type: 'string' },
};
