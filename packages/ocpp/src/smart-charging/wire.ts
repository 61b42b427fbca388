// The OCPP JSON the smart-charging converters read and write: the types generated from the OCA
// schemas (../generated), under short names. 2.0.1 and 2.1 share one set, 2.1's: its charging
// profiles are a superset of 2.0.1's (2.0.1 payloads are assignable to them), and the converters
// write only the 2.0.1 fields when the version is 2.0.1.
import type * as v16 from '../generated/types16.js';
import type * as v21 from '../generated/types21.js';

export type SetChargingProfileRequest16 = v16.SetChargingProfileRequest;
export type ChargingProfile16 = SetChargingProfileRequest16['csChargingProfiles'];
export type ChargingSchedule16 = ChargingProfile16['chargingSchedule'];
export type ChargingSchedulePeriod16 = ChargingSchedule16['chargingSchedulePeriod'][number];
export type GetCompositeScheduleRequest16 = v16.GetCompositeScheduleRequest;
export type GetCompositeScheduleResponse16 = v16.GetCompositeScheduleResponse;

export type CustomData = v21.CustomDataType;
export type StatusInfo = v21.StatusInfoType;
export type ChargingSchedulePeriod2 = v21.ChargingSchedulePeriodType;
export type ChargingSchedule2 = v21.ChargingScheduleType;
export type ChargingProfile2 = v21.ChargingProfileType;
export type SetChargingProfileRequest2 = v21.SetChargingProfileRequest;
export type GetCompositeScheduleRequest2 = v21.GetCompositeScheduleRequest;
export type CompositeSchedule2 = v21.CompositeScheduleType;
export type GetCompositeScheduleResponse2 = v21.GetCompositeScheduleResponse;
/** UpdateDynamicScheduleRequest.scheduleUpdate (2.1) */
export type ChargingScheduleUpdate = v21.ChargingScheduleUpdateType;
