// The EV as a physical thing and as its driver sees it: battery, charging curve, AC/DC limits,
// mobility needs and the schedule it follows. No protocol here: the EVCC reads the values it
// puts in messages (named as the messages name them) and feeds back what the EVSE delivers.
// Sim time comes from an injected clock; energy moves only in step(), so tests control both.

import type { Clock } from '@v2xsim/process';
import { Battery, socToEnergyWh } from './battery.js';
import type { BatteryConfig } from './battery.js';
import { chargingCurvePowerW, validateChargingCurve } from './charging-curve.js';
import type { ChargingCurve } from './charging-curve.js';
import { energyRequests, resolveMobilityNeeds } from './mobility-needs.js';
import type { EnergyRequests, MobilityNeeds, ResolvedMobilityNeeds } from './mobility-needs.js';
import { activePMaxScheduleEntry, validatePMaxSchedule } from './schedule.js';
import type { PMaxSchedule, PMaxScheduleEntry } from './schedule.js';

export type EnergyTransfer = 'AC' | 'DC';

/**
 * Who decides the power (ISO 15118-20 control modes). Scheduled (also ISO 15118-2, DIN 70121):
 * the EV charges to its target SoC within the schedule and then stops. Dynamic: the EVSE
 * decides, and the EV accepts energy up to its maximum SoC.
 */
export type ControlMode = 'Scheduled' | 'Dynamic';

export interface EvDcConfig {
  /** EVMaximumVoltageLimit, V */
  maxVoltageV: number;
  /** EVMinimumVoltage (ISO 15118-20), V */
  minVoltageV?: number;
  /** EVMaximumCurrentLimit, A */
  maxCurrentA: number;
  /** EVMaximumPowerLimit, W */
  maxPowerW: number;
  /** EVMinimumChargePower (ISO 15118-20), W: below it the EV does not charge. Default 0. */
  minPowerW?: number;
}

export interface EvAcConfig {
  /** phases the on-board charger uses */
  phases: 1 | 2 | 3;
  /** EVMaxCurrent, per phase, A */
  maxCurrentA: number;
  /** EVMinCurrent, per phase, A: below it the on-board charger cannot run */
  minCurrentA: number;
  /** EVMaxVoltage, V */
  maxVoltageV: number;
  /** the on-board charger's own limit, W */
  onBoardChargerMaxPowerW: number;
}

/** Discharge (V2G) limits, at the inlet. Without them the EV never discharges. */
export interface EvDischargeConfig {
  /** EVMaximumDischargePower, W */
  maxPowerW: number;
  /** EVMaximumDischargeCurrent (DC) or per phase (AC), A. Default: only the power limit. */
  maxCurrentA?: number;
  /** EVMinimumDischargePower, W: the EV does not discharge at less. Default 0. */
  minPowerW?: number;
  /**
   * What is left of the OEM's V2X warranty budget at start, Wh (D2.3 "V2X state of health"; the
   * SCALE -20 RemainingV2GEnergy). It decreases with every Wh discharged; at 0 the EV stops
   * discharging. Absent: no budget limit.
   */
  v2xBudgetWh?: number;
}

/** The ISO 15118-20 V2X energy requests (Dynamic ScheduleExchangeReq and charge loop, BPT), Wh. */
export interface V2xEnergyRequests {
  /** energy to reach maximumSoc: the most the EV takes while its energy is used for V2X */
  EVMaximumV2XEnergyRequest: number;
  /** energy to the lowest SoC V2X may leave (negative: the EV can give that much), within the V2X budget */
  EVMinimumV2XEnergyRequest: number;
}

export interface EvConfig {
  battery: BatteryConfig;
  /** maximum charging power at the inlet vs SoC; caps AC charging too (the battery is the same) */
  chargingCurve: ChargingCurve;
  dc?: EvDcConfig;
  ac?: EvAcConfig;
  discharge?: EvDischargeConfig;
  needs: MobilityNeeds;
  /** BulkSOC: where bulk charging ends, percent. Default 80. */
  bulkSoc?: number;
  /** Default: DC if there is a dc section, else AC. */
  energyTransfer?: EnergyTransfer;
  /** Default Scheduled. */
  controlMode?: ControlMode;
  /**
   * The driver allows discharging (D2.3 §9.2: without it the EV asks for AC/DC, not
   * AC_BPT/DC_BPT). Default true when there is a discharge section.
   */
  dischargeAllowed?: boolean;
}

/** What the EV knows of the EVSE's limits from the protocol. */
export interface EvseLimitsSeen {
  /** EVSEMaximumPowerLimit (DC) or the AC maximum power, W */
  maxPowerW?: number;
  /** EVSEMaximumCurrentLimit (DC) or EVSEMaxCurrent per phase (AC), A */
  maxCurrentA?: number;
  /** EVSENominalVoltage (AC, phase to neutral), V. Default 230. */
  nominalVoltageV?: number;
  /** phases the EVSE supplies (AC). Default: all the EV uses. */
  phases?: number;
}

/**
 * What the EVSE supplies in a step (negative = discharge):
 * - a number: power granted at the inlet, W — the EV takes what it wants of it;
 * - volts and amps: in DC, the current the EVSE's power stage drives (it flows whatever the EV
 *   wanted, up to the BMS's hard SoC limits, so energy is conserved with the EVSE's meter); in AC,
 *   the current per phase the on-board charger draws, treated like granted power.
 */
export type Supply = number | { voltageV: number; currentA: number; phases?: number };

/** The DC values of a CurrentDemandReq (ISO 15118-2 / DIN 70121 names; SI units, the EVCC scales them). */
export interface DcCurrentDemand {
  EVTargetVoltage: number;
  EVTargetCurrent: number;
  /** present limits: the charging curve lowers them as the battery fills */
  EVMaximumVoltageLimit: number;
  EVMaximumCurrentLimit: number;
  EVMaximumPowerLimit: number;
  /** present SoC, percent (unrounded) */
  EVRESSSOC: number;
  BulkChargingComplete: boolean;
  ChargingComplete: boolean;
  /** s; undefined when the SoC cannot be reached with the present limits (the field is optional) */
  RemainingTimeToFullSoC: number | undefined;
  RemainingTimeToBulkSoC: number | undefined;
}

/** DC_EVChargeParameter of ChargeParameterDiscoveryReq (ISO 15118-2 names). */
export interface DcEvChargeParameter {
  /** s from now; undefined when the driver gave none */
  DepartureTime: number | undefined;
  EVMaximumCurrentLimit: number;
  EVMaximumPowerLimit: number;
  EVMaximumVoltageLimit: number;
  /** Wh */
  EVEnergyCapacity: number;
  /** Wh to the target SoC */
  EVEnergyRequest: number;
  FullSOC: number;
  BulkSOC: number;
  EVRESSSOC: number;
}

/** AC_EVChargeParameter of ChargeParameterDiscoveryReq (ISO 15118-2 names). */
export interface AcEvChargeParameter {
  DepartureTime: number | undefined;
  /** Wh to the target SoC */
  EAmount: number;
  EVMaxVoltage: number;
  EVMaxCurrent: number;
  EVMinCurrent: number;
}

export type NeedsChangedListener = (needs: ResolvedMobilityNeeds, previous: ResolvedMobilityNeeds) => void;

const DEFAULT_NOMINAL_VOLTAGE_V = 230;
/** Integration sub-step: the curve cap is re-read at least this often (sim ms). */
const MAX_SUBSTEP_MS = 1000;
/** SoC step of the remaining-time estimate, percent. */
const REMAINING_TIME_SOC_STEP = 0.5;
/** The remaining-time estimate is reused while SoC has moved less than this, percent. */
const REMAINING_TIME_REUSE_SOC = 0.05;
/** Charging is complete this close to the stop SoC, percent (a tapering curve approaches it slowly). */
const COMPLETE_TOLERANCE_SOC = 0.01;
/** Pre-charge asks for a small current only: the contactors are open, it just sets the voltage. */
const PRECHARGE_CURRENT_A = 2;
const MS_PER_H = 3_600_000;
/** A driven DC discharge may exceed the EV's discharge limit by this factor before the BMS cuts it. */
const DRIVEN_DISCHARGE_TOLERANCE = 1.02;

export class EvModel {
  readonly battery: Battery;
  readonly chargingCurve: ChargingCurve;
  readonly dc: EvDcConfig | undefined;
  readonly ac: EvAcConfig | undefined;
  readonly discharge: EvDischargeConfig | undefined;
  readonly bulkSoc: number;
  /** energy taken at the inlet since creation, Wh (the EV's own meter) */
  chargedEnergyWh = 0;
  /** energy given back at the inlet since creation, Wh */
  dischargedEnergyWh = 0;
  /** average inlet power of the last step, W (negative = discharge) */
  lastPowerW = 0;

  private readonly clock: Clock;
  private transfer: EnergyTransfer;
  private mode: ControlMode;
  private needsNow: ResolvedMobilityNeeds;
  private needsDirty = false;
  private readonly listeners = new Set<NeedsChangedListener>();
  private schedule: { entries: PMaxSchedule; startedAt: number } | undefined;
  private allowDischarge: boolean;
  private readonly remainingCache = new Map<string, { soc: number; seconds: number | undefined }>();

  constructor(config: EvConfig, clock: Clock) {
    this.clock = clock;
    this.battery = new Battery(config.battery);
    validateChargingCurve(config.chargingCurve);
    this.chargingCurve = config.chargingCurve.map((p) => ({ ...p }));
    this.dc = config.dc && { ...config.dc };
    this.ac = config.ac && { ...config.ac };
    this.discharge = config.discharge && { ...config.discharge };
    if (!this.dc && !this.ac) throw new RangeError('an EV needs an ac or a dc section (or both)');
    if (this.dc && !(this.dc.maxVoltageV > 0 && this.dc.maxCurrentA > 0 && this.dc.maxPowerW > 0)) {
      throw new RangeError('EV dc limits (maxVoltageV, maxCurrentA, maxPowerW) must be > 0');
    }
    if (this.ac && !(this.ac.maxCurrentA > 0 && this.ac.minCurrentA >= 0 && this.ac.minCurrentA <= this.ac.maxCurrentA && this.ac.onBoardChargerMaxPowerW > 0)) {
      throw new RangeError('EV ac limits must satisfy 0 ≤ minCurrentA ≤ maxCurrentA, maxCurrentA > 0, onBoardChargerMaxPowerW > 0');
    }
    if (this.discharge) {
      const { maxPowerW, maxCurrentA, minPowerW, v2xBudgetWh } = this.discharge;
      if (!(maxPowerW >= 0)) throw new RangeError('EV discharge maxPowerW must be ≥ 0');
      if (maxCurrentA !== undefined && !(maxCurrentA >= 0)) throw new RangeError('EV discharge maxCurrentA must be ≥ 0');
      if (minPowerW !== undefined && !(minPowerW >= 0 && minPowerW <= maxPowerW)) throw new RangeError('EV discharge minPowerW must be within 0..maxPowerW');
      if (v2xBudgetWh !== undefined && !(v2xBudgetWh >= 0)) throw new RangeError('EV discharge v2xBudgetWh must be ≥ 0');
    }
    this.allowDischarge = config.dischargeAllowed ?? this.discharge !== undefined;
    this.bulkSoc = config.bulkSoc ?? 80;
    this.transfer = config.energyTransfer ?? (this.dc ? 'DC' : 'AC');
    this.setEnergyTransfer(this.transfer);
    this.mode = config.controlMode ?? 'Scheduled';
    this.needsNow = resolveMobilityNeeds(config.needs);
  }

  // --- battery -------------------------------------------------------------------------

  /** present SoC, percent */
  get soc(): number {
    return this.battery.soc;
  }

  /** pack voltage at the present SoC, V */
  get packVoltageV(): number {
    return this.battery.voltageV;
  }

  get energyTransfer(): EnergyTransfer {
    return this.transfer;
  }

  /** AC or DC for this session (the EVCC picks it with the EVSE). */
  setEnergyTransfer(transfer: EnergyTransfer): void {
    if (transfer === 'DC' && !this.dc) throw new RangeError('this EV has no DC configuration');
    if (transfer === 'AC' && !this.ac) throw new RangeError('this EV has no AC configuration');
    this.transfer = transfer;
  }

  get controlMode(): ControlMode {
    return this.mode;
  }

  setControlMode(mode: ControlMode): void {
    this.mode = mode;
  }

  /** The SoC at which the EV stops taking energy: target (Scheduled) or maximum (Dynamic). */
  get stopSoc(): number {
    const level = this.mode === 'Scheduled' ? this.needsNow.targetSoc : this.needsNow.maximumSoc;
    return Math.min(level, this.battery.usableMaxSoc);
  }

  get chargingComplete(): boolean {
    return this.soc >= this.stopSoc - COMPLETE_TOLERANCE_SOC;
  }

  get bulkChargingComplete(): boolean {
    return this.soc >= Math.min(this.bulkSoc, this.stopSoc) - COMPLETE_TOLERANCE_SOC;
  }

  // --- mobility needs ------------------------------------------------------------------

  get needs(): ResolvedMobilityNeeds {
    return { ...this.needsNow };
  }

  /**
   * The driver changes their needs. Returns whether anything changed; if so needsChanged is set
   * and listeners are told, which is the EVCC's cue to renegotiate (ISO 15118-2 PowerDelivery
   * Renegotiate, ISO 15118-20 ScheduleExchange again). Pass departureTime: undefined to clear it.
   */
  setMobilityNeeds(change: Partial<MobilityNeeds>): boolean {
    const previous = this.needsNow;
    const next = resolveMobilityNeeds({
      departureTime: 'departureTime' in change ? change.departureTime : previous.departureTime,
      minimumSoc: change.minimumSoc ?? previous.minimumSoc,
      targetSoc: change.targetSoc ?? previous.targetSoc,
      maximumSoc: change.maximumSoc ?? previous.maximumSoc,
    });
    const changed =
      next.departureTime !== previous.departureTime ||
      next.minimumSoc !== previous.minimumSoc ||
      next.targetSoc !== previous.targetSoc ||
      next.maximumSoc !== previous.maximumSoc;
    if (!changed) return false;
    this.needsNow = next;
    this.needsDirty = true;
    for (const listener of this.listeners) listener({ ...next }, { ...previous });
    return true;
  }

  /** Set when the needs changed since the last acknowledgeNeedsChanged(). */
  get needsChanged(): boolean {
    return this.needsDirty;
  }

  /** The EVCC has sent the new needs (renegotiation done). */
  acknowledgeNeedsChanged(): void {
    this.needsDirty = false;
  }

  /** Returns a function that removes the listener. */
  onNeedsChanged(listener: NeedsChangedListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** EVTarget/Maximum/MinimumEnergyRequest, Wh, from the present SoC (see energyRequests()). */
  energyRequests(options: { signed?: boolean } = {}): EnergyRequests {
    const needs = {
      ...this.needsNow,
      targetSoc: Math.min(this.needsNow.targetSoc, this.battery.usableMaxSoc),
      maximumSoc: Math.min(this.needsNow.maximumSoc, this.battery.usableMaxSoc),
    };
    return energyRequests(this.soc, this.battery.capacityWh, needs, options);
  }

  /** DepartureTime as the protocols send it: whole seconds from now (≥ 0); undefined if unknown. */
  departureTimeS(): number | undefined {
    const departure = this.needsNow.departureTime;
    if (departure === undefined) return undefined;
    return Math.max(0, Math.floor((departure - this.clock.now()) / 1000));
  }

  // --- schedule ------------------------------------------------------------------------

  /**
   * Follow a PMaxSchedule received from the EVSE; its t = 0 is `startedAt` (sim ms, default
   * now: ISO 15118-2 schedules start when ChargeParameterDiscoveryRes arrives). Replaces any
   * previous schedule (renegotiation).
   */
  followSchedule(schedule: PMaxSchedule, startedAt: number = this.clock.now()): void {
    validatePMaxSchedule(schedule);
    this.schedule = { entries: schedule.map((e) => ({ ...e })), startedAt };
  }

  /** Back to no schedule: only the EVSE's limits apply (DIN 70121, ISO 15118-20 Dynamic). */
  clearSchedule(): void {
    this.schedule = undefined;
  }

  get hasSchedule(): boolean {
    return this.schedule !== undefined;
  }

  activeScheduleEntry(at: number = this.clock.now()): PMaxScheduleEntry | undefined {
    if (!this.schedule) return undefined;
    const entry = activePMaxScheduleEntry(this.schedule.entries, (at - this.schedule.startedAt) / 1000);
    return entry && { ...entry };
  }

  /**
   * The schedule's PMax at `at`, W. undefined without a schedule (no cap); 0 outside the
   * schedule's entries — the EV has no permission to charge then and should renegotiate.
   */
  schedulePMaxW(at: number = this.clock.now()): number | undefined {
    if (!this.schedule) return undefined;
    return this.activeScheduleEntry(at)?.pMaxW ?? 0;
  }

  /** The schedule has run out (a renegotiation trigger, like changed needs). */
  scheduleExpired(at: number = this.clock.now()): boolean {
    if (!this.schedule) return false;
    const { entries, startedAt } = this.schedule;
    const last = entries[entries.length - 1];
    return last.durationS !== undefined && (at - startedAt) / 1000 >= last.startS + last.durationS;
  }

  /** ChargingProfile for PowerDeliveryReq: the followed schedule, never above what the EV can take. */
  chargingProfile(): PMaxScheduleEntry[] {
    if (!this.schedule) return [];
    const own = this.maxChargePowerW();
    return this.schedule.entries.map((e) => ({ ...e, pMaxW: Math.min(e.pMaxW, own) }));
  }

  // --- power ---------------------------------------------------------------------------

  /**
   * What the EV itself can take at the inlet at `soc`, W: the charging curve and its own DC or
   * AC limits, nothing from the EVSE (AC needs its voltage and phases from `limits`).
   */
  maxChargePowerW(soc: number = this.soc, limits: EvseLimitsSeen = {}): number {
    const curve = chargingCurvePowerW(this.chargingCurve, soc);
    if (this.transfer === 'DC') {
      const dc = this.dc as EvDcConfig;
      return Math.min(curve, dc.maxPowerW, dc.maxCurrentA * this.battery.voltageAt(soc));
    }
    const ac = this.ac as EvAcConfig;
    return Math.min(curve, ac.onBoardChargerMaxPowerW, ac.maxCurrentA * this.acVolts(limits) * this.acPhases(limits));
  }

  /** What the EV can give back at `soc`, W (0 without a discharge configuration or at its floor SoC). */
  maxDischargePowerW(soc: number = this.soc, limits: EvseLimitsSeen = {}): number {
    if (!this.discharge || !this.allowDischarge || soc <= this.dischargeFloorSoc || this.remainingV2gEnergyWh === 0) return 0;
    const { maxPowerW, maxCurrentA } = this.discharge;
    if (maxCurrentA === undefined) return maxPowerW;
    const volts = this.transfer === 'DC' ? this.battery.voltageAt(soc) : this.acVolts(limits) * this.acPhases(limits);
    return Math.min(maxPowerW, maxCurrentA * volts);
  }

  /** The driver allows discharging (V2G) now. */
  get dischargeAllowed(): boolean {
    return this.allowDischarge;
  }

  /**
   * The driver allows or forbids discharging. Returns whether it changed; if so needsChanged is
   * set (and listeners told), so a running session renegotiates without (or with) discharge.
   */
  setDischargeAllowed(allowed: boolean): boolean {
    if (allowed === this.allowDischarge) return false;
    this.allowDischarge = allowed;
    this.needsDirty = true;
    for (const listener of this.listeners) listener({ ...this.needsNow }, { ...this.needsNow });
    return true;
  }

  /** The EV can discharge at all: discharge hardware and the driver's allowance. */
  get canDischarge(): boolean {
    return this.discharge !== undefined && this.discharge.maxPowerW > 0 && this.allowDischarge;
  }

  /** What is left of the V2X warranty budget, Wh (RemainingV2GEnergy); undefined without a budget. */
  get remainingV2gEnergyWh(): number | undefined {
    const budget = this.discharge?.v2xBudgetWh;
    return budget === undefined ? undefined : Math.max(0, budget - this.dischargedEnergyWh);
  }

  /** EVMaximum/MinimumV2XEnergyRequest from the present SoC (see V2xEnergyRequests). */
  v2xEnergyRequests(): V2xEnergyRequests {
    const capacity = this.battery.capacityWh;
    const max = Math.max(0, socToEnergyWh(Math.min(this.needsNow.maximumSoc, this.battery.usableMaxSoc) - this.soc, capacity));
    let min = socToEnergyWh(this.dischargeFloorSoc - this.soc, capacity);
    if (!this.canDischarge) min = Math.max(0, min);
    else if (this.remainingV2gEnergyWh !== undefined) min = Math.max(min, -this.remainingV2gEnergyWh);
    return { EVMaximumV2XEnergyRequest: max, EVMinimumV2XEnergyRequest: min };
  }

  /** Discharge never goes below the driver's minimum SoC (nor the BMS window). */
  get dischargeFloorSoc(): number {
    return Math.max(this.needsNow.minimumSoc, this.battery.usableMinSoc);
  }

  /**
   * The power the EV asks for now, W: its own curve and limits, the EVSE's limits and the
   * active schedule entry (default: the followed schedule's), 0 once charging is complete or
   * when what is left is below the EV's minimum (EVMinimumChargePower, EVMinCurrent).
   */
  requestedPower(limits: EvseLimitsSeen = {}, schedulePMaxW: number | undefined = this.schedulePMaxW()): number {
    if (this.chargingComplete) return 0;
    return this.availablePowerW(this.soc, limits, schedulePMaxW);
  }

  /** AC: the current per phase the EV draws for requestedPower(), A. */
  requestedAcCurrentA(limits: EvseLimitsSeen = {}, schedulePMaxW: number | undefined = this.schedulePMaxW()): number {
    return this.requestedPower(limits, schedulePMaxW) / (this.acVolts(limits) * this.acPhases(limits));
  }

  /**
   * Integrate dtMs of sim time with what the EVSE supplies (see Supply). Granted power: the EV
   * takes at most its own maximum (curve re-read as SoC rises) and stops at stopSoc; a negative
   * grant discharges within the discharge limits down to dischargeFloorSoc. DC volts and amps:
   * all of it flows, up to maximumSoc (or the usable window) and down to dischargeFloorSoc.
   * Returns the average power actually taken at the inlet, W (negative = given back).
   */
  step(dtMs: number, supply: Supply): number {
    if (!(dtMs >= 0) || !Number.isFinite(dtMs)) throw new RangeError(`step(dtMs): dtMs must be a finite number ≥ 0, got ${dtMs}`);
    if (dtMs === 0) return 0;
    const limits: EvseLimitsSeen = typeof supply === 'number' ? {} : { nominalVoltageV: supply.voltageV, phases: supply.phases };
    const offeredW = typeof supply === 'number' ? supply : supply.voltageV * supply.currentA * (this.transfer === 'AC' ? this.acPhases(limits) : 1);
    // DC current is driven by the EVSE: the EV's own limits shape its requests, not the flow.
    const driven = typeof supply !== 'number' && this.transfer === 'DC';
    const ceilingSoc = driven ? Math.min(this.needsNow.maximumSoc, this.battery.usableMaxSoc) : this.stopSoc;
    const chargeCap = (s: number): number => (driven ? offeredW : Math.min(offeredW, this.maxChargePowerW(s, limits)));
    // Discharge is the EV's to permit: even a driven current stops at its discharge limits (the
    // BMS's tolerance above them: the EVSE regulates to them at its own voltage reading).
    const dischargeCap = (s: number): number => Math.min(-offeredW, this.maxDischargePowerW(s, limits) * (driven ? DRIVEN_DISCHARGE_TOLERANCE : 1));
    const n = Math.max(1, Math.ceil(dtMs / MAX_SUBSTEP_MS));
    const hH = dtMs / n / MS_PER_H;
    let inWh = 0;
    let outWh = 0;
    // Midpoint rule: the cap is read at the SoC half-way through each sub-step, so a tapering
    // curve is followed closely even with long steps.
    const socPerInletWh = (100 / this.battery.capacityWh) * this.battery.oneWayEfficiency;
    for (let i = 0; i < n; i++) {
      const soc = this.soc;
      if (offeredW > 0) {
        const p = chargeCap(soc + (chargeCap(soc) * hH * socPerInletWh) / 2);
        const wh = this.battery.charge(p * hH, ceilingSoc);
        inWh += wh;
        if (wh === 0) break;
      } else if (offeredW < 0) {
        const p = dischargeCap(Math.max(this.dischargeFloorSoc, soc - (dischargeCap(soc) * hH * socPerInletWh) / 2));
        // the V2X warranty budget is a hard limit, like the floor SoC
        const budget = this.remainingV2gEnergyWh === undefined ? Infinity : this.remainingV2gEnergyWh - outWh;
        const wh = this.battery.discharge(Math.min(p * hH, budget), this.dischargeFloorSoc);
        outWh += wh;
        if (wh === 0) break;
      }
    }
    this.chargedEnergyWh += inWh;
    this.dischargedEnergyWh += outWh;
    this.lastPowerW = ((inWh - outWh) * MS_PER_H) / dtMs;
    return this.lastPowerW;
  }

  /**
   * Seconds to reach `soc` at the power the EV would ask for with these limits held constant
   * (the curve's taper included); 0 if already there, undefined if the power falls to 0 on the way.
   */
  remainingTimeToSocS(soc: number, limits: EvseLimitsSeen = {}, schedulePMaxW: number | undefined = this.schedulePMaxW()): number | undefined {
    const to = Math.min(soc, this.battery.usableMaxSoc);
    const s = this.soc;
    if (s >= to) return 0;
    // The EVCC asks every cycle (25 ms in DC) while SoC barely moves: reuse the last estimate for
    // the same limits, less the time for the SoC gained since, instead of integrating again.
    const key = `${this.transfer}|${to}|${limits.maxPowerW}|${limits.maxCurrentA}|${limits.nominalVoltageV}|${limits.phases}|${schedulePMaxW}`;
    const cached = this.remainingCache.get(key);
    if (cached && cached.seconds !== undefined && s >= cached.soc && s - cached.soc < REMAINING_TIME_REUSE_SOC) {
      const p = this.availablePowerW(s, limits, schedulePMaxW);
      if (p > 0) return Math.max(0, cached.seconds - (this.inletWhForSoc(s - cached.soc) / p) * 3600);
    }
    const seconds = this.integrateRemainingTimeS(s, to, limits, schedulePMaxW);
    if (this.remainingCache.size >= 16) this.remainingCache.clear();
    this.remainingCache.set(key, { soc: s, seconds });
    return seconds;
  }

  private integrateRemainingTimeS(from: number, to: number, limits: EvseLimitsSeen, schedulePMaxW: number | undefined): number | undefined {
    let s = from;
    let seconds = 0;
    while (s < to) {
      const ds = Math.min(REMAINING_TIME_SOC_STEP, to - s);
      const p = this.availablePowerW(s + ds / 2, limits, schedulePMaxW);
      if (!(p > 0)) return undefined;
      seconds += (this.inletWhForSoc(ds) / p) * 3600;
      s += ds;
    }
    return seconds;
  }

  // --- what the EVCC sends -------------------------------------------------------------

  /** PreChargeReq: the EVSE is to match the pack voltage before the contactors close. */
  preCharge(): { EVTargetVoltage: number; EVTargetCurrent: number } {
    return { EVTargetVoltage: this.packVoltageV, EVTargetCurrent: PRECHARGE_CURRENT_A };
  }

  /** Pre-charge is done when the EVSE's present voltage is within toleranceV of the pack voltage. */
  preChargeComplete(EVSEPresentVoltage: number, toleranceV = 10): boolean {
    return Math.abs(EVSEPresentVoltage - this.packVoltageV) <= toleranceV;
  }

  /**
   * CurrentDemandReq values for this cycle. The target voltage is the pack voltage: the EVSE
   * works as a current source and the battery sets the voltage, so the target current carries
   * the request.
   */
  currentDemand(limits: EvseLimitsSeen = {}, schedulePMaxW: number | undefined = this.schedulePMaxW()): DcCurrentDemand {
    const dc = this.requireDc();
    const volts = this.packVoltageV;
    const ownW = this.maxChargePowerW();
    return {
      EVTargetVoltage: Math.min(volts, dc.maxVoltageV),
      EVTargetCurrent: Math.min(this.requestedPower(limits, schedulePMaxW) / volts, dc.maxCurrentA),
      EVMaximumVoltageLimit: dc.maxVoltageV,
      EVMaximumCurrentLimit: Math.min(dc.maxCurrentA, ownW / volts),
      EVMaximumPowerLimit: ownW,
      EVRESSSOC: this.soc,
      BulkChargingComplete: this.bulkChargingComplete,
      ChargingComplete: this.chargingComplete,
      RemainingTimeToFullSoC: this.remainingTimeToSocS(this.stopSoc, limits, schedulePMaxW),
      RemainingTimeToBulkSoC: this.remainingTimeToSocS(Math.min(this.bulkSoc, this.stopSoc), limits, schedulePMaxW),
    };
  }

  /** ChargeParameterDiscoveryReq, DC. FullSOC is where this EV stops (its stop SoC). */
  dcChargeParameter(): DcEvChargeParameter {
    const dc = this.requireDc();
    return {
      DepartureTime: this.departureTimeS(),
      EVMaximumCurrentLimit: dc.maxCurrentA,
      EVMaximumPowerLimit: dc.maxPowerW,
      EVMaximumVoltageLimit: dc.maxVoltageV,
      EVEnergyCapacity: this.battery.capacityWh,
      EVEnergyRequest: this.energyRequests().EVTargetEnergyRequest,
      FullSOC: this.stopSoc,
      BulkSOC: this.bulkSoc,
      EVRESSSOC: this.soc,
    };
  }

  /** ChargeParameterDiscoveryReq, AC. */
  acChargeParameter(): AcEvChargeParameter {
    const ac = this.ac;
    if (!ac) throw new RangeError('this EV has no AC configuration');
    return {
      DepartureTime: this.departureTimeS(),
      EAmount: this.energyRequests().EVTargetEnergyRequest,
      EVMaxVoltage: ac.maxVoltageV,
      EVMaxCurrent: ac.maxCurrentA,
      EVMinCurrent: ac.minCurrentA,
    };
  }

  // --- internals -----------------------------------------------------------------------

  /** requestedPower() at any SoC, without the completeness check (for the time estimate). */
  private availablePowerW(soc: number, limits: EvseLimitsSeen, schedulePMaxW: number | undefined): number {
    let p = this.maxChargePowerW(soc, limits);
    if (limits.maxPowerW !== undefined) p = Math.min(p, limits.maxPowerW);
    if (limits.maxCurrentA !== undefined) {
      const volts = this.transfer === 'DC' ? this.battery.voltageAt(soc) : this.acVolts(limits) * this.acPhases(limits);
      p = Math.min(p, limits.maxCurrentA * volts);
    }
    if (schedulePMaxW !== undefined) p = Math.min(p, schedulePMaxW);
    if (this.transfer === 'DC') {
      if (p < (this.dc?.minPowerW ?? 0)) return 0;
    } else if (p / (this.acVolts(limits) * this.acPhases(limits)) < (this.ac as EvAcConfig).minCurrentA) {
      return 0;
    }
    return Math.max(0, p);
  }

  /** Inlet energy that raises the SoC by dSoc percent. */
  private inletWhForSoc(dSoc: number): number {
    return ((dSoc / 100) * this.battery.capacityWh) / this.battery.oneWayEfficiency;
  }

  private acVolts(limits: EvseLimitsSeen): number {
    return limits.nominalVoltageV ?? DEFAULT_NOMINAL_VOLTAGE_V;
  }

  private acPhases(limits: EvseLimitsSeen): number {
    const own = this.ac?.phases ?? 1;
    return limits.phases !== undefined ? Math.min(own, limits.phases) : own;
  }

  private requireDc(): EvDcConfig {
    if (!this.dc) throw new RangeError('this EV has no DC configuration');
    return this.dc;
  }
}
