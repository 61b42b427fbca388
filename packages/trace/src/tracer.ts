// Emitting trace events: a Tracer stamps time and actor and hands each event to its sinks
// (an NDJSON file or stream through pino, an in-memory buffer, live subscribers).
import { pino, type DestinationStream } from 'pino';
import { wallNow, type TraceEvent, type TraceLink } from './event.js';

export interface TraceSink {
  write(event: TraceEvent): void;
  close?(): Promise<void> | void;
}

export type MessageEvent = Omit<TraceEvent, 'ts' | 'actor' | 'simTime' | 'link'> & { link?: TraceLink };

export interface TracerOptions {
  actor: string;
  link: TraceLink;
  sinks?: TraceSink[];
  /** simulation clock, in ms since the epoch */
  simNow?: () => number;
}

export class Tracer {
  private readonly sinks: TraceSink[];

  constructor(private readonly opts: TracerOptions) {
    this.sinks = [...(opts.sinks ?? [])];
  }

  get actor(): string {
    return this.opts.actor;
  }

  addSink(sink: TraceSink): () => void {
    this.sinks.push(sink);
    return () => {
      const i = this.sinks.indexOf(sink);
      if (i >= 0) this.sinks.splice(i, 1);
    };
  }

  /** Records one message sent or received. */
  message(ev: MessageEvent): TraceEvent {
    const event: TraceEvent = {
      ts: wallNow(),
      ...(this.opts.simNow ? { simTime: this.opts.simNow() } : {}),
      actor: this.opts.actor,
      ...ev,
      link: ev.link ?? this.opts.link,
    };
    for (const s of this.sinks) s.write(event);
    return event;
  }

  async close(): Promise<void> {
    for (const s of this.sinks) await s.close?.();
  }
}

/** bigint values (64-bit EXI integers) become decimal strings in the JSON trace */
const bigintAsString = (_k: string, x: unknown): unknown => (typeof x === 'bigint' ? x.toString() : x);

/** One NDJSON line; the replacer (several times slower) only for the rare event with a bigint. */
export function ndjsonLine(event: TraceEvent): string {
  try {
    return `${JSON.stringify(event)}\n`;
  } catch (e) {
    if (e instanceof TypeError) return `${JSON.stringify(event, bigintAsString)}\n`;
    throw e;
  }
}

export interface NdjsonBatcher {
  /** queue an event; it is serialised and written with the others (see ndjsonBatcher) */
  push(event: TraceEvent): void;
  /** serialise and write what is queued now */
  flush(): void;
}

export interface NdjsonBatchOptions {
  /**
   * wall ms an event may wait to be written; 0 (default): when the event loop is next idle
   * (setImmediate). A file sink waits longer: each write is a system call, which costs more than
   * serialising a whole batch on some machines.
   */
  maxDelayMs?: number;
  /** with maxDelayMs: write at once when this many events are queued (default 256) */
  maxEvents?: number;
}

/**
 * Trace events as NDJSON, serialised off the message's path: events are queued and written in one
 * batch (`write(text)`) when the event loop is next idle, or after `maxDelayMs`, so a charge-loop
 * round trip waits neither for serialisation nor for the write (the overhead of tracing on its
 * latency is measured by `pnpm bench`).
 */
export function ndjsonBatcher(write: (text: string) => void, options: NdjsonBatchOptions = {}): NdjsonBatcher {
  const maxDelayMs = options.maxDelayMs ?? 0;
  const maxEvents = options.maxEvents ?? 256;
  let queue: TraceEvent[] = [];
  let immediate: NodeJS.Immediate | undefined;
  let timer: NodeJS.Timeout | undefined;
  const flush = (): void => {
    if (immediate) clearImmediate(immediate);
    if (timer) clearTimeout(timer);
    immediate = timer = undefined;
    if (queue.length === 0) return;
    const batch = queue;
    queue = [];
    let text = '';
    for (const event of batch) text += ndjsonLine(event);
    write(text);
  };
  return {
    push(event) {
      queue.push(event);
      if (maxDelayMs <= 0) {
        immediate ??= setImmediate(flush);
        return;
      }
      // serialised and written every maxDelayMs (or once maxEvents are queued): rarely between a
      // request and its response
      if (queue.length >= maxEvents) {
        flush();
        return;
      }
      if (!timer) {
        timer = setTimeout(flush, maxDelayMs);
        timer.unref();
      }
    },
    flush,
  };
}

/**
 * NDJSON through pino's asynchronous destination (sonic-boom): one line per event, to a file path
 * or a stream, serialised here (not by a logger) and in batches off the message's path, written
 * every 200 ms at most (ndjsonBatcher). close() writes what is queued first.
 */
export function pinoSink(destination: string | DestinationStream): TraceSink {
  const dest = typeof destination === 'string' ? pino.destination({ dest: destination, sync: false, mkdir: true }) : destination;
  // a file is written every 200 ms at most (close() writes the rest)
  const batcher = ndjsonBatcher((text) => dest.write(text), { maxDelayMs: 200 });
  return {
    write(event) {
      batcher.push(event);
    },
    close() {
      batcher.flush();
      // a file destination is ended (its buffer written, the file closed); a given stream is left open
      return new Promise<void>((resolve) => {
        if (typeof destination === 'string') {
          const boom = dest as ReturnType<typeof pino.destination>;
          boom.once('close', () => resolve());
          boom.end();
        } else resolve();
      });
    },
  };
}

/** Keeps events in memory (tests, summaries). */
export class MemorySink implements TraceSink {
  readonly events: TraceEvent[] = [];
  write(event: TraceEvent): void {
    this.events.push(event);
  }
}
