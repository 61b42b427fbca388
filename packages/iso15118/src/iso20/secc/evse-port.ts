// What the -20 SECC needs from the EVSE behind it. SI units (W, A, V, Wh, s); limits are positive
// numbers; a negative current or power is a discharge (energy from the EV to the grid).
import type { AcConnector, ControlMode, DcConnector, EnergyService, MeterInfo, MobilityNeedsMode, Pricing, Messages } from '../messages.js';
import type { PriceSchedule20, ScheduleTuple20 } from '../schedules.js';

export interface EvseLimitsDc20 {
  maxVoltage: number;
  minVoltage: number;
  maxCurrent: number;
  minCurrent: number;
  maxPower: number;
  minPower?: number;
  powerRampLimitation?: number;
  /** DC_BPT: discharge limits (positive numbers, W and A) */
  maxDischargePower?: number;
  minDischargePower?: number;
  maxDischargeCurrent?: number;
  minDischargeCurrent?: number;
}

export interface EvseLimitsAc20 {
  /** the EVSENominalVoltage parameter of ServiceDetail, V */
  nominalVoltage: number;
  /** Hz */
  nominalFrequency: number;
  /** W, all phases together */
  maxChargePower: number;
  minChargePower?: number;
  /** AC_BPT, W */
  maxDischargePower?: number;
  minDischargePower?: number;
}

/** The EV's limits from *_ChargeParameterDiscoveryReq (BPT fields under AC_BPT/DC_BPT). */
export interface EvLimits20 {
  service: EnergyService;
  maxChargePower: number;
  minChargePower: number;
  /** DC only */
  maxChargeCurrent?: number;
  minChargeCurrent?: number;
  maxVoltage?: number;
  minVoltage?: number;
  targetSoc?: number;
  /** BPT */
  maxDischargePower?: number;
  minDischargePower?: number;
  maxDischargeCurrent?: number;
  minDischargeCurrent?: number;
  /** SCALE -20 (D2.3 §9.2), only with an `-scale` protocol: V2X energy budget left, Wh */
  remainingV2GEnergyWh?: number;
  /** SCALE -20: round-trip efficiency, ratio 0..1 */
  roundTripEfficiency?: number;
}

/** What ScheduleExchangeReq asks for, with the EV's limits of ChargeParameterDiscovery. */
export interface ScheduleRequest20 {
  service: EnergyService;
  controlMode: ControlMode;
  ev: EvLimits20;
  /** the schedule is asked again after PowerDelivery(ScheduleRenegotiation) */
  renegotiation: boolean;
  maximumSupportingPoints: number;
  departureTimeS?: number;
  minimumSoc?: number;
  targetSoc?: number;
  targetEnergyWh?: number;
  maxEnergyWh?: number;
  minEnergyWh?: number;
  /** Dynamic BPT: energy the EV may take (max) and must keep (min, may be negative = it may give) */
  maxV2XEnergyWh?: number;
  minV2XEnergyWh?: number;
  raw: Messages['ScheduleExchangeReq'];
}

/** The EVSE's answer to ScheduleExchange: schedules (Scheduled) or targets and prices (Dynamic). */
export type ScheduleOffer20 =
  | { controlMode: 'Scheduled'; tuples: ScheduleTuple20[] }
  | { controlMode: 'Dynamic'; departureTimeS?: number; minimumSoc?: number; targetSoc?: number; price?: PriceSchedule20 };

/** One DC_ChargeLoopReq as the EVSE sees it. Scheduled: the EV's target; Dynamic: its limits and needs. */
export interface DcLoopDemand {
  controlMode: ControlMode;
  bpt: boolean;
  /** PowerDelivery(Standby): keep the session, transfer no energy */
  standby: boolean;
  presentVoltage: number;
  /** Scheduled: the EV's target current (negative = discharge) and voltage */
  targetCurrent?: number;
  targetVoltage?: number;
  /** Dynamic (Scheduled: if sent): positive limits */
  maxChargePower?: number;
  minChargePower?: number;
  maxChargeCurrent?: number;
  maxVoltage?: number;
  minVoltage?: number;
  maxDischargePower?: number;
  minDischargePower?: number;
  maxDischargeCurrent?: number;
  targetEnergyWh?: number;
  maxEnergyWh?: number;
  minEnergyWh?: number;
  maxV2XEnergyWh?: number;
  minV2XEnergyWh?: number;
  departureTimeS?: number;
  soc?: number;
  raw: Messages['DC_ChargeLoopReq'];
}

export interface DcOutput20 {
  presentVoltage: number;
  /** A; negative = discharge */
  presentCurrent: number;
  currentLimitAchieved: boolean;
  voltageLimitAchieved: boolean;
  powerLimitAchieved: boolean;
}

/** One AC_ChargeLoopReq as the EVSE sees it. */
export interface AcLoopDemand {
  controlMode: ControlMode;
  bpt: boolean;
  standby: boolean;
  /** W the EV draws now (negative = it feeds back) */
  presentActivePower: number;
  presentReactivePower?: number;
  maxChargePower?: number;
  minChargePower?: number;
  maxDischargePower?: number;
  minDischargePower?: number;
  targetEnergyWh?: number;
  maxEnergyWh?: number;
  minEnergyWh?: number;
  maxV2XEnergyWh?: number;
  minV2XEnergyWh?: number;
  departureTimeS?: number;
  soc?: number;
  raw: Messages['AC_ChargeLoopReq'];
}

export interface AcOutput20 {
  /** W the EVSE asks the EV to draw (negative = discharge). Required in Dynamic mode. */
  targetActivePower?: number;
  targetReactivePower?: number;
  /** W the EVSE measures (EVSEPresentActivePower; SCALE D2.3 §9.2 relies on it) */
  presentActivePower?: number;
}

/** What the charge loop response tells the EV to do (EVSEStatus/EVSENotification). */
export type EvseNotification20 = 'None' | 'Terminate' | 'Pause' | 'ScheduleRenegotiation' | 'ExitStandby' | 'MeteringConfirmation';

export type AuthorizationRequest20 =
  | { service: 'EIM' }
  | { service: 'PnC'; emaid: string; contractCertPem: string; subCaPems: string[] };

/** The metering data the EV signed (MeteringConfirmationReq). */
export interface MeteringConfirmation20 {
  meterInfo: MeterInfo;
  /** PnC: the signature was checked against the contract certificate */
  signatureVerified: boolean;
  raw: Messages['MeteringConfirmationReq'];
}

export interface SeccEvse20 {
  readonly evseId: string;
  /** energy transfer services offered; those of the negotiated namespace (AC or DC) are used */
  readonly services: readonly EnergyService[];
  /** control modes offered: one ServiceDetail parameter set each */
  readonly controlModes: readonly ControlMode[];
  /** authorization services offered (PnC only when the session has Secc20Pnc); default ['PnC', 'EIM'] */
  readonly authorizationServices?: readonly ('EIM' | 'PnC')[];
  /** ServiceDetail parameters; defaults: ThreePhase, Extended, ProvidedByEvcc, None */
  readonly acConnector?: AcConnector;
  readonly dcConnector?: DcConnector;
  readonly mobilityNeedsMode?: MobilityNeedsMode;
  readonly pricing?: Pricing;
  /** PowerDelivery(Standby) accepted (else WARNING_StandbyNotAllowed); default true */
  readonly standbyAllowed?: boolean;
  /** s the EV has to act on a notification (NotificationMaxDelay); default 0 */
  readonly notificationMaxDelayS?: number;

  /** EIM: the driver authorised at the EVSE; PnC: the backend accepted the contract */
  authorize(request: AuthorizationRequest20): 'Accepted' | 'Ongoing' | 'Rejected';
  acLimits(): EvseLimitsAc20;
  dcLimits(): EvseLimitsDc20;
  /** the EV's limits, as soon as *_ChargeParameterDiscoveryReq brings them */
  evParameters?(ev: EvLimits20): void;
  /** the schedules (Scheduled) or targets (Dynamic) for the EV's needs; 'Ongoing' while the backend works */
  scheduleExchange(request: ScheduleRequest20): ScheduleOffer20 | 'Ongoing';
  cableCheck(): 'Finished' | 'Ongoing';
  /** the present voltage while pre-charging to `targetVoltage` */
  preCharge(targetVoltage: number): number;
  /** close/open the contactors or enter standby; false if that failed (FAILED_PowerDeliveryNotApplied) */
  powerDelivery(progress: 'Start' | 'Stop' | 'Standby' | 'ScheduleRenegotiation', info: { channel?: 'Charge' | 'Discharge'; profile?: { durationS: number; powerW: number }[] }): boolean;
  dcChargeLoop(demand: DcLoopDemand): DcOutput20;
  acChargeLoop(demand: AcLoopDemand): AcOutput20;
  /** the notification for the current charge loop response */
  notification(): EvseNotification20;
  weldingDetection(): number;
  meter(): { meterId: string; importedWh: number; exportedWh: number };
  /** MeteringConfirmationReq received (after EVSENotification MeteringConfirmation) */
  meteringConfirmation?(m: MeteringConfirmation20): void;
  sessionStopped(reason: 'Terminate' | 'Pause' | 'Error'): void;
}
