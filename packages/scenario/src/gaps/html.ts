// The gap report as one self-contained HTML page (inline CSS, no scripts): the same sections as
// the Markdown, cells coloured by agreement with D2.3 §8 and the details in their titles.
import { dictionary } from '@v2xsim/trace';
import { esc } from '../report/svg.js';
import type { RoleComparison } from './compare.js';
import { fmtMs, PROTOCOL_TITLES, verdictLine } from './markdown.js';
import type { GapReport, ProtocolCell } from './report.js';

const CSS = `
body{font:14px/1.45 system-ui,sans-serif;margin:24px;color:#1d2330;max-width:1400px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #dde;padding-bottom:4px}h3{font-size:15px;margin:18px 0 6px}
table{border-collapse:collapse;margin:6px 0}td,th{border:1px solid #dde;padding:3px 8px;text-align:left;vertical-align:top}th{background:#f3f4f8}
td.agree{background:#eef8f0}td.differs{background:#fde8e8}td.known{background:#fff6e0}td.na{color:#778}
.pass{color:#17803d;font-weight:600}.fail{color:#c0262d;font-weight:600}.muted{color:#778}code{background:#f3f4f8;padding:1px 4px;border-radius:3px;font-size:12px}
`;

function roleCell(c: RoleComparison): string {
  if (!c.inRun) return '<td class="na">–</td>';
  const o = c.observed;
  let text: string;
  if (c.source) text = o.via && o.status === 'source' ? `● ${esc(o.via.message)}<br><code>${esc(o.via.field)}</code>` : `● source${o.silentSource || !o.has ? ', not sent' : ''}`;
  else if (o.received) text = `✓ ${esc(o.received.message)}<br><code>${esc(o.received.field)}</code>${o.delayMs !== undefined ? `<br>${fmtMs(o.delayMs)}` : ''}`;
  else if (o.startedHere && o.via) text = `● started here: ${esc(o.via.message)}<br><code>${esc(o.via.field)}</code>`;
  else text = o.gap === 'cannot-carry' ? '✗ cannot' : '✗ not sent';
  const s8 = c.expected === undefined ? 'D2.3 §8 does not say (a protocol it does not analyse is on the way)' : c.expected ? 'D2.3 §8: has it' : 'D2.3 §8: does not have it';
  const why = [s8, o.reason ?? '', ...c.because.map((d) => `${d.known ? `[${d.known}] ` : ''}${d.detail}`)].filter(Boolean).join('\n');
  const cls = c.agreement === 'n/a' ? 'na' : c.agreement;
  return `<td class="${cls}" title="${esc(why)}">${text}${c.agreement === 'known' ? ` ≈ <small>${esc([...new Set(c.because.map((d) => d.known))].join(', '))}</small>` : c.agreement === 'differs' ? ' <b>≠ §8</b>' : ''}</td>`;
}

function protocolCell(c: ProtocolCell): string {
  const s8 = c.standard.verdict === 'carried' ? '✓' : c.standard.verdict === 'extension' ? 'SCALE' : '✗';
  const runs = c.runs.map((r) => `${r.scale ? 'SCALE' : 'std'} ${r.crossed}/${r.of}`).join(', ');
  const cls = c.agreement === 'not-run' ? 'na' : c.agreement;
  const title = `${c.standard.sections.join(', ')}: ${c.standard.basis}`;
  return `<td class="${cls}" title="${esc(title)}">${s8} <small>${esc(c.standard.sections.join(' '))}</small><br><small>${esc(runs || 'not run')}</small></td>`;
}

export function gapReportHtml(r: GapReport): string {
  const H: string[] = [];
  H.push('<!doctype html><html lang="en"><head><meta charset="utf-8"><title>v2xsim gaps</title>', `<style>${CSS}</style></head><body>`);
  H.push('<h1>v2xsim gaps: data objects × actors against SCALE D2.3 §8</h1>');
  H.push(`<p class="${r.summary.ok ? 'pass' : 'fail'}">${esc(verdictLine(r))}</p><p class="muted">${esc(r.generatedAt)}</p>`);

  H.push('<h2>Runs</h2><table><tr><th>Run</th><th>Stack</th><th>Result</th><th>Trace events</th><th>Wall</th></tr>');
  for (const run of r.runs) H.push(`<tr><td><code>${esc(run.name)}</code></td><td>${esc(run.label)}</td><td class="${run.ok ? 'agree' : 'differs'}">${run.ok ? '✓' : `✗ ${esc(run.error ?? '')}`}${run.earlierFailures?.length ? ` <small>(run again after: ${esc(run.earlierFailures.join('; '))})</small>` : ''}</td><td>${run.events}</td><td>${run.wallMs !== undefined ? fmtMs(run.wallMs) : '–'}</td></tr>`);
  H.push('</table>');

  H.push('<h2>D2.3 §8’s conclusions, checked</h2><table><tr><th></th><th>Conclusion</th><th>D2.3</th><th>Runs</th></tr>');
  for (const f of r.findings) {
    const cls = f.status === 'confirmed' ? 'agree' : f.status === 'contradicted' ? 'differs' : 'na';
    const ev = (f.status === 'contradicted' ? f.against.filter((a) => !a.known) : f.support).slice(0, 4).map((a) => `<li><code>${esc(a.run)}</code>: ${esc(a.what)}</li>`);
    const known = f.against.filter((a) => a.known).map((a) => `<li>≈ <code>${esc(a.run)}</code>: ${esc(a.what)} [${esc(a.known!)}]</li>`);
    H.push(`<tr><td class="${cls}">${f.status === 'confirmed' ? '✓' : f.status === 'contradicted' ? '✗' : '?'}</td><td>${esc(f.finding.claim)}</td><td>${esc(f.finding.sections.join(', '))}</td><td>${f.status === 'untested' ? 'not tested by these runs' : `${f.tested.length} run(s)<ul>${[...ev, ...known].join('')}</ul>`}</td></tr>`);
  }
  H.push('</table>');

  H.push('<h2>Differences from D2.3 §8</h2>');
  if (r.differences.unknown.length === 0 && r.differences.unexplained.length === 0) H.push('<p>None undocumented.</p>');
  else {
    H.push('<h3>Not documented (these fail the report)</h3><ul>');
    for (const d of r.differences.unknown) H.push(`<li><code>${esc(d.run)}</code> <b>${esc(d.object)}</b> over ${esc(d.protocol)} (${esc(d.link)}), ${esc(d.kind)}: ${esc(d.detail)}</li>`);
    for (const u of r.differences.unexplained) H.push(`<li><code>${esc(u.run)}</code> <b>${esc(u.object)}</b> at the ${esc(u.role)}: differs with no link to explain it</li>`);
    H.push('</ul>');
  }
  if (r.differences.known.length) {
    H.push('<h3>Documented (known differences)</h3><ul>');
    for (const h of r.differences.known) H.push(`<li><b>${esc(h.known.id)}</b> (${esc(h.known.by)}): ${esc(h.known.reason)}. Seen ${h.occurrences.length}×.</li>`);
    H.push('</ul>');
  }

  H.push('<h2>Data objects × actors, per run</h2><p class="muted">● source (and the message it first sent it in) · ● started here: a value of its own, not received · ✓ reached, by the message and field, that long after the source sent it · ✗ not reached. Green: as D2.3 §8 says; amber: a documented difference; red: an undocumented one. Hover a cell for the reasons.</p>');
  for (const c of r.comparisons) {
    const info = r.runs.find((x) => x.name === c.run)!;
    H.push(`<h3><code>${esc(c.run)}</code>: ${esc(info.label)}</h3><table><tr><th>Data object</th><th>EV</th><th>EVSE</th><th>CSMS</th><th>SCSP</th></tr>`);
    for (const o of c.objects) H.push(`<tr><td>${esc(dictionary.DATA_OBJECTS[o.object].label)} <code>${esc(o.object)}</code></td>${o.roles.map(roleCell).join('')}</tr>`);
    H.push('</table>');
  }

  H.push('<h2>D2.3 §8 next to the runs: data objects × protocols</h2>');
  const protocols = r.protocols[0]?.cells.map((c) => c.protocol) ?? [];
  H.push(`<table><tr><th>Data object</th>${protocols.map((p) => `<th>${esc(PROTOCOL_TITLES[p] ?? p)}</th>`).join('')}</tr>`);
  for (const row of r.protocols) H.push(`<tr><td>${esc(row.label)} <code>${esc(row.object)}</code></td>${row.cells.map(protocolCell).join('')}</tr>`);
  H.push('</table><p class="muted">✓ a row of D2.3’s coverage table · SCALE: a gap its §9 extension closes · ✗ a named gap or no row; then, per SCALE setting, over how many of the runs speaking the protocol the object crossed.</p>');
  H.push('</body></html>');
  return `${H.join('\n')}\n`;
}
