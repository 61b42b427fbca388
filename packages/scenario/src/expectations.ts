// The expectations of a scenario, checked against what the run produced: the EV's session
// summary, the journeys and the timing report of @v2xsim/trace, the /health samples. Each gives
// one line that says what was expected and what was found.
import { analysis, dictionary } from '@v2xsim/trace';
import { describeMatch, eventMatch } from './event-match.js';
import type { ExpectationResult, ProcessRecord, RunResult } from './run-types.js';
import { EXPECTATIONS } from './schema.js';
import type { Expectation, Scenario } from './types.js';

const r = (x: number, d = 1): number => Math.round(x * 10 ** d) / 10 ** d;
const kindOf = (x: Expectation): string => Object.keys(EXPECTATIONS).find((k) => k in x)!;

function evRecord(run: RunResult, ev: string | undefined): ProcessRecord | undefined {
  return run.processes.find((p) => p.kind === 'ev' && (ev === undefined || p.actor === ev));
}

/** The EV's last session: its --summary line, or for an attached EV what /health said last. */
function lastSession(p: ProcessRecord | undefined): Record<string, unknown> | undefined {
  if (!p) return undefined;
  if (p.summaries.length > 0) return p.summaries[p.summaries.length - 1];
  const h = p.lastHealth;
  if (!h) return undefined;
  return { soc: h.soc, socEnd: h.soc, energyWh: h.sessionEnergyWh, dischargedWh: h.sessionDischargedWh, stopReason: h.stopReason, protocol: h.protocol, fromHealth: true };
}

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

function matchesRow(f: { protocol?: string; message?: string; measure?: string }, row: { protocol: string; message: string; kind: string }): boolean {
  return (f.protocol === undefined || row.protocol === f.protocol) && (f.message === undefined || row.message === f.message) && (f.measure === undefined || row.kind === f.measure);
}

const describeFilter = (f: { protocol?: string; message?: string; measure?: string }): string =>
  [f.protocol, f.message, f.measure].filter((x) => x !== undefined).join(' ') || 'all messages';

function check(x: Expectation, run: RunResult, scenario: Scenario): Omit<ExpectationResult, 'name' | 'kind'> {
  if ('session' in x) {
    const e = x.session;
    const p = evRecord(run, e.ev);
    const s = lastSession(p);
    if (!s) return { ok: false, message: `no session of ${e.ev ?? 'the EV'} was seen` };
    const bad: string[] = [];
    const want = { ok: e.ok, stopReason: e.stopReason, protocol: e.protocol, service: e.service };
    for (const [k, v] of Object.entries(want)) if (v !== undefined && s[k] !== v) bad.push(`${k} ${JSON.stringify(s[k])} (expected ${JSON.stringify(v)})`);
    if (e.error !== undefined && !new RegExp(e.error).test(typeof s.error === 'string' ? s.error : '')) bad.push(`error ${JSON.stringify(s.error ?? null)} (expected one matching /${e.error}/)`);
    const got = `ok=${String(s.ok)} protocol=${String(s.protocol)} stopReason=${String(s.stopReason)}${s.error ? ` error=${String(s.error)}` : ''}`;
    return bad.length ? { ok: false, message: `${p!.actor}: ${bad.join(', ')}${s.error ? `; error: ${String(s.error)}` : ''}` } : { ok: true, message: `${p!.actor}: ${got}` };
  }
  if ('journey' in x) {
    const e = x.journey;
    const j = run.journeys.journeys.find((jj) => jj.object === e.object);
    if (!j) return { ok: false, message: `${e.object} is not a data object of the dictionary (known: ${dictionary.DATA_OBJECT_IDS.slice(0, 6).join(', ')}, …)` };
    if (e.from !== undefined || e.via !== undefined || e.reached === false) return checkJourneyPath(e, j);
    const reached = j.reached.find((rr) => rr.actor === e.reaches || rr.role === e.reaches);
    if (!reached) {
      const gap = j.gaps[0];
      return { ok: false, message: `${e.object} never reached ${e.reaches}${j.reached.length ? ` (reached: ${j.reached.map((rr) => rr.actor).join(', ')})` : ''}${gap ? `; gap on ${gap.linkKey}: ${gap.reason}` : ''}` };
    }
    const how = reached.how === 'source' ? 'is its source' : `by ${reached.message}${reached.delayMs !== undefined ? ` after ${r(reached.delayMs, 2)} ms` : ''}`;
    if (e.withinMs !== undefined && reached.how === 'received' && (reached.delayMs === undefined || reached.delayMs > e.withinMs))
      return { ok: false, message: `${e.object} reached ${reached.actor} ${how}: over ${e.withinMs} ms` };
    return { ok: true, message: `${e.object} reached ${reached.actor} ${how}` };
  }
  if ('timing' in x) {
    const e = x.timing;
    const rows = run.timing.rows.filter((row) => matchesRow(e, row));
    if (rows.length === 0) return { ok: false, message: `no timing samples for ${describeFilter(e)}` };
    const bad: string[] = [];
    if (e.noBreach) {
      const breaches = run.timing.breaches.filter((b) => matchesRow(e, { protocol: b.protocol, message: b.message, kind: b.kind }));
      for (const b of breaches.slice(0, 3)) bad.push(`${b.protocol} ${b.message} ${b.kind} ${r(b.elapsedMs, 2)} ms > ${b.budget.name} ${b.budget.ms} ms`);
      if (breaches.length > 3) bad.push(`${breaches.length - 3} more breaches`);
    }
    for (const row of rows) {
      if (e.p99BelowMs !== undefined && row.stats.p99 >= e.p99BelowMs) bad.push(`${row.protocol} ${row.message} ${row.kind} p99 ${r(row.stats.p99, 2)} ms ≥ ${e.p99BelowMs} ms`);
      if (e.maxBelowMs !== undefined && row.stats.max >= e.maxBelowMs) bad.push(`${row.protocol} ${row.message} ${row.kind} max ${r(row.stats.max, 2)} ms ≥ ${e.maxBelowMs} ms`);
    }
    const n = rows.reduce((a, row) => a + row.stats.count, 0);
    const worst = rows.reduce((a, row) => Math.max(a, row.stats.p99), 0);
    return bad.length ? { ok: false, message: `${describeFilter(e)}: ${bad.join('; ')}` } : { ok: true, message: `${describeFilter(e)}: ${n} samples in ${rows.length} row(s), worst p99 ${r(worst, 2)} ms, no breach` };
  }
  if ('breach' in x) {
    const e = x.breach;
    const min = e.min ?? 1;
    // a response that never came is in no trace: the EV's summary names it
    const all = [...run.timing.breaches, ...unansweredBreaches(run)];
    const breaches = all.filter((b) => matchesRow(e, { protocol: b.protocol, message: b.message, kind: b.kind }));
    const worst = breaches.reduce<(typeof breaches)[number] | undefined>((a, b) => (!a || b.elapsedMs > a.elapsedMs ? b : a), undefined);
    const msg = worst
      ? `${breaches.length} breach(es) of ${describeFilter(e)}: worst ${worst.protocol} ${worst.message} ${worst.kind} ${'unanswered' in worst ? 'no response' : `${r(worst.elapsedMs, 2)} ms`} > ${worst.budget.name} ${worst.budget.ms} ms`
      : `no breach of ${describeFilter(e)}`;
    return { ok: breaches.length >= min, message: breaches.length >= min ? msg : `expected at least ${min} breach(es), found ${msg}` };
  }
  if ('soc' in x) {
    const e = x.soc;
    const p = evRecord(run, e.ev);
    const s = lastSession(p);
    const soc = num(s?.socEnd) ?? num(p?.lastHealth?.soc);
    if (soc === undefined) return { ok: false, message: `no SoC of ${e.ev ?? 'the EV'}` };
    const ok = (e.min === undefined || soc >= e.min) && (e.max === undefined || soc <= e.max);
    return { ok, message: `${p!.actor} SoC ${r(soc, 2)} % (expected ${e.min ?? '–'}..${e.max ?? '–'} %)` };
  }
  if ('energy' in x) {
    const e = x.energy;
    const p = evRecord(run, e.ev);
    const s = lastSession(p);
    const charged = num(s?.energyWh);
    const discharged = num(s?.dischargedWh) ?? 0;
    if (charged === undefined) return { ok: false, message: `no energy figure of ${e.ev ?? 'the EV'}` };
    const ok =
      (e.chargedMinWh === undefined || charged >= e.chargedMinWh) &&
      (e.chargedMaxWh === undefined || charged <= e.chargedMaxWh) &&
      (e.dischargedMinWh === undefined || discharged >= e.dischargedMinWh) &&
      (e.dischargedMaxWh === undefined || discharged <= e.dischargedMaxWh);
    return {
      ok,
      message: `${p!.actor} charged ${r(charged)} Wh (expected ${e.chargedMinWh ?? '–'}..${e.chargedMaxWh ?? '–'}), discharged ${r(discharged)} Wh (expected ${e.dischargedMinWh ?? '–'}..${e.dischargedMaxWh ?? '–'})`,
    };
  }
  if ('energyBalance' in x) {
    const e = x.energyBalance;
    const p = evRecord(run, e.ev);
    const s = lastSession(p);
    const evse = run.processes.find((q) => q.kind === 'evse' && (e.evse === undefined || q.actor === e.evse));
    type Meter = { importedWh?: number; exportedWh?: number };
    const m0 = evse?.firstHealth?.meter as Meter | undefined;
    const m1 = evse?.lastHealth?.meter as Meter | undefined;
    const evIn = num(s?.energyWh);
    if (evIn === undefined || !m0 || !m1) return { ok: false, message: 'the EV’s session energy or the EVSE’s meter was not seen' };
    const evOut = num(s?.dischargedWh) ?? 0;
    const meterIn = (m1.importedWh ?? 0) - (m0.importedWh ?? 0);
    const meterOut = (m1.exportedWh ?? 0) - (m0.exportedWh ?? 0);
    const tolWh = e.toleranceWh ?? 50;
    const tolPct = e.tolerancePct ?? 2;
    const within = (a: number, b: number) => Math.abs(a - b) <= Math.max(tolWh, (Math.max(a, b) * tolPct) / 100);
    const ok = within(meterIn, evIn) && within(meterOut, evOut);
    return {
      ok,
      message: `meter import ${r(meterIn)} Wh vs EV ${r(evIn)} Wh, export ${r(meterOut)} Wh vs EV ${r(evOut)} Wh (tolerance ${tolWh} Wh or ${tolPct} %)`,
    };
  }
  if ('renegotiations' in x) {
    const e = x.renegotiations;
    // one per traced actor: count the EV's (or the EVSE's when the EV is not traced)
    const all = run.timing.renegotiations;
    const evSide = all.filter((rr) => rr.role === 'EV');
    const list = evSide.length > 0 ? evSide : all.filter((rr) => rr.role === 'EVSE');
    const n = list.length;
    const breaches = list.filter((rr) => rr.breachTimeout || rr.breachPerformance);
    const ok = (e.min === undefined || n >= e.min) && (e.max === undefined || n <= e.max) && (!e.noBreach || breaches.length === 0);
    return { ok, message: `${n} renegotiation(s)${n ? ` (${list.map((rr) => `${r(rr.elapsedMs, 1)} ms`).join(', ')})` : ''}, ${breaches.length} over D2.3's 6 s / 7 s (expected ${e.min ?? 0}..${e.max ?? '∞'}${e.noBreach ? ', none over' : ''})` };
  }
  if ('latency' in x) {
    const e = x.latency;
    const l = run.timing.latencies.find((ll) => ll.id === e.id);
    if (!l) return { ok: false, message: `no latency ${e.id} was measured` };
    const n = l.samples.length;
    const min = e.min ?? 1;
    const bad: string[] = [];
    if (n < min) bad.push(`${n} sample(s), expected at least ${min}`);
    if (e.max !== undefined && n > e.max) bad.push(`${n} sample(s), expected at most ${e.max}`);
    const maxMs = l.stats?.max ?? 0;
    const simMaxS = l.samples.reduce((a, s) => Math.max(a, (s.simLatencyMs ?? 0) / 1000), 0);
    if (e.maxBelowMs !== undefined && n > 0 && maxMs >= e.maxBelowMs) bad.push(`max ${r(maxMs, 2)} ms ≥ ${e.maxBelowMs} ms`);
    if (e.p99BelowMs !== undefined && n > 0 && (l.stats?.p99 ?? 0) >= e.p99BelowMs) bad.push(`p99 ${r(l.stats?.p99 ?? 0, 2)} ms ≥ ${e.p99BelowMs} ms`);
    if (e.simMaxBelowS !== undefined && n > 0 && simMaxS >= e.simMaxBelowS) bad.push(`max ${r(simMaxS)} s sim ≥ ${e.simMaxBelowS} s`);
    if (e.noBreach && l.breaches > 0) bad.push(`${l.breaches} over its budget ${l.budgetMs} ms`);
    const found = n === 0 ? `no sample (${l.unmatched} start(s) unmatched)` : `${n} sample(s): ${l.samples.map((s) => `${r(s.latencyMs, 1)} ms${s.simLatencyMs !== undefined ? ` (${r(s.simLatencyMs / 1000)} s sim)` : ''}`).slice(0, 4).join(', ')}${n > 4 ? ', …' : ''}${l.unmatched ? `, ${l.unmatched} unmatched` : ''}`;
    return { ok: bad.length === 0, message: `${e.id}: ${bad.length ? `${bad.join('; ')}; ` : ''}${found}` };
  }
  if ('events' in x) {
    const { min, max, ...m } = x.events;
    const roles = new Map(run.journeys.actors.filter((a) => a.role !== undefined).map((a) => [a.actor, a.role!] as const));
    const match = eventMatch(m);
    const n = run.events.reduce((c, ev) => c + (analysis.matchEvent(match, ev, roles) ? 1 : 0), 0);
    const ok = n >= (min ?? 1) && (max === undefined || n <= max);
    return { ok, message: `${n} event(s) ${describeMatch(m)} (expected ${min ?? 1}..${max ?? '∞'})` };
  }
  if ('transactions' in x) return checkTransactions(x.transactions, run);
  const never: never = x;
  void scenario;
  return { ok: false, message: `unknown expectation ${JSON.stringify(never)}` };
}

export function evaluateExpectations(scenario: Scenario, run: RunResult): ExpectationResult[] {
  return (scenario.expect ?? []).map((x) => {
    const kind = kindOf(x);
    const res = check(x, run, scenario);
    const what = 'journey' in x ? ` ${x.journey.object}${x.journey.from ? ` from ${x.journey.from}` : ''} ${x.journey.reached === false ? '↛' : '→'} ${x.journey.reaches}` : 'latency' in x ? ` ${x.latency.id}` : 'events' in x ? ` ${describeMatch(x.events)}` : '';
    return { name: x.name ?? `${kind}${what}`, kind, ...res };
  });
}

type JourneyExpect = Extract<Expectation, { journey: unknown }>['journey'];
type Journey = analysis.Journey;

const refMatches = (ref: string, actor: string, role: string | undefined): boolean => actor === ref || role === ref;

/** The protocols a value travelled over from its source to this hop, in order (each link once). */
function pathOf(j: Journey, hop: number): string[] {
  const chain: string[] = [];
  for (let h: number | undefined = hop, guard = 0; h !== undefined && guard < 100; h = j.hops[h]?.upstream, guard++) chain.unshift(j.hops[h].protocol);
  return chain.filter((p, i) => p !== chain[i - 1]);
}

/** `via` in order within `path` (other protocols may be between). */
const inOrder = (via: readonly string[], path: readonly string[]): boolean => {
  let i = 0;
  for (const p of path) if (p === via[i]) i++;
  return i === via.length;
};

/** A journey with a source (`from`), a path (`via`) or that must not arrive (`reached: false`). */
function checkJourneyPath(e: JourneyExpect, j: Journey): Omit<ExpectationResult, 'name' | 'kind'> {
  const arrivals: { actor: string; delayMs?: number; message: string; path: string[] }[] = [];
  for (const d of j.deliveries) {
    if (e.from !== undefined && !refMatches(e.from, d.source, d.sourceRole)) continue;
    for (const c of d.consumers) {
      if (!refMatches(e.reaches, c.actor, c.role)) continue;
      const path = pathOf(j, c.hop);
      if (e.via && !inOrder(e.via, path)) continue;
      arrivals.push({ actor: c.actor, ...(c.delayMs !== undefined ? { delayMs: c.delayMs } : {}), message: j.hops[c.hop].message, path });
    }
  }
  const what = `${e.object}${e.from ? ` from ${e.from}` : ''}${e.via ? ` via ${e.via.join(' → ')}` : ''}`;
  if (arrivals.length === 0) {
    // the gap nearest the actor it should reach says why (D2.3's reason)
    const gap = j.gaps.find((g) => g.actors.some((a, i) => refMatches(e.reaches, a, g.roles[i]))) ?? j.gaps[0];
    const why = gap ? `; gap on ${gap.linkKey} (${gap.kind}): ${gap.reason}` : '';
    const seen = [...new Set(j.deliveries.filter((d) => e.from === undefined || refMatches(e.from, d.source, d.sourceRole)).flatMap((d) => d.consumers.map((c) => c.actor)))];
    const got = `${what} never reached ${e.reaches}${seen.length ? ` (it reached ${seen.join(', ')})` : ''}${why}`;
    return e.reached === false ? { ok: true, message: `${got}, as expected` } : { ok: false, message: got };
  }
  const first = arrivals.reduce((a, b) => ((b.delayMs ?? Infinity) < (a.delayMs ?? Infinity) ? b : a));
  const how = `${what} reached ${first.actor} by ${first.message}${first.delayMs !== undefined ? ` after ${r(first.delayMs, 2)} ms` : ''} over ${first.path.join(' → ')}`;
  if (e.reached === false) return { ok: false, message: `${how}, expected it not to` };
  if (e.withinMs !== undefined && (first.delayMs === undefined || first.delayMs > e.withinMs)) return { ok: false, message: `${how}: over ${e.withinMs} ms` };
  return { ok: true, message: how };
}

interface StoredTransaction {
  stationId: string;
  transactionId: string;
  state: string;
  meterStartWh: number | null;
  meterStopWh: number | null;
  iso15118SessionId: string | null;
  offline: boolean;
  events?: { seqNo: number; offline: boolean }[];
  missingSeqNos?: number[];
}

/** The CSMS's transactions at the end of the run: nothing lost (ended, every seqNo), the offline journal, the SCALE session id, the energy. */
function checkTransactions(e: Extract<Expectation, { transactions: unknown }>['transactions'], run: RunResult): Omit<ExpectationResult, 'name' | 'kind'> {
  const csms = run.processes.find((p) => p.kind === 'csms');
  const txs = (csms?.finalState?.transactions as StoredTransaction[] | undefined) ?? undefined;
  if (!txs) return { ok: false, message: 'the CSMS’s transactions were not read at the end of the run' };
  const bad: string[] = [];
  if (e.count !== undefined && txs.length !== e.count) bad.push(`${txs.length} transaction(s), expected ${e.count}`);
  const notEnded = txs.filter((t) => t.state !== 'Ended');
  if (e.ended !== undefined && (notEnded.length === 0) !== e.ended) bad.push(e.ended ? `${notEnded.map((t) => t.transactionId).join(', ')} not ended` : 'every one ended');
  const missing = txs.filter((t) => (t.missingSeqNos?.length ?? 0) > 0);
  if (e.complete !== undefined && (missing.length === 0) !== e.complete) bad.push(e.complete ? `seqNos missing: ${missing.map((t) => `${t.transactionId} [${t.missingSeqNos!.join(', ')}]`).join('; ')}` : 'no seqNo missing');
  const offlineEvents = txs.reduce((n, t) => n + (t.events?.filter((ev) => ev.offline).length ?? (t.offline ? 1 : 0)), 0);
  if (e.offline !== undefined && offlineEvents > 0 !== e.offline) bad.push(e.offline ? 'no event was sent offline' : `${offlineEvents} event(s) sent offline`);
  const withId = txs.filter((t) => t.iso15118SessionId);
  if (e.iso15118SessionId !== undefined && (withId.length === txs.length && txs.length > 0) !== e.iso15118SessionId) bad.push(e.iso15118SessionId ? `${txs.length - withId.length} without the ISO 15118 SessionID` : `the SessionID known for ${withId.map((t) => t.transactionId).join(', ')}`);
  // the energy of each transaction against the EVSE's meter over the run
  const evse = run.processes.find((p) => p.kind === 'evse');
  type Meter = { importedWh?: number };
  const m0 = (evse?.firstHealth?.meter as Meter | undefined)?.importedWh;
  const m1 = (evse?.lastHealth?.meter as Meter | undefined)?.importedWh;
  const txWh = txs.reduce((a, t) => a + (t.meterStopWh !== null && t.meterStartWh !== null ? t.meterStopWh - t.meterStartWh : 0), 0);
  const meterWh = m0 !== undefined && m1 !== undefined ? m1 - m0 : undefined;
  if (e.toleranceWh !== undefined || e.tolerancePct !== undefined) {
    if (meterWh === undefined || txs.some((t) => t.meterStopWh === null)) bad.push('no meter stop value or EVSE meter to compare');
    else if (Math.abs(txWh - meterWh) > Math.max(e.toleranceWh ?? 50, (Math.max(txWh, meterWh) * (e.tolerancePct ?? 2)) / 100)) bad.push(`energy ${r(txWh)} Wh vs the EVSE's meter ${r(meterWh)} Wh`);
  }
  const found = `${txs.length} transaction(s) (${txs.map((t) => `${t.transactionId} ${t.state}`).join(', ')}), ${offlineEvents} event(s) sent offline, ${missing.length ? `seqNos missing in ${missing.length}` : 'no seqNo missing'}, SessionID ${withId.length}/${txs.length}, energy ${r(txWh)} Wh${meterWh !== undefined ? ` (EVSE meter ${r(meterWh)} Wh)` : ''}`;
  return { ok: bad.length === 0, message: bad.length ? `${bad.join('; ')}; ${found}` : found };
}

const SUMMARY_PROTOCOL: [RegExp, string][] = [
  [/^iso20/, 'iso15118-20'],
  [/^iso2/, 'iso15118-2'],
  [/^din/, 'din70121'],
];

/** The EV's request that got no response within V2G_EVCC_Msg_Timeout (its session error says which) as a breach of that budget. */
function unansweredBreaches(run: RunResult): { protocol: string; message: string; kind: string; elapsedMs: number; budget: { name: string; ms: number }; unanswered: true }[] {
  return run.processes
    .filter((p) => p.kind === 'ev')
    .flatMap((p) => p.summaries)
    .flatMap((s) => {
      const m = /no response to (\w+?)(Req)? within V2G_EVCC_Msg_Timeout \((\d+) ms\)/.exec(typeof s.error === 'string' ? s.error : '');
      const protocol = SUMMARY_PROTOCOL.find(([re]) => re.test(String(s.protocol ?? '')))?.[1];
      if (!m || !protocol) return [];
      const ms = Number(m[3]);
      return [{ protocol, message: m[1], kind: 'evcc-msg-timeout', elapsedMs: ms, budget: { name: 'V2G_EVCC_Msg_Timeout', ms }, unanswered: true as const }];
    });
}
