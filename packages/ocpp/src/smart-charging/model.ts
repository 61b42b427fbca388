// A version-independent model of OCPP charging profiles (1.6 §3.13, 2.0.1/2.1 Part 2 chapter K
// and "Charging profiles"). 1.6's ChargePointMaxProfile is ChargingStationMaxProfile here; times
// are epoch milliseconds; everything else keeps the protocol's own names.
import type * as v21 from '../generated/types21.js';

export type ChargingProfilePurpose =
  | 'ChargingStationMaxProfile'
  | 'ChargingStationExternalConstraints'
  | 'TxDefaultProfile'
  | 'TxProfile'
  /** 2.1 */
  | 'PriorityCharging'
  /** 2.1 */
  | 'LocalGeneration';

export type ChargingProfileKind = 'Absolute' | 'Recurring' | 'Relative' | /** 2.1 */ 'Dynamic';
export type RecurrencyKind = 'Daily' | 'Weekly';
export type ChargingRateUnit = 'A' | 'W';

/** 2.1 OperationModeEnumType; absent means ChargingOnly [P2-21 §3.4]. */
export type OperationMode =
  | 'Idle'
  | 'ChargingOnly'
  | 'CentralSetpoint'
  | 'ExternalSetpoint'
  | 'ExternalLimits'
  | 'CentralFrequency'
  | 'LocalFrequency'
  | 'LocalLoadBalancing';

export interface V2XFreqWattPoint {
  frequency: number;
  power: number;
}

export interface V2XSignalWattPoint {
  signal: number;
  power: number;
}

export interface ChargingSchedulePeriod {
  /** s from the start of the schedule */
  startPeriod: number;
  /** in the schedule's chargingRateUnit; A per phase, W the sum of all phases (unless limit_L2/L3 are given) */
  limit?: number;
  limit_L2?: number;
  limit_L3?: number;
  /** 2.1, ≤ 0 */
  dischargeLimit?: number;
  dischargeLimit_L2?: number;
  dischargeLimit_L3?: number;
  /** 2.1, negative = discharge */
  setpoint?: number;
  setpoint_L2?: number;
  setpoint_L3?: number;
  setpointReactive?: number;
  setpointReactive_L2?: number;
  setpointReactive_L3?: number;
  numberPhases?: number;
  phaseToUse?: number;
  preconditioningRequest?: boolean;
  evseSleep?: boolean;
  v2xBaseline?: number;
  operationMode?: OperationMode;
  v2xFreqWattCurve?: V2XFreqWattPoint[];
  v2xSignalWattCurve?: V2XSignalWattPoint[];
}

export interface LimitAtSoC {
  soc: number;
  limit: number;
}

export interface ChargingSchedule {
  /** absent in 1.6 (one schedule per profile) */
  id?: number;
  /** epoch ms */
  startSchedule?: number;
  /** s */
  duration?: number;
  chargingRateUnit: ChargingRateUnit;
  minChargingRate?: number;
  chargingSchedulePeriod: ChargingSchedulePeriod[];
  /** 2.1 */
  limitAtSoC?: LimitAtSoC;
  powerTolerance?: number;
  useLocalTime?: boolean;
  randomizedDelay?: number;
  signatureId?: number;
  digestValue?: string;
  /** passed through untouched (ISO 15118 tariff data the composite does not use) */
  salesTariff?: v21.SalesTariffType;
  absolutePriceSchedule?: v21.AbsolutePriceScheduleType;
  priceLevelSchedule?: v21.PriceLevelScheduleType;
}

export interface ChargingProfile {
  id: number;
  stackLevel: number;
  chargingProfilePurpose: ChargingProfilePurpose;
  chargingProfileKind: ChargingProfileKind;
  recurrencyKind?: RecurrencyKind;
  /** epoch ms; absent = valid from receipt */
  validFrom?: number;
  /** epoch ms, exclusive; absent = until replaced */
  validTo?: number;
  /** 1.6 integers are kept as their decimal text */
  transactionId?: string;
  /** 1..3 (more than one only for ISO 15118 TxProfiles, K15–K18) */
  chargingSchedule: ChargingSchedule[];
  /** 2.1: s */
  maxOfflineDuration?: number;
  invalidAfterOfflineDuration?: boolean;
  dynUpdateInterval?: number;
  /** epoch ms */
  dynUpdateTime?: number;
  priceScheduleSignature?: string;
}

/** A profile as a station holds it: on an EVSE (0 = the whole station; 1.6: the connector). */
export interface InstalledChargingProfile {
  evseId: number;
  profile: ChargingProfile;
}

/** One period of a composite schedule: what applies from startPeriod until the next period starts. */
export interface CompositeSchedulePeriod {
  startPeriod: number;
  /** absent: nothing limits charging in this period (no profile and no hardware limit given) */
  limit?: number;
  /** ≤ 0; only in periods whose operationMode lets the EV discharge (absent: not limited by a profile) */
  dischargeLimit?: number;
  /** negative = discharge; already capped at limit / dischargeLimit (V2X.03/04) */
  setpoint?: number;
  setpointReactive?: number;
  numberPhases?: number;
  phaseToUse?: number;
  /** always set by compositeSchedule (ChargingOnly unless a V2X mode leads) */
  operationMode?: OperationMode;
}

/** GetCompositeSchedule's CompositeScheduleType, version-independent. */
export interface CompositeSchedule {
  evseId: number;
  /** epoch ms; whole seconds */
  scheduleStart: number;
  /** s */
  duration: number;
  chargingRateUnit: ChargingRateUnit;
  /** sorted by startPeriod, the first at 0, none at or after duration, no two in a row alike */
  chargingSchedulePeriod: CompositeSchedulePeriod[];
  /** the leading TxProfile/TxDefaultProfile's minChargingRate at scheduleStart, in chargingRateUnit (1.6 reports it) */
  minChargingRate?: number;
}

/** The station's electrical set-up the composite needs to convert between A and W. */
export type ElectricalSupply =
  | {
      kind: 'AC';
      /** phase-to-neutral voltage the area is set for (K01.FR.50 "Line Voltage"), default 230 */
      voltage?: number;
      /** phases the EVSE is wired for; a period without numberPhases means this many (K01.FR.49: 3) */
      phases?: number;
    }
  | {
      kind: 'DC';
      /** the DC voltage to convert A ↔ W with (the EV's present or nominal voltage) */
      voltage: number;
    };
