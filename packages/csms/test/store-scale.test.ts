import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dictionary } from '@v2xsim/trace';
import { BatchWriter, SCALE_VENDOR_ID, insertChargingNeeds, insertEvChargingSchedule, listEvChargingSchedules, listStations, openStore, registerStation, type CsmsStore } from '../src/store/index.js';

let store: CsmsStore;
beforeEach(() => {
  store = openStore('', { inMemory: true });
});
afterEach(() => store.close());

describe('SCALE charging needs (D2.3 §9.3, §9.4)', () => {
  it('uses the vendorId of the data-object dictionary', () => {
    expect(SCALE_VENDOR_ID).toBe(dictionary.SCALE_OCPP_VENDOR_ID);
  });

  it('reads the 2.0.1 AC/DC customData and the 2.1 V2X customData; other vendors are ignored', () => {
    const dc = insertChargingNeeds(store, 'CS', {
      evseId: 1,
      chargingNeeds: {
        requestedEnergyTransfer: 'DC',
        dcChargingParameters: { evMaxCurrent: 200, evMaxVoltage: 500, customData: { vendorId: 'eu.scale-project', evMinPower: 5000, evMinEnergyAmount: 1000, evMaxEnergyAmount: 40000, minSoC: 30, targetSoC: 90 } },
      },
    });
    expect(dc).toMatchObject({ evMinPowerW: 5000, evMinEnergyWh: 1000, evMaxEnergyWh: 40000, minSoC: 30, targetSoC: 90, evMaxPowerW: null });
    const v2x = insertChargingNeeds(store, 'CS', {
      evseId: 1,
      chargingNeeds: { requestedEnergyTransfer: 'DC_BPT', v2xChargingParameters: { maxChargePower: 1, maxDischargePower: 2, customData: { vendorId: 'eu.scale-project', v2xStateOfHealth: 12345, roundTripEfficiency: 87.5 } } },
    });
    expect(v2x).toMatchObject({ v2xStateOfHealth: 12345, roundTripEfficiency: 87.5 });
    const other = insertChargingNeeds(store, 'CS', {
      evseId: 1,
      chargingNeeds: { requestedEnergyTransfer: 'AC_three_phase', acChargingParameters: { energyAmount: 1, evMinCurrent: 6, evMaxCurrent: 16, evMaxVoltage: 400, customData: { vendorId: 'com.example', minSoC: 99 } } },
    });
    expect(other.minSoC).toBeNull();
  });

  it('keeps NotifyEVChargingSchedule requests', () => {
    insertEvChargingSchedule(store, { stationId: 'CS', evseId: 1, transactionId: 'T', timeBase: '2025-01-01T00:00:00Z', selectedScheduleId: 2, raw: { x: 1 } });
    expect(listEvChargingSchedules(store, { stationId: 'CS' })).toEqual([expect.objectContaining({ transactionId: 'T', selectedScheduleId: 2, timeBase: '2025-01-01T00:00:00.000Z', raw: { x: 1 } })]);
  });
});

describe('BatchWriter (group commit)', () => {
  it('commits the writes of one turn in one transaction; a failing write rolls back only itself', async () => {
    const writer = new BatchWriter(store);
    const results = await Promise.allSettled([
      writer.write(() => registerStation(store, { id: 'A' })),
      writer.write(() => {
        registerStation(store, { id: 'HALF' });
        registerStation(store, { id: 'bad:id' });
      }),
      writer.write(() => registerStation(store, { id: 'B' })),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(listStations(store).map((s) => s.id)).toEqual(['A', 'B']);
    expect(writer.stats).toMatchObject({ batches: 1, writes: 3, maxBatch: 3 });
    writer.close();
    await expect(writer.write(() => 1)).rejects.toThrow(/closed/);
  });
});

describe('BatchWriter with asyncSync', () => {
  it('runs the file store with synchronous = NORMAL and settles each write after its own fsync of the WAL', async () => {
    const { mkdtempSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const dir = mkdtempSync(join(tmpdir(), 'v2xsim-bw-'));
    const file = openStore(dir);
    try {
      const writer = new BatchWriter(file, { asyncSync: true });
      expect(file.db.pragma('synchronous', { simple: true })).toBe(1);
      const first = await Promise.all([writer.write(() => registerStation(file, { id: 'A' }).id), writer.write(() => registerStation(file, { id: 'B' }).id)]);
      expect(first).toEqual(['A', 'B']);
      // batches committed while an fsync runs are covered by the next one
      const more = await Promise.all(Array.from({ length: 50 }, (_, i) => writer.write(() => registerStation(file, { id: `S${i}` }).id)));
      expect(more).toHaveLength(50);
      await writer.drain();
      writer.close();
      expect(listStations(file)).toHaveLength(52);
    } finally {
      file.close();
      rmSync(dir, { recursive: true, force: true });
    }
    // an in-memory store has no WAL to sync: the writer settles at the commit
    expect(new BatchWriter(store, { asyncSync: true })).toBeInstanceOf(BatchWriter);
    expect(store.db.pragma('synchronous', { simple: true })).toBe(2);
  });
});
