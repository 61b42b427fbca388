export * from './config-check.js';
export * from './config.js';
export * from './control-api.js';
export * from './ev-process.js';
