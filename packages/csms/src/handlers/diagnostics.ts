// N Diagnostics, Reset and the station's notifications the CSMS acknowledges: security events
// (A04), events and monitoring reports (N07/N08), log/firmware/diagnostics status, DataTransfer
// (no vendor extension is served over DataTransfer: UnknownVendorId, as P01 allows). Reset (B11/B12;
// 1.6 Hard/Soft) is CSMS-initiated.
import type { OcppServer, Payload } from '@v2xsim/ocpp';
import type { CsmsContext } from '../context.js';

export function registerDiagnostics(server: OcppServer, ctx: CsmsContext): void {
  const ack = () => ({});
  for (const version of ['1.6', '2.0.1', '2.1'] as const) {
    server.handle(version, 'SecurityEventNotification', (req, { connection }) => {
      ctx.log(`${connection.identity}: security event ${req.type}`);
      return {};
    });
    server.handle(version, 'LogStatusNotification', ack);
    server.handle(version, 'DataTransfer', () => ({ status: 'UnknownVendorId' as const }));
  }
  server.handle('1.6', 'FirmwareStatusNotification', ack);
  server.handle('1.6', 'DiagnosticsStatusNotification', ack);
  server.handle('1.6', 'SignedFirmwareStatusNotification', ack);
  for (const version of ['2.0.1', '2.1'] as const) {
    server.handle(version, 'FirmwareStatusNotification', ack);
    server.handle(version, 'NotifyEvent', ack);
    server.handle(version, 'NotifyMonitoringReport', ack);
    server.handle(version, 'NotifyCustomerInformation', ack);
    server.handle(version, 'NotifyDisplayMessages', ack);
    server.handle(version, 'ReservationStatusUpdate', ack);
    server.handle(version, 'PublishFirmwareStatusNotification', ack);
  }
}

/** B11/B12 Reset: 2.x Immediate | OnIdle (2.1 also ImmediateAndResume), optionally one EVSE; 1.6 Hard | Soft. */
export async function reset(ctx: CsmsContext, stationId: string, r: { type: string; evseId?: number }): Promise<Payload> {
  if (ctx.versionOf(stationId) === '1.6') {
    const type = r.type === 'Immediate' ? 'Hard' : r.type === 'OnIdle' ? 'Soft' : r.type;
    return ctx.call(stationId, 'Reset', { type });
  }
  const type = r.type === 'Hard' ? 'Immediate' : r.type === 'Soft' ? 'OnIdle' : r.type;
  return ctx.call(stationId, 'Reset', { type, ...(r.evseId !== undefined ? { evseId: r.evseId } : {}) });
}
