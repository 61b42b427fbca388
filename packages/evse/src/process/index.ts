export * from './config-check.js';
export * from './config.js';
export * from './control-api.js';
export * from './clock.js';
export * from './evse-process.js';
