import { buildProgram } from './program.js';

/** Runs the `v2xsim` command line and resolves to the process exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  const program = buildProgram();
  let exitCode = 0;
  program.exitOverride((err) => {
    exitCode = err.exitCode;
    throw err;
  });
  try {
    await program.parseAsync([...argv]);
  } catch (err) {
    if (err && typeof err === 'object' && 'exitCode' in err) return exitCode;
    throw err;
  }
  return typeof process.exitCode === 'number' ? process.exitCode : 0;
}
