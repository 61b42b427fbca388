// ScheduleExchange. Scheduled: a PowerSchedule from the EVSE (Ongoing while it waits for its
// backend). Dynamic: the EVSE controls the power in the charge loop; no schedule.
import { bodyOf, header, message, num, rn } from '../../messages.js';
import type { Secc20State } from '../context.js';
import { failed } from '../responses.js';

export const waitScheduleExchange: Secc20State = {
  name: 'WaitScheduleExchange',
  accepts: ['ScheduleExchangeReq'],
  handle(req, doc, ctx) {
    const body = bodyOf(doc, 'ScheduleExchangeReq')!;
    const Header = header(ctx.sessionId);
    if (ctx.controlMode === 'Dynamic') {
      if (!body.Dynamic_SEReqControlMode) return { response: failed(req, 'FAILED_WrongChargeParameter', ctx), next: null };
      return { response: message('ScheduleExchangeRes', { Header, ResponseCode: 'OK', EVSEProcessing: 'Finished', Dynamic_SEResControlMode: {} }), next: 'WaitCableCheck' };
    }
    const sched = body.Scheduled_SEReqControlMode;
    if (!sched) return { response: failed(req, 'FAILED_WrongChargeParameter', ctx), next: null };
    const entries = ctx.evse.schedule(ctx.evLimits!, num(sched.EVTargetEnergyRequest));
    if (entries === 'Ongoing') return { response: message('ScheduleExchangeRes', { Header, ResponseCode: 'OK', EVSEProcessing: 'Ongoing' }), next: 'WaitScheduleExchange' };
    const max = Math.max(1, body.MaximumSupportingPoints);
    const PowerScheduleEntry = entries.slice(0, max).map((e, i, all) => ({
      Duration: Math.round(e.durationS ?? (all[i + 1] ? all[i + 1]!.startS - e.startS : 86400)),
      Power: rn(e.pMaxW),
    }));
    return {
      response: message('ScheduleExchangeRes', {
        Header,
        ResponseCode: 'OK',
        EVSEProcessing: 'Finished',
        Scheduled_SEResControlMode: {
          ScheduleTuple: [{ ScheduleTupleID: ctx.scheduleTupleId, ChargingSchedule: { PowerSchedule: { TimeAnchor: Header.TimeStamp, PowerScheduleEntries: { PowerScheduleEntry } } } }],
        },
      }),
      next: 'WaitCableCheck',
    };
  },
};
