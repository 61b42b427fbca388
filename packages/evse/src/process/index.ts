export * from './config.js';
export * from './clock.js';
export * from './evse-process.js';
