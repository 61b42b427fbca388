// The gap report as Markdown (what `v2xsim gaps` prints): the verdict, the runs, D2.3 §8's
// conclusions checked, the differences, per run the data object × actor table, and D2.3 §8's
// object × protocol table next to what the runs carried.
import { dictionary } from '@v2xsim/trace';
import type { RoleComparison } from './compare.js';
import type { FindingResult } from './findings.js';
import type { GapReport, ProtocolCell } from './report.js';

const esc = (s: string): string => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function fmtMs(ms: number): string {
  const a = Math.abs(ms);
  return a < 10 ? `${ms.toFixed(1)} ms` : a < 10_000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

export const PROTOCOL_TITLES: Readonly<Record<string, string>> = {
  'iso15118-2': 'ISO 15118-2',
  'iso15118-20': 'ISO 15118-20',
  din70121: 'DIN 70121',
  'ocpp1.6': 'OCPP 1.6',
  'ocpp2.0.1': 'OCPP 2.0.1',
  'ocpp2.1': 'OCPP 2.1',
  'ocpi2.2.1': 'OCPI 2.2.1',
};

/** One line of the verdict. */
export function verdictLine(r: GapReport): string {
  const s = r.summary;
  const known = r.differences.known.length;
  const findings = `${s.findings.confirmed}/${r.findings.length} of D2.3 §8's conclusions confirmed${s.findings.untested ? `, ${s.findings.untested} not tested by these runs` : ''}`;
  if (s.ok) return `✓ The runs agree with D2.3 §8 — ${s.runs} runs, ${findings}; ${s.cells.agree} actor cells agree, ${s.cells.known} differ as documented (${known} known difference${known === 1 ? '' : 's'}), none undocumented.`;
  const why = [
    s.runs === 0 ? 'no runs' : '',
    s.failedRuns ? `${s.failedRuns} run${s.failedRuns === 1 ? '' : 's'} did not complete` : '',
    r.differences.unknown.length ? `${r.differences.unknown.length} undocumented difference${r.differences.unknown.length === 1 ? '' : 's'}` : '',
    r.differences.unexplained.length ? `${r.differences.unexplained.length} unexplained actor cell${r.differences.unexplained.length === 1 ? '' : 's'}` : '',
    s.findings.contradicted ? `${s.findings.contradicted} conclusion${s.findings.contradicted === 1 ? '' : 's'} contradicted` : '',
  ].filter(Boolean);
  return `✗ The runs differ from D2.3 §8 — ${why.join(', ')} (${s.runs} runs, ${findings}).`;
}

function roleCell(c: RoleComparison): string {
  if (!c.inRun) return '–';
  const o = c.observed;
  let text: string;
  if (c.source) text = o.via && o.status === 'source' ? `● source: ${o.via.message} \`${o.via.field}\`` : `● source${o.silentSource || !o.has ? ', not sent' : ''}`;
  else if (o.received) text = `✓ ${o.received.message} \`${o.received.field}\`${o.delayMs !== undefined ? `, ${fmtMs(o.delayMs)}` : ''}`;
  else if (o.startedHere && o.via) text = `● started here: ${o.via.message} \`${o.via.field}\``;
  else text = o.gap === 'cannot-carry' ? '✗ cannot' : '✗ not sent';
  const s8 = c.expected === undefined ? '' : c.expected ? '§8 ✓' : '§8 ✗';
  switch (c.agreement) {
    case 'agree':
      return text;
    case 'n/a':
      return `${text} (§8 n/a)`;
    case 'known':
      return `${text} ≈ ${s8} [${[...new Set(c.because.map((d) => d.known))].join(', ')}]`;
    case 'differs':
      return `${text} **≠ ${s8}**`;
  }
}

function protocolCell(c: ProtocolCell): string {
  const s8 =
    c.standard.verdict === 'carried'
      ? `✓ ${c.standard.sections[0]}`
      : c.standard.verdict === 'extension'
        ? `SCALE ${c.standard.sections.join(' ')}`
        : c.standard.verdict === 'gap'
          ? `✗ ${c.standard.sections[0]}`
          : '✗ no row';
  const runs = c.runs.map((r) => `${r.scale ? 'SCALE' : 'std'} ${r.crossed}/${r.of}`).join(', ');
  const mark = c.agreement === 'differs' ? ' **≠**' : c.agreement === 'known' ? ' ≈' : '';
  return `${s8} · ${runs || '–'}${mark}`;
}

function findingLine(f: FindingResult): string {
  const icon = f.status === 'confirmed' ? '✓' : f.status === 'contradicted' ? '✗' : '?';
  const knownAgainst = f.against.filter((a) => a.known);
  const hard = f.against.filter((a) => !a.known);
  const shown = f.status === 'contradicted' ? hard.slice(0, 3).map((a) => `**${a.run}**: ${a.what}`) : f.support.slice(0, 2).map((a) => `${a.run}: ${a.what}`);
  const evidence = f.status === 'untested' ? 'no run of this matrix could show it wrong' : `${f.tested.length} run${f.tested.length === 1 ? '' : 's'}; ${shown.join('; ')}`;
  const known = knownAgainst.length ? ` (except ${[...new Set(knownAgainst.map((a) => a.known))].join(', ')}: ${knownAgainst.length} documented)` : '';
  return `| ${icon} | ${esc(f.finding.claim)} | ${f.finding.sections.join(', ')} | ${esc(evidence + known)} |`;
}

export function gapReportMarkdown(r: GapReport): string {
  const L: string[] = [];
  L.push('# v2xsim gaps: data objects × actors against SCALE D2.3 §8', '');
  L.push(`**${verdictLine(r)}**`, '');

  L.push('## Runs', '', '| Run | Stack | Result | Trace events | Wall |', '|---|---|---|---|---|');
  for (const run of r.runs) {
    const again = run.earlierFailures?.length ? ` (run again after: ${esc(run.earlierFailures.join('; '))})` : '';
    L.push(`| \`${run.name}\` | ${run.label} | ${run.ok ? '✓' : `✗ ${esc(run.error ?? '')}`}${again} | ${run.events} | ${run.wallMs !== undefined ? fmtMs(run.wallMs) : '–'} |`);
  }
  L.push('');

  L.push("## D2.3 §8's conclusions, checked", '', '| | Conclusion | D2.3 | Runs |', '|---|---|---|---|');
  for (const f of r.findings) L.push(findingLine(f));
  L.push('', '✓ confirmed by the runs that could show it wrong; ✗ contradicted; ? no run of this matrix tests it.', '');

  L.push('## Differences from D2.3 §8', '');
  if (r.differences.unknown.length === 0 && r.differences.unexplained.length === 0) L.push('None undocumented.', '');
  else {
    L.push('### Not documented (these fail the report)', '');
    for (const d of r.differences.unknown) L.push(`- \`${d.run}\` **${d.object}** over ${d.protocol} (${d.link}), ${d.kind}: ${d.detail}`);
    for (const u of r.differences.unexplained) L.push(`- \`${u.run}\` **${u.object}** at the ${u.role}: differs from §8 with no link to explain it`);
    L.push('');
  }
  if (r.differences.known.length) {
    L.push('### Documented (known differences)', '');
    for (const h of r.differences.known) {
      const where = [...new Set(h.occurrences.map((d) => `${d.object} over ${d.protocol} (${d.kind})`))].join(', ');
      L.push(`- **${h.known.id}** (${h.known.by}): ${h.known.reason}. Seen ${h.occurrences.length}×: ${where}.`);
    }
    L.push('');
  }

  L.push('## Data objects × actors, per run', '');
  L.push(
    '● source: the actor is where the object starts (D2.3 §11), and the message it first sent it in; ● started here: the actor sent a value of its own without having received one; ✓ reached, by the message and field shown, that long after the source sent it; ✗ cannot: no protocol on the way has a field for it; ✗ not sent: one has, no message carried it. §8 ✓/✗: what D2.3 §8 says for this actor along the chain of this stack; ≈ a documented difference; **≠** an undocumented one.',
    '',
  );
  const failed = r.runs.filter((x) => !x.ok);
  if (failed.length) L.push(`Not compared (they did not complete): ${failed.map((x) => `\`${x.name}\``).join(', ')}.`, '');
  for (const c of r.comparisons) {
    const info = r.runs.find((x) => x.name === c.run)!;
    L.push(`### \`${c.run}\`: ${info.label}`, '');
    L.push('| Data object | EV | EVSE | CSMS | SCSP |', '|---|---|---|---|---|');
    for (const o of c.objects) {
      const label = dictionary.DATA_OBJECTS[o.object].label;
      L.push(`| ${esc(label)} (\`${o.object}\`) | ${o.roles.map((x) => esc(roleCell(x))).join(' | ')} |`);
    }
    L.push('');
  }

  L.push('## D2.3 §8 next to the runs: data objects × protocols', '');
  const protocols = r.protocols[0]?.cells.map((c) => c.protocol) ?? [];
  L.push(`| Data object | ${protocols.map((p) => PROTOCOL_TITLES[p] ?? p).join(' | ')} |`, `|---|${protocols.map(() => '---').join('|')}|`);
  for (const row of r.protocols) L.push(`| ${esc(row.label)} (\`${row.object}\`) | ${row.cells.map((c) => esc(protocolCell(c))).join(' | ')} |`);
  L.push(
    '',
    'Each cell: what D2.3 says (✓ a row of its coverage table, SCALE: a gap its §9 extension closes, ✗ a named gap, ✗ no row: not in the table) with the section, then over how many of the runs speaking that protocol the object crossed the link (std: without the SCALE extensions, SCALE: with them). ≈ differs as documented; **≠** differs.',
    '',
  );
  return `${L.join('\n')}\n`;
}
