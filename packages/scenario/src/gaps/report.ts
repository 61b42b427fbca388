// The gap report as data (what `v2xsim gaps --json` prints): the runs, each run's data object ×
// actor table next to D2.3 §8, the §8 findings checked, the differences (documented or not), the
// object × protocol table of §8 next to what the runs carried, and the verdict.
import { dictionary, type analysis } from '@v2xsim/trace';
import { compareRun, type Difference, type RunComparison } from './compare.js';
import { checkFindings, type FindingResult } from './findings.js';
import { KNOWN_DIFFERENCES, type KnownDifference } from './known-differences.js';
import { linkScale, stackLabel, type GapStack } from './matrix.js';
import { observeRun } from './observe.js';
import { section8, SECTION8_PROTOCOLS, type Section8Answer, type Section8Protocol } from './section8.js';

type DataObjectId = dictionary.DataObjectId;

/** One run of the matrix: its stack, how it went, and its journeys. */
export interface GapRunInput {
  name: string;
  stack: GapStack;
  report: analysis.JourneyReport;
  /** the run could not complete (a process did not start, the session failed) */
  error?: string;
  /** earlier attempts of this run that failed (it ran again) */
  earlierFailures?: string[];
  wallMs?: number;
  simS?: number;
  tracePath?: string;
  scenarioPath?: string;
}

export interface GapRunInfo {
  name: string;
  label: string;
  stack: GapStack;
  ok: boolean;
  error?: string;
  earlierFailures?: string[];
  events: number;
  wallMs?: number;
  simS?: number;
  tracePath?: string;
  scenarioPath?: string;
  /** links as traced: protocol and whether the SCALE extension was in use */
  links: { link: string; protocols: string[]; scale: boolean }[];
}

/** Per data object and §8 protocol: what D2.3 says (standard and with SCALE) and what the runs carried over it. */
export interface ProtocolCell {
  protocol: Section8Protocol;
  standard: Section8Answer;
  withScale: Section8Answer;
  /** runs that had a link speaking this protocol, by SCALE setting: crossed in how many */
  runs: { scale: boolean; crossed: number; of: number; runs: string[] }[];
  agreement: 'agree' | 'differs' | 'known' | 'not-run';
}

export interface ProtocolRow {
  object: DataObjectId;
  label: string;
  cells: ProtocolCell[];
}

export interface KnownDifferenceHit {
  known: KnownDifference;
  occurrences: Difference[];
}

export interface GapReport {
  tool: 'v2xsim gaps';
  generatedAt: string;
  runs: GapRunInfo[];
  /** the runs that completed, each next to D2.3 §8 */
  comparisons: RunComparison[];
  findings: FindingResult[];
  protocols: ProtocolRow[];
  differences: {
    /** not documented: these fail the report */
    unknown: Difference[];
    /** documented, with how often they occurred */
    known: KnownDifferenceHit[];
    /** actor cells that differ from §8 with no link difference to explain them */
    unexplained: { run: string; object: DataObjectId; role: analysis.Role }[];
  };
  summary: {
    runs: number;
    failedRuns: number;
    cells: Record<'agree' | 'differs' | 'known' | 'n/a', number>;
    findings: Record<'confirmed' | 'contradicted' | 'untested', number>;
    /** the runs agree with D2.3 §8 except documented known differences, every run completed, no finding contradicted */
    ok: boolean;
  };
}

function protocolRows(comparisons: readonly RunComparison[]): ProtocolRow[] {
  return dictionary.DATA_OBJECT_IDS.map((object) => {
    const cells = SECTION8_PROTOCOLS.map((protocol): ProtocolCell => {
      const byScale = new Map<boolean, { crossed: number; of: number; runs: string[] }>();
      let agreement: ProtocolCell['agreement'] = 'not-run';
      for (const r of comparisons) {
        const oc = r.objects.find((o) => o.object === object);
        const l = oc?.links.find((x) => x.protocol === protocol && x.observed.present);
        if (!l) continue;
        const scale = linkScale(r.stack, l.link);
        let b = byScale.get(scale);
        if (!b) byScale.set(scale, (b = { crossed: 0, of: 0, runs: [] }));
        b.of++;
        if (l.observed.crossed) {
          b.crossed++;
          b.runs.push(r.run);
        }
        const rank = { 'not-run': 0, agree: 1, known: 2, differs: 3 } as const;
        const a = l.agreement === 'n/a' ? 'agree' : l.agreement;
        if (rank[a] > rank[agreement]) agreement = a;
      }
      return {
        protocol,
        standard: section8(object, protocol, { scale: false }),
        withScale: section8(object, protocol, { scale: true }),
        runs: [...byScale].map(([scale, b]) => ({ scale, ...b })).sort((x, y) => Number(x.scale) - Number(y.scale)),
        agreement,
      };
    });
    return { object, label: dictionary.DATA_OBJECTS[object].label, cells };
  });
}

/** The report from runs already made (their journeys): pure, for recorded or synthetic traces too. */
export function buildGapReport(inputs: readonly GapRunInput[], opts: { generatedAt?: string } = {}): GapReport {
  // a run that did not complete has an incomplete trace: it fails the report, and is not compared
  const comparisons = inputs.filter((r) => r.error === undefined).map((r) => compareRun(r.name, r.stack, observeRun(r.report, r.name)));
  const findings = checkFindings(comparisons);
  const all = comparisons.flatMap((c) => c.differences);
  const unknown = all.filter((d) => !d.known);
  const known = KNOWN_DIFFERENCES.map((k) => ({ known: k, occurrences: all.filter((d) => d.known === k.id) })).filter((h) => h.occurrences.length > 0);
  const unexplained = comparisons.flatMap((c) => c.objects.flatMap((o) => o.roles.filter((r) => r.agreement === 'differs' && r.because.length === 0).map((r) => ({ run: c.run, object: o.object, role: r.role }))));
  const cells = { agree: 0, differs: 0, known: 0, 'n/a': 0 };
  for (const c of comparisons) for (const o of c.objects) for (const r of o.roles) if (r.inRun) cells[r.agreement]++;
  const fs = { confirmed: 0, contradicted: 0, untested: 0 };
  for (const f of findings) fs[f.status]++;
  const runs: GapRunInfo[] = inputs.map((r) => ({
    name: r.name,
    label: stackLabel(r.stack),
    stack: r.stack,
    ok: r.error === undefined,
    ...(r.error !== undefined ? { error: r.error } : {}),
    ...(r.earlierFailures ? { earlierFailures: r.earlierFailures } : {}),
    events: r.report.events,
    ...(r.wallMs !== undefined ? { wallMs: r.wallMs } : {}),
    ...(r.simS !== undefined ? { simS: r.simS } : {}),
    ...(r.tracePath ? { tracePath: r.tracePath } : {}),
    ...(r.scenarioPath ? { scenarioPath: r.scenarioPath } : {}),
    links: r.report.links.map((l) => ({ link: l.link, protocols: l.protocols, scale: l.scale })),
  }));
  const failedRuns = runs.filter((r) => !r.ok).length;
  return {
    tool: 'v2xsim gaps',
    generatedAt: opts.generatedAt ?? new Date().toISOString(),
    runs,
    comparisons,
    findings,
    protocols: protocolRows(comparisons),
    differences: { unknown, known, unexplained },
    summary: {
      runs: runs.length,
      failedRuns,
      cells,
      findings: fs,
      ok: runs.length > 0 && failedRuns === 0 && unknown.length === 0 && unexplained.length === 0 && fs.contradicted === 0,
    },
  };
}

