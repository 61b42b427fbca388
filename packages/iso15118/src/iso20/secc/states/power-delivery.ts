// PowerDelivery(Start): the EV's power profile on the selected schedule; the EVSE closes its
// contactors (or leaves standby). A Start that ends a renegotiation marks it finished.
import { bodyOf, header, message, num, type Iso20Message } from '../../messages.js';
import type { Secc20Context, Secc20Result } from '../context.js';
import { failed } from '../responses.js';

export function powerDeliveryStart(doc: Iso20Message, ctx: Secc20Context): Secc20Result {
  const req = 'PowerDeliveryReq';
  const pd = bodyOf(doc, req)!;
  if (pd.ChargeProgress !== 'Start') return { response: failed(req, 'FAILED_SequenceError', ctx), next: null };
  const profile = pd.EVPowerProfile;
  if (!profile) return { response: failed(req, 'FAILED_EVPowerProfileInvalid', ctx), next: null };
  if (ctx.controlMode === 'Scheduled') {
    const sel = profile.Scheduled_EVPPTControlMode?.SelectedScheduleTupleID;
    if (sel === undefined || !ctx.offeredTuples.includes(sel)) return { response: failed(req, 'FAILED_ScheduleSelectionInvalid', ctx), next: null };
    ctx.selectedTuple = sel;
  } else if (!profile.Dynamic_EVPPTControlMode) return { response: failed(req, 'FAILED_EVPowerProfileInvalid', ctx), next: null };
  if (ctx.bpt && !pd.BPT_ChannelSelection) return { response: failed(req, 'FAILED_WrongChargeParameter', ctx), next: null };
  const applied = ctx.evse.powerDelivery('Start', {
    ...(pd.BPT_ChannelSelection ? { channel: pd.BPT_ChannelSelection } : {}),
    profile: profile.EVPowerProfileEntries.EVPowerProfileEntry.map((e) => ({ durationS: e.Duration, powerW: num(e.Power) })),
  });
  if (!applied) return { response: failed(req, 'FAILED_PowerDeliveryNotApplied', ctx), next: null };
  const finished = ctx.renegotiating;
  ctx.renegotiating = false;
  ctx.renegotiationNotified = false;
  ctx.standby = false;
  return {
    response: message('PowerDeliveryRes', { Header: header(ctx.sessionId), ResponseCode: 'OK' }),
    next: 'Charging',
    ...(finished ? { renegotiation: 'finished' as const } : {}),
  };
}
