export * from './evcc-ev.js';
