export * from './sim-clock.js';
export * from './control-api.js';
export * from './config-check.js';
export * from './schedule.js';
export * from './sim-epoch.js';
