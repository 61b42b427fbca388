// When and how soon a failed OCPI request is tried again: bounded exponential back-off with
// jitter, and which failures are worth another try. OCPI (transport_and_format.asciidoc) leaves
// retries to the parties; a retry is a new request (a new X-Request-ID), and the receiver of a
// repeated push handles it by object (the same Session PUT again, a CDR it has: 409).
import { OcpiError, OcpiStatus, OcpiTransportError } from '../core/status.js';

export interface RetryPolicy {
  /** the first delay, ms */
  baseDelayMs: number;
  /** no delay is longer, ms */
  maxDelayMs: number;
  /** a request still failing this long after its first attempt is given up, ms */
  giveUpAfterMs: number;
}

/** 0.5 s doubling to 1 min; given up after 24 h */
export const DEFAULT_RETRY_POLICY: RetryPolicy = { baseDelayMs: 500, maxDelayMs: 60_000, giveUpAfterMs: 24 * 3_600_000 };

/**
 * The wait before the next attempt after `failures` failed ones (1, 2, …): the exponential
 * ceiling min(max, base·2^(failures−1)), of which a random half ("equal jitter"): parties that lost
 * their peer at the same moment do not all come back at the same moment, and no wait is shorter
 * than half the ceiling.
 */
export function retryDelay(failures: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, failures - 1));
  return ceiling / 2 + (random() * ceiling) / 2;
}

/**
 * Worth another attempt: no answer (unreachable, connection reset, timed out), HTTP 5xx, 408 or
 * 429, or OCPI 3000 (generic server error) / 3001 (it could not use our API). A 2xxx, 401, 404
 * or any other client error will not change by asking again.
 */
export function isRetryable(e: unknown): boolean {
  if (e instanceof OcpiTransportError) return e.httpStatus === undefined || e.httpStatus >= 500 || e.httpStatus === 408 || e.httpStatus === 429;
  if (e instanceof OcpiError) return e.httpStatus >= 500 || e.httpStatus === 408 || e.httpStatus === 429 || e.statusCode === OcpiStatus.ServerError || e.statusCode === OcpiStatus.UnableToUseClientApi;
  return false;
}
