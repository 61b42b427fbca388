// The gap report's comparison on synthetic trace events (the shapes the processes trace): a chain
// EV–EVSE–CSMS–SCSP speaking ISO 15118-20 DC_BPT, OCPP 2.0.1 or 1.6 and OCPI 2.2.1, with and
// without the SCALE extensions. The report must reproduce D2.3 §8's conclusions from them, mark
// where a run differs (documented or not), and fail when a conclusion is contradicted.
import { describe, expect, it } from 'vitest';
import { analysis, type TraceEvent, type TraceLink } from '@v2xsim/trace';
import { gaps, parseScenario } from '@v2xsim/scenario';

const SCALE20 = 'urn:scale:iso:std:iso:15118:-20:DC';
const VENDOR = 'eu.scale-project';
const rn = (v: number) => ({ Exponent: 0, Value: v });

/** tx at the sender and rx at the receiver, 2 ms apart */
function makeChain() {
  const events: TraceEvent[] = [];
  let t = 1_700_000_000_000;
  const send = (link: TraceLink, protocol: string, from: string, to: string, message: string, body: unknown, version?: string): void => {
    t += 10;
    const base = { link, protocol, message, body, ...(version ? { version } : {}) };
    events.push({ ...base, ts: t, actor: from, peer: to, direction: 'tx' }, { ...base, ts: t + 2, actor: to, peer: from, direction: 'rx' });
  };
  return { events, send };
}

interface ChainOptions {
  scale: boolean;
  ocpp: '1.6' | '2.0.1';
  /** the EVSE forgets the SCALE customData on TransactionEvent */
  noSessionCustomData?: boolean;
  /** the CPO puts the SoC in the Session's charging periods (OCPI STATE_OF_CHARGE) */
  socToScsp?: boolean;
}

function chainRun({ scale, ocpp, noSessionCustomData, socToScsp }: ChainOptions): gaps.GapRunInput {
  const { events, send } = makeChain();
  const v = scale ? SCALE20 : undefined;
  const iso = (from: string, to: string, message: string, body: Record<string, unknown>) => send('ev-evse', 'iso15118-20', from, to, message, { [message]: body }, v);
  iso('ev', 'evse', 'SessionSetupReq', { Header: { SessionID: '00' }, EVCCID: '0A0B0C0D0E0F' });
  iso('evse', 'ev', 'SessionSetupRes', { Header: { SessionID: 'AB12CD34' }, ResponseCode: 'OK', EVSEID: 'DE*V2X*E1' });
  iso('ev', 'evse', 'ServiceDiscoveryReq', { Header: { SessionID: 'AB12CD34' }, SupportedServiceIDs: { ServiceID: [2, 6] } });
  iso('ev', 'evse', 'DC_ChargeParameterDiscoveryReq', {
    Header: { SessionID: 'AB12CD34' },
    BPT_DC_CPDReqEnergyTransferMode: {
      EVMaximumChargePower: rn(50_000),
      EVMinimumChargePower: rn(0),
      EVMaximumDischargePower: rn(11_000),
      EVMinimumDischargePower: rn(0),
      ...(scale ? { RemainingV2GEnergy: rn(5000), RoundTripEfficiency: rn(90) } : {}),
    },
  });
  iso('ev', 'evse', 'DC_ChargeLoopReq', { Header: { SessionID: 'AB12CD34' }, DisplayParameters: { PresentSOC: 30, MinimumSOC: 20, TargetSOC: 80 }, MeterInfoRequested: false, EVPresentVoltage: rn(400) });
  iso('evse', 'ev', 'DC_ChargeLoopRes', { Header: { SessionID: 'AB12CD34' }, ResponseCode: 'OK', EVSEPresentCurrent: rn(100), EVSEPresentVoltage: rn(400) });

  if (ocpp === '2.0.1') {
    const o = (message: string, body: unknown) => send('evse-csms', 'ocpp2.0.1', 'evse', 'csms', message, body);
    o('TransactionEventRequest', {
      eventType: 'Started',
      timestamp: '2025-01-01T00:00:00Z',
      triggerReason: 'CablePluggedIn',
      seqNo: 0,
      transactionInfo: { transactionId: 'T1' },
      ...(scale && !noSessionCustomData ? { customData: { vendorId: VENDOR, sessionId: 'AB12CD34' } } : {}),
    });
    o('NotifyEVChargingNeedsRequest', {
      evseId: 1,
      chargingNeeds: {
        requestedEnergyTransfer: 'DC',
        dcChargingParameters: {
          evMaxCurrent: 125,
          evMaxVoltage: 450,
          evMaxPower: 50_000,
          stateOfCharge: 30,
          energyAmount: 30_000,
          ...(scale ? { customData: { vendorId: VENDOR, evMinPower: 0, evMinEnergyAmount: 0, evMaxEnergyAmount: 36_000, minSoC: 20, targetSoC: 80 } } : {}),
        },
      },
    });
    o('MeterValuesRequest', { evseId: 1, meterValue: [{ timestamp: '2025-01-01T00:01:00Z', sampledValue: [{ value: 1200, measurand: 'Energy.Active.Import.Register' }] }] });
  } else {
    const o = (message: string, body: unknown) => send('evse-csms', 'ocpp1.6', 'evse', 'csms', message, body);
    o('StartTransactionRequest', { connectorId: 1, idTag: 'TAG1', meterStart: 0, timestamp: '2025-01-01T00:00:00Z' });
    o('MeterValuesRequest', { connectorId: 1, meterValue: [{ timestamp: '2025-01-01T00:01:00Z', sampledValue: [{ value: '1200', measurand: 'Energy.Active.Import.Register', unit: 'Wh' }, { value: '31', measurand: 'SoC', unit: 'Percent' }] }] });
  }

  send('csms-scsp', 'ocpi2.2.1', 'csms', 'scsp', 'PUT /sessions/{country_code}/{party_id}/{session_id}', {
    id: 'S1',
    kwh: 1.2,
    evse_uid: 'E1',
    cdr_token: { uid: 'TAG1', type: 'RFID', contract_id: 'NL-SCS-C1' },
    charging_periods: socToScsp ? [{ start_date_time: '2025-01-01T00:01:00Z', dimensions: [{ type: 'STATE_OF_CHARGE', volume: 31 }] }] : [],
  });
  send('csms-scsp', 'ocpi2.2.1', 'scsp', 'csms', 'PUT /sessions/{session_id}/charging_preferences', { profile_type: 'REGULAR', departure_time: '2025-01-01T06:00:00Z', energy_need: 30, discharge_allowed: true });

  const stack: gaps.GapStack = { iso15118: 'iso15118-20', energy: 'DC', bpt: true, ocpp, ocpi: true, scale };
  return { name: `gaps-${gaps.stackId(stack)}`, stack, report: analysis.journeys(events, { context: { batteryCapacityWh: 60_000 } }) };
}

const finding = (r: gaps.GapReport, id: string) => r.findings.find((f) => f.finding.id === id)!;
const cell = (r: gaps.GapReport, run: string, object: string, role: string) =>
  r.comparisons.find((c) => c.run === run)!.objects.find((o) => o.object === object)!.roles.find((x) => x.role === role)!;
const link = (r: gaps.GapReport, run: string, object: string, l: string) =>
  r.comparisons.find((c) => c.run === run)!.objects.find((o) => o.object === object)!.links.find((x) => x.link === l)!;

describe('gap report: D2.3 §8 conclusions from runs', () => {
  const runs = [chainRun({ scale: false, ocpp: '1.6' }), chainRun({ scale: false, ocpp: '2.0.1' }), chainRun({ scale: true, ocpp: '2.0.1' })];
  const report = gaps.buildGapReport(runs, { generatedAt: '2025-01-01T00:00:00Z' });
  const [r16, r201, r201s] = runs.map((r) => r.name) as [string, string, string];

  it('no V2X data over OCPP 1.6 and 2.0.1: the EVSE had it, it never crossed', () => {
    for (const id of ['ocpp16-no-v2x', 'ocpp201-no-v2x']) {
      const f = finding(report, id);
      expect(f.status, id).toBe('confirmed');
      expect(f.against).toEqual([]);
    }
    expect(finding(report, 'ocpp16-no-v2x').tested).toEqual([r16]);
    expect(cell(report, r201, 'evMaxDischargePower', 'EVSE').observed).toMatchObject({ status: 'reached', via: { message: 'DC_ChargeParameterDiscoveryReq', field: 'BPT_DC_CPDReqEnergyTransferMode/EVMaximumDischargePower' } });
    expect(cell(report, r201, 'evMaxDischargePower', 'CSMS')).toMatchObject({ expected: false, agreement: 'agree', observed: { has: false, gap: 'cannot-carry' } });
  });

  it('no EV data at the SCSP over OCPI 2.2.1, though the CSMS had it', () => {
    const f = finding(report, 'ocpi-no-ev-data');
    expect(f.status).toBe('confirmed');
    expect(f.support.some((e) => e.run === r201 && e.object === 'evMaxChargePower')).toBe(true);
    expect(cell(report, r201, 'evMaxChargePower', 'CSMS').observed).toMatchObject({ has: true, via: { message: 'NotifyEVChargingNeedsRequest', field: 'chargingNeeds/dcChargingParameters/evMaxPower' } });
    expect(cell(report, r201, 'evMaxChargePower', 'SCSP')).toMatchObject({ expected: false, agreement: 'agree', observed: { has: false } });
  });

  it('the session id reaches the CSMS only with the SCALE extension, by TransactionEventRequest customData, with its latency', () => {
    expect(finding(report, 'session-id-csms-scale').status).toBe('confirmed');
    const withScale = cell(report, r201s, 'sessionId', 'CSMS');
    expect(withScale).toMatchObject({ expected: true, agreement: 'agree', observed: { status: 'reached', via: { message: 'TransactionEventRequest', field: 'customData/sessionId', protocol: 'ocpp2.0.1' } } });
    expect(withScale.observed.delayMs).toBeGreaterThan(0);
    // without it the CSMS only has its own session id, which it makes up for OCPI (Session.id): not the EV's
    expect(cell(report, r201, 'sessionId', 'CSMS')).toMatchObject({ expected: false, agreement: 'agree', observed: { startedHere: true, via: { message: 'Session', field: 'id' } } });
    expect(link(report, r201, 'sessionId', 'evse-csms')).toMatchObject({ expected: false, agreement: 'agree', observed: { crossed: false, gap: { kind: 'cannot-carry' } } });
    // the SCALE fields of NotifyEVChargingNeeds cross 2.0.1 with the extension only
    expect(finding(report, 'ocpp201-needs-scale').status).toBe('confirmed');
    expect(link(report, r201s, 'minSoc', 'evse-csms')).toMatchObject({ expected: true, agreement: 'agree', observed: { crossed: true, first: { field: 'chargingNeeds/dcChargingParameters/customData/minSoC', scale: true } } });
  });

  it('a documented difference is marked, with its reason, and does not fail the report', () => {
    // -20 DC: §8.2.2.2 lists the EVSE's active power in DC as a gap; the dictionary reads voltage × current
    const l = link(report, r201, 'evseActivePower', 'ev-evse');
    expect(l).toMatchObject({ agreement: 'known', differences: [{ kind: 'carried', way: 'down', known: 'iso20-dc-active-power' }] });
    expect(cell(report, r201, 'evseActivePower', 'EV').agreement).toBe('known');
    expect(report.differences.known.map((h) => h.known.id)).toContain('iso20-dc-active-power');
    expect(report.differences.unknown.some((d) => d.object === 'evseActivePower' && d.link === 'ev-evse')).toBe(false);
  });

  it('renders Markdown and HTML with the verdict, the conclusions and the tables', () => {
    const md = gaps.gapReportMarkdown(report);
    expect(md).toMatch(/^# v2xsim gaps/);
    expect(md).toMatch(/\| ✓ \| No V2X data over OCPP 1\.6 \| §8\.3\.1\.2 \|/);
    expect(md).toMatch(/\| ✓ \| The ISO 15118 session id reaches the CSMS only with the SCALE extension/);
    expect(md).toContain(`### \`${r201s}\`: ISO 15118-20 DC BPT · OCPP 2.0.1 · OCPI 2.2.1 · SCALE`);
    expect(md).toMatch(/\| Session ID \(`sessionId`\) \| ✓ SessionSetupRes `Header\/SessionID`, [\d.]+ ms \| ● source: SessionSetupRes `Header\/SessionID` \| ✓ TransactionEventRequest `customData\/sessionId`, [\d.]+ ms \|/);
    expect(md).toMatch(/\| EV maximum discharge power \(`evMaxDischargePower`\) \| ✗ §8\.2\.1\.2 · – \| ✓ §8\.2\.2\.1 · std 2\/2, SCALE 1\/1 \| ✗ §8\.3\.1\.2 · std 0\/1 \| ✗ §8\.3\.2\.2 · std 0\/1, SCALE 0\/1 \|/);
    const html = gaps.gapReportHtml(report);
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain('No V2X data over OCPP 2.0.1');
    expect(html).not.toMatch(/<script/);
    // the JSON is the same data, and round-trips
    expect(JSON.parse(JSON.stringify(report))).toMatchObject({ tool: 'v2xsim gaps', summary: { runs: 3 } });
  });
});

describe('gap report: where the runs contradict D2.3 §8', () => {
  it('a SCALE run whose EVSE does not send the session id contradicts the conclusion and fails the report', () => {
    const runs = [chainRun({ scale: false, ocpp: '2.0.1' }), chainRun({ scale: true, ocpp: '2.0.1', noSessionCustomData: true })];
    const r = gaps.buildGapReport(runs);
    const f = finding(r, 'session-id-csms-scale');
    expect(f.status).toBe('contradicted');
    expect(f.against).toEqual([expect.objectContaining({ run: runs[1]!.name, object: 'sessionId', what: expect.stringMatching(/did not cross evse-csms \(ocpp2\.0\.1\)/) })]);
    expect(r.differences.unknown).toContainEqual(expect.objectContaining({ run: runs[1]!.name, object: 'sessionId', protocol: 'ocpp2.0.1', kind: 'not-sent' }));
    expect(cell(r, runs[1]!.name, 'sessionId', 'CSMS')).toMatchObject({ expected: true, agreement: 'differs' });
    expect(r.summary.ok).toBe(false);
    expect(gaps.gapReportMarkdown(r)).toMatch(/\*\*✗ The runs differ from D2\.3 §8 — .*1 conclusion contradicted/);
  });

  it('EV data at the SCSP is a difference, documented here (OCPI STATE_OF_CHARGE), so the conclusion still holds', () => {
    const runs = [chainRun({ scale: false, ocpp: '1.6', socToScsp: true })];
    const r = gaps.buildGapReport(runs);
    const soc = cell(r, runs[0]!.name, 'evPresentSoc', 'SCSP');
    expect(soc).toMatchObject({ expected: false, agreement: 'known', observed: { has: true, via: { message: 'Session', field: 'charging_periods/0/dimensions/0/volume' } } });
    const f = finding(r, 'ocpi-no-ev-data');
    expect(f.status).toBe('confirmed');
    expect(f.against).toEqual([expect.objectContaining({ object: 'evPresentSoc', known: 'ocpi-soc-dimension' })]);
  });

  it('no runs: not ok', () => {
    const r = gaps.buildGapReport([]);
    expect(r.summary).toMatchObject({ runs: 0, ok: false });
    expect(r.findings.every((f) => f.status === 'untested')).toBe(true);
  });
});

describe('journeys read the SCALE fields of a message when either end traced the SCALE namespace', () => {
  it('the EV traces ISO 15118-2 without a version, the EVSE with the SCALE namespace: EVMinEnergyRequest still crosses', () => {
    const { events, send } = makeChain();
    const body = { V2G_Message: { Header: { SessionID: 'AB12' }, Body: { ChargeParameterDiscoveryReq: { RequestedEnergyTransferMode: 'DC_extended', DC_EVChargeParameter: { EVMinEnergyRequest: { Multiplier: 3, Unit: 'Wh', Value: 5 }, EVMinSoc: 20 } } } } };
    send('ev-evse', 'iso15118-2', 'ev', 'evse', 'ChargeParameterDiscoveryReq', body);
    // the EVSE's end of the pair says which namespace the session speaks
    events[1] = { ...events[1]!, version: 'urn:scale:15118:2:2013:MsgDef' };
    const j = analysis.journeys(events).journeys;
    expect(j.find((x) => x.object === 'evMinEnergyRequest')!.hops).toEqual([expect.objectContaining({ from: 'ev', to: 'evse', value: 5000, scale: true })]);
    expect(j.find((x) => x.object === 'minSoc')!.hops).toHaveLength(1);
    // and without the namespace at either end, the SCALE fields are not read
    delete events[1]!.version;
    expect(analysis.journeys(events).journeys.find((x) => x.object === 'evMinEnergyRequest')!.hops).toEqual([]);
  });
});

describe('the matrix', () => {
  it('default: 8 stacks that test every conclusion both ways; full: 30; each generates a valid scenario', () => {
    expect(gaps.DEFAULT_MATRIX.map(gaps.stackId)).toEqual([
      'iso2-dc-ocpp1.6-ocpi-std',
      'iso2-dc-ocpp2.0.1-ocpi-std',
      'iso2-dc-ocpp2.0.1-ocpi-scale',
      'iso20-dc-bpt-ocpp1.6-ocpi-std',
      'iso20-dc-bpt-ocpp2.0.1-ocpi-std',
      'iso20-dc-bpt-ocpp2.0.1-ocpi-scale',
      'iso20-dc-bpt-ocpp2.1-ocpi-scale-iso15118',
      'iso20-dc-bpt-ocpp2.1-ocpi-scale',
    ]);
    expect(gaps.FULL_MATRIX).toHaveLength(30);
    expect(new Set(gaps.FULL_MATRIX.map(gaps.stackId)).size).toBe(30);
    for (const s of gaps.FULL_MATRIX) {
      const scenario = gaps.gapScenario(s);
      expect(() => parseScenario(JSON.stringify(scenario), `${scenario.name}.yaml`), scenario.name).not.toThrow();
      expect(scenario.stack.ocpp?.scale ?? false).toBe((s.ocppScale ?? s.scale) && s.ocpp !== '1.6');
      expect(scenario.stack.iso15118.scale ?? false).toBe(s.scale && s.iso15118 !== 'din70121');
    }
  });
});
