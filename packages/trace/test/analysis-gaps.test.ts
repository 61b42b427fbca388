// The gap table (object × actor role) from one or more runs plus the static coverage, as JSON and
// Markdown; and reading NDJSON trace files: truncated last lines, malformed lines with their numbers.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analysis, pinoSink, Tracer, type TraceEvent } from '../src/index.js';
import { v2gRun } from './analysis-fixtures.js';

const { gapTable, gapTableMarkdown, journeys, parseNdjson } = analysis;

describe('gapTable', () => {
  const full = journeys(v2gRun(), { context: { batteryCapacityWh: 60_000 } });
  // the same run without NotifyEVChargingNeeds: the CSMS never hears of the EV's parameters
  const quiet = journeys(
    v2gRun().filter((e) => e.message !== 'NotifyEVChargingNeedsRequest'),
    { context: { batteryCapacityWh: 60_000 } },
  );
  const row = (t: analysis.GapTable, object: string) => t.rows.find((r) => r.object === object)!;

  it('one run: source, reached (by which message, how late), and why not', () => {
    const t = gapTable([{ name: 'v2g', report: full }]);
    expect(t.runs).toEqual(['v2g']);
    const r = row(t, 'evMaxChargePower');
    expect(r.cells.EV).toMatchObject({ status: 'source', via: { protocol: 'iso15118-20', message: 'DC_ChargeParameterDiscoveryReq', actor: 'ev' } });
    expect(r.cells.EVSE).toMatchObject({ status: 'reached', via: { message: 'DC_ChargeParameterDiscoveryReq', actor: 'evse' }, delayMs: 1 });
    expect(r.cells.CSMS).toMatchObject({ status: 'reached', via: { protocol: 'ocpp2.1', message: 'NotifyEVChargingNeedsRequest' }, delayMs: 95 });
    expect(r.cells.SCSP).toMatchObject({ status: 'not-reached', gap: 'cannot-carry', reason: expect.stringContaining('OCPI 2.2.1 has no EV data') });
    expect(r.coverage).toMatchObject({ 'iso15118-2': 'standard', 'iso15118-20': 'standard', 'ocpp1.6': 'none', 'ocpi2.2.1': 'none' });
    // D2.3: the SCALE -20 variant adds RemainingV2GEnergy; the EV (its source) did not send it in this standard run
    const soh = row(t, 'v2xStateOfHealth');
    expect(soh.coverage['iso15118-20']).toBe('scale');
    expect(soh.cells.EV).toMatchObject({ status: 'not-reached', silentSource: true, gap: 'cannot-carry' });
    // the JSON form is plain data
    expect(JSON.parse(JSON.stringify(t))).toEqual(t);
  });

  it('several runs: a role reached in one run counts as reached, with the runs it was reached in', () => {
    const t = gapTable([
      { name: 'a', report: full },
      { name: 'b', report: quiet },
    ]);
    expect(row(t, 'evMaxChargePower').cells.CSMS).toMatchObject({ status: 'reached', runs: { had: 1, present: 2 }, delayMs: 95 });
    const alone = gapTable([{ report: quiet }]);
    expect(alone.runs).toEqual(['run 1']);
    expect(row(alone, 'evMaxChargePower').cells.CSMS).toMatchObject({ status: 'not-reached', gap: 'not-carried', reason: expect.stringContaining('NotifyEVChargingNeedsRequest') });
  });

  it('no runs: the static table only', () => {
    const t = gapTable([]);
    expect(t.rows.every((r) => Object.values(r.cells).every((c) => c.status === 'not-traced'))).toBe(true);
    expect(t.coverage.length).toBe(t.rows.length * 7);
    const md = gapTableMarkdown(t);
    expect(md).not.toContain('Data objects × actors');
    expect(md).toContain('| Data object | din70121 | iso15118-2 | iso15118-20 | ocpp1.6 | ocpp2.0.1 | ocpp2.1 | ocpi2.2.1 |');
    expect(md).toContain('| V2X state of health (`v2xStateOfHealth`) | ✗ | ✗ | SCALE | ✗ | ✗ | SCALE | ✗ |');
  });

  it('Markdown: one line per object, reasons as numbered notes', () => {
    const md = gapTableMarkdown(gapTable([{ name: 'v2g', report: full }]));
    expect(md).toContain('| Data object | Source | EV | EVSE | CSMS | SCSP |');
    const line = md.split('\n').find((l) => l.startsWith('| EV maximum charging power'))!;
    expect(line).toMatch(/\| EV \| source: DC_ChargeParameterDiscoveryReq \| ✓ DC_ChargeParameterDiscoveryReq, 1\.0 ms \| ✓ NotifyEVChargingNeedsRequest, 95 ms \| ✗ cannot \[(\d+)\] \|$/);
    const n = /\[(\d+)\] \|$/.exec(line)![1];
    expect(md).toMatch(new RegExp(`\\n${n}\\. csms-scsp \\(ocpi2\\.2\\.1\\): OCPI 2\\.2\\.1 has no EV data`));
  });
});

describe('NDJSON trace files', () => {
  const ev = (ts: number, message: string): TraceEvent => ({ ts, actor: 'ev', link: 'ev-evse', protocol: 'iso15118-2', direction: 'tx', message });
  const line = (e: TraceEvent) => JSON.stringify(e);

  it('reads every event, reports malformed lines by number, and a cut-off last line as truncated', () => {
    const text = [line(ev(1, 'A')), '', '{"ts": 2, "actor": "ev", "link"', line(ev(3, 'B')), '{"foo":1}', JSON.stringify({ ...ev(4, 'C'), direction: 'up' }), line(ev(5, 'D')), '{"ts": 6, "act'].join('\n');
    const t = parseNdjson(text);
    expect(t.events.map((e) => e.message)).toEqual(['A', 'B', 'D']);
    expect(t.errors.map((e) => [e.line, e.message.split(':')[0]])).toEqual([
      [3, 'not JSON'],
      [5, 'ts is not a number'],
      [6, 'direction is not tx or rx'],
    ]);
    expect(t.truncated).toBe(true);
  });

  it('a bad last line that ends with a newline is an error, not a truncation; CRLF is fine', () => {
    const t = parseNdjson(`${line(ev(1, 'A'))}\r\n{oops\n`);
    expect(t).toMatchObject({ truncated: false, errors: [{ line: 2 }] });
    expect(t.events).toHaveLength(1);
    expect(parseNdjson('')).toEqual({ events: [], errors: [], truncated: false });
  });

  it('reads the files pinoSink writes and merges them in time order', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'analysis-'));
    const files = ['ev.ndjson', 'evse.ndjson'].map((f) => join(dir, f));
    const tracers = ['ev', 'evse'].map((actor, i) => new Tracer({ actor, link: 'ev-evse', sinks: [pinoSink(files[i]!)] }));
    tracers[0]!.message({ protocol: 'iso15118-2', direction: 'tx', message: 'SessionSetupReq', body: { big: 2n ** 70n } });
    tracers[1]!.message({ protocol: 'iso15118-2', direction: 'rx', message: 'SessionSetupReq' });
    tracers[0]!.message({ protocol: 'iso15118-2', direction: 'rx', message: 'SessionSetupRes' });
    await Promise.all(tracers.map((t) => t.close()));
    const run = await analysis.readTraceFiles(files);
    expect(run.events.map((e) => `${e.actor} ${e.direction} ${e.message}`)).toEqual(['ev tx SessionSetupReq', 'evse rx SessionSetupReq', 'ev rx SessionSetupRes']);
    expect(run.events[0]!.body).toEqual({ big: (2n ** 70n).toString() });
    expect(run.files.map((f) => [f.events, f.errors.length, f.truncated])).toEqual([
      [2, 0, false],
      [1, 0, false],
    ]);
    // a file cut off mid-line (a killed process) still reads
    writeFileSync(files[1]!, `${line(ev(1, 'A'))}\n{"ts":`);
    expect(await analysis.readTraceFile(files[1]!)).toMatchObject({ truncated: true, errors: [], file: files[1] });
  });
});
