// The EVSE model only, for now; the SECC and the OCPP station client come in later issues.
export * from './model/index.js';
export * from './secc/index.js';
export * from './adapter/index.js';
export * from './process/index.js';
export * from './station/index.js';
