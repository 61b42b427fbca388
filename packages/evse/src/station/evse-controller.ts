// One EVSE as the station runs it (functional blocks C Authorization, E Transactions, G
// Availability, J MeterValues, K15–K17 ISO 15118 charging needs): it turns what the EVSE reports
// (StationEvseEvents) into StatusNotification, Authorize, TransactionEvent (2.x) or
// Start/StopTransaction + MeterValues (1.6), NotifyEVChargingNeeds and NotifyEVChargingSchedule.
// 2.x transactions start and stop at TxStartPoint / TxStopPoint (EVConnected, Authorized,
// PowerPathClosed, EnergyTransfer; E01–E07); 1.6 ones when the EV is plugged in and authorised.
import { randomUUID } from 'node:crypto';
import { formatDateTime, type ChargingProfile } from '@v2xsim/ocpp';
import { notifyEVChargingNeedsRequest, SCALE_VENDOR_ID } from './charging-needs.js';
import type { ProfileTransaction } from './charging-profiles.js';
import type { StationEvseConfig } from './config.js';
import type { Payload, StationContext } from './context.js';
import { V } from './device-model.js';
import { meterValue16, meterValue2, type ReadingContext } from './meter-values.js';
import type {
  AuthorizationResult,
  EvChargingNeeds,
  EvChargingSchedule,
  EvseChargingState,
  EvseMeterSample,
  EvseScheduleUpdate,
  Iso15118Protocol,
  StationEvseEvents,
  StationEvsePort,
  StationStopReason,
} from './ports.js';

/** An open transaction, as persisted so a restart can end it (PowerLoss). */
export interface TransactionState {
  evseId: number;
  connectorId: number;
  /** 2.x: the transactionId; 1.6: the station's reference (the CSMS gives the id) */
  transactionId: string;
  /** 2.x: seqNo of the next TransactionEvent */
  seqNo: number;
  startedAt: number;
  /** when energy could first flow (Relative schedules start here) */
  readyAt?: number;
  idToken?: { idToken: string; type: string };
  remoteStartId?: number;
  meterStartWh: number;
  chargingMs: number;
  chargingSince?: number;
  iso15118: boolean;
  priorityCharging?: boolean;
  sessionId?: string;
  lastMeter?: EvseMeterSample;
}

type StartPoint = 'EVConnected' | 'Authorized' | 'PowerPathClosed' | 'EnergyTransfer';
type ConnectorStatus2 = 'Available' | 'Occupied' | 'Reserved' | 'Unavailable' | 'Faulted';
type ChargePointStatus16 = 'Available' | 'Preparing' | 'Charging' | 'SuspendedEV' | 'SuspendedEVSE' | 'Finishing' | 'Reserved' | 'Unavailable' | 'Faulted';

export type StoppedReason2 = 'DeAuthorized' | 'EVDisconnected' | 'ImmediateReset' | 'Local' | 'Other' | 'PowerLoss' | 'Remote' | 'StoppedByEV' | 'Reboot';

const STOP16: Record<StoppedReason2, string> = {
  DeAuthorized: 'DeAuthorized',
  EVDisconnected: 'EVDisconnected',
  ImmediateReset: 'HardReset',
  Local: 'Local',
  Other: 'Other',
  PowerLoss: 'PowerLoss',
  Remote: 'Remote',
  StoppedByEV: 'Local',
  // a soft Reset
  Reboot: 'SoftReset',
};

export class EvseController implements StationEvseEvents {
  readonly evseId: number;
  tx: TransactionState | undefined;
  connectedOn: number | undefined;
  authorization: { idToken: string; type: string; remoteStartId?: number } | undefined;
  chargingStateNow: EvseChargingState = 'Idle';
  powerPathClosed = false;
  session: { sessionId: string; protocol: Iso15118Protocol; evccId?: string } | undefined;
  needs: EvChargingNeeds | undefined;
  operative = true;
  /** a TxProfile that came with RequestStartTransaction, set when the transaction starts (K05) */
  pendingTxProfile: { profile: ChargingProfile } | undefined;
  /** connector statuses last reported */
  private readonly sent = new Map<number, string>();
  private lastSchedule: string | undefined;
  private lastLimitW: number | undefined;
  private lastMode: string | undefined;
  private meterTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly ctx: StationContext,
    readonly config: StationEvseConfig,
    readonly port: StationEvsePort,
  ) {
    this.evseId = config.id;
  }

  get connectors(): number {
    return this.config.connectors ?? 1;
  }

  // --- StationEvseEvents ---------------------------------------------------------------------

  plugIn(connectorId = 1): void {
    if (this.connectedOn !== undefined) return;
    this.connectedOn = connectorId;
    this.chargingStateNow = 'EVConnected';
    this.statusChanged();
    if (this.tx) this.transactionEvent('Updated', 'CablePluggedIn', { chargingState: 'EVConnected' });
    else this.maybeStart('CablePluggedIn');
  }

  unplug(_connectorId = 1): void {
    if (this.connectedOn === undefined) return;
    this.powerPathClosed = false;
    this.chargingStateNow = 'Idle';
    this.connectedOn = undefined;
    this.authorization = undefined;
    this.session = undefined;
    this.needs = undefined;
    // StopTxOnEVSideDisconnect is true (and TxStopPoint EVConnected): the cable ends the transaction
    if (this.tx) this.end('EVDisconnected', 'EVCommunicationLost');
    this.statusChanged();
  }

  async authorize(token: { idToken: string; type?: string; evccId?: string }): Promise<AuthorizationResult> {
    const type = token.type ?? 'ISO14443';
    const result = await this.authorizeWithCsms(token.idToken, type, token.evccId);
    if (result.accepted) this.authorized({ idToken: token.idToken, type }, 'Authorized');
    return result;
  }

  iso15118SessionStarted(session: { sessionId: string; protocol: Iso15118Protocol; evccId?: string }): void {
    this.session = { ...session };
    if (this.tx) {
      this.tx.sessionId = session.sessionId;
      this.ctx.saveState();
    }
  }

  async chargingNeeds(needs: EvChargingNeeds): Promise<string> {
    this.needs = needs;
    if (this.tx) {
      this.tx.iso15118 = true;
      if (needs.soc !== undefined) this.tx.lastMeter = { ...(this.tx.lastMeter ?? this.port.meter()), soc: needs.soc };
      this.ctx.saveState();
    }
    // 1.6 has no NotifyEVChargingNeeds; offline the needs are not queued (they are stale by the reconnect)
    if (this.ctx.version === '1.6') return 'NotSupported';
    if (!this.ctx.online) return 'Offline';
    const request = notifyEVChargingNeedsRequest(needs, { version: this.ctx.version, evseId: this.evseId, scale: this.ctx.scale, supply: this.config.supply, now: this.ctx.now() });
    const res = await this.ctx.call('NotifyEVChargingNeeds', request);
    return String(res.status);
  }

  async evChargingSchedule(schedule: EvChargingSchedule): Promise<string> {
    if (this.ctx.version === '1.6') return 'NotSupported';
    if (!this.ctx.online) return 'Offline';
    const entries = schedule.entries.length > 0 ? schedule.entries : [{ startS: 0, powerW: 0 }];
    const request: Payload = {
      timeBase: formatDateTime(schedule.timeBase),
      evseId: this.evseId,
      chargingSchedule: {
        id: schedule.selectedScheduleId ?? 1,
        chargingRateUnit: 'W',
        chargingSchedulePeriod: entries.map((e) => ({ startPeriod: Math.round(e.startS), limit: Math.round(e.powerW * 10) / 10 })),
      },
      ...(schedule.selectedScheduleId !== undefined && this.ctx.version === '2.1' ? { selectedChargingScheduleId: schedule.selectedScheduleId } : {}),
    };
    const res = await this.ctx.call('NotifyEVChargingSchedule', request);
    return String(res.status);
  }

  chargingState(state: EvseChargingState): void {
    if (state === this.chargingStateNow) return;
    const now = this.ctx.now();
    if (this.tx) {
      if (this.chargingStateNow === 'Charging' && this.tx.chargingSince !== undefined) {
        this.tx.chargingMs += now - this.tx.chargingSince;
        this.tx.chargingSince = undefined;
      }
      if (state === 'Charging') this.tx.chargingSince = now;
    }
    this.chargingStateNow = state;
    if (state === 'Charging' || state === 'SuspendedEV' || state === 'SuspendedEVSE') {
      if (!this.powerPathClosed) {
        this.powerPathClosed = true;
        if (this.tx && this.tx.readyAt === undefined) {
          this.tx.readyAt = now;
          // Relative schedules start when energy can flow (K01.FR.42)
          this.ctx.applySchedules('transaction', this.evseId);
        }
      }
    }
    if (this.tx) {
      if (this.ctx.version === '1.6') this.ctx.saveState();
      else this.transactionEvent('Updated', 'ChargingStateChanged', { chargingState: state });
    } else this.maybeStart('ChargingStateChanged');
    this.statusChanged();
  }

  stop(reason: 'StoppedByEV' | 'Local' | 'EVDisconnected' | 'Other' = 'Local'): void {
    this.authorization = undefined;
    if (!this.tx) return;
    const trigger = reason === 'Local' ? 'StopAuthorized' : reason === 'EVDisconnected' ? 'EVCommunicationLost' : reason === 'StoppedByEV' ? 'ChargingStateChanged' : 'AbnormalCondition';
    if (this.ctx.version === '1.6' || this.stopPoints().includes('Authorized') || reason === 'EVDisconnected') this.end(reason, trigger);
  }

  // --- what the station's handlers drive ---------------------------------------------------------

  /** Authorize with the CSMS; offline per LocalAuthorizeOffline / OfflineTxForUnknownIdEnabled. */
  async authorizeWithCsms(idToken: string, type: string, evccId?: string): Promise<AuthorizationResult> {
    if (!this.ctx.online) {
      const ok = this.ctx.dm.bool(V.localAuthorizeOffline) && this.ctx.dm.bool(V.offlineTxForUnknownId);
      return { status: ok ? 'Accepted' : 'Unknown', accepted: ok };
    }
    if (this.ctx.version === '1.6') {
      const res = await this.ctx.call('Authorize', { idTag: idToken.slice(0, 20) });
      const status = String((res.idTagInfo as Payload).status);
      return { status, accepted: status === 'Accepted' };
    }
    const token: Payload = { idToken, type };
    // Q01: the EVCCID goes along in additionalInfo
    if (evccId) token.additionalInfo = [{ additionalIdToken: evccId, type: 'EVCCID' }];
    const res = await this.ctx.call('Authorize', { idToken: token });
    const status = String((res.idTokenInfo as Payload).status);
    return { status, accepted: status === 'Accepted', ...(Array.isArray(res.allowedEnergyTransfer) ? { allowedEnergyTransfer: res.allowedEnergyTransfer as string[] } : {}) };
  }

  /** RequestStartTransaction / RemoteStartTransaction accepted. */
  remoteStart(idToken: { idToken: string; type: string }, remoteStartId: number | undefined): void {
    this.port.remoteStart?.({ idToken: idToken.idToken, ...(remoteStartId !== undefined ? { remoteStartId } : {}), ...(this.connectedOn !== undefined ? { connectorId: this.connectedOn } : {}) });
    this.authorized({ ...idToken, ...(remoteStartId !== undefined ? { remoteStartId } : {}) }, 'RemoteStart');
  }

  /** The CSMS stops the transaction (RequestStopTransaction / RemoteStopTransaction). */
  remoteStop(): void {
    this.port.stopCharging?.('Remote');
    this.authorization = undefined;
    if (this.tx) this.end('Remote', 'RemoteStop');
  }

  /** Reset / power loss: the transaction ends whatever the stop points say. */
  abort(reason: StoppedReason2, trigger: string, portReason?: StationStopReason): void {
    if (portReason) this.port.stopCharging?.(portReason);
    this.authorization = undefined;
    if (this.tx) this.end(reason, trigger);
  }

  /** TriggerMessage(TransactionEvent): an Updated with triggerReason Trigger. */
  triggerTransactionEvent(): boolean {
    if (!this.tx || this.ctx.version === '1.6') return false;
    this.transactionEvent('Updated', 'Trigger', { chargingState: this.chargingStateNow }, this.sample('Trigger', this.ctx.dm.list(V.txUpdatedMeasurands)));
    return true;
  }

  /** The composite schedule changed: to the EVSE, and a ChargingRateChanged / OperationModeChanged event when it matters. */
  scheduleChanged(update: EvseScheduleUpdate): void {
    const key = JSON.stringify({ iso: update.iso15118, now: update.now });
    if (key === this.lastSchedule) return;
    this.lastSchedule = key;
    this.port.applySchedule(update);
    const limit = update.now.setpointW ?? update.now.maxPowerW;
    const mode = update.now.operationMode;
    if (this.tx && this.ctx.version !== '1.6') {
      const significance = this.ctx.dm.decimal(V.limitChangeSignificance) / 100;
      const prev = this.lastLimitW;
      if (this.ctx.version === '2.1' && this.lastMode !== undefined && mode !== this.lastMode) {
        this.transactionEvent('Updated', 'OperationModeChanged', { chargingState: this.chargingStateNow, operationMode: mode });
      } else if (prev !== undefined && limit !== undefined && Math.abs(limit - prev) > significance * Math.max(Math.abs(prev), 1)) {
        this.transactionEvent('Updated', 'ChargingRateChanged', { chargingState: this.chargingStateNow });
      }
    }
    this.lastLimitW = limit;
    this.lastMode = mode;
  }

  profileTransaction(): ProfileTransaction | undefined {
    const t = this.tx;
    if (!t) return undefined;
    const soc = t.lastMeter?.soc ?? this.needs?.soc;
    return {
      evseId: this.evseId,
      transactionId: this.ctx.csmsTransactionId(t.transactionId),
      // whole seconds, as composite schedules are (K08.FR.02): a Relative schedule then starts with the composite's first period
      start: Math.floor((t.readyAt ?? t.startedAt) / 1000) * 1000,
      iso15118: t.iso15118,
      ...(t.priorityCharging ? { priorityCharging: true } : {}),
      ...(soc !== undefined ? { soc } : {}),
    };
  }

  /** StatusNotification for every connector whose status changed (or all, `force`). */
  statusChanged(force = false): void {
    if (!this.ctx.online) return;
    for (let c = 1; c <= this.connectors; c++) {
      const status = this.ctx.version === '1.6' ? this.status16() : this.status2(c);
      if (!force && this.sent.get(c) === status) continue;
      this.sent.set(c, status);
      const timestamp = new Date(this.ctx.now()).toISOString();
      const payload: Payload =
        this.ctx.version === '1.6'
          ? { connectorId: this.evseId, errorCode: 'NoError', status, timestamp }
          : { timestamp, connectorStatus: status, evseId: this.evseId, connectorId: c };
      this.ctx.call('StatusNotification', payload).catch(() => this.sent.delete(c));
    }
  }

  /** The station went offline: statuses are sent again when it is back. */
  forgetSentStatus(): void {
    this.sent.clear();
  }

  availability(connectorId?: number): string {
    if (!this.operative) return 'Unavailable';
    if (connectorId !== undefined) return this.status2(connectorId);
    return this.connectedOn !== undefined || this.tx ? 'Occupied' : 'Available';
  }

  status2(connectorId: number): ConnectorStatus2 {
    if (!this.operative && !this.tx) return 'Unavailable';
    return this.connectedOn === connectorId ? 'Occupied' : this.connectedOn !== undefined ? 'Unavailable' : this.operative ? 'Available' : 'Unavailable';
  }

  status16(): ChargePointStatus16 {
    if (!this.operative && !this.tx) return 'Unavailable';
    if (this.connectedOn === undefined) return this.authorization ? 'Preparing' : 'Available';
    if (!this.tx) return this.authorization === undefined && this.powerPathClosed ? 'Finishing' : 'Preparing';
    switch (this.chargingStateNow) {
      case 'Charging':
        return 'Charging';
      case 'SuspendedEV':
        return 'SuspendedEV';
      case 'SuspendedEVSE':
        return 'SuspendedEVSE';
      default:
        return this.powerPathClosed ? 'SuspendedEV' : 'Preparing';
    }
  }

  /** Starts / stops the periodic sampling of the transaction (TxUpdatedInterval / MeterValueSampleInterval). */
  restartSampling(): void {
    clearInterval(this.meterTimer);
    this.meterTimer = undefined;
    const s = this.ctx.dm.int(V.txUpdatedInterval);
    if (!this.tx || s <= 0 || !this.ctx.dm.bool(V.sampledDataEnabled)) return;
    this.meterTimer = setInterval(() => this.periodicSample(), s * 1000);
    this.meterTimer.unref();
  }

  close(): void {
    clearInterval(this.meterTimer);
    this.meterTimer = undefined;
  }

  /** A reading of the EVSE's meter, with the measurands asked for. */
  sample(context: ReadingContext, measurands: readonly string[]): Payload {
    const s = this.port.meter();
    if (this.tx) this.tx.lastMeter = s;
    const offeredW = this.lastLimitW;
    const input = { sample: s, measurands, context, timestamp: s.timestamp ?? this.ctx.now(), ...(this.needs ? { needs: this.needs } : {}), ...(offeredW !== undefined ? { offeredW } : {}) };
    return (this.ctx.version === '1.6' ? meterValue16(input) : meterValue2(input)) as unknown as Payload;
  }

  // --- transactions ------------------------------------------------------------------------------

  private startPoints(): StartPoint[] {
    return this.ctx.dm.list(V.txStartPoint) as StartPoint[];
  }

  private stopPoints(): StartPoint[] {
    return this.ctx.dm.list(V.txStopPoint) as StartPoint[];
  }

  private conditions(): Record<StartPoint, boolean> {
    return {
      EVConnected: this.connectedOn !== undefined,
      Authorized: this.authorization !== undefined,
      PowerPathClosed: this.powerPathClosed,
      EnergyTransfer: this.chargingStateNow === 'Charging',
    };
  }

  private authorized(token: { idToken: string; type: string; remoteStartId?: number }, trigger: 'Authorized' | 'RemoteStart'): void {
    this.authorization = token;
    if (this.tx) {
      if (this.ctx.version === '1.6') return;
      this.tx.idToken = { idToken: token.idToken, type: token.type };
      if (token.remoteStartId !== undefined) this.tx.remoteStartId = token.remoteStartId;
      this.transactionEvent('Updated', trigger, { chargingState: this.chargingStateNow, ...(token.remoteStartId !== undefined ? { remoteStartId: token.remoteStartId } : {}) }, undefined, true);
    } else this.maybeStart(trigger);
    this.statusChanged();
  }

  private maybeStart(trigger: string): void {
    if (this.tx) return;
    const c = this.conditions();
    // 1.6: a transaction is the EV plugged in and the driver authorised
    const start = this.ctx.version === '1.6' ? c.EVConnected && c.Authorized : this.startPoints().some((p) => c[p]);
    if (!start) return;
    const now = this.ctx.now();
    const meter = this.port.meter();
    const a = this.authorization;
    this.tx = {
      evseId: this.evseId,
      connectorId: this.connectedOn ?? 1,
      transactionId: randomUUID(),
      seqNo: 0,
      startedAt: now,
      ...(this.powerPathClosed ? { readyAt: now } : {}),
      ...(a ? { idToken: { idToken: a.idToken, type: a.type } } : {}),
      ...(a?.remoteStartId !== undefined ? { remoteStartId: a.remoteStartId } : {}),
      meterStartWh: meter.importedWh,
      chargingMs: 0,
      ...(this.chargingStateNow === 'Charging' ? { chargingSince: now } : {}),
      iso15118: this.needs !== undefined,
      ...(this.session ? { sessionId: this.session.sessionId } : {}),
      lastMeter: meter,
    };
    if (this.ctx.version === '1.6') {
      this.ctx.enqueue(
        'StartTransaction',
        { connectorId: this.evseId, idTag: (a?.idToken ?? '').slice(0, 20), meterStart: Math.floor(meter.importedWh), timestamp: new Date(now).toISOString() },
        this.tx.transactionId,
      );
      this.ctx.emit('transaction', { evseId: this.evseId, transactionId: this.tx.transactionId, event: 'Started', triggerReason: trigger });
    } else {
      this.transactionEvent(
        'Started',
        trigger,
        { chargingState: this.chargingStateNow === 'Idle' ? undefined : this.chargingStateNow, ...(a?.remoteStartId !== undefined ? { remoteStartId: a.remoteStartId } : {}) },
        this.sample('Transaction.Begin', this.ctx.dm.list(V.txStartedMeasurands)),
        true,
      );
    }
    if (this.pendingTxProfile) {
      const p = { ...this.pendingTxProfile.profile, transactionId: this.ctx.version === '1.6' ? undefined : this.tx.transactionId };
      this.pendingTxProfile = undefined;
      this.ctx.profiles.set(this.evseId, p, this.ctx.transactions());
    }
    this.ctx.saveState();
    this.restartSampling();
    this.ctx.applySchedules('transaction', this.evseId);
  }

  private end(reason: StoppedReason2, trigger: string): void {
    const t = this.tx;
    if (!t) return;
    const now = this.ctx.now();
    if (t.chargingSince !== undefined) t.chargingMs += now - t.chargingSince;
    t.chargingSince = undefined;
    if (this.ctx.version === '1.6') {
      const meter = this.port.meter();
      const data = this.ctx.dm.list(V.txEndedMeasurands);
      this.ctx.enqueue(
        'StopTransaction',
        {
          meterStop: Math.floor(meter.importedWh),
          timestamp: new Date(now).toISOString(),
          transactionId: 0,
          reason: STOP16[reason],
          ...(t.idToken ? { idTag: t.idToken.idToken.slice(0, 20) } : {}),
          ...(data.length > 0 ? { transactionData: [this.sample('Transaction.End', data)] } : {}),
        },
        t.transactionId,
      );
      this.ctx.emit('transaction', { evseId: this.evseId, transactionId: t.transactionId, event: 'Ended', triggerReason: trigger });
    } else {
      this.transactionEvent(
        'Ended',
        trigger,
        { chargingState: this.connectedOn !== undefined ? 'EVConnected' : undefined, stoppedReason: reason, timeSpentCharging: Math.round(t.chargingMs / 1000) },
        this.sample('Transaction.End', this.ctx.dm.list(V.txEndedMeasurands)),
      );
    }
    this.tx = undefined;
    this.lastLimitW = undefined;
    this.lastMode = undefined;
    this.restartSampling();
    this.ctx.profiles.transactionEnded(this.ctx.csmsTransactionId(t.transactionId));
    this.ctx.saveState();
    this.ctx.applySchedules('transaction', this.evseId);
  }

  /** Ends a transaction left open by a previous run of the station (its state file): PowerLoss. */
  endRecovered(t: TransactionState): void {
    this.tx = t;
    this.end('PowerLoss', 'AbnormalCondition');
  }

  private periodicSample(): void {
    if (!this.tx) return;
    const measurands = this.ctx.dm.list(V.txUpdatedMeasurands);
    if (this.ctx.version === '1.6') {
      this.ctx.enqueue('MeterValues', { connectorId: this.evseId, transactionId: 0, meterValue: [this.sample('Sample.Periodic', measurands)] }, this.tx.transactionId);
      return;
    }
    this.transactionEvent('Updated', 'MeterValuePeriodic', { chargingState: this.chargingStateNow }, this.sample('Sample.Periodic', measurands));
  }

  /** One 2.x TransactionEvent, journaled. */
  private transactionEvent(eventType: 'Started' | 'Updated' | 'Ended', triggerReason: string, info: Payload, meterValue?: Payload, withIdToken = false): void {
    const t = this.tx;
    if (!t) return;
    const transactionInfo: Payload = { transactionId: t.transactionId };
    for (const [k, v] of Object.entries(info)) if (v !== undefined) transactionInfo[k] = v;
    if (this.ctx.version !== '2.1') delete transactionInfo.operationMode;
    const payload: Payload = {
      eventType,
      timestamp: new Date(this.ctx.now()).toISOString(),
      triggerReason,
      seqNo: t.seqNo++,
      transactionInfo,
      evse: { id: this.evseId, connectorId: t.connectorId },
    };
    if (!this.ctx.online) payload.offline = true;
    if (withIdToken && t.idToken) payload.idToken = { ...t.idToken };
    if (meterValue) payload.meterValue = [meterValue];
    // SCALE D2.3 §9.3/§9.4: the ISO 15118 SessionID on Started and Updated
    const sessionId = this.session?.sessionId ?? t.sessionId;
    if (this.ctx.scale && sessionId && eventType !== 'Ended') payload.customData = { vendorId: SCALE_VENDOR_ID, sessionId };
    this.ctx.enqueue('TransactionEvent', payload);
    this.ctx.saveState();
    this.ctx.emit('transaction', { evseId: this.evseId, transactionId: t.transactionId, event: eventType, triggerReason });
  }

  /** The CSMS's verdict on the id token of a transaction message (E05, 1.6 StopTransactionOnInvalidId). */
  idTokenVerdict(transactionId: string, status: string): void {
    if (status === 'Accepted' || !this.tx || this.tx.transactionId !== transactionId) return;
    if (!this.ctx.dm.bool(V.stopTxOnInvalidId)) return;
    this.port.stopCharging?.('DeAuthorized');
    this.authorization = undefined;
    this.end('DeAuthorized', 'Deauthorized');
  }
}
