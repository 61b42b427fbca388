// One OCPP charging station: an OcppClient for its version and security profile (reconnecting
// with back-off), BootNotification until Accepted (retried per the interval when Pending or
// Rejected, B01–B03), Heartbeat at the CSMS's interval, StatusNotification per connector, a
// device model, EVSE controllers that turn what the EVSEs report into transaction messages, the
// journal that keeps those messages on disk while offline, and the handlers of the CSMS's CALLs.
import { EventEmitter } from 'node:events';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { OcppClient, OcppConnectionClosedError, type ChargingProfile, type OcppConnection, type OcppVersion } from '@v2xsim/ocpp';
import type { Tracer } from '@v2xsim/trace';
import { ChargingProfiles, type ProfileTransaction } from './charging-profiles.js';
import { basicAuthPassword, checkStationConfig, type StationConfig } from './config.js';
import { Configuration16 } from './configuration16.js';
import type { Payload, StationContext } from './context.js';
import { DeviceModel, V } from './device-model.js';
import { EvseController, type TransactionState } from './evse-controller.js';
import { capabilities, smartChargingHandlers } from './handlers/smart-charging.js';
import { provisioningHandlers } from './handlers/provisioning.js';
import { remoteControlHandlers } from './handlers/remote-control.js';
import type { HandlerTable } from './handlers/registry.js';
import { Journal, type JournalEntry } from './journal.js';
import { Outbox } from './outbox.js';
import type { EvseScheduleUpdate, StationEvseEvents, StationEvsePort } from './ports.js';
import { readJsonFile, writeJsonFile } from './store.js';
import { defaultVariables } from './variables.js';

export interface StationEvents {
  /** BootNotification answered Accepted */
  booted: [{ interval: number }];
  /** connected (again) to the CSMS */
  connected: [{ version: OcppVersion }];
  disconnected: [];
  transaction: [{ evseId: number; transactionId: string; event: 'Started' | 'Updated' | 'Ended'; triggerReason: string }];
  /** a journaled message was given up */
  dropped: [{ action: string; reason: string }];
  /** a CALL of the station failed (not journaled messages) */
  error: [Error];
}

export interface ChargingStationOptions {
  /** traces every OCPP frame (protocol ocpp1.6 / ocpp2.0.1 / ocpp2.1) */
  tracer?: Tracer;
  /** message ids (default random UUIDs) */
  newMessageId?: () => string;
}

interface PersistedState {
  transactions: TransactionState[];
}

const STATE_FILE = 'transactions.json';
const VARIABLES_FILE = 'variables.json';
const PROFILES_FILE = 'charging-profiles.json';

export class ChargingStation extends EventEmitter<StationEvents> {
  readonly config: StationConfig;
  readonly version: OcppVersion;
  readonly dm: DeviceModel;
  readonly client: OcppClient;
  readonly profiles: ChargingProfiles;
  private readonly configuration16: Configuration16 | undefined;
  private readonly controllers = new Map<number, EvseController>();
  private readonly journal: Journal;
  private readonly outbox: Outbox;
  private readonly ctx: StationContext;
  private accepted = false;
  private started = false;
  private stopped = false;
  private bootReason = 'PowerUp';
  private bootTimer: NodeJS.Timeout | undefined;
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private alignedTimer: NodeJS.Timeout | undefined;
  private readonly dynamicTimers = new Map<number, NodeJS.Timeout>();
  private pendingReset: 'OnIdle' | undefined;
  private readonly newMessageId: () => string;

  constructor(config: StationConfig, ports: ReadonlyMap<number, StationEvsePort> | ((evseId: number) => StationEvsePort), options: ChargingStationOptions = {}) {
    super();
    checkStationConfig(config);
    this.config = config;
    this.version = config.version;
    this.newMessageId = options.newMessageId ?? randomUUID;
    const now = config.now ?? Date.now;

    // device model: defaults, then the configuration's overrides, then what the CSMS set before a restart
    this.dm = new DeviceModel(
      defaultVariables(config, {
        now,
        powerW: (evseId) => [...this.controllers.values()].filter((e) => evseId === undefined || e.evseId === evseId).reduce((t, e) => t + (e.port.meter().powerW ?? 0), 0),
        availability: (evseId, connectorId) => {
          if (evseId === undefined) return [...this.controllers.values()].some((e) => e.operative) ? 'Available' : 'Unavailable';
          return this.controllers.get(evseId)?.availability(connectorId) ?? 'Unavailable';
        },
        profileCount: () => this.profiles.installed.length,
      }),
    );
    for (const [key, value] of Object.entries(config.variables ?? {})) {
      if (!this.dm.setLocal(key, value)) throw new RangeError(`station ${config.id}: variable ${key} = ${JSON.stringify(value)} is unknown or invalid`);
    }
    const variablesFile = join(config.dataDir, VARIABLES_FILE);
    const saved = readJsonFile<Record<string, string>>(variablesFile, {});
    for (const [key, value] of Object.entries(saved)) this.dm.setLocal(key, value);
    this.dm.onChange((key, value) => {
      if (this.dm.def(key)?.persistent === false) return;
      writeJsonFile(variablesFile, { ...readJsonFile<Record<string, string>>(variablesFile, {}), [key]: value });
    });
    this.configuration16 = config.version === '1.6' ? new Configuration16(this.dm, config.evses.length) : undefined;

    this.journal = Journal.open(config.dataDir);
    this.ctx = this.context(now);
    this.profiles = new ChargingProfiles(config.version, config.evses, join(config.dataDir, PROFILES_FILE), () => capabilities(this.ctx));
    for (const e of config.evses) {
      const port = typeof ports === 'function' ? ports(e.id) : ports.get(e.id);
      if (!port) throw new RangeError(`station ${config.id}: no port for EVSE ${e.id}`);
      this.controllers.set(e.id, new EvseController(this.ctx, e, port));
    }
    this.outbox = new Outbox({
      journal: this.journal,
      connection: () => (this.online ? this.client.connection : undefined),
      attempts: () => this.dm.int(V.messageAttempts),
      attemptIntervalS: () => this.dm.int(V.messageAttemptInterval),
      delivered: (entry, response) => this.delivered(entry, response),
      dropped: (entry, reason) => this.emit('dropped', { action: entry.action, reason }),
      openTxRefs: () => [...this.controllers.values()].flatMap((e) => (e.tx ? [e.tx.transactionId] : [])),
    });

    this.client = new OcppClient({
      url: config.csmsUrl,
      identity: config.id,
      protocols: [config.version],
      ...(config.password !== undefined ? { password: basicAuthPassword(config) } : {}),
      ...(config.tls ? { tls: config.tls } : {}),
      reconnect: {
        waitMinimumMs: this.dm.int('OCPPCommCtrlr.RetryBackOffWaitMinimum') * 1000,
        randomRangeMs: this.dm.int('OCPPCommCtrlr.RetryBackOffRandomRange') * 1000,
        repeatTimes: this.dm.int('OCPPCommCtrlr.RetryBackOffRepeatTimes'),
        ...(config.reconnect ?? {}),
      },
      callTimeoutMs: this.dm.int(V.messageTimeout) * 1000,
      pingIntervalMs: this.dm.int('OCPPCommCtrlr.WebSocketPingInterval') * 1000,
      ...(options.tracer ? { tracer: options.tracer } : {}),
      newMessageId: this.newMessageId,
    });
    const table: HandlerTable = new Map();
    provisioningHandlers(this.ctx, table);
    remoteControlHandlers(this.ctx, table);
    smartChargingHandlers(this.ctx, table);
    for (const [action, handler] of table) this.client.handlers.calls.set(action, handler as unknown as Parameters<typeof this.client.handlers.calls.set>[1]);
    this.client.on('open', (conn) => this.onOpen(conn));
  }

  /** Connected and BootNotification accepted: the station may send anything. */
  get online(): boolean {
    return this.accepted && this.client.connection !== undefined;
  }

  get id(): string {
    return this.config.id;
  }

  /** Journaled messages not yet delivered. */
  get queued(): number {
    return this.outbox.pending;
  }

  /** The events of one EVSE: what the EVSE process (or a test) calls. */
  evse(evseId: number): StationEvseEvents {
    const e = this.controllers.get(evseId);
    if (!e) throw new RangeError(`station ${this.id} has no EVSE ${evseId}`);
    return e;
  }

  /** The open transaction of an EVSE, if any. */
  transaction(evseId: number): Readonly<TransactionState> | undefined {
    return this.controllers.get(evseId)?.tx;
  }

  /**
   * Ends transactions a previous run left open (PowerLoss, journaled), hands the composite
   * schedules to the EVSEs, and connects. Resolves once connecting has begun; `booted` tells
   * when the CSMS accepted the station (see waitBooted()).
   */
  start(): void {
    if (this.started) return;
    this.started = true;
    const state = readJsonFile<PersistedState>(join(this.config.dataDir, STATE_FILE), { transactions: [] });
    for (const t of state.transactions) this.controllers.get(t.evseId)?.endRecovered(t);
    this.saveState();
    this.applySchedules('startup');
    this.restartDynamicPulls();
    this.client.connect().catch((e: unknown) => this.emit('error', e instanceof Error ? e : new Error(String(e))));
  }

  /** Resolves when BootNotification was accepted (at once if it already was). */
  waitBooted(): Promise<void> {
    if (this.online) return Promise.resolve();
    return new Promise((resolve) => this.once('booted', () => resolve()));
  }

  /** Resolves when every journaled message was delivered. */
  drained(): Promise<void> {
    return this.outbox.drained();
  }

  /** Disconnects and stops every timer; the journal and state stay on disk for the next start. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.clearTimers();
    for (const t of this.dynamicTimers.values()) clearInterval(t);
    this.dynamicTimers.clear();
    for (const e of this.controllers.values()) e.close();
    this.outbox.close();
    await this.client.close();
    this.journal.close();
  }

  /** Drops the connection as a network failure would (the station reconnects with back-off). */
  dropConnection(): void {
    this.client.connection?.terminate();
  }

  // ---------------------------------------------------------------------------------------------

  private context(now: () => number): StationContext {
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const self = this;
    return {
      config: this.config,
      version: this.version,
      dm: this.dm,
      get configuration16() {
        return self.configuration16;
      },
      get profiles() {
        return self.profiles;
      },
      evses: this.controllers,
      now,
      get online() {
        return self.online;
      },
      get scale() {
        return self.dm.bool(V.scaleEnabled);
      },
      call: (action, payload) => this.call(action, payload),
      enqueue: (action, payload, txRef) => {
        this.outbox.enqueue(action, payload, this.newMessageId(), now(), txRef);
      },
      later: (fn) =>
        setImmediate(() => {
          Promise.resolve()
            .then(fn)
            .catch((e: unknown) => this.emit('error', e instanceof Error ? e : new Error(String(e))));
        }),
      applySchedules: (cause, evseId) => this.applySchedules(cause, evseId),
      transactions: () => this.transactions(),
      csmsTransactionId: (id) => {
        if (this.version !== '1.6') return id;
        const n = this.journal.transactionIdOf(id);
        return n === undefined ? id : String(n);
      },
      saveState: () => this.saveState(),
      reboot: (kind) => this.reboot(kind),
      timersChanged: () => this.timersChanged(),
      emit: (event, info) => {
        this.emit(event, info);
        if (info.event === 'Ended' && this.pendingReset && ![...this.controllers.values()].some((e) => e.tx)) this.later(() => this.reboot('Immediate'));
      },
    };
  }

  private later(fn: () => void): void {
    setImmediate(fn);
  }

  private call(action: string, payload: Payload): Promise<Payload> {
    const conn = this.client.connection;
    if (!conn || !this.accepted) return Promise.reject(new OcppConnectionClosedError(`station ${this.id} is offline`));
    return conn.callUnchecked(action, payload);
  }

  private onOpen(conn: OcppConnection): void {
    this.emit('connected', { version: conn.version });
    conn.once('close', () => {
      this.clearTimers();
      for (const e of this.controllers.values()) e.forgetSentStatus();
      this.emit('disconnected');
    });
    if (this.accepted) {
      // a reconnect: no new BootNotification ([J21] §5.4); statuses, then the journal
      this.afterAccepted();
      return;
    }
    void this.boot(conn);
  }

  private bootRequest(): Payload {
    const c = this.config;
    if (this.version === '1.6') {
      return {
        chargePointVendor: c.vendorName.slice(0, 20),
        chargePointModel: c.model.slice(0, 20),
        ...(c.serialNumber ? { chargePointSerialNumber: c.serialNumber.slice(0, 25), chargeBoxSerialNumber: c.serialNumber.slice(0, 25) } : {}),
        ...(c.firmwareVersion ? { firmwareVersion: c.firmwareVersion.slice(0, 50) } : {}),
      };
    }
    return {
      reason: this.bootReason,
      chargingStation: {
        model: c.model.slice(0, 20),
        vendorName: c.vendorName.slice(0, 50),
        ...(c.serialNumber ? { serialNumber: c.serialNumber.slice(0, 25) } : {}),
        ...(c.firmwareVersion ? { firmwareVersion: c.firmwareVersion.slice(0, 50) } : {}),
      },
    };
  }

  /** B01–B03: BootNotification until Accepted; Pending/Rejected retried after `interval`. */
  private async boot(conn: OcppConnection): Promise<void> {
    clearTimeout(this.bootTimer);
    const retry = (s: number): void => {
      this.bootTimer = setTimeout(() => {
        const c = this.client.connection;
        if (c && !this.accepted && !this.stopped) void this.boot(c);
      }, s * 1000);
    };
    let res: Payload;
    try {
      res = await conn.callUnchecked('BootNotification', this.bootRequest());
    } catch (e) {
      if (!(e instanceof OcppConnectionClosedError)) retry(this.config.bootRetryS ?? 30);
      return;
    }
    const interval = Number(res.interval);
    if (res.status !== 'Accepted') {
      retry(interval > 0 ? interval : (this.config.bootRetryS ?? 30));
      return;
    }
    if (interval > 0) this.dm.setLocal(V.heartbeatInterval, String(interval));
    this.accepted = true;
    this.bootReason = 'PowerUp';
    this.afterAccepted();
    this.emit('booted', { interval });
  }

  private afterAccepted(): void {
    this.timersChanged();
    for (const e of this.controllers.values()) e.statusChanged();
    void this.outbox.pump();
  }

  private clearTimers(): void {
    clearTimeout(this.bootTimer);
    clearInterval(this.heartbeatTimer);
    clearTimeout(this.alignedTimer);
    this.heartbeatTimer = undefined;
    this.alignedTimer = undefined;
  }

  /** Heartbeat, clock-aligned meter values and transaction sampling follow the device model. */
  private timersChanged(): void {
    clearInterval(this.heartbeatTimer);
    clearTimeout(this.alignedTimer);
    for (const e of this.controllers.values()) e.restartSampling();
    if (!this.online) return;
    const hb = this.dm.int(V.heartbeatInterval);
    if (hb > 0) {
      this.heartbeatTimer = setInterval(() => {
        this.call('Heartbeat', {}).catch(() => undefined);
      }, hb * 1000);
      this.heartbeatTimer.unref();
    }
    this.scheduleAligned();
  }

  /** AlignedDataCtrlr.Interval / ClockAlignedDataInterval: MeterValues at whole multiples of the interval (J01). */
  private scheduleAligned(): void {
    const s = this.dm.int(V.alignedInterval);
    if (s <= 0 || !this.dm.bool(V.alignedEnabled) || !this.online) return;
    const now = this.ctx.now();
    const next = Math.ceil((now + 1) / (s * 1000)) * s * 1000;
    this.alignedTimer = setTimeout(() => {
      const measurands = this.dm.list(V.alignedMeasurands);
      for (const e of this.controllers.values()) {
        const mv = e.sample('Sample.Clock', measurands);
        if (this.version === '1.6') this.ctx.enqueue('MeterValues', { connectorId: e.evseId, meterValue: [mv] }, undefined);
        else this.ctx.enqueue('MeterValues', { evseId: e.evseId, meterValue: [mv] });
      }
      this.scheduleAligned();
    }, next - now);
    this.alignedTimer.unref();
  }

  /** A journaled message was answered. */
  private delivered(entry: JournalEntry, response: Payload): { txRef?: string; transactionId?: number } | void {
    if (entry.action === 'StartTransaction' && entry.txRef !== undefined) {
      const transactionId = Number(response.transactionId);
      const status = String((response.idTagInfo as Payload | undefined)?.status ?? 'Accepted');
      const evse = [...this.controllers.values()].find((e) => e.tx?.transactionId === entry.txRef);
      this.later(() => {
        evse?.idTokenVerdict(entry.txRef!, status);
        // TxProfiles may now name the transaction by the id the CSMS gave it
        this.applySchedules('transaction', evse?.evseId);
      });
      return { txRef: entry.txRef, transactionId };
    }
    if (entry.action === 'TransactionEvent') {
      const info = response.idTokenInfo as Payload | undefined;
      if (info) {
        const transactionId = String((entry.payload.transactionInfo as Payload).transactionId);
        const evse = [...this.controllers.values()].find((e) => e.tx?.transactionId === transactionId);
        this.later(() => evse?.idTokenVerdict(transactionId, String(info.status)));
      }
    }
  }

  private transactions(): ProfileTransaction[] {
    return [...this.controllers.values()].flatMap((e) => {
      const t = e.profileTransaction();
      return t ? [t] : [];
    });
  }

  private saveState(): void {
    const transactions = [...this.controllers.values()].flatMap((e) => (e.tx ? [e.tx] : []));
    writeJsonFile(join(this.config.dataDir, STATE_FILE), { transactions } satisfies PersistedState);
  }

  /** The composite schedule of each EVSE (or one) to its port; dynamic pulls follow the profiles. */
  applySchedules(cause: EvseScheduleUpdate['cause'], evseId?: number): void {
    const txs = this.transactions();
    for (const e of this.controllers.values()) {
      if (evseId !== undefined && e.evseId !== evseId) continue;
      e.scheduleChanged(this.profiles.scheduleUpdate(e.evseId, this.ctx.now(), txs, cause, e.needs?.maxScheduleTuples));
    }
    if (cause === 'profile') this.restartDynamicPulls();
  }

  /** K29: PullDynamicScheduleUpdate every dynUpdateInterval for each Dynamic profile. */
  private restartDynamicPulls(): void {
    for (const t of this.dynamicTimers.values()) clearInterval(t);
    this.dynamicTimers.clear();
    if (this.version !== '2.1' || this.stopped) return;
    for (const { profile } of this.profiles.installed) {
      if (profile.chargingProfileKind !== 'Dynamic' || !profile.dynUpdateInterval) continue;
      const timer = setInterval(() => void this.pullDynamic(profile), profile.dynUpdateInterval * 1000);
      timer.unref();
      this.dynamicTimers.set(profile.id, timer);
    }
  }

  private async pullDynamic(profile: ChargingProfile): Promise<void> {
    if (!this.online) return;
    try {
      const res = await this.call('PullDynamicScheduleUpdate', { chargingProfileId: profile.id });
      if (res.status !== 'Accepted' || !res.scheduleUpdate) return;
      const result = this.profiles.updateDynamic(profile.id, res.scheduleUpdate as never, this.ctx.now());
      if (result?.status === 'Accepted') this.applySchedules('dynamic-update');
    } catch (e) {
      this.emit('error', e instanceof Error ? e : new Error(String(e)));
    }
  }

  /** Reset (B11/B12, 1.6 §5.14): transactions end, the connection is dropped, the station boots again. */
  private reboot(kind: 'Immediate' | 'OnIdle' | 'Hard' | 'Soft'): void {
    if (this.stopped) return;
    const busy = [...this.controllers.values()].some((e) => e.tx);
    if (kind === 'OnIdle' && busy) {
      this.pendingReset = 'OnIdle';
      return;
    }
    this.pendingReset = undefined;
    for (const e of this.controllers.values()) {
      if (!e.tx) continue;
      if (this.version === '1.6') e.abort(kind === 'Hard' ? 'ImmediateReset' : 'Reboot', 'ResetCommand', 'Reset');
      else e.abort('ImmediateReset', 'ResetCommand', 'Reset');
    }
    this.accepted = false;
    this.bootReason = 'RemoteReset';
    this.clearTimers();
    // the queued Ended events go out after the new BootNotification; the client reconnects
    const conn = this.client.connection;
    if (conn) void conn.close(1000, 'reset');
  }
}

