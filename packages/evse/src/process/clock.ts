// The EVSE process's sim clock: sim time runs `speed` times as fast as the wall clock. The EVSE
// model only reads the time (metering, schedules, the power stage's ramps), so it needs no timers;
// the full SimClock lives in @v2xsim/ev until a shared package exists.
import type { Clock } from '../model/clock.js';

export class ScaledClock implements Clock {
  private readonly startSim: number;
  private readonly startWall: number;

  constructor(
    readonly speed = 1,
    start: number = Date.now(),
    private readonly wallNow: () => number = () => performance.now(),
  ) {
    if (!(speed > 0) || !Number.isFinite(speed)) throw new RangeError(`speed factor must be a finite number > 0, got ${speed}`);
    this.startSim = start;
    this.startWall = wallNow();
  }

  now(): number {
    return this.startSim + (this.wallNow() - this.startWall) * this.speed;
  }
}
