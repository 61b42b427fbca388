export * from './config.js';
export * from './ev-process.js';
