// The OCPP charging station client of the EVSE (1.6, 2.0.1, 2.1): ChargingStation, StationPool,
// and the ports that connect a station to the EVSEs behind it.
export * from './ports.js';
export * from './config.js';
export * from './device-model.js';
export * from './configuration16.js';
export * from './variables.js';
export * from './journal.js';
export * from './meter-values.js';
export * from './charging-needs.js';
export * from './charging-profiles.js';
export * from './station.js';
export * from './pool.js';
export type { TransactionState } from './evse-controller.js';
