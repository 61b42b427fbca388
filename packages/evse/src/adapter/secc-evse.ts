// The EVSE as the SECC cores see it (SeccEvsePort: ISO 15118-2 and its DC subset DIN 70121), over
// the physical model: limits and the schedule come from the EvseModel and its limit source, the
// DC power stage is stepped by the sim time that passed since its previous call, and the meter is
// the model's. Authorisation (EIM), an operator stop and changed limits are the process's inputs.
import type { iso2 } from '@v2xsim/iso15118';
import type { Clock } from '../model/clock.js';
import type { EvseModel } from '../model/evse-model.js';
import type { LimitSource } from '../model/limits.js';
import type { SeccEvsePort } from '../secc/server.js';
import { revisionOf, SeccAdapterBase, type SeccAdapterBaseOptions, type SeccSessionBase } from './secc-session.js';

export type { EimAuthorization, SeccEvseState } from './secc-session.js';

type EnergyTransferMode = iso2.EnergyTransferMode;

export interface SeccEvseAdapterOptions extends SeccAdapterBaseOptions {
  /** EVSEID (ISO 15118-2 evseIDType; DIN sends it as hex) */
  evseId: string;
  /** offered in ServiceDiscoveryRes. Default: DC_extended and/or AC_three_phase_core, as the hardware has. */
  energyTransferModes?: readonly EnergyTransferMode[];
  /** offered in ServiceDiscoveryRes. Default ExternalPayment (EIM); Contract (Plug & Charge) needs the SECC server's pnc option. */
  paymentOptions?: readonly iso2.PaymentOption[];
}

interface SessionState extends SeccSessionBase {
  transfer?: 'AC' | 'DC';
  acPhases: number;
  /** EVMaxCurrent / EVMaximumCurrentLimit from ChargeParameterDiscoveryReq */
  evMaxCurrentA?: number;
  /** the limit source and its revision when the schedule was last offered */
  offered?: { source: LimitSource; revision: number };
  /** the backend refused the authorisation: the SECC answers FAILED (SeccServer) */
  rejected: boolean;
  /** AC: the EV draws current between PowerDelivery Start and Stop */
  acCharging: boolean;
  /** AC: the EAmount of the last ChargeParameterDiscoveryReq, and what was metered since, Wh */
  acRequestWh?: number;
  acMeteredWh: number;
}

const isAc = (mode: string): boolean => mode.startsWith('AC_');

export class SeccEvseAdapter extends SeccAdapterBase<SessionState> implements SeccEvsePort {
  readonly evseId: string;
  readonly energyTransferModes: readonly EnergyTransferMode[];
  readonly paymentOptions: readonly iso2.PaymentOption[];

  constructor(model: EvseModel, clock: Clock, options: SeccEvseAdapterOptions) {
    super(model, clock, options);
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
  }

  // --- what the process controls ------------------------------------------------------

  /** The backend refused this session's authorisation (the SECC answers FAILED and closes). */
  get authorizationRejected(): boolean {
    return this.session?.rejected === true;
  }

  /** EIM: the driver is authorised (card, app). Before the EV arrives it holds for the next session. */
  authorize(): void {
    this.grantDriver();
  }

  // --- SeccEvsePort --------------------------------------------------------------------

  authorization(): iso2.Processing {
    const s = this.begin();
    const verdict = this.authorizationVerdict(s, { service: 'EIM' });
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
    return this.cableCheckStep();
  }

  preCharge(targetVoltage: number, _targetCurrent: number): number {
    return this.preChargeStep(targetVoltage);
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
    return this.weldingDetectionStep();
  }

  meter(): { meterId: string; readingWh: number; timestamp: number } {
    const r = this.model.meter.read();
    return { meterId: r.meterId, readingWh: r.importedWh, timestamp: r.timestamp };
  }

  sessionStopped(_reason: 'Terminate' | 'Pause' | 'Error'): void {
    this.endSession();
  }

  // --- internals -----------------------------------------------------------------------

  protected newSession(authorized: boolean): SessionState {
    return { state: 'authorizing', authorized, acPhases: this.model.ac?.phases ?? 3, stopRequested: false, rejected: false, acCharging: false, acMeteredWh: 0 };
  }

  protected meterAcNow(): void {
    this.integrateAc();
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
