// Reconnect back-off of a station ([J21] §5.4, [J201] §5.3): the first attempt after
// RetryBackOffWaitMinimum plus a random part of at most RetryBackOffRandomRange; every failed
// attempt doubles the wait, at most RetryBackOffRepeatTimes times, then it stays there.

export interface BackoffOptions {
  /** RetryBackOffWaitMinimum, in ms */
  waitMinimumMs: number;
  /** RetryBackOffRandomRange, in ms */
  randomRangeMs: number;
  /** RetryBackOffRepeatTimes */
  repeatTimes: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { waitMinimumMs: 3000, randomRangeMs: 2000, repeatTimes: 5 };

/** The wait before reconnection attempt `attempt` (0 = the first after the connection was lost). */
export function backoffDelayMs(attempt: number, opts: BackoffOptions, random: () => number = Math.random): number {
  const doublings = Math.min(Math.max(0, attempt), Math.max(0, opts.repeatTimes));
  return opts.waitMinimumMs * 2 ** doublings + random() * opts.randomRangeMs;
}
