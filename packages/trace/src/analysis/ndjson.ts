// Reading NDJSON trace files (one TraceEvent per line, as pinoSink writes them). A process killed
// mid-write leaves a truncated last line: that is reported as `truncated`, not as an error. Any
// other line that is not a trace event is reported with its line number, and the rest is read.
import { readFile } from 'node:fs/promises';
import type { TraceEvent } from '../event.js';

export interface NdjsonProblem {
  /** 1-based */
  line: number;
  message: string;
  /** the start of the line */
  text: string;
}

export interface NdjsonTrace {
  events: TraceEvent[];
  errors: NdjsonProblem[];
  /** the last line was cut off (no newline, not JSON) */
  truncated: boolean;
  /** file name, when read from a file */
  file?: string;
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const LINKS = new Set(['ev-evse', 'evse-csms', 'csms-scsp', 'control']);

/** Why a parsed line is not a trace event, or undefined when it is one. */
export function traceEventProblem(v: unknown): string | undefined {
  if (!isObj(v)) return 'not a JSON object';
  if (typeof v.ts !== 'number' || !Number.isFinite(v.ts)) return 'ts is not a number';
  if (typeof v.actor !== 'string') return 'actor is not a string';
  if (typeof v.link !== 'string' || !LINKS.has(v.link)) return `link ${JSON.stringify(v.link)} is not one of ${[...LINKS].join(', ')}`;
  if (typeof v.protocol !== 'string') return 'protocol is not a string';
  if (v.direction !== 'tx' && v.direction !== 'rx') return 'direction is not tx or rx';
  if (typeof v.message !== 'string') return 'message is not a string';
  if (v.simTime !== undefined && typeof v.simTime !== 'number') return 'simTime is not a number';
  return undefined;
}

/** Parses NDJSON text into trace events; never throws. */
export function parseNdjson(text: string): NdjsonTrace {
  const events: TraceEvent[] = [];
  const errors: NdjsonProblem[] = [];
  let truncated = false;
  const lines = text.split('\n');
  const endsWithNewline = text.endsWith('\n');
  lines.forEach((raw, i) => {
    const line = raw.replace(/\r$/, '');
    if (line.trim() === '') return;
    const last = i === lines.length - 1 && !endsWithNewline;
    let v: unknown;
    try {
      v = JSON.parse(line);
    } catch (e) {
      if (last) truncated = true;
      else errors.push({ line: i + 1, message: `not JSON: ${(e as Error).message}`, text: line.slice(0, 120) });
      return;
    }
    const problem = traceEventProblem(v);
    if (problem) errors.push({ line: i + 1, message: problem, text: line.slice(0, 120) });
    else events.push(v as TraceEvent);
  });
  return { events, errors, truncated };
}

/** Reads one NDJSON trace file. Throws only when the file cannot be read. */
export async function readTraceFile(file: string): Promise<NdjsonTrace> {
  return { ...parseNdjson(await readFile(file, 'utf8')), file };
}

/** Reads the trace files of one run (one per process) and merges their events in time order. */
export async function readTraceFiles(files: readonly string[]): Promise<{ events: TraceEvent[]; files: { file: string; events: number; errors: NdjsonProblem[]; truncated: boolean }[] }> {
  const traces = await Promise.all(files.map(readTraceFile));
  const events = traces.flatMap((t) => t.events).sort((a, b) => a.ts - b.ts);
  return { events, files: traces.map((t) => ({ file: t.file!, events: t.events.length, errors: t.errors, truncated: t.truncated })) };
}
