// The EVSE as hardware plus the limit it must respect: AC and DC ratings, the DC power stage,
// the meter, and a pluggable limit source (static configuration now, OCPP later). The SECC reads
// the values it puts in messages from here, named as the messages name them, in SI units.

import type { Clock } from './clock.js';
import { DcPowerStage } from './dc-power-stage.js';
import type { DcStepResult, EvseDcConfig, EvseRampConfig, IsolationConfig } from './dc-power-stage.js';
import { StaticLimitSource } from './limits.js';
import type { EvseLimit, LimitSource } from './limits.js';
import { EnergyMeter } from './meter.js';
import type { PMaxScheduleEntry } from './schedule.js';

export interface EvseAcConfig {
  /** EVSENominalVoltage, phase to neutral, V */
  nominalVoltageV: number;
  phases: 1 | 2 | 3;
  /** hardware limit per phase, A */
  maxCurrentA: number;
  /** IEC 61851-1: the PWM cannot offer less than 6 A; below this the EVSE offers 0 */
  minCurrentA: number;
  /** ISO 15118-20 AC_BPT: EVSEMaximumDischargePower, W (all phases). Absent: no discharge. */
  maxDischargePowerW?: number;
}

export interface EvseModelConfig {
  meterId: string;
  /** meter registers at start (a station's meter does not begin at 0) */
  meterStart?: { importedWh?: number; exportedWh?: number };
  ac?: EvseAcConfig;
  dc?: EvseDcConfig;
  ramp?: EvseRampConfig;
  isolation?: IsolationConfig;
}

/** DC_EVSEChargeParameter (ISO 15118-2 names), in W, A, V, Wh. */
export interface DcEvseChargeParameter {
  EVSEMaximumCurrentLimit: number;
  EVSEMaximumPowerLimit: number;
  EVSEMaximumVoltageLimit: number;
  EVSEMinimumCurrentLimit: number;
  EVSEMinimumVoltageLimit: number;
  EVSECurrentRegulationTolerance: number | undefined;
  EVSEPeakCurrentRipple: number;
  EVSEEnergyToBeDelivered: number | undefined;
  /** BPT (ISO 15118-20 names): 0 when the EVSE cannot discharge */
  EVSEMaximumDischargePower: number;
  EVSEMaximumDischargeCurrent: number;
  EVSEMinimumDischargeCurrent: number;
}

/** AC_EVSEChargeParameter (ISO 15118-2 names). */
export interface AcEvseChargeParameter {
  EVSENominalVoltage: number;
  /** per phase, A; 0 when the limit is below the minimum the EVSE can offer */
  EVSEMaxCurrent: number;
  phases: number;
}

export interface AcStepResult {
  /** per phase, A */
  EVSEPresentCurrent: number;
  /** ISO 15118-20 EVSEPresentActivePower, W */
  EVSEPresentActivePower: number;
  energyWh: number;
}

/** A schedule with no end: ISO 15118-2 plans a day ahead at most. */
const DEFAULT_SCHEDULE_HORIZON_S = 86_400;

export class EvseModel {
  readonly meter: EnergyMeter;
  readonly ac: Readonly<EvseAcConfig> | undefined;
  /** undefined when the EVSE has no DC output */
  readonly dc: DcPowerStage | undefined;
  private readonly clock: Clock;
  private source: LimitSource;

  constructor(config: EvseModelConfig, clock: Clock, limitSource: LimitSource = new StaticLimitSource()) {
    if (!config.ac && !config.dc) throw new RangeError('an EVSE needs an ac or a dc section (or both)');
    if (config.ac) {
      const { nominalVoltageV, maxCurrentA, minCurrentA } = config.ac;
      if (!(nominalVoltageV > 0 && maxCurrentA > 0 && minCurrentA >= 0 && minCurrentA <= maxCurrentA)) {
        throw new RangeError('AC config must have nominalVoltageV > 0 and 0 ≤ minCurrentA ≤ maxCurrentA, maxCurrentA > 0');
      }
    }
    this.clock = clock;
    this.source = limitSource;
    this.meter = new EnergyMeter(config.meterId, clock, config.meterStart);
    this.ac = config.ac && { ...config.ac };
    this.dc = config.dc && new DcPowerStage(config.dc, config.ramp, config.isolation);
  }

  get limitSource(): LimitSource {
    return this.source;
  }

  /** Swap the source of limits (OCPP charging profiles replace the static configuration). */
  setLimitSource(source: LimitSource): void {
    this.source = source;
  }

  /** The external limit in force now (or at `at`). */
  currentLimit(at: number = this.clock.now()): EvseLimit {
    return this.source.currentLimit(at);
  }

  /** DC maximums for ChargeParameterDiscoveryRes / CurrentDemandRes: hardware and external limit combined. */
  dcChargeParameter(at: number = this.clock.now()): DcEvseChargeParameter {
    const dc = this.requireDc().config;
    const limit = this.currentLimit(at);
    return {
      EVSEMaximumCurrentLimit: Math.min(dc.maxCurrentA, limit.maxCurrentA ?? Infinity),
      EVSEMaximumPowerLimit: Math.min(dc.maxPowerW, limit.maxPowerW ?? Infinity),
      EVSEMaximumVoltageLimit: dc.maxVoltageV,
      EVSEMinimumCurrentLimit: dc.minCurrentA,
      EVSEMinimumVoltageLimit: dc.minVoltageV,
      EVSECurrentRegulationTolerance: dc.currentRegulationToleranceA,
      EVSEPeakCurrentRipple: dc.peakCurrentRippleA,
      EVSEEnergyToBeDelivered: dc.energyToBeDeliveredWh,
      EVSEMaximumDischargePower: Math.min(dc.maxDischargePowerW ?? 0, limit.maxDischargePowerW ?? Infinity),
      EVSEMaximumDischargeCurrent: dc.maxDischargeCurrentA ?? 0,
      EVSEMinimumDischargeCurrent: dc.minDischargeCurrentA ?? 0,
    };
  }

  /** AC maximums: the per-phase current the EVSE offers (the PWM duty cycle in IEC 61851-1 terms). */
  acChargeParameter(at: number = this.clock.now()): AcEvseChargeParameter {
    const ac = this.requireAc();
    const limit = this.currentLimit(at);
    const perPhaseFromPower = limit.maxPowerW !== undefined ? limit.maxPowerW / (ac.nominalVoltageV * ac.phases) : Infinity;
    const max = Math.min(ac.maxCurrentA, limit.maxCurrentA ?? Infinity, perPhaseFromPower);
    return { EVSENominalVoltage: ac.nominalVoltageV, EVSEMaxCurrent: max < ac.minCurrentA ? 0 : max, phases: ac.phases };
  }

  /**
   * The PMaxSchedule to offer from `at` (default now; t = 0 is `at`) for the AC or DC output
   * (default DC if there is one): the limit source's plan capped by the hardware, or, without
   * a plan, one entry at the present maximum for `horizonS`.
   */
  pMaxSchedule(options: { at?: number; energyTransfer?: 'AC' | 'DC'; horizonS?: number } = {}): PMaxScheduleEntry[] {
    const { at = this.clock.now(), energyTransfer = this.dc ? 'DC' : 'AC', horizonS = DEFAULT_SCHEDULE_HORIZON_S } = options;
    const hardwareW = this.hardwareMaxPowerW(energyTransfer);
    const limit = this.currentLimit(at);
    if (limit.schedule && limit.schedule.length > 0) {
      return limit.schedule.map((e) => ({ ...e, pMaxW: Math.min(e.pMaxW, hardwareW) }));
    }
    return [{ startS: 0, durationS: horizonS, pMaxW: Math.min(hardwareW, limit.maxPowerW ?? Infinity) }];
  }

  /** Advance the DC power stage by dtMs under the limit in force now, and meter the energy. */
  stepDc(dtMs: number): DcStepResult {
    const limit = this.currentLimit();
    const result = this.requireDc().step(dtMs, { maxPowerW: limit.maxPowerW, maxCurrentA: limit.maxCurrentA, maxDischargePowerW: limit.maxDischargePowerW });
    this.meter.addEnergy(result.energyWh);
    return result;
  }

  /**
   * Advance AC by dtMs with the EV drawing `currentA` per phase on `phases`; the current is held
   * to what the EVSE offers (its breaker would trip otherwise). Meters the energy.
   */
  stepAc(dtMs: number, currentA: number, phases?: number): AcStepResult {
    if (!(dtMs >= 0) || !Number.isFinite(dtMs)) throw new RangeError(`stepAc(dtMs): dtMs must be a finite number ≥ 0, got ${dtMs}`);
    const { EVSENominalVoltage, EVSEMaxCurrent, phases: own } = this.acChargeParameter();
    const i = Math.min(Math.max(0, currentA), EVSEMaxCurrent);
    const powerW = EVSENominalVoltage * i * Math.min(own, phases ?? own);
    const energyWh = (powerW * dtMs) / 3_600_000;
    this.meter.addEnergy(energyWh);
    return { EVSEPresentCurrent: i, EVSEPresentActivePower: powerW, energyWh };
  }

  /**
   * ISO 15118-20 AC: meter dtMs at the active power the EV reports (EVPresentActivePower; negative
   * = discharge), held to what the EVSE allows: its maximum power, and its discharge maximum
   * (0 without AC_BPT). Returns the metered power and energy.
   */
  stepAcPower(dtMs: number, powerW: number): { powerW: number; energyWh: number } {
    if (!(dtMs >= 0) || !Number.isFinite(dtMs)) throw new RangeError(`stepAcPower(dtMs): dtMs must be a finite number ≥ 0, got ${dtMs}`);
    const p = this.acChargeParameter();
    const maxW = p.EVSEMaxCurrent * p.EVSENominalVoltage * p.phases;
    const maxDisW = this.acMaxDischargePowerW();
    const w = Math.max(-maxDisW, Math.min(maxW, Number.isFinite(powerW) ? powerW : 0));
    const energyWh = (w * dtMs) / 3_600_000;
    this.meter.addEnergy(energyWh);
    return { powerW: w, energyWh };
  }

  /** AC_BPT: EVSEMaximumDischargePower now, W (0 without discharge hardware). */
  acMaxDischargePowerW(at: number = this.clock.now()): number {
    const ac = this.requireAc();
    return Math.min(ac.maxDischargePowerW ?? 0, this.currentLimit(at).maxDischargePowerW ?? Infinity);
  }

  private hardwareMaxPowerW(energyTransfer: 'AC' | 'DC'): number {
    if (energyTransfer === 'DC') return this.requireDc().config.maxPowerW;
    const ac = this.requireAc();
    return ac.nominalVoltageV * ac.maxCurrentA * ac.phases;
  }

  private requireDc(): DcPowerStage {
    if (!this.dc) throw new RangeError('this EVSE has no DC output');
    return this.dc;
  }

  private requireAc(): Readonly<EvseAcConfig> {
    if (!this.ac) throw new RangeError('this EVSE has no AC output');
    return this.ac;
  }
}
