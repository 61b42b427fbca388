// B Provisioning (GetVariables, SetVariables, GetBaseReport → NotifyReport, Reset; 1.6
// GetConfiguration, ChangeConfiguration, Reset), F06 TriggerMessage, G ChangeAvailability and
// P DataTransfer.
import { OcppError } from '@v2xsim/ocpp';
import type { Payload, StationContext } from '../context.js';
import type { GetVariableData, SetVariableData } from '../device-model.js';
import type { HandlerTable } from './registry.js';

const REPORT_ITEMS_KEY = 'DeviceDataCtrlr.ItemsPerMessage[GetReport]';

export function provisioningHandlers(ctx: StationContext, t: HandlerTable): void {
  if (ctx.version === '1.6') {
    t.set('GetConfiguration', (req) => {
      const res = ctx.configuration16!.get(req.key as string[] | undefined);
      return { configurationKey: res.configurationKey, ...(res.unknownKey.length > 0 ? { unknownKey: res.unknownKey } : {}) };
    });
    t.set('ChangeConfiguration', (req) => {
      const status = ctx.configuration16!.change(String(req.key), String(req.value));
      if (status === 'Accepted') ctx.timersChanged();
      return { status };
    });
    t.set('Reset', (req) => {
      const type = req.type === 'Hard' ? 'Hard' : 'Soft';
      ctx.later(() => ctx.reboot(type));
      return { status: 'Accepted' };
    });
    t.set('ChangeAvailability', (req) => changeAvailability(ctx, Number(req.connectorId), req.type === 'Operative'));
    t.set('TriggerMessage', (req) => ({ status: trigger(ctx, String(req.requestedMessage), req.connectorId === undefined ? undefined : Number(req.connectorId)) }));
    t.set('DataTransfer', () => ({ status: 'UnknownVendorId' }));
    return;
  }

  t.set('GetVariables', (req) => {
    const data = req.getVariableData as GetVariableData[];
    const max = ctx.dm.int('DeviceDataCtrlr.ItemsPerMessage[GetVariables]');
    if (data.length > max) throw new OcppError('OccurrenceConstraintViolation', `${data.length} getVariableData; ItemsPerMessageGetVariables is ${max}`);
    return { getVariableResult: data.map((d) => ctx.dm.get(d)) };
  });
  t.set('SetVariables', (req) => {
    const data = req.setVariableData as SetVariableData[];
    const max = ctx.dm.int('DeviceDataCtrlr.ItemsPerMessage[SetVariables]');
    if (data.length > max) throw new OcppError('OccurrenceConstraintViolation', `${data.length} setVariableData; ItemsPerMessageSetVariables is ${max}`);
    const results = data.map((d) => ctx.dm.set(d));
    if (results.some((r) => r.attributeStatus === 'Accepted')) ctx.timersChanged();
    return { setVariableResult: results };
  });
  t.set('GetBaseReport', (req) => {
    const requestId = Number(req.requestId);
    const base = req.reportBase as 'ConfigurationInventory' | 'FullInventory' | 'SummaryInventory';
    const data = ctx.dm.report(base);
    if (data.length === 0) return { status: 'EmptyResultSet' };
    ctx.later(async () => {
      const per = Math.max(1, ctx.dm.int(REPORT_ITEMS_KEY));
      const generatedAt = new Date(ctx.now()).toISOString();
      for (let i = 0, seqNo = 0; i < data.length; i += per, seqNo++) {
        const reportData = data.slice(i, i + per);
        await ctx.call('NotifyReport', { requestId, generatedAt, seqNo, tbc: i + per < data.length, reportData } as unknown as Payload);
      }
    });
    return { status: 'Accepted' };
  });
  t.set('Reset', (req) => {
    const busy = [...ctx.evses.values()].some((e) => e.tx !== undefined);
    if (req.evseId !== undefined && req.evseId !== 0) {
      // resetting a single EVSE: not supported by this station (B11.FR.08 lets it reject)
      return { status: 'Rejected', statusInfo: { reasonCode: 'UnsupportedRequest', additionalInfo: 'only the whole station can be reset' } };
    }
    if (req.type === 'OnIdle' && busy) {
      ctx.later(() => ctx.reboot('OnIdle'));
      return { status: 'Scheduled' };
    }
    ctx.later(() => ctx.reboot(req.type === 'OnIdle' ? 'OnIdle' : 'Immediate'));
    return { status: 'Accepted' };
  });
  t.set('ChangeAvailability', (req) => {
    const evse = req.evse as { id: number } | undefined;
    return changeAvailability(ctx, evse?.id ?? 0, req.operationalStatus === 'Operative');
  });
  t.set('TriggerMessage', (req) => {
    const evse = req.evse as { id: number; connectorId?: number } | undefined;
    return { status: trigger(ctx, String(req.requestedMessage), evse?.id) };
  });
  t.set('DataTransfer', () => ({ status: 'UnknownVendorId' }));
}

function changeAvailability(ctx: StationContext, evseId: number, operative: boolean): Payload {
  const targets = evseId === 0 ? [...ctx.evses.values()] : [ctx.evses.get(evseId)].filter((e) => e !== undefined);
  if (targets.length === 0) return { status: 'Rejected' };
  const busy = targets.some((e) => e.tx !== undefined);
  for (const e of targets) {
    e.operative = operative;
    e.port.setOperative?.(operative);
  }
  ctx.later(() => {
    for (const e of targets) e.statusChanged();
  });
  // a running transaction finishes first (G03.FR.05 / 1.6 §5.2)
  return { status: busy && !operative ? 'Scheduled' : 'Accepted' };
}

/** TriggerMessage ([F06], 1.6 §5.17): the message goes after the response. */
function trigger(ctx: StationContext, message: string, evseId: number | undefined): 'Accepted' | 'Rejected' | 'NotImplemented' {
  const evses = evseId === undefined || evseId === 0 ? [...ctx.evses.values()] : [ctx.evses.get(evseId)].filter((e) => e !== undefined);
  if (evses.length === 0) return 'Rejected';
  switch (message) {
    case 'Heartbeat':
      ctx.later(() => ctx.call('Heartbeat', {}).then(() => undefined));
      return 'Accepted';
    case 'BootNotification':
      // F06.FR.17: a station already accepted does not boot again on request
      if (ctx.online && ctx.version !== '1.6') return 'Rejected';
      ctx.later(() => ctx.reboot('Soft'));
      return 'Accepted';
    case 'StatusNotification':
      ctx.later(() => {
        for (const e of evses) e.statusChanged(true);
      });
      return 'Accepted';
    case 'MeterValues':
      ctx.later(async () => {
        for (const e of evses) {
          const mv = e.sample('Trigger', ctx.dm.list('AlignedDataCtrlr.Measurands'));
          await ctx.call('MeterValues', ctx.version === '1.6' ? { connectorId: e.evseId, meterValue: [mv] } : { evseId: e.evseId, meterValue: [mv] });
        }
      });
      return 'Accepted';
    case 'TransactionEvent':
      if (ctx.version === '1.6') return 'NotImplemented';
      ctx.later(() => {
        for (const e of evses) e.triggerTransactionEvent();
      });
      return 'Accepted';
    default:
      return 'NotImplemented';
  }
}
