// `v2xsim run FILE…` as a library call: load every file first (any mistake stops before anything
// starts), run them (one after another, or `jobs` at a time: each run's own processes, ports and
// output folder, so runs do not meet), write the JUnit file and the HTML reports.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { loadScenario, ScenarioError, type LoadedScenario, type ScenarioProblem } from './load.js';
import { htmlReport } from './report/html.js';
import { junitXml } from './report/junit.js';
import type { RunResult } from './run-types.js';
import { runScenario, type RunOptions } from './runner.js';

export interface RunFilesOptions extends RunOptions {
  /** write JUnit XML here */
  junit?: string;
  /** write `<name>.html` per scenario into this folder */
  reportDir?: string;
  /** scenarios run at once (default 1); with more than one, each run's progress is printed as one block when it ends */
  jobs?: number;
}

export type RunFilesResult = { kind: 'invalid'; problems: ScenarioProblem[] } | { kind: 'ran'; runs: RunResult[]; reports: string[] };

export async function runFiles(files: readonly string[], opts: RunFilesOptions): Promise<RunFilesResult> {
  const loaded: LoadedScenario[] = [];
  const problems: ScenarioProblem[] = [];
  for (const f of files) {
    try {
      loaded.push(await loadScenario(f));
    } catch (e) {
      if (e instanceof ScenarioError) problems.push(...e.problems);
      else throw e;
    }
  }
  if (problems.length) return { kind: 'invalid', problems };
  const names = new Map<string, string>();
  for (const l of loaded) {
    const other = names.get(l.scenario.name);
    if (other) problems.push({ file: l.file, path: 'name', line: 1, col: 1, message: `the name "${l.scenario.name}" is also ${other}'s: outputs would overwrite each other` });
    names.set(l.scenario.name, l.file);
  }
  if (problems.length) return { kind: 'invalid', problems };

  const runs: RunResult[] = new Array<RunResult>(loaded.length);
  const reports: string[] = [];
  const out = opts.log ?? (() => {});
  const jobs = Math.max(1, Math.min(opts.jobs ?? 1, loaded.length));
  const runOne = async (l: LoadedScenario, index: number): Promise<void> => {
    // side by side, a run's lines would interleave with the others': each is printed as one block
    const block: string[] = [];
    const log = jobs > 1 ? (line: string) => void block.push(line) : out;
    if (jobs > 1) out(`▶ ${l.scenario.name} started`);
    const run = await runScenario(l, { ...opts, log });
    runs[index] = run;
    for (const x of run.expectations) log(`  ${x.ok ? '✓' : '✗'} ${x.name}: ${x.message}`);
    log(`${run.ok ? '✓ PASSED' : '✗ FAILED'} ${l.scenario.name}: ${run.expectations.filter((x) => x.ok).length}/${run.expectations.length} expectations${run.error ? `, run error: ${run.error}` : ''} (${(run.wallMs / 1000).toFixed(1)} s wall, ${run.simS.toFixed(0)} s sim); trace ${run.tracePath}`);
    if (opts.reportDir) {
      await mkdir(opts.reportDir, { recursive: true });
      const file = join(opts.reportDir, `${l.scenario.name}.html`);
      await writeFile(file, htmlReport(run));
      reports.push(file);
      log(`  report ${file}`);
    }
    for (const line of block) out(line);
  };
  let next = 0;
  await Promise.all(
    Array.from({ length: jobs }, async () => {
      while (next < loaded.length) {
        const i = next++;
        await runOne(loaded[i], i);
      }
    }),
  );
  if (opts.junit) {
    await mkdir(dirname(opts.junit), { recursive: true });
    await writeFile(opts.junit, junitXml(runs));
    out(`JUnit ${opts.junit}`);
  }
  return { kind: 'ran', runs, reports };
}
