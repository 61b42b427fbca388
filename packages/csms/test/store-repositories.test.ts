import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  activeTransaction,
  authorizationStatus,
  clearChargingProfiles,
  deleteStation,
  getChargingProfile,
  getIdToken,
  getStation,
  getTransaction,
  hashPassword,
  insertChargingNeeds,
  insertMeterValues,
  latestChargingNeeds,
  latestCompositeSchedule,
  listChargingNeeds,
  listChargingProfiles,
  listConnectorStatus,
  listIdTokens,
  listMeterValues,
  listStations,
  listTransactionEvents,
  listTransactions,
  missingSeqNos,
  openStore,
  recordBoot,
  recordTransactionEvent,
  registerStation,
  samplesFromMeterValues,
  saveChargingProfile,
  saveCompositeSchedule,
  setChargingProfileStatus,
  setConnectorStatus,
  setIso15118SessionId,
  startTransaction16,
  stopTransaction16,
  StoreError,
  touchStation,
  upsertIdToken,
  verifyPassword,
} from '../src/store/index.js';
import type { CsmsStore, TransactionEventInput } from '../src/store/index.js';

let store: CsmsStore;
beforeEach(() => {
  store = openStore('', { inMemory: true });
});
afterEach(() => store.close());

describe('stations', () => {
  it('registers a station with a hashed password and updates only what is given', () => {
    const s = registerStation(store, { id: 'CS-001', securityProfile: 2, passwordHash: hashPassword('0123456789abcdef') }, new Date('2025-01-01T00:00:00Z'));
    expect(s).toMatchObject({ id: 'CS-001', securityProfile: 2, ocppVersion: null, createdAt: '2025-01-01T00:00:00.000Z' });
    expect(verifyPassword('0123456789abcdef', s.passwordHash!)).toBe(true);
    expect(verifyPassword('0123456789abcdeX', s.passwordHash!)).toBe(false);
    const again = registerStation(store, { id: 'CS-001', ocppVersion: '2.1' });
    expect(again.securityProfile).toBe(2);
    expect(again.passwordHash).toBe(s.passwordHash);
    expect(again.ocppVersion).toBe('2.1');
    expect(registerStation(store, { id: 'CS-001', passwordHash: null }).passwordHash).toBeNull();
  });

  it('rejects identities OCPP forbids', () => {
    expect(() => registerStation(store, { id: 'a:b' })).toThrow(StoreError);
    expect(() => registerStation(store, { id: 'x'.repeat(49) })).toThrow(expect.objectContaining({ code: 'InvalidInput' }));
  });

  it('records the boot information and last-seen time', () => {
    const raw = { reason: 'PowerUp', chargingStation: { vendorName: 'V2X', model: 'Sim', serialNumber: 'SN1', firmwareVersion: '1.0' } };
    const s = recordBoot(store, 'CS-002', {
      ocppVersion: '2.0.1',
      vendorName: 'V2X',
      model: 'Sim',
      serialNumber: 'SN1',
      firmwareVersion: '1.0',
      reason: 'PowerUp',
      registrationStatus: 'Accepted',
      raw,
      at: '2025-02-01T10:00:00+01:00',
    });
    expect(s).toMatchObject({ ocppVersion: '2.0.1', vendorName: 'V2X', model: 'Sim', serialNumber: 'SN1', bootReason: 'PowerUp', registrationStatus: 'Accepted' });
    expect(s.bootInfo).toEqual(raw);
    expect(s.lastBootAt).toBe('2025-02-01T09:00:00.000Z');
    touchStation(store, 'CS-002', '2025-02-01T09:05:00Z');
    expect(getStation(store, 'CS-002')!.lastSeenAt).toBe('2025-02-01T09:05:00.000Z');
    expect(listStations(store).map((x) => x.id)).toEqual(['CS-002']);
  });

  it('keeps the newest status per connector, even when an older report arrives late', () => {
    registerStation(store, { id: 'CS-003' });
    setConnectorStatus(store, { stationId: 'CS-003', evseId: 1, connectorId: 1, status: 'Occupied', reportedAt: '2025-01-01T10:00:00Z' });
    setConnectorStatus(store, { stationId: 'CS-003', evseId: 1, connectorId: 1, status: 'Available', reportedAt: '2025-01-01T09:00:00Z' });
    setConnectorStatus(store, { stationId: 'CS-003', evseId: 2, connectorId: 1, status: 'Faulted', errorCode: 'GroundFailure', reportedAt: '2025-01-01T09:00:00Z' });
    expect(listConnectorStatus(store, 'CS-003').map((c) => [c.evseId, c.connectorId, c.status, c.errorCode])).toEqual([
      [1, 1, 'Occupied', null],
      [2, 1, 'Faulted', 'GroundFailure'],
    ]);
    expect(deleteStation(store, 'CS-003')).toBe(true);
    expect(listConnectorStatus(store, 'CS-003')).toEqual([]);
  });
});

describe('id tokens', () => {
  it('stores tokens with their 2.1 allowed energy transfer modes and answers Authorize statuses', () => {
    upsertIdToken(store, { idToken: 'EMAID1', type: 'eMAID', status: 'Accepted', allowedEnergyTransfer: ['AC_BPT', 'DC_BPT'], groupIdToken: 'FLEET' });
    upsertIdToken(store, { idToken: 'TAG16', status: 'Accepted', expiryDate: '2025-06-01T00:00:00Z' });
    upsertIdToken(store, { idToken: 'BLOCK', type: 'ISO14443', status: 'Blocked' });
    const e = getIdToken(store, 'EMAID1', 'eMAID')!;
    expect(e.allowedEnergyTransfer).toEqual(['AC_BPT', 'DC_BPT']);
    expect(e.groupIdToken).toBe('FLEET');
    expect(getIdToken(store, 'TAG16')!.type).toBe('Central');
    expect(authorizationStatus(getIdToken(store, 'TAG16'), new Date('2025-05-31T00:00:00Z'))).toBe('Accepted');
    expect(authorizationStatus(getIdToken(store, 'TAG16'), new Date('2025-06-01T00:00:00Z'))).toBe('Expired');
    expect(authorizationStatus(getIdToken(store, 'BLOCK'))).toBe('Blocked');
    expect(authorizationStatus(getIdToken(store, 'NOPE'))).toBe('Unknown');
    upsertIdToken(store, { idToken: 'EMAID1', type: 'eMAID', status: 'Invalid' });
    expect(getIdToken(store, 'EMAID1', 'eMAID')).toMatchObject({ status: 'Invalid', allowedEnergyTransfer: null });
    expect(listIdTokens(store)).toHaveLength(3);
  });
});

describe('transactions (2.x)', () => {
  const ev = (seqNo: number, eventType: 'Started' | 'Updated' | 'Ended', extra: Partial<TransactionEventInput> = {}): TransactionEventInput => ({
    transactionId: 'TX-1',
    seqNo,
    eventType,
    triggerReason: eventType === 'Started' ? 'CablePluggedIn' : eventType === 'Ended' ? 'EVCommunicationLost' : 'MeterValuePeriodic',
    timestamp: `2025-03-01T10:0${seqNo}:00Z`,
    raw: { seqNo },
    ...extra,
  });

  beforeEach(() => registerStation(store, { id: 'CS' }));

  it('follows a transaction from Started to Ended, with meter values in the same database transaction', () => {
    const started = recordTransactionEvent(store, 'CS', '2.1', ev(0, 'Started', { evseId: 1, connectorId: 1, idToken: 'EMAID1', idTokenType: 'eMAID', chargingState: 'EVConnected', meterWh: 1000, iso15118SessionId: 'A1B2' }));
    expect(started.duplicate).toBe(false);
    expect(started.transaction).toMatchObject({ state: 'Active', evseId: 1, idToken: 'EMAID1', startedAt: '2025-03-01T10:00:00.000Z', meterStartWh: 1000, iso15118SessionId: 'A1B2', lastSeqNo: 0 });
    expect(activeTransaction(store, 'CS', 1)?.transactionId).toBe('TX-1');
    const upd = recordTransactionEvent(
      store,
      'CS',
      '2.1',
      ev(1, 'Updated', {
        chargingState: 'Charging',
        operationMode: 'CentralSetpoint',
        meterValues: [{ stationId: 'CS', evseId: 1, transactionId: 'TX-1', timestamp: '2025-03-01T10:01:00Z', value: 1500 }],
      }),
    );
    expect(upd.meterValuesInserted).toBe(1);
    expect(upd.transaction).toMatchObject({ chargingState: 'Charging', operationMode: 'CentralSetpoint' });
    const ended = recordTransactionEvent(store, 'CS', '2.1', ev(2, 'Ended', { stoppedReason: 'EVDisconnected', meterWh: 4000 }));
    expect(ended.transaction).toMatchObject({ state: 'Ended', endedAt: '2025-03-01T10:02:00.000Z', stoppedReason: 'EVDisconnected', meterStopWh: 4000 });
    expect(activeTransaction(store, 'CS', 1)).toBeUndefined();
    expect(listTransactions(store, { stationId: 'CS', state: 'Ended' })).toHaveLength(1);
    expect(listTransactionEvents(store, 'CS', 'TX-1').map((e) => e.seqNo)).toEqual([0, 1, 2]);
  });

  it('stores a replayed event once and reports it as a duplicate', () => {
    recordTransactionEvent(store, 'CS', '2.0.1', ev(0, 'Started', { evseId: 1, meterValues: [{ stationId: 'CS', evseId: 1, transactionId: 'TX-1', timestamp: '2025-03-01T10:00:00Z', value: 10, context: 'Transaction.Begin' }] }));
    const replay = recordTransactionEvent(store, 'CS', '2.0.1', ev(0, 'Started', { evseId: 1, meterValues: [{ stationId: 'CS', evseId: 1, transactionId: 'TX-1', timestamp: '2025-03-01T10:00:00Z', value: 10, context: 'Transaction.Begin' }] }));
    expect(replay.duplicate).toBe(true);
    expect(replay.meterValuesInserted).toBe(0);
    expect(listTransactionEvents(store, 'CS', 'TX-1')).toHaveLength(1);
    expect(listMeterValues(store, { stationId: 'CS', transactionId: 'TX-1' })).toHaveLength(1);
  });

  it('applies out-of-order offline events by seqNo and reports the gaps', () => {
    recordTransactionEvent(store, 'CS', '2.1', ev(3, 'Updated', { offline: true, chargingState: 'SuspendedEV' }));
    recordTransactionEvent(store, 'CS', '2.1', ev(1, 'Updated', { offline: true, chargingState: 'Charging', evseId: 2 }));
    let tx = getTransaction(store, 'CS', 'TX-1')!;
    expect(tx).toMatchObject({ chargingState: 'SuspendedEV', evseId: 2, offline: true, lastSeqNo: 3, startedAt: '2025-03-01T10:01:00.000Z' });
    expect(missingSeqNos(store, 'CS', 'TX-1')).toEqual([2]);
    recordTransactionEvent(store, 'CS', '2.1', ev(0, 'Started', { idToken: 'T' }));
    expect(missingSeqNos(store, 'CS', 'TX-1')).toEqual([2]);
    tx = getTransaction(store, 'CS', 'TX-1')!;
    expect(tx).toMatchObject({ startedAt: '2025-03-01T10:00:00.000Z', chargingState: 'SuspendedEV', idToken: 'T' });
    recordTransactionEvent(store, 'CS', '2.1', ev(4, 'Ended'));
    recordTransactionEvent(store, 'CS', '2.1', ev(2, 'Updated', { chargingState: 'Charging' }));
    tx = getTransaction(store, 'CS', 'TX-1')!;
    expect(tx).toMatchObject({ state: 'Ended', stoppedReason: 'Local', chargingState: 'SuspendedEV', lastSeqNo: 4 });
    expect(missingSeqNos(store, 'CS', 'TX-1')).toEqual([]);
  });

  it('counts missing events from the Started seqNo when the station numbers continuously', () => {
    recordTransactionEvent(store, 'CS', '2.1', ev(7, 'Updated', { transactionId: 'TX-2' }));
    recordTransactionEvent(store, 'CS', '2.1', ev(5, 'Started', { transactionId: 'TX-2' }));
    recordTransactionEvent(store, 'CS', '2.1', ev(9, 'Updated', { transactionId: 'TX-2' }));
    expect(missingSeqNos(store, 'CS', 'TX-2')).toEqual([6, 8]);
    expect(missingSeqNos(store, 'CS', 'NONE')).toEqual([]);
  });

  it('refuses events of a station it does not know, with a typed error', () => {
    expect(() => recordTransactionEvent(store, 'GHOST', '2.1', ev(0, 'Started'))).toThrow(expect.objectContaining({ code: 'NotFound' }));
    expect(() => startTransaction16(store, 'GHOST', { connectorId: 1, idTag: 'X', timestamp: 0, meterStartWh: 0 })).toThrow(StoreError);
  });

  it('links an ISO 15118 session id later', () => {
    recordTransactionEvent(store, 'CS', '2.1', ev(0, 'Started'));
    expect(setIso15118SessionId(store, 'CS', 'TX-1', 'DEADBEEF')).toBe(true);
    expect(getTransaction(store, 'CS', 'TX-1')!.iso15118SessionId).toBe('DEADBEEF');
  });
});

describe('transactions (1.6)', () => {
  beforeEach(() => registerStation(store, { id: 'CP16', ocppVersion: '1.6' }));

  it('assigns increasing integer transactionIds and gives a retried StartTransaction the same one', () => {
    const start = { connectorId: 1, idTag: 'TAG', timestamp: '2025-01-01T08:00:00Z', meterStartWh: 100 };
    const a = startTransaction16(store, 'CP16', start);
    const retry = startTransaction16(store, 'CP16', { ...start, timestamp: '2025-01-01T08:00:00.000Z' });
    const b = startTransaction16(store, 'CP16', { ...start, connectorId: 2 });
    expect(a.created).toBe(true);
    expect(retry).toEqual({ transactionId: a.transactionId, created: false });
    expect(b.transactionId).toBeGreaterThan(a.transactionId);
    expect(activeTransaction(store, 'CP16', 1)).toMatchObject({ transactionId: String(a.transactionId), ocppVersion: '1.6', idToken: 'TAG', meterStartWh: 100 });

    const stop = { transactionId: a.transactionId, timestamp: '2025-01-01T09:00:00Z', meterStopWh: 5100, reason: 'EVDisconnected' };
    expect(stopTransaction16(store, 'CP16', stop)).toEqual({ found: true, duplicate: false });
    expect(stopTransaction16(store, 'CP16', { ...stop, meterStopWh: 9999 })).toEqual({ found: true, duplicate: true });
    expect(getTransaction(store, 'CP16', String(a.transactionId))).toMatchObject({ state: 'Ended', meterStopWh: 5100, stoppedReason: 'EVDisconnected' });
    expect(stopTransaction16(store, 'CP16', { ...stop, transactionId: 424242 })).toEqual({ found: false, duplicate: false });
  });
});

describe('meter values', () => {
  it('stores the same sampled value once, whatever the timestamp spelling, and keeps distinct keys apart', () => {
    const base = { stationId: 'CS', evseId: 1, transactionId: 'TX', value: 230.1, measurand: 'Voltage', unit: 'V' };
    const first = insertMeterValues(store, [
      { ...base, timestamp: '2025-01-01T00:00:00Z', phase: 'L1-N' },
      { ...base, timestamp: '2025-01-01T00:00:00Z', phase: 'L2-N' },
      { ...base, timestamp: '2025-01-01T00:00:00Z', phase: 'L1-N', context: 'Transaction.Begin' },
      { stationId: 'CS', evseId: 1, transactionId: 'TX', timestamp: '2025-01-01T00:00:00Z', value: 1000 },
    ]);
    expect(first).toEqual({ inserted: 4, duplicates: 0 });
    const again = insertMeterValues(store, [
      { ...base, timestamp: '2025-01-01T01:00:00+01:00', phase: 'L1-N' },
      { stationId: 'CS', evseId: 1, transactionId: 'TX', timestamp: '2025-01-01T00:00:00.000Z', value: 1000, measurand: 'Energy.Active.Import.Register', context: 'Sample.Periodic', location: 'Outlet', unit: 'Wh' },
    ]);
    expect(again).toEqual({ inserted: 0, duplicates: 2 });
    const stored = listMeterValues(store, { stationId: 'CS', transactionId: 'TX' });
    expect(stored).toHaveLength(4);
    expect(listMeterValues(store, { stationId: 'CS', measurand: 'Energy.Active.Import.Register' })[0]).toMatchObject({ value: 1000, unit: 'Wh', phase: null, location: 'Outlet', context: 'Sample.Periodic' });
    expect(listMeterValues(store, { stationId: 'CS', from: '2025-01-01T00:00:01Z' })).toEqual([]);
  });

  it('rejects a non-finite value and stores nothing of that batch', () => {
    expect(() =>
      insertMeterValues(store, [
        { stationId: 'CS', evseId: 1, timestamp: '2025-01-01T00:00:00Z', value: 1 },
        { stationId: 'CS', evseId: 1, timestamp: '2025-01-01T00:00:01Z', value: Number.NaN },
      ]),
    ).toThrow(StoreError);
    expect(listMeterValues(store, { stationId: 'CS' })).toEqual([]);
  });

  it('flattens 1.6 and 2.x MeterValue JSON into samples', () => {
    const s16 = samplesFromMeterValues('1.6', { stationId: 'CP', evseId: 2, transactionId: '7' }, [
      {
        timestamp: '2025-01-01T00:00:00Z',
        sampledValue: [{ value: '12.5', measurand: 'Current.Import', phase: 'L1', unit: 'A' }, { value: 'AbCdEf', format: 'SignedData' }],
      },
    ]);
    expect(s16).toEqual([
      expect.objectContaining({ value: 12.5, measurand: 'Current.Import', phase: 'L1', unit: 'A', transactionId: '7', evseId: 2 }),
      expect.objectContaining({ value: null, signedData: 'AbCdEf' }),
    ]);
    const s2 = samplesFromMeterValues('2.1', { stationId: 'CS', evseId: 1 }, [
      { timestamp: '2025-01-01T00:00:00Z', sampledValue: [{ value: -7.2, measurand: 'Power.Active.Export', unitOfMeasure: { unit: 'kW', multiplier: 3 } }] },
    ]);
    expect(s2[0]).toMatchObject({ value: -7.2, unit: 'kW', multiplier: 3, transactionId: null });
    expect(insertMeterValues(store, [...s16, ...s2]).inserted).toBe(3);
    expect(() => samplesFromMeterValues('1.6', { stationId: 'CP', evseId: 1 }, [{ timestamp: '2025-01-01T00:00:00Z', sampledValue: [{ value: 'abc' }] }])).toThrow(StoreError);
  });
});

describe('charging needs', () => {
  it('normalises AC, DC and 2.1 V2X parameters and keeps the raw request', () => {
    const ac = insertChargingNeeds(
      store,
      'CS',
      { evseId: 1, chargingNeeds: { requestedEnergyTransfer: 'AC_three_phase', departureTime: '2025-01-01T18:00:00Z', acChargingParameters: { energyAmount: 20000, evMinCurrent: 6, evMaxCurrent: 32, evMaxVoltage: 400 } } },
      { transactionId: 'TX', receivedAt: '2025-01-01T10:00:00Z' },
    );
    expect(ac).toMatchObject({ energyAmountWh: 20000, evMinCurrentA: 6, evMaxCurrentA: 32, evMaxVoltageV: 400, departureTime: '2025-01-01T18:00:00.000Z', transactionId: 'TX' });
    const v2x = insertChargingNeeds(
      store,
      'CS',
      {
        evseId: 1,
        maxScheduleTuples: 3,
        timestamp: '2025-01-01T10:59:00Z',
        chargingNeeds: {
          requestedEnergyTransfer: 'DC_BPT',
          availableEnergyTransfer: ['DC', 'DC_BPT'],
          controlMode: 'DynamicControl',
          mobilityNeedsMode: 'EVCC_SECC',
          dcChargingParameters: { evMaxCurrent: 200, evMaxVoltage: 500, stateOfCharge: 40, evEnergyCapacity: 60000 },
          v2xChargingParameters: { maxChargePower: 50000, minChargePower: 0, maxDischargePower: 11000, minDischargePower: 0, evTargetEnergyRequest: 30000, evMinV2XEnergyRequest: 10000, targetSoC: 80 },
        },
      },
      { receivedAt: '2025-01-01T11:00:00Z' },
    );
    expect(v2x).toMatchObject({
      requestedEnergyTransfer: 'DC_BPT',
      availableEnergyTransfer: ['DC', 'DC_BPT'],
      controlMode: 'DynamicControl',
      mobilityNeedsMode: 'EVCC_SECC',
      energyAmountWh: 30000,
      evMaxPowerW: 50000,
      evMaxDischargePowerW: 11000,
      evMinV2XEnergyWh: 10000,
      evMaxCurrentA: 200,
      stateOfCharge: 40,
      targetSoC: 80,
      evEnergyCapacityWh: 60000,
      maxScheduleTuples: 3,
      timestamp: '2025-01-01T10:59:00.000Z',
    });
    expect((v2x.raw as { chargingNeeds: { controlMode: string } }).chargingNeeds.controlMode).toBe('DynamicControl');
    expect(latestChargingNeeds(store, 'CS', 1)!.id).toBe(v2x.id);
    expect(listChargingNeeds(store, { stationId: 'CS', transactionId: 'TX' }).map((n) => n.id)).toEqual([ac.id]);
  });
});

describe('charging profiles and composite schedules', () => {
  const profile = (id: number, extra: Record<string, unknown> = {}) => ({
    id,
    stackLevel: 0,
    chargingProfilePurpose: 'TxDefaultProfile',
    chargingProfileKind: 'Absolute',
    chargingSchedule: [{ id: 1, startSchedule: '2025-01-01T00:00:00Z', chargingRateUnit: 'A', chargingSchedulePeriod: [{ startPeriod: 0, limit: 16 }] }],
    ...extra,
  });

  it('tracks what was sent, what the station answered, and clears by criteria', () => {
    saveChargingProfile(store, { stationId: 'CS', evseId: 0, ocppVersion: '2.1', profile: profile(1, { validFrom: '2025-01-01T00:00:00Z' }), status: 'Pending' });
    saveChargingProfile(store, { stationId: 'CS', evseId: 1, ocppVersion: '2.1', profile: profile(2, { stackLevel: 1, chargingProfilePurpose: 'TxProfile', transactionId: 'TX' }), status: 'Pending' });
    saveChargingProfile(store, {
      stationId: 'CP16',
      evseId: 1,
      ocppVersion: '1.6',
      profile: { chargingProfileId: 9, transactionId: 42, stackLevel: 0, chargingProfilePurpose: 'TxProfile', chargingProfileKind: 'Relative', chargingSchedule: { chargingRateUnit: 'W', chargingSchedulePeriod: [{ startPeriod: 0, limit: 7000 }] } },
      status: 'Accepted',
    });
    expect(listChargingProfiles(store, { stationId: 'CS' })).toEqual([]);
    expect(setChargingProfileStatus(store, 'CS', 1, 'Accepted')).toBe(true);
    expect(setChargingProfileStatus(store, 'CS', 2, 'Rejected', 'TxNotFound')).toBe(true);
    expect(listChargingProfiles(store, { stationId: 'CS' }).map((p) => p.profileId)).toEqual([1]);
    expect(getChargingProfile(store, 'CS', 2)).toMatchObject({ status: 'Rejected', statusReason: 'TxNotFound', transactionId: 'TX', purpose: 'TxProfile', stackLevel: 1 });
    expect(getChargingProfile(store, 'CS', 1)!.validFrom).toBe('2025-01-01T00:00:00.000Z');
    expect(getChargingProfile(store, 'CP16', 9)).toMatchObject({ transactionId: '42', kind: 'Relative', ocppVersion: '1.6' });

    // same id again replaces (K01.FR.05)
    saveChargingProfile(store, { stationId: 'CS', evseId: 0, ocppVersion: '2.1', profile: profile(1, { stackLevel: 3 }), status: 'Accepted' });
    expect(getChargingProfile(store, 'CS', 1)).toMatchObject({ stackLevel: 3, validFrom: null });
    expect(clearChargingProfiles(store, { stationId: 'CS', purpose: 'TxDefaultProfile' })).toBe(1);
    expect(listChargingProfiles(store, { stationId: 'CS', statuses: ['Cleared'] }).map((p) => p.profileId)).toEqual([1]);
    expect(() => saveChargingProfile(store, { stationId: 'CS', evseId: 0, ocppVersion: '2.1', profile: { stackLevel: 0, chargingProfilePurpose: 'TxDefaultProfile', chargingProfileKind: 'Absolute' }, status: 'Pending' })).toThrow(StoreError);
  });

  it('keeps received composite schedules and returns the latest', () => {
    saveCompositeSchedule(store, { stationId: 'CS', evseId: 1, requestedAt: '2025-01-01T00:00:00Z', status: 'Accepted', scheduleStart: '2025-01-01T00:00:00Z', durationS: 3600, chargingRateUnit: 'W', response: { status: 'Accepted' } });
    const b = saveCompositeSchedule(store, { stationId: 'CS', evseId: 1, requestedAt: '2025-01-01T01:00:00Z', status: 'Rejected', response: { status: 'Rejected' } });
    expect(latestCompositeSchedule(store, 'CS', 1)).toEqual(b);
    expect(latestCompositeSchedule(store, 'CS', 2)).toBeUndefined();
  });
});
