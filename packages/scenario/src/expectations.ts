// The expectations of a scenario, checked against what the run produced: the EV's session
// summary, the journeys and the timing report of @v2xsim/trace, the /health samples. Each gives
// one line that says what was expected and what was found.
import { dictionary } from '@v2xsim/trace';
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
    const got = `ok=${String(s.ok)} protocol=${String(s.protocol)} stopReason=${String(s.stopReason)}${s.error ? ` error=${String(s.error)}` : ''}`;
    return bad.length ? { ok: false, message: `${p!.actor}: ${bad.join(', ')}${s.error ? `; error: ${String(s.error)}` : ''}` } : { ok: true, message: `${p!.actor}: ${got}` };
  }
  if ('journey' in x) {
    const e = x.journey;
    const j = run.journeys.journeys.find((jj) => jj.object === e.object);
    if (!j) return { ok: false, message: `${e.object} is not a data object of the dictionary (known: ${dictionary.DATA_OBJECT_IDS.slice(0, 6).join(', ')}, …)` };
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
    const breaches = run.timing.breaches.filter((b) => matchesRow(e, { protocol: b.protocol, message: b.message, kind: b.kind }));
    const worst = breaches.reduce<(typeof breaches)[number] | undefined>((a, b) => (!a || b.elapsedMs > a.elapsedMs ? b : a), undefined);
    const msg = worst ? `${breaches.length} breach(es) of ${describeFilter(e)}: worst ${worst.protocol} ${worst.message} ${worst.kind} ${r(worst.elapsedMs, 2)} ms > ${worst.budget.name} ${worst.budget.ms} ms` : `no breach of ${describeFilter(e)}`;
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
  const never: never = x;
  void scenario;
  return { ok: false, message: `unknown expectation ${JSON.stringify(never)}` };
}

export function evaluateExpectations(scenario: Scenario, run: RunResult): ExpectationResult[] {
  return (scenario.expect ?? []).map((x) => {
    const kind = kindOf(x);
    const res = check(x, run, scenario);
    return { name: x.name ?? `${kind}${'journey' in x ? ` ${x.journey.object} → ${x.journey.reaches}` : ''}`, kind, ...res };
  });
}
