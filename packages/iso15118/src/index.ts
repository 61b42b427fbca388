export * from './v2gtp/index.js';
export * as iso2 from './iso2/index.js';
export * from './app-protocol.js';
