// Running `v2xsim` commands as real OS processes in tests (bin/v2xsim.js runs packages/cli/dist:
// `pnpm test` builds first): spawn, collect output, wait for a condition, kill what is left.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = fileURLToPath(new URL('../../', import.meta.url));
export const bin = join(root, 'packages/cli/bin/v2xsim.js');

/** processes still running, for the test file's afterAll to kill */
export const children = new Set<ChildProcess>();

export interface Spawned {
  child: ChildProcess;
  out: { stdout: string; stderr: string };
  exited: Promise<number | null>;
}

export function v2xsim(args: readonly string[]): Spawned {
  const child = spawn(process.execPath, [bin, ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  const out = { stdout: '', stderr: '' };
  child.stdout!.setEncoding('utf8').on('data', (s: string) => (out.stdout += s));
  child.stderr!.setEncoding('utf8').on('data', (s: string) => (out.stderr += s));
  const exited = new Promise<number | null>((resolve) =>
    child.on('close', (code) => {
      children.delete(child);
      resolve(code);
    }),
  );
  return { child, out, exited };
}

/** Polls until `get` returns a value (or the process exits, or time runs out). */
export async function until<T>(get: () => T | undefined | Promise<T | undefined>, what: string, p?: Spawned, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  let exited = false;
  void p?.exited.then(() => (exited = true));
  for (;;) {
    const v = await get();
    if (v !== undefined) return v;
    if (exited) throw new Error(`${what}: the process exited\n${p!.out.stderr}`);
    if (Date.now() > end) throw new Error(`${what}: timed out${p ? `\n${p.out.stderr}` : ''}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
