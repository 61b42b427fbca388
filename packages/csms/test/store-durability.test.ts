import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { listMeterValues, listTransactionEvents, missingSeqNos, openStore } from '../src/store/index.js';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '../../..');
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** Runs the writer until it has acknowledged `acks` rows, SIGKILLs it, returns the acknowledged seqNos. */
function writeThenKill(dataDir: string, acks: number): Promise<{ acknowledged: number[]; signal: NodeJS.Signals | null }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(here, 'fixtures/durable-writer.ts'), dataDir], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const acknowledged: number[] = [];
    let buffered = '';
    let stderr = '';
    let killed = false;
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.on('data', (d: Buffer) => {
      buffered += d.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop()!;
      for (const line of lines) {
        if (line === 'ready') continue;
        // what the child printed after SIGKILL was sent still counts: it was committed before
        acknowledged.push(Number(line));
        if (!killed && acknowledged.length >= acks) {
          killed = true;
          child.kill('SIGKILL');
        }
      }
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (!killed) reject(new Error(`writer exited by itself (code ${code}): ${stderr}`));
      else resolvePromise({ acknowledged, signal });
    });
  });
}

describe('store durability', () => {
  it('a CSMS killed with SIGKILL mid-stream has, after reopening, every row it acknowledged', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'v2xsim-csms-kill-'));
    dirs.push(dataDir);
    const { acknowledged, signal } = await writeThenKill(dataDir, 150);
    expect(signal).toBe('SIGKILL');
    expect(acknowledged.length).toBeGreaterThanOrEqual(150);

    const store = openStore(dataDir);
    const events = listTransactionEvents(store, 'CS-DUR', 'TX-DUR').map((e) => e.seqNo);
    const storedEvents = new Set(events);
    for (const seqNo of acknowledged) expect(storedEvents.has(seqNo), `acknowledged seqNo ${seqNo} lost`).toBe(true);
    // commits are in order, and each event's meter value is in the same transaction as the event
    expect(missingSeqNos(store, 'CS-DUR', 'TX-DUR')).toEqual([]);
    const values = listMeterValues(store, { stationId: 'CS-DUR', transactionId: 'TX-DUR' }).map((v) => v.value);
    expect(values).toEqual(events.map((s) => s * 10));
    expect(store.db.pragma('integrity_check', { simple: true })).toBe('ok');
    store.close();
  });
});
