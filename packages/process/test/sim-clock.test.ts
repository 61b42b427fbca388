import { afterEach, describe, expect, it, vi } from 'vitest';
import { SimClock } from '../src/index.js';

const T0 = Date.UTC(2026, 0, 15, 18, 0, 0);

describe('SimClock, driven by advance()', () => {
  it('starts at the given time and moves only by advance() at speed 0', () => {
    const clock = new SimClock({ start: T0, speed: 0 });
    expect(clock.now()).toBe(T0);
    clock.advance(90_000);
    expect(clock.now()).toBe(T0 + 90_000);
    clock.advance(0);
    expect(clock.now()).toBe(T0 + 90_000);
    expect(() => clock.advance(-1)).toThrow(RangeError);
  });

  it('fires every() once per period with the tick time, now() pinned to it', () => {
    const clock = new SimClock({ start: T0, speed: 0 });
    const ticks: number[] = [];
    const seen: number[] = [];
    clock.every(1000, (t) => {
      ticks.push(t - T0);
      seen.push(clock.now() - T0);
    });
    clock.advance(3500);
    expect(ticks).toEqual([1000, 2000, 3000]);
    expect(seen).toEqual(ticks);
    expect(clock.now()).toBe(T0 + 3500);
    clock.advance(500);
    expect(ticks).toEqual([1000, 2000, 3000, 4000]);
  });

  it('fires at() and after() once, in time order, and cancel() stops a timer', () => {
    const clock = new SimClock({ start: T0, speed: 0 });
    const log: string[] = [];
    clock.at(T0 + 3000, () => log.push('at 3000'));
    clock.after(1000, () => log.push('after 1000'));
    const cancelled = clock.after(2000, () => log.push('cancelled'));
    const periodic = clock.every(1500, (t) => log.push(`every ${t - T0}`));
    cancelled.cancel();
    expect(cancelled.active).toBe(false);
    clock.advance(3000);
    periodic.cancel();
    clock.advance(10_000);
    expect(log).toEqual(['after 1000', 'every 1500', 'at 3000', 'every 3000']);
  });

  it('a callback may schedule more work within the same advance()', () => {
    const clock = new SimClock({ start: T0, speed: 0 });
    const log: number[] = [];
    clock.after(1000, () => clock.after(1000, (t) => log.push(t - T0)));
    clock.advance(5000);
    expect(log).toEqual([2000]);
  });

  it('sleep() resolves after the sim time has passed', async () => {
    const clock = new SimClock({ start: T0, speed: 0 });
    let done = false;
    const p = clock.sleep(60_000).then(() => {
      done = true;
    });
    clock.advance(59_999);
    await Promise.resolve();
    expect(done).toBe(false);
    clock.advance(1);
    await p;
    expect(done).toBe(true);
  });

  it('stop() cancels timers, freezes time and refuses new work', () => {
    const clock = new SimClock({ start: T0, speed: 0 });
    const timer = clock.every(1000, () => {});
    clock.advance(1500);
    clock.stop();
    expect(timer.active).toBe(false);
    expect(clock.stopped).toBe(true);
    expect(clock.now()).toBe(T0 + 1500);
    expect(() => clock.after(1, () => {})).toThrow(/stopped/);
    expect(() => clock.advance(1)).toThrow(/stopped/);
    clock.stop();
  });

  it('rejects a non-positive period and a negative speed', () => {
    const clock = new SimClock({ start: T0, speed: 0 });
    expect(() => clock.every(0, () => {})).toThrow(RangeError);
    expect(() => new SimClock({ speed: -1 })).toThrow(RangeError);
  });
});

describe('SimClock speed factor', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('maps wall time to sim time × speed, and advance() adds on top', () => {
    let wall = 5_000;
    const clock = new SimClock({ start: T0, speed: 60, wallNow: () => wall });
    wall += 1000; // one wall second = one sim minute
    expect(clock.now()).toBe(T0 + 60_000);
    clock.advance(3_600_000);
    expect(clock.now()).toBe(T0 + 60_000 + 3_600_000);
    wall += 500;
    expect(clock.now()).toBe(T0 + 60_000 + 3_600_000 + 30_000);
  });

  it('setSpeed() keeps the time elapsed so far', () => {
    let wall = 0;
    const clock = new SimClock({ start: T0, speed: 10, wallNow: () => wall });
    wall = 100;
    expect(clock.now()).toBe(T0 + 1000);
    clock.setSpeed(1000);
    expect(clock.now()).toBe(T0 + 1000);
    wall = 101;
    expect(clock.now()).toBe(T0 + 2000);
    clock.setSpeed(0);
    wall = 10_000;
    expect(clock.now()).toBe(T0 + 2000);
  });

  it('fires sim-time timers from the wall clock at speed × wall rate', () => {
    vi.useFakeTimers({ now: 0 });
    const clock = new SimClock({ start: T0, speed: 60, wallNow: () => Date.now() });
    const ticks: number[] = [];
    clock.every(60_000, (t) => ticks.push((t - T0) / 60_000));
    vi.advanceTimersByTime(999);
    expect(ticks).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(ticks).toEqual([1]);
    vi.advanceTimersByTime(4000);
    expect(ticks).toEqual([1, 2, 3, 4, 5]);
    clock.stop();
    vi.advanceTimersByTime(10_000);
    expect(ticks).toHaveLength(5);
  });

  it('catches up missed ticks when the speed outruns the wall timer resolution', () => {
    vi.useFakeTimers({ now: 0 });
    const clock = new SimClock({ start: T0, speed: 3600, wallNow: () => Date.now() });
    let ticks = 0;
    let last = T0;
    clock.every(100, (t) => {
      expect(t).toBe(last + 100);
      last = t;
      ticks++;
    });
    vi.advanceTimersByTime(10); // 36 s of sim time
    expect(ticks).toBe(360);
    clock.stop();
  });
});
