// One trace event per OCPI request or response (ARCHITECTURE.md: one trace format): protocol
// 'ocpi2.2.1' (as the data-object dictionary spells protocols), version '2.2.1', message `<METHOD> <OpenAPI path>` for a request and the same name plus
// ` response` for its response, correlationId the X-Request-ID.
import type { Tracer, TraceDirection } from '@v2xsim/trace';

export const OCPI_VERSION = '2.2.1';

export interface OcpiTraceEvent {
  direction: TraceDirection;
  message: string;
  peer?: string;
  correlationId?: string;
  size?: number;
  body?: unknown;
  error?: string;
}

export function traceOcpi(tracer: Tracer, ev: OcpiTraceEvent): void {
  tracer.message({
    protocol: `ocpi${OCPI_VERSION}`,
    version: OCPI_VERSION,
    direction: ev.direction,
    message: ev.message,
    ...(ev.peer !== undefined ? { peer: ev.peer } : {}),
    ...(ev.correlationId !== undefined ? { correlationId: ev.correlationId } : {}),
    ...(ev.size !== undefined ? { size: ev.size } : {}),
    ...(ev.body !== undefined ? { body: ev.body } : {}),
    ...(ev.error !== undefined ? { error: ev.error } : {}),
  });
}
