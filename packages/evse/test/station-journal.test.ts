// The station's offline journal on disk: what was added and not yet answered survives a reopen
// in order; a record cut short by a crash is ignored and cut off; 1.6 transaction ids are kept
// while their transaction runs, also through a compaction.
import { appendFileSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { JOURNAL_FILE, Journal } from '../src/station/index.js';
import { tempDir } from './support/station-evse.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const mkdir = (): string => {
  const d = tempDir();
  dirs.push(d);
  return d;
};

describe('Journal', () => {
  it('keeps undelivered messages in order across a reopen, and forgets delivered and dropped ones', () => {
    const dir = mkdir();
    const j = Journal.open(dir);
    const a = j.add({ action: 'TransactionEvent', messageId: 'm1', payload: { seqNo: 0 }, at: 1 });
    const b = j.add({ action: 'TransactionEvent', messageId: 'm2', payload: { seqNo: 1 }, at: 2 });
    j.add({ action: 'TransactionEvent', messageId: 'm3', payload: { seqNo: 2 }, at: 3 });
    j.done(a.seq);
    j.drop(b.seq, 'gave up');
    j.close();
    const again = Journal.open(dir);
    expect(again.pending().map((e) => e.messageId)).toEqual(['m3']);
    const d = again.add({ action: 'TransactionEvent', messageId: 'm4', payload: { seqNo: 3 }, at: 4 });
    expect(d.seq).toBeGreaterThan(3);
    expect(again.pending().map((e) => e.messageId)).toEqual(['m3', 'm4']);
    again.close();
  });

  it('ignores and cuts off a last record a crash left half written', () => {
    const dir = mkdir();
    const j = Journal.open(dir);
    j.add({ action: 'MeterValues', messageId: 'm1', payload: {}, at: 1 });
    j.close();
    appendFileSync(join(dir, JOURNAL_FILE), '{"t":"add","seq":2,"action":"Meter');
    const again = Journal.open(dir);
    expect(again.pending().map((e) => e.messageId)).toEqual(['m1']);
    again.add({ action: 'MeterValues', messageId: 'm2', payload: {}, at: 2 });
    again.close();
    expect(readFileSync(join(dir, JOURNAL_FILE), 'utf8').trim().split('\n').every((l) => JSON.parse(l) !== undefined)).toBe(true);
    expect(Journal.open(dir).pending().map((e) => e.messageId)).toEqual(['m1', 'm2']);
  });

  it('remembers the transactionId a StartTransaction got, and keeps it through a compaction while the transaction runs', () => {
    const dir = mkdir();
    const j = Journal.open(dir);
    const s1 = j.add({ action: 'StartTransaction', messageId: 'a', payload: {}, txRef: 'tx-open', at: 1 });
    const s2 = j.add({ action: 'StartTransaction', messageId: 'b', payload: {}, txRef: 'tx-done', at: 2 });
    j.done(s1.seq, { txRef: 'tx-open', transactionId: 11 });
    j.done(s2.seq, { txRef: 'tx-done', transactionId: 12 });
    expect(j.compact(['tx-open'], 1)).toBe(true);
    j.close();
    const again = Journal.open(dir);
    expect(again.transactionIdOf('tx-open')).toBe(11);
    expect(again.transactionIdOf('tx-done')).toBeUndefined();
    expect(readFileSync(join(dir, JOURNAL_FILE), 'utf8').trim().split('\n')).toHaveLength(1);
    // nothing is compacted while a message is pending
    again.add({ action: 'StopTransaction', messageId: 'c', payload: {}, txRef: 'tx-open', at: 3 });
    expect(again.compact([], 1)).toBe(false);
    again.close();
  });
});
