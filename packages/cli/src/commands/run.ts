// `v2xsim run FILE…`: run scenario files (docs/scenarios.md). Each scenario starts its processes
// as separate OS processes of this same `v2xsim` (or attaches to running ones), drives its steps,
// collects the traces and checks its expectations. Exit status: 0 every expectation met, 1 any
// failed (or a run could not complete), 2 a scenario file with mistakes (each with line:column).
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import type { ProcessKind } from '@v2xsim/scenario';
import type { CliIo } from './exi.js';
import { numberArg } from './process-cli.js';

/** `evse=http://127.0.0.1:7100`, repeatable (the kind is checked against the scenario package's list in the action) */
function attachArg(value: string, previous: Partial<Record<ProcessKind, string>> = {}): Partial<Record<ProcessKind, string>> {
  const m = /^([a-z]+)=(https?:\/\/\S+)$/.exec(value.trim());
  if (!m) throw new InvalidArgumentError(`expected KIND=URL (e.g. evse=http://127.0.0.1:7100), got ${JSON.stringify(value)}`);
  return { ...previous, [m[1]]: m[2] };
}

export function registerRunCommand(parent: Command, io?: CliIo): Command {
  return parent
    .command('run')
    .description('run scenario files: start the processes, drive the steps, collect the traces, check the expectations')
    .argument('<files...>', 'scenario files (YAML; docs/scenarios.md)')
    .option('--out <dir>', 'outputs: <dir>/<scenario>/trace.ndjson and the process configurations (default v2xsim-out)')
    .option('--junit <file>', 'write JUnit XML (one test case per expectation)')
    .option('--report <dir>', 'write a self-contained HTML report per scenario: <dir>/<scenario>.html')
    .option('--speed <factor>', 'sim clock speed for every process, over the scenario’s clock.speed', numberArg)
    .option('--attach <kind=url>', 'use a running process through its control API instead of starting one (repeatable): ev, evse, csms, scsp', attachArg)
    .option('-j, --jobs <n>', 'run this many scenario files at once (default 1); each prints its progress as one block when it ends', numberArg)
    .option('-v, --verbose', 'show every line the processes print')
    .option('-q, --quiet', 'print only the verdicts')
    .addHelpText(
      'after',
      `
Each scenario starts its processes (CSMS, SCSP, EVSE, EV: what its stack has) on free ports, on one
sim time line: the run's start is every process's sim epoch (--sim-epoch) at the scenario's speed.
The station connects to the CSMS, the SCSP registers with the CSMS's CPO (OCPI credentials with a
token A from the CSMS's control API), and the steps go to the actor that owns them in the
scenario's control topology (docs/scenarios.md).
Exit status: 0 every expectation met, 1 an expectation failed or a run could not complete, 2 a scenario file has mistakes.

Examples:
  $ v2xsim run scenarios/v1g-iso2-dc.yaml
  $ v2xsim run scenarios/v1g-iso2-ac-ocpp201-ocpi.yaml -v        # CSMS + SCSP + EVSE + EV, every line they print
  $ v2xsim run scenarios/*.yaml --jobs 2 --junit out/junit.xml --report out/report   # what CI runs
  $ v2xsim run scenarios/v1g-iso2-dc.yaml --attach evse=http://127.0.0.1:7100`,
    )
    .action(async (files: string[], opts: { out?: string; junit?: string; report?: string; speed?: number; attach?: Partial<Record<ProcessKind, string>>; jobs?: number; verbose?: boolean; quiet?: boolean }, cmd: Command) => {
      const out = io ?? { stdout: process.stdout, stderr: process.stderr };
      if (opts.speed !== undefined && !(opts.speed > 0)) cmd.error('v2xsim run: --speed must be > 0', { exitCode: 2, code: 'v2xsim.usage' });
      if (opts.jobs !== undefined && !(Number.isInteger(opts.jobs) && opts.jobs >= 1)) cmd.error('v2xsim run: --jobs must be a whole number ≥ 1', { exitCode: 2, code: 'v2xsim.usage' });
      // loaded here, not at the top: every `v2xsim` start loads only its own command's packages
      const { formatProblem, PROCESS_KINDS, runFiles } = await import('@v2xsim/scenario');
      const badKind = Object.keys(opts.attach ?? {}).find((k) => !PROCESS_KINDS.includes(k as ProcessKind));
      if (badKind) cmd.error(`error: option '--attach <kind=url>' argument: KIND must be one of ${PROCESS_KINDS.join(', ')}, got ${JSON.stringify(badKind)}`, { exitCode: 2, code: 'commander.invalidArgument' });
      const log = (line: string) => void out.stdout.write(`${line}\n`);
      const result = await runFiles(files, {
        // the processes are this same program: node + this script (+ the loader flags it runs with)
        v2xsim: { command: process.execPath, args: [...process.execArgv, process.argv[1]] },
        ...(opts.out ? { outDir: opts.out } : {}),
        ...(opts.junit ? { junit: opts.junit } : {}),
        ...(opts.report ? { reportDir: opts.report } : {}),
        ...(opts.speed !== undefined ? { speed: opts.speed } : {}),
        ...(opts.attach ? { attach: opts.attach } : {}),
        ...(opts.jobs !== undefined ? { jobs: opts.jobs } : {}),
        verbose: opts.verbose ?? false,
        log: opts.quiet ? (line) => void (/^(✓ PASSED|✗ FAILED)/.test(line) ? log(line) : undefined) : log,
      });
      if (result.kind === 'invalid') {
        out.stderr.write(`v2xsim run: scenario file with mistakes:\n${result.problems.map((p) => `  ${formatProblem(p)}`).join('\n')}\n`);
        process.exitCode = 2;
        return;
      }
      const failed = result.runs.filter((r) => !r.ok);
      if (result.runs.length > 1) log(`${result.runs.length - failed.length}/${result.runs.length} scenarios passed${failed.length ? `; failed: ${failed.map((r) => r.loaded.scenario.name).join(', ')}` : ''}`);
      process.exitCode = failed.length ? 1 : 0;
    });
}
