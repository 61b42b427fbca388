export * from './model/index.js';
export * from './evcc/index.js';
export * from './adapter/index.js';
export * from './process/index.js';
