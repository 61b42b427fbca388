// The gap table: data object × actor role, from the journeys of one or more runs plus the static
// coverage of the dictionary. A cell says whether the role had the object (as its source, or by
// which message and how long after the source sent it), or why not: the protocol on the way cannot
// carry it (D2.3's reason) or could but did not in these runs. `v2xsim gaps` prints it.
import { DATA_OBJECTS, DATA_OBJECT_IDS, DICT_PROTOCOLS, coverage, type CanonicalUnit, type Coverage, type DataCategory, type DataObjectId, type DataSource, type DictProtocol } from '../dictionary/index.js';
import type { GapKind } from './links.js';
import type { Journey, JourneyReport } from './journeys.js';
import { ROLES, sourceRoles, type Role } from './roles.js';

export interface GapRun {
  name?: string;
  report: JourneyReport;
}

export type CellStatus = 'source' | 'reached' | 'not-reached' | 'not-traced';

export interface GapCell {
  status: CellStatus;
  /** runs in which the role had the object / runs in which the role took part */
  runs: { had: number; present: number };
  /** the first message that brought it (or that the source sent it in) */
  via?: { run: string; protocol: DictProtocol; message: string; actor: string };
  /** fastest source tx → first arrival at this role, over the runs (wall ms) */
  delayMs?: number;
  gap?: GapKind;
  reason?: string;
  /** the role is where the object starts (D2.3 §11), though in these runs it never sent it */
  silentSource?: boolean;
}

export interface GapRow {
  object: DataObjectId;
  label: string;
  category: DataCategory;
  unit: CanonicalUnit;
  source: DataSource;
  cells: Record<Role, GapCell>;
  /** per protocol: carried by the standard, only with the SCALE extension, or not at all */
  coverage: Record<DictProtocol, 'standard' | 'scale' | 'none'>;
}

export interface GapTable {
  runs: string[];
  roles: Role[];
  rows: GapRow[];
  /** the static table (dictionary coverage()): object × protocol, with D2.3's reasons */
  coverage: Coverage[];
}

const RANK: Record<CellStatus, number> = { source: 3, reached: 2, 'not-reached': 1, 'not-traced': 0 };

function runCell(run: string, report: JourneyReport, j: Journey, role: Role): GapCell {
  const present = report.actors.some((a) => a.role === role) || report.links.some((l) => l.roles.includes(role));
  const src = j.reached.find((r) => r.role === role && r.how === 'source');
  if (src) return { status: 'source', runs: { had: 1, present: 1 }, via: { run, protocol: src.protocol, message: src.message, actor: src.actor } };
  const got = j.reached.find((r) => r.role === role && r.how === 'received');
  // a hop sent to a role whose actor is not traced still reached it
  const sent = got ? undefined : j.hops.find((h) => h.toRole === role && !h.rx);
  if (got || sent) {
    return {
      status: 'reached',
      runs: { had: 1, present: 1 },
      via: got ? { run, protocol: got.protocol, message: got.message, actor: got.actor } : { run, protocol: sent!.protocol, message: sent!.message, actor: sent!.to },
      ...(got?.delayMs !== undefined ? { delayMs: got.delayMs } : {}),
    };
  }
  if (!present) return { status: 'not-traced', runs: { had: 0, present: 0 } };
  const silent = sourceRoles(j.source).includes(role) ? { silentSource: true } : {};
  // the reason is on the links from the source's side: those joining this role with one closer to a source role
  const sources = sourceRoles(j.source).map((r) => ROLES.indexOf(r));
  const distance = (r: Role | undefined): number => (r ? Math.min(...sources.map((s) => Math.abs(ROLES.indexOf(r) - s))) : Infinity);
  const mine = j.gaps.filter((g) => g.roles.includes(role));
  const upstream = mine.filter((g) => distance(g.roles[0] === role ? g.roles[1] : g.roles[0]) < distance(role));
  const gaps = upstream.length > 0 ? upstream : silent.silentSource ? mine : [];
  if (gaps.length > 0) {
    // cannot-carry only when no link on the way could have carried it
    const could = gaps.find((g) => g.kind === 'not-carried');
    const why = (g: (typeof gaps)[number]): string => `${g.link} (${g.protocols.join(', ')}): ${g.reason}`;
    return could
      ? { status: 'not-reached', runs: { had: 0, present: 1 }, gap: 'not-carried', reason: why(could), ...silent }
      : { status: 'not-reached', runs: { had: 0, present: 1 }, gap: 'cannot-carry', reason: [...new Set(gaps.map(why))].join('; '), ...silent };
  }
  const had = j.hops.length > 0;
  return {
    status: 'not-reached',
    runs: { had: 0, present: 1 },
    gap: 'not-carried',
    reason: had ? 'carried on its links, but never towards it in this run' : 'no actor sent it in this run',
    ...silent,
  };
}

function merge(a: GapCell, b: GapCell): GapCell {
  const runs = { had: a.runs.had + b.runs.had, present: a.runs.present + b.runs.present };
  const [best, other] = RANK[b.status] > RANK[a.status] ? [b, a] : [a, b];
  const out: GapCell = { ...best, runs };
  const delays = [a.delayMs, b.delayMs].filter((x): x is number => x !== undefined);
  if (delays.length > 0 && (best.status === 'reached' || best.status === 'source')) out.delayMs = Math.min(...delays);
  if (best.status === 'not-reached' && other.status === 'not-reached' && other.gap === 'cannot-carry' && best.gap !== 'cannot-carry') {
    out.gap = other.gap;
    out.reason = other.reason!;
  }
  return out;
}

/** The gap table of one or more runs (none: every cell not traced; the coverage part still says what the protocols can carry). */
export function gapTable(runs: readonly GapRun[]): GapTable {
  const names = runs.map((r, i) => r.name ?? `run ${i + 1}`);
  const cov = coverage();
  const rows: GapRow[] = DATA_OBJECT_IDS.map((object) => {
    const def = DATA_OBJECTS[object];
    const cells = {} as Record<Role, GapCell>;
    for (const role of ROLES) {
      let cell: GapCell = { status: 'not-traced', runs: { had: 0, present: 0 } };
      runs.forEach((run, i) => {
        const j = run.report.journeys.find((x) => x.object === object);
        if (j) cell = merge(cell, runCell(names[i]!, run.report, j, role));
      });
      cells[role] = cell;
    }
    const coverageRow = {} as Record<DictProtocol, 'standard' | 'scale' | 'none'>;
    for (const p of DICT_PROTOCOLS) {
      const c = cov.find((x) => x.object === object && x.protocol === p)!;
      coverageRow[p] = c.standard ? 'standard' : c.scale ? 'scale' : 'none';
    }
    return { object, label: def.label, category: def.category, unit: def.unit, source: def.source, cells, coverage: coverageRow };
  });
  return { runs: names, roles: [...ROLES], rows, coverage: cov };
}

const esc = (s: string): string => s.replace(/\|/g, '\\|');

function fmtMs(ms: number): string {
  return ms < 10 ? `${ms.toFixed(1)} ms` : ms < 10_000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/** The gap table as Markdown: object × role for the runs (reasons as numbered notes), then the static coverage object × protocol. */
export function gapTableMarkdown(table: GapTable): string {
  const lines: string[] = [];
  const notes: string[] = [];
  const note = (text: string): number => {
    let i = notes.indexOf(text);
    if (i === -1) i = notes.push(text) - 1;
    return i + 1;
  };
  if (table.runs.length > 0) {
    lines.push(`## Data objects × actors (${table.runs.length === 1 ? table.runs[0] : `${table.runs.length} runs`})`, '');
    lines.push(`| Data object | Source | ${table.roles.join(' | ')} |`, `|---|---|${table.roles.map(() => '---').join('|')}|`);
    for (const row of table.rows) {
      const cells = table.roles.map((role) => {
        const c = row.cells[role];
        const runs = table.runs.length > 1 ? ` (${c.runs.had}/${c.runs.present})` : '';
        switch (c.status) {
          case 'source':
            return `source: ${c.via!.message}${runs}`;
          case 'reached':
            return `✓ ${c.via!.message}${c.delayMs !== undefined ? `, ${fmtMs(c.delayMs)}` : ''}${runs}`;
          case 'not-reached':
            return `${c.silentSource ? 'source, not sent: ' : ''}${c.gap === 'cannot-carry' ? '✗ cannot' : '✗ not carried'} [${note(c.reason!)}]${runs}`;
          case 'not-traced':
            return '–';
        }
      });
      lines.push(`| ${esc(row.label)} (\`${row.object}\`) | ${row.source} | ${cells.map(esc).join(' | ')} |`);
    }
    lines.push('', '✓ reached by the message shown, delay from the source’s first send; ✗ cannot: no protocol on the way has a field for it; ✗ not carried: one has, no message carried it; – not in the run.');
    if (notes.length > 0) lines.push('', ...notes.map((n, i) => `${i + 1}. ${esc(n)}`));
    lines.push('');
  }
  lines.push('## Data objects × protocols (what each protocol can carry)', '');
  lines.push(`| Data object | ${DICT_PROTOCOLS.join(' | ')} |`, `|---|${DICT_PROTOCOLS.map(() => '---').join('|')}|`);
  for (const row of table.rows) {
    const cells = DICT_PROTOCOLS.map((p) => (row.coverage[p] === 'standard' ? '✓' : row.coverage[p] === 'scale' ? 'SCALE' : '✗'));
    lines.push(`| ${esc(row.label)} (\`${row.object}\`) | ${cells.join(' | ')} |`);
  }
  lines.push('', '✓ the standard carries it; SCALE: only with the SCALE extension (D2.3 §9); ✗ no field carries it (reasons: `dictionary.gapReason`).');
  return `${lines.join('\n')}\n`;
}
