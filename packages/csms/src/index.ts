// @v2xsim/csms: the CSMS process (OCPP 1.6 / 2.0.1 / 2.1 server, smart-charging planner, control
// API) and its embedded database.
export * from './store/index.js';
export * from './config.js';
export * from './context.js';
export * from './errors.js';
export * from './handlers/index.js';
export * from './policy/policy.js';
export * from './policy/default-policy.js';
export * from './policy/planner.js';
export * from './security/auth.js';
export * from './security/pki.js';
export * from './process/index.js';
export * from './ocpi/index.js';
