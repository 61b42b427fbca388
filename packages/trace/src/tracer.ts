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

/**
 * NDJSON through pino's asynchronous destination (sonic-boom): one line per event, to a file path
 * or a stream. Each event is serialised once, here, rather than by a logger: at a CurrentDemand
 * cycle per session, serialisation is the larger part of what tracing costs.
 */
export function pinoSink(destination: string | DestinationStream): TraceSink {
  const dest = typeof destination === 'string' ? pino.destination({ dest: destination, sync: false, mkdir: true }) : destination;
  return {
    write(event) {
      dest.write(`${JSON.stringify(event, bigintAsString)}\n`);
    },
    close() {
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
