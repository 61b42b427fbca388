export * from './event.js';
export * from './tracer.js';
