export * from './event.js';
export * from './tracer.js';
export * as dictionary from './dictionary/index.js';
export * as analysis from './analysis/index.js';
