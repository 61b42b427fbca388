// One sim time line for several processes (docs/scenarios.md, "The two clocks"). Each process
// runs its own SimClock at the same speed; to agree on sim timestamps they also share a sim
// epoch: the wall instant from which every clock counts. A process that starts later does not
// start its sim clock at the epoch but where the shared time line is by then:
//
//   sim(now) = start + (now − epoch) × speed        (start: the sim time at the epoch; default the epoch itself)
//
// Without an epoch a process's sim time starts at `start` (or the wall time) when it starts, as
// before. The configuration keys are `clock.epoch` and `clock.start`, ISO 8601 date-times or
// ms since 1970; the flags `--sim-epoch` and `--sim-start` of every process command set them.
import type { ConfigSpec } from './config-check.js';

/** `2026-01-01T18:00:00Z` or `1767290400000` (ms since 1970) → ms; undefined when it is neither. */
export function parseSimTime(value: string | number): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  const text = value.trim();
  if (/^-?\d+$/.test(text)) return Number(text);
  // a date-time with a time zone (a date alone or a local time would depend on the machine)
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i.test(text)) return undefined;
  const ms = Date.parse(text);
  return Number.isFinite(ms) ? ms : undefined;
}

/** A sim time as configuration text: ISO 8601 UTC with milliseconds. */
export const simTimeText = (ms: number): string => new Date(ms).toISOString();

/** The configuration check of `clock.epoch` and `clock.start`: an ISO 8601 date-time with a zone, or ms since 1970 (digits). */
export const SIM_TIME_SPEC: ConfigSpec = {
  type: 'string',
  check: (v) => (parseSimTime(v) === undefined ? `must be an ISO 8601 date-time with a time zone (2026-01-01T18:00:00Z) or ms since 1970, got ${JSON.stringify(v)}` : undefined),
};

/** What a process's `clock` configuration says about its sim time line. */
export interface SimClockSetting {
  /** sim ms per wall ms */
  speed: number;
  /** sim time at the epoch (or, without one, at the process's start) */
  start?: string | number;
  /** the wall instant the shared time line counts from */
  epoch?: string | number;
}

/**
 * The sim time a SimClock created now starts at (its `start` option): on the shared time line
 * when there is an epoch; else `start`, or undefined (the clock's default: the wall time).
 */
export function simClockStart(setting: SimClockSetting, wallNowMs: number = Date.now()): number | undefined {
  const start = setting.start !== undefined ? parseSimTime(setting.start) : undefined;
  if (setting.epoch === undefined) return start;
  const epoch = parseSimTime(setting.epoch);
  if (epoch === undefined) return start;
  return (start ?? epoch) + (wallNowMs - epoch) * setting.speed;
}

/** `--sim-epoch` / `--sim-start` flag values: ISO 8601 or ms → the configuration text; undefined when it is neither. */
export function simTimeArg(value: string): string | undefined {
  const ms = parseSimTime(value);
  return ms === undefined ? undefined : simTimeText(ms);
}
