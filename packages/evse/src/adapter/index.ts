export * from './operator-limit.js';
export * from './secc-evse.js';
export * from './secc-evse20.js';
export * from './backend.js';
export * from './ocpp-limit.js';
