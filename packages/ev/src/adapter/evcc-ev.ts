// The EV as the EVCC cores see it (iso2.EvccEv, and its DC subset din.EvccEv), over the physical
// model: charge parameters and the driver's needs come from the EvModel, the schedule the EVSE
// gives goes to it, and what the EVSE delivers is integrated over the sim time that passed since
// the previous charge-loop cycle. Protocol timers stay on the wall clock (the EVCC client); only
// energy, SoC and departure run on the sim clock.
import type { iso2 } from '@v2xsim/iso15118';
import type { Clock } from '@v2xsim/process';
import type { EvModel } from '../model/ev-model.js';
import type { PMaxScheduleEntry } from '../model/schedule.js';

type EnergyTransferMode = iso2.EnergyTransferMode;

/** Why the EV wants to stop, besides a full battery: the driver pressed stop, or pulled the plug. */
export type EvStopReason = 'driver' | 'unplugged' | 'departure' | 'charging-complete';

export interface EvccEvAdapterOptions {
  /** EVCCID: the EV's MAC address, 12 hex digits. Default 02005600a1b2 (locally administered). */
  evccId?: string;
  /** the mode asked for in ChargeParameterDiscoveryReq. Default DC_extended with a DC section, else AC_three_phase_core. */
  energyTransferMode?: EnergyTransferMode;
  /** AC: the grid's phase-to-neutral voltage, V (ISO 15118-2 gives the EV no EVSENominalVoltage in the loop). Default 230. */
  acNominalVoltageV?: number;
  /** how the session ends. Default Terminate. */
  stopMode?: 'Terminate' | 'Pause';
}

export const DEFAULT_EVCC_ID = '02005600a1b2';
const DEFAULT_AC_NOMINAL_VOLTAGE_V = 230;

export const isAcMode = (mode: string): boolean => mode.startsWith('AC_');

/** Phases an AC energy transfer mode uses (ISO 15118-2: single- or three-phase core). */
export function acModePhases(mode: string): 1 | 3 {
  return mode === 'AC_single_phase_core' ? 1 : 3;
}

export class EvccEvAdapter implements iso2.EvccEv {
  readonly evccId: string;
  readonly energyTransferMode: EnergyTransferMode;
  private readonly acNominalVoltageV: number;
  private readonly stopWith: 'Terminate' | 'Pause';
  /** sim time of the last charge-loop integration; undefined before the loop's first response */
  private lastStepAt: number | undefined;
  private stopRequest: 'driver' | 'unplugged' | undefined;
  /** AC: the EVSE's max current per phase from the last ChargingStatusRes */
  private evseMaxCurrentA: number | undefined;
  private cycles = 0;
  /** DC: the present voltage and current of the last CurrentDemandRes: what flows until the next request */
  private lastOutput: { voltageV: number; currentA: number } | undefined;
  /** DC: the EV has asked to stop; nothing more is counted (the EVSE ramps down) */
  private dcStopped = false;

  constructor(
    readonly model: EvModel,
    private readonly clock: Clock,
    options: EvccEvAdapterOptions = {},
  ) {
    const evccId = (options.evccId ?? DEFAULT_EVCC_ID).toLowerCase();
    if (!/^[0-9a-f]{12}$/.test(evccId)) throw new RangeError(`EVCCID must be 12 hex digits (a MAC address), got ${options.evccId}`);
    this.evccId = evccId;
    this.energyTransferMode = options.energyTransferMode ?? (model.dc ? 'DC_extended' : 'AC_three_phase_core');
    // throws when the EV has no such section
    model.setEnergyTransfer(isAcMode(this.energyTransferMode) ? 'AC' : 'DC');
    this.acNominalVoltageV = options.acNominalVoltageV ?? DEFAULT_AC_NOMINAL_VOLTAGE_V;
    this.stopWith = options.stopMode ?? 'Terminate';
  }

  // --- what the process controls ------------------------------------------------------

  /** A new session on the same EV (the model keeps its SoC): forget the last one's loop state. */
  beginSession(): void {
    this.lastStepAt = undefined;
    this.evseMaxCurrentA = undefined;
    this.cycles = 0;
    this.lastOutput = undefined;
    this.dcStopped = false;
    if (this.stopRequest === 'driver') this.stopRequest = undefined;
  }

  /** The driver presses stop, or unplugs: the EV ends the charge loop at the next cycle. */
  requestStop(reason: 'driver' | 'unplugged'): void {
    if (this.stopRequest !== 'unplugged') this.stopRequest = reason;
  }

  get unplugged(): boolean {
    return this.stopRequest === 'unplugged';
  }

  /** charge-loop cycles (CurrentDemand / ChargingStatus responses) in this session */
  get loopCycles(): number {
    return this.cycles;
  }

  /** Why the EV wants to stop now, if it does. */
  stopReason(): EvStopReason | undefined {
    if (this.stopRequest) return this.stopRequest;
    const departure = this.model.needs.departureTime;
    if (departure !== undefined && this.clock.now() >= departure) return 'departure';
    if (this.model.chargingComplete) return 'charging-complete';
    return undefined;
  }

  // --- iso2.EvccEv ---------------------------------------------------------------------

  chargeParameters(): iso2.EvChargeParameters {
    const m = this.model;
    const r = m.energyRequests();
    const needs = m.needs;
    const scale = { maxEnergyRequestWh: r.EVMaximumEnergyRequest, minEnergyRequestWh: r.EVMinimumEnergyRequest, maxSoc: needs.maximumSoc, minSoc: needs.minimumSoc };
    if (isAcMode(this.energyTransferMode)) {
      const p = m.acChargeParameter();
      return {
        departureTimeS: p.DepartureTime,
        energyRequestWh: p.EAmount,
        maxVoltage: p.EVMaxVoltage,
        maxCurrent: p.EVMaxCurrent,
        minCurrent: p.EVMinCurrent,
        maxPower: m.maxChargePowerW(m.soc, this.acLimits()),
        energyCapacityWh: m.battery.capacityWh,
        soc: m.soc,
        fullSoc: m.stopSoc,
        bulkSoc: m.bulkSoc,
        scale,
      };
    }
    const p = m.dcChargeParameter();
    return {
      departureTimeS: p.DepartureTime,
      energyRequestWh: p.EVEnergyRequest,
      maxVoltage: p.EVMaximumVoltageLimit,
      maxCurrent: p.EVMaximumCurrentLimit,
      minCurrent: 0,
      maxPower: p.EVMaximumPowerLimit,
      energyCapacityWh: p.EVEnergyCapacity,
      soc: p.EVRESSSOC,
      fullSoc: p.FullSOC,
      bulkSoc: p.BulkSOC,
      scale,
    };
  }

  /** The SAScheduleTuple's PMaxSchedule; t = 0 is now (ISO 15118-2 schedules are relative to the response). */
  schedule(entries: { startS: number; pMaxW: number }[]): void {
    const sorted: PMaxScheduleEntry[] = [];
    for (const e of [...entries].sort((a, b) => a.startS - b.startS)) {
      // a peer may repeat a start time; the later entry wins
      if (sorted.length > 0 && sorted[sorted.length - 1].startS === e.startS) sorted.pop();
      sorted.push({ startS: Math.max(0, e.startS), pMaxW: Math.max(0, e.pMaxW) });
    }
    try {
      this.model.followSchedule(sorted);
    } catch {
      // an unusable schedule (empty, not finite): charge within the EVSE's limits only
      this.model.clearSchedule();
    }
    // AC: the EVSE meters from PowerDelivery(Start), which follows at once; count from here too
    if (isAcMode(this.energyTransferMode)) this.lastStepAt ??= this.clock.now();
  }

  preChargeTarget(): { voltage: number; current: number } {
    // DC: the first CurrentDemand step counts from the last pre-charge poll, as the EVSE's does
    if (this.cycles === 0) this.lastStepAt = this.clock.now();
    const p = this.model.preCharge();
    return { voltage: p.EVTargetVoltage, current: p.EVTargetCurrent };
  }

  /**
   * The values of the next DC request. Called when the EV builds one, which is also when the
   * current of the last CurrentDemandRes has flowed through the pause between cycles: that is
   * counted here, up to the request (and for the last time when the request is PowerDelivery Stop).
   */
  dcRequest(): iso2.EvDcRequest {
    if (this.lastOutput && !this.dcStopped) {
      const dt = this.elapsedSimMs();
      if (dt > 0) this.model.step(dt, this.lastOutput);
      if (this.wantsToStop()) this.dcStopped = true;
    }
    const d = this.model.currentDemand();
    return {
      targetVoltage: d.EVTargetVoltage,
      targetCurrent: d.EVTargetCurrent,
      maxVoltage: d.EVMaximumVoltageLimit,
      maxCurrent: d.EVMaximumCurrentLimit,
      maxPower: d.EVMaximumPowerLimit,
      soc: d.EVRESSSOC,
      chargingComplete: d.ChargingComplete,
      bulkChargingComplete: d.BulkChargingComplete,
      remainingTimeToFullSocS: d.RemainingTimeToFullSoC,
      remainingTimeToBulkSocS: d.RemainingTimeToBulkSoC,
    };
  }

  /** CurrentDemandRes: the EVSE drives this current at this voltage: it flowed since the request, and flows on. */
  dcOutput(presentVoltage: number, presentCurrent: number): void {
    this.cycles++;
    this.lastOutput = { voltageV: presentVoltage, currentA: presentCurrent };
    const dt = this.elapsedSimMs();
    if (dt > 0) this.model.step(dt, this.lastOutput);
  }

  /** ChargingStatusRes: the on-board charger drew what it asks for within the EVSE's max current. */
  acStatus(maxCurrent: number | undefined): void {
    this.cycles++;
    if (maxCurrent !== undefined) this.evseMaxCurrentA = maxCurrent;
    const dt = this.elapsedSimMs();
    if (dt <= 0) return;
    const limits = this.acLimits();
    const currentA = this.model.requestedAcCurrentA(limits);
    this.model.step(dt, { voltageV: this.acNominalVoltageV, currentA, phases: limits.phases });
  }

  wantsToStop(): boolean {
    return this.stopReason() !== undefined;
  }

  /** The driver's needs changed since the last schedule: renegotiate once (then acknowledged). */
  wantsRenegotiation(): boolean {
    if (!this.model.needsChanged) return false;
    this.model.acknowledgeNeedsChanged();
    return true;
  }

  stopMode(): 'Terminate' | 'Pause' {
    return this.stopWith;
  }

  // --- internals -----------------------------------------------------------------------

  private acLimits(): { maxCurrentA?: number; nominalVoltageV: number; phases: number } {
    return {
      ...(this.evseMaxCurrentA !== undefined ? { maxCurrentA: this.evseMaxCurrentA } : {}),
      nominalVoltageV: this.acNominalVoltageV,
      phases: acModePhases(this.energyTransferMode),
    };
  }

  /** Sim ms since the previous charge-loop cycle (or the end of pre-charge / the schedule, before the first). */
  private elapsedSimMs(): number {
    const now = this.clock.now();
    const last = this.lastStepAt;
    this.lastStepAt = now;
    return last === undefined ? 0 : Math.max(0, now - last);
  }
}
