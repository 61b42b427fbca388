import { describe, expect, it } from 'vitest';
import { compositeToIso15118 } from '../src/smart-charging/index.js';
import type { CompositeSchedule } from '../src/smart-charging/index.js';

const START = Date.UTC(2025, 0, 6);
const ac = { kind: 'AC' as const };

describe('composite → ISO 15118 schedule', () => {
  const inA: CompositeSchedule = {
    evseId: 1,
    scheduleStart: START,
    duration: 7200,
    chargingRateUnit: 'A',
    chargingSchedulePeriod: [
      { startPeriod: 0, limit: 16, operationMode: 'ChargingOnly' },
      { startPeriod: 600, limit: 16, numberPhases: 1, operationMode: 'ChargingOnly' },
      { startPeriod: 1200, operationMode: 'ChargingOnly' },
      { startPeriod: 3600, limit: 0, operationMode: 'ChargingOnly' },
    ],
  };

  it('PMaxSchedule in W (A × 230 V × phases), the unlimited periods at the EVSE’s rating, the last one until the end', () => {
    expect(compositeToIso15118(inA, { supply: ac, unlimitedW: 22080 })).toEqual({
      pMax: [
        { startS: 0, durationS: 600, pMaxW: 11040 },
        { startS: 600, durationS: 600, pMaxW: 3680 },
        { startS: 1200, durationS: 2400, pMaxW: 22080 },
        { startS: 3600, durationS: 3600, pMaxW: 0 },
      ],
    });
  });

  it('rebased at a later moment: t = 0 is then, past entries are dropped', () => {
    expect(compositeToIso15118(inA, { supply: ac, unlimitedW: 22080, at: START + 900_000 }).pMax).toEqual([
      { startS: 0, durationS: 300, pMaxW: 3680 },
      { startS: 300, durationS: 2400, pMaxW: 22080 },
      { startS: 2700, durationS: 3600, pMaxW: 0 },
    ]);
  });

  it('within the EV’s maximum number of entries, never above the composite (merging keeps the lower limit)', () => {
    const many: CompositeSchedule = {
      ...inA,
      chargingRateUnit: 'W',
      duration: 0,
      chargingSchedulePeriod: Array.from({ length: 50 }, (_, i) => ({ startPeriod: i * 60, limit: 1000 + ((i * 7919) % 13) * 500 })),
    };
    const out = compositeToIso15118(many, { supply: ac, unlimitedW: 22000, maxEntries: 12 }).pMax;
    expect(out).toHaveLength(12);
    expect(out[0].startS).toBe(0);
    expect(out[out.length - 1].durationS).toBeUndefined(); // open-ended like the composite (duration 0)
    for (let i = 1; i < out.length; i++) expect(out[i].startS).toBe(out[i - 1].startS + out[i - 1].durationS!);
    for (const p of many.chargingSchedulePeriod) {
      const e = [...out].reverse().find((x) => x.startS <= p.startPeriod)!;
      expect(e.pMaxW).toBeLessThanOrEqual(p.limit!);
    }
  });

  it('ISO 15118-20 BPT: discharge limits and setpoints alongside, in W', () => {
    const v2x: CompositeSchedule = {
      evseId: 1,
      scheduleStart: START,
      duration: 3600,
      chargingRateUnit: 'W',
      chargingSchedulePeriod: [
        { startPeriod: 0, limit: 7000, operationMode: 'ChargingOnly' },
        { startPeriod: 900, limit: 7000, dischargeLimit: -5000, setpoint: -3000, operationMode: 'CentralSetpoint' },
        { startPeriod: 1800, limit: 7000, operationMode: 'ExternalSetpoint' },
        { startPeriod: 2700, limit: 0, dischargeLimit: 0, operationMode: 'Idle' },
      ],
    };
    expect(compositeToIso15118(v2x, { supply: ac, unlimitedW: 11000, unlimitedDischargeW: 10000 })).toEqual({
      pMax: [
        { startS: 0, durationS: 2700, pMaxW: 7000 },
        { startS: 2700, durationS: 900, pMaxW: 0 },
      ],
      discharge: [
        { startS: 0, durationS: 900, pMinW: 0 },
        { startS: 900, durationS: 900, pMinW: -5000 },
        { startS: 1800, durationS: 900, pMinW: -10000 },
        { startS: 2700, durationS: 900, pMinW: 0 },
      ],
      setpoints: [{ startS: 900, durationS: 900, setpointW: -3000 }],
    });
  });

  it('charging only: no discharge or setpoint lists', () => {
    const out = compositeToIso15118(inA, { supply: ac, unlimitedW: 22080 });
    expect(out.discharge).toBeUndefined();
    expect(out.setpoints).toBeUndefined();
  });

  it('DC: A × the DC voltage', () => {
    const dc: CompositeSchedule = { evseId: 1, scheduleStart: START, duration: 60, chargingRateUnit: 'A', chargingSchedulePeriod: [{ startPeriod: 0, limit: 125 }] };
    expect(compositeToIso15118(dc, { supply: { kind: 'DC', voltage: 400 }, unlimitedW: 150000 }).pMax).toEqual([{ startS: 0, durationS: 60, pMaxW: 50000 }]);
  });
});
