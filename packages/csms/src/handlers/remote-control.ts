// F RemoteControl: RequestStartTransaction / RequestStopTransaction (1.6 RemoteStart/
// RemoteStopTransaction), TriggerMessage, UnlockConnector; all CSMS-initiated. Diagnostics,
// Reset and the station's notifications are in diagnostics.ts.
import type { Payload } from '@v2xsim/ocpp';
import type { CsmsContext } from '../context.js';
import { CsmsError } from '../errors.js';
import { activeTransaction, getTransaction } from '../store/index.js';

export interface RequestStart {
  idToken: string;
  /** IdTokenEnumType (2.x); default Central */
  idTokenType?: string;
  evseId?: number;
  /** a TxProfile for the transaction (in the station's own JSON) */
  chargingProfile?: Payload;
}

/** F01/F02 RequestStartTransaction; 1.6 RemoteStartTransaction. Returns the remoteStartId (2.x). */
export async function requestStartTransaction(ctx: CsmsContext, stationId: string, r: RequestStart): Promise<Payload> {
  if (ctx.versionOf(stationId) === '1.6') {
    return ctx.call(stationId, 'RemoteStartTransaction', {
      idTag: r.idToken,
      ...(r.evseId !== undefined ? { connectorId: r.evseId } : {}),
      ...(r.chargingProfile ? { chargingProfile: r.chargingProfile } : {}),
    });
  }
  const remoteStartId = ctx.nextRequestId();
  const res = await ctx.call(stationId, 'RequestStartTransaction', {
    idToken: { idToken: r.idToken, type: r.idTokenType ?? 'Central' },
    remoteStartId,
    ...(r.evseId !== undefined ? { evseId: r.evseId } : {}),
    ...(r.chargingProfile ? { chargingProfile: r.chargingProfile } : {}),
  });
  return { remoteStartId, ...res };
}

/** F03 RequestStopTransaction; 1.6 RemoteStopTransaction (integer transactionId). */
export async function requestStopTransaction(ctx: CsmsContext, stationId: string, r: { transactionId?: string; evseId?: number }): Promise<Payload> {
  const tx = r.transactionId !== undefined ? getTransaction(ctx.store, stationId, r.transactionId) : r.evseId !== undefined ? activeTransaction(ctx.store, stationId, r.evseId) : undefined;
  const transactionId = tx?.transactionId ?? r.transactionId;
  if (transactionId === undefined) throw new CsmsError('UnknownTransaction', `no transaction running on ${stationId} EVSE ${r.evseId}`);
  if (ctx.versionOf(stationId) === '1.6') {
    const id = Number(transactionId);
    if (!Number.isInteger(id)) throw new CsmsError('InvalidRequest', `a 1.6 transactionId is an integer, got ${transactionId}`);
    return ctx.call(stationId, 'RemoteStopTransaction', { transactionId: id });
  }
  return { transactionId, ...(await ctx.call(stationId, 'RequestStopTransaction', { transactionId })) };
}

/** F06 TriggerMessage (2.x MessageTriggerEnumType; 1.6 its own list). */
export async function triggerMessage(ctx: CsmsContext, stationId: string, r: { requestedMessage: string; evseId?: number; connectorId?: number }): Promise<Payload> {
  if (ctx.versionOf(stationId) === '1.6') {
    return ctx.call(stationId, 'TriggerMessage', { requestedMessage: r.requestedMessage, ...(r.evseId !== undefined ? { connectorId: r.evseId } : {}) });
  }
  return ctx.call(stationId, 'TriggerMessage', {
    requestedMessage: r.requestedMessage,
    ...(r.evseId !== undefined ? { evse: { id: r.evseId, ...(r.connectorId !== undefined ? { connectorId: r.connectorId } : {}) } } : {}),
  });
}

/** F05 UnlockConnector. */
export async function unlockConnector(ctx: CsmsContext, stationId: string, r: { evseId: number; connectorId?: number }): Promise<Payload> {
  if (ctx.versionOf(stationId) === '1.6') return ctx.call(stationId, 'UnlockConnector', { connectorId: r.evseId });
  return ctx.call(stationId, 'UnlockConnector', { evseId: r.evseId, connectorId: r.connectorId ?? 1 });
}
