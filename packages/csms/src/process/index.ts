export * from './csms-process.js';
export * from './control-actions.js';
