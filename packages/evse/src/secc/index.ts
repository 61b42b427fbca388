export { SeccServer, type SeccServerOptions, type SeccSessionEnd } from './server.js';
