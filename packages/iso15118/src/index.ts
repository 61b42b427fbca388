export * from './v2gtp/index.js';
export * from './pki/index.js';
export * from './timing/index.js';
export * from './sdp/index.js';
export * from './transport/index.js';
export * as iso2 from './iso2/index.js';
export * from './app-protocol.js';
export * as din from './din/index.js';
export * from './cable/index.js';
