// The simulation clock lives here until a shared package exists (every process needs it).
export * from './sim-clock.js';
export * from './model/index.js';
export * from './evcc/index.js';
export * from './adapter/index.js';
export * from './process/index.js';
