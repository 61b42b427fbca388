// Data journeys from hand-built traces of four actors: hops matched across links after unit
// conversion (ISO 15118-20 RationalNumber → OCPP number → OCPI kW/kWh), SoC ↔ energy with the
// battery capacity, the "latest value" rule when a forwarder changes the value, and gaps told
// apart: the protocol cannot carry it, or could but did not.
import { describe, expect, it } from 'vitest';
import { analysis } from '../src/index.js';
import { ISO20_DC, T0, exchange, msg, rn, v20, v2g, v2gRun } from './analysis-fixtures.js';

const { journeys } = analysis;
const journey = (r: analysis.JourneyReport, object: string) => r.journeys.find((j) => j.object === object)!;

describe('journeys: matching across hops', () => {
  const report = journeys(v2gRun(), { context: { batteryCapacityWh: 60_000 } });

  it('knows the actors, their roles and the links with their protocols', () => {
    expect(report.actors.map((a) => [a.actor, a.role])).toEqual(
      expect.arrayContaining([
        ['ev', 'EV'],
        ['evse', 'EVSE'],
        ['csms', 'CSMS'],
        ['scsp', 'SCSP'],
      ]),
    );
    expect(report.links.map((l) => [l.key, l.protocols])).toEqual([
      ['ev-evse ev|evse', ['iso15118-20']],
      ['evse-csms csms|evse', ['ocpp2.1']],
      ['csms-scsp csms|scsp', ['ocpi2.2.1']],
    ]);
  });

  it('EV max charge power: ISO 15118-20 RationalNumber (kW exponent) → OCPP 2.1 W, one delivery EV → EVSE → CSMS', () => {
    const j = journey(report, 'evMaxChargePower');
    // DC_ChargeLoopReq carries the same 11 kW again: a repeat of the first hop, not a new one
    expect(j.hops).toHaveLength(2);
    const [iso, ocpp] = j.hops;
    expect(iso).toMatchObject({ from: 'ev', to: 'evse', fromRole: 'EV', toRole: 'EVSE', protocol: 'iso15118-20', version: ISO20_DC, message: 'DC_ChargeParameterDiscoveryReq', value: 11_000, repeats: 1, latencyMs: 1 });
    expect(iso!.fields[0]).toEqual({ path: 'BPT_DC_CPDReqEnergyTransferMode/EVMaximumChargePower', raw: { Value: 11, Exponent: 3 }, value: 11_000 });
    expect(ocpp).toMatchObject({ from: 'evse', to: 'csms', protocol: 'ocpp2.1', message: 'NotifyEVChargingNeedsRequest', value: 11_000, upstream: 0, match: 'equal', correlationId: 'm1', latencyMs: 5 });
    expect(j.deliveries).toHaveLength(1);
    const d = j.deliveries[0]!;
    expect(d).toMatchObject({ source: 'ev', sourceRole: 'EV', value: 11_000, hops: [0, 1] });
    expect(d.consumers.map((c) => [c.actor, c.delayMs])).toEqual([
      ['evse', 1],
      ['csms', 95], // EV tx at 10 ms → CSMS rx at 105 ms
    ]);
    expect(d.endToEndMs).toBe(95);
    expect(j.reached.map((r) => [r.actor, r.how])).toEqual([
      ['ev', 'source'],
      ['evse', 'received'],
      ['csms', 'received'],
    ]);
  });

  it('EVSE active power: -20 voltage × current, OCPP Power.Active.Import W, OCPI POWER kW: the same 10 kW to EV, CSMS and SCSP', () => {
    const j = journey(report, 'evseActivePower');
    expect(j.hops.map((h) => [h.from, h.to, h.protocol, h.value, h.match ?? null])).toEqual([
      ['evse', 'ev', 'iso15118-20', 10_000, null],
      ['evse', 'csms', 'ocpp2.1', 10_000, 'equal'], // the source sending the same value again: another branch
      ['csms', 'scsp', 'ocpi2.2.1', 10_000, 'equal'],
    ]);
    expect(j.hops[2]!.fields[0]).toMatchObject({ path: 'charging_periods/0/dimensions/0/volume', raw: 10 });
    expect(j.deliveries).toHaveLength(1);
    expect(j.deliveries[0]!.consumers.map((c) => c.actor)).toEqual(['ev', 'csms', 'scsp']);
    // EVSE tx at 23 ms (the ChargeLoopRes) → SCSP rx at 208 ms
    expect(j.deliveries[0]!.endToEndMs).toBeCloseTo(185, 6);
    expect(j.latency.endToEnd?.max).toBeCloseTo(185, 6);
  });

  it('charged energy: -20 Wh → OCPP kWh sampled value → OCPI Session kwh and ENERGY_IMPORT', () => {
    const j = journey(report, 'chargedEnergy');
    expect(j.hops.map((h) => [h.protocol, h.value])).toEqual([
      ['iso15118-20', 1500],
      ['ocpp2.1', 1500],
      ['ocpi2.2.1', 1500],
    ]);
    expect(j.hops[2]!.fields.map((f) => f.path)).toEqual(['kwh', 'charging_periods/0/dimensions/1/volume']);
    expect(j.hops[2]).toMatchObject({ upstream: 1, match: 'equal' });
  });

  it('target SoC: the EV’s TargetSOC and OCPP 2.1 evTargetEnergyRequest converted with the capacity and the traced present SoC', () => {
    const j = journey(report, 'targetSoc');
    expect(j.hops).toHaveLength(2);
    // 40 % + 100 × 24 000 Wh / 60 000 Wh = 80 %
    expect(j.hops[1]).toMatchObject({ protocol: 'ocpp2.1', value: 80, upstream: 0, match: 'equal' });
    expect(j.hops[1]!.fields[0]).toMatchObject({ path: 'chargingNeeds/v2xChargingParameters/evTargetEnergyRequest', raw: 24_000, value: 80 });
  });

  it('without the battery capacity the SoC cannot be computed: the forward falls back to the latest value received', () => {
    const r = journeys(v2gRun(), { objects: ['targetSoc'] });
    const hop = journey(r, 'targetSoc').hops[1]!;
    expect(hop.value).toBeUndefined();
    expect(hop).toMatchObject({ upstream: 0, match: 'latest' });
  });

  it('an EVSE ID the CSMS never got over OCPP still reaches the SCSP: its own delivery, and a not-carried gap on OCPP', () => {
    const j = journey(report, 'evseId');
    expect(j.hops.map((h) => [h.from, h.to, h.value])).toEqual([
      ['evse', 'ev', 'DE*V2X*E1'],
      ['csms', 'scsp', 'DEV2XE1'],
    ]);
    expect(j.deliveries).toHaveLength(2);
    const gap = j.gaps.find((g) => g.link === 'evse-csms')!;
    expect(gap).toMatchObject({ kind: 'not-carried', protocols: ['ocpp2.1'] });
    expect(gap.messages).toContain('ocpp2.1 GetVariablesResponse');
  });

  it('gaps: OCPI cannot carry the EV’s data (D2.3 §8.4.1.2), with the reason', () => {
    const j = journey(report, 'evMaxChargePower');
    expect(j.gaps).toEqual([
      expect.objectContaining({ link: 'csms-scsp', kind: 'cannot-carry', reason: expect.stringContaining('OCPI 2.2.1 has no EV data') }),
    ]);
    // D2.3 §8.3.3.2: OCPP 2.1 has no round trip efficiency (only SCALE customData does)
    const rte = journey(report, 'roundTripEfficiency');
    expect(rte.gaps.find((g) => g.link === 'evse-csms')).toMatchObject({ kind: 'cannot-carry', reason: expect.stringContaining('SCALE variant would carry it') });
  });
});

describe('journeys: forwarding rules', () => {
  const loop = (at: number, kw: number) =>
    exchange('iso15118-20', 'DC_ChargeLoop', at, v20('DC_ChargeLoopReq', { BPT_Dynamic_DC_CLReqControlMode: { EVMaximumChargePower: rn(kw, 3) } }), v20('DC_ChargeLoopRes', { ResponseCode: 'OK' }));
  const needs = (at: number, w: number, id: string) =>
    msg({ from: 'evse', to: 'csms', link: 'evse-csms', protocol: 'ocpp', version: '2.1', message: 'NotifyEVChargingNeedsRequest', at, correlationId: id, body: { evseId: 1, chargingNeeds: { v2xChargingParameters: { maxChargePower: w } } } });

  it('a stale value forwards the value it equals; a changed one the latest value before it', () => {
    const r = journeys([...loop(0, 11), ...loop(10, 9), ...needs(20, 11_000, 'a'), ...needs(30, 10_000, 'b')], { objects: ['evMaxChargePower'] });
    const j = journey(r, 'evMaxChargePower');
    expect(j.hops.map((h) => [h.from, h.value, h.upstream ?? null, h.match ?? null])).toEqual([
      ['ev', 11_000, null, null],
      ['ev', 9_000, null, null],
      ['evse', 11_000, 0, 'equal'],
      ['evse', 10_000, 1, 'latest'],
    ]);
    expect(j.deliveries.map((d) => d.hops)).toEqual([
      [0, 2],
      [1, 3],
    ]);
  });

  it('a forward sent before the value arrived is not attributed to it', () => {
    const r = journeys([...needs(0, 11_000, 'a'), ...loop(10, 11)], { objects: ['evMaxChargePower'] });
    const j = journey(r, 'evMaxChargePower');
    expect(j.hops[0]).toMatchObject({ from: 'evse', message: 'NotifyEVChargingNeedsRequest' });
    expect(j.hops[0]!.upstream).toBeUndefined();
    expect(j.deliveries).toHaveLength(2);
  });

  it('values within the tolerance are the same value (PhysicalValue rounding), outside it they are not', () => {
    const cpd = (at: number, value: number) =>
      exchange('iso15118-2', 'ChargeParameterDiscovery', at, v2g('ChargeParameterDiscoveryReq', { DC_EVChargeParameter: { EVMaximumPowerLimit: { Value: value, Multiplier: 1, Unit: 'W' } } }), v2g('ChargeParameterDiscoveryRes', { ResponseCode: 'OK' }));
    const r = journeys([...cpd(0, 10_000), ...needs(10, 100_400, 'a'), ...needs(20, 103_000, 'b')].map((e) => (e.protocol === 'ocpp' ? { ...e, version: '2.0.1', body: { evseId: 1, chargingNeeds: { dcChargingParameters: { evMaxPower: (e.body as { chargingNeeds: { v2xChargingParameters: { maxChargePower: number } } }).chargingNeeds.v2xChargingParameters.maxChargePower } } } } : e)), {
      objects: ['evMaxChargePower'],
    });
    const j = journey(r, 'evMaxChargePower');
    expect(j.hops.map((h) => [h.protocol, h.value, h.match ?? null])).toEqual([
      ['iso15118-2', 100_000, null],
      ['ocpp2.0.1', 100_400, 'equal'], // within 1 %
      ['ocpp2.0.1', 103_000, 'latest'],
    ]);
  });
});

describe('journeys: cannot carry vs did not carry (OCPP 2.0.1)', () => {
  const boot = msg({ from: 'evse', to: 'csms', link: 'evse-csms', protocol: 'ocpp', version: '2.0.1', message: 'BootNotificationRequest', at: 0, correlationId: 'b', body: { reason: 'PowerUp', chargingStation: { model: 'M', vendorName: 'V' } } });
  const cpd = exchange(
    'iso15118-2',
    'ChargeParameterDiscovery',
    10,
    v2g('ChargeParameterDiscoveryReq', { DC_EVChargeParameter: { EVMaximumPowerLimit: { Value: 100, Multiplier: 3, Unit: 'W' }, DC_EVStatus: { EVRESSSOC: 40 } } }),
    v2g('ChargeParameterDiscoveryRes', { ResponseCode: 'OK' }),
  );

  it('standard OCPP 2.0.1: min SoC cannot be carried (the SCALE customData would), EV max power could but was not', () => {
    const r = journeys([...boot, ...cpd]);
    const minSoc = journey(r, 'minSoc').gaps.find((g) => g.link === 'evse-csms')!;
    expect(minSoc.kind).toBe('cannot-carry');
    expect(minSoc.reason).toContain('the SCALE customData adds minSoC');
    expect(minSoc.reason).toContain('the SCALE variant would carry it');
    expect(minSoc.messages).toEqual(['ocpp2.0.1 NotifyEVChargingNeedsRequest']);
    const power = journey(r, 'evMaxChargePower').gaps.find((g) => g.link === 'evse-csms')!;
    expect(power.kind).toBe('not-carried');
    expect(power.messages).toEqual(expect.arrayContaining(['ocpp2.0.1 NotifyEVChargingNeedsRequest']));
    // on the ISO 15118-2 link, min SoC is a gap of the standard (D2.3 §8.2.1.2)
    expect(journey(r, 'minSoc').gaps.find((g) => g.link === 'ev-evse')).toMatchObject({ kind: 'cannot-carry', reason: expect.stringContaining('§8.2.1.2') });
  });

  it('with the SCALE customData on the link, min SoC travels (a SCALE hop) and the link is marked SCALE', () => {
    const needs = msg({
      from: 'evse',
      to: 'csms',
      link: 'evse-csms',
      protocol: 'ocpp',
      version: '2.0.1',
      message: 'NotifyEVChargingNeedsRequest',
      at: 50,
      correlationId: 'n',
      body: { evseId: 1, chargingNeeds: { requestedEnergyTransfer: 'DC', dcChargingParameters: { evMaxCurrent: 250, evMaxVoltage: 450, evMaxPower: 100_000, customData: { vendorId: 'eu.scale-project', minSoC: 20 } } } },
    });
    const r = journeys([...boot, ...cpd, ...needs]);
    expect(r.links.find((l) => l.link === 'evse-csms')!.scale).toBe(true);
    const j = journey(r, 'minSoc');
    expect(j.hops).toEqual([expect.objectContaining({ from: 'evse', to: 'csms', scale: true, value: 20, message: 'NotifyEVChargingNeedsRequest' })]);
    expect(j.gaps.find((g) => g.link === 'evse-csms')).toBeUndefined();
    // the same customData is ignored without its vendorId
    const plain = structuredClone(needs);
    for (const e of plain) ((e.body as { chargingNeeds: { dcChargingParameters: { customData: { vendorId: string } } } }).chargingNeeds.dcChargingParameters.customData.vendorId = 'com.other');
    expect(journey(journeys([...boot, ...cpd, ...plain]), 'minSoc').hops).toEqual([]);
  });
});

describe('journeys: pairing and partial traces', () => {
  it('pairs SessionSetupReq whose SessionID differs at both ends, and a charge loop first-in first-out even with clock skew', () => {
    const setup = msg({ from: 'ev', to: 'evse', link: 'ev-evse', protocol: 'iso15118-2', message: 'SessionSetupReq', at: 0, correlationId: '00', rxCorrelationId: 'AB12', body: v2g('SessionSetupReq', { EVCCID: '0a' }, '00') });
    // the EVSE's clock 0.5 ms behind: each rx is traced before its tx
    const loop = [0, 1, 2].flatMap((k) => msg({ from: 'ev', to: 'evse', link: 'ev-evse', protocol: 'iso15118-2', message: 'CurrentDemandReq', at: 10 + k, latency: -0.5, correlationId: 'AB12', body: v2g('CurrentDemandReq', { DC_EVStatus: { EVRESSSOC: 40 + k } }) }));
    const events = [...setup, ...loop];
    const pair = analysis.pairMessages(events);
    expect([...pair]).toEqual([1, 0, 3, 2, 5, 4, 7, 6]);
    const soc = journey(journeys(events, { objects: ['evPresentSoc'] }), 'evPresentSoc');
    expect(soc.hops.map((h) => [h.value, h.latencyMs])).toEqual([
      [40, -0.5],
      [41, -0.5],
      [42, -0.5],
    ]);
  });

  it('only the EV traced: hops have no rx, the other end is its peer address, playing the EVSE', () => {
    const events = exchange('iso15118-2', 'SessionSetup', 0, v2g('SessionSetupReq', { EVCCID: '0a' }), v2g('SessionSetupRes', { ResponseCode: 'OK', EVSEID: 'DE*V2X*E1' })).filter((e) => e.actor === 'ev');
    for (const e of events) e.peer = '[::1]:15118';
    const r = journeys(events, { objects: ['evseId'] });
    expect(r.links.map((l) => [l.key, l.roles])).toEqual([['ev-evse [::1]:15118|ev', ['EVSE', 'EV']]]);
    const j = journey(r, 'evseId');
    expect(j.hops[0]).toMatchObject({ from: '[::1]:15118', to: 'ev', fromRole: 'EVSE', toRole: 'EV' });
    expect(j.hops[0]!.tx).toBeUndefined();
    expect(j.reached.map((x) => [x.actor, x.role, x.how])).toEqual([
      ['[::1]:15118', 'EVSE', 'source'],
      ['ev', 'EV', 'received'],
    ]);
  });

  it('a message refused by its receiver did not deliver: no hop', () => {
    const events = msg({ from: 'evse', to: 'csms', link: 'evse-csms', protocol: 'ocpp', version: '2.0.1', message: 'NotifyEVChargingNeedsRequest', at: 0, correlationId: 'x', body: { evseId: 1, chargingNeeds: { dcChargingParameters: { evMaxPower: 5 } } } });
    events[1]!.error = 'FormatViolation: …';
    expect(journey(journeys(events, { objects: ['evMaxChargePower'] }), 'evMaxChargePower').hops).toEqual([]);
  });

  it('sim time: the departure time (seconds from now) anchors on the sender’s sim clock and matches the OCPP instant', () => {
    const sim = T0 + 3_600_000;
    const events = [
      ...msg({ from: 'ev', to: 'evse', link: 'ev-evse', protocol: 'iso15118-2', message: 'ChargeParameterDiscoveryReq', at: 0, simOffset: 3_600_000, correlationId: 'AB12', body: v2g('ChargeParameterDiscoveryReq', { DC_EVChargeParameter: { DepartureTime: 7200 } }) }),
      ...msg({ from: 'evse', to: 'csms', link: 'evse-csms', protocol: 'ocpp', version: '2.0.1', message: 'NotifyEVChargingNeedsRequest', at: 10, simOffset: 3_600_000, correlationId: 'n', body: { evseId: 1, chargingNeeds: { departureTime: new Date(sim + 7_200_000).toISOString() } } }),
    ];
    const j = journey(journeys(events, { objects: ['departureTime'] }), 'departureTime');
    expect(j.hops.map((h) => [h.value, h.match ?? null])).toEqual([
      [sim + 7_200_000, null],
      [sim + 7_200_000, 'equal'],
    ]);
    expect(j.hops[1]!.simLatencyMs).toBe(2);
  });
});

describe('OCPI operations and roles', () => {
  it('reads the object an OCPI operation carries: a GET list’s data, a Location’s EVSEs, literal URLs', () => {
    const location = { id: 'L1', coordinates: { latitude: '50.0', longitude: '4.0' }, evses: [{ uid: 'E1', evse_id: 'BE*V2X*E1', connectors: [{ id: '1', max_electric_power: 22_000 }] }] };
    const events = [
      ...msg({ from: 'scsp', to: 'csms', link: 'csms-scsp', protocol: 'ocpi', version: '2.2.1', message: 'GET /locations', at: 0, correlationId: 'g' }),
      ...msg({ from: 'csms', to: 'scsp', link: 'csms-scsp', protocol: 'ocpi', version: '2.2.1', message: 'GET /locations response', at: 5, correlationId: 'g', body: { status_code: 1000, data: [location] } }),
      ...msg({ from: 'csms', to: 'scsp', link: 'csms-scsp', protocol: 'ocpi', version: '2.2.1', message: 'PUT /ocpi/emsp/2.2.1/sessions/BE/V2X/S1', at: 10, correlationId: 'p', body: { id: 'S1', kwh: 2 } }),
    ];
    const r = journeys(events, { objects: ['evseId', 'evseMaxChargePower', 'location', 'chargedEnergy'] });
    expect(journey(r, 'evseId').hops[0]).toMatchObject({ from: 'csms', to: 'scsp', message: 'EVSE', fields: [{ path: 'uid', value: 'E1' }, { path: 'evse_id', value: 'BE*V2X*E1' }] });
    expect(journey(r, 'evseMaxChargePower').hops[0]).toMatchObject({ value: 22_000 });
    expect(journey(r, 'location').hops[0]).toMatchObject({ message: 'Location' });
    expect(journey(r, 'chargedEnergy').hops[0]).toMatchObject({ message: 'Session', value: 2000 });
    expect(r.actors.map((a) => [a.actor, a.role])).toEqual([
      ['scsp', 'SCSP'],
      ['csms', 'CSMS'],
    ]);
  });

  it('PUT /chargingprofiles/{session_id} goes both ways: SetChargingProfile (with response_url) or ActiveChargingProfile', () => {
    const views = (body: unknown) => analysis.messageViews({ ts: 0, actor: 'a', link: 'csms-scsp', protocol: 'ocpi', version: '2.2.1', direction: 'tx', message: 'PUT /chargingprofiles/{session_id}', body }, 'ocpi2.2.1').map((v) => v.message);
    expect(views({ charging_profile: {}, response_url: 'https://scsp/cb' })).toEqual(['SetChargingProfile']);
    expect(views({ start_date_time: '2023-11-14T22:13:20Z', charging_profile: {} })).toEqual(['ActiveChargingProfile']);
  });

  it('protocols spelled as the dictionary spells them (ocpi2.2.1, ocpp2.1) read the same', () => {
    const respelled = v2gRun().map((e) => (e.protocol === 'ocpi' || e.protocol === 'ocpp' ? { ...e, protocol: `${e.protocol}${e.version}` } : e));
    const a = journeys(v2gRun(), { context: { batteryCapacityWh: 60_000 } });
    const b = journeys(respelled, { context: { batteryCapacityWh: 60_000 } });
    expect(b.links.map((l) => l.protocols)).toEqual(a.links.map((l) => l.protocols));
    expect(b.journeys.map((j) => j.hops.map((h) => [h.protocol, h.value]))).toEqual(a.journeys.map((j) => j.hops.map((h) => [h.protocol, h.value])));
    expect(journey(b, 'evseActivePower').hops).toHaveLength(3);
  });

  it('roles: from the wire first, then the name; overrides win', () => {
    const events = [
      ...msg({ from: 'alpha', to: 'beta', link: 'ev-evse', protocol: 'iso15118-2', message: 'SessionSetupReq', at: 0 }),
      ...msg({ from: 'beta', to: 'gamma', link: 'evse-csms', protocol: 'ocpp', version: '1.6', message: 'BootNotificationRequest', at: 1 }),
      ...msg({ from: 'cpo-1', to: 'x', link: 'control', protocol: 'control', message: 'status', at: 2, only: 'tx' }),
    ];
    const roles = analysis.inferRoles(events, { gamma: 'SCSP' });
    expect(Object.fromEntries(roles)).toEqual({ alpha: 'EV', beta: 'EVSE', gamma: 'SCSP', 'cpo-1': 'CSMS' });
    expect(analysis.inferRoles(events).get('gamma')).toBe('CSMS');
    expect(analysis.dictProtocol({ protocol: 'ocpp', version: '1.6' })).toBe('ocpp1.6');
    expect(analysis.dictProtocol({ protocol: 'sdp' })).toBeUndefined();
  });
});
