// Minimal valid payloads per version, for tests.
import type { v16, v201, v21, OcppVersion } from '../../src/index.js';

export const bootRequest = {
  '1.6': { chargePointVendor: 'v2xsim', chargePointModel: 'EVSE-1' } satisfies v16.BootNotificationRequest,
  '2.0.1': { reason: 'PowerUp', chargingStation: { model: 'EVSE-1', vendorName: 'v2xsim' } } satisfies v201.BootNotificationRequest,
  '2.1': { reason: 'PowerUp', chargingStation: { model: 'EVSE-1', vendorName: 'v2xsim' } } satisfies v21.BootNotificationRequest,
} as const;

/** The same fields in 1.6, 2.0.1 and 2.1 (1.6: interval is the heartbeat interval too). */
export function bootResponse(_version: OcppVersion, currentTime = new Date().toISOString()): Record<string, unknown> {
  return { status: 'Accepted', currentTime, interval: 300 };
}

/** A CSMS → station CALL that exists in every version with a simple response. */
export const resetRequest = {
  '1.6': { type: 'Soft' } satisfies v16.ResetRequest,
  '2.0.1': { type: 'Immediate' } satisfies v201.ResetRequest,
  '2.1': { type: 'Immediate' } satisfies v21.ResetRequest,
} as const;
