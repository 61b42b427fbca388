// The JSON Schema of a scenario file (draft-07, which YAML language servers read). It is the one
// validator of scenario files (Ajv, load.ts) and is published as packages/scenario/scenario.schema.json
// (`scenarioSchemaJson()`; a test checks the file is current and that it agrees with types.ts).
// Add to a scenario file's first line for editor completion:
//   # yaml-language-server: $schema=../packages/scenario/scenario.schema.json

const SCHEMA_ID = 'https://v2xsim.dev/schemas/scenario.schema.json';

type Json = Record<string, unknown>;

const obj = (properties: Record<string, Json>, extra: Json = {}): Json => ({ type: 'object', additionalProperties: false, properties, ...extra });
const num = (description: string, extra: Json = {}): Json => ({ type: 'number', description, ...extra });
const pct = (description: string): Json => num(description, { minimum: 0, maximum: 100 });
const str = (description: string, extra: Json = {}): Json => ({ type: 'string', description, minLength: 1, ...extra });
const bool = (description: string): Json => ({ type: 'boolean', description });
const nullableNum = (description: string, extra: Json = {}): Json => ({ type: ['number', 'null'], description, ...extra });

const processKind = { type: 'string', enum: ['ev', 'evse', 'csms', 'scsp'] };
const faultLink = { type: 'string', enum: ['ev-evse', 'evse-csms', 'csms-scsp'], description: 'EV→EVSE V2GTP (TCP), EVSE→CSMS OCPP WebSocket, CSMS↔SCSP OCPI HTTP' };

const pricePoint = obj({ startS: num('sim seconds from the run’s start', { minimum: 0 }), price: num('price per kWh') }, { required: ['startS', 'price'] });
const priceCurve = { type: 'array', minItems: 1, items: pricePoint };
const config = { type: 'object', description: 'more keys of the process’s own YAML configuration (docs/ev-evse.md), laid over the ones derived from the scenario', additionalProperties: true };

/** Step actions: each step has exactly one of these keys. */
export const STEP_ACTIONS: Record<string, Json> = {
  'plug-in': obj({ ev: str('the EV (default: the scenario’s EV)') }, { description: 'the EV plugs in: its process starts (an EV with a plug-in step starts there, not at the beginning)' }),
  unplug: obj({ ev: str('the EV') }, { description: 'the driver unplugs: the session ends normally and the EV leaves' }),
  stop: obj({ by: { type: 'string', enum: ['ev', 'evse'], description: 'the driver (ev) or the operator (evse)' } }, { required: ['by'], description: 'stop charging' }),
  'set-needs': obj(
    {
      targetSoc: pct('%'),
      minimumSoc: pct('%'),
      maximumSoc: pct('%'),
      departureS: nullableNum('sim seconds from now; null clears it', { minimum: 0 }),
    },
    { minProperties: 1, description: 'the driver changes the departure time or SoC targets: through the eMSP when the run has one (SCSP), else at the EV, which renegotiates' },
  ),
  'allow-discharge': obj({ allowed: bool('the driver allows discharging') }, { required: ['allowed'] }),
  'priority-charging': obj({ enabled: bool('charge as fast as possible') }, { required: ['enabled'], description: 'the driver asks for priority charging: the CSMS as FSP plans the session at its maximum (topology csms or site-ems; OCPI 2.2.1 has no priority flag)' }),
  discharge: obj({ setpointW: nullableNum('W, negative = discharge; null = none') }, { required: ['setpointW'], description: 'the operator’s power setpoint: at the CSMS (OCPP 2.1 CentralSetpoint) when it is the FSP, else at the EVSE (ISO 15118-20)' }),
  'set-limit': obj({ maxPowerW: nullableNum('W; null lifts the cap', { minimum: 0 }) }, { required: ['maxPowerW'], description: 'the site’s limit changes: at the CSMS when it (or a site EMS) is the FSP, else at the EVSE' }),
  'price-curve': obj(
    { curve: { ...priceCurve, description: 'startS: sim seconds from this step' } },
    { required: ['curve'], description: 'a new price curve at the SCSP from now on (needs stack.ocpi); as the FSP it plans again' },
  ),
  authorize: obj({}, { description: 'EIM: the driver is authorised at the EVSE' }),
  fault: obj(
    {
      link: faultLink,
      latencyMs: num('added latency per direction from now on, wall ms', { minimum: 0 }),
      jitterMs: num('random extra latency 0..jitterMs, wall ms', { minimum: 0 }),
      dropConnections: bool('close every connection on the link now'),
      holdMs: num('hold all traffic on the link for this long, wall ms (a one-off delay)', { minimum: 0 }),
    },
    { required: ['link'], minProperties: 2, description: 'change the fault proxy on a link' },
  ),
  kill: obj({ process: processKind }, { required: ['process'], description: 'SIGKILL a process the runner started' }),
  restart: obj({ process: processKind }, { required: ['process'], description: 'SIGKILL a process the runner started and start it again with the same flags and ports' }),
};

const ACTOR_REF = str('an actor id (ev, evse-1) or a role (EV, EVSE, CSMS, SCSP)');
const DATE_TIME = '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2}(\\.\\d+)?)?(Z|[+-]\\d{2}:?\\d{2})$';
const DICT_PROTOCOLS = ['iso15118-2', 'iso15118-20', 'din70121', 'ocpp1.6', 'ocpp2.0.1', 'ocpp2.1', 'ocpi2.2.1'];
const ROLES = ['EV', 'EVSE', 'CSMS', 'SCSP'];
const strOrList = (description: string, item: Json = { type: 'string', minLength: 1 }): Json => ({ description, oneOf: [item, { type: 'array', minItems: 1, items: item }] });
const scalar = { type: ['string', 'number', 'boolean'] };

/** A trace event predicate (@v2xsim/trace EventMatch). */
const EVENT_MATCH: Record<string, Json> = {
  actor: strOrList('actor id(s) as traced: ev, evse, csms, scsp'),
  role: strOrList('role(s) of the actor', { type: 'string', enum: ROLES }),
  link: faultLink,
  protocol: strOrList('iso15118-2, ocpp2.0.1, ocpi2.2.1 … or as traced (ocpp, ocpi)'),
  direction: { type: 'string', enum: ['tx', 'rx'] },
  message: strOrList('message name(s) as traced: PowerDeliveryReq, TransactionEventRequest, PUT /sessions/{session_id}/charging_preferences …'),
  messagePattern: str('a regular expression on the message name'),
  fields: {
    type: 'object',
    description: 'field values of the message element by .-separated path (ISO 15118: inside the message; OCPP: the payload; OCPI: the object); {exists: bool} for presence',
    additionalProperties: { oneOf: [scalar, { type: 'array', items: scalar }, obj({ exists: bool('the field is there') }, { required: ['exists'] })] },
  },
};
const eventMatch = (description: string): Json => obj(EVENT_MATCH, { description });

const filter = {
  protocol: str('iso15118-2, iso15118-20, din70121, ocpp2.0.1, … (as in the timing report)'),
  message: str('message key without Req/Res: CurrentDemand, DC_ChargeLoop, BootNotification, …'),
  measure: str('evcc-msg-timeout, secc-performance, secc-sequence, evcc-sequence, loop-interval, ocpp-call, …'),
};

/** Expectation kinds: each expectation has exactly one of these keys. */
export const EXPECTATIONS: Record<string, Json> = {
  session: obj(
    {
      ev: str('the EV'),
      ok: bool('complete and error-free'),
      stopReason: str('charging-complete, departure, driver, unplugged, evse'),
      protocol: str('iso2, iso20-dc-scale, …'),
      service: str('-20: DC, DC_BPT, AC, AC_BPT'),
      error: str('a regular expression the session’s error must match (a failure on purpose)'),
    },
    { description: 'the EV’s session summary' },
  ),
  journey: obj(
    {
      object: str('a data object id (docs/data-objects.md): evMaxChargePower, departureTime, chargedEnergy, …'),
      reaches: ACTOR_REF,
      from: str('only values whose source is this actor or role (SCSP: the eMSP’s departure time, not the EV’s own)'),
      via: { type: 'array', minItems: 1, items: { type: 'string', enum: DICT_PROTOCOLS }, description: 'the protocols the value travelled over, in order from the source (others may be between)' },
      withinMs: num('the first value arrives this soon after its source sent it, wall ms', { minimum: 0 }),
      reached: bool('false: the object must NOT reach the actor (a gap D2.3 states; the reason is shown)'),
    },
    { required: ['object', 'reaches'], description: 'the data object reaches the actor (or, with reached: false, does not)' },
  ),
  latency: obj(
    {
      id: str('an end-to-end latency: one of D2.3’s (departure-time-to-ev-schedule, scsp-profile-to-ev-schedule, csms-profile-to-ev-schedule, ev-needs-to-csms, ev-needs-to-scsp-active-profile, meter-values-to-scsp) or the scenario’s `latencies`'),
      min: { type: 'integer', minimum: 0, description: 'at least this many samples (default 1)' },
      max: { type: 'integer', minimum: 0, description: 'at most this many samples' },
      maxBelowMs: num('every sample below this, wall ms', { minimum: 0 }),
      p99BelowMs: num('p99 below this, wall ms', { minimum: 0 }),
      simMaxBelowS: num('every sample below this, sim s', { minimum: 0 }),
      noBreach: bool('no sample over the latency’s budgetMs'),
    },
    { required: ['id'], description: 'an end-to-end latency across links (D2.3 §11.3: nobody can estimate it for OCPP; the run measures it)' },
  ),
  events: obj(
    { ...EVENT_MATCH, min: { type: 'integer', minimum: 0, description: 'at least this many matching events (default 1)' }, max: { type: 'integer', minimum: 0, description: 'at most this many' } },
    { description: 'trace events that match: count them (e.g. TransactionEventRequest with offline: true received by the CSMS)' },
  ),
  transactions: obj(
    {
      count: { type: 'integer', minimum: 0, description: 'this many transactions at the CSMS' },
      ended: bool('every one ended'),
      complete: bool('no TransactionEvent seqNo missing (nothing lost)'),
      offline: bool('some events were queued while the station was offline (true) or none (false)'),
      iso15118SessionId: bool('the CSMS knows the ISO 15118 SessionID of each (SCALE customData) or not'),
      toleranceWh: num('each transaction’s energy (meter stop − start) against the EVSE’s meter, Wh (default 50)', { minimum: 0 }),
      tolerancePct: num('% of the energy (default 2)', { minimum: 0 }),
    },
    { description: 'what the CSMS stored at the end of the run (its control API transactions): nothing lost across restarts and outages' },
  ),
  timing: obj(
    { ...filter, noBreach: bool('no sample over its budget'), p99BelowMs: num('p99 below this, wall ms', { minimum: 0 }), maxBelowMs: num('every sample below this, wall ms', { minimum: 0 }) },
    { description: 'response times of the matching timing rows (all rows when no filter)' },
  ),
  breach: obj({ ...filter, min: { type: 'integer', minimum: 1, description: 'at least this many breaches (default 1)' } }, { description: 'a budget is broken on purpose (a fault scenario): at least `min` breaches match' }),
  soc: obj({ ev: str('the EV'), min: pct('%'), max: pct('%') }, { description: 'the EV’s SoC at the end' }),
  energy: obj(
    { ev: str('the EV'), chargedMinWh: num('Wh', { minimum: 0 }), chargedMaxWh: num('Wh', { minimum: 0 }), dischargedMinWh: num('Wh', { minimum: 0 }), dischargedMaxWh: num('Wh', { minimum: 0 }) },
    { description: 'energy the EV took (and gave back) at its inlet' },
  ),
  energyBalance: obj(
    { ev: str('the EV'), evse: str('the EVSE'), toleranceWh: num('Wh (default 50)', { minimum: 0 }), tolerancePct: num('% of the energy (default 2)', { minimum: 0 }) },
    { description: 'the EVSE’s meter (import and export) agrees with the EV’s inlet energy' },
  ),
  renegotiations: obj({ min: { type: 'integer', minimum: 0 }, max: { type: 'integer', minimum: 0 }, noBreach: bool('each within D2.3 §11.2’s 6 s / 7 s') }, { description: 'schedule renegotiations' }),
};

const oneKeyOf = (keys: readonly string[]): Json[] => keys.map((k) => ({ required: [k] }));

export const scenarioSchema: Json = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: SCHEMA_ID,
  title: 'v2xsim scenario',
  description: 'A v2xsim scenario: processes, protocol stack, parameters, timed steps, faults and expectations (docs/scenarios.md)',
  ...obj(
    {
      name: str('the scenario’s name (file names of its outputs)', { pattern: '^[A-Za-z0-9][A-Za-z0-9._-]*$' }),
      description: { type: 'string' },
      clock: obj({
        speed: num('sim seconds per wall second for every process (default 60)', { exclusiveMinimum: 0, maximum: 1e6 }),
        start: str('sim time at the run’s start, ISO 8601 with a zone (default: the wall time then); every process counts from it (sim epoch)', { pattern: DATE_TIME }),
      }),
      timeoutS: num('wall seconds before the run is abandoned (default 60)', { exclusiveMinimum: 0 }),
      endS: num('end the run at this sim second: the EVs are unplugged (default: when every EV has finished)', { exclusiveMinimum: 0 }),
      stack: obj(
        {
          iso15118: obj(
            {
              version: { type: 'string', enum: ['din70121', 'iso15118-2', 'iso15118-20'] },
              energy: { type: 'string', enum: ['DC', 'AC'], description: 'default DC' },
              scale: bool('offer the SCALE variant first, the standard one as fallback'),
              bpt: bool('ISO 15118-20 bidirectional power transfer'),
              controlMode: { type: 'string', enum: ['scheduled', 'dynamic'] },
              tls: bool('TLS (needs pki)'),
              pki: str('PKI folder (v2xsim pki init), relative to the scenario file; generate: a fresh one in the run’s folder'),
              payment: { type: 'string', enum: ['eim', 'pnc'], description: 'eim (default) or pnc: Plug & Charge (needs pki and tls)' },
            },
            { required: ['version'] },
          ),
          ocpp: obj(
            { version: { type: 'string', enum: ['1.6', '2.0.1', '2.1'] }, scale: bool('the SCALE customData (eu.scale-project) on TransactionEvent and NotifyEVChargingNeeds (2.0.1, 2.1)') },
            { required: ['version'], description: 'EVSE ↔ CSMS (a CSMS process)' },
          ),
          ocpi: obj({ version: { type: 'string', enum: ['2.2.1'] } }, { required: ['version'], description: 'CSMS ↔ SCSP (an SCSP process)' }),
        },
        { required: ['iso15118'], description: 'the protocol on each link' },
      ),
      topology: obj(
        {
          fsp: { type: 'string', enum: ['ev', 'evse', 'csms', 'site-ems', 'scsp'], description: 'who decides the schedule (D2.3 §11)' },
          policy: { type: 'string', enum: ['default', 'spread'], description: 'the CSMS’s policy as FSP: spread (each need until its departure; default for csms) or default (the site shared; default for site-ems)' },
        },
        { required: ['fsp'] },
      ),
      ev: obj({
        id: str('actor name (default ev)'),
        capacityWh: num('battery capacity', { exclusiveMinimum: 0 }),
        soc: pct('SoC at plug-in'),
        dcMaxPowerW: num('W', { exclusiveMinimum: 0 }),
        acMaxCurrentA: num('A', { exclusiveMinimum: 0 }),
        dischargeMaxPowerW: num('W', { minimum: 0 }),
        v2xBudgetWh: num('V2X warranty budget left, Wh', { minimum: 0 }),
        roundTripEfficiency: num('0..1', { exclusiveMinimum: 0, maximum: 1 }),
        loopMs: num('charge-loop cycle, wall ms', { minimum: 0 }),
        config,
      }),
      evse: obj({
        id: str('actor name (default evse)'),
        evseId: str('EVSEID'),
        dcMaxPowerW: num('W', { exclusiveMinimum: 0 }),
        dcMaxDischargePowerW: num('W', { minimum: 0 }),
        acMaxCurrentA: num('A', { exclusiveMinimum: 0 }),
        authorization: { description: 'auto, manual, or a delay in wall ms', oneOf: [{ type: 'string', enum: ['auto', 'manual'] }, { type: 'number', exclusiveMinimum: 0 }] },
        config,
      }),
      site: obj({
        ean: str('grid connection point'),
        maxPowerW: num('the site’s limit at the EVSE, W', { minimum: 0 }),
        schedule: {
          type: 'array',
          minItems: 1,
          items: obj({ startS: num('sim seconds from the session start', { minimum: 0 }), pMaxW: num('W', { minimum: 0 }), durationS: num('s', { exclusiveMinimum: 0 }) }, { required: ['startS', 'pMaxW'] }),
        },
      }),
      tariff: obj({ currency: str('ISO 4217'), priceCurve }),
      driver: obj({
        targetSoc: pct('%'),
        minimumSoc: pct('%'),
        maximumSoc: pct('%'),
        departureS: num('sim seconds after plug-in', { exclusiveMinimum: 0 }),
        dischargeAllowed: bool('the driver allows discharging'),
      }),
      processes: obj(Object.fromEntries(['ev', 'evse', 'csms', 'scsp'].map((k) => [k, obj({ args: { type: 'array', items: { type: 'string' }, description: `extra flags for v2xsim ${k}` } })]))),
      attach: obj(Object.fromEntries(['ev', 'evse', 'csms', 'scsp'].map((k) => [k, str(`control API URL of a running ${k} (http://host:port)`, { pattern: '^https?://' })]))),
      faults: obj(Object.fromEntries(['ev-evse', 'evse-csms', 'csms-scsp'].map((k) => [k, obj({ latencyMs: num('wall ms per direction', { minimum: 0 }), jitterMs: num('wall ms', { minimum: 0 }) })]))),
      steps: {
        type: 'array',
        description: 'timed steps, each with exactly one action',
        items: obj(
          {
            name: str('shown in the progress and the report'),
            at: num('sim seconds from the start, or from `after`', { minimum: 0 }),
            after: obj({ actor: str('actor id'), message: str('message name: DC_ChargeLoopReq, CurrentDemandReq, …'), direction: { type: 'string', enum: ['tx', 'rx'] } }, { required: ['message'], description: 'count `at` from the first trace event that matches' }),
            ...STEP_ACTIONS,
          },
          { oneOf: oneKeyOf(Object.keys(STEP_ACTIONS)) },
        ),
      },
      latencies: {
        type: 'array',
        description: 'end-to-end latencies of this scenario besides D2.3’s; an expectation `latency` names them by id',
        items: obj(
          {
            id: str('its name', { pattern: '^[A-Za-z0-9][A-Za-z0-9._-]*$' }),
            label: str('what it measures'),
            from: eventMatch('the event that starts a sample'),
            to: eventMatch('the next event that ends it'),
            measureFrom: { type: 'string', enum: ['first', 'last'], description: 'several `from`s before a `to`: measure from the first (default) or the last' },
            withinMs: num('a `from` with no `to` within this is unmatched, wall ms', { exclusiveMinimum: 0 }),
            budgetMs: num('a sample above this is a breach, wall ms', { exclusiveMinimum: 0 }),
          },
          { required: ['id', 'from', 'to'] },
        ),
      },
      expect: {
        type: 'array',
        description: 'expectations, checked at the end; any failure → exit 1',
        items: obj({ name: str('shown in the report and in JUnit'), ...EXPECTATIONS }, { oneOf: oneKeyOf(Object.keys(EXPECTATIONS)) }),
      },
    },
    { required: ['name', 'stack'] },
  ),
};

/** The published file's text. */
export function scenarioSchemaJson(): string {
  return `${JSON.stringify(scenarioSchema, null, 2)}\n`;
}
