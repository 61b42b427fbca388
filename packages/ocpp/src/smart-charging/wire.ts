// Minimal shapes of the OCPP JSON the smart-charging converters read and write, mirroring
// shared/schemas/ocpp/{1.6,2.0.1,2.1}/SetChargingProfile*.json and GetCompositeSchedule*.json.
// (Structurally compatible with the generated types in ../generated.)

export interface ChargingSchedulePeriod16 {
  startPeriod: number;
  limit: number;
  numberPhases?: number;
}

export interface ChargingSchedule16 {
  duration?: number;
  startSchedule?: string;
  chargingRateUnit: 'A' | 'W';
  chargingSchedulePeriod: ChargingSchedulePeriod16[];
  minChargingRate?: number;
}

export interface ChargingProfile16 {
  chargingProfileId: number;
  transactionId?: number;
  stackLevel: number;
  chargingProfilePurpose: 'ChargePointMaxProfile' | 'TxDefaultProfile' | 'TxProfile';
  chargingProfileKind: 'Absolute' | 'Recurring' | 'Relative';
  recurrencyKind?: 'Daily' | 'Weekly';
  validFrom?: string;
  validTo?: string;
  chargingSchedule: ChargingSchedule16;
}

export interface SetChargingProfileRequest16 {
  connectorId: number;
  csChargingProfiles: ChargingProfile16;
}

export interface GetCompositeScheduleRequest16 {
  connectorId: number;
  duration: number;
  chargingRateUnit?: 'A' | 'W';
}

export interface GetCompositeScheduleResponse16 {
  status: 'Accepted' | 'Rejected';
  connectorId?: number;
  scheduleStart?: string;
  chargingSchedule?: ChargingSchedule16;
}

export interface CustomData {
  vendorId: string;
  [k: string]: unknown;
}

/** 2.0.1 uses the first four fields; the rest are 2.1. */
export interface ChargingSchedulePeriod2 {
  startPeriod: number;
  limit?: number;
  numberPhases?: number;
  phaseToUse?: number;
  limit_L2?: number;
  limit_L3?: number;
  dischargeLimit?: number;
  dischargeLimit_L2?: number;
  dischargeLimit_L3?: number;
  setpoint?: number;
  setpoint_L2?: number;
  setpoint_L3?: number;
  setpointReactive?: number;
  setpointReactive_L2?: number;
  setpointReactive_L3?: number;
  preconditioningRequest?: boolean;
  evseSleep?: boolean;
  v2xBaseline?: number;
  operationMode?: 'Idle' | 'ChargingOnly' | 'CentralSetpoint' | 'ExternalSetpoint' | 'ExternalLimits' | 'CentralFrequency' | 'LocalFrequency' | 'LocalLoadBalancing';
  v2xFreqWattCurve?: { frequency: number; power: number; customData?: CustomData }[];
  v2xSignalWattCurve?: { signal: number; power: number; customData?: CustomData }[];
  customData?: CustomData;
}

export interface ChargingSchedule2 {
  id: number;
  startSchedule?: string;
  duration?: number;
  chargingRateUnit: 'A' | 'W';
  chargingSchedulePeriod: ChargingSchedulePeriod2[];
  minChargingRate?: number;
  salesTariff?: unknown;
  /** 2.1 */
  limitAtSoC?: { soc: number; limit: number; customData?: CustomData };
  powerTolerance?: number;
  signatureId?: number;
  digestValue?: string;
  useLocalTime?: boolean;
  randomizedDelay?: number;
  absolutePriceSchedule?: unknown;
  priceLevelSchedule?: unknown;
  customData?: CustomData;
}

export interface ChargingProfile2 {
  id: number;
  stackLevel: number;
  chargingProfilePurpose:
    | 'ChargingStationExternalConstraints'
    | 'ChargingStationMaxProfile'
    | 'TxDefaultProfile'
    | 'TxProfile'
    | 'PriorityCharging'
    | 'LocalGeneration';
  chargingProfileKind: 'Absolute' | 'Recurring' | 'Relative' | 'Dynamic';
  recurrencyKind?: 'Daily' | 'Weekly';
  validFrom?: string;
  validTo?: string;
  transactionId?: string;
  chargingSchedule: ChargingSchedule2[];
  /** 2.1 */
  maxOfflineDuration?: number;
  invalidAfterOfflineDuration?: boolean;
  dynUpdateInterval?: number;
  dynUpdateTime?: string;
  priceScheduleSignature?: string;
  customData?: CustomData;
}

export interface SetChargingProfileRequest2 {
  evseId: number;
  chargingProfile: ChargingProfile2;
  customData?: CustomData;
}

export interface GetCompositeScheduleRequest2 {
  duration: number;
  chargingRateUnit?: 'A' | 'W';
  evseId: number;
  customData?: CustomData;
}

export interface CompositeSchedule2 {
  evseId: number;
  duration: number;
  scheduleStart: string;
  chargingRateUnit: 'A' | 'W';
  chargingSchedulePeriod: ChargingSchedulePeriod2[];
  customData?: CustomData;
}

export interface StatusInfo {
  reasonCode: string;
  additionalInfo?: string;
  customData?: CustomData;
}

export interface GetCompositeScheduleResponse2 {
  status: 'Accepted' | 'Rejected';
  statusInfo?: StatusInfo;
  schedule?: CompositeSchedule2;
  customData?: CustomData;
}

/** UpdateDynamicScheduleRequest.scheduleUpdate (2.1) */
export interface ChargingScheduleUpdate {
  limit?: number;
  limit_L2?: number;
  limit_L3?: number;
  dischargeLimit?: number;
  dischargeLimit_L2?: number;
  dischargeLimit_L3?: number;
  setpoint?: number;
  setpoint_L2?: number;
  setpoint_L3?: number;
  setpointReactive?: number;
  setpointReactive_L2?: number;
  setpointReactive_L3?: number;
  customData?: CustomData;
}
