// @v2xsim/scsp: the SCSP process: an OCPI 2.2.1 party with the SCSP and eMSP roles, and the
// day-ahead price schedule optimiser (V1G and V2G) it computes charging profiles with.
export * from './optimiser/index.js';
export * from './ocpi/drivers.js';
export * from './ocpi/profile.js';
export { lowerEnvelope } from './ocpi/steps.js';
export * from './ocpi/party.js';
export * from './ocpi/locations.js';
export * from './process/index.js';
