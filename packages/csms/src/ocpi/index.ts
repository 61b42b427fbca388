// The CSMS as OCPI 2.2.1 CPO (docs/csms.md, OCPI).
export * from './cpo.js';
export * from './store.js';
export * from './mapping.js';
export * from './policy.js';
export * from './authorize.js';
export * from './actions.js';
