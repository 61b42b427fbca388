// Pushes to a peer that must all arrive, in order, even when the peer is down or hangs for a
// while: one FIFO lane per peer, one request at a time. A push that fails for a reason worth
// another try (retry.ts) is tried again after a bounded exponential back-off with jitter, and
// keeps its place: nothing queued after it overtakes it. Only after a long limit
// (giveUpAfterMs) is it given up, with a log line and a trace event; a push the peer refuses for
// good (a 2xxx, a 404) is dropped at once, likewise reported.
//
// Each attempt calls the job's run() again (after an unanswered PATCH it may send the whole object
// instead). A job with a `coalesce` key (a state sync: it sends the object's state as a whole or
// as a change from what the peer has) replaces a waiting job with the same key when nothing but
// such syncs was queued after that one, and takes its place: a peer that is down for hours gets
// one sync per object, not one per change, nothing of the object is lost, and no push of another
// kind (a result, a CDR) is overtaken by a later state.
import type { Tracer } from '@v2xsim/trace';
import { DEFAULT_RETRY_POLICY, isRetryable, retryDelay, type RetryPolicy } from './retry.js';

export interface PushJob {
  /** for logs and traces, e.g. `PUT session S1` */
  name: string;
  /** one attempt: resolves when the peer took it, throws when not */
  run(): Promise<unknown>;
  /** a state sync: it replaces a waiting job with the same key when only state syncs follow that one */
  coalesce?: string;
}

export type PushResult =
  | { status: 'delivered'; attempts: number }
  /** refused for good (not worth another try) */
  | { status: 'failed'; attempts: number; error: string }
  /** still failing after giveUpAfterMs */
  | { status: 'given-up'; attempts: number; error: string }
  /** the queue was closed before it was delivered */
  | { status: 'closed'; attempts: number };

export interface PushQueueOptions {
  retry?: Partial<RetryPolicy>;
  /** which failures are tried again; default isRetryable */
  retryable?: (e: unknown) => boolean;
  log?: (line: string) => void;
  /** gets an event (link 'control', message 'ocpi.push-given-up' / 'ocpi.push-failed') for each push not delivered */
  tracer?: Tracer;
  /** wall clock, ms; default Date.now */
  now?: () => number;
  random?: () => number;
}

interface Entry {
  job: PushJob;
  promise: Promise<PushResult>;
  resolve: (o: PushResult) => void;
  attempts: number;
  firstAttemptAt?: number;
  running: boolean;
}

interface Lane {
  entries: Entry[];
  draining: boolean;
  /** cuts the back-off wait short (close) */
  wake?: () => void;
}

const describe = (e: unknown): string => (e instanceof Error ? e.message : String(e));
const duration = (ms: number): string => (ms < 120_000 ? `${(ms / 1000).toFixed(1)} s` : ms < 7_200_000 ? `${(ms / 60_000).toFixed(1)} min` : `${(ms / 3_600_000).toFixed(1)} h`);

export class OcpiPushQueue {
  private readonly lanes = new Map<string, Lane>();
  private readonly policy: RetryPolicy;
  private readonly idleWaiters: (() => void)[] = [];
  private closed = false;

  constructor(private readonly opts: PushQueueOptions = {}) {
    this.policy = { ...DEFAULT_RETRY_POLICY, ...opts.retry };
  }

  /** Queues a push to `lane` (a peer); resolves once it was delivered, refused, given up or the queue closed. */
  push(lane: string, job: PushJob): Promise<PushResult> {
    if (this.closed) return Promise.resolve({ status: 'closed', attempts: 0 });
    let l = this.lanes.get(lane);
    if (!l) {
      l = { entries: [], draining: false };
      this.lanes.set(lane, l);
    }
    if (job.coalesce !== undefined) {
      // the last waiting job with this key, when only such state syncs were queued after it: the
      // newer job takes its place (and its promise); a push of another kind is never overtaken
      for (let i = l.entries.length - 1; i >= 0; i--) {
        const e = l.entries[i]!;
        if (e.job.coalesce === undefined) break;
        if (e.job.coalesce === job.coalesce) {
          if (e.running) break;
          e.job = job;
          return e.promise;
        }
      }
    }
    let resolve!: (o: PushResult) => void;
    const promise = new Promise<PushResult>((r) => (resolve = r));
    l.entries.push({ job, promise, resolve, attempts: 0, running: false });
    if (!l.draining) void this.drain(lane, l);
    return promise;
  }

  /** pushes waiting or under way, in one lane or in all */
  size(lane?: string): number {
    if (lane !== undefined) return this.lanes.get(lane)?.entries.length ?? 0;
    let n = 0;
    for (const l of this.lanes.values()) n += l.entries.length;
    return n;
  }

  /** pushes waiting or under way per lane that has any */
  sizes(): Record<string, number> {
    return Object.fromEntries([...this.lanes].map(([name, l]) => [name, l.entries.length]));
  }

  /** resolves when no lane has anything left */
  idle(): Promise<void> {
    if (this.size() === 0) return Promise.resolve();
    return new Promise((r) => this.idleWaiters.push(r));
  }

  /** Stops: the push under way finishes its attempt; every waiting one resolves 'closed'. */
  close(): void {
    this.closed = true;
    for (const l of this.lanes.values()) l.wake?.();
  }

  private async drain(name: string, lane: Lane): Promise<void> {
    lane.draining = true;
    const now = this.opts.now ?? Date.now;
    const retryable = this.opts.retryable ?? isRetryable;
    while (lane.entries.length > 0) {
      const entry = lane.entries[0]!;
      if (this.closed) {
        lane.entries.shift();
        entry.resolve({ status: 'closed', attempts: entry.attempts });
        continue;
      }
      entry.firstAttemptAt ??= now();
      entry.attempts++;
      entry.running = true;
      let error: unknown;
      let ok = false;
      try {
        await entry.job.run();
        ok = true;
      } catch (e) {
        error = e;
      }
      entry.running = false;
      if (ok) {
        lane.entries.shift();
        if (entry.attempts > 1) this.opts.log?.(`ocpi: ${name} reachable again: ${entry.job.name} delivered after ${entry.attempts} attempts (${duration(now() - entry.firstAttemptAt)})`);
        entry.resolve({ status: 'delivered', attempts: entry.attempts });
        continue;
      }
      const message = describe(error);
      if (!retryable(error)) {
        lane.entries.shift();
        this.report(name, entry, 'ocpi.push-failed', `${entry.job.name} refused by ${name}: ${message}`);
        entry.resolve({ status: 'failed', attempts: entry.attempts, error: message });
        continue;
      }
      const age = now() - entry.firstAttemptAt;
      if (age >= this.policy.giveUpAfterMs) {
        lane.entries.shift();
        this.report(name, entry, 'ocpi.push-given-up', `gave up ${entry.job.name} to ${name} after ${entry.attempts} attempts over ${duration(age)}: ${message}`);
        entry.resolve({ status: 'given-up', attempts: entry.attempts, error: message });
        continue;
      }
      const wait = Math.min(retryDelay(entry.attempts, this.policy, this.opts.random), Math.max(0, this.policy.giveUpAfterMs - age));
      if (entry.attempts === 1) this.opts.log?.(`ocpi: ${entry.job.name} to ${name} failed: ${message}; trying again with back-off (${lane.entries.length} push(es) waiting for ${name})`);
      await new Promise<void>((r) => {
        const t = setTimeout(r, wait);
        lane.wake = () => {
          clearTimeout(t);
          r();
        };
      });
      lane.wake = undefined;
    }
    lane.draining = false;
    this.lanes.delete(name);
    if (this.size() === 0) for (const w of this.idleWaiters.splice(0)) w();
  }

  private report(lane: string, entry: Entry, message: string, text: string): void {
    this.opts.log?.(`ocpi: ${text}`);
    this.opts.tracer?.message({
      link: 'control',
      protocol: 'control',
      direction: 'tx',
      message,
      peer: lane,
      body: { push: entry.job.name, attempts: entry.attempts, firstAttemptAt: new Date(entry.firstAttemptAt ?? Date.now()).toISOString() },
      error: text,
    });
  }
}
