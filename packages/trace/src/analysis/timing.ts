// Timing budgets (SCALE D2.3 §11.2, ISO 15118-2 Table 109, -20 Tables 215-219): every measured
// response time against its timeout or performance time, per protocol and message; the sequence
// timers between messages; the charge-loop update interval; each schedule renegotiation against
// D2.3's 6 s / 7 s; and the end-to-end latencies across OCPP and OCPI, which have no budgets.
//
// Measures, by the `timing.kind` the processes put on events (packages/ev evcc/client.ts, packages/evse
// secc/server.ts, packages/ocpp connection.ts):
// - `evcc-msg-timeout`: at the EV, request sent → response received, against V2G_EVCC_Msg_Timeout;
// - `secc-performance`: at the EVSE, request received → response sent, against V2G_SECC_Msg_Performance_Time;
// - `ocpp-call`: at the OCPP caller, CALL sent → CALLRESULT received, against its own call timeout;
// - `scale-renegotiation`: see renegotiations below;
// and derived here from the events themselves:
// - `ocpp-processing`, `ocpi-processing`: request received → response sent by the same actor (no budget: D2.3 §11.3);
// - `ocpi-roundtrip`: request sent → response received by the same actor (no budget);
// - `secc-sequence`: at the EVSE, response sent → next request received, against V2G_SECC_Sequence_Timeout
//   (-20 in the charge loop: V2G_SECC_Sequence_Timeout_ChargeLoop);
// - `evcc-sequence`: at the EV, response received → next request sent, against V2G_EVCC_Sequence_Performance_Time
//   (-20 charge loop: V2G_EVCC_Sequence_Performance_Time_ChargeLoop);
// - `loop-interval`: between two charge-loop requests at the EVSE (CurrentDemand, ChargingStatus,
//   AC/DC_ChargeLoop): how late the EVSE learns a change of the EV's needs, against the loop
//   message's timeout as D2.3 §11.2 reads it (250 ms DC, 2 s AC for -2).
import type { TraceEvent } from '../event.js';
import { budgetKey, messageBudget, messageKey, timerBudget, type TimingBudgets } from './budgets.js';
import { D23_LATENCIES, measureLatencies, type LatencyDefinition, type LatencyResult } from './latency.js';
import { matchEvent, type EventMatch } from './match.js';
import { dictProtocol } from './normalize.js';
import { pairMessages, timeOrder, type PairOptions } from './pairs.js';
import { inferRoles, type Role } from './roles.js';
import { stats, type Stats } from './stats.js';

export interface TimingOptions {
  /** end-to-end latencies to measure (default D23_LATENCIES) */
  latencies?: readonly LatencyDefinition[];
  roles?: Readonly<Record<string, Role>>;
  pairing?: PairOptions;
}

export interface Budget {
  /** the timer's name in the standard, e.g. V2G_EVCC_Msg_Timeout */
  name: string;
  ms: number;
  kind: 'timeout' | 'performance' | 'call-timeout' | 'update-interval';
}

export interface TimingRow {
  /** dictionary protocol where there is one (`iso15118-2`, `ocpp2.0.1`), else as traced (`apphand`) */
  protocol: string;
  /** the message key: `CurrentDemand`, `BootNotification`, `PUT /sessions/{…}` */
  message: string;
  kind: string;
  budget?: Budget;
  stats: Stats;
  breaches: number;
  actors: string[];
}

export interface Breach {
  kind: string;
  protocol: string;
  message: string;
  actor: string;
  /** the event that carries (or ends) the measurement */
  event: number;
  ts: number;
  correlationId?: string;
  elapsedMs: number;
  budget: Budget;
}

export interface Renegotiation {
  actor: string;
  role?: Role;
  protocol: string;
  /** traced by the process (-20 `scale-renegotiation`) or derived from the messages (-2) */
  how: 'traced' | 'derived';
  /** who asked for it (derived only): the EV (PowerDelivery Renegotiate) or the EVSE (EVSENotification ReNegotiation) */
  trigger?: 'EV' | 'EVSE';
  startTs?: number;
  endTs: number;
  /** the event that ends it (PowerDelivery Start) */
  event: number;
  correlationId?: string;
  elapsedMs: number;
  /** SCALE_Renegotiation_Performance_Time (6 s) and SCALE_Renegotiation_Timeout (7 s), D2.3 §11.2 */
  performanceMs?: number;
  timeoutMs?: number;
  breachPerformance: boolean;
  breachTimeout: boolean;
}

export interface TimingReport {
  rows: TimingRow[];
  breaches: Breach[];
  renegotiations: Renegotiation[];
  latencies: LatencyResult[];
}

const ISO = new Set(['apphand', 'din70121', 'iso15118-2', 'iso15118-20']);
const LOOP = new Set(['CurrentDemandReq', 'ChargingStatusReq', 'AC_ChargeLoopReq', 'DC_ChargeLoopReq', 'WPT_ChargeLoopReq']);
const isLoopRes = (message: string): boolean => /^(AC|DC|WPT)_ChargeLoopRes$/.test(message);

interface Sample {
  protocol: string;
  message: string;
  kind: string;
  actor: string;
  event: number;
  elapsedMs: number;
  budget?: Budget;
}

/** The budget a traced timing is checked against: the table's when it lists the message, else the one the process traced. */
function tracedBudget(e: TraceEvent, budgets: TimingBudgets | undefined): Budget | undefined {
  const t = e.timing!;
  const table = messageBudget(budgets, e.protocol, e.message);
  switch (t.kind) {
    case 'evcc-msg-timeout':
      return { name: 'V2G_EVCC_Msg_Timeout', ms: table?.evccTimeoutMs ?? t.budgetMs, kind: 'timeout' };
    case 'secc-performance':
      return { name: 'V2G_SECC_Msg_Performance_Time', ms: table?.seccPerformanceMs ?? t.budgetMs, kind: 'performance' };
    case 'ocpp-call':
      // OCPP defines no response time (D2.3 §11.3): this is the caller's own call timeout
      return { name: 'OCPP call timeout', ms: t.budgetMs, kind: 'call-timeout' };
    default:
      return Number.isFinite(t.budgetMs) ? { name: t.kind, ms: t.budgetMs, kind: 'timeout' } : undefined;
  }
}

/** Request received → response sent (processing) and request sent → response received (round trip) for OCPP and OCPI, by actor and correlation id. */
function derivedRoundTrips(events: readonly TraceEvent[], order: readonly number[], out: Sample[]): void {
  const open = new Map<string, number>();
  for (const i of order) {
    const e = events[i]!;
    const p = dictProtocol(e);
    if (!p || ISO.has(p) || e.correlationId === undefined) continue;
    const ocpi = p === 'ocpi2.2.1';
    const isResponse = ocpi ? e.message.endsWith(' response') : /Response$|^CALLERROR$|^CALLRESULTERROR$/.test(e.message);
    const k = `${e.actor}\u0000${p}\u0000${e.correlationId}`;
    if (!isResponse) {
      open.set(k, i);
      continue;
    }
    const start = open.get(k);
    if (start === undefined) continue;
    open.delete(k);
    const s = events[start]!;
    const processing = s.direction === 'rx' && e.direction === 'tx';
    const roundTrip = s.direction === 'tx' && e.direction === 'rx';
    if (!processing && !roundTrip) continue;
    // OCPP round trips are traced as `ocpp-call` already
    if (roundTrip && e.timing) continue;
    const kind = processing ? (ocpi ? 'ocpi-processing' : 'ocpp-processing') : ocpi ? 'ocpi-roundtrip' : 'ocpp-roundtrip';
    out.push({ protocol: p, message: messageKey(s.message), kind, actor: e.actor, event: i, elapsedMs: e.ts - s.ts });
  }
}

/** Sequence gaps and loop intervals, per connection (actor + peer) on the EV–EVSE link. */
function sequences(events: readonly TraceEvent[], order: readonly number[], roles: ReadonlyMap<string, Role>, budgets: TimingBudgets | undefined, out: Sample[]): void {
  const conns = new Map<string, number[]>();
  for (const i of order) {
    const e = events[i]!;
    if (e.link !== 'ev-evse' || !ISO.has(e.protocol) || e.protocol === 'apphand') continue;
    const k = `${e.actor}\u0000${e.peer ?? ''}`;
    let c = conns.get(k);
    if (!c) conns.set(k, (c = []));
    c.push(i);
  }
  const anyEvseLoop = [...conns.values()].some((c) => c.some((i) => roles.get(events[i]!.actor) === 'EVSE' && LOOP.has(events[i]!.message)));
  for (const idx of conns.values()) {
    let prevRes: number | undefined;
    let prevLoop: number | undefined;
    for (const i of idx) {
      const e = events[i]!;
      const role = roles.get(e.actor);
      const isReq = /Req$/.test(e.message);
      const isRes = /Res$/.test(e.message);
      const tableKey = budgetKey(e.protocol);
      // the sequence: response → next request, seen from the EVSE (res tx → req rx) or the EV (res rx → req tx)
      if (isReq && prevRes !== undefined && ((role === 'EVSE' && e.direction === 'rx') || (role === 'EV' && e.direction === 'tx'))) {
        const loop = e.protocol === 'iso15118-20' && isLoopRes(events[prevRes]!.message);
        const name =
          role === 'EVSE'
            ? loop
              ? 'V2G_SECC_Sequence_Timeout_ChargeLoop'
              : 'V2G_SECC_Sequence_Timeout'
            : loop
              ? 'V2G_EVCC_Sequence_Performance_Time_ChargeLoop'
              : 'V2G_EVCC_Sequence_Performance_Time';
        const ms = tableKey ? timerBudget(budgets, tableKey, name) : undefined;
        out.push({
          protocol: e.protocol,
          message: messageKey(e.message),
          kind: role === 'EVSE' ? 'secc-sequence' : 'evcc-sequence',
          actor: e.actor,
          event: i,
          elapsedMs: e.ts - events[prevRes]!.ts,
          ...(ms !== undefined ? { budget: { name, ms, kind: role === 'EVSE' ? 'timeout' : 'performance' } } : {}),
        });
      }
      if (isRes && ((role === 'EVSE' && e.direction === 'tx') || (role === 'EV' && e.direction === 'rx'))) prevRes = i;
      if (isReq) prevRes = undefined;
      // the loop interval, from the EVSE's side when it is traced, else from the EV's
      const loopSide = anyEvseLoop ? role === 'EVSE' && e.direction === 'rx' : role === 'EV' && e.direction === 'tx';
      if (LOOP.has(e.message) && loopSide) {
        if (prevLoop !== undefined && events[prevLoop]!.message === e.message) {
          const mb = messageBudget(budgets, e.protocol, e.message);
          out.push({
            protocol: e.protocol,
            message: messageKey(e.message),
            kind: 'loop-interval',
            actor: e.actor,
            event: i,
            elapsedMs: e.ts - events[prevLoop]!.ts,
            ...(mb ? { budget: { name: 'V2G_EVCC_Msg_Timeout (D2.3 §11.2 update interval)', ms: mb.evccTimeoutMs, kind: 'update-interval' } } : {}),
          });
        }
        prevLoop = i;
      } else if (isReq && loopSide) prevLoop = undefined;
    }
  }
}

const RENEGOTIATE_EV: EventMatch = { message: 'PowerDeliveryReq', fields: { ChargeProgress: 'Renegotiate' } };
const RENEGOTIATE_EVSE: EventMatch = { test: (e) => /Res$/.test(e.message) && hasNotification(e) };
const POWER_START: EventMatch = { message: 'PowerDeliveryReq', fields: { ChargeProgress: 'Start' } };

function hasNotification(e: TraceEvent): boolean {
  const body = (e.body as { V2G_Message?: { Body?: Record<string, Record<string, unknown>> } } | undefined)?.V2G_Message?.Body?.[e.message];
  if (!body) return false;
  return Object.entries(body).some(([k, v]) => /EVSEStatus$/.test(k) && typeof v === 'object' && v !== null && (v as Record<string, unknown>).EVSENotification === 'ReNegotiation');
}

/** -20 renegotiations as the processes traced them; -2 ones derived from PowerDelivery and EVSENotification. */
function renegotiations(events: readonly TraceEvent[], order: readonly number[], roles: ReadonlyMap<string, Role>, budgets: TimingBudgets | undefined): Renegotiation[] {
  const perf = timerBudget(budgets, 'iso20', 'SCALE_Renegotiation_Performance_Time');
  const timeout = timerBudget(budgets, 'iso20', 'SCALE_Renegotiation_Timeout');
  const out: Renegotiation[] = [];
  const make = (i: number, how: Renegotiation['how'], elapsedMs: number, extra: Partial<Renegotiation> = {}): Renegotiation => {
    const e = events[i]!;
    const role = roles.get(e.actor);
    // the process's own budget is the one it measured against (EV: the timeout, EVSE: the performance time)
    const p = perf ?? (how === 'traced' && role === 'EVSE' ? e.timing?.budgetMs : undefined);
    const t = timeout ?? (how === 'traced' && role !== 'EVSE' ? e.timing?.budgetMs : undefined);
    return {
      actor: e.actor,
      ...(role ? { role } : {}),
      protocol: e.protocol,
      how,
      ...extra,
      endTs: e.ts,
      event: i,
      ...(e.correlationId !== undefined ? { correlationId: e.correlationId } : {}),
      elapsedMs,
      ...(p !== undefined ? { performanceMs: p } : {}),
      ...(t !== undefined ? { timeoutMs: t } : {}),
      breachPerformance: p !== undefined && elapsedMs > p,
      breachTimeout: t !== undefined && elapsedMs > t,
    };
  };
  for (const i of order) {
    const e = events[i]!;
    if (e.timing?.kind === 'scale-renegotiation') out.push(make(i, 'traced', e.timing.elapsedMs));
  }
  // -2: per connection, from the side that receives the new data (the EVSE), else from the EV
  const twoEvents = order.filter((i) => events[i]!.protocol === 'iso15118-2' && events[i]!.link === 'ev-evse');
  const evseTraced = twoEvents.some((i) => roles.get(events[i]!.actor) === 'EVSE');
  const side: Role = evseTraced ? 'EVSE' : 'EV';
  const conns = new Map<string, number[]>();
  for (const i of twoEvents) {
    const e = events[i]!;
    if (roles.get(e.actor) !== side) continue;
    const k = `${e.actor}\u0000${e.peer ?? ''}`;
    let c = conns.get(k);
    if (!c) conns.set(k, (c = []));
    c.push(i);
  }
  // the EVSE receives the EV's requests and sends its notifications; the EV the other way round
  const evDir = side === 'EVSE' ? 'rx' : 'tx';
  const evseDir = side === 'EVSE' ? 'tx' : 'rx';
  for (const idx of conns.values()) {
    let start: { i: number; trigger: 'EV' | 'EVSE' } | undefined;
    for (const i of idx) {
      const e = events[i]!;
      if (!start && e.direction === evDir && matchEvent(RENEGOTIATE_EV, e, roles)) start = { i, trigger: 'EV' };
      else if (!start && e.direction === evseDir && matchEvent(RENEGOTIATE_EVSE, e, roles)) start = { i, trigger: 'EVSE' };
      else if (start && e.direction === evDir && matchEvent(POWER_START, e, roles)) {
        out.push(make(i, 'derived', e.ts - events[start.i]!.ts, { trigger: start.trigger, startTs: events[start.i]!.ts }));
        start = undefined;
      }
    }
  }
  return out;
}

/** The timing report of one run: `budgets` is @v2xsim/iso15118's V2G_TIMING (or a table of its shape). */
export function timingReport(events: readonly TraceEvent[], budgets?: TimingBudgets, opts: TimingOptions = {}): TimingReport {
  const order = timeOrder(events);
  const roles = inferRoles(events, opts.roles);
  const samples: Sample[] = [];
  for (const i of order) {
    const e = events[i]!;
    if (!e.timing || e.timing.kind === 'scale-renegotiation') continue;
    const budget = tracedBudget(e, budgets);
    samples.push({ protocol: dictProtocol(e) ?? e.protocol, message: messageKey(e.message), kind: e.timing.kind, actor: e.actor, event: i, elapsedMs: e.timing.elapsedMs, ...(budget ? { budget } : {}) });
  }
  derivedRoundTrips(events, order, samples);
  sequences(events, order, roles, budgets, samples);

  const rows = new Map<string, { row: Omit<TimingRow, 'stats'>; values: number[] }>();
  const breaches: Breach[] = [];
  for (const s of samples) {
    const k = `${s.protocol}\u0000${s.message}\u0000${s.kind}`;
    let r = rows.get(k);
    if (!r) rows.set(k, (r = { row: { protocol: s.protocol, message: s.message, kind: s.kind, ...(s.budget ? { budget: s.budget } : {}), breaches: 0, actors: [] }, values: [] }));
    r.values.push(s.elapsedMs);
    if (!r.row.actors.includes(s.actor)) r.row.actors.push(s.actor);
    if (s.budget && s.elapsedMs > s.budget.ms) {
      r.row.breaches++;
      const e = events[s.event]!;
      breaches.push({ kind: s.kind, protocol: s.protocol, message: s.message, actor: s.actor, event: s.event, ts: e.ts, ...(e.correlationId !== undefined ? { correlationId: e.correlationId } : {}), elapsedMs: s.elapsedMs, budget: s.budget });
    }
  }
  const pair = pairMessages(events, opts.pairing);
  return {
    rows: [...rows.values()].map(({ row, values }) => ({ ...row, stats: stats(values)! })),
    breaches,
    renegotiations: renegotiations(events, order, roles, budgets),
    latencies: measureLatencies(events, order, roles, opts.latencies ?? D23_LATENCIES, pair),
  };
}

const ms = (x: number): string => (x < 1 ? x.toFixed(2) : x < 100 ? x.toFixed(1) : Math.round(x).toString());
const esc = (s: string): string => s.replace(/\|/g, '\\|');

/** The timing report as Markdown: the per-message table, breaches, renegotiations, end-to-end latencies. */
export function timingMarkdown(report: TimingReport): string {
  const lines: string[] = ['## Response times against the budgets', '', '| Protocol | Message | Measure | n | p50 ms | p99 ms | max ms | Budget | Breaches |', '|---|---|---|---|---|---|---|---|---|'];
  const rows = [...report.rows].sort((a, b) => a.protocol.localeCompare(b.protocol) || a.message.localeCompare(b.message) || a.kind.localeCompare(b.kind));
  for (const r of rows) {
    const budget = r.budget ? `${r.budget.name} ${ms(r.budget.ms)} ms` : '–';
    lines.push(`| ${r.protocol} | ${esc(r.message)} | ${r.kind} | ${r.stats.count} | ${ms(r.stats.p50)} | ${ms(r.stats.p99)} | ${ms(r.stats.max)} | ${esc(budget)} | ${r.breaches} |`);
  }
  lines.push('');
  if (report.breaches.length > 0) {
    lines.push('## Breaches', '', '| Actor | Protocol | Message | Measure | Elapsed ms | Budget |', '|---|---|---|---|---|---|');
    for (const b of report.breaches) lines.push(`| ${b.actor} | ${b.protocol} | ${esc(b.message)} | ${b.kind} | ${ms(b.elapsedMs)} | ${esc(b.budget.name)} ${ms(b.budget.ms)} ms |`);
    lines.push('');
  }
  if (report.renegotiations.length > 0) {
    lines.push('## Renegotiations (D2.3 §11.2: 6 s performance, 7 s timeout)', '', '| Actor | Protocol | How | Trigger | Elapsed ms | Performance | Timeout |', '|---|---|---|---|---|---|---|');
    for (const r of report.renegotiations) {
      lines.push(`| ${r.actor} | ${r.protocol} | ${r.how} | ${r.trigger ?? '–'} | ${ms(r.elapsedMs)} | ${r.breachPerformance ? '✗ exceeded' : '✓'} | ${r.breachTimeout ? '✗ exceeded' : '✓'} |`);
    }
    lines.push('');
  }
  lines.push('## End-to-end latencies', '', '| Latency | n | p50 ms | p99 ms | max ms | Unmatched |', '|---|---|---|---|---|---|');
  for (const l of report.latencies) {
    const s = l.stats;
    lines.push(`| ${esc(l.label)} | ${s?.count ?? 0} | ${s ? ms(s.p50) : '–'} | ${s ? ms(s.p99) : '–'} | ${s ? ms(s.max) : '–'} | ${l.unmatched} |`);
  }
  return `${lines.join('\n')}\n`;
}
