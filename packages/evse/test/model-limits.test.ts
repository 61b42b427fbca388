import { describe, expect, it } from 'vitest';
import { StaticLimitSource, activePMaxScheduleEntry, rebasePMaxSchedule, validatePMaxSchedule } from '../src/index.js';
import type { LimitSource } from '../src/index.js';

const T0 = Date.UTC(2026, 0, 15, 18, 0, 0);
const schedule = [
  { startS: 0, pMaxW: 22_000 },
  { startS: 3600, pMaxW: 7_000 },
  { startS: 7200, pMaxW: 11_000, durationS: 1800 },
];

describe('PMaxSchedule helpers', () => {
  it('find the entry in force', () => {
    expect(activePMaxScheduleEntry(schedule, 0)?.pMaxW).toBe(22_000);
    expect(activePMaxScheduleEntry(schedule, 3600)?.pMaxW).toBe(7_000);
    expect(activePMaxScheduleEntry(schedule, 8999)?.pMaxW).toBe(11_000);
    expect(activePMaxScheduleEntry(schedule, 9000)).toBeUndefined();
  });

  it('rebase a schedule to a later t = 0, as it is sent at that moment', () => {
    expect(rebasePMaxSchedule(schedule, 1800)).toEqual([
      { startS: 0, pMaxW: 22_000 },
      { startS: 1800, pMaxW: 7_000 },
      { startS: 5400, pMaxW: 11_000, durationS: 1800 },
    ]);
    expect(rebasePMaxSchedule(schedule, 8000)).toEqual([{ startS: 0, pMaxW: 11_000, durationS: 1000 }]);
    expect(rebasePMaxSchedule(schedule, 9000)).toEqual([]);
  });

  it('validate order and values', () => {
    expect(() => validatePMaxSchedule([])).toThrow(RangeError);
    expect(() => validatePMaxSchedule([{ startS: 10, pMaxW: 1 }, { startS: 5, pMaxW: 1 }])).toThrow(/sorted/);
    expect(() => validatePMaxSchedule([{ startS: 0, pMaxW: -1 }])).toThrow(RangeError);
  });
});

describe('StaticLimitSource', () => {
  it('gives the configured maximums when there is no schedule', () => {
    const source: LimitSource = new StaticLimitSource({ maxPowerW: 50_000, maxCurrentA: 125 });
    expect(source.currentLimit(T0)).toEqual({ maxPowerW: 50_000, maxCurrentA: 125 });
    expect(new StaticLimitSource().currentLimit(T0)).toEqual({});
  });

  it('folds the active entry into maxPowerW and plans the rest, capped by the maximum', () => {
    const source = new StaticLimitSource({ maxPowerW: 20_000, schedule, scheduleStart: T0 });
    expect(source.currentLimit(T0)).toEqual({
      maxPowerW: 20_000,
      schedule: [
        { startS: 0, pMaxW: 20_000 },
        { startS: 3600, pMaxW: 7_000 },
        { startS: 7200, pMaxW: 11_000, durationS: 1800 },
      ],
    });
    expect(source.currentLimit(T0 + 4000_000).maxPowerW).toBe(7_000);
    expect(source.currentLimit(T0 + 7300_000)).toEqual({ maxPowerW: 11_000, schedule: [{ startS: 0, pMaxW: 11_000, durationS: 1700 }] });
    // after the end only the maximum applies
    expect(source.currentLimit(T0 + 9000_000)).toEqual({ maxPowerW: 20_000 });
  });

  it('covers a gap before the first entry with the maximum', () => {
    const source = new StaticLimitSource({ maxPowerW: 20_000, schedule: [{ startS: 600, pMaxW: 5_000 }], scheduleStart: T0 });
    expect(source.currentLimit(T0)).toEqual({
      maxPowerW: 20_000,
      schedule: [
        { startS: 0, durationS: 600, pMaxW: 20_000 },
        { startS: 600, pMaxW: 5_000 },
      ],
    });
  });

  it('starts the schedule at the first question unless told, and restarts it', () => {
    const source = new StaticLimitSource({ schedule });
    expect(source.currentLimit(T0 + 5_000_000).maxPowerW).toBe(22_000);
    expect(source.currentLimit(T0 + 5_000_000 + 3600_000).maxPowerW).toBe(7_000);
    source.restartSchedule(T0 + 10_000_000);
    expect(source.currentLimit(T0 + 10_000_000).maxPowerW).toBe(22_000);
  });
});
