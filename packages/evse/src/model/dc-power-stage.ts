// The DC power stage as the SECC sees it: cable check (isolation test), pre-charge (match the
// pack voltage with the contactors open), current demand (a current source at the battery's
// voltage) and ramp-down. Present voltage and current move toward the EV's targets no faster
// than the ramps allow and never beyond the limits; energy is integrated exactly over each step.

export interface EvseDcConfig {
  /** EVSEMaximumVoltageLimit, V */
  maxVoltageV: number;
  /** EVSEMinimumVoltageLimit, V */
  minVoltageV: number;
  /** EVSEMaximumCurrentLimit (hardware), A */
  maxCurrentA: number;
  /** EVSEMinimumCurrentLimit, A */
  minCurrentA: number;
  /** EVSEMaximumPowerLimit (hardware), W */
  maxPowerW: number;
  /** EVSECurrentRegulationTolerance, A (optional in the protocol) */
  currentRegulationToleranceA?: number;
  /** EVSEPeakCurrentRipple, A */
  peakCurrentRippleA: number;
  /** EVSEEnergyToBeDelivered, Wh (optional in the protocol) */
  energyToBeDeliveredWh?: number;
  /**
   * Bidirectional power transfer (ISO 15118-20 DC_BPT): EVSEMaximumDischargePower, W, and
   * EVSEMaximumDischargeCurrent, A (positive numbers). Absent: the stage cannot take energy back.
   */
  maxDischargePowerW?: number;
  maxDischargeCurrentA?: number;
  /** EVSEMinimumDischargeCurrent, A. Default 0. */
  minDischargeCurrentA?: number;
}

export interface EvseRampConfig {
  /** max dP/dt rising, W/s. Default 25 kW/s. */
  powerUpWPerS?: number;
  /** max dP/dt falling, W/s. Default 50 kW/s: shedding load is allowed to be quicker. */
  powerDownWPerS?: number;
  /** max dV/dt, V/s (pre-charge, cable check, discharge after stop). Default 400 V/s. */
  voltageVPerS?: number;
}

/** EVSEIsolationStatus (ISO 15118-2 isolationLevelType). */
export type IsolationLevel = 'Invalid' | 'Valid' | 'Warning' | 'Fault' | 'No_IMD';

export interface IsolationConfig {
  /** the result the insulation monitor will report. Default Valid. */
  status?: IsolationLevel;
  /** how long the check takes, sim ms. Default 2000. */
  durationMs?: number;
  /** voltage applied during the check, V. Default 500, within the voltage limits. */
  testVoltageV?: number;
}

export type DcStageMode = 'Off' | 'CableCheck' | 'PreCharge' | 'CurrentDemand';

/** Limits from outside the stage (the limit source), applied on top of the hardware ones. */
export interface DcStepLimits {
  maxPowerW?: number;
  maxCurrentA?: number;
  /** discharge (BPT), positive numbers */
  maxDischargePowerW?: number;
  maxDischargeCurrentA?: number;
}

export interface DcStepResult {
  EVSEPresentVoltage: number;
  EVSEPresentCurrent: number;
  /** the EVSE's current limit (hardware or external) is what holds the current back */
  EVSECurrentLimitAchieved: boolean;
  /** the power limit is what holds the current back */
  EVSEPowerLimitAchieved: boolean;
  /** the EV asked for more than EVSEMaximumVoltageLimit */
  EVSEVoltageLimitAchieved: boolean;
  /** energy delivered during the step, Wh (what the meter counts); negative = taken back from the EV */
  energyWh: number;
  /** energy / step duration, W */
  averagePowerW: number;
}

export interface CableCheckStatus {
  EVSEProcessing: 'Ongoing' | 'Finished';
  EVSEIsolationStatus: IsolationLevel;
}

const LIMIT_EPSILON = 1e-9;
const DEFAULT_RAMP = { powerUpWPerS: 25_000, powerDownWPerS: 50_000, voltageVPerS: 400 };

export class DcPowerStage {
  readonly config: Readonly<EvseDcConfig>;
  private readonly ramp: Required<EvseRampConfig>;
  private readonly isolation: Required<IsolationConfig>;
  private stageMode: DcStageMode = 'Off';
  private voltage = 0;
  private current = 0;
  private targetVoltage = 0;
  private targetCurrent = 0;
  private cableCheckElapsedMs = 0;
  private isolationStatus: IsolationLevel = 'Invalid';
  private cableCheckDone = false;

  constructor(config: EvseDcConfig, ramp: EvseRampConfig = {}, isolation: IsolationConfig = {}) {
    const { maxVoltageV, minVoltageV, maxCurrentA, minCurrentA, maxPowerW } = config;
    if (!(maxVoltageV > 0 && minVoltageV >= 0 && minVoltageV <= maxVoltageV)) throw new RangeError(`DC voltage limits must satisfy 0 ≤ min ≤ max, max > 0, got ${minVoltageV}..${maxVoltageV}`);
    if (!(maxCurrentA > 0 && minCurrentA >= 0 && minCurrentA <= maxCurrentA)) throw new RangeError(`DC current limits must satisfy 0 ≤ min ≤ max, max > 0, got ${minCurrentA}..${maxCurrentA}`);
    if (!(maxPowerW > 0)) throw new RangeError(`DC maxPowerW must be > 0, got ${maxPowerW}`);
    for (const k of ['maxDischargePowerW', 'maxDischargeCurrentA', 'minDischargeCurrentA'] as const) {
      const v = config[k];
      if (v !== undefined && !(v >= 0 && Number.isFinite(v))) throw new RangeError(`DC ${k} must be a finite number ≥ 0, got ${v}`);
    }
    this.config = { ...config };
    this.ramp = { ...DEFAULT_RAMP, ...definedOnly(ramp) };
    for (const [k, v] of Object.entries(this.ramp)) if (!(v > 0)) throw new RangeError(`ramp ${k} must be > 0, got ${v}`);
    this.isolation = {
      status: isolation.status ?? 'Valid',
      durationMs: isolation.durationMs ?? 2000,
      testVoltageV: Math.min(maxVoltageV, Math.max(minVoltageV, isolation.testVoltageV ?? 500)),
    };
  }

  get mode(): DcStageMode {
    return this.stageMode;
  }

  get presentVoltageV(): number {
    return this.voltage;
  }

  get presentCurrentA(): number {
    return this.current;
  }

  /** W; negative while discharging */
  get presentPowerW(): number {
    return this.voltage * this.current;
  }

  /** The stage can take energy back from the EV (DC_BPT). */
  get bidirectional(): boolean {
    return (this.config.maxDischargePowerW ?? 0) > 0 && (this.config.maxDischargeCurrentA ?? 0) > 0;
  }

  /** CableCheckReq: start the isolation test; the result comes after durationMs of steps. */
  startCableCheck(): void {
    this.stageMode = 'CableCheck';
    this.cableCheckElapsedMs = 0;
    this.cableCheckDone = false;
    this.isolationStatus = 'Invalid';
    this.targetCurrent = 0;
  }

  get cableCheck(): CableCheckStatus {
    return { EVSEProcessing: this.cableCheckDone ? 'Finished' : 'Ongoing', EVSEIsolationStatus: this.isolationStatus };
  }

  /** PreChargeReq: ramp the output voltage to EVTargetVoltage. No load yet, so no current. */
  preCharge(EVTargetVoltage: number): void {
    this.stageMode = 'PreCharge';
    this.targetVoltage = EVTargetVoltage;
    this.targetCurrent = 0;
  }

  /**
   * CurrentDemandReq / DC_ChargeLoopReq: deliver EVTargetCurrent at EVTargetVoltage, within the
   * limits. A negative target current takes energy back from the EV (bidirectional power
   * transfer) when the stage is bidirectional; otherwise it is treated as 0.
   */
  currentDemand(EVTargetVoltage: number, EVTargetCurrent: number): void {
    this.stageMode = 'CurrentDemand';
    this.targetVoltage = EVTargetVoltage;
    this.targetCurrent = this.bidirectional ? EVTargetCurrent : Math.max(0, EVTargetCurrent);
  }

  /** PowerDelivery Stop / session end: ramp the current down, then the voltage (welding detection watches it fall). */
  stop(): void {
    this.stageMode = 'Off';
    this.targetCurrent = 0;
    this.targetVoltage = 0;
  }

  /** Advance dtMs of sim time under `limits`. */
  step(dtMs: number, limits: DcStepLimits = {}): DcStepResult {
    if (!(dtMs >= 0) || !Number.isFinite(dtMs)) throw new RangeError(`step(dtMs): dtMs must be a finite number ≥ 0, got ${dtMs}`);
    const h = dtMs / 1000;
    const { maxVoltageV, minVoltageV } = this.config;

    if (this.stageMode === 'CableCheck' && !this.cableCheckDone) {
      this.cableCheckElapsedMs += dtMs;
      if (this.cableCheckElapsedMs >= this.isolation.durationMs) {
        this.cableCheckDone = true;
        this.isolationStatus = this.isolation.status;
      }
    }

    // Voltage the stage heads for in this mode.
    let vTarget = 0;
    let voltageLimitAchieved = false;
    if (this.stageMode === 'PreCharge' || this.stageMode === 'CurrentDemand') {
      vTarget = Math.min(maxVoltageV, Math.max(minVoltageV, this.targetVoltage));
      voltageLimitAchieved = this.targetVoltage > maxVoltageV;
    } else if (this.stageMode === 'CableCheck' && !this.cableCheckDone) {
      vTarget = this.isolation.testVoltageV;
    }

    // Current the stage heads for: the EV's target within the current and power limits.
    const iLimit = Math.min(this.config.maxCurrentA, limits.maxCurrentA ?? Infinity);
    const pLimit = Math.min(this.config.maxPowerW, limits.maxPowerW ?? Infinity);
    const p0 = this.voltage * this.current;
    // Keep the voltage while current still flows after a stop: the contactors are closed.
    const v1 = this.stageMode === 'Off' && p0 !== 0 ? this.voltage : approach(this.voltage, vTarget, this.ramp.voltageVPerS * h);
    let pTarget = 0;
    let currentLimitAchieved = false;
    let powerLimitAchieved = false;
    if (this.stageMode === 'CurrentDemand' && v1 > 0) {
      const wanted = this.targetCurrent;
      if (wanted >= 0) {
        // A relative margin, so an EV asking for exactly the limit (P / V × V) is not flagged by rounding.
        currentLimitAchieved = wanted > iLimit * (1 + LIMIT_EPSILON);
        powerLimitAchieved = wanted * v1 > pLimit * (1 + LIMIT_EPSILON);
        pTarget = Math.min(wanted, iLimit, pLimit / v1) * v1;
      } else {
        const iDis = Math.min(this.config.maxDischargeCurrentA ?? 0, limits.maxDischargeCurrentA ?? Infinity);
        const pDis = Math.min(this.config.maxDischargePowerW ?? 0, limits.maxDischargePowerW ?? Infinity);
        currentLimitAchieved = -wanted > iDis * (1 + LIMIT_EPSILON);
        powerLimitAchieved = -wanted * v1 > pDis * (1 + LIMIT_EPSILON);
        pTarget = -Math.min(-wanted, iDis, pDis / v1) * v1;
      }
    }

    // Ramp the power (dP/dt) and integrate it exactly: linear while ramping, then flat. Growing
    // magnitude (charge or discharge) ramps at the up rate, shrinking or reversing at the down rate.
    const rate = Math.abs(pTarget) > Math.abs(p0) && pTarget * p0 >= 0 ? this.ramp.powerUpWPerS : this.ramp.powerDownWPerS;
    const rampS = Math.abs(pTarget - p0) / rate;
    let p1: number;
    let energyWs: number;
    if (rampS >= h) {
      p1 = approach(p0, pTarget, rate * h);
      energyWs = ((p0 + p1) / 2) * h;
    } else {
      p1 = pTarget;
      energyWs = ((p0 + pTarget) / 2) * rampS + pTarget * (h - rampS);
    }
    this.voltage = v1;
    this.current = v1 > 0 ? p1 / v1 : 0;
    const energyWh = energyWs / 3600;
    return {
      EVSEPresentVoltage: this.voltage,
      EVSEPresentCurrent: this.current,
      EVSECurrentLimitAchieved: currentLimitAchieved,
      EVSEPowerLimitAchieved: powerLimitAchieved,
      EVSEVoltageLimitAchieved: voltageLimitAchieved,
      energyWh,
      averagePowerW: h > 0 ? energyWs / h : p1,
    };
  }
}

function approach(from: number, to: number, maxDelta: number): number {
  if (to > from) return Math.min(to, from + maxDelta);
  return Math.max(to, from - maxDelta);
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
