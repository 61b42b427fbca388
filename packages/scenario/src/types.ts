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
  /** PKI folder (v2xsim pki init), relative to the scenario file */
  pki?: string;
}

export interface Stack {
  iso15118: Iso15118Stack;
  /** EVSE ↔ CSMS; absent = no CSMS in the run */
  ocpp?: { version: '1.6' | '2.0.1' | '2.1' };
  /** CSMS ↔ SCSP; absent = no SCSP in the run */
  ocpi?: { version: '2.2.1' };
}

/** Who is the flexibility service provider (D2.3 §11.2-11.4: the actor that decides the schedule). */
export type Fsp = 'ev' | 'evse' | 'csms' | 'site-ems' | 'scsp';

export interface Topology {
  fsp: Fsp;
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
  /** sim seconds from the scenario's start */
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
  priorityCharging?: boolean;
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
  | { session: { ev?: string; ok?: boolean; stopReason?: string; protocol?: string; service?: string } }
  | { journey: { object: string; reaches: ActorRef; withinMs?: number } }
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
  /** sim seconds per wall second for every process (default 60); protocol timers stay real time */
  clock?: { speed?: number };
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
  expect?: Expectation[];
}
