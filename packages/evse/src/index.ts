// The EVSE model only, for now; the SECC and the OCPP station client come in later issues.
export * from './model/index.js';
export * from './secc/index.js';
