// What `v2xsim ev` and `v2xsim evse` share: a flag table that maps flags to config keys, loading
// a YAML config file with flags on top, clear config errors (exit 2), process output and signals.
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import type { ProcessIo } from '@v2xsim/ev';
import { isPlainObject, mergeConfig, readConfigFile, setConfigPath, simTimeArg } from '@v2xsim/process';
import type { CliIo } from './exi.js';

export const processIo = (): Pick<CliIo, 'stdout' | 'stderr'> => ({ stdout: process.stdout, stderr: process.stderr });

// ------------------------------------------------------------------------------ shared with `evse`

/** One flag and the configuration key it sets. */
export interface FlagSpec {
  /** commander's flags, e.g. `--soc <percent>`; a `--no-x` flag sets false */
  flags: string;
  /** the configuration key path it sets, e.g. `battery.soc` */
  path: string;
  description: string;
  /** string → value; throw InvalidArgumentError for a bad one (exit 2) */
  parse?: (value: string) => unknown;
}

export function numberArg(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) throw new InvalidArgumentError(`not a number: ${JSON.stringify(value)}`);
  return n;
}

export const listArg = (value: string): string[] =>
  value
    .split(',')
    .map((v) => v.trim())
    .filter((v) => v !== '');

/** `a:b[:c],a:b,…` → numbers; each item has 2 (or, with `optionalThird`, 3) numbers. */
export function pairsArg(value: string, optionalThird = false): number[][] {
  return listArg(value).map((item) => {
    const parts = item.split(':');
    if (parts.length < 2 || parts.length > (optionalThird ? 3 : 2)) throw new InvalidArgumentError(`expected ${optionalThird ? 'a:b or a:b:c' : 'a:b'} items separated by commas, got ${JSON.stringify(item)}`);
    return parts.map(numberArg);
  });
}

/** `--sim-epoch` / `--sim-start`: an ISO 8601 date-time with a zone, or ms since 1970 → ISO text */
export function simTimeFlag(value: string): string {
  const text = simTimeArg(value);
  if (text === undefined) throw new InvalidArgumentError(`expected an ISO 8601 date-time with a time zone (2026-01-01T18:00:00Z) or ms since 1970, got ${JSON.stringify(value)}`);
  return text;
}

/** The shared sim time line (@v2xsim/process sim-epoch.ts): the same flags on every process command. */
export const SIM_CLOCK_FLAGS: readonly FlagSpec[] = [
  {
    flags: '--sim-epoch <iso|ms>',
    path: 'clock.epoch',
    description: 'the wall instant the sim clock counts from: sim time = start + (now − epoch) × speed, so processes given the same epoch and speed agree on sim time (v2xsim run passes one)',
    parse: simTimeFlag,
  },
  { flags: '--sim-start <iso|ms>', path: 'clock.start', description: 'sim time at the epoch (default: the epoch itself), or without --sim-epoch at start (default: now)', parse: simTimeFlag },
];

export function addFlags(cmd: Command, specs: readonly FlagSpec[]): void {
  for (const s of specs) {
    if (s.parse) cmd.option(s.flags, s.description, s.parse);
    else cmd.option(s.flags, s.description);
  }
}

/** The configuration keys the flags given on the command line set, and which flag set each path. */
export function flagOverrides(cmd: Command, specs: readonly FlagSpec[]): { overrides: Record<string, unknown>; flagOf: Map<string, string> } {
  const overrides: Record<string, unknown> = {};
  const flagOf = new Map<string, string>();
  for (const s of specs) {
    const option = cmd.options.find((o) => o.flags === s.flags);
    if (!option) continue;
    const key = option.attributeName();
    const value: unknown = cmd.getOptionValue(key);
    // --x and --no-x share one attribute: only the one given last sets it
    if (value === undefined || cmd.getOptionValueSource(key) !== 'cli' || flagOf.has(s.path)) continue;
    if (option.negate !== (value === false)) continue;
    setConfigPath(overrides, s.path, value);
    flagOf.set(s.path, option.long ?? s.flags);
  }
  return { overrides, flagOf };
}

interface ConfigProblemLike {
  path: string;
  message: string;
}
export const isConfigError = (e: unknown): e is Error & { problems: readonly ConfigProblemLike[] } =>
  e instanceof Error && e.name === 'ConfigError' && Array.isArray((e as { problems?: unknown }).problems);

/** Usage error (exit 2), listing every configuration problem with its key path (and flag). */
export function configFailure(cmd: Command, name: string, err: unknown, file: string | undefined, flagOf: Map<string, string>): never {
  if (!isConfigError(err)) throw err;
  const lines = err.problems.map((p) => {
    const flag = [...flagOf].find(([path]) => p.path === path || p.path.startsWith(`${path}.`) || p.path.startsWith(`${path}[`))?.[1];
    return `  ${p.path || '(configuration)'}: ${p.message}${flag ? ` (from ${flag})` : file && p.path ? ` (in ${file})` : ''}`;
  });
  return cmd.error(`v2xsim ${name}: bad configuration\n${lines.join('\n')}`, { exitCode: 2, code: 'v2xsim.usage' });
}

/** The file (if any) with the flags laid over it, resolved by `resolve`; a usage error on any problem. */
export async function loadConfig<T>(cmd: Command, name: string, specs: readonly FlagSpec[], resolve: (input: unknown) => T): Promise<T> {
  const file = cmd.opts<{ config?: string }>().config;
  const { overrides, flagOf } = flagOverrides(cmd, specs);
  try {
    const fromFile = file !== undefined ? await readConfigFile(file) : {};
    // flags over the file; a file that is not a mapping is left for the checker to refuse
    return resolve(isPlainObject(fromFile) ? mergeConfig(fromFile, overrides) : fromFile);
  } catch (e) {
    return configFailure(cmd, name, e, file, flagOf);
  }
}

/** Line-oriented output of a process: summaries to stdout, the rest to stderr. */
export function processLines(io: Pick<CliIo, 'stdout' | 'stderr'>): ProcessIo {
  return { out: (line) => void io.stdout.write(line + '\n'), log: (line) => void io.stderr.write(line + '\n') };
}

/**
 * SIGINT/SIGTERM → `onSignal` (once each time); a second signal while running exits at once (130).
 * Returns the function that removes the handlers. Only for the real process (no injected io).
 */
export function onTerminationSignals(onSignal: () => void, realProcess: boolean): () => void {
  let count = 0;
  const handler = () => {
    count++;
    if (count > 1 && realProcess) process.exit(130);
    onSignal();
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return () => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  };
}

/** A real process must end once its work is done, even if a socket of a misbehaving peer lingers. */
export function exitSoon(realProcess: boolean): void {
  if (realProcess) setTimeout(() => process.exit(), 500).unref();
}

// ------------------------------------------------------------------------------ ev


/**
 * A serving process (evse, csms, scsp): started from its configuration, it serves until SIGINT or
 * SIGTERM, then closes. A configuration the process refuses is a usage error (exit 2, with the
 * key paths, `flagOf` naming the flags that set them); any other start failure is exit 1.
 */
export async function serveUntilStopped<C>(
  cmd: Command,
  name: string,
  config: C,
  start: (config: C, lines: ProcessIo) => Promise<{ close(): Promise<void> }>,
  io: CliIo | undefined,
  flagOf: Map<string, string> = new Map(),
): Promise<void> {
  const realProcess = io === undefined;
  let proc: { close(): Promise<void> };
  try {
    proc = await start(config, processLines(io ?? processIo()));
  } catch (e) {
    if (e instanceof Error && e.name === 'ConfigError') return configFailure(cmd, name, e, cmd.opts<{ config?: string }>().config, flagOf);
    return cmd.showHelpAfterError(false).error(`v2xsim ${name}: ${e instanceof Error ? e.message : String(e)}`, { exitCode: 1, code: 'v2xsim.failed' });
  }
  await new Promise<void>((resolve) => {
    const remove = onTerminationSignals(() => {
      remove();
      resolve();
    }, realProcess);
  });
  await proc.close();
  exitSoon(realProcess);
}
