// Smart charging, pure: charging profiles of OCPP 1.6, 2.0.1 and 2.1 in one model, the
// composite schedule a station reports and enforces, the checks of SetChargingProfile, and the
// ISO 15118 schedule an EVSE derives from the composite.
export * from './model.js';
export * from './wire.js';
export * from './units.js';
export * from './convert.js';
export * from './timeline.js';
export * from './composite.js';
export * from './iso15118.js';
export * from './validate.js';
export * from './dynamic.js';
