// One process the dashboard follows through its control API (@v2xsim/process control-api.ts):
// GET /health polled, GET /actions once, and the live GET /trace stream (NDJSON), reopened when it
// drops while the process still answers. A process that stops answering is marked offline and,
// after a while, no longer polled (an EV that has left).
import { followTrace, getHealth, type TraceStream } from '@v2xsim/scenario';
import type { TraceEvent } from '@v2xsim/trace';

export interface SourceOptions {
  /** /health polling period, wall ms (default 500) */
  healthEveryMs?: number;
  /** past events replayed from /trace when the stream first opens (default 1000) */
  history?: number;
  /** stop polling a process that has not answered for this long, wall ms (default 60 s) */
  giveUpAfterMs?: number;
}

export interface SourceHooks {
  onEvent(source: ProcessSource, event: TraceEvent): void;
  onHealth(source: ProcessSource, health: Record<string, unknown>): void;
  /** online/offline, actor or kind learnt, actions listed */
  onChange(source: ProcessSource): void;
}

export class ProcessSource {
  /** from /health: `actor` */
  actor: string;
  /** from /health: `role` (ev, evse, csms, scsp), else the kind it was added as */
  kind: string;
  online = false;
  health: Record<string, unknown> | undefined;
  /** the control actions the process knows (GET /actions) */
  actions: string[] = [];
  lastSeen = 0;
  error: string | undefined;
  private trace: TraceStream | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private closed = false;
  private opened = false;
  private readonly added = Date.now();

  constructor(
    readonly control: string,
    kind: string | undefined,
    private readonly hooks: SourceHooks,
    private readonly opts: SourceOptions = {},
  ) {
    this.kind = kind ?? 'process';
    this.actor = kind ?? control;
  }

  start(): this {
    void this.poll();
    return this;
  }

  /** still polled (not given up, not closed) */
  get active(): boolean {
    return !this.closed;
  }

  private async poll(): Promise<void> {
    if (this.closed) return;
    try {
      const health = await getHealth(this.control);
      this.lastSeen = Date.now();
      this.error = undefined;
      const changed = !this.online || (typeof health.actor === 'string' && health.actor !== this.actor) || (typeof health.role === 'string' && health.role !== this.kind);
      this.online = true;
      if (typeof health.actor === 'string') this.actor = health.actor;
      if (typeof health.role === 'string') this.kind = health.role;
      this.health = health;
      if (changed) {
        await this.listActions();
        this.hooks.onChange(this);
      }
      this.hooks.onHealth(this, health);
      if (!this.trace) this.follow();
    } catch (e) {
      this.error = e instanceof Error ? e.message : String(e);
      if (this.online) {
        this.online = false;
        this.hooks.onChange(this);
      }
      if (Date.now() - Math.max(this.lastSeen, this.added) > (this.opts.giveUpAfterMs ?? 60_000)) {
        this.close();
        this.hooks.onChange(this);
        return;
      }
    }
    if (!this.closed) this.timer = setTimeout(() => void this.poll(), this.opts.healthEveryMs ?? 500);
  }

  private async listActions(): Promise<void> {
    try {
      const res = await fetch(`${this.control}/actions`, { signal: AbortSignal.timeout(2000) });
      const list = (await res.json()) as { name: string }[];
      if (Array.isArray(list)) this.actions = list.map((a) => a.name);
    } catch {
      /* listed at the next change */
    }
  }

  private follow(): void {
    // the first stream replays the recent past; a reopened one only what comes next
    const history = this.opened ? 0 : (this.opts.history ?? 1000);
    this.opened = true;
    const stream = followTrace(this.control, (e) => this.hooks.onEvent(this, e), { history });
    this.trace = stream;
    void stream.ended.then(() => {
      if (this.trace === stream) this.trace = undefined;
    });
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.trace?.close();
    this.trace = undefined;
    this.online = false;
  }
}
