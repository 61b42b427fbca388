// A scenario file (YAML) as data: the protocol stack per link, who controls the charge, the
// parameters of the EV, EVSE, site, tariff and driver, timed steps, faults and expectations.
// scenario.schema.json (schema.ts) describes the same shape for editors and validation; a test
// checks that the two agree.

/** The kinds of v2xsim process a scenario can run or attach to. */
export type ProcessKind = 'ev' | 'evse' | 'csms' | 'scsp';
export const PROCESS_KINDS: readonly ProcessKind[] = ['ev', 'evse', 'csms', 'scsp'];

/** The links a fault proxy can sit on (the same names as TraceEvent.link). */
export type FaultLink = 'ev-evse' | 'evse-csms' | 'csms-scsp';
export const FAULT_LINKS: readonly FaultLink[] = ['ev-evse', 'evse-csms', 'csms-scsp'];

export type Iso15118Version = 'din70121' | 'iso15118-2' | 'iso15118-20';
export type EnergyTransfer = 'DC' | 'AC';

export interface Iso15118Stack {
  version: Iso15118Version;
  /** DC (default) or AC */
  energy?: EnergyTransfer;
  /** offer the SCALE variant (D2.3 §9, appendix 13) first, the standard one as its fallback */
  scale?: boolean;
  /** ISO 15118-20: bidirectional power transfer (DC_BPT / AC_BPT) */
  bpt?: boolean;
  /** ISO 15118-20 control mode */
  controlMode?: 'scheduled' | 'dynamic';
  /** TLS (needs `pki`); default off */
  tls?: boolean;
  /** PKI folder (v2xsim pki init), relative to the scenario file; `generate`: a fresh one per run (the run's folder) */
  pki?: string;
  /** how the EV pays: eim (default: identification at the EVSE) or pnc (Plug & Charge: needs pki and tls; the EVSE offers both) */
  payment?: 'eim' | 'pnc';
}

export type OcppVersion = '1.6' | '2.0.1' | '2.1';

export interface Stack {
  iso15118: Iso15118Stack;
  /** EVSE ↔ CSMS; absent = no CSMS in the run. `scale`: the SCALE customData (eu.scale-project) on TransactionEvent and NotifyEVChargingNeeds (2.0.1, 2.1) */
  ocpp?: { version: OcppVersion; scale?: boolean };
  /** CSMS ↔ SCSP; absent = no SCSP in the run */
  ocpi?: { version: '2.2.1' };
}

/** Who is the flexibility service provider (D2.3 §11.2-11.4: the actor that decides the schedule). */
export type Fsp = 'ev' | 'evse' | 'csms' | 'site-ems' | 'scsp';

export interface Topology {
  fsp: Fsp;
  /** the CSMS's smart-charging policy when it (or a site EMS) is the FSP: spread (each need spread until its departure; default for csms) or default (the site shared; default for site-ems) */
  policy?: 'default' | 'spread';
}

export interface EvParams {
  /** actor name (default `ev`) */
  id?: string;
  capacityWh?: number;
  /** SoC at plug-in, % */
  soc?: number;
  dcMaxPowerW?: number;
  acMaxCurrentA?: number;
  dischargeMaxPowerW?: number;
  /** what is left of the OEM's V2X warranty budget, Wh */
  v2xBudgetWh?: number;
  roundTripEfficiency?: number;
  /** EVCC charge-loop cycle, wall ms */
  loopMs?: number;
  /** more keys of the EV's own YAML configuration (docs/ev-evse.md), laid over the above */
  config?: Record<string, unknown>;
}

export interface EvseParams {
  id?: string;
  evseId?: string;
  dcMaxPowerW?: number;
  dcMaxDischargePowerW?: number;
  acMaxCurrentA?: number;
  /** EIM authorisation: auto, manual, or a delay in wall ms */
  authorization?: 'auto' | 'manual' | number;
  config?: Record<string, unknown>;
}

export interface ScheduleEntry {
  /** sim seconds from the session's start */
  startS: number;
  pMaxW: number;
  durationS?: number;
}

export interface SiteParams {
  /** grid connection point, EAN */
  ean?: string;
  /** the site's power limit at the EVSE, W */
  maxPowerW?: number;
  /** a static limit schedule at the EVSE */
  schedule?: ScheduleEntry[];
}

export interface PricePoint {
  /** sim seconds from the run's start (tariff.priceCurve) or from the step (a price-curve step) */
  startS: number;
  /** price per kWh */
  price: number;
}

export interface TariffParams {
  currency?: string;
  priceCurve?: PricePoint[];
}

export interface DriverNeeds {
  targetSoc?: number;
  minimumSoc?: number;
  maximumSoc?: number;
  /** sim seconds after plug-in */
  departureS?: number;
  dischargeAllowed?: boolean;
}

export interface ProcessOptions {
  /** extra flags for `v2xsim <kind>` */
  args?: string[];
}

export interface LinkFault {
  /** added to every chunk in each direction, wall ms */
  latencyMs?: number;
  /** uniform random 0..jitterMs on top of the latency */
  jitterMs?: number;
}

/** Roles of actors in the trace (@v2xsim/trace analysis). */
export type TraceRole = 'EV' | 'EVSE' | 'CSMS' | 'SCSP';

/** A trace event predicate (@v2xsim/trace analysis EventMatch) as a scenario writes it. */
export interface EventMatchSpec {
  actor?: string | string[];
  role?: TraceRole | TraceRole[];
  link?: FaultLink;
  /** dictionary protocol (`iso15118-2`, `ocpp2.0.1`, `ocpi2.2.1`) or as traced (`ocpp`) */
  protocol?: string | string[];
  direction?: 'tx' | 'rx';
  /** message name as traced, or a list */
  message?: string | string[];
  /** a regular expression on the message name (instead of `message`) */
  messagePattern?: string;
  /** field values of the message element by `.`-separated path; `{exists: bool}` for presence */
  fields?: Record<string, string | number | boolean | (string | number | boolean)[] | { exists: boolean }>;
}

/** An end-to-end latency of this scenario's own (besides D2.3's, @v2xsim/trace D23_LATENCIES): from the first `from` event to the next `to`. */
export interface LatencySpec {
  id: string;
  label?: string;
  from: EventMatchSpec;
  to: EventMatchSpec;
  /** several `from`s before one `to`: measure from the first (default) or the last */
  measureFrom?: 'first' | 'last';
  /** a `from` not followed by a `to` within this, wall ms, is unmatched */
  withinMs?: number;
  /** a latency above this, wall ms, is a breach */
  budgetMs?: number;
}

/** When a step runs: `at` sim seconds after the run's start, or after the first trace event matching `after`. */
export interface TraceAnchor {
  actor?: string;
  message: string;
  direction?: 'tx' | 'rx';
}

export interface StepBase {
  name?: string;
  /** sim seconds (from the start, or from `after`) */
  at?: number;
  after?: TraceAnchor;
}

export type StepAction =
  | { 'plug-in': { ev?: string } }
  | { unplug: { ev?: string } }
  | { stop: { by: 'ev' | 'evse' } }
  | { 'set-needs': { targetSoc?: number; minimumSoc?: number; maximumSoc?: number; departureS?: number | null } }
  | { 'allow-discharge': { allowed: boolean } }
  | { 'priority-charging': { enabled: boolean } }
  | { discharge: { setpointW: number | null } }
  | { 'set-limit': { maxPowerW: number | null } }
  | { 'price-curve': { curve: PricePoint[] } }
  | { authorize: Record<string, never> }
  | { fault: { link: FaultLink; latencyMs?: number; jitterMs?: number; dropConnections?: boolean; holdMs?: number } }
  | { kill: { process: ProcessKind } }
  | { restart: { process: ProcessKind } };

export type Step = StepBase & StepAction;

export type StepName = StepAction extends infer A ? (A extends Record<infer K, unknown> ? K & string : never) : never;

/** Which actor or role an expectation is about: an actor id (`evse-1`) or a role (`EV`, `EVSE`, `CSMS`, `SCSP`). */
export type ActorRef = string;

export interface ExpectBase {
  name?: string;
}

export type ExpectationBody =
  | { session: { ev?: string; ok?: boolean; stopReason?: string; protocol?: string; service?: string; error?: string } }
  | { journey: { object: string; reaches: ActorRef; from?: ActorRef; via?: string[]; withinMs?: number; reached?: boolean } }
  | { latency: { id: string; min?: number; max?: number; maxBelowMs?: number; p99BelowMs?: number; simMaxBelowS?: number; noBreach?: boolean } }
  | { events: EventMatchSpec & { min?: number; max?: number } }
  | { transactions: { count?: number; ended?: boolean; complete?: boolean; offline?: boolean; iso15118SessionId?: boolean; toleranceWh?: number; tolerancePct?: number } }
  | { timing: { protocol?: string; message?: string; measure?: string; noBreach?: boolean; p99BelowMs?: number; maxBelowMs?: number } }
  | { breach: { protocol?: string; message?: string; measure?: string; min?: number } }
  | { soc: { ev?: string; min?: number; max?: number } }
  | { energy: { ev?: string; chargedMinWh?: number; chargedMaxWh?: number; dischargedMinWh?: number; dischargedMaxWh?: number } }
  | { energyBalance: { ev?: string; evse?: string; toleranceWh?: number; tolerancePct?: number } }
  | { renegotiations: { min?: number; max?: number; noBreach?: boolean } };

export type Expectation = ExpectBase & ExpectationBody;

export type ExpectationKind = ExpectationBody extends infer A ? (A extends Record<infer K, unknown> ? K & string : never) : never;

export interface Scenario {
  name: string;
  description?: string;
  /**
   * sim seconds per wall second for every process (default 60; protocol timers stay real time), and
   * the sim time at the run's start (ISO 8601; default the wall time then): every process gets the
   * run's start as its sim epoch, so their sim times agree
   */
  clock?: { speed?: number; start?: string };
  /** the run fails if it has not ended after this many wall seconds (default 60) */
  timeoutS?: number;
  /** end the run at this sim second (the EVs are unplugged); default: when every EV has finished */
  endS?: number;
  stack: Stack;
  topology?: Topology;
  ev?: EvParams;
  evse?: EvseParams;
  site?: SiteParams;
  tariff?: TariffParams;
  driver?: DriverNeeds;
  /** per process kind: extra flags */
  processes?: Partial<Record<ProcessKind, ProcessOptions>>;
  /** processes already running (compose, another terminal): their control API URLs */
  attach?: Partial<Record<ProcessKind, string>>;
  /** link faults from the start (a TCP proxy on the link) */
  faults?: Partial<Record<FaultLink, LinkFault>>;
  steps?: Step[];
  /** end-to-end latencies to measure besides D2.3's (expectation `latency` names them by id) */
  latencies?: LatencySpec[];
  expect?: Expectation[];
}
