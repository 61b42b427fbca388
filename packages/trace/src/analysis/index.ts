// Analysis of trace events (issue 7): data journeys and gaps (D2.3 §11.1), timing budgets and
// end-to-end latencies (D2.3 §11.2-11.4), the gap table, and reading NDJSON trace files. Pure
// functions of the events, except the file readers.
export { journeys } from './journeys.js';
export type { JourneyOptions, JourneyReport, Journey, Hop, HopEnd, HopField, Delivery, Consumer, Reached, JourneyGap, ActorInfo } from './journeys.js';
export { timingReport, timingMarkdown } from './timing.js';
export type { TimingOptions, TimingReport, TimingRow, Breach, Budget, Renegotiation } from './timing.js';
export { D23_LATENCIES, measureLatencies } from './latency.js';
export type { LatencyDefinition, LatencyResult, LatencySample, LatencyEnd } from './latency.js';
export { matchEvent, messageElement, valuesAt } from './match.js';
export type { EventMatch, FieldExpect } from './match.js';
export { gapTable, gapTableMarkdown } from './gap-table.js';
export type { GapTable, GapRow, GapCell, GapRun, CellStatus } from './gap-table.js';
export { budgetKey, messageBudget, messageKey, timerBudget } from './budgets.js';
export type { TimingBudgets, ProtocolBudgets, MessageBudget, TimerBudget } from './budgets.js';
export { parseNdjson, readTraceFile, readTraceFiles, traceEventProblem } from './ndjson.js';
export type { NdjsonTrace, NdjsonProblem } from './ndjson.js';
export { pairMessages, timeOrder } from './pairs.js';
export type { PairOptions } from './pairs.js';
export { inferRoles, ROLES, sourceRoles } from './roles.js';
export type { Role } from './roles.js';
export { carryVerdict, linkInstances } from './links.js';
export type { LinkInfo, GapKind, CarryVerdict } from './links.js';
export { dictProtocol, isScaleEvent, messageViews } from './normalize.js';
export type { ScaleOptions, MessageView } from './normalize.js';
export { DEFAULT_TOLERANCE, sameValue } from './values.js';
export type { Tolerance } from './values.js';
export { percentile, stats } from './stats.js';
export type { Stats } from './stats.js';
