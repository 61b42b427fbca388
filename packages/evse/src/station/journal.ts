// The station's offline queue on disk: an append-only journal (one JSON record per line, each
// write fsynced) of the transaction messages it must deliver in order (2.x TransactionEvent and
// MeterValues; 1.6 StartTransaction, StopTransaction, MeterValues). A message leaves the queue
// only when its CALLRESULT came back (a `done` record) or it was given up (`drop`), so a crash
// or a restart resends what the CSMS may not have, with the same message id ([J21] §4.1.4 lets
// a retry reuse it) so a CSMS can recognise a repeat. 1.6 transactions get their id from the
// CSMS: the journal keeps the station's own reference → transactionId until no message needs it.
import { closeSync, existsSync, fsyncSync, ftruncateSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';

export interface JournalEntry {
  /** order of delivery */
  seq: number;
  action: string;
  messageId: string;
  payload: Record<string, unknown>;
  /** 1.6: the station's reference of the transaction (its transactionId is filled in at delivery) */
  txRef?: string;
  /** epoch ms it was queued */
  at: number;
}

type JournalRecord =
  | ({ t: 'add' } & JournalEntry)
  | { t: 'done'; seq: number; txRef?: string; transactionId?: number }
  | { t: 'drop'; seq: number; reason: string }
  | { t: 'txid'; txRef: string; transactionId: number };

export const JOURNAL_FILE = 'journal.ndjson';
/** rewrite the file when it has this many records and nothing is pending */
const COMPACT_AFTER = 500;

export class Journal {
  private fd: number;
  private readonly queue = new Map<number, JournalEntry>();
  private readonly txIds = new Map<string, number>();
  private nextSeq = 1;
  private records = 0;

  private constructor(private readonly file: string) {
    this.fd = -1;
    this.load();
    this.fd = openSync(file, 'a');
  }

  /** Opens (creating the folder and file if needed) and recovers the journal in `dir`. */
  static open(dir: string): Journal {
    mkdirSync(dir, { recursive: true });
    return new Journal(join(dir, JOURNAL_FILE));
  }

  /** Messages not yet delivered, in order. */
  pending(): JournalEntry[] {
    return [...this.queue.values()];
  }

  /** The next message to deliver. */
  first(): JournalEntry | undefined {
    return this.queue.values().next().value;
  }

  get size(): number {
    return this.queue.size;
  }

  /** 1.6: the transactionId the CSMS gave the transaction `txRef`, once StartTransaction was answered. */
  transactionIdOf(txRef: string): number | undefined {
    return this.txIds.get(txRef);
  }

  /** Queues a message (durably: it is on disk when this returns). */
  add(entry: Omit<JournalEntry, 'seq'>): JournalEntry {
    const e: JournalEntry = { seq: this.nextSeq++, ...entry };
    this.append({ t: 'add', ...e });
    this.queue.set(e.seq, e);
    return e;
  }

  /** The CSMS answered: the message leaves the queue (with the 1.6 transactionId it got, if any). */
  done(seq: number, result: { txRef?: string; transactionId?: number } = {}): void {
    if (!this.queue.has(seq)) return;
    this.append({ t: 'done', seq, ...result });
    this.queue.delete(seq);
    if (result.txRef !== undefined && result.transactionId !== undefined) this.txIds.set(result.txRef, result.transactionId);
  }

  /** Given up (MessageAttempts exhausted, or a message that cannot be sent). */
  drop(seq: number, reason: string): void {
    if (!this.queue.has(seq)) return;
    this.append({ t: 'drop', seq, reason });
    this.queue.delete(seq);
  }

  /**
   * Rewrites the file without what was delivered, when nothing is pending and it has grown;
   * keeps the 1.6 transaction ids of `openTxRefs` (transactions still running).
   */
  compact(openTxRefs: Iterable<string> = [], minRecords = COMPACT_AFTER): boolean {
    if (this.queue.size > 0 || this.records < minRecords) return false;
    const keep = new Set(openTxRefs);
    for (const ref of [...this.txIds.keys()]) if (!keep.has(ref)) this.txIds.delete(ref);
    const lines = [...this.txIds].map(([txRef, transactionId]) => JSON.stringify({ t: 'txid', txRef, transactionId } satisfies JournalRecord) + '\n');
    const tmp = `${this.file}.tmp`;
    const fd = openSync(tmp, 'w');
    try {
      if (lines.length > 0) writeSync(fd, lines.join(''));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    closeSync(this.fd);
    renameSync(tmp, this.file);
    this.fd = openSync(this.file, 'a');
    fsyncSync(this.fd);
    this.records = lines.length;
    return true;
  }

  close(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }

  // ---------------------------------------------------------------------------------------------

  private append(record: JournalRecord): void {
    if (this.fd < 0) throw new Error('journal closed');
    writeSync(this.fd, JSON.stringify(record) + '\n');
    fsyncSync(this.fd);
    this.records++;
  }

  /** Replays the file; a last line cut short by a crash is cut off so appends start clean. */
  private load(): void {
    if (!existsSync(this.file)) return;
    const text = readFileSync(this.file, 'utf8');
    const end = text.lastIndexOf('\n') + 1;
    if (end < text.length) {
      const fd = openSync(this.file, 'r+');
      try {
        ftruncateSync(fd, Buffer.byteLength(text.slice(0, end)));
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
    }
    for (const line of text.slice(0, end).split('\n')) {
      if (line.trim() === '') continue;
      let r: JournalRecord;
      try {
        r = JSON.parse(line) as JournalRecord;
      } catch {
        continue;
      }
      this.records++;
      switch (r.t) {
        case 'add': {
          const { t: _t, ...entry } = r;
          this.queue.set(entry.seq, entry);
          this.nextSeq = Math.max(this.nextSeq, entry.seq + 1);
          break;
        }
        case 'done':
          this.queue.delete(r.seq);
          if (r.txRef !== undefined && r.transactionId !== undefined) this.txIds.set(r.txRef, r.transactionId);
          break;
        case 'drop':
          this.queue.delete(r.seq);
          break;
        case 'txid':
          this.txIds.set(r.txRef, r.transactionId);
          break;
        default:
          break;
      }
    }
  }
}
