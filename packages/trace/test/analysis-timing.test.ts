// Timing report from hand-built traces: percentiles, breaches against the budget table (not only
// the process's own verdict), sequence timers and the charge-loop update interval, renegotiations
// (traced for -20, derived for -2) against D2.3's 6 s / 7 s, OCPP/OCPI round trips, and
// declarative end-to-end latencies.
import { describe, expect, it } from 'vitest';
import { analysis, type TraceEvent } from '../src/index.js';
import { exchange, msg, v20, v2g } from './analysis-fixtures.js';

const { timingReport, stats, percentile } = analysis;

/** a budget table shaped like @v2xsim/iso15118's V2G_TIMING (the values of ISO 15118-2 Table 109 and D2.3 §11.2) */
const BUDGETS: analysis.TimingBudgets = {
  iso2: {
    messages: {
      SessionSetup: { evccTimeoutMs: 2000, seccPerformanceMs: 1500 },
      ChargeParameterDiscovery: { evccTimeoutMs: 2000, seccPerformanceMs: 1500 },
      PowerDelivery: { evccTimeoutMs: 5000, seccPerformanceMs: 4500 },
      CurrentDemand: { evccTimeoutMs: 250, seccPerformanceMs: 25 },
    },
    timers: { V2G_SECC_Sequence_Timeout: { value: 60_000 }, V2G_EVCC_Sequence_Performance_Time: { value: 40_000 } },
  },
  iso20: {
    messages: { DC_ChargeLoop: { evccTimeoutMs: 500, seccPerformanceMs: 250 } },
    timers: { SCALE_Renegotiation_Timeout: { value: 7000 }, SCALE_Renegotiation_Performance_Time: { value: 6000 } },
  },
};

const cd = (at: number, rtt: number, processing: number, extra: Record<string, unknown> = {}) =>
  exchange('iso15118-2', 'CurrentDemand', at, v2g('CurrentDemandReq', { DC_EVStatus: { EVRESSSOC: 50 } }), v2g('CurrentDemandRes', { ResponseCode: 'OK', ...extra }), { rtt, processing, timeoutMs: 250, perfMs: 25 });
const row = (r: analysis.TimingReport, message: string, kind: string) => r.rows.find((x) => x.message === message && x.kind === kind)!;

describe('stats', () => {
  it('nearest-rank percentiles: every reported value is a sample', () => {
    const s = stats(Array.from({ length: 100 }, (_, i) => 100 - i))!;
    expect(s).toMatchObject({ count: 100, min: 1, p50: 50, p99: 99, max: 100, mean: 50.5 });
    expect(stats([3, 1, 2])).toMatchObject({ p50: 2, p99: 3 });
    expect(percentile([7], 0.99)).toBe(7);
    expect(stats([])).toBeUndefined();
  });
});

describe('timingReport: ISO 15118 budgets', () => {
  // 20 CurrentDemand cycles, 100 ms apart: round trips 2..20 ms, processing 1..18 ms; the last takes 300 ms, 30 of it in the EVSE
  const events: TraceEvent[] = [];
  for (let k = 0; k < 20; k++) events.push(...(k === 19 ? cd(100 * k, 300, 30) : cd(100 * k, k + 2, Math.max(1, k))));
  const report = timingReport(events, BUDGETS);

  it('per message: count, p50, p99, max of the EV’s response times against V2G_EVCC_Msg_Timeout', () => {
    const r = row(report, 'CurrentDemand', 'evcc-msg-timeout');
    expect(r).toMatchObject({ protocol: 'iso15118-2', budget: { name: 'V2G_EVCC_Msg_Timeout', ms: 250, kind: 'timeout' }, breaches: 1, actors: ['ev'] });
    expect(r.stats).toMatchObject({ count: 20, p50: 11, p99: 300, max: 300 });
  });

  it('and the EVSE’s processing times against V2G_SECC_Msg_Performance_Time', () => {
    const r = row(report, 'CurrentDemand', 'secc-performance');
    expect(r).toMatchObject({ budget: { name: 'V2G_SECC_Msg_Performance_Time', ms: 25, kind: 'performance' }, breaches: 1, actors: ['evse'] });
    expect(r.stats.max).toBe(30);
  });

  it('lists each breach with the event that measured it', () => {
    expect(report.breaches).toHaveLength(2);
    for (const b of report.breaches) {
      const e = events[b.event]!;
      expect(e.timing?.elapsedMs).toBe(b.elapsedMs);
      expect(e.message).toBe('CurrentDemandRes');
    }
    expect(report.breaches.map((b) => [b.actor, b.kind, b.elapsedMs, b.budget.ms])).toEqual(
      expect.arrayContaining([
        ['ev', 'evcc-msg-timeout', 300, 250],
        ['evse', 'secc-performance', 30, 25],
      ]),
    );
  });

  it('checks against the table, not only the budget the process traced', () => {
    const lax = cd(0, 40, 30).map((e) => (e.timing ? { ...e, timing: { ...e.timing, budgetMs: 1000, breach: false } } : e));
    const r = timingReport(lax, BUDGETS);
    expect(row(r, 'CurrentDemand', 'secc-performance')).toMatchObject({ budget: { ms: 25 }, breaches: 1 });
    // without a table, the traced budget is the reference
    expect(row(timingReport(lax), 'CurrentDemand', 'secc-performance')).toMatchObject({ budget: { ms: 1000 }, breaches: 0 });
  });

  it('sequence timers between messages and the charge-loop update interval (D2.3 §11.2)', () => {
    const seq = row(report, 'CurrentDemand', 'secc-sequence');
    expect(seq).toMatchObject({ budget: { name: 'V2G_SECC_Sequence_Timeout', ms: 60_000 }, breaches: 0, stats: { count: 19 } });
    expect(row(report, 'CurrentDemand', 'evcc-sequence')).toMatchObject({ budget: { name: 'V2G_EVCC_Sequence_Performance_Time', ms: 40_000 } });
    const loop = row(report, 'CurrentDemand', 'loop-interval');
    expect(loop).toMatchObject({ budget: { ms: 250, kind: 'update-interval' }, breaches: 0, actors: ['evse'], stats: { count: 19, max: 100 } });
    // an EV pausing 400 ms between cycles: the EVSE learns a change too late
    const slow = timingReport([...cd(0, 5, 2), ...cd(400, 5, 2)], BUDGETS);
    expect(row(slow, 'CurrentDemand', 'loop-interval')).toMatchObject({ breaches: 1, stats: { max: 400 } });
  });
});

describe('timingReport: renegotiations (D2.3 §11.2: 6 s performance, 7 s timeout)', () => {
  it('-20: as traced by the EV and the EVSE', () => {
    const events = [
      ...msg({ from: 'ev', to: 'evse', link: 'ev-evse', protocol: 'iso15118-20', message: 'PowerDeliveryReq', at: 0, correlationId: 'AB12', body: v20('PowerDeliveryReq', { EVProcessing: 'Finished', ChargeProgress: 'Start' }), txTiming: { kind: 'scale-renegotiation', elapsedMs: 6500, budgetMs: 7000, breach: false }, rxTiming: { kind: 'scale-renegotiation', elapsedMs: 6400, budgetMs: 6000, breach: true } }),
    ];
    const r = timingReport(events, BUDGETS).renegotiations;
    expect(r.map((x) => [x.actor, x.how, x.elapsedMs, x.breachPerformance, x.breachTimeout])).toEqual([
      ['ev', 'traced', 6500, true, false],
      ['evse', 'traced', 6400, true, false],
    ]);
    expect(r[0]).toMatchObject({ performanceMs: 6000, timeoutMs: 7000, protocol: 'iso15118-20' });
  });

  it('-2: derived from PowerDelivery(Renegotiate) or EVSENotification ReNegotiation to PowerDelivery(Start)', () => {
    const pd = (at: number, progress: string) => exchange('iso15118-2', 'PowerDelivery', at, v2g('PowerDeliveryReq', { ChargeProgress: progress, SAScheduleTupleID: 1 }), v2g('PowerDeliveryRes', { ResponseCode: 'OK' }));
    const cpd = (at: number) => exchange('iso15118-2', 'ChargeParameterDiscovery', at, v2g('ChargeParameterDiscoveryReq', {}), v2g('ChargeParameterDiscoveryRes', { ResponseCode: 'OK', EVSEProcessing: 'Finished' }));
    const events = [
      // the EV asks: 3 s
      ...pd(0, 'Renegotiate'),
      ...cpd(1000),
      ...pd(3000, 'Start'),
      // the EVSE asks (a CurrentDemandRes with ReNegotiation): 7.5 s, past the timeout
      ...cd(10_000, 5, 2, { DC_EVSEStatus: { EVSENotification: 'ReNegotiation', NotificationMaxDelay: 0 } }),
      ...pd(11_000, 'Renegotiate'),
      ...cpd(12_000),
      ...pd(17_500, 'Start'),
    ];
    const r = timingReport(events, BUDGETS).renegotiations;
    expect(r.map((x) => [x.actor, x.how, x.trigger, x.elapsedMs, x.breachPerformance, x.breachTimeout])).toEqual([
      ['evse', 'derived', 'EV', 3000, false, false],
      ['evse', 'derived', 'EVSE', 7500 - 2 + 0, true, true],
    ]);
  });
});

describe('timingReport: OCPP and OCPI', () => {
  const call = msg({ from: 'evse', to: 'csms', link: 'evse-csms', protocol: 'ocpp', version: '2.0.1', message: 'BootNotificationRequest', at: 0, latency: 3, correlationId: 'c1', body: { reason: 'PowerUp', chargingStation: { model: 'M', vendorName: 'V' } } });
  const result = msg({ from: 'csms', to: 'evse', link: 'evse-csms', protocol: 'ocpp', version: '2.0.1', message: 'BootNotificationResponse', at: 13, latency: 3, correlationId: 'c1', body: { status: 'Accepted', currentTime: '2023-11-14T22:13:20Z', interval: 300 }, rxTiming: { kind: 'ocpp-call', elapsedMs: 16, budgetMs: 30_000, breach: false } });
  const put = msg({ from: 'csms', to: 'scsp', link: 'csms-scsp', protocol: 'ocpi', version: '2.2.1', message: 'PUT /sessions/{country_code}/{party_id}/{session_id}', at: 20, latency: 4, correlationId: 'x1', body: { id: 'S1', kwh: 0 } });
  const putRes = msg({ from: 'scsp', to: 'csms', link: 'csms-scsp', protocol: 'ocpi', version: '2.2.1', message: 'PUT /sessions/{country_code}/{party_id}/{session_id} response', at: 30, latency: 4, correlationId: 'x1', body: { status_code: 1000, timestamp: '2023-11-14T22:13:20Z' } });
  const r = timingReport([...call, ...result, ...put, ...putRes], BUDGETS);

  it('OCPP: the caller’s traced call time (against its own call timeout) and the CSMS’s processing time (no budget: D2.3 §11.3)', () => {
    expect(row(r, 'BootNotification', 'ocpp-call')).toMatchObject({ protocol: 'ocpp2.0.1', budget: { kind: 'call-timeout', ms: 30_000 }, stats: { max: 16 } });
    const proc = row(r, 'BootNotification', 'ocpp-processing');
    expect(proc).toMatchObject({ actors: ['csms'], stats: { max: 10 } });
    expect(proc.budget).toBeUndefined();
  });

  it('OCPI: round trip at the client, processing at the server', () => {
    expect(row(r, 'PUT /sessions/{country_code}/{party_id}/{session_id}', 'ocpi-roundtrip')).toMatchObject({ protocol: 'ocpi2.2.1', actors: ['csms'], stats: { max: 14 } });
    expect(row(r, 'PUT /sessions/{country_code}/{party_id}/{session_id}', 'ocpi-processing')).toMatchObject({ actors: ['scsp'], stats: { max: 6 } });
  });
});

describe('end-to-end latencies', () => {
  const prefs = msg({ from: 'scsp', to: 'csms', link: 'csms-scsp', protocol: 'ocpi', version: '2.2.1', message: 'PUT /sessions/{session_id}/charging_preferences', at: 0, latency: 5, correlationId: 'p1', body: { profile_type: 'CHEAP', departure_time: '2023-11-15T06:00:00Z' } });
  const setProfile = msg({ from: 'csms', to: 'evse', link: 'evse-csms', protocol: 'ocpp', version: '2.1', message: 'SetChargingProfileRequest', at: 100, correlationId: 's1', body: { evseId: 1, chargingProfile: { id: 1 } } });
  const schedule = (at: number, processing: string) =>
    exchange('iso15118-20', 'ScheduleExchange', at, v20('ScheduleExchangeReq', { MaximumSupportingPoints: 24 }), v20('ScheduleExchangeRes', { ResponseCode: 'OK', EVSEProcessing: processing }));
  const events = [...prefs, ...setProfile, ...schedule(700, 'Ongoing'), ...schedule(800, 'Finished')];
  const r = timingReport(events, BUDGETS);
  const lat = (id: string) => r.latencies.find((l) => l.id === id)!;

  it('departure time at the eMSP → the EV’s renegotiated schedule: from the first end of the OCPI message to the Finished ScheduleExchangeRes', () => {
    const l = lat('departure-time-to-ev-schedule');
    expect(l.samples).toHaveLength(1);
    // the ScheduleExchangeRes of the second exchange reaches the EV 6 ms after its request at 800 ms
    expect(l.samples[0]).toMatchObject({ from: { actor: 'scsp', message: 'PUT /sessions/{session_id}/charging_preferences' }, to: { actor: 'ev', message: 'ScheduleExchangeRes' }, latencyMs: 806, coalesced: 0 });
    expect(l.unmatched).toBe(0);
    expect(lat('csms-profile-to-ev-schedule').samples[0]!.latencyMs).toBe(706);
    // nothing ever reached a CSMS NotifyEVChargingNeeds
    expect(lat('ev-needs-to-csms')).toMatchObject({ samples: [], unmatched: 2 });
  });

  it('declarative definitions: fields, measuring from the last change, a time limit, a budget', () => {
    const defs: analysis.LatencyDefinition[] = [
      {
        id: 'ongoing-to-finished',
        label: 'EVSEProcessing Ongoing → Finished',
        from: { role: 'EVSE', direction: 'tx', message: 'ScheduleExchangeRes', fields: { EVSEProcessing: 'Ongoing' } },
        to: { role: 'EV', direction: 'rx', message: 'ScheduleExchangeRes', fields: { EVSEProcessing: ['Finished'] } },
        budgetMs: 50,
      },
      { id: 'last', label: 'any request → Finished', measureFrom: 'last', from: { role: 'EV', direction: 'tx', message: /Req$/ }, to: { direction: 'rx', fields: { EVSEProcessing: 'Finished' } } },
      { id: 'too-late', label: 'prefs → schedule within 500 ms', withinMs: 500, from: { protocol: 'ocpi', message: /charging_preferences$/ }, to: { message: 'ScheduleExchangeRes', direction: 'rx', fields: { EVSEProcessing: 'Finished' } } },
    ];
    const [ongoing, last, tooLate] = timingReport(events, BUDGETS, { latencies: defs }).latencies;
    expect(ongoing).toMatchObject({ samples: [{ latencyMs: 103 }], breaches: 1, budgetMs: 50 });
    expect(last!.samples[0]).toMatchObject({ latencyMs: 6, coalesced: 1 });
    expect(tooLate).toMatchObject({ samples: [], unmatched: 1 });
  });

  it('renders as Markdown', () => {
    const md = analysis.timingMarkdown(r);
    expect(md).toContain('| iso15118-20 | ScheduleExchange | evcc-msg-timeout | 2 |');
    expect(md).toContain('departure time changed at the eMSP');
  });
});
