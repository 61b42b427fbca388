// @v2xsim/ocpp: the OCPP-J RPC layer (1.6, 2.0.1, 2.1) with types and validators generated from
// the OCA JSON schemas. CSMS and station logic live above it, in handler modules.
export * from './versions.js';
export * from './errors.js';
export * from './framing.js';
export * from './validation.js';
export type * from './validator-types.js';
export type * from './actions.js';
export * from './auth.js';
export * from './backoff.js';
export * from './connection.js';
export * from './server.js';
export * from './client.js';
export * from './smart-charging/index.js';
export type { OcppActions16, OcppSendActions16 } from './generated/types16.js';
export type { OcppActions201, OcppSendActions201 } from './generated/types201.js';
export type { OcppActions21, OcppSendActions21 } from './generated/types21.js';
export { callActions16 } from './generated/types16.js';
export { callActions201 } from './generated/types201.js';
export { callActions21, sendActions21 } from './generated/types21.js';
/** Every type of OCPP 1.6 (messages, enums, nested types): `v16.BootNotificationRequest`. */
export type * as v16 from './generated/types16.js';
/** Every type of OCPP 2.0.1: `v201.ChargingProfileType`. */
export type * as v201 from './generated/types201.js';
/** Every type of OCPP 2.1: `v21.NotifyEVChargingNeedsRequest`. */
export type * as v21 from './generated/types21.js';
