// The simulation clock (ARCHITECTURE.md, "Two clocks"): the physical world — SoC, energy,
// schedules, departure times — runs on sim time, which the wall clock drives at a speed factor,
// so an overnight session runs in seconds while protocol timers stay on the wall clock.
//
// Self-contained on purpose: every process shares it, so it is meant to move to a shared
// package; it lives in @v2xsim/ev until that package exists.

/** What a model needs of a clock: the present sim time in ms since the epoch. */
export interface Clock {
  now(): number;
}

export interface SimClockOptions {
  /** Sim time at creation, ms since the epoch. Default: the wall clock's Date.now(). */
  start?: number;
  /** Sim ms per wall ms. 0 freezes sim time: only advance() moves it (tests). Default 1. */
  speed?: number;
  /** Monotonic wall time in ms (any origin). Default performance.now(); inject to test. */
  wallNow?: () => number;
  /** Let the process exit while sim timers are pending (Node's timer.unref()). Default false. */
  unref?: boolean;
}

/** A pending sim-time timer. */
export interface SimTimer {
  cancel(): void;
  readonly active: boolean;
}

interface Entry {
  due: number;
  /** 0 for a one-shot timer */
  periodMs: number;
  /** creation order: equal due times fire in the order they were scheduled */
  seq: number;
  fn: (simTime: number) => void;
  active: boolean;
}

type WallTimer = ReturnType<typeof setTimeout>;

/** setTimeout's delay is a signed 32-bit int; longer waits are re-armed. */
const MAX_WALL_DELAY_MS = 2 ** 31 - 1;

export class SimClock implements Clock {
  private readonly wallNow: () => number;
  private readonly unref: boolean;
  /** sim time at wallAnchor; sim = simAnchor + (wall − wallAnchor) × speed */
  private simAnchor: number;
  private wallAnchor: number;
  private speedFactor: number;
  private stoppedAt: number | undefined;
  private entries: Entry[] = [];
  private seq = 0;
  private wake: WallTimer | undefined;
  private firing = false;

  constructor(options: SimClockOptions = {}) {
    this.wallNow = options.wallNow ?? (() => performance.now());
    this.unref = options.unref ?? false;
    this.speedFactor = checkSpeed(options.speed ?? 1);
    this.simAnchor = options.start ?? Date.now();
    this.wallAnchor = this.wallNow();
  }

  /** Present sim time, ms since the epoch. Never decreases. */
  now(): number {
    if (this.stoppedAt !== undefined) return this.stoppedAt;
    return this.simAnchor + (this.wallNow() - this.wallAnchor) * this.speedFactor;
  }

  get speed(): number {
    return this.speedFactor;
  }

  get stopped(): boolean {
    return this.stoppedAt !== undefined;
  }

  /** Change the speed factor from now on; sim time already elapsed is kept. */
  setSpeed(speed: number): void {
    this.assertRunning();
    this.rebase(this.now());
    this.speedFactor = checkSpeed(speed);
    this.arm();
  }

  /**
   * Jump sim time forward by ms, firing every timer that falls due on the way, in order, with
   * now() equal to each timer's due time while it runs. For tests and for a scenario that skips
   * idle time; works at any speed factor.
   */
  advance(ms: number): void {
    this.assertRunning();
    if (!(ms >= 0) || !Number.isFinite(ms)) throw new RangeError(`advance(ms): ms must be a finite number ≥ 0, got ${ms}`);
    const target = this.now() + ms;
    this.fireDue(target, true);
    if (this.stoppedAt === undefined) {
      this.rebase(Math.max(this.now(), target));
      this.arm();
    }
  }

  /** Run fn once at sim time `simTime` (at once, on the next wake-up, if it is already past). */
  at(simTime: number, fn: (simTime: number) => void): SimTimer {
    return this.add(simTime, 0, fn);
  }

  /** Run fn once, simMs of sim time from now. */
  after(simMs: number, fn: (simTime: number) => void): SimTimer {
    if (!(simMs >= 0)) throw new RangeError(`after(simMs): simMs must be ≥ 0, got ${simMs}`);
    return this.add(this.now() + simMs, 0, fn);
  }

  /**
   * Run fn every simMs of sim time; fn gets the tick's sim time. A tick missed because the wall
   * clock lagged (high speed factor, busy event loop) still fires, late, so an integration driven
   * by it sees every step.
   */
  every(simMs: number, fn: (simTime: number) => void): SimTimer {
    if (!(simMs > 0) || !Number.isFinite(simMs)) throw new RangeError(`every(simMs): simMs must be a finite number > 0, got ${simMs}`);
    return this.add(this.now() + simMs, simMs, fn);
  }

  /** Resolves after simMs of sim time. */
  sleep(simMs: number): Promise<void> {
    return new Promise((resolve) => {
      this.after(simMs, () => resolve());
    });
  }

  /** Cancel every timer and freeze sim time. Scheduling afterwards throws. */
  stop(): void {
    if (this.stoppedAt !== undefined) return;
    this.stoppedAt = this.now();
    for (const e of this.entries) e.active = false;
    this.entries = [];
    this.disarm();
  }

  private add(due: number, periodMs: number, fn: (simTime: number) => void): SimTimer {
    this.assertRunning();
    const entry: Entry = { due, periodMs, seq: this.seq++, fn, active: true };
    this.insert(entry);
    // While timers are firing the loop re-arms at the end; arming here would only churn.
    if (!this.firing) this.arm();
    return {
      cancel: () => {
        if (!entry.active) return;
        entry.active = false;
        const i = this.entries.indexOf(entry);
        if (i >= 0) this.entries.splice(i, 1);
        if (!this.firing) this.arm();
      },
      get active() {
        return entry.active;
      },
    };
  }

  /** Sorted by (due, seq); timers are few, so a sorted array beats a heap here. */
  private insert(entry: Entry): void {
    let i = this.entries.length;
    while (i > 0) {
      const prev = this.entries[i - 1];
      if (prev.due < entry.due || (prev.due === entry.due && prev.seq < entry.seq)) break;
      i--;
    }
    this.entries.splice(i, 0, entry);
  }

  /**
   * Fire every timer due at or before `until`. With `pin`, sim time is moved to each due time
   * before its callback (advance()); otherwise now() keeps following the wall clock and the
   * callback learns its tick time from the argument.
   */
  private fireDue(until: number, pin: boolean): void {
    this.firing = true;
    try {
      while (this.stoppedAt === undefined && this.entries.length > 0 && this.entries[0].due <= until) {
        const entry = this.entries.shift() as Entry;
        const due = entry.due;
        if (entry.periodMs > 0) {
          entry.due += entry.periodMs;
          // A new sequence number keeps round-robin order among timers with the same period.
          entry.seq = this.seq++;
          this.insert(entry);
        } else {
          entry.active = false;
        }
        if (pin && due > this.now()) this.rebase(due);
        entry.fn(due);
      }
    } finally {
      this.firing = false;
    }
  }

  private rebase(simTime: number): void {
    this.simAnchor = simTime;
    this.wallAnchor = this.wallNow();
  }

  private arm(): void {
    this.disarm();
    if (this.stoppedAt !== undefined || this.speedFactor === 0 || this.entries.length === 0) return;
    const delay = Math.min(MAX_WALL_DELAY_MS, Math.max(0, (this.entries[0].due - this.now()) / this.speedFactor));
    this.wake = setTimeout(() => this.onWake(), Math.ceil(delay));
    if (this.unref) this.wake.unref?.();
  }

  private disarm(): void {
    if (this.wake !== undefined) clearTimeout(this.wake);
    this.wake = undefined;
  }

  private onWake(): void {
    this.wake = undefined;
    try {
      this.fireDue(this.now(), false);
    } finally {
      // Re-arm even if a callback threw, so one bad callback does not stop the world.
      this.arm();
    }
  }

  private assertRunning(): void {
    if (this.stoppedAt !== undefined) throw new Error('SimClock is stopped');
  }
}

function checkSpeed(speed: number): number {
  if (!(speed >= 0) || !Number.isFinite(speed)) throw new RangeError(`speed factor must be a finite number ≥ 0, got ${speed}`);
  return speed;
}
