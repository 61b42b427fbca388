// A TCP proxy the runner places on a link (EV→EVSE V2GTP, EVSE→CSMS WebSocket, CSMS↔SCSP HTTP)
// to inject faults: latency and jitter on every chunk in each direction, a one-off hold of all
// traffic, and dropped connections. It forwards bytes only, so TLS and every protocol pass
// through unchanged; the order of bytes in each direction is kept whatever the jitter.
import { createServer, connect, type Server, type Socket } from 'node:net';

export interface FaultSettings {
  latencyMs: number;
  jitterMs: number;
}

export interface FaultProxyOptions {
  /** where it forwards to */
  target: { host: string; port: number };
  /** listen host (default: the target's) */
  host?: string;
  latencyMs?: number;
  jitterMs?: number;
  /** random source for the jitter (tests) */
  random?: () => number;
}

export interface FaultProxyStats {
  connections: number;
  dropped: number;
  bytesUp: number;
  bytesDown: number;
}

/** One direction of one connection: chunks leave in order, each not before its due time. */
class DelayLine {
  private queue: { due: number; chunk: Buffer }[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  private lastDue = 0;

  constructor(
    private readonly out: Socket,
    private readonly proxy: FaultProxy,
  ) {}

  push(chunk: Buffer): void {
    const now = performance.now();
    const { latencyMs, jitterMs } = this.proxy.settings;
    // never before an earlier chunk of this direction (TCP keeps order), nor before a hold ends
    const due = Math.max(now + latencyMs + jitterMs * this.proxy.random(), this.lastDue, this.proxy.heldUntil);
    this.lastDue = due;
    this.queue.push({ due, chunk });
    this.flush();
  }

  private flush(): void {
    if (this.timer) return;
    const now = performance.now();
    while (this.queue.length > 0 && this.queue[0].due <= now) {
      const { chunk } = this.queue.shift()!;
      if (!this.out.destroyed) this.out.write(chunk);
    }
    if (this.queue.length > 0) {
      this.timer = setTimeout(
        () => {
          this.timer = undefined;
          this.flush();
        },
        Math.max(0, this.queue[0].due - now),
      );
    } else if (this.ending) this.out.end();
  }

  private ending = false;
  end(): void {
    this.ending = true;
    if (this.queue.length === 0 && !this.timer) this.out.end();
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.queue = [];
  }
}

export class FaultProxy {
  settings: FaultSettings;
  heldUntil = 0;
  readonly random: () => number;
  readonly stats: FaultProxyStats = { connections: 0, dropped: 0, bytesUp: 0, bytesDown: 0 };
  private readonly pairs = new Set<{ client: Socket; upstream: Socket }>();
  private server: Server | undefined;
  private target: { host: string; port: number };
  host = '';
  port = 0;

  constructor(private readonly opts: FaultProxyOptions) {
    this.settings = { latencyMs: opts.latencyMs ?? 0, jitterMs: opts.jitterMs ?? 0 };
    this.random = opts.random ?? Math.random;
    this.target = opts.target;
  }

  /** Listens on a free port. */
  async start(port = 0): Promise<this> {
    const host = this.opts.host ?? this.target.host;
    const server = createServer((client) => this.accept(client));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    this.server = server;
    const a = server.address();
    this.host = host;
    this.port = typeof a === 'object' && a ? a.port : port;
    return this;
  }

  /** A restarted server behind the proxy may have moved. */
  retarget(target: { host: string; port: number }): void {
    this.target = target;
  }

  set(change: Partial<FaultSettings>): void {
    this.settings = { ...this.settings, ...change };
  }

  /** Holds all traffic for `ms` from now (both directions, every connection). */
  hold(ms: number): void {
    this.heldUntil = Math.max(this.heldUntil, performance.now() + ms);
  }

  /** Closes every connection on the link at once, as a broken network would (RST). */
  dropConnections(): number {
    let n = 0;
    for (const p of this.pairs) {
      p.client.resetAndDestroy();
      p.upstream.resetAndDestroy();
      n++;
    }
    this.pairs.clear();
    this.stats.dropped += n;
    return n;
  }

  private accept(client: Socket): void {
    this.stats.connections++;
    const upstream = connect({ host: this.target.host, port: this.target.port });
    const pair = { client, upstream };
    this.pairs.add(pair);
    const up = new DelayLine(upstream, this);
    const down = new DelayLine(client, this);
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    client.on('data', (c: Buffer) => {
      this.stats.bytesUp += c.length;
      up.push(c);
    });
    upstream.on('data', (c: Buffer) => {
      this.stats.bytesDown += c.length;
      down.push(c);
    });
    client.on('end', () => up.end());
    upstream.on('end', () => down.end());
    const close = () => {
      this.pairs.delete(pair);
      up.dispose();
      down.dispose();
      if (!client.destroyed) client.destroy();
      if (!upstream.destroyed) upstream.destroy();
    };
    client.on('error', close);
    upstream.on('error', close);
    client.on('close', () => {
      // let data still queued for the server go out before closing
      if (!upstream.destroyed) setTimeout(close, this.settings.latencyMs + this.settings.jitterMs + 50).unref();
    });
    upstream.on('close', () => {
      if (!client.destroyed) setTimeout(close, this.settings.latencyMs + this.settings.jitterMs + 50).unref();
    });
  }

  async close(): Promise<void> {
    this.dropConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
