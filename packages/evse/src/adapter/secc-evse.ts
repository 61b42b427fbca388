// The EVSE as the SECC cores see it (SeccEvsePort: ISO 15118-2 and its DC subset DIN 70121), over
// the physical model: limits and the schedule come from the EvseModel and its limit source, the
// DC power stage is stepped by the sim time that passed since its previous call, and the meter is
// the model's. Authorisation (EIM), an operator stop and changed limits are the process's inputs.
import type { iso2 } from '@v2xsim/iso15118';
import type { Clock } from '../model/clock.js';
import type { DcPowerStage, DcStepResult } from '../model/dc-power-stage.js';
import type { EvseModel } from '../model/evse-model.js';
import type { LimitSource } from '../model/limits.js';
import type { SeccEvsePort } from '../secc/server.js';
import type { SeccBackend } from './backend.js';

type EnergyTransferMode = iso2.EnergyTransferMode;

/**
 * The driver's authorisation. With EIM the EVSE decides; with Plug & Charge the SECC core checks
 * the contract and its signature first, then asks the same question (the backend's answer).
 * `auto` = at once (free charging, or the driver already tapped the card); `delay` = after
 * `delayMs` of wall-clock time from the session's first AuthorizationReq (it races the EV's
 * V2G_EVCC_Ongoing_Timeout, a wall-clock timer); `manual` = when authorize() is called (the
 * control API's authorize action).
 */
export type EimAuthorization = { mode: 'auto' } | { mode: 'delay'; delayMs: number } | { mode: 'manual' };

export interface SeccEvseAdapterOptions {
  /** EVSEID (ISO 15118-2 evseIDType; DIN sends it as hex) */
  evseId: string;
  /** offered in ServiceDiscoveryRes. Default: DC_extended and/or AC_three_phase_core, as the hardware has. */
  energyTransferModes?: readonly EnergyTransferMode[];
  authorization?: EimAuthorization;
  /** offered in ServiceDiscoveryRes. Default ExternalPayment (EIM); Contract (Plug & Charge) needs the SECC server's pnc option. */
  paymentOptions?: readonly iso2.PaymentOption[];
  /** wall clock for the authorisation delay, ms. Default performance.now. */
  wallNow?: () => number;
  /** the backend (the OCPP station): its authorisation verdict and the EV's needs */
  backend?: SeccBackend;
}

/** What the process sees of the session in progress. */
export type SeccEvseState = 'idle' | 'authorizing' | 'rejected' | 'authorized' | 'cable-check' | 'pre-charge' | 'charging' | 'stopping';

interface SessionState {
  state: SeccEvseState;
  authorized: boolean;
  /** wall time of the first AuthorizationReq */
  authStartedAt?: number;
  transfer?: 'AC' | 'DC';
  acPhases: number;
  /** EVMaxCurrent / EVMaximumCurrentLimit from ChargeParameterDiscoveryReq */
  evMaxCurrentA?: number;
  /** the limit source and its revision when the schedule was last offered */
  offered?: { source: LimitSource; revision: number };
  stopRequested: boolean;
  /** the backend's verdict once final */
  verdict?: 'Accepted' | 'Rejected';
  /** the backend refused the authorisation: the SECC answers FAILED (SeccServer) */
  rejected: boolean;
  /** AC: the EV draws current between PowerDelivery Start and Stop */
  acCharging: boolean;
  /** AC: the EAmount of the last ChargeParameterDiscoveryReq, and what was metered since, Wh */
  acRequestWh?: number;
  acMeteredWh: number;
}

const isAc = (mode: string): boolean => mode.startsWith('AC_');
/** sim time that surely covers the DC stage's ramp down of current, then of voltage */
const RAMP_DOWN_MS = 60_000;

export class SeccEvseAdapter implements SeccEvsePort {
  readonly evseId: string;
  readonly energyTransferModes: readonly EnergyTransferMode[];
  readonly paymentOptions: readonly iso2.PaymentOption[];
  private readonly auth: EimAuthorization;
  private readonly wallNow: () => number;
  /** the backend (OCPP station), settable after construction: the process wires it when it has one */
  backend: SeccBackend | undefined;
  private session: SessionState | undefined;
  /** authorize() before the EV arrived: the next session starts authorised */
  private preAuthorized = false;
  /** sim time of the last DC power stage step / AC metering step */
  private lastDcAt: number | undefined;
  private lastAcAt: number | undefined;

  constructor(
    readonly model: EvseModel,
    private readonly clock: Clock,
    options: SeccEvseAdapterOptions,
  ) {
    this.evseId = options.evseId;
    const modes: EnergyTransferMode[] = [];
    if (model.dc) modes.push('DC_extended');
    if (model.ac) modes.push(model.ac.phases === 1 ? 'AC_single_phase_core' : 'AC_three_phase_core');
    this.energyTransferModes = [...(options.energyTransferModes ?? modes)];
    for (const m of this.energyTransferModes) {
      if (isAc(m) ? !model.ac : !model.dc) throw new RangeError(`energy transfer mode ${m} needs an ${isAc(m) ? 'ac' : 'dc'} section in the EVSE's hardware`);
    }
    this.paymentOptions = [...(options.paymentOptions ?? ['ExternalPayment'])];
    if (this.paymentOptions.length === 0) throw new RangeError('an EVSE needs at least one payment option');
    this.auth = options.authorization ?? { mode: 'auto' };
    this.wallNow = options.wallNow ?? (() => performance.now());
    this.backend = options.backend;
  }

  // --- what the process controls ------------------------------------------------------

  /** the session in progress, or idle */
  get state(): SeccEvseState {
    return this.session?.state ?? 'idle';
  }

  get sessionActive(): boolean {
    return this.session !== undefined;
  }

  /** The backend refused this session's authorisation (the SECC answers FAILED and closes). */
  get authorizationRejected(): boolean {
    return this.session?.rejected === true;
  }

  /** EIM: the driver is authorised (card, app). Before the EV arrives it holds for the next session. */
  authorize(): void {
    if (this.session) this.session.authorized = true;
    else this.preAuthorized = true;
  }

  /** An authorisation held for the next session is withdrawn (the CSMS deauthorised the token). */
  revokePreAuthorization(): void {
    this.preAuthorized = false;
  }

  /** The operator stops the charge: StopCharging in the next status. false when no session is running. */
  stop(): boolean {
    if (!this.session) return false;
    this.session.stopRequested = true;
    return true;
  }

  /** The connection is over, however it ended: open the contactors, forget the session. */
  endSession(): void {
    if (!this.session) return;
    this.integrateAc();
    const stage = this.model.dc;
    if (stage && (stage.mode !== 'Off' || stage.presentPowerW > 0 || stage.presentVoltageV > 0)) {
      // the stage ramps down now (current first, then the voltage), not during the next EV's cable check
      stage.stop();
      this.stepDc();
      this.model.stepDc(RAMP_DOWN_MS);
      this.model.stepDc(RAMP_DOWN_MS);
    }
    this.session = undefined;
  }

  // --- SeccEvsePort --------------------------------------------------------------------

  authorization(): iso2.Processing {
    const s = this.begin();
    if (!s.authorized) {
      if (this.auth.mode === 'auto') s.authorized = true;
      else if (this.auth.mode === 'delay') {
        s.authStartedAt ??= this.wallNow();
        if (this.wallNow() - s.authStartedAt >= this.auth.delayMs) s.authorized = true;
      }
    }
    // then the backend (the CSMS's Authorize), Ongoing until it answers
    let verdict: 'Accepted' | 'Ongoing' | 'Rejected' = 'Accepted';
    if (s.authorized && this.backend) {
      verdict = s.verdict ?? this.backend.verdict({ service: 'EIM' });
      if (verdict !== 'Ongoing') s.verdict = verdict;
    }
    if (verdict === 'Rejected') s.rejected = true;
    const done = s.authorized && verdict === 'Accepted';
    s.state = s.rejected ? 'rejected' : done ? 'authorized' : 'authorizing';
    return done ? 'Finished' : 'Ongoing';
  }

  /** The PMaxSchedule from now on (t = 0 is now), from the limit source, capped by the hardware. */
  schedule(needs: Omit<iso2.EvChargeNeeds, 'raw'>): iso2.PMaxEntry[] {
    const s = this.begin();
    const source = this.model.limitSource;
    const now = this.clock.now();
    // a static schedule starts with the session's first ChargeParameterDiscovery, not at a renegotiation
    if (!s.offered) (source as LimitSource & { restartSchedule?: (t: number) => void }).restartSchedule?.(now);
    s.transfer = isAc(needs.transferMode) ? 'AC' : 'DC';
    s.acPhases = needs.transferMode === 'AC_single_phase_core' ? 1 : (this.model.ac?.phases ?? 3);
    s.evMaxCurrentA = needs.maxCurrentA;
    s.acRequestWh = needs.energyRequestWh;
    s.acMeteredWh = 0;
    s.offered = { source, revision: revisionOf(source) };
    this.backend?.chargeNeeds2?.(needs);
    return this.model.pMaxSchedule({ at: now, energyTransfer: s.transfer }).map((e) => ({ startS: e.startS, pMaxW: e.pMaxW, ...(e.durationS !== undefined ? { durationS: e.durationS } : {}) }));
  }

  acLimits(): iso2.EvseLimitsAc {
    const p = this.model.acChargeParameter();
    return { nominalVoltage: p.EVSENominalVoltage, maxCurrent: p.EVSEMaxCurrent };
  }

  dcLimits(): iso2.EvseLimitsDc {
    const p = this.model.dcChargeParameter();
    return {
      maxVoltage: p.EVSEMaximumVoltageLimit,
      minVoltage: p.EVSEMinimumVoltageLimit,
      maxCurrent: p.EVSEMaximumCurrentLimit,
      minCurrent: p.EVSEMinimumCurrentLimit,
      maxPower: p.EVSEMaximumPowerLimit,
      peakCurrentRipple: p.EVSEPeakCurrentRipple,
      ...(p.EVSECurrentRegulationTolerance !== undefined ? { currentRegulationTolerance: p.EVSECurrentRegulationTolerance } : {}),
      ...(p.EVSEEnergyToBeDelivered !== undefined ? { energyToBeDelivered: p.EVSEEnergyToBeDelivered } : {}),
    };
  }

  notification(): 'None' | 'StopCharging' | 'ReNegotiation' {
    const s = this.session;
    if (!s) return 'None';
    if (s.stopRequested) return 'StopCharging';
    const source = this.model.limitSource;
    if (s.offered && (s.offered.source !== source || s.offered.revision !== revisionOf(source))) return 'ReNegotiation';
    return 'None';
  }

  cableCheck(): iso2.Processing {
    const s = this.begin();
    const stage = this.stage();
    s.state = 'cable-check';
    if (stage.mode !== 'CableCheck') {
      stage.startCableCheck();
      this.lastDcAt = this.clock.now();
    } else this.stepDc();
    return stage.cableCheck.EVSEProcessing;
  }

  preCharge(targetVoltage: number, _targetCurrent: number): number {
    const s = this.begin();
    s.state = 'pre-charge';
    this.stage().preCharge(targetVoltage);
    return this.stepDc().EVSEPresentVoltage;
  }

  powerDelivery(progress: 'Start' | 'Stop' | 'Renegotiate', transferMode: EnergyTransferMode): boolean {
    const s = this.begin();
    const ac = isAc(transferMode);
    if (ac) this.integrateAc();
    else if (this.model.dc && this.model.dc.mode !== 'Off') this.stepDc();
    if (progress === 'Stop') {
      s.state = 'stopping';
      s.acCharging = false;
      if (!ac) this.model.dc?.stop();
      return true;
    }
    s.state = 'charging';
    if (ac) {
      // metering runs from here (a renegotiation's time was metered by integrateAc above)
      s.acCharging = true;
      this.lastAcAt = this.clock.now();
    }
    return true;
  }

  /**
   * CurrentDemandReq: the time since the previous request ran at the previous target (the stage
   * ramps toward it); the present values are where that left the output, and the new target
   * applies from now on. So the meter and the EV count the same current over the same time.
   */
  currentDemand(demand: Omit<iso2.DcDemand, 'raw'>): iso2.DcOutput {
    const s = this.begin();
    s.state = 'charging';
    const stage = this.stage();
    // the first request of the loop: the contactors just closed, the stage leaves pre-charge at once
    if (stage.mode !== 'CurrentDemand') stage.currentDemand(demand.targetVoltage, demand.targetCurrent);
    const r = this.stepDc();
    stage.currentDemand(demand.targetVoltage, demand.targetCurrent);
    return {
      presentVoltage: r.EVSEPresentVoltage,
      presentCurrent: r.EVSEPresentCurrent,
      currentLimitAchieved: r.EVSECurrentLimitAchieved,
      voltageLimitAchieved: r.EVSEVoltageLimitAchieved,
      powerLimitAchieved: r.EVSEPowerLimitAchieved,
    };
  }

  /** AC: meters what the EV drew since the last status and offers the present max current. */
  chargingStatus(): { maxCurrent?: number } {
    this.begin().state = 'charging';
    this.integrateAc();
    return { maxCurrent: this.model.acChargeParameter().EVSEMaxCurrent };
  }

  weldingDetection(): number {
    this.begin().state = 'stopping';
    if (!this.model.dc) return 0;
    return this.stepDc().EVSEPresentVoltage;
  }

  meter(): { meterId: string; readingWh: number; timestamp: number } {
    const r = this.model.meter.read();
    return { meterId: r.meterId, readingWh: r.importedWh, timestamp: r.timestamp };
  }

  sessionStopped(_reason: 'Terminate' | 'Pause' | 'Error'): void {
    this.endSession();
  }

  // --- internals -----------------------------------------------------------------------

  /** The session in progress, started by whichever port call comes first. */
  private begin(): SessionState {
    if (!this.session) {
      this.session = { state: 'authorizing', authorized: this.preAuthorized, acPhases: this.model.ac?.phases ?? 3, stopRequested: false, rejected: false, acCharging: false, acMeteredWh: 0 };
      this.preAuthorized = false;
      this.lastAcAt = undefined;
    }
    return this.session;
  }

  private stage(): DcPowerStage {
    if (!this.model.dc) throw new RangeError('this EVSE has no DC output');
    return this.model.dc;
  }

  /** Step the DC power stage over the sim time since its previous step (meters the energy). */
  private stepDc(): DcStepResult {
    const now = this.clock.now();
    const dt = this.lastDcAt === undefined ? 0 : Math.max(0, now - this.lastDcAt);
    this.lastDcAt = now;
    return this.model.stepDc(dt);
  }

  /**
   * AC: meter the energy since the last step. The EVSE cannot see what the on-board charger
   * draws (no side channel yet), so it assumes the EV takes what is offered, within the
   * EVMaxCurrent it announced, until it has had the energy it asked for (EAmount).
   */
  private integrateAc(): void {
    const s = this.session;
    if (!s?.acCharging || !this.model.ac) return;
    const now = this.clock.now();
    let dt = this.lastAcAt === undefined ? 0 : Math.max(0, now - this.lastAcAt);
    this.lastAcAt = now;
    const currentA = Math.min(this.model.acChargeParameter().EVSEMaxCurrent, s.evMaxCurrentA ?? Infinity);
    const powerW = currentA * this.model.ac.nominalVoltageV * Math.min(s.acPhases, this.model.ac.phases);
    if (s.acRequestWh !== undefined && powerW > 0) dt = Math.min(dt, (Math.max(0, s.acRequestWh - s.acMeteredWh) / powerW) * 3_600_000);
    if (dt === 0) return;
    s.acMeteredWh += this.model.stepAc(dt, currentA, s.acPhases).energyWh;
  }
}

function revisionOf(source: LimitSource): number {
  return (source as Partial<{ revision: number }>).revision ?? 0;
}
