// B Provisioning (2.0.1/2.1) and the 1.6 Core equivalents: BootNotification (the registry in
// the store, Accepted/Pending per configuration, the heartbeat interval), Heartbeat,
// StatusNotification, NotifyReport; CSMS-initiated GetVariables/SetVariables (1.6
// GetConfiguration/ChangeConfiguration).
import { type OcppServer, type Payload, type v16, type v201, type v21 } from '@v2xsim/ocpp';
import type { CsmsContext } from '../context.js';
import { CsmsError, toOcppError } from '../errors.js';
import { recordBoot, setConnectorStatus, touchStation } from '../store/index.js';

type Boot2 = v201.BootNotificationRequest | v21.BootNotificationRequest;
type Status2 = v201.StatusNotificationRequest | v21.StatusNotificationRequest;

export function registerProvisioning(server: OcppServer, ctx: CsmsContext): void {
  server.handle('1.6', 'BootNotification', async (req, { connection }) => bootNotification16(ctx, connection.identity, req));
  server.handle('2.0.1', 'BootNotification', async (req, { connection }) => bootNotification2(ctx, connection.identity, '2.0.1', req));
  server.handle('2.1', 'BootNotification', async (req, { connection }) => bootNotification2(ctx, connection.identity, '2.1', req));

  for (const version of ['1.6', '2.0.1', '2.1'] as const) {
    server.handle(version, 'Heartbeat', (_req, { connection }) => {
      // liveness needs no durability: not awaited, committed with the next batch
      ctx.writer.write(() => touchStation(ctx.store, connection.identity, ctx.now())).catch(() => undefined);
      return { currentTime: ctx.now().toISOString() };
    });
  }

  server.handle('1.6', 'StatusNotification', async (req, { connection }) => {
    await store(ctx, 'StatusNotification', () =>
      setConnectorStatus(ctx.store, {
        stationId: connection.identity,
        // 1.6 connector N is stored as EVSE N, connector N; 0 is the whole station
        evseId: req.connectorId,
        connectorId: req.connectorId,
        status: req.status,
        errorCode: req.errorCode,
        ...(req.info !== undefined ? { info: req.info } : {}),
        reportedAt: req.timestamp ?? ctx.now(),
      }),
    );
    return {};
  });
  const status2 = async (req: Status2, stationId: string) => {
    await store(ctx, 'StatusNotification', () =>
      setConnectorStatus(ctx.store, { stationId, evseId: req.evseId, connectorId: req.connectorId, status: req.connectorStatus, reportedAt: req.timestamp }),
    );
    return {};
  };
  server.handle('2.0.1', 'StatusNotification', (req, { connection }) => status2(req, connection.identity));
  server.handle('2.1', 'StatusNotification', (req, { connection }) => status2(req, connection.identity));

  // B07/B08: the report a GetBaseReport asked for; the CSMS traces it (nothing to store yet)
  server.handle('2.0.1', 'NotifyReport', () => ({}));
  server.handle('2.1', 'NotifyReport', () => ({}));
}

/** Stores through the group commit, so the answer goes out only once it is on disk. */
export async function store<T>(ctx: CsmsContext, action: string, fn: () => T, options: { atomic?: boolean } = {}): Promise<T> {
  try {
    return await ctx.writer.write(fn, options);
  } catch (e) {
    throw toOcppError(e, action);
  }
}

async function bootNotification16(ctx: CsmsContext, stationId: string, req: v16.BootNotificationRequest): Promise<v16.BootNotificationResponse> {
  const status = ctx.registrationFor(stationId);
  await store(ctx, 'BootNotification', () =>
    recordBoot(ctx.store, stationId, {
      ocppVersion: '1.6',
      vendorName: req.chargePointVendor,
      model: req.chargePointModel,
      ...(req.chargePointSerialNumber !== undefined ? { serialNumber: req.chargePointSerialNumber } : {}),
      ...(req.firmwareVersion !== undefined ? { firmwareVersion: req.firmwareVersion } : {}),
      ...(req.iccid !== undefined ? { modemIccid: req.iccid } : {}),
      ...(req.imsi !== undefined ? { modemImsi: req.imsi } : {}),
      registrationStatus: status,
      raw: req,
      at: ctx.now(),
    }),
  );
  ctx.log(`${stationId}: BootNotification (1.6, ${req.chargePointVendor} ${req.chargePointModel}) → ${status}`);
  return { currentTime: ctx.now().toISOString(), interval: ctx.config.heartbeatS, status };
}

async function bootNotification2(ctx: CsmsContext, stationId: string, version: '2.0.1' | '2.1', req: Boot2): Promise<v21.BootNotificationResponse> {
  const status = ctx.registrationFor(stationId);
  const cs = req.chargingStation;
  await store(ctx, 'BootNotification', () =>
    recordBoot(ctx.store, stationId, {
      ocppVersion: version,
      vendorName: cs.vendorName,
      model: cs.model,
      ...(cs.serialNumber !== undefined ? { serialNumber: cs.serialNumber } : {}),
      ...(cs.firmwareVersion !== undefined ? { firmwareVersion: cs.firmwareVersion } : {}),
      ...(cs.modem?.iccid !== undefined ? { modemIccid: cs.modem.iccid } : {}),
      ...(cs.modem?.imsi !== undefined ? { modemImsi: cs.modem.imsi } : {}),
      reason: req.reason,
      registrationStatus: status,
      raw: req,
      at: ctx.now(),
    }),
  );
  ctx.log(`${stationId}: BootNotification (${version}, ${req.reason}, ${cs.vendorName} ${cs.model}) → ${status}`);
  // B01.FR.08 / B02: while Pending or Rejected, `interval` is when to boot again
  return { currentTime: ctx.now().toISOString(), interval: ctx.config.heartbeatS, status };
}

// ---- CSMS-initiated --------------------------------------------------------------------------

export interface VariableRef {
  component: string;
  variable: string;
  evseId?: number;
  componentInstance?: string;
  variableInstance?: string;
  attributeType?: 'Actual' | 'Target' | 'MinSet' | 'MaxSet';
}

function componentOf(v: VariableRef): Payload {
  return {
    name: v.component,
    ...(v.componentInstance !== undefined ? { instance: v.componentInstance } : {}),
    ...(v.evseId !== undefined ? { evse: { id: v.evseId } } : {}),
  };
}

function variableOf(v: VariableRef): Payload {
  return { name: v.variable, ...(v.variableInstance !== undefined ? { instance: v.variableInstance } : {}) };
}

/** B06 GetVariables; 1.6: GetConfiguration with the variable names as keys (component ignored). */
export async function getVariables(ctx: CsmsContext, stationId: string, variables: readonly VariableRef[]): Promise<Payload> {
  if (ctx.versionOf(stationId) === '1.6') return ctx.call(stationId, 'GetConfiguration', variables.length > 0 ? { key: variables.map((v) => v.variable) } : {});
  if (variables.length === 0) throw new CsmsError('InvalidRequest', 'GetVariables needs at least one variable');
  return ctx.call(stationId, 'GetVariables', {
    getVariableData: variables.map((v) => ({ component: componentOf(v), variable: variableOf(v), ...(v.attributeType ? { attributeType: v.attributeType } : {}) })),
  });
}

/** B05 SetVariables; 1.6: one ChangeConfiguration per key. */
export async function setVariables(ctx: CsmsContext, stationId: string, values: readonly (VariableRef & { value: string })[]): Promise<Payload> {
  if (values.length === 0) throw new CsmsError('InvalidRequest', 'SetVariables needs at least one value');
  if (ctx.versionOf(stationId) === '1.6') {
    const results: Payload[] = [];
    for (const v of values) results.push({ key: v.variable, ...(await ctx.call(stationId, 'ChangeConfiguration', { key: v.variable, value: v.value })) });
    return { results };
  }
  return ctx.call(stationId, 'SetVariables', {
    setVariableData: values.map((v) => ({ attributeValue: v.value, component: componentOf(v), variable: variableOf(v), ...(v.attributeType ? { attributeType: v.attributeType } : {}) })),
  });
}

/** Guards a 2.x-only operation. */
export function require2x(ctx: CsmsContext, stationId: string, action: string): '2.0.1' | '2.1' {
  const version = ctx.versionOf(stationId);
  if (version === '1.6' || version === undefined) throw new CsmsError('NotInVersion', `${action} is not an OCPP ${version ?? '?'} message`);
  return version;
}

export function require21(ctx: CsmsContext, stationId: string, action: string): '2.1' {
  const version = ctx.versionOf(stationId);
  if (version !== '2.1') throw new CsmsError('NotInVersion', `${action} is OCPP 2.1; ${stationId} speaks ${version ?? '?'}`);
  return version;
}
