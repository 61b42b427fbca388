// The scenario runner (issue 7): scenario files → processes, sim clock, steps, faults, traces,
// expectations, JUnit and HTML reports.
export * from './types.js';
export { scenarioSchema, scenarioSchemaJson, STEP_ACTIONS, EXPECTATIONS } from './schema.js';
export { loadScenario, parseScenario, ScenarioError, formatProblem } from './load.js';
export type { LoadedScenario, ScenarioProblem } from './load.js';
export { runScenario, ScenarioRun } from './runner.js';
export type { RunOptions } from './runner.js';
export { runFiles } from './run-files.js';
export type { RunFilesOptions, RunFilesResult } from './run-files.js';
export type * from './run-types.js';
export { evaluateExpectations } from './expectations.js';
export { FaultProxy } from './fault-proxy.js';
export type { FaultProxyOptions, FaultSettings } from './fault-proxy.js';
export { ADAPTERS, START_STAGES, adapterFor, stepTargets, stepOwners, bannerFields, clockConfig, csmsDecides, fspOf, stationIdOf, energyNeedKwh, priceRows } from './adapters/index.js';
export type { ProcessAdapter, Banner, StartContext, ControlCall, ServedLink, ProcessControl, StepContext } from './adapters/index.js';
export { eventMatch, describeMatch } from './event-match.js';
export type { V2xsimCommand } from './process-handle.js';
export { ProcessHandle } from './process-handle.js';
export { ControlCallError, followTrace, getHealth, postAction } from './control-client.js';
export type { TraceStream } from './control-client.js';
export { lineChart, sequenceDiagram, esc } from './report/svg.js';
export type { Series, Marker } from './report/svg.js';
export { htmlReport } from './report/html.js';
export { junitXml } from './report/junit.js';
export * as gaps from './gaps/index.js';
