import { describe, expect, it } from 'vitest';
import {
  TimingMeter,
  V2G_PROTOCOLS,
  V2G_TIMING,
  V2gTimingError,
  evccMessageTimeout,
  findMessageTiming,
  seccPerformanceTime,
  timingMessageKey,
  v2gTimer,
} from '../src/timing/index.js';
import type { TimingSample } from '../src/timing/index.js';

describe('timing table', () => {
  it('has the charge-loop values of each protocol', () => {
    expect(evccMessageTimeout('iso2', 'CurrentDemand')).toBe(250);
    expect(seccPerformanceTime('iso2', 'CurrentDemandRes')).toBe(25);
    expect(evccMessageTimeout('din', 'CurrentDemandReq')).toBe(250);
    expect(seccPerformanceTime('din', 'CurrentDemand')).toBe(25);
    expect(evccMessageTimeout('iso2', 'ChargingStatus')).toBe(2000);
    expect(seccPerformanceTime('iso2', 'ChargingStatus')).toBe(1500);
    expect(evccMessageTimeout('iso20', 'DC_ChargeLoop')).toBe(500);
    expect(seccPerformanceTime('iso20', 'DC_ChargeLoopRes')).toBe(250);
    expect(evccMessageTimeout('iso20', 'AC_ChargeLoop')).toBe(500);
    expect(seccPerformanceTime('iso20', 'AC_ChargeLoop')).toBe(250);
  });

  it('has the other message values', () => {
    expect(evccMessageTimeout('iso2', 'SessionSetupReq')).toBe(2000);
    expect(seccPerformanceTime('iso2', 'SessionSetup')).toBe(1500);
    expect(evccMessageTimeout('iso2', 'PowerDelivery')).toBe(5000);
    expect(seccPerformanceTime('iso2', 'PowerDeliveryRes')).toBe(4500);
    expect(evccMessageTimeout('iso2', 'supportedAppProtocolReq')).toBe(2000);
    expect(evccMessageTimeout('iso20', 'ScheduleExchange')).toBe(2000);
    expect(evccMessageTimeout('iso20', 'ServiceDetail')).toBe(5000);
    expect(evccMessageTimeout('din', 'ContractAuthentication')).toBe(2000);
  });

  it('has the sequence, phase and SDP timers', () => {
    expect(v2gTimer('iso2', 'V2G_EVCC_Sequence_Performance_Time').value).toBe(40_000);
    expect(v2gTimer('iso2', 'V2G_SECC_Sequence_Timeout').value).toBe(60_000);
    expect(v2gTimer('iso2', 'V2G_EVCC_Ongoing_Timeout').value).toBe(60_000);
    expect(v2gTimer('iso2', 'V2G_EVCC_CommunicationSetup_Timeout').value).toBe(20_000);
    expect(v2gTimer('iso2', 'V2G_SECC_CommunicationSetup_Performance_Time').value).toBe(18_000);
    expect(v2gTimer('iso2', 'V2G_EVCC_CableCheck_Timeout').value).toBe(40_000);
    expect(v2gTimer('iso2', 'V2G_EVCC_PreCharge_Timeout').value).toBe(7_000);
    expect(v2gTimer('iso2', 'V2G_EVCC_CP_StateC_Performance_Time').value).toBe(250);
    expect(v2gTimer('din', 'V2G_EVCC_PreCharge_Timeout').value).toBe(7_000);
    expect(v2gTimer('din', 'V2G_EVCC_ReadyToCharge_Timeout').value).toBe(150_000);
    expect(v2gTimer('iso20', 'V2G_EVCC_PreCharge_Timeout').value).toBe(10_000);
    expect(v2gTimer('iso20', 'SCALE_Renegotiation_Timeout').value).toBe(7_000);
    expect(v2gTimer('iso20', 'SCALE_Renegotiation_Performance_Time').value).toBe(6_000);
    expect(v2gTimer('sdp', 'V2G_EVCC_SDP_Response_Timeout').value).toBe(250);
    expect(v2gTimer('sdp', 'V2G_EVCC_SDP_Max_Requests')).toMatchObject({ value: 50, unit: 'requests' });
  });

  it('is consistent: every performance time is below its timeout, every entry has a source', () => {
    for (const protocol of V2G_PROTOCOLS) {
      const { messages, timers } = V2G_TIMING[protocol];
      for (const [name, timing] of Object.entries(messages)) {
        expect(timing.seccPerformanceMs, `${protocol} ${name}`).toBeLessThan(timing.evccTimeoutMs);
        expect(timing.source.length, `${protocol} ${name}`).toBeGreaterThan(0);
        expect(timingMessageKey(name)).toBe(name);
      }
      for (const [name, timer] of Object.entries(timers)) {
        expect(timer.value, `${protocol} ${name}`).toBeGreaterThan(0);
        expect(timer.source.length).toBeGreaterThan(0);
      }
    }
  });

  it('normalises message names', () => {
    expect(timingMessageKey('CurrentDemandReq')).toBe('CurrentDemand');
    expect(timingMessageKey('CurrentDemandRes')).toBe('CurrentDemand');
    expect(timingMessageKey('supportedAppProtocolRes')).toBe('SupportedAppProtocol');
    expect(timingMessageKey('DC_ChargeLoop')).toBe('DC_ChargeLoop');
  });

  it('rejects unknown names with a typed error', () => {
    expect(findMessageTiming('iso2', 'DC_ChargeLoop')).toBeUndefined();
    expect(() => evccMessageTimeout('din', 'ScheduleExchange')).toThrow(V2gTimingError);
    try {
      seccPerformanceTime('iso20', 'CurrentDemand');
      expect.unreachable();
    } catch (error) {
      expect((error as V2gTimingError).code).toBe('UNKNOWN_MESSAGE');
    }
    expect(() => v2gTimer('iso2', 'nope')).toThrow(/no iso2 timer/);
    expect(() => evccMessageTimeout('iso3' as 'iso2', 'SessionSetup')).toThrow(V2gTimingError);
    expect(() => evccMessageTimeout('iso2', 'toString')).toThrow(V2gTimingError);
  });
});

describe('TimingMeter', () => {
  const clock = (): { now: () => number; advance: (ms: number) => void } => {
    let t = 1000;
    return { now: () => t, advance: (ms) => (t += ms) };
  };

  it('measures EVCC round trips against V2G_EVCC_Msg_Timeout', () => {
    const c = clock();
    const meter = new TimingMeter({ protocol: 'iso2', role: 'evcc', now: c.now });
    meter.request('CurrentDemandReq');
    expect(meter.pending).toEqual(['CurrentDemand']);
    c.advance(100);
    expect(meter.remainingMs('CurrentDemand')).toBe(150);
    expect(meter.response('CurrentDemandRes')).toEqual({
      message: 'CurrentDemand',
      elapsedMs: 100,
      budgetMs: 250,
      breach: false,
      budget: 'V2G_EVCC_Msg_Timeout',
    });
    meter.request('CurrentDemandReq');
    c.advance(251);
    expect(meter.response('CurrentDemandRes')).toMatchObject({ elapsedMs: 251, breach: true });
    expect(meter.stats().get('CurrentDemand')).toEqual({ count: 2, breaches: 1, maxMs: 251, totalMs: 351 });
  });

  it('measures SECC response times against V2G_SECC_Msg_Performance_Time', () => {
    const c = clock();
    const samples: TimingSample[] = [];
    const meter = new TimingMeter({ protocol: 'iso2', role: 'secc', now: c.now, onSample: (s) => samples.push(s) });
    meter.request('CurrentDemandReq');
    c.advance(25);
    meter.response('CurrentDemandRes');
    meter.request('CurrentDemandReq');
    c.advance(26);
    meter.response('CurrentDemandRes');
    meter.request('PowerDeliveryReq');
    c.advance(4000);
    meter.response('PowerDeliveryRes');
    expect(samples.map((s) => [s.message, s.budgetMs, s.breach])).toEqual([
      ['CurrentDemand', 25, false],
      ['CurrentDemand', 25, true],
      ['PowerDelivery', 4500, false],
    ]);
    expect(samples[0]!.budget).toBe('V2G_SECC_Msg_Performance_Time');
  });

  it('takes a custom budget, ignores unmatched responses, rejects unknown messages', () => {
    const c = clock();
    const meter = new TimingMeter({ protocol: 'iso20', role: 'secc', now: c.now });
    meter.request('Renegotiation', 6000);
    c.advance(6500);
    expect(meter.response('Renegotiation')).toMatchObject({ budgetMs: 6000, breach: true, budget: 'custom' });
    expect(meter.response('SessionSetupRes')).toBeUndefined();
    expect(() => meter.request('CurrentDemandReq')).toThrow(V2gTimingError);
  });

  it('uses performance.now by default', () => {
    const meter = new TimingMeter({ protocol: 'din', role: 'evcc' });
    meter.request('SessionSetupReq');
    const sample = meter.response('SessionSetupRes')!;
    expect(sample.elapsedMs).toBeGreaterThanOrEqual(0);
    expect(sample.breach).toBe(false);
  });
});
