export * from './config.js';
export * from './scsp-process.js';
