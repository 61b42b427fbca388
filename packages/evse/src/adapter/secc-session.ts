// What the ISO 15118-2 and -20 EVSE adapters share: the session in progress (started by whichever
// port call comes first), the driver's EIM authorisation and the backend's verdict, an operator
// stop, the DC power stage stepped by the sim time since its previous step, and the end of a
// session (meter what flowed, ramp the stage down, forget the session). Each adapter adds its
// protocol's port on top.
import type { Clock } from '../model/clock.js';
import type { DcPowerStage, DcStepResult } from '../model/dc-power-stage.js';
import type { EvseModel } from '../model/evse-model.js';
import type { LimitSource } from '../model/limits.js';
import type { AuthorizationRequest, SeccBackend } from './backend.js';

/**
 * The driver's authorisation. With EIM the EVSE decides; with Plug & Charge the SECC core checks
 * the contract and its signature first, then asks the same question (the backend's answer).
 * `auto` = at once (free charging, or the driver already tapped the card); `delay` = after
 * `delayMs` of wall-clock time from the session's first AuthorizationReq (it races the EV's
 * V2G_EVCC_Ongoing_Timeout, a wall-clock timer); `manual` = when the driver is authorised through
 * the process (the control API's authorize action).
 */
export type EimAuthorization = { mode: 'auto' } | { mode: 'delay'; delayMs: number } | { mode: 'manual' };

/** What the process sees of the session in progress. */
export type SeccEvseState = 'idle' | 'authorizing' | 'rejected' | 'authorized' | 'cable-check' | 'pre-charge' | 'charging' | 'stopping';

export interface SeccSessionBase {
  state: SeccEvseState;
  authorized: boolean;
  /** wall time of the first AuthorizationReq */
  authStartedAt?: number;
  /** the backend's verdict once final */
  verdict?: 'Accepted' | 'Rejected';
  stopRequested: boolean;
}

export interface SeccAdapterBaseOptions {
  authorization?: EimAuthorization;
  /** wall clock for the authorisation delay, ms. Default performance.now. */
  wallNow?: () => number;
  /** the backend (the OCPP station): its authorisation verdict and the EV's needs */
  backend?: SeccBackend;
}

/** sim time that surely covers the DC stage's ramp down of current, then of voltage */
const RAMP_DOWN_MS = 60_000;

export abstract class SeccAdapterBase<S extends SeccSessionBase> {
  /** the backend (OCPP station), settable after construction: the process wires it when it has one */
  backend: SeccBackend | undefined;
  protected session: S | undefined;
  /** the driver was authorised before the EV arrived: the next session starts authorised */
  private preAuthorized = false;
  private readonly auth: EimAuthorization;
  private readonly wallNow: () => number;
  /** sim time of the last DC power stage step / AC metering step */
  private lastDcAt: number | undefined;
  protected lastAcAt: number | undefined;

  protected constructor(
    readonly model: EvseModel,
    protected readonly clock: Clock,
    options: SeccAdapterBaseOptions,
  ) {
    this.auth = options.authorization ?? { mode: 'auto' };
    this.wallNow = options.wallNow ?? (() => performance.now());
    this.backend = options.backend;
  }

  /** the session in progress, or idle */
  get state(): SeccEvseState {
    return this.session?.state ?? 'idle';
  }

  get sessionActive(): boolean {
    return this.session !== undefined;
  }

  /** An authorisation held for the next session is withdrawn (the CSMS deauthorised the token). */
  revokePreAuthorization(): void {
    this.preAuthorized = false;
  }

  /** The operator stops the charge: the EV is told at the next status. false when no session is running. */
  stop(): boolean {
    if (!this.session) return false;
    this.session.stopRequested = true;
    return true;
  }

  /** The connection is over, however it ended: meter what flowed, open the contactors, forget the session. */
  endSession(): void {
    if (!this.session) return;
    this.meterAcNow();
    const stage = this.model.dc;
    if (stage && (stage.mode !== 'Off' || stage.presentPowerW !== 0 || stage.presentVoltageV > 0)) {
      // the stage ramps down now (current first, then the voltage), not during the next EV's cable check
      stage.stop();
      this.stepDc();
      this.model.stepDc(RAMP_DOWN_MS);
      this.model.stepDc(RAMP_DOWN_MS);
    }
    this.session = undefined;
  }

  /** A new session's state, authorised or not yet. */
  protected abstract newSession(authorized: boolean): S;

  /** AC: meter what the EV drew since the last metering step (when AC is running). */
  protected abstract meterAcNow(): void;

  /** EIM: the driver is authorised (card, app). Before the EV arrives it holds for the next session. */
  protected grantDriver(): void {
    if (this.session) this.session.authorized = true;
    else this.preAuthorized = true;
  }

  /** The session in progress, started by whichever port call comes first. */
  protected begin(): S {
    if (!this.session) {
      this.session = this.newSession(this.preAuthorized);
      this.preAuthorized = false;
      this.lastAcAt = undefined;
    }
    return this.session;
  }

  /**
   * One AuthorizationReq: the driver's authorisation (PnC: the core has checked the contract, so
   * it is authorised), then the backend's verdict (the CSMS's Authorize), Ongoing until it answers.
   */
  protected authorizationVerdict(s: S, request: AuthorizationRequest): 'Accepted' | 'Ongoing' | 'Rejected' {
    if (request.service === 'PnC') s.authorized = true;
    else if (!s.authorized) {
      if (this.auth.mode === 'auto') s.authorized = true;
      else if (this.auth.mode === 'delay') {
        s.authStartedAt ??= this.wallNow();
        if (this.wallNow() - s.authStartedAt >= this.auth.delayMs) s.authorized = true;
      }
    }
    if (!s.authorized) return 'Ongoing';
    if (!this.backend) return 'Accepted';
    const verdict = s.verdict ?? this.backend.verdict(request);
    if (verdict !== 'Ongoing') s.verdict = verdict;
    return verdict;
  }

  protected stage(): DcPowerStage {
    if (!this.model.dc) throw new RangeError('this EVSE has no DC output');
    return this.model.dc;
  }

  /** Step the DC power stage over the sim time since its previous step (meters the energy). */
  protected stepDc(): DcStepResult {
    const now = this.clock.now();
    const dt = this.lastDcAt === undefined ? 0 : Math.max(0, now - this.lastDcAt);
    this.lastDcAt = now;
    return this.model.stepDc(dt);
  }

  /** DC CableCheckReq: the stage starts its check (its sim time counts from here), then steps it. */
  protected cableCheckStep(): 'Finished' | 'Ongoing' {
    const s = this.begin();
    const stage = this.stage();
    s.state = 'cable-check';
    if (stage.mode !== 'CableCheck') {
      stage.startCableCheck();
      this.lastDcAt = this.clock.now();
    } else this.stepDc();
    return stage.cableCheck.EVSEProcessing;
  }

  /** DC PreChargeReq: the stage regulates toward the EV's target voltage; its present voltage. */
  protected preChargeStep(targetVoltage: number): number {
    this.begin().state = 'pre-charge';
    this.stage().preCharge(targetVoltage);
    return this.stepDc().EVSEPresentVoltage;
  }

  /** WeldingDetectionReq: the stage's present voltage while it ramps down (0 without DC). */
  protected weldingDetectionStep(): number {
    this.begin().state = 'stopping';
    if (!this.model.dc) return 0;
    return this.stepDc().EVSEPresentVoltage;
  }
}

/** the revision of a limit source (one that changes its limits counts them) */
export function revisionOf(source: LimitSource): number {
  return (source as Partial<{ revision: number }>).revision ?? 0;
}
