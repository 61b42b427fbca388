// Handlers for the CALLs a CSMS sends, one module per OCPP functional block. The RPC layer has
// already checked each request against the negotiated version's schema, so a handler reads the
// fields it needs; what it returns is checked again before it goes out.
import type { Payload } from '../context.js';

export type StationHandler = (request: Payload) => Payload | Promise<Payload>;

export type HandlerTable = Map<string, StationHandler>;
