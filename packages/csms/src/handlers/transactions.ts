// E Transactions: 2.x TransactionEvent and 1.6 StartTransaction/StopTransaction. Every event is
// stored (with its meter values, in one database transaction) BEFORE the CALLRESULT goes out, so
// an acknowledged event survives a crash; a replayed seqNo is acknowledged again and not stored
// twice; the offline flag is kept.
//
// An Updated/Ended event for a transaction the CSMS has no Started event of (lost, or still in
// the station's offline queue: E04) is acknowledged like any other and stored: the transaction
// row is created from it, started_at is the earliest event time until the Started event arrives,
// and missingSeqNos() lists what has not been delivered. OCPP 2.x gives the CSMS no way to
// refuse a TransactionEvent (its response has no status) and requires the station to delete a
// queued event once it is answered, so refusing would lose data (E01–E04, E.§1.3).
// 1.6: a StopTransaction for an unknown transactionId is answered too (the station must be able
// to drop it from its queue); its transactionData is stored under that id.
import type { OcppServer, v16, v201, v21 } from '@v2xsim/ocpp';
import type { CsmsContext } from '../context.js';
import {
  clearChargingProfiles,
  insertMeterValues,
  recordTransactionEvent,
  samplesFromMeterValues,
  scaleCustomData,
  startTransaction16,
  stopTransaction16,
  type CustomDataLike,
  type OcppMeterValue,
} from '../store/index.js';
import { idTagInfo16, idTokenInfo2 } from './authorization.js';
import { store } from './provisioning.js';

type TransactionEvent2 = v201.TransactionEventRequest | v21.TransactionEventRequest;

const REGISTER = 'Energy.Active.Import.Register';

/** The Energy.Active.Import.Register reading of an event, Wh (kWh and multipliers converted). */
export function energyRegisterWh(meterValues: readonly OcppMeterValue[] | undefined): number | undefined {
  let found: number | undefined;
  for (const mv of meterValues ?? []) {
    for (const sv of mv.sampledValue) {
      if ((sv.measurand ?? REGISTER) !== REGISTER || (sv.phase !== undefined && sv.phase !== null)) continue;
      const value = Number(sv.value);
      if (!Number.isFinite(value)) continue;
      const unit = sv.unitOfMeasure?.unit ?? sv.unit ?? 'Wh';
      const scaled = value * 10 ** (sv.unitOfMeasure?.multiplier ?? 0);
      found = unit === 'kWh' ? scaled * 1000 : scaled;
    }
  }
  return found;
}

/** The ISO 15118 SessionID of the SCALE extension (D2.3 §9.3/§9.4: TransactionEvent customData.sessionId). */
export function scaleSessionId(customData: CustomDataLike | undefined): string | undefined {
  const id = scaleCustomData<{ sessionId: string }>(customData)?.sessionId;
  return typeof id === 'string' && id.length > 0 ? id : undefined;
}

export function registerTransactions(server: OcppServer, ctx: CsmsContext): void {
  server.handle('2.0.1', 'TransactionEvent', (req, { connection }) => transactionEvent(ctx, connection.identity, '2.0.1', req));
  server.handle('2.1', 'TransactionEvent', (req, { connection }) => transactionEvent(ctx, connection.identity, '2.1', req));
  server.handle('1.6', 'StartTransaction', (req, { connection }) => startTransaction(ctx, connection.identity, req));
  server.handle('1.6', 'StopTransaction', (req, { connection }) => stopTransaction(ctx, connection.identity, req));
}

async function transactionEvent(ctx: CsmsContext, stationId: string, version: '2.0.1' | '2.1', req: TransactionEvent2): Promise<v201.TransactionEventResponse> {
  const info = req.transactionInfo;
  const evseId = req.evse?.id;
  const sessionId = scaleSessionId(req.customData as CustomDataLike | undefined);
  const operationMode = version === '2.1' ? (info as v21.TransactionType).operationMode : undefined;
  const recorded = await store(ctx, 'TransactionEvent', () => {
    // a station names the EVSE in the first event of a transaction only: later ones use the stored one
    const known = ctx.store.statement('SELECT evse_id AS e FROM transactions WHERE station_id = ? AND transaction_id = ?').get(stationId, info.transactionId) as
      | { e: number | null }
      | undefined;
    const meterEvse = evseId ?? known?.e ?? 0;
    const samples = req.meterValue ? samplesFromMeterValues(version, { stationId, evseId: meterEvse, transactionId: info.transactionId }, req.meterValue) : [];
    return recordTransactionEvent(
      ctx.store,
      stationId,
      version,
      {
        transactionId: info.transactionId,
        seqNo: req.seqNo,
        eventType: req.eventType,
        triggerReason: req.triggerReason,
        timestamp: req.timestamp,
        ...(req.offline !== undefined ? { offline: req.offline } : {}),
        ...(evseId !== undefined ? { evseId } : {}),
        ...(req.evse?.connectorId !== undefined ? { connectorId: req.evse.connectorId } : {}),
        ...(req.idToken ? { idToken: req.idToken.idToken, idTokenType: req.idToken.type } : {}),
        ...(info.chargingState !== undefined ? { chargingState: info.chargingState } : {}),
        ...(operationMode !== undefined ? { operationMode } : {}),
        ...(info.stoppedReason !== undefined ? { stoppedReason: info.stoppedReason } : {}),
        ...(info.remoteStartId !== undefined ? { remoteStartId: info.remoteStartId } : {}),
        ...(req.reservationId !== undefined ? { reservationId: req.reservationId } : {}),
        ...(sessionId !== undefined ? { iso15118SessionId: sessionId } : {}),
        ...(energyRegisterWh(req.meterValue) !== undefined ? { meterWh: energyRegisterWh(req.meterValue) } : {}),
        meterValues: samples,
        raw: req,
      },
      ctx.now(),
    );
    // reads, then one store.transaction(): atomic by itself
  }, { atomic: true });
  if (!recorded.duplicate) {
    if (req.eventType === 'Ended') {
      // a TxProfile ends with its transaction: the station drops it, so does the store
      ctx.writer.write(() => clearChargingProfiles(ctx.store, { stationId, transactionId: info.transactionId }, ctx.now())).catch(() => undefined);
    }
    if (req.eventType !== 'Updated') ctx.planner.siteChanged(`TransactionEvent ${req.eventType} ${stationId}/${info.transactionId}`);
  }
  // E05/C: an idToken in the event gets its authorization status back
  return req.idToken ? { idTokenInfo: idTokenInfo2(ctx, req.idToken) } : {};
}

async function startTransaction(ctx: CsmsContext, stationId: string, req: v16.StartTransactionRequest): Promise<v16.StartTransactionResponse> {
  const idTagInfo = idTagInfo16(ctx, req.idTag);
  const { transactionId, created } = await store(ctx, 'StartTransaction', () =>
    startTransaction16(
      ctx.store,
      stationId,
      {
        connectorId: req.connectorId,
        idTag: req.idTag,
        timestamp: req.timestamp,
        meterStartWh: req.meterStart,
        ...(req.reservationId !== undefined ? { reservationId: req.reservationId } : {}),
      },
      ctx.now(),
    ),
  );
  if (created) ctx.planner.siteChanged(`StartTransaction ${stationId}/${transactionId}`);
  return { transactionId, idTagInfo };
}

async function stopTransaction(ctx: CsmsContext, stationId: string, req: v16.StopTransactionRequest): Promise<v16.StopTransactionResponse> {
  const transactionId = String(req.transactionId);
  const result = await store(ctx, 'StopTransaction', () => {
    const row = ctx.store.statement('SELECT connector_id AS c FROM transactions WHERE station_id = ? AND transaction_id = ?').get(stationId, transactionId) as { c: number | null } | undefined;
    const samples = req.transactionData ? samplesFromMeterValues('1.6', { stationId, evseId: row?.c ?? 0, transactionId }, req.transactionData) : [];
    const stopped = stopTransaction16(
      ctx.store,
      stationId,
      { transactionId: req.transactionId, timestamp: req.timestamp, meterStopWh: req.meterStop, ...(req.reason !== undefined ? { reason: req.reason } : {}), meterValues: samples },
      ctx.now(),
    );
    if (!stopped.found && samples.length > 0) insertMeterValues(ctx.store, samples, ctx.now());
    if (stopped.found && !stopped.duplicate) clearChargingProfiles(ctx.store, { stationId, transactionId }, ctx.now());
    return stopped;
  });
  if (!result.found) ctx.log(`${stationId}: StopTransaction for unknown transaction ${transactionId}: acknowledged, meter values kept`);
  else if (!result.duplicate) ctx.planner.siteChanged(`StopTransaction ${stationId}/${transactionId}`);
  return req.idTag !== undefined ? { idTagInfo: idTagInfo16(ctx, req.idTag) } : {};
}
