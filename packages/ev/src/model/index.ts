export * from './battery.js';
export * from './charging-curve.js';
export * from './mobility-needs.js';
export * from './schedule.js';
export * from './ev-model.js';
export * from './example.js';
