export * from './clock.js';
export * from './schedule.js';
export * from './limits.js';
export * from './meter.js';
export * from './dc-power-stage.js';
export * from './evse-model.js';
export * from './example.js';
