// The CPO's pure mappings (OCPP ↔ OCPI 2.2.1) and its OCPI tables: EVSE status, session ids,
// charging periods, charging needs from preferences, OCPI charging profiles as TxProfiles, the
// composite schedule as ActiveChargingProfile, and the credentials store surviving a reopen.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateOcpiObject } from '@v2xsim/ocpi';
import { defaultOcpiConfig } from '../src/config.js';
import { activeProfileOf, cdrOf, chargingPeriodsOf, evseStatus, locationOf, needsFromPreferences, ocpiSessionId, sessionOf, SqliteCredentialsStore, txProfileOf } from '../src/ocpi/index.js';
import { BatchWriter, openStore, type StoredMeterValue, type TransactionRecord } from '../src/store/index.js';

const party = { country_code: 'NL', party_id: 'CPO' };
const mv = (timestamp: string, measurand: string, value: number, unit = 'Wh'): StoredMeterValue => ({
  stationId: 'CS',
  evseId: 1,
  transactionId: 'T',
  timestamp,
  measurand,
  phase: null,
  location: 'Outlet',
  context: 'Sample.Periodic',
  value,
  unit,
  multiplier: 0,
  signedData: null,
  receivedAt: timestamp,
});
const tx = (over: Partial<TransactionRecord> = {}): TransactionRecord => ({
  stationId: 'CS',
  transactionId: 'T',
  ocppVersion: '2.1',
  evseId: 1,
  connectorId: 1,
  idToken: 'TAG',
  idTokenType: 'ISO14443',
  state: 'Active',
  chargingState: 'Charging',
  operationMode: null,
  startedAt: '2026-01-01T10:00:00.000Z',
  endedAt: null,
  stoppedReason: null,
  meterStartWh: 1000,
  meterStopWh: null,
  remoteStartId: null,
  reservationId: null,
  iso15118SessionId: null,
  offline: false,
  lastSeqNo: 1,
  updatedAt: '2026-01-01T10:30:00.000Z',
  ...over,
});

describe('OCPI mappings of the CPO', () => {
  it('EVSE status from OCPP connector statuses (offline: UNKNOWN)', () => {
    expect(evseStatus(['Available'], true)).toBe('AVAILABLE');
    expect(evseStatus(['Occupied'], true)).toBe('CHARGING');
    expect(evseStatus(['SuspendedEV'], true)).toBe('CHARGING');
    expect(evseStatus(['Reserved'], true)).toBe('RESERVED');
    expect(evseStatus(['Unavailable'], true)).toBe('INOPERATIVE');
    expect(evseStatus(['Faulted', 'Available'], true)).toBe('OUTOFORDER');
    expect(evseStatus(['Available'], false)).toBe('UNKNOWN');
  });

  it('session ids fit string(36)', () => {
    expect(ocpiSessionId('CS-1', 'TX-1')).toBe('CS-1-TX-1');
    const long = ocpiSessionId('A-VERY-LONG-STATION-IDENTITY-0001', '3f1e2d9c-0a4b-4c2e-9f77-1b2c3d4e5f60');
    expect(long).toHaveLength(36);
    expect(long).toBe(ocpiSessionId('A-VERY-LONG-STATION-IDENTITY-0001', '3f1e2d9c-0a4b-4c2e-9f77-1b2c3d4e5f60'));
  });

  it('charging periods: energy since the start, net power (negative = to the grid), SoC', () => {
    const t1 = '2026-01-01T10:15:00.000Z';
    const periods = chargingPeriodsOf(
      [mv(t1, 'Energy.Active.Import.Register', 4000), mv(t1, 'Energy.Active.Export.Register', 0.5, 'kWh'), mv(t1, 'Power.Active.Import', 0), mv(t1, 'Power.Active.Export', 7000), mv(t1, 'SoC', 60, 'Percent')],
      1000,
    );
    expect(periods).toEqual([
      {
        start_date_time: '2026-01-01T10:15:00Z',
        dimensions: expect.arrayContaining([
          { type: 'ENERGY_IMPORT', volume: 3 },
          { type: 'ENERGY_EXPORT', volume: 0 },
          { type: 'POWER', volume: -7 },
          { type: 'STATE_OF_CHARGE', volume: 60 },
        ]),
      },
    ]);
  });

  it('Session, Location and CDR objects validate against the OCPI schemas', () => {
    const cfg = defaultOcpiConfig();
    const session = sessionOf(party, { sessionId: 'CS-T', tx: tx({ state: 'Ended', endedAt: '2026-01-01T11:00:00.000Z', meterStopWh: 11000 }), values: [], token: undefined, authMethod: null, authorizationReference: null, currency: 'EUR', now: new Date() });
    expect(session).toMatchObject({ kwh: 10, status: 'COMPLETED', cdr_token: { uid: 'TAG', type: 'RFID', contract_id: 'TAG' } });
    expect(validateOcpiObject('Session', session)).toMatchObject({ valid: true });
    const station = { id: 'CS', ocppVersion: '2.1' as const, securityProfile: 0 as const, passwordHash: null, registrationStatus: null, vendorName: null, model: null, serialNumber: null, firmwareVersion: null, modemIccid: null, modemImsi: null, bootReason: null, bootInfo: null, lastBootAt: null, lastSeenAt: null, createdAt: '2026-01-01T09:00:00.000Z' };
    const location = locationOf(cfg, party, { station, connectors: [{ stationId: 'CS', evseId: 1, connectorId: 1, status: 'Occupied', errorCode: null, info: null, reportedAt: '', updatedAt: '2026-01-01T10:00:00.000Z' }], online: true, evseMaxPowerW: 11000, tariffIds: ['DEFAULT'] }, new Date());
    expect(location.evses![0]!.connectors[0]).toMatchObject({ max_electric_power: 11000, max_amperage: 16 });
    expect(validateOcpiObject('Location', location)).toMatchObject({ valid: true });
    const cdr = cdrOf(session, location, undefined, new Date());
    expect(cdr).toMatchObject({ total_energy: 10, total_time: 1 });
    expect(validateOcpiObject('CDR', cdr)).toMatchObject({ valid: true });
  });

  it('charging needs from preferences: departure (FAST: none), energy, bidirectional only when allowed and offered', () => {
    const base = { evseId: 1, chargingNeeds: { requestedEnergyTransfer: 'DC_BPT', availableEnergyTransfer: ['DC', 'DC_BPT'], departureTime: '2026-01-01T12:00:00Z', v2xChargingParameters: { maxChargePower: 50000 } } };
    const no = needsFromPreferences(base, 1, { profile_type: 'REGULAR', departure_time: '2026-01-01T18:00:00Z', discharge_allowed: false }, 12000, true);
    expect(no.chargingNeeds).toMatchObject({ requestedEnergyTransfer: 'DC', departureTime: '2026-01-01T18:00:00.000Z', v2xChargingParameters: { maxChargePower: 50000, evTargetEnergyRequest: 12000 } });
    const yes = needsFromPreferences({ ...base, chargingNeeds: { ...base.chargingNeeds, requestedEnergyTransfer: 'DC' } }, 1, { profile_type: 'FAST', departure_time: '2026-01-01T18:00:00Z', discharge_allowed: true }, undefined, true);
    expect(yes.chargingNeeds.requestedEnergyTransfer).toBe('DC_BPT');
    expect(yes.chargingNeeds.departureTime).toBeUndefined();
    const fresh = needsFromPreferences(undefined, 2, { profile_type: 'REGULAR', energy_need: 10 }, 10000, false);
    expect(fresh).toEqual({ evseId: 2, chargingNeeds: { requestedEnergyTransfer: 'AC_three_phase', acChargingParameters: { energyAmount: 10000 } } });
  });

  it('an OCPI charging profile as a TxProfile (capped), and a composite schedule as the ActiveChargingProfile', () => {
    const { profile, applied } = txProfileOf(
      { start_date_time: '2026-01-01T10:00:00Z', duration: 3600, charging_rate_unit: 'W', min_charging_rate: 1000, charging_profile_period: [{ start_period: 0, limit: 30000 }, { start_period: 900, limit: 4000 }] },
      { id: 7, stackLevel: 2, transactionId: 'T', cap: 22000 },
    );
    expect(profile).toEqual({
      id: 7,
      stackLevel: 2,
      chargingProfilePurpose: 'TxProfile',
      chargingProfileKind: 'Absolute',
      transactionId: 'T',
      chargingSchedule: [{ id: 1, startSchedule: Date.parse('2026-01-01T10:00:00Z'), duration: 3600, chargingRateUnit: 'W', minChargingRate: 1000, chargingSchedulePeriod: [{ startPeriod: 0, limit: 22000 }, { startPeriod: 900, limit: 4000 }] }],
    });
    expect(applied.charging_profile_period).toEqual([{ start_period: 0, limit: 22000 }, { start_period: 900, limit: 4000 }]);
    const active = activeProfileOf({ evseId: 1, scheduleStart: Date.parse('2026-01-01T10:00:00Z'), duration: 600, chargingRateUnit: 'W', chargingSchedulePeriod: [{ startPeriod: 0, limit: 7400.04 }, { startPeriod: 300 }] }, 11000);
    expect(active).toEqual({
      start_date_time: '2026-01-01T10:00:00Z',
      charging_profile: { start_date_time: '2026-01-01T10:00:00Z', duration: 600, charging_rate_unit: 'W', charging_profile_period: [{ start_period: 0, limit: 7400 }, { start_period: 300, limit: 11000 }] },
    });
    expect(validateOcpiObject('ActiveChargingProfile', active)).toMatchObject({ valid: true });
  });

  it('the credentials store keeps the registrations across a reopen of the database', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'v2xsim-ocpi-store-'));
    try {
      let store = openStore(dir);
      let writer = new BatchWriter(store);
      await new SqliteCredentialsStore(store, writer).save({ id: 'scsp', status: 'registered', incomingToken: 'C-TOKEN', outgoingToken: 'B-TOKEN', roles: [] });
      await new SqliteCredentialsStore(store, writer).save({ id: 'other', status: 'pending', tokenA: 'A-TOKEN' });
      await writer.drain();
      writer.close();
      store.close();
      store = openStore(dir);
      writer = new BatchWriter(store);
      const creds = new SqliteCredentialsStore(store, writer);
      expect(creds.findByToken('C-TOKEN')).toMatchObject({ kind: 'credentials', peer: { id: 'scsp', status: 'registered', outgoingToken: 'B-TOKEN' } });
      expect(creds.findByToken('A-TOKEN')).toMatchObject({ kind: 'A', peer: { id: 'other' } });
      expect(creds.findByToken('nope')).toBeUndefined();
      await creds.delete('other');
      expect(creds.list().map((p) => p.id)).toEqual(['scsp']);
      writer.close();
      store.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
