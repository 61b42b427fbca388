// Delivery of the journaled transaction messages, strictly in order, one at a time, only while
// the station may send (connected and BootNotification accepted). A message leaves the journal
// when the CSMS answered it; a CALLERROR or a timeout is retried after MessageAttemptInterval ×
// attempt, up to MessageAttempts ([P2-21] E13, 1.6 TransactionMessageAttempts/RetryInterval),
// then given up; a lost connection is not an attempt: delivery resumes after the reconnect.
import { OcppConnectionClosedError, OcppValidationError, type OcppConnection } from '@v2xsim/ocpp';
import type { Journal, JournalEntry } from './journal.js';

export interface OutboxOptions {
  journal: Journal;
  /** the connection to send on, when the station may send */
  connection: () => OcppConnection | undefined;
  /** MessageAttempts (total tries of one message) */
  attempts: () => number;
  /** MessageAttemptInterval, s */
  attemptIntervalS: () => number;
  /** the CSMS answered `entry`: returns what the journal keeps (1.6: the transaction id given) */
  delivered: (entry: JournalEntry, response: Record<string, unknown>) => { txRef?: string; transactionId?: number } | void;
  dropped?: (entry: JournalEntry, reason: string) => void;
  /** 1.6: references of transactions still open (their ids survive a compaction of the journal) */
  openTxRefs?: () => string[];
}

export class Outbox {
  private running = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private readonly tries = new Map<number, number>();
  private waiters: (() => void)[] = [];
  private closed = false;

  constructor(private readonly o: OutboxOptions) {}

  get pending(): number {
    return this.o.journal.size;
  }

  /** Journals a message (durably) and delivers it when its turn comes. */
  enqueue(action: string, payload: Record<string, unknown>, messageId: string, at: number, txRef?: string): JournalEntry {
    const entry = this.o.journal.add({ action, messageId, payload, at, ...(txRef !== undefined ? { txRef } : {}) });
    void this.pump();
    return entry;
  }

  /** Resolves when nothing is left to deliver. */
  drained(): Promise<void> {
    if (this.o.journal.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.retryTimer);
  }

  /** Delivers what it can now; call again when the station may send again. */
  async pump(): Promise<void> {
    if (this.running || this.retryTimer || this.closed) return;
    this.running = true;
    try {
      for (;;) {
        const conn = this.o.connection();
        const e = this.o.journal.first();
        if (!conn || !e || this.closed) break;
        let payload = e.payload;
        if (e.txRef !== undefined && e.action !== 'StartTransaction') {
          // 1.6: the CSMS's transactionId replaces the station's own reference
          const transactionId = this.o.journal.transactionIdOf(e.txRef);
          if (transactionId === undefined) {
            this.drop(e, 'its StartTransaction was not accepted');
            continue;
          }
          payload = { ...payload, transactionId };
        }
        try {
          const response = await conn.callUnchecked(e.action, payload, { messageId: e.messageId });
          const kept = this.o.delivered(e, response);
          this.o.journal.done(e.seq, kept ?? {});
          this.tries.delete(e.seq);
          if (this.o.journal.size === 0) this.o.journal.compact(this.o.openTxRefs?.() ?? []);
        } catch (error) {
          if (error instanceof OcppConnectionClosedError || this.closed) break;
          if (error instanceof OcppValidationError && error.direction === 'outbound') {
            this.drop(e, `not a valid ${e.action}: ${error.message}`);
            continue;
          }
          const n = (this.tries.get(e.seq) ?? 0) + 1;
          if (n >= Math.max(1, this.o.attempts())) {
            this.drop(e, `no success after ${n} attempts: ${error instanceof Error ? error.message : String(error)}`);
            continue;
          }
          this.tries.set(e.seq, n);
          this.retryTimer = setTimeout(() => {
            this.retryTimer = undefined;
            void this.pump();
          }, this.o.attemptIntervalS() * 1000 * n);
          break;
        }
      }
    } finally {
      this.running = false;
    }
    if (this.o.journal.size === 0) for (const w of this.waiters.splice(0)) w();
  }

  private drop(e: JournalEntry, reason: string): void {
    this.o.journal.drop(e.seq, reason);
    this.tries.delete(e.seq);
    this.o.dropped?.(e, reason);
  }
}
