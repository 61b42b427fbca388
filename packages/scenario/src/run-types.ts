// What a run produced: the input of the expectations, the JUnit file and the HTML report.
import type { analysis, TraceEvent } from '@v2xsim/trace';
import type { FaultLink, ProcessKind } from './types.js';
import type { LoadedScenario } from './load.js';

export interface ProcessRecord {
  kind: ProcessKind;
  actor: string;
  attached: boolean;
  control?: string;
  addresses: Record<string, string>;
  /** spawned processes: each start (a restart adds one) */
  starts: number;
  exitCode?: number | null;
  /** the EV's --summary lines (one per session) */
  summaries: Record<string, unknown>[];
  /** the last /health answer */
  lastHealth?: Record<string, unknown>;
  /** the first /health answer */
  firstHealth?: Record<string, unknown>;
  /** what the process held at the end of the run (the CSMS: its transactions with their events) */
  finalState?: Record<string, unknown>;
}

export interface StepRecord {
  index: number;
  name: string;
  action: string;
  /** when it was due and when it ran, sim seconds since the run's start; undefined when it never ran */
  dueSimS?: number;
  simS?: number;
  /** wall ms since the run's start */
  wallMs?: number;
  target?: string;
  ok: boolean;
  detail: string;
}

export interface FaultRecord {
  link: FaultLink;
  /** listen address of the proxy and where it forwards */
  proxy: string;
  target: string;
  /** every change: from the scenario's `faults` (simS 0) and fault steps */
  changes: { simS: number; wallMs: number; what: string }[];
  stats: { connections: number; dropped: number; bytesUp: number; bytesDown: number };
}

export interface HealthSample {
  actor: string;
  kind: ProcessKind;
  /** wall ms since the run's start */
  wallMs: number;
  /** sim seconds since the run's start (the runner's clock) */
  simS: number;
  health: Record<string, unknown>;
}

export interface ExpectationResult {
  name: string;
  kind: string;
  ok: boolean;
  /** one line: what was expected and what was found */
  message: string;
}

export interface RunResult {
  loaded: LoadedScenario;
  ok: boolean;
  /** the run could not complete (a process failed to start, the wall timeout) */
  error?: string;
  startedAt: string;
  wallMs: number;
  simS: number;
  speed: number;
  /** the run's NDJSON trace (every process's events, as streamed) */
  tracePath: string;
  runDir: string;
  events: TraceEvent[];
  processes: ProcessRecord[];
  steps: StepRecord[];
  faults: FaultRecord[];
  samples: HealthSample[];
  journeys: analysis.JourneyReport;
  timing: analysis.TimingReport;
  expectations: ExpectationResult[];
  /** wall time of the run's start (ms since the epoch), for relating trace timestamps */
  t0: number;
  /** the run's sim epoch: at wall time `wallMs` every process's sim time was `simMs` (ms since 1970); sim seconds of the run = (simTime − simMs) / 1000 */
  simEpoch?: { wallMs: number; simMs: number };
}
