import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MemorySink, Tracer, ndjsonBatcher, pinoSink, type TraceEvent } from '../src/index.js';

describe('Tracer', () => {
  it('stamps wall and sim time, actor and link on every message event', () => {
    const mem = new MemorySink();
    const t = new Tracer({ actor: 'evse-1', link: 'ev-evse', sinks: [mem], simNow: () => 1_700_000_000_000 });
    const before = Date.now();
    t.message({ protocol: 'iso15118-2', direction: 'rx', message: 'SessionSetupReq', correlationId: '00', size: 20, body: { a: 1 } });
    const [e] = mem.events;
    expect(e).toMatchObject({ actor: 'evse-1', link: 'ev-evse', simTime: 1_700_000_000_000, message: 'SessionSetupReq', direction: 'rx' });
    expect(e!.ts).toBeGreaterThanOrEqual(before - 1);
    expect(e!.ts % 1).not.toBe(0); // sub-millisecond resolution (a whole number only by chance)
  });

  it('writes NDJSON through pino, bigints as strings', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'trace-'));
    const file = join(dir, 'run.ndjson');
    const t = new Tracer({ actor: 'ev', link: 'ev-evse', sinks: [pinoSink(file)] });
    t.message({ protocol: 'iso15118-20', direction: 'tx', message: 'SessionStopReq', body: { Header: { TimeStamp: 18446744073709551615n } } });
    t.message({ protocol: 'iso15118-20', direction: 'rx', message: 'SessionStopRes' });
    await t.close();
    const lines = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({ actor: 'ev', message: 'SessionStopReq', body: { Header: { TimeStamp: '18446744073709551615' } } });
    expect(lines[1]!.message).toBe('SessionStopRes');
  });
});

describe('ndjsonBatcher', () => {
  const event = (message: string): TraceEvent => ({ ts: 1, actor: 'ev', link: 'ev-evse', protocol: 'iso15118-2', direction: 'tx', message }) as TraceEvent;
  const lines = (writes: string[]): string[] => writes.join('').trim().split('\n').map((l) => (JSON.parse(l) as { message: string }).message);

  it('by default writes one batch when the event loop is next idle', async () => {
    const writes: string[] = [];
    const b = ndjsonBatcher((t) => writes.push(t));
    b.push(event('A'));
    b.push(event('B'));
    expect(writes).toEqual([]);
    await new Promise((r) => setImmediate(r));
    expect(writes).toHaveLength(1);
    expect(lines(writes)).toEqual(['A', 'B']);
  });

  it('with maxDelayMs writes once after the delay, at once when maxEvents are queued, and flush() writes the rest', async () => {
    const writes: string[] = [];
    const b = ndjsonBatcher((t) => writes.push(t), { maxDelayMs: 50, maxEvents: 3 });
    b.push(event('A'));
    await new Promise((r) => setTimeout(r, 5));
    expect(writes).toEqual([]); // not at the next idle turn: the write waits for the delay
    await new Promise((r) => setTimeout(r, 80));
    expect(lines(writes)).toEqual(['A']);
    b.push(event('B'));
    b.push(event('C'));
    b.push(event('D')); // the third queued event: written at once
    expect(writes).toHaveLength(2);
    b.push(event('E'));
    b.flush();
    expect(lines(writes)).toEqual(['A', 'B', 'C', 'D', 'E']);
    b.flush(); // nothing queued: no empty write
    expect(writes).toHaveLength(3);
  });
});
