// One v2xsim process the runner started: a separate OS process, its banner, its output lines,
// its exit. The command that runs `v2xsim` is given by the caller (the CLI passes its own).
import { spawn, type ChildProcess } from 'node:child_process';
import type { Banner, ProcessAdapter } from './adapters/index.js';

export interface V2xsimCommand {
  /** the executable, e.g. process.execPath */
  command: string;
  /** arguments before the subcommand, e.g. [path of bin/v2xsim.js] */
  args: readonly string[];
}

export class ProcessHandle {
  readonly child: ChildProcess;
  readonly stderr: string[] = [];
  readonly stdout: string[] = [];
  banner: Banner | undefined;
  exitCode: number | null | undefined;
  signal: NodeJS.Signals | null = null;
  readonly exited: Promise<number | null>;
  private readonly ready: Promise<Banner>;

  constructor(
    readonly adapter: ProcessAdapter,
    readonly actor: string,
    cmd: V2xsimCommand,
    args: readonly string[],
    private readonly onLine: (stream: 'stdout' | 'stderr', line: string) => void,
  ) {
    this.child = spawn(cmd.command, [...cmd.args, adapter.kind, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    const lines = (stream: 'stdout' | 'stderr', into: string[], onEach?: (l: string) => void) => {
      let rest = '';
      this.child[stream]!.setEncoding('utf8').on('data', (s: string) => {
        rest += s;
        let nl: number;
        while ((nl = rest.indexOf('\n')) >= 0) {
          const line = rest.slice(0, nl);
          rest = rest.slice(nl + 1);
          into.push(line);
          onEach?.(line);
          this.onLine(stream, line);
        }
      });
    };
    let gotBanner: (b: Banner) => void = () => {};
    this.ready = new Promise((resolve) => (gotBanner = resolve));
    lines('stdout', this.stdout);
    lines('stderr', this.stderr, (line) => {
      if (this.banner) return;
      const b = adapter.banner(line);
      if (b) {
        this.banner = b;
        gotBanner(b);
      }
    });
    this.exited = new Promise((resolve) =>
      this.child.on('close', (code, signal) => {
        this.exitCode = code;
        this.signal = signal;
        resolve(code);
      }),
    );
  }

  get running(): boolean {
    return this.exitCode === undefined;
  }

  /** The banner, or an error with the process's output if it exits first or takes too long. */
  async whenReady(timeoutMs: number): Promise<Banner> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_r, reject) => {
      timer = setTimeout(() => reject(new Error(`v2xsim ${this.adapter.kind} printed no banner within ${timeoutMs} ms${this.tail()}`)), timeoutMs);
    });
    const exit = this.exited.then((code) => {
      throw new Error(`v2xsim ${this.adapter.kind} exited (${code ?? this.signal}) before it was ready${this.tail()}`);
    });
    try {
      return await Promise.race([this.ready, timeout, exit]);
    } finally {
      clearTimeout(timer);
    }
  }

  tail(n = 8): string {
    const t = this.stderr.slice(-n).join('\n');
    return t ? `:\n${t}` : '';
  }

  kill(signal: NodeJS.Signals = 'SIGTERM'): void {
    if (this.running) this.child.kill(signal);
  }

  /** SIGTERM, then SIGKILL if it has not exited after `graceMs`. */
  async stop(graceMs = 3000): Promise<void> {
    if (!this.running) return;
    this.kill('SIGTERM');
    const t = setTimeout(() => this.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(t);
  }
}
