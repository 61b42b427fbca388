import { closeSync, fsync, openSync } from 'node:fs';
import type { CsmsStore } from './database.js';

/**
 * Group commit: writes queued in the same turn of the event loop run in one database transaction
 * (one fsync), each inside its own savepoint, and every caller's promise settles only after the
 * COMMIT. A handler that awaits `write` and then answers the CALL acknowledges only what is on
 * disk, and thousands of stations cost one fsync per turn instead of one per message.
 *
 * A write that throws rolls back its own savepoint only; the others of the batch are committed.

 */
export class BatchWriter {
  private queue: { fn: () => unknown; savepoint: boolean; resolve: (v: unknown) => void; reject: (e: unknown) => void }[] = [];
  private scheduled = false;
  private closed = false;
  /** batches committed and writes in them (for the bench and /health) */
  readonly stats = { batches: 0, writes: 0, maxBatch: 0 };

  private readonly asyncSync: boolean;
  private walFd: number | undefined;
  private syncing = false;
  private unsynced: (() => void)[] = [];
  private syncFailed: ((error: unknown) => void)[] = [];

  constructor(
    private readonly store: CsmsStore,
    options: { asyncSync?: boolean } = {},
  ) {
    this.asyncSync = options.asyncSync === true && store.path !== ':memory:';
    if (this.asyncSync) store.db.pragma('synchronous = NORMAL');
  }

  /**
   * Queues `fn` for the next commit. `atomic: true` says fn is all-or-nothing by itself (it runs
   * one store.transaction(), which nests as a savepoint): no extra savepoint is wrapped around it.
   */
  write<T>(fn: () => T, options: { atomic?: boolean } = {}): Promise<T> {
    if (this.closed) return Promise.reject(new Error('the store is closed'));
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ fn, savepoint: !options.atomic, resolve: resolve as (v: unknown) => void, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /** Commits what is queued now (also called by close). */
  flush(): void {
    this.scheduled = false;
    const batch = this.queue;
    if (batch.length === 0) return;
    this.queue = [];
    const outcomes: ({ ok: true; value: unknown } | { ok: false; error: unknown })[] = [];
    try {
      this.store.transaction(() => {
        for (const item of batch) {
          try {
            // a nested better-sqlite3 transaction is a SAVEPOINT: a failure undoes this write only
            outcomes.push({ ok: true, value: item.savepoint ? this.store.db.transaction(item.fn)() : item.fn() });
          } catch (error) {
            outcomes.push({ ok: false, error });
          }
        }
      });
    } catch (error) {
      // the COMMIT itself failed (disk full, I/O error): nothing of the batch is stored
      for (const item of batch) item.reject(error);
      return;
    }
    this.stats.batches++;
    this.stats.writes += batch.length;
    this.stats.maxBatch = Math.max(this.stats.maxBatch, batch.length);
    const settle = () =>
      batch.forEach((item, i) => {
        const o = outcomes[i]!;
        if (o.ok) item.resolve(o.value);
        else item.reject(o.error);
      });
    if (!this.asyncSync) {
      settle();
      return;
    }
    this.unsynced.push(settle);
    this.syncFailed.push((e) => batch.forEach((item) => item.reject(e)));
    this.sync();
  }

  private sync(): void {
    if (this.syncing || this.unsynced.length === 0) return;
    const settle = this.unsynced;
    const fail = this.syncFailed;
    this.unsynced = [];
    this.syncFailed = [];
    // the WAL exists once something was written, and stays (truncated, never deleted) while open
    this.walFd ??= openSync(`${this.store.path}-wal`, 'r');
    this.syncing = true;
    fsync(this.walFd, (err) => {
      this.syncing = false;
      if (err) for (const f of fail) f(err);
      else for (const s of settle) s();
      this.sync();
    });
  }

  /** Commits what is queued and waits for its fsync. */
  async drain(): Promise<void> {
    this.flush();
    while (this.syncing || this.unsynced.length > 0) await new Promise((r) => setTimeout(r, 1));
  }

  close(): void {
    this.flush();
    this.closed = true;
    if (this.walFd !== undefined && !this.syncing) {
      closeSync(this.walFd);
      this.walFd = undefined;
    }
  }
}
