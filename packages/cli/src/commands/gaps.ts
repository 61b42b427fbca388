// `v2xsim gaps`: the gap report (docs/gaps.md). Runs a matrix of protocol stacks — ISO 15118-2 /
// -20 / DIN × OCPP 1.6 / 2.0.1 / 2.1 × OCPI 2.2.1, with and without the SCALE extensions — each as
// a generated scenario through the scenario runner, and writes the data object × actor table next
// to SCALE D2.3 §8's conclusions. Exit status: 0 the runs agree with §8 except documented known
// differences, 1 they differ (or a run did not complete), 2 bad flags.
import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import type { CliIo } from './exi.js';

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`expected a whole number ≥ 1, got ${JSON.stringify(value)}`);
  return n;
}

function count(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`expected a whole number ≥ 0, got ${JSON.stringify(value)}`);
  return n;
}

function positive(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`expected a number > 0, got ${JSON.stringify(value)}`);
  return n;
}

interface GapsOptions {
  full?: boolean;
  only?: string;
  json?: boolean;
  out?: string;
  html?: string;
  runs?: string;
  from?: string;
  parallel?: number;
  speed?: number;
  retries?: number;
  list?: boolean;
  verbose?: boolean;
  quiet?: boolean;
}

export function registerGapsCommand(parent: Command, io?: CliIo): Command {
  return parent
    .command('gaps')
    .description('run a matrix of protocol stacks (SCALE extensions off and on) and compare where each data object got with SCALE D2.3 §8')
    .option('--full', 'every ISO 15118 version and energy transfer × every OCPP version × SCALE off/on (30 runs); default: the 8 runs that test D2.3 §8’s conclusions')
    .option('--only <names>', 'only the stacks whose run name contains one of these (comma-separated), e.g. ocpp2.1,iso2-dc-std')
    .option('--json', 'write the report as JSON instead of Markdown')
    .option('--out <file>', 'write the report (Markdown, or JSON with --json) to this file instead of stdout')
    .option('--html <file>', 'also write the report as a self-contained HTML page')
    .option('--runs <dir>', 'scenario files, traces and matrix.json of the runs (default v2xsim-out/gaps)')
    .option('--from <dir>', 'make the report from an earlier run’s folder (its matrix.json and traces) instead of running')
    .option('--parallel <n>', 'stacks run at the same time (default 2)', positiveInt)
    .option('--speed <factor>', 'sim clock speed of every run (default 600)', positive)
    .option('--retries <n>', 'run a stack that failed again, up to n times (default 1): ISO 15118 timers are real time, a starved machine can miss one', count)
    .option('--list', 'print the stacks that would run, and exit')
    .option('-v, --verbose', 'show the runner’s progress lines of every run')
    .option('-q, --quiet', 'no progress lines')
    .addHelpText(
      'after',
      `
Exit status: 0 the runs agree with D2.3 §8 except documented known differences, 1 they differ (an
undocumented difference, a contradicted conclusion, a run that did not complete), 2 bad flags.

Examples:
  $ v2xsim gaps --list
  $ v2xsim gaps --out gaps.md --html gaps.html
  $ v2xsim gaps --only iso20-dc-bpt-ocpp2.1 --json --out gaps.json
  $ v2xsim gaps --from v2xsim-out/gaps`,
    )
    .action(async (opts: GapsOptions, cmd: Command) => {
      const out = io ?? { stdout: process.stdout, stderr: process.stderr };
      const usage = (message: string): never => cmd.error(`v2xsim gaps: ${message}`, { exitCode: 2, code: 'v2xsim.usage' });
      if (opts.from && (opts.full || opts.only || opts.list || opts.parallel !== undefined || opts.speed !== undefined || opts.retries !== undefined || opts.runs))
        usage('--from makes the report from earlier runs: it takes no --full, --only, --list, --runs, --parallel, --speed or --retries');
      // loaded here, not at the top: every `v2xsim` start loads only its own command's packages
      const { gaps } = await import('@v2xsim/scenario');
      const log = opts.quiet ? () => {} : (line: string) => void out.stderr.write(`${line}\n`);

      let inputs;
      if (opts.from) {
        try {
          inputs = await gaps.loadMatrix(opts.from);
        } catch (e) {
          return usage(`cannot read ${opts.from}/matrix.json: ${e instanceof Error ? e.message : String(e)}`);
        }
      } else {
        const names = (opts.only ?? '')
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean);
        const all = opts.full ? gaps.FULL_MATRIX : gaps.DEFAULT_MATRIX;
        const stacks = names.length ? all.filter((s) => names.some((n) => gaps.stackId(s).includes(n))) : all;
        if (stacks.length === 0) usage(`--only ${opts.only}: no stack of the ${opts.full ? 'full' : 'default'} matrix matches (see --list${opts.full ? '' : ', or add --full'})`);
        if (opts.list) {
          for (const s of stacks) out.stdout.write(`gaps-${gaps.stackId(s)}\t${gaps.stackLabel(s)}\n`);
          return;
        }
        log(`v2xsim gaps: ${stacks.length} run${stacks.length === 1 ? '' : 's'}, ${opts.parallel ?? 2} at a time`);
        inputs = await gaps.runMatrix({
          // the processes are this same program: node + this script (+ the loader flags it runs with)
          v2xsim: { command: process.execPath, args: [...process.execArgv, process.argv[1]!] },
          stacks,
          ...(opts.runs ? { outDir: opts.runs } : {}),
          ...(opts.parallel !== undefined ? { parallel: opts.parallel } : {}),
          ...(opts.speed !== undefined ? { speed: opts.speed } : {}),
          ...(opts.retries !== undefined ? { retries: opts.retries } : {}),
          verbose: opts.verbose ?? false,
          log,
        });
      }

      const report = gaps.buildGapReport(inputs);
      const text = opts.json ? `${JSON.stringify(report, null, 2)}\n` : gaps.gapReportMarkdown(report);
      if (opts.out) {
        await writeFile(opts.out, text);
        log(`report ${opts.out}`);
      } else out.stdout.write(text);
      if (opts.html) {
        await writeFile(opts.html, gaps.gapReportHtml(report));
        log(`HTML ${opts.html}`);
      }
      log(gaps.verdictLine(report));
      process.exitCode = report.summary.ok ? 0 : 1;
    });
}
