// Journeys and timing budgets from the traces of a real ISO 15118-2 DC session: our EVCC and our
// SECC over TCP on loopback, each with its own Tracer writing NDJSON through pinoSink, the files
// read back and analysed as `v2xsim` traces are.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runEvccSession, type EvccSessionSummary } from '@v2xsim/ev';
import { SeccServer } from '@v2xsim/evse';
import { V2G_TIMING } from '@v2xsim/iso15118';
import { analysis, MemorySink, pinoSink, Tracer, type TraceEvent } from '@v2xsim/trace';
import { TestEv, TestEvse } from '../packages/iso15118/test/support/iso2-doubles.js';

const CYCLES = 5;
let summary: EvccSessionSummary;
let events: TraceEvent[];
let memory: TraceEvent[];
let report: analysis.JourneyReport;
let timing: analysis.TimingReport;
const journey = (object: string) => report.journeys.find((j) => j.object === object)!;

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'analysis-iso2-'));
  const files = [join(dir, 'evse.ndjson'), join(dir, 'ev.ndjson')];
  const mem = new MemorySink();
  const evseTracer = new Tracer({ actor: 'evse-1', link: 'ev-evse', sinks: [pinoSink(files[0]!), mem] });
  const evTracer = new Tracer({ actor: 'ev-1', link: 'ev-evse', sinks: [pinoSink(files[1]!), mem] });
  const server = new SeccServer({ evse: new TestEvse(['DC_extended']), protocols: ['iso2'], tracer: evseTracer });
  const ended = new Promise<void>((resolve) => (server.onSessionEnd = () => resolve()));
  await server.start();
  try {
    summary = await runEvccSession({ ev: new TestEv('DC_extended', CYCLES), protocols: ['iso2'], host: '::1', port: server.port, tracer: evTracer, session: { ongoingDelayMs: 1, loopDelayMs: 1 } });
    await ended;
  } finally {
    await server.stop();
    await Promise.all([evseTracer.close(), evTracer.close()]);
  }
  memory = mem.events;
  const run = await analysis.readTraceFiles(files);
  expect(run.files.map((f) => [f.errors, f.truncated])).toEqual([
    [[], false],
    [[], false],
  ]);
  events = run.events;
  report = analysis.journeys(events, { context: { batteryCapacityWh: 60_000 } });
  timing = analysis.timingReport(events, V2G_TIMING);
}, 30_000);

describe('an ISO 15118-2 DC session, analysed from its NDJSON traces', () => {
  it('ran, and both traces were read back whole', () => {
    expect(summary).toMatchObject({ ok: true, protocol: 'iso2' });
    expect(events).toHaveLength(memory.length);
    expect(report.actors.map((a) => [a.actor, a.role])).toEqual(expect.arrayContaining([['evse-1', 'EVSE'], ['ev-1', 'EV']]));
    expect(report.links).toEqual([expect.objectContaining({ key: 'ev-evse ev-1|evse-1', protocols: ['iso15118-2'], scale: false })]);
  });

  it('EVSE ID: from the EVSE to the EV in SessionSetupRes', () => {
    const j = journey('evseId');
    expect(j.hops[0]).toMatchObject({ from: 'evse-1', to: 'ev-1', message: 'SessionSetupRes', value: 'DE*V2X*E0001*1' });
    expect(j.hops[0]!.tx).toBeDefined();
    expect(j.hops[0]!.rx).toBeDefined();
    expect(j.reached.map((r) => [r.actor, r.how])).toEqual([
      ['evse-1', 'source'],
      ['ev-1', 'received'],
    ]);
  });

  it('EV maximum charge power: 100 kW in ChargeParameterDiscoveryReq, repeated in every CurrentDemandReq', () => {
    const j = journey('evMaxChargePower');
    expect(j.hops).toHaveLength(1);
    expect(j.hops[0]).toMatchObject({ from: 'ev-1', to: 'evse-1', message: 'ChargeParameterDiscoveryReq', value: 100_000, repeats: summary.messages.CurrentDemandReq });
    expect(j.hops[0]!.fields[0]).toMatchObject({ path: 'DC_EVChargeParameter/EVMaximumPowerLimit' });
    expect(j.deliveries[0]!.consumers.map((c) => c.actor)).toEqual(['evse-1']);
    expect(j.latency.hop!.count).toBe(1 + summary.messages.CurrentDemandReq!);
  });

  it('target energy request: 30 kWh in ChargeParameterDiscoveryReq', () => {
    expect(journey('evTargetEnergyRequest').hops).toEqual([expect.objectContaining({ message: 'ChargeParameterDiscoveryReq', value: 30_000, fields: [expect.objectContaining({ path: 'DC_EVChargeParameter/EVEnergyRequest' })] })]);
  });

  it('charged energy: each new meter reading of CurrentDemandRes reaches the EV, in order', () => {
    const j = journey('chargedEnergy');
    expect(j.hops.length).toBeGreaterThanOrEqual(CYCLES - 1);
    const values = j.hops.map((h) => h.value as number);
    expect(values).toEqual([...values].sort((a, b) => a - b));
    for (const h of j.hops) {
      expect(h).toMatchObject({ from: 'evse-1', to: 'ev-1', message: 'CurrentDemandRes', fromRole: 'EVSE', toRole: 'EV' });
      expect(h.latencyMs).toBeGreaterThanOrEqual(0);
      expect(events[h.rx!.event]!.direction).toBe('rx');
    }
    expect(j.deliveries).toHaveLength(j.hops.length);
  });

  it('gaps on the -2 link, with D2.3’s reasons', () => {
    expect(journey('evMinChargePower').gaps).toEqual([expect.objectContaining({ kind: 'cannot-carry', reason: expect.stringContaining('minimum current') })]);
    expect(journey('evMaxDischargePower').gaps[0]).toMatchObject({ kind: 'cannot-carry', reason: expect.stringContaining('§8.2.1.2') });
    // -2 can carry the EVSE's green share (a sales tariff), the TestEvse sent none
    expect(journey('minGreenLevel').gaps[0]).toMatchObject({ kind: 'not-carried' });
  });

  it('timing: CurrentDemand and ChargeParameterDiscovery against Table 109, without breaches of the timeouts', () => {
    const row = (message: string, kind: string) => timing.rows.find((r) => r.protocol === 'iso15118-2' && r.message === message && r.kind === kind)!;
    const cdEv = row('CurrentDemand', 'evcc-msg-timeout');
    expect(cdEv).toMatchObject({ budget: { name: 'V2G_EVCC_Msg_Timeout', ms: 250 }, breaches: 0, actors: ['ev-1'], stats: { count: summary.messages.CurrentDemandReq } });
    expect(cdEv.stats.max).toBeLessThan(250);
    expect(row('CurrentDemand', 'secc-performance')).toMatchObject({ budget: { name: 'V2G_SECC_Msg_Performance_Time', ms: 25 }, actors: ['evse-1'], stats: { count: summary.messages.CurrentDemandReq } });
    expect(row('ChargeParameterDiscovery', 'evcc-msg-timeout')).toMatchObject({ budget: { ms: 2000 }, breaches: 0, stats: { count: 1 } });
    expect(row('ChargeParameterDiscovery', 'secc-performance')).toMatchObject({ budget: { ms: 1500 }, breaches: 0, stats: { count: 1 } });
    expect(row('CurrentDemand', 'loop-interval').stats.count).toBe(summary.messages.CurrentDemandReq! - 1);
    expect(row('CurrentDemand', 'secc-sequence').budget).toMatchObject({ name: 'V2G_SECC_Sequence_Timeout', ms: 60_000 });
    // the report finds exactly the breaches the processes flagged themselves (none on a quiet machine)
    expect(timing.breaches.filter((b) => b.kind === 'evcc-msg-timeout' || b.kind === 'secc-performance').map((b) => b.event).sort((a, b) => a - b)).toEqual(
      events.flatMap((e, i) => (e.timing?.breach ? [i] : [])),
    );
    expect(summary.breaches).toEqual([]);
    expect(timing.renegotiations).toEqual([]);
  });

  it('the gap table of the run, as Markdown', () => {
    const md = analysis.gapTableMarkdown(analysis.gapTable([{ name: 'iso2', report }]));
    expect(md).toContain('| EVSE ID (`evseId`) | EVSE | ✓ SessionSetupRes, ');
    expect(md).toMatch(/\| EV maximum charging power \(`evMaxChargePower`\) \| EV \| source: ChargeParameterDiscoveryReq \| ✓ ChargeParameterDiscoveryReq, [\d.]+ ms \| – \| – \|/);
  });
});
