// J MeterValues: every sampled value stored once (the store's uniqueness key drops a resent
// MeterValues), before the answer. 1.6 connector N is EVSE N; a 1.6 transactionId links the
// values to that transaction, 2.x MeterValues are outside transactions (those come in
// TransactionEvent).
import type { OcppServer, v201, v21 } from '@v2xsim/ocpp';
import type { CsmsContext } from '../context.js';
import { insertMeterValues, samplesFromMeterValues } from '../store/index.js';
import { store } from './provisioning.js';

export function registerMeterValues(server: OcppServer, ctx: CsmsContext): void {
  server.handle('1.6', 'MeterValues', async (req, { connection }) => {
    const stationId = connection.identity;
    const where = { stationId, evseId: req.connectorId, ...(req.transactionId !== undefined ? { transactionId: String(req.transactionId) } : {}) };
    // a 1.6 value that is not a number fails here, inside the write: PropertyConstraintViolation
    await store(ctx, 'MeterValues', () => insertMeterValues(ctx.store, samplesFromMeterValues('1.6', where, req.meterValue), ctx.now()));
    return {};
  });
  const meterValues2 = async (version: '2.0.1' | '2.1', stationId: string, req: v201.MeterValuesRequest | v21.MeterValuesRequest) => {
    await store(ctx, 'MeterValues', () => insertMeterValues(ctx.store, samplesFromMeterValues(version, { stationId, evseId: req.evseId }, req.meterValue), ctx.now()));
    return {};
  };
  server.handle('2.0.1', 'MeterValues', (req, { connection }) => meterValues2('2.0.1', connection.identity, req));
  server.handle('2.1', 'MeterValues', (req, { connection }) => meterValues2('2.1', connection.identity, req));
}
