export * from './config.js';
export * from './clock.js';
export * from './evse-process.js';
export * from './station-link.js';
export * from './stations.js';
