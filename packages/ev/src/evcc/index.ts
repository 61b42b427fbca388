export { runEvccSession, type EvccClientOptions, type EvccSessionSummary } from './client.js';
