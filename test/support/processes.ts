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

/** Polls until `get` returns a value (or the process exits, or time runs out: 30 s by default, generous for a loaded machine). */
export async function until<T>(get: () => T | undefined | Promise<T | undefined>, what: string, p?: Spawned, ms = 30_000): Promise<T> {
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

export interface TraceStream {
  /** the events received so far, in order */
  events: Record<string, unknown>[];
  /** resolves once the stream is open */
  opened: Promise<void>;
  close(): void;
}

/** A process's control API GET /trace stream (NDJSON), parsed as it comes; `history` replays the last events. */
export function traceStream(control: string, history = 0): TraceStream {
  const events: Record<string, unknown>[] = [];
  const abort = new AbortController();
  const opened = (async () => {
    const res = await fetch(`${control}/trace${history ? `?history=${history}` : ''}`, { signal: abort.signal });
    if (!/application\/x-ndjson/.test(res.headers.get('content-type') ?? '')) throw new Error(`GET /trace: content-type ${res.headers.get('content-type')}`);
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let buf = '';
    void (async () => {
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) return;
          buf += decoder.decode(value, { stream: true });
          let i: number;
          while ((i = buf.indexOf('\n')) >= 0) {
            events.push(JSON.parse(buf.slice(0, i)) as Record<string, unknown>);
            buf = buf.slice(i + 1);
          }
        }
      } catch {
        /* aborted */
      }
    })();
  })();
  return { events, opened, close: () => abort.abort() };
}
