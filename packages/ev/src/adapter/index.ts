export * from './evcc-ev.js';
export * from './evcc-ev20.js';
