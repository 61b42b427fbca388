export * from './v2gtp/index.js';
