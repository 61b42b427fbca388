// `v2xsim run FILE…` as a library call: load every file first (any mistake stops before anything
// starts), run them one after another, write the JUnit file and the HTML reports.
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

  const runs: RunResult[] = [];
  const reports: string[] = [];
  const log = opts.log ?? (() => {});
  for (const l of loaded) {
    const run = await runScenario(l, opts);
    runs.push(run);
    for (const x of run.expectations) log(`  ${x.ok ? '✓' : '✗'} ${x.name}: ${x.message}`);
    log(`${run.ok ? '✓ PASSED' : '✗ FAILED'} ${l.scenario.name}: ${run.expectations.filter((x) => x.ok).length}/${run.expectations.length} expectations${run.error ? `, run error: ${run.error}` : ''} (${(run.wallMs / 1000).toFixed(1)} s wall, ${run.simS.toFixed(0)} s sim); trace ${run.tracePath}`);
    if (opts.reportDir) {
      await mkdir(opts.reportDir, { recursive: true });
      const file = join(opts.reportDir, `${l.scenario.name}.html`);
      await writeFile(file, htmlReport(run));
      reports.push(file);
      log(`  report ${file}`);
    }
  }
  if (opts.junit) {
    await mkdir(dirname(opts.junit), { recursive: true });
    await writeFile(opts.junit, junitXml(runs));
    log(`JUnit ${opts.junit}`);
  }
  return { kind: 'ran', runs, reports };
}
