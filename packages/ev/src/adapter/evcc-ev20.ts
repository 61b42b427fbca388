// The EV as the ISO 15118-20 EVCC core sees it (iso20.EvccEv20), over the same physical model as
// the -2 adapter. BPT: the EV asks for AC_BPT/DC_BPT only while the driver allows discharging (else
// AC/DC, SCALE D2.3 §9.2), sends its discharge limits, V2X energy window and (SCALE -20) its
// remaining V2X budget and round-trip efficiency. Scheduled: the EV charges within the charging
// schedule and, where that gives no power and the discharging schedule asks for some, discharges
// at it within its own limits. Dynamic: the EVSE's target, held to the EV's limits. The energy
// that flows is integrated over the sim time between charge-loop cycles, as in -2, so the EVSE's
// import/export registers and the EV's inlet counters see the same current over the same time.
import type { iso20 } from '@v2xsim/iso15118';
import type { Clock } from '@v2xsim/process';
import type { EvModel } from '../model/ev-model.js';
import type { PMaxScheduleEntry } from '../model/schedule.js';
import type { EvccEvAdapter, EvStopReason } from './evcc-ev.js';

type EnergyService = iso20.EnergyService;
type EvSchedule20 = Parameters<iso20.EvccEv20['schedule']>[0];

export interface EvccEv20AdapterOptions {
  /** Scheduled (default) or Dynamic */
  controlMode?: iso20.ControlMode;
  /** the EV supports bidirectional power transfer (asks for AC_BPT/DC_BPT while discharge is allowed) */
  bpt?: boolean;
  /** AC: the grid's phase-to-neutral voltage, V, until the EVSE says otherwise. Default 230. */
  acNominalVoltageV?: number;
}

/** DC pre-charge/charge loop voltage and current of the last DC_ChargeLoopRes. */
interface DcFlow {
  voltageV: number;
  currentA: number;
}

export class EvccEv20Adapter implements iso20.EvccEv20 {
  readonly controlMode: iso20.ControlMode;
  private readonly bpt: boolean;
  private readonly acNominalVoltageV: number;
  private readonly transfer: 'AC' | 'DC';
  private lastStepAt: number | undefined;
  private lastOutput: DcFlow | undefined;
  private dcStopped = false;
  /** AC: the power the on-board charger draws now (negative = feeds back), W */
  private acPowerW = 0;
  private acRunning = false;
  /** AC: sim ms between the last two reports (the charge-loop cycle in sim time) */
  private lastIntervalMs: number | undefined;
  /** Scheduled BPT: the discharging schedule (negative powers), t = 0 when it came */
  private discharging: { entries: PMaxScheduleEntry[]; startedAt: number } | undefined;
  private cycles = 0;
  /** the BMS opened the contactors: the EVSE went beyond the EV's limits */
  contactorsOpenedReason: string | undefined;

  constructor(
    readonly model: EvModel,
    private readonly clock: Clock,
    /** the -2 adapter of the same EV: EVCCID and the driver's stop (the process controls it) */
    private readonly base: EvccEvAdapter,
    options: EvccEv20AdapterOptions = {},
  ) {
    this.controlMode = options.controlMode ?? 'Scheduled';
    this.bpt = options.bpt ?? false;
    if (this.bpt && !model.discharge) throw new RangeError('bidirectional power transfer needs the EV’s discharge limits');
    this.acNominalVoltageV = options.acNominalVoltageV ?? 230;
    this.transfer = model.energyTransfer;
  }

  get evccId(): string {
    return this.base.evccId;
  }

  /** The services to ask for, most preferred first: BPT only while the driver allows discharging. */
  get services(): readonly EnergyService[] {
    // a -20 session has begun: the model stops where this control mode says (target or maximum SoC)
    this.model.setControlMode(this.controlMode);
    const plain: EnergyService = this.transfer === 'AC' ? 'AC' : 'DC';
    return this.bpt && this.model.canDischarge ? [this.transfer === 'AC' ? 'AC_BPT' : 'DC_BPT', plain] : [plain];
  }

  /** A new session on the same EV: forget the last one's loop state; the model runs in this control mode. */
  beginSession(): void {
    this.lastStepAt = undefined;
    this.lastOutput = undefined;
    this.dcStopped = false;
    this.acPowerW = 0;
    this.acRunning = false;
    this.lastIntervalMs = undefined;
    this.discharging = undefined;
    this.cycles = 0;
    this.contactorsOpenedReason = undefined;
    this.model.clearSchedule();
  }

  get loopCycles(): number {
    return this.cycles;
  }

  stopReason(): EvStopReason | undefined {
    return this.base.stopReason();
  }

  // --- iso20.EvccEv20 ------------------------------------------------------------------

  chargeParameters(): iso20.EvChargeParameters20 {
    const m = this.model;
    m.setControlMode(this.controlMode);
    const r = m.energyRequests();
    const v2x = m.v2xEnergyRequests();
    const departureTimeS = m.departureTimeS();
    const needs = m.needs;
    const discharge = this.bptAllowed();
    const d = m.discharge;
    const volts = this.transfer === 'AC' ? this.acVolts() : m.packVoltageV;
    const common = {
      energyCapacityWh: m.battery.capacityWh,
      soc: m.soc,
      targetSoc: m.stopSoc,
      minimumSoc: needs.minimumSoc,
      ...(departureTimeS !== undefined ? { departureTimeS } : {}),
      targetEnergyWh: r.EVTargetEnergyRequest,
      maxEnergyWh: r.EVMaximumEnergyRequest,
      minEnergyWh: r.EVMinimumEnergyRequest,
      ...(this.bpt ? { maxV2XEnergyWh: v2x.EVMaximumV2XEnergyRequest, minV2XEnergyWh: v2x.EVMinimumV2XEnergyRequest } : {}),
      ...(this.bpt && d
        ? {
            maxDischargePower: discharge ? m.maxDischargePowerW() : 0,
            minDischargePower: discharge ? (d.minPowerW ?? 0) : 0,
            maxDischargeCurrent: discharge ? (d.maxCurrentA ?? m.maxDischargePowerW() / volts) : 0,
            minDischargeCurrent: 0,
            scale: { remainingV2GEnergyWh: m.remainingV2gEnergyWh ?? m.maxDischargePowerW() * 24, roundTripEfficiency: m.battery.roundTripEfficiency },
          }
        : {}),
    };
    if (this.transfer === 'AC') {
      const ac = m.ac!;
      const phases = ac.phases;
      return {
        maxChargePower: m.maxChargePowerW(m.soc, this.acLimits()),
        minChargePower: ac.minCurrentA * this.acVolts() * phases,
        maxChargeCurrent: ac.maxCurrentA,
        minChargeCurrent: ac.minCurrentA,
        maxVoltage: ac.maxVoltageV,
        minVoltage: 0,
        ...common,
      };
    }
    const dc = m.dc!;
    return {
      maxChargePower: dc.maxPowerW,
      minChargePower: dc.minPowerW ?? 0,
      maxChargeCurrent: dc.maxCurrentA,
      minChargeCurrent: 0,
      maxVoltage: dc.maxVoltageV,
      minVoltage: dc.minVoltageV ?? m.battery.minVoltageV,
      ...common,
    };
  }

  /** ScheduleExchangeRes: Scheduled follows the charging schedule (and, BPT, the discharging one). */
  schedule(s: EvSchedule20): void {
    if (s.controlMode === 'Dynamic') {
      this.model.clearSchedule();
      this.discharging = undefined;
      return;
    }
    const now = this.clock.now();
    try {
      this.model.followSchedule(toStarts(s.tuple.charging.entries.map((e) => ({ durationS: e.durationS, powerW: Math.max(0, e.powerW) }))), now);
    } catch {
      // an unusable schedule: charge within the EVSE's limits only
      this.model.clearSchedule();
    }
    const dis = s.tuple.discharging?.entries;
    this.discharging = dis && dis.length > 0 ? { entries: toStarts(dis.map((e) => ({ durationS: e.durationS, powerW: Math.min(0, e.powerW) }))), startedAt: now } : undefined;
    if (this.transfer === 'AC') this.lastStepAt ??= now;
  }

  preChargeTarget(): { voltage: number } {
    if (this.cycles === 0) this.lastStepAt = this.clock.now();
    return { voltage: this.model.preCharge().EVTargetVoltage };
  }

  /**
   * The values of the next DC_ChargeLoopReq. The current of the last response has flowed through
   * the pause between cycles: counted here, up to the request.
   */
  dcRequest(): iso20.EvDcRequest20 {
    if (this.lastOutput && !this.dcStopped) {
      const dt = this.elapsedSimMs();
      if (dt > 0) this.model.step(dt, this.lastOutput);
      if (this.wantsToStop()) this.dcStopped = true;
    }
    const volts = this.model.packVoltageV;
    const d = this.model.currentDemand();
    let current = d.EVTargetCurrent;
    const give = this.scheduledDischargeW();
    if (this.controlMode === 'Scheduled' && give > 0 && !(current > 0)) current = -give / volts;
    return { presentVoltage: volts, targetVoltage: d.EVTargetVoltage, targetCurrent: current };
  }

  dcOutput(presentVoltage: number, presentCurrent: number): void {
    this.cycles++;
    this.lastOutput = { voltageV: presentVoltage, currentA: presentCurrent };
    const dt = this.elapsedSimMs();
    if (dt > 0) this.model.step(dt, this.lastOutput);
  }

  /**
   * AC: what the on-board charger drew since the last report flowed until now; the report is the
   * average power the EV actually took over that time, which is what the EVSE meters for it.
   */
  acPresentPower(): number {
    const taken = this.integrateAc();
    return taken ?? this.acPowerW;
  }

  /**
   * AC_ChargeLoopRes (and the start of the loop): the EV sets its power. Dynamic: the EVSE's
   * target within the EV's limits. Scheduled: its own request within the schedule, or the
   * discharging schedule's power where the charging schedule gives none.
   */
  acTarget(t: { targetActivePowerW?: number; requestedActivePowerW?: number; evsePresentActivePowerW?: number }): void {
    this.cycles++;
    this.integrateAc();
    this.acRunning = true;
    const limits = this.acLimits();
    if (this.controlMode === 'Dynamic' && t.targetActivePowerW !== undefined) {
      const w = t.targetActivePowerW;
      this.acPowerW = w >= 0 ? Math.min(w, this.chargeRoomW(this.model.chargingComplete ? 0 : this.model.maxChargePowerW(this.model.soc, limits))) : -Math.min(-w, this.bptAllowed() ? this.model.maxDischargePowerW(this.model.soc, limits) : 0);
      return;
    }
    const charge = this.chargeRoomW(this.model.requestedPower(limits));
    const give = this.scheduledDischargeW();
    this.acPowerW = charge > 0 ? charge : give > 0 ? -give : 0;
  }

  /**
   * AC: at most the power that fills the battery to its stop SoC within one more cycle as long as
   * the last, so the on-board charger eases into the target instead of drawing past it.
   */
  private chargeRoomW(w: number): number {
    if (!(w > 0) || this.lastIntervalMs === undefined || this.lastIntervalMs <= 0) return w;
    const m = this.model;
    const roomWh = Math.max(0, ((m.stopSoc - m.soc) / 100) * m.battery.capacityWh) / m.battery.oneWayEfficiency;
    return Math.min(w, (roomWh * 3_600_000) / this.lastIntervalMs);
  }

  wantsDischarge(): boolean {
    return this.bptAllowed() && this.model.maxDischargePowerW() > 0;
  }

  wantsToStop(): boolean {
    const stop = this.stopReason() !== undefined;
    // AC: the power drawn so far counts up to the PowerDelivery(Stop) this leads to
    if (stop && this.acRunning) {
      this.integrateAc();
      this.acRunning = false;
      this.acPowerW = 0;
    }
    return stop;
  }

  stopMode(): 'Terminate' | 'Pause' {
    return this.base.stopMode();
  }

  /** The driver's needs (or discharge allowance) changed since the last schedule: renegotiate once. */
  wantsRenegotiation(): boolean {
    if (!this.model.needsChanged) return false;
    this.model.acknowledgeNeedsChanged();
    return true;
  }

  wantsStandby(): boolean {
    return false;
  }

  contactorsOpened(reason: string): void {
    this.contactorsOpenedReason = reason;
  }

  // --- internals -----------------------------------------------------------------------

  private bptAllowed(): boolean {
    return this.bpt && this.model.canDischarge;
  }

  /** Scheduled BPT: the discharge the active discharging schedule entry asks for, within the EV's limits, W (≥ 0). */
  private scheduledDischargeW(): number {
    if (this.controlMode !== 'Scheduled' || !this.discharging || !this.bptAllowed()) return 0;
    const at = (this.clock.now() - this.discharging.startedAt) / 1000;
    const entry = [...this.discharging.entries].reverse().find((e) => e.startS <= at && (e.durationS === undefined || at < e.startS + e.durationS));
    const want = entry ? -entry.pMaxW : 0;
    return want > 0 ? Math.min(want, this.model.maxDischargePowerW(this.model.soc, this.acLimits())) : 0;
  }

  /** AC: integrate the power set since the last step; returns the average power taken (undefined without a step). */
  private integrateAc(): number | undefined {
    const now = this.clock.now();
    if (!this.acRunning) {
      this.lastStepAt = now;
      return undefined;
    }
    const dt = this.elapsedSimMs();
    if (!(dt > 0)) return undefined;
    this.lastIntervalMs = dt;
    return this.acPowerW !== 0 ? this.model.step(dt, this.acPowerW) : 0;
  }

  private acVolts(): number {
    return this.acNominalVoltageV;
  }

  private acLimits(): { nominalVoltageV: number; phases: number } {
    return { nominalVoltageV: this.acVolts(), phases: this.model.ac?.phases ?? 3 };
  }

  private elapsedSimMs(): number {
    const now = this.clock.now();
    const last = this.lastStepAt;
    this.lastStepAt = now;
    return last === undefined ? 0 : Math.max(0, now - last);
  }
}

/** PowerScheduleEntries (durations) → PMaxSchedule entries (start times, durations). */
function toStarts(entries: { durationS: number; powerW: number }[]): PMaxScheduleEntry[] {
  let t = 0;
  return entries.map((e) => {
    const s = { startS: t, durationS: Math.max(1, e.durationS), pMaxW: e.powerW };
    t += Math.max(1, e.durationS);
    return s;
  });
}
