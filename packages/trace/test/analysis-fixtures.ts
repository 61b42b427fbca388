// Hand-built trace events for the analysis tests: one message seen at both ends (the sender's tx
// and the receiver's rx), bodies as the processes trace them.
import type { TraceEvent, TraceLink, TraceTiming } from '../src/index.js';

export const T0 = 1_700_000_000_000;

export interface Msg {
  from: string;
  to: string;
  link: TraceLink;
  protocol: string;
  version?: string;
  message: string;
  body?: unknown;
  /** ms after T0 the sender sends */
  at: number;
  /** ms until the receiver traces it (default 2) */
  latency?: number;
  correlationId?: string;
  /** a different id at the receiver (ISO 15118 SessionSetupReq) */
  rxCorrelationId?: string;
  txTiming?: TraceTiming;
  rxTiming?: TraceTiming;
  /** trace only one end */
  only?: 'tx' | 'rx';
  peer?: string;
  simOffset?: number;
}

/** the tx and rx events of one message */
export function msg(m: Msg): TraceEvent[] {
  const base = { link: m.link, protocol: m.protocol, message: m.message, ...(m.version ? { version: m.version } : {}), ...(m.body !== undefined ? { body: m.body } : {}) };
  const tx: TraceEvent = {
    ...base,
    ts: T0 + m.at,
    ...(m.simOffset !== undefined ? { simTime: T0 + m.at + m.simOffset } : {}),
    actor: m.from,
    peer: m.peer ?? m.to,
    direction: 'tx',
    ...(m.correlationId ? { correlationId: m.correlationId } : {}),
    ...(m.txTiming ? { timing: m.txTiming } : {}),
  };
  const rxAt = m.at + (m.latency ?? 2);
  const rx: TraceEvent = {
    ...base,
    ts: T0 + rxAt,
    ...(m.simOffset !== undefined ? { simTime: T0 + rxAt + m.simOffset } : {}),
    actor: m.to,
    peer: m.from,
    direction: 'rx',
    ...((m.rxCorrelationId ?? m.correlationId) ? { correlationId: m.rxCorrelationId ?? m.correlationId } : {}),
    ...(m.rxTiming ? { timing: m.rxTiming } : {}),
  };
  return m.only === 'tx' ? [tx] : m.only === 'rx' ? [rx] : [tx, rx];
}

/** ISO 15118-2 / DIN document */
export const v2g = (message: string, content: unknown, sessionId = 'AB12'): unknown => ({ V2G_Message: { Header: { SessionID: sessionId }, Body: { [message]: content } } });
/** ISO 15118-20 document */
export const v20 = (message: string, content: Record<string, unknown>, sessionId = 'AB12'): unknown => ({ [message]: { Header: { SessionID: sessionId, TimeStamp: 1 }, ...content } });
export const rn = (value: number, exponent = 0) => ({ Value: value, Exponent: exponent });
export const pv = (value: number, multiplier: number, unit: string) => ({ Value: value, Multiplier: multiplier, Unit: unit });

export const ISO20_DC = 'urn:iso:std:iso:15118:-20:DC';

/** an ISO 15118 request/response exchange between ev and evse, with the processes' timing fields */
export function exchange(protocol: string, name: string, at: number, req: unknown, res: unknown, opts: { rtt?: number; processing?: number; timeoutMs?: number; perfMs?: number; version?: string; ev?: string; evse?: string } = {}): TraceEvent[] {
  const rtt = opts.rtt ?? 6;
  const processing = opts.processing ?? 2;
  const ev = opts.ev ?? 'ev';
  const evse = opts.evse ?? 'evse';
  return [
    ...msg({ from: ev, to: evse, link: 'ev-evse', protocol, message: `${name}Req`, body: req, at, latency: 1, correlationId: 'AB12', ...(opts.version ? { version: opts.version } : {}) }),
    ...msg({
      from: evse,
      to: ev,
      link: 'ev-evse',
      protocol,
      message: `${name}Res`,
      body: res,
      at: at + 1 + processing,
      latency: rtt - 1 - processing,
      correlationId: 'AB12',
      ...(opts.version ? { version: opts.version } : {}),
      txTiming: { kind: 'secc-performance', elapsedMs: processing, budgetMs: opts.perfMs ?? 1500, breach: processing > (opts.perfMs ?? 1500) },
      rxTiming: { kind: 'evcc-msg-timeout', elapsedMs: rtt, budgetMs: opts.timeoutMs ?? 2000, breach: rtt > (opts.timeoutMs ?? 2000) },
    }),
  ];
}

/** EV ↔ EVSE over ISO 15118-20 DC BPT, EVSE → CSMS over OCPP 2.1, CSMS → SCSP over OCPI 2.2.1 */
export function v2gRun(): TraceEvent[] {
  return [
    ...exchange('iso15118-20', 'SessionSetup', 0, v20('SessionSetupReq', { EVCCID: 'EV1' }), v20('SessionSetupRes', { ResponseCode: 'OK_NewSessionEstablished', EVSEID: 'DE*V2X*E1' }), { version: ISO20_DC }),
    ...exchange(
      'iso15118-20',
      'DC_ChargeParameterDiscovery',
      10,
      v20('DC_ChargeParameterDiscoveryReq', {
        BPT_DC_CPDReqEnergyTransferMode: { EVMaximumChargePower: rn(11, 3), EVMinimumChargePower: rn(1000), EVMaximumDischargePower: rn(70, 2), EVMinimumDischargePower: rn(0) },
      }),
      v20('DC_ChargeParameterDiscoveryRes', { ResponseCode: 'OK', BPT_DC_CPDResEnergyTransferMode: { EVSEMaximumChargePower: rn(50, 3) } }),
      { version: ISO20_DC },
    ),
    ...exchange(
      'iso15118-20',
      'DC_ChargeLoop',
      20,
      v20('DC_ChargeLoopReq', {
        DisplayParameters: { PresentSOC: 40, TargetSOC: 80 },
        BPT_Dynamic_DC_CLReqControlMode: { EVMaximumChargePower: rn(11000), EVTargetEnergyRequest: rn(24, 3), EVMinimumEnergyRequest: rn(-6, 3), EVMaximumEnergyRequest: rn(30, 3) },
      }),
      v20('DC_ChargeLoopRes', { ResponseCode: 'OK', MeterInfo: { ChargedEnergyReadingWh: 1500 }, EVSEPresentCurrent: rn(25), EVSEPresentVoltage: rn(400) }),
      { version: ISO20_DC },
    ),
    ...msg({
      from: 'evse',
      to: 'csms',
      link: 'evse-csms',
      protocol: 'ocpp',
      version: '2.1',
      message: 'NotifyEVChargingNeedsRequest',
      at: 100,
      latency: 5,
      correlationId: 'm1',
      body: { evseId: 1, chargingNeeds: { requestedEnergyTransfer: 'DC_BPT', v2xChargingParameters: { maxChargePower: 11000, minChargePower: 1000, maxDischargePower: 7000, evTargetEnergyRequest: 24000 } } },
    }),
    ...msg({
      from: 'evse',
      to: 'csms',
      link: 'evse-csms',
      protocol: 'ocpp',
      version: '2.1',
      message: 'TransactionEventRequest',
      at: 150,
      latency: 5,
      correlationId: 'm2',
      body: {
        eventType: 'Updated',
        meterValue: [
          {
            timestamp: '2023-11-14T22:13:20Z',
            sampledValue: [
              { value: 1.5, measurand: 'Energy.Active.Import.Register', unitOfMeasure: { unit: 'kWh' } },
              { value: 10000, measurand: 'Power.Active.Import', unitOfMeasure: { unit: 'W' } },
            ],
          },
        ],
      },
    }),
    ...msg({
      from: 'csms',
      to: 'scsp',
      link: 'csms-scsp',
      protocol: 'ocpi',
      version: '2.2.1',
      message: 'PUT /sessions/{country_code}/{party_id}/{session_id}',
      at: 200,
      latency: 8,
      correlationId: 'r1',
      body: {
        id: 'S1',
        kwh: 1.5,
        evse_uid: 'DEV2XE1',
        charging_periods: [{ start_date_time: '2023-11-14T22:13:20Z', dimensions: [{ type: 'POWER', volume: 10 }, { type: 'ENERGY_IMPORT', volume: 1.5 }] }],
      },
    }),
  ];
}

