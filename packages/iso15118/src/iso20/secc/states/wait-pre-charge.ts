// DC_PreCharge (repeated until the voltages match), then PowerDelivery(Start) closes the contactors.
import { bodyOf, header, message, num, rn } from '../../messages.js';
import type { Secc20State } from '../context.js';
import { failed } from '../responses.js';

export const waitPreCharge: Secc20State = {
  name: 'WaitPreCharge',
  accepts: ['DC_PreChargeReq', 'PowerDeliveryReq'],
  handle(req, doc, ctx) {
    const Header = header(ctx.sessionId);
    if (req === 'DC_PreChargeReq') {
      const v = ctx.evse.preCharge(num(bodyOf(doc, 'DC_PreChargeReq')!.EVTargetVoltage));
      return { response: message('DC_PreChargeRes', { Header, ResponseCode: 'OK', EVSEPresentVoltage: rn(v) }), next: 'WaitPreCharge' };
    }
    const pd = bodyOf(doc, 'PowerDeliveryReq')!;
    if (pd.ChargeProgress !== 'Start') return { response: failed(req, 'FAILED_SequenceError', ctx), next: null };
    const sel = pd.EVPowerProfile?.Scheduled_EVPPTControlMode?.SelectedScheduleTupleID;
    if (sel !== undefined && sel !== ctx.scheduleTupleId) return { response: failed(req, 'FAILED_ScheduleSelectionInvalid', ctx), next: null };
    if (!ctx.evse.powerDelivery('Start')) return { response: failed(req, 'FAILED_PowerDeliveryNotApplied', ctx), next: null };
    return { response: message('PowerDeliveryRes', { Header, ResponseCode: 'OK' }), next: 'Charging' };
  },
};
