// The EVSE as the ISO 15118-20 SECC core sees it (iso20.SeccEvse20), over the same physical model
// as the -2 adapter: the DC power stage stepped by the sim time since its previous call, AC metered
// at the active power the EV reports, the meter's import and export registers, limits from the
// model and its limit source. BPT adds the discharge limits and the operator's power setpoint
// (W, negative = discharge): Dynamic mode follows it every charge-loop cycle, Scheduled mode turns
// it into the ScheduleTuple (a discharging schedule) and asks the EV to renegotiate.
import type { iso20 } from '@v2xsim/iso15118';
import type { Clock } from '../model/clock.js';
import type { EvseModel } from '../model/evse-model.js';
import type { LimitSource } from '../model/limits.js';
import { revisionOf, SeccAdapterBase, type SeccAdapterBaseOptions, type SeccSessionBase } from './secc-session.js';

type EnergyService = iso20.EnergyService;
type ControlMode = iso20.ControlMode;
type ScheduleTuple = Extract<iso20.ScheduleOffer20, { controlMode: 'Scheduled' }>['tuples'][number];

export interface SeccEvse20AdapterOptions extends SeccAdapterBaseOptions {
  evseId: string;
  /** services offered; default: what the hardware has (DC, DC_BPT with discharge limits; AC, AC_BPT likewise) */
  services?: readonly EnergyService[];
  /** control modes offered; default both */
  controlModes?: readonly ControlMode[];
  /** authorization services offered; PnC needs the SECC server's pnc20 option */
  authorizationServices?: readonly ('EIM' | 'PnC')[];
  /** the operator's power setpoint at start, W (negative = discharge); default none (charge at the limits) */
  setpointW?: number;
}

interface Session20 extends SeccSessionBase {
  service?: EnergyService;
  controlMode?: ControlMode;
  ev?: iso20.EvLimits20;
  /** what the last schedule offer was built from: a change means renegotiation (Scheduled) */
  offered?: { source: LimitSource; revision: number; setpointRevision: number };
  renegotiationAsked: boolean;
  /** AC: metering runs between PowerDelivery Start and Stop, at the power the EV last reported */
  acRunning: boolean;
  acPowerW: number;
  /** DC/AC: energy through the meter in this session, Wh */
  importedWh: number;
  exportedWh: number;
}

/** how far ahead a schedule is offered, s (the -2 adapter's horizon) */
const HORIZON_S = 86_400;
const isAc = (s: EnergyService): boolean => s === 'AC' || s === 'AC_BPT';
const isBpt = (s: EnergyService): boolean => s === 'AC_BPT' || s === 'DC_BPT';

export class SeccEvse20Adapter extends SeccAdapterBase<Session20> implements iso20.SeccEvse20 {
  readonly evseId: string;
  readonly services: readonly EnergyService[];
  readonly controlModes: readonly ControlMode[];
  readonly authorizationServices: readonly ('EIM' | 'PnC')[];
  readonly acConnector: iso20.AcConnector;
  readonly dcConnector: iso20.DcConnector = 'Extended';
  readonly mobilityNeedsMode: iso20.MobilityNeedsMode = 'ProvidedByEvcc';
  readonly pricing: iso20.Pricing = 'None';
  readonly standbyAllowed = true;
  private setpoint: number | undefined;
  private setpointRevision = 0;

  constructor(model: EvseModel, clock: Clock, options: SeccEvse20AdapterOptions) {
    super(model, clock, options);
    this.evseId = options.evseId;
    const hardware: EnergyService[] = [];
    if (model.dc) hardware.push('DC', ...(model.dc.bidirectional ? (['DC_BPT'] as const) : []));
    if (model.ac) hardware.push('AC', ...((model.ac.maxDischargePowerW ?? 0) > 0 ? (['AC_BPT'] as const) : []));
    this.services = [...(options.services ?? hardware)];
    for (const s of this.services) {
      if (!hardware.includes(s)) throw new RangeError(`service ${s} needs ${isAc(s) ? 'an ac' : 'a dc'} section${isBpt(s) ? ' with discharge limits' : ''} in the EVSE's hardware`);
    }
    this.controlModes = [...(options.controlModes ?? ['Scheduled', 'Dynamic'])];
    this.authorizationServices = [...(options.authorizationServices ?? ['EIM'])];
    this.acConnector = model.ac?.phases === 1 ? 'SinglePhase' : 'ThreePhase';
    if (options.setpointW !== undefined) this.setSetpointW(options.setpointW);
  }

  // --- what the process controls ------------------------------------------------------

  /** the operator's setpoint, W (negative = discharge); undefined = charge at the limits */
  get setpointW(): number | undefined {
    return this.setpoint;
  }

  /** The session's service and control mode, once chosen. */
  get selected(): { service?: EnergyService; controlMode?: ControlMode } {
    return { ...(this.session?.service ? { service: this.session.service } : {}), ...(this.session?.controlMode ? { controlMode: this.session.controlMode } : {}) };
  }

  /**
   * The operator's power setpoint (W; negative = discharge; undefined = none). Dynamic mode
   * follows it at the next cycle; in Scheduled mode a running session is asked to renegotiate.
   * Returns whether a running Scheduled session will renegotiate.
   */
  setSetpointW(w: number | undefined): boolean {
    if (w !== undefined && !Number.isFinite(w)) throw new RangeError(`setpointW must be a finite number, got ${w}`);
    if (w === this.setpoint) return false;
    this.setpoint = w;
    this.setpointRevision++;
    return this.renegotiationDue();
  }

  /** A Scheduled session's schedule is out of date (limits or setpoint changed since it was offered). */
  renegotiationDue(): boolean {
    const s = this.session;
    if (s?.controlMode !== 'Scheduled' || !s.offered) return false;
    const source = this.model.limitSource;
    return s.offered.source !== source || s.offered.revision !== revisionOf(source) || s.offered.setpointRevision !== this.setpointRevision;
  }

  /** EIM: the driver is authorised (card, app). Before the EV arrives it holds for the next session. */
  authorizeDriver(): void {
    this.grantDriver();
  }

  // --- iso20.SeccEvse20 ----------------------------------------------------------------

  authorize(request: iso20.AuthorizationRequest20): 'Accepted' | 'Ongoing' | 'Rejected' {
    const s = this.begin();
    const verdict = this.authorizationVerdict(s, request.service === 'PnC' ? { service: 'PnC', emaid: request.emaid } : { service: 'EIM' });
    if (verdict === 'Rejected') {
      s.state = 'rejected';
      return 'Rejected';
    }
    const done = s.authorized && verdict === 'Accepted';
    s.state = done ? 'authorized' : 'authorizing';
    return done ? 'Accepted' : 'Ongoing';
  }

  acLimits(): iso20.EvseLimitsAc20 {
    const p = this.model.acChargeParameter();
    const ac = this.model.ac!;
    const maxDischarge = this.model.acMaxDischargePowerW();
    return {
      nominalVoltage: p.EVSENominalVoltage,
      nominalFrequency: 50,
      maxChargePower: p.EVSEMaxCurrent * p.EVSENominalVoltage * p.phases,
      minChargePower: ac.minCurrentA * p.EVSENominalVoltage * p.phases,
      ...(maxDischarge > 0 ? { maxDischargePower: maxDischarge, minDischargePower: 0 } : {}),
    };
  }

  dcLimits(): iso20.EvseLimitsDc20 {
    const p = this.model.dcChargeParameter();
    return {
      maxVoltage: p.EVSEMaximumVoltageLimit,
      minVoltage: p.EVSEMinimumVoltageLimit,
      maxCurrent: p.EVSEMaximumCurrentLimit,
      minCurrent: p.EVSEMinimumCurrentLimit,
      maxPower: p.EVSEMaximumPowerLimit,
      minPower: 0,
      ...(p.EVSEMaximumDischargePower > 0
        ? { maxDischargePower: p.EVSEMaximumDischargePower, minDischargePower: 0, maxDischargeCurrent: p.EVSEMaximumDischargeCurrent, minDischargeCurrent: p.EVSEMinimumDischargeCurrent }
        : {}),
    };
  }

  evParameters(ev: iso20.EvLimits20): void {
    const s = this.begin();
    s.ev = ev;
    s.service = ev.service;
    this.backend?.evLimits20?.(ev);
  }

  scheduleExchange(request: iso20.ScheduleRequest20): iso20.ScheduleOffer20 {
    const s = this.begin();
    const source = this.model.limitSource;
    const now = this.clock.now();
    // a static schedule starts with the session's first ScheduleExchange, not at a renegotiation
    if (!s.offered) (source as LimitSource & { restartSchedule?: (t: number) => void }).restartSchedule?.(now);
    s.service = request.service;
    s.controlMode = request.controlMode;
    s.ev = request.ev;
    s.offered = { source, revision: revisionOf(source), setpointRevision: this.setpointRevision };
    s.renegotiationAsked = false;
    this.backend?.scheduleRequest20?.(request);
    if (request.controlMode === 'Dynamic') {
      return { controlMode: 'Dynamic', ...(request.departureTimeS !== undefined ? { departureTimeS: request.departureTimeS } : {}) };
    }
    return { controlMode: 'Scheduled', tuples: [this.tuple(request.service, request.ev, now, request.maximumSupportingPoints)] };
  }

  cableCheck(): 'Finished' | 'Ongoing' {
    return this.cableCheckStep();
  }

  preCharge(targetVoltage: number): number {
    return this.preChargeStep(targetVoltage);
  }

  powerDelivery(progress: 'Start' | 'Stop' | 'Standby' | 'ScheduleRenegotiation', info?: { profile?: { durationS: number; powerW: number }[] }): boolean {
    const s = this.begin();
    if (progress === 'Start' && info?.profile && info.profile.length > 0) this.backend?.evPowerProfile20?.(info.profile);
    const ac = s.service !== undefined && isAc(s.service);
    if (ac) this.meterAc();
    else if (this.model.dc && this.model.dc.mode !== 'Off') this.stepDc();
    switch (progress) {
      case 'Stop':
        s.state = 'stopping';
        s.acRunning = false;
        if (!ac) this.model.dc?.stop();
        return true;
      case 'Standby':
        // contactors stay closed, no energy flows
        s.acPowerW = 0;
        if (!ac && this.model.dc?.mode === 'CurrentDemand') this.model.dc.currentDemand(this.model.dc.presentVoltageV, 0);
        return true;
      case 'ScheduleRenegotiation':
        return true;
      case 'Start':
        s.state = 'charging';
        if (ac && !s.acRunning) {
          s.acRunning = true;
          s.acPowerW = 0;
          this.lastAcAt = this.clock.now();
        }
        return true;
    }
  }

  /**
   * DC_ChargeLoopReq: the time since the previous request ran at the previous target (the stage
   * ramps toward it); the present values are where that left the output, and the new target
   * applies from now on. Scheduled: the EV's target current. Dynamic: the EVSE decides, within the
   * EV's limits: the operator's setpoint, else as much as the EV takes.
   */
  dcChargeLoop(demand: iso20.DcLoopDemand): iso20.DcOutput20 {
    const s = this.begin();
    s.state = 'charging';
    const stage = this.stage();
    const voltage = demand.targetVoltage ?? demand.presentVoltage;
    const current = demand.standby ? 0 : demand.controlMode === 'Scheduled' ? this.scheduledCurrent(demand) : this.dynamicCurrent(demand, voltage);
    if (stage.mode !== 'CurrentDemand') stage.currentDemand(voltage, current);
    const r = this.stepDc();
    stage.currentDemand(voltage, current);
    return {
      presentVoltage: r.EVSEPresentVoltage,
      presentCurrent: r.EVSEPresentCurrent,
      currentLimitAchieved: r.EVSECurrentLimitAchieved,
      voltageLimitAchieved: r.EVSEVoltageLimitAchieved,
      powerLimitAchieved: r.EVSEPowerLimitAchieved,
    };
  }

  /**
   * AC_ChargeLoopReq: the meter counts the active power the EV reports over the time since its
   * previous report (the on-board charger drew it), within what the EVSE allows. Dynamic: the
   * target is the operator's setpoint within both sides' limits, else the most the EV takes.
   */
  acChargeLoop(demand: iso20.AcLoopDemand): iso20.AcOutput20 {
    const s = this.begin();
    s.state = 'charging';
    s.acPowerW = demand.standby ? 0 : demand.presentActivePower;
    const metered = this.meterAc();
    const limits = this.acLimits();
    let target: number | undefined;
    if (demand.controlMode === 'Dynamic' && !demand.standby) {
      const maxCharge = Math.min(limits.maxChargePower, demand.maxChargePower ?? Infinity);
      const maxDischarge = demand.bpt ? Math.min(limits.maxDischargePower ?? 0, demand.maxDischargePower ?? 0) : 0;
      const wanted = this.setpoint ?? maxCharge;
      target = wanted >= 0 ? Math.min(wanted, maxCharge) : -Math.min(-wanted, maxDischarge, canGive(demand) ? Infinity : 0);
      if (wanted >= 0 && demand.maxEnergyWh !== undefined && demand.maxEnergyWh <= 0) target = 0;
    }
    return { ...(target !== undefined ? { targetActivePower: target } : {}), presentActivePower: metered ?? s.acPowerW };
  }

  notification(): iso20.EvseNotification20 {
    const s = this.session;
    if (!s) return 'None';
    if (s.stopRequested) return 'Terminate';
    // asked once; the EV's ScheduleExchange brings the new schedule (and clears the question)
    if (!s.renegotiationAsked && this.renegotiationDue()) {
      s.renegotiationAsked = true;
      return 'ScheduleRenegotiation';
    }
    return 'None';
  }

  weldingDetection(): number {
    return this.weldingDetectionStep();
  }

  meter(): { meterId: string; importedWh: number; exportedWh: number } {
    this.meterAc();
    const r = this.model.meter.read();
    return { meterId: r.meterId, importedWh: r.importedWh, exportedWh: r.exportedWh };
  }

  sessionStopped(_reason: 'Terminate' | 'Pause' | 'Error'): void {
    this.endSession();
  }

  // --- internals -----------------------------------------------------------------------

  protected newSession(authorized: boolean): Session20 {
    return { state: 'authorizing', authorized, renegotiationAsked: false, stopRequested: false, acRunning: false, acPowerW: 0, importedWh: 0, exportedWh: 0 };
  }

  protected meterAcNow(): void {
    this.meterAc();
  }

  /** AC: meter the time since the last step at the power the EV last reported; returns that power (undefined when not running). */
  private meterAc(): number | undefined {
    const s = this.session;
    if (!s?.acRunning || !this.model.ac) return undefined;
    const now = this.clock.now();
    const dt = this.lastAcAt === undefined ? 0 : Math.max(0, now - this.lastAcAt);
    this.lastAcAt = now;
    return this.model.stepAcPower(dt, s.acPowerW).powerW;
  }

  /** Scheduled: the EV chose its target within the schedule; the stage holds it to the EVSE's limits. */
  private scheduledCurrent(d: iso20.DcLoopDemand): number {
    const i = d.targetCurrent ?? 0;
    // a discharge the EV's own limits do not cover is not taken (the EV keeps to its limits)
    if (i < 0) return -Math.min(-i, d.maxDischargeCurrent ?? Infinity);
    return i;
  }

  /** Dynamic: the setpoint (or the most the EV takes) within the EV's limits and energy window. */
  private dynamicCurrent(d: iso20.DcLoopDemand, voltage: number): number {
    if (!(voltage > 0)) return 0;
    const wanted = this.setpoint;
    if (wanted === undefined || wanted >= 0) {
      if (d.maxEnergyWh !== undefined && d.maxEnergyWh <= 0) return 0;
      const maxW = Math.min(d.maxChargePower ?? Infinity, wanted ?? Infinity);
      return Math.min(maxW / voltage, d.maxChargeCurrent ?? Infinity);
    }
    if (!d.bpt || !canGive(d)) return 0;
    const w = Math.min(-wanted, d.maxDischargePower ?? 0);
    return -Math.min(w / voltage, d.maxDischargeCurrent ?? Infinity);
  }

  /** The ScheduleTuple for the session's service: charging limits, and under BPT a discharging schedule. */
  private tuple(service: EnergyService, ev: iso20.EvLimits20, now: number, maxEntries: number): ScheduleTuple {
    const energyTransfer = isAc(service) ? 'AC' : 'DC';
    const plan = this.model.pMaxSchedule({ at: now, energyTransfer, horizonS: HORIZON_S });
    const sp = this.setpoint;
    const charging = toDurations(plan).map((e) => ({ durationS: e.durationS, powerW: sp === undefined ? e.powerW : Math.max(0, Math.min(e.powerW, sp)) }));
    const tuple: ScheduleTuple = { id: 1, charging: { entries: charging.slice(0, Math.max(1, maxEntries)) } };
    if (!isBpt(service)) return tuple;
    const evseMax = isAc(service) ? this.model.acMaxDischargePowerW(now) : this.model.dcChargeParameter(now).EVSEMaximumDischargePower;
    const maxDischarge = Math.min(evseMax, ev.maxDischargePower ?? 0);
    if (sp === undefined) {
      // no operator setpoint: the EV may give back up to the limits, except where the charging
      // schedule is 0 W: a profile's 0 W (OCPP, OCPI) means a pause, not "discharge instead"
      tuple.discharging = { entries: tuple.charging.entries.map((e) => ({ durationS: e.durationS, powerW: e.powerW > 0 ? -maxDischarge : 0 })) };
      return tuple;
    }
    // the setpoint's discharge, within both sides' limits
    const dischargeW = sp < 0 ? Math.min(-sp, maxDischarge) : 0;
    const total = charging.reduce((t, e) => t + e.durationS, 0);
    tuple.discharging = { entries: [{ durationS: total, powerW: -dischargeW }] };
    return tuple;
  }
}

/** Dynamic BPT: the EV says how much it may still give (EVMinimumV2XEnergyRequest < 0), or says nothing. */
function canGive(d: { minV2XEnergyWh?: number }): boolean {
  return d.minV2XEnergyWh === undefined || d.minV2XEnergyWh < 0;
}

/** PMaxSchedule entries (start times) → consecutive PowerScheduleEntries (durations), gaps as 0 W. */
function toDurations(plan: { startS: number; durationS?: number; pMaxW: number }[]): { durationS: number; powerW: number }[] {
  const out: { durationS: number; powerW: number }[] = [];
  let t = 0;
  plan.forEach((e, i) => {
    if (e.startS > t) out.push({ durationS: e.startS - t, powerW: 0 });
    const end = e.durationS !== undefined ? e.startS + e.durationS : (plan[i + 1]?.startS ?? e.startS + HORIZON_S);
    if (end > e.startS) out.push({ durationS: Math.round(end - Math.max(t, e.startS)), powerW: e.pMaxW });
    t = Math.max(t, end);
  });
  return out.length > 0 ? out : [{ durationS: HORIZON_S, powerW: 0 }];
}
