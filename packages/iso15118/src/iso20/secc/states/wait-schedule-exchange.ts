// ScheduleExchange: the EV's needs to the EVSE (Ongoing while its backend works). Scheduled: up to
// three ScheduleTuples, each a ChargingSchedule (PowerSchedule + price) and under BPT a
// DischargingSchedule. Dynamic: departure time, SoC targets and prices; the EVSE then steers the
// power in the charge loop. Afterwards: DC_CableCheck (DC), or PowerDelivery (AC, renegotiation).
import { bodyOf, header, message, num, type Iso20Message, type Messages } from '../../messages.js';
import { priceToWire, tupleToWire } from '../../schedules.js';
import type { Secc20Context, Secc20Result, Secc20State } from '../context.js';
import type { ScheduleRequest20 } from '../evse-port.js';
import { failed } from '../responses.js';

function request(body: Messages['ScheduleExchangeReq'], ctx: Secc20Context): ScheduleRequest20 | undefined {
  const base = { service: ctx.service!, controlMode: ctx.controlMode!, ev: ctx.evLimits!, renegotiation: ctx.renegotiating, maximumSupportingPoints: body.MaximumSupportingPoints, raw: body };
  const opt = (k: string, v: number | undefined): object => (v === undefined ? {} : { [k]: v });
  if (ctx.controlMode === 'Scheduled') {
    const s = body.Scheduled_SEReqControlMode;
    if (!s) return undefined;
    return {
      ...base,
      ...opt('departureTimeS', s.DepartureTime),
      ...opt('targetEnergyWh', num(s.EVTargetEnergyRequest)),
      ...opt('maxEnergyWh', num(s.EVMaximumEnergyRequest)),
      ...opt('minEnergyWh', num(s.EVMinimumEnergyRequest)),
    };
  }
  const d = body.Dynamic_SEReqControlMode;
  if (!d) return undefined;
  return {
    ...base,
    departureTimeS: d.DepartureTime,
    ...opt('minimumSoc', d.MinimumSOC),
    ...opt('targetSoc', d.TargetSOC),
    targetEnergyWh: num(d.EVTargetEnergyRequest),
    maxEnergyWh: num(d.EVMaximumEnergyRequest),
    minEnergyWh: num(d.EVMinimumEnergyRequest),
    ...(ctx.bpt ? { ...opt('maxV2XEnergyWh', num(d.EVMaximumV2XEnergyRequest)), ...opt('minV2XEnergyWh', num(d.EVMinimumV2XEnergyRequest)) } : {}),
  };
}

/**
 * While Ongoing the XSD still wants one control mode element (a choice, not optional): Dynamic's is
 * empty; Scheduled's needs a tuple, so a placeholder of 0 W goes with Ongoing, which the EV ignores.
 */
function ongoing(ctx: Secc20Context): Iso20Message {
  const Header = header(ctx.sessionId);
  return ctx.controlMode === 'Dynamic'
    ? message('ScheduleExchangeRes', { Header, ResponseCode: 'OK', EVSEProcessing: 'Ongoing', Dynamic_SEResControlMode: {} })
    : message('ScheduleExchangeRes', {
        Header,
        ResponseCode: 'OK',
        EVSEProcessing: 'Ongoing',
        Scheduled_SEResControlMode: { ScheduleTuple: [tupleToWire({ id: 1, charging: { entries: [{ durationS: 0, powerW: 0 }] } }, Header.TimeStamp, 1)] },
      });
}

export const waitScheduleExchange: Secc20State = {
  name: 'WaitScheduleExchange',
  accepts: ['ScheduleExchangeReq'],
  handle(req, doc, ctx): Secc20Result {
    const body = bodyOf(doc, 'ScheduleExchangeReq')!;
    const r = request(body, ctx);
    if (!r) return { response: failed(req, 'FAILED_WrongChargeParameter', ctx), next: null };
    const offer = ctx.evse.scheduleExchange(r);
    if (offer === 'Ongoing') return { response: ongoing(ctx), next: 'WaitScheduleExchange' };
    if (offer.controlMode !== ctx.controlMode) return { response: failed(req, 'FAILED', ctx), next: null };
    const Header = header(ctx.sessionId);
    const after = ctx.renegotiating || ctx.service === 'AC' || ctx.service === 'AC_BPT' ? 'WaitPowerDelivery' : 'WaitCableCheck';
    if (offer.controlMode === 'Dynamic') {
      return {
        response: message('ScheduleExchangeRes', {
          Header,
          ResponseCode: 'OK',
          EVSEProcessing: 'Finished',
          Dynamic_SEResControlMode: {
            ...(offer.departureTimeS !== undefined ? { DepartureTime: Math.max(0, Math.round(offer.departureTimeS)) } : {}),
            ...(offer.minimumSoc !== undefined ? { MinimumSOC: Math.round(offer.minimumSoc) } : {}),
            ...(offer.targetSoc !== undefined ? { TargetSOC: Math.round(offer.targetSoc) } : {}),
            ...(offer.price ? priceToWire(offer.price, Header.TimeStamp) : {}),
          },
        }),
        next: after,
      };
    }
    // at most 3 tuples (XSD); a DischargingSchedule only under BPT
    const tuples = offer.tuples.slice(0, 3).map((t) => (ctx.bpt ? t : { id: t.id, charging: t.charging }));
    if (!tuples.length) return { response: failed(req, 'FAILED', ctx), next: null };
    ctx.offeredTuples = tuples.map((t) => t.id);
    return {
      response: message('ScheduleExchangeRes', {
        Header,
        ResponseCode: 'OK',
        EVSEProcessing: 'Finished',
        Scheduled_SEResControlMode: { ScheduleTuple: tuples.map((t) => tupleToWire(t, Header.TimeStamp, body.MaximumSupportingPoints)) },
      }),
      next: after,
    };
  },
};
