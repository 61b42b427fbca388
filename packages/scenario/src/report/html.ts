// The HTML report of a run: one self-contained file (inline CSS and SVG, no scripts) with the
// verdict, the expectations, the steps and faults, SoC/power/setpoint plots from the /health
// samples, the timing table with its breaches highlighted (which budget broke), renegotiations,
// end-to-end latencies, and per data journey a sequence diagram of its hops.
import type { RunResult } from '../run-types.js';
import { esc, lineChart, sequenceDiagram, type Marker, type Series } from './svg.js';

const CSS = `
body{font:14px/1.45 system-ui,sans-serif;margin:24px;color:#1d2330;max-width:1200px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #dde;padding-bottom:4px}h3{font-size:15px;margin:18px 0 6px}
table{border-collapse:collapse;margin:6px 0}td,th{border:1px solid #dde;padding:3px 8px;text-align:left;vertical-align:top}th{background:#f3f4f8}
td.n{text-align:right;font-variant-numeric:tabular-nums}
.pass{color:#17803d;font-weight:600}.fail{color:#c0262d;font-weight:600}
tr.breach td{background:#fde8e8}.muted{color:#778}.verdict{font-size:18px}
code{background:#f3f4f8;padding:1px 4px;border-radius:3px}
svg text.title{font-weight:600;font-size:13px}svg text.tick{font-size:11px;fill:#556}svg line.grid{stroke:#eef}svg line.zero{stroke:#99a}
svg line.marker{stroke:#c77;stroke-dasharray:4 3}svg text.mlabel{font-size:10px;fill:#a44}
svg rect.actor{fill:#eef1fb;stroke:#99b}svg text.aname{font-size:12px;font-weight:600}svg line.life{stroke:#bbc;stroke-dasharray:3 3}
svg line.hop{stroke:#334;stroke-width:1.4}svg line.fwd{stroke:#2a62c9;stroke-width:1.4}svg text.hlabel{font-size:11px}
details{margin:6px 0}summary{cursor:pointer}
`;

const COLORS = ['#2a62c9', '#d9480f', '#2b8a3e', '#862e9c', '#c92a2a', '#5f3dc4'];
const ms = (x: number): string => (x < 1 ? x.toFixed(2) : x < 100 ? x.toFixed(1) : String(Math.round(x)));
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

function series(run: RunResult, kind: string, name: string, pick: (h: Record<string, unknown>) => unknown, color: string, step = false): Series | undefined {
  const points: [number, number][] = [];
  for (const s of run.samples) {
    if (s.kind !== kind) continue;
    const v = num(pick(s.health));
    if (v !== undefined) points.push([s.simS, v]);
  }
  return points.length ? { name, points, color, step } : undefined;
}

function plots(run: RunResult): string {
  const markers: Marker[] = run.steps.filter((s) => s.simS !== undefined).map((s) => ({ x: s.simS!, label: `${s.index + 1} ${s.action}` }));
  const soc = [series(run, 'ev', 'EV SoC %', (h) => h.soc, COLORS[0])].filter((x): x is Series => !!x);
  const power = [
    series(run, 'ev', 'EV power W', (h) => h.powerW, COLORS[0]),
    series(run, 'evse', 'EVSE output W', (h) => h.presentPowerW, COLORS[1]),
    series(run, 'evse', 'EVSE setpoint W', (h) => h.setpointW, COLORS[2], true),
    series(run, 'evse', 'EVSE limit W', (h) => (h.limits as { maxPowerW?: number } | undefined)?.maxPowerW, COLORS[3], true),
  ].filter((x): x is Series => !!x);
  const meter = [
    series(run, 'evse', 'meter import Wh', (h) => (h.meter as { importedWh?: number } | undefined)?.importedWh, COLORS[1]),
    series(run, 'evse', 'meter export Wh', (h) => (h.meter as { exportedWh?: number } | undefined)?.exportedWh, COLORS[4]),
    series(run, 'ev', 'EV session energy Wh', (h) => h.sessionEnergyWh, COLORS[0]),
  ].filter((x): x is Series => !!x);
  return [
    lineChart({ title: 'State of charge', yLabel: '%', series: soc, markers }),
    lineChart({ title: 'Power and setpoints', yLabel: 'W', series: power, markers }),
    lineChart({ title: 'Energy', yLabel: 'Wh', series: meter, markers }),
    '<p class="muted">From the processes’ <code>GET /health</code>, sampled by the runner; x is the runner’s sim clock (the processes run theirs at the same speed). Dashed lines are the steps.</p>',
  ].join('\n');
}

function timingSection(run: RunResult): string {
  const t = run.timing;
  const rows = [...t.rows].sort((a, b) => b.breaches - a.breaches || a.protocol.localeCompare(b.protocol) || a.message.localeCompare(b.message) || a.kind.localeCompare(b.kind));
  const out = ['<table class="timing"><tr><th>Protocol</th><th>Message</th><th>Measure</th><th>n</th><th>p50 ms</th><th>p99 ms</th><th>max ms</th><th>Budget</th><th>Breaches</th></tr>'];
  for (const r of rows) {
    out.push(
      `<tr${r.breaches ? ' class="breach"' : ''}><td>${esc(r.protocol)}</td><td>${esc(r.message)}</td><td>${esc(r.kind)}</td><td class="n">${r.stats.count}</td><td class="n">${ms(r.stats.p50)}</td><td class="n">${ms(r.stats.p99)}</td><td class="n">${ms(r.stats.max)}</td><td>${r.budget ? `${esc(r.budget.name)} ${ms(r.budget.ms)} ms` : '–'}</td><td class="n">${r.breaches ? `<span class="fail">${r.breaches}</span>` : '0'}</td></tr>`,
    );
  }
  out.push('</table>');
  if (t.breaches.length) {
    const byBudget = new Map<string, number>();
    for (const b of t.breaches) byBudget.set(`${b.budget.name} (${ms(b.budget.ms)} ms) — ${b.protocol} ${b.message} ${b.kind}`, (byBudget.get(`${b.budget.name} (${ms(b.budget.ms)} ms) — ${b.protocol} ${b.message} ${b.kind}`) ?? 0) + 1);
    out.push('<h3>Broken budgets</h3><ul>');
    for (const [k, n] of byBudget) out.push(`<li class="fail">${esc(k)}: ${n} breach(es)</li>`);
    out.push('</ul><details><summary>Every breach</summary><table><tr><th>t ms</th><th>Actor</th><th>Protocol</th><th>Message</th><th>Measure</th><th>Elapsed ms</th><th>Budget</th></tr>');
    for (const b of t.breaches) out.push(`<tr class="breach"><td class="n">${ms(b.ts - run.t0)}</td><td>${esc(b.actor)}</td><td>${esc(b.protocol)}</td><td>${esc(b.message)}</td><td>${esc(b.kind)}</td><td class="n">${ms(b.elapsedMs)}</td><td>${esc(b.budget.name)} ${ms(b.budget.ms)} ms</td></tr>`);
    out.push('</table></details>');
  } else out.push('<p class="pass">No breach of any budget.</p>');
  if (t.renegotiations.length) {
    out.push('<h3>Renegotiations (D2.3 §11.2: 6 s performance, 7 s timeout)</h3><table><tr><th>Actor</th><th>Protocol</th><th>How</th><th>Trigger</th><th>Elapsed ms</th><th>Performance</th><th>Timeout</th></tr>');
    for (const r of t.renegotiations)
      out.push(`<tr${r.breachTimeout || r.breachPerformance ? ' class="breach"' : ''}><td>${esc(r.actor)}</td><td>${esc(r.protocol)}</td><td>${r.how}</td><td>${r.trigger ?? '–'}</td><td class="n">${ms(r.elapsedMs)}</td><td>${r.breachPerformance ? '<span class="fail">exceeded</span>' : '✓'}</td><td>${r.breachTimeout ? '<span class="fail">exceeded</span>' : '✓'}</td></tr>`);
    out.push('</table>');
  }
  const lat = t.latencies.filter((l) => l.stats);
  if (lat.length) {
    out.push('<h3>End-to-end latencies</h3><table><tr><th>Latency</th><th>n</th><th>p50 ms</th><th>p99 ms</th><th>max ms</th></tr>');
    for (const l of lat) out.push(`<tr><td>${esc(l.label)}</td><td class="n">${l.stats!.count}</td><td class="n">${ms(l.stats!.p50)}</td><td class="n">${ms(l.stats!.p99)}</td><td class="n">${ms(l.stats!.max)}</td></tr>`);
    out.push('</table>');
  }
  return out.join('\n');
}

function journeysSection(run: RunResult): string {
  const out: string[] = [];
  const travelled = run.journeys.journeys.filter((j) => j.hops.length > 0);
  const silent = run.journeys.journeys.filter((j) => j.hops.length === 0);
  out.push(`<p>${travelled.length} data object(s) travelled in this run; the arrows are the hops in time order (blue: forwarded by an intermediate actor).</p>`);
  for (const j of travelled) {
    const reached = j.reached.map((r) => `${esc(r.actor)}${r.how === 'source' ? ' (source)' : r.delayMs !== undefined ? ` +${ms(r.delayMs)} ms` : ''}`).join(', ');
    out.push(`<section class="journey" id="j-${esc(j.object)}"><h3>${esc(j.label)} <code>${esc(j.object)}</code> <span class="muted">${esc(j.unit)}</span></h3>`);
    out.push(`<p>${j.hops.length} hop(s), ${j.deliveries.length} value(s); reached: ${reached || '–'}${j.latency.hop ? `; hop latency p50 ${ms(j.latency.hop.p50)} ms, max ${ms(j.latency.hop.max)} ms` : ''}</p>`);
    out.push(sequenceDiagram(j));
    if (j.gaps.length) out.push(`<ul>${j.gaps.map((g) => `<li class="muted">gap on ${esc(g.linkKey)} (${g.kind}): ${esc(g.reason)}</li>`).join('')}</ul>`);
    out.push('</section>');
  }
  if (silent.length) out.push(`<details><summary>${silent.length} data object(s) that did not travel</summary><p class="muted">${silent.map((j) => esc(j.object)).join(', ')}</p></details>`);
  return out.join('\n');
}

export function htmlReport(run: RunResult): string {
  const s = run.loaded.scenario;
  const verdict = run.ok ? '<span class="pass">PASSED</span>' : '<span class="fail">FAILED</span>';
  const parts: string[] = [`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>v2xsim — ${esc(s.name)}</title><style>${CSS}</style></head><body>`];
  parts.push(`<h1>${esc(s.name)}</h1><p class="verdict">${verdict} — ${run.expectations.filter((x) => x.ok).length}/${run.expectations.length} expectations met</p>`);
  if (s.description) parts.push(`<p>${esc(s.description)}</p>`);
  parts.push(
    `<p class="muted">${esc(run.loaded.file)} · started ${esc(run.startedAt)} · ${(run.wallMs / 1000).toFixed(2)} s wall, ${run.simS.toFixed(0)} s sim at ${run.speed}× · trace <code>${esc(run.tracePath)}</code> (${run.events.length} events)</p>`,
  );
  if (run.error) parts.push(`<p class="fail">The run did not complete: ${esc(run.error)}</p>`);
  parts.push('<h2>Expectations</h2><table><tr><th></th><th>Expectation</th><th>Result</th></tr>');
  for (const x of run.expectations) parts.push(`<tr${x.ok ? '' : ' class="breach"'}><td>${x.ok ? '<span class="pass">✓</span>' : '<span class="fail">✗</span>'}</td><td>${esc(x.name)}</td><td>${esc(x.message)}</td></tr>`);
  parts.push('</table>');
  parts.push('<h2>Processes</h2><table><tr><th>Actor</th><th>Kind</th><th></th><th>Control API</th><th>Addresses</th><th>Starts</th><th>Exit</th></tr>');
  for (const p of run.processes)
    parts.push(`<tr><td>${esc(p.actor)}</td><td>${p.kind}</td><td>${p.attached ? 'attached' : 'started'}</td><td>${esc(p.control ?? '–')}</td><td>${esc(Object.entries(p.addresses).map(([k, v]) => `${k} ${v}`).join(', '))}</td><td class="n">${p.starts}</td><td>${p.exitCode ?? '–'}</td></tr>`);
  parts.push('</table>');
  if (run.steps.length) {
    parts.push('<h2>Steps</h2><table><tr><th>#</th><th>Step</th><th>Due s</th><th>Ran s (sim)</th><th>Wall ms</th><th>Result</th></tr>');
    for (const st of run.steps)
      parts.push(`<tr${st.ok ? '' : ' class="breach"'}><td>${st.index + 1}</td><td>${esc(st.name)}</td><td class="n">${st.dueSimS ?? '–'}</td><td class="n">${st.simS ?? '–'}</td><td class="n">${st.wallMs ?? '–'}</td><td>${esc(st.detail)}</td></tr>`);
    parts.push('</table>');
  }
  if (run.faults.length) {
    parts.push('<h2>Faults</h2><table><tr><th>Link</th><th>Proxy → target</th><th>Changes</th><th>Connections</th><th>Bytes ↑/↓</th></tr>');
    for (const f of run.faults)
      parts.push(
        `<tr><td>${f.link}</td><td>${esc(f.proxy)} → ${esc(f.target)}</td><td>${f.changes.map((c) => `${c.simS} s: ${esc(c.what)}`).join('<br>') || '–'}</td><td class="n">${f.stats.connections} (${f.stats.dropped} dropped)</td><td class="n">${f.stats.bytesUp}/${f.stats.bytesDown}</td></tr>`,
      );
    parts.push('</table>');
    const broken = [...new Set(run.timing.breaches.map((b) => `${b.budget.name} (${b.protocol} ${b.message}, ${b.kind})`))];
    parts.push(broken.length ? `<p class="fail">Budgets broken in this run: ${esc(broken.join('; '))}</p>` : '<p class="pass">No budget broke.</p>');
  }
  parts.push('<h2>SoC, power and setpoints</h2>', plots(run));
  parts.push('<h2>Timing against the budgets</h2>', timingSection(run));
  parts.push('<h2>Data journeys</h2>', journeysSection(run));
  parts.push('</body></html>\n');
  return parts.join('\n');
}
