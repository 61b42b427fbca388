import { describe, expect, it } from 'vitest';
import { checkConfig, parseSimTime, SIM_TIME_SPEC, simClockStart, simTimeArg, SimClock } from '../src/index.js';

const EPOCH = Date.UTC(2026, 0, 1, 18);

describe('the shared sim epoch', () => {
  it('reads ISO 8601 date-times with a zone and ms since 1970; nothing else', () => {
    expect(parseSimTime('2026-01-01T18:00:00Z')).toBe(EPOCH);
    expect(parseSimTime('2026-01-01T19:00:00.000+01:00')).toBe(EPOCH);
    expect(parseSimTime(String(EPOCH))).toBe(EPOCH);
    expect(parseSimTime(EPOCH)).toBe(EPOCH);
    for (const bad of ['2026-01-01', '2026-01-01T18:00:00', 'tomorrow', '', '1e12']) expect(parseSimTime(bad), bad).toBeUndefined();
    expect(simTimeArg(String(EPOCH))).toBe('2026-01-01T18:00:00.000Z');
    expect(simTimeArg('soon')).toBeUndefined();
    expect(checkConfig(SIM_TIME_SPEC, 'noon', 'clock.epoch')).toEqual([{ path: 'clock.epoch', message: expect.stringContaining('ISO 8601 date-time with a time zone') }]);
    expect(checkConfig(SIM_TIME_SPEC, '2026-01-01T18:00:00Z')).toEqual([]);
  });

  it('two processes started at different wall times are on one time line', () => {
    const speed = 600;
    // one starts 1 s after the epoch, the other 2.5 s after: each clock starts where the line is then
    const a = simClockStart({ speed, epoch: new Date(EPOCH).toISOString() }, EPOCH + 1000)!;
    const b = simClockStart({ speed, epoch: EPOCH }, EPOCH + 2500)!;
    expect(a).toBe(EPOCH + 600_000);
    expect(b).toBe(EPOCH + 1_500_000);
    // 1.5 s of wall time later the first has reached the second's start
    let wall = 0;
    const clockA = new SimClock({ speed, start: a, wallNow: () => wall });
    wall = 1500;
    expect(clockA.now()).toBe(b);
  });

  it('a sim start other than the epoch: the line is shifted; without an epoch the start holds as before', () => {
    expect(simClockStart({ speed: 60, epoch: EPOCH, start: '2030-06-01T00:00:00Z' }, EPOCH + 1000)).toBe(Date.UTC(2030, 5, 1) + 60_000);
    expect(simClockStart({ speed: 60, start: '2030-06-01T00:00:00Z' }, EPOCH + 1000)).toBe(Date.UTC(2030, 5, 1));
    expect(simClockStart({ speed: 60 })).toBeUndefined();
  });
});
