// The EVSEStatus and MeterInfo of a charge loop response. The EVSE's notification goes out as
// EVSEStatus; a MeteringConfirmation notification (the EVSE's, or the SECC's own under PnC once
// Secc20Pnc.meteringConfirmationAfterLoops loops have passed) carries the MeterInfo to sign.
import type { Iso20 } from '@v2xsim/exi';
import type { Secc20Context } from '../context.js';

export function loopStatus(ctx: Secc20Context, meterInfoRequested: boolean, timestamp: number | bigint): { EVSEStatus?: Iso20.EVSEStatusType; MeterInfo?: Iso20.MeterInfoType } {
  ctx.loops++;
  let note = ctx.evse.notification();
  const after = ctx.pnc?.meteringConfirmationAfterLoops;
  if (note === 'None' && ctx.authorization === 'PnC' && after !== undefined && !ctx.meteringRequested && ctx.loops >= after) note = 'MeteringConfirmation';
  if (note === 'MeteringConfirmation') ctx.meteringRequested = true;
  if (note === 'ScheduleRenegotiation') ctx.renegotiationNotified = true;
  const withMeter = meterInfoRequested || note === 'MeteringConfirmation';
  const m = withMeter ? ctx.evse.meter() : undefined;
  return {
    ...(note !== 'None' ? { EVSEStatus: { NotificationMaxDelay: ctx.evse.notificationMaxDelayS ?? 0, EVSENotification: note } } : {}),
    ...(m
      ? { MeterInfo: { MeterID: m.meterId, ChargedEnergyReadingWh: Math.round(m.importedWh), ...(ctx.bpt ? { BPT_DischargedEnergyReadingWh: Math.round(m.exportedWh) } : {}), MeterTimestamp: timestamp } }
      : {}),
  };
}
