import { Command, CommanderError } from 'commander';
import { registerExiCommand, type CliIo } from './commands/exi.js';
import { registerPkiCommand } from './commands/pki.js';
import { registerEvCommand } from './commands/ev.js';
import { registerEvseCommand } from './commands/evse.js';
import { registerCsmsCommand } from './commands/csms.js';
import { registerRunCommand } from './commands/run.js';
import { registerGapsCommand } from './commands/gaps.js';
import { registerScspCommand } from './commands/scsp.js';
import { registerDemoCommand } from './commands/demo.js';

export type { CliIo } from './commands/exi.js';

type ExitCallback = (err: CommanderError) => never | void;

/** Exit status of usage errors (bad flags, missing input, unknown schema). */
export const USAGE_EXIT_CODE = 2;

/**
 * Commander copies `exitOverride` to subcommands only when they are created, but `main()` installs
 * it after the program is built. This command passes it down to every subcommand, so commands never
 * call process.exit, and turns commander's usage errors (exit 1 by default) into exit status 2.
 */
class V2xsimCommand extends Command {
  private exitCallback: ExitCallback | undefined;

  override createCommand(name?: string): Command {
    return new V2xsimCommand(name);
  }

  override exitOverride(fn?: ExitCallback): this {
    this.exitCallback = fn;
    super.exitOverride((err) => {
      const mapped =
        err.exitCode === 1 && err.code.startsWith('commander.')
          ? new CommanderError(USAGE_EXIT_CODE, err.code, err.message)
          : err;
      if (fn) return fn(mapped);
      if (mapped.code !== 'commander.executeSubCommandAsync') throw mapped;
    });
    for (const sub of this.commands) sub.exitOverride(fn);
    return this;
  }

  override addCommand(cmd: Command, opts?: Parameters<Command['addCommand']>[1]): this {
    super.addCommand(cmd, opts);
    if (this.exitCallback) cmd.exitOverride(this.exitCallback);
    return this;
  }
}

/**
 * Builds the `v2xsim` command line. `io` replaces stdin/stdout/stderr (for running in-process);
 * by default the process streams are used.
 */
export function buildProgram(io?: CliIo): Command {
  const program = new V2xsimCommand('v2xsim')
    .description('v2xsim: full-stack EV charging simulator (ISO 15118, OCPP, OCPI)')
    .version('0.1.0');
  if (io) {
    program.configureOutput({
      writeOut: (s) => void io.stdout.write(s),
      writeErr: (s) => void io.stderr.write(s),
    });
  }
  registerExiCommand(program, io);
  registerPkiCommand(program, io);
  registerEvseCommand(program, io);
  registerEvCommand(program, io);
  registerCsmsCommand(program, io);
  registerScspCommand(program, io);
  registerRunCommand(program, io);
  registerDemoCommand(program, io);
  registerGapsCommand(program, io);
  program.addHelpText(
    'after',
    `
Examples:
  $ v2xsim exi schemas
  $ v2xsim exi decode --schema apphand --hex 8000dbab9371d3234b71d1b981899189d191818991d26b9b3a232b30020000040040`,
  );
  return program;
}
