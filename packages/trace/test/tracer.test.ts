import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MemorySink, Tracer, pinoSink } from '../src/index.js';

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
