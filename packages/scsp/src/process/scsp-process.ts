// The SCSP process (`v2xsim scsp`): the OCPI party (SCSP + eMSP) on its HTTP server, the
// day-ahead prices, the sim clock, a trace of every OCPI message, and the control API. It runs
// until stopped.
import { readFile } from 'node:fs/promises';
import { ConfigError, ControlActionError, SimClock, TraceHub, simClockStart, startControlApi, type ControlAction, type ControlApi } from '@v2xsim/process';
import { pinoSink, Tracer, type TraceSink } from '@v2xsim/trace';
import { parseOcpiDateTime } from '@v2xsim/ocpi';
import { parsePriceFile, parsePriceJson, PriceFileError } from '../optimiser/prices.js';
import { priceHorizon } from '../optimiser/slots.js';
import type { PriceSeries } from '../optimiser/types.js';
import type { DriverPreferences } from '../ocpi/drivers.js';
import { ScspError, ScspParty, type ScheduleRecord, type SessionRecord } from '../ocpi/party.js';
import type { ScspProcessConfig } from './config.js';

export interface ProcessIo {
  /** machine-readable output (stdout): one JSON line per schedule */
  out(line: string): void;
  /** human-readable output (stderr): the banner, one line per event, warnings */
  log(line: string): void;
}

const bracket = (host: string): string => (host.includes(':') ? `[${host}]` : host);
const round = (v: number, digits = 3): number => Math.round(v * 10 ** digits) / 10 ** digits;

/** A price file read and parsed; ConfigError (path prices.file) when it cannot be. */
export async function loadPrices(file: string, currency?: string): Promise<PriceSeries> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new ConfigError([{ path: 'prices.file', message: `cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}` }]);
  }
  try {
    return parsePriceFile(file, text, currency);
  } catch (e) {
    if (e instanceof PriceFileError) throw new ConfigError([{ path: 'prices.file', message: `${file}: ${e.message}` }]);
    throw e;
  }
}

/** A schedule in short, for /health, actions and stdout. */
export function scheduleSummary(r: ScheduleRecord): Record<string, unknown> {
  const s = r.schedule;
  return {
    computedAt: r.computedAt,
    status: s.status,
    method: s.method,
    requestedWh: round(s.requestedWh),
    energyWh: round(s.energyWh),
    chargedWh: round(s.chargedWh),
    dischargedWh: round(s.dischargedWh),
    cost: round(s.cost, 4),
    ...(s.currency ? { currency: s.currency } : {}),
    periods: s.periods.map((p) => ({ start: new Date(p.start).toISOString(), end: new Date(p.end).toISOString(), powerW: round(p.powerW, 1) })),
    chargingProfile: r.ocpi.profile,
    ...(r.ocpi.notCarried.length > 0
      ? { notCarriedByOcpi: { reason: 'OCPI 2.2.1 ChargingProfile limits cannot be negative: discharge periods sent as 0 W', periods: r.ocpi.notCarried.length, energyWh: round(r.ocpi.notCarriedWh) } }
      : {}),
    sources: r.sources,
    notes: s.notes,
    ...(r.outcome ? { outcome: r.outcome } : {}),
  };
}

function sessionSummary(rec: SessionRecord): Record<string, unknown> {
  const last = rec.schedules[rec.schedules.length - 1];
  return {
    id: rec.session.id,
    status: rec.session.status,
    kwh: rec.session.kwh,
    token: rec.session.cdr_token.uid,
    ...(rec.preferences ? { preferences: rec.preferences } : {}),
    ...(rec.preferencesResult ? { preferencesResult: rec.preferencesResult } : {}),
    ...(rec.baselineResult ? { activeProfileResult: rec.baselineResult } : {}),
    schedules: rec.schedules.length,
    ...(last ? { schedule: scheduleSummary(last) } : {}),
    ...(rec.cleared ? { cleared: rec.cleared } : {}),
  };
}

export class ScspProcess {
  readonly clock: SimClock;
  readonly tracer: Tracer;
  readonly hub = new TraceHub();
  readonly party: ScspParty;
  private control: ControlApi | undefined;
  private ocpiUrl: string | undefined;
  private closing: Promise<void> | undefined;
  /** settles when the registration given in the configuration is done (or has failed) */
  registration: Promise<void> = Promise.resolve();

  private constructor(
    readonly config: ScspProcessConfig,
    readonly prices: PriceSeries,
    private readonly io: ProcessIo,
  ) {
    // on the shared sim time line when there is an epoch (@v2xsim/process sim-epoch.ts)
    const start = simClockStart({ speed: config.clock.speed, ...(config.clock.start ? { start: parseOcpiDateTime(config.clock.start).getTime() } : {}), ...(config.clock.epoch ? { epoch: config.clock.epoch } : {}) });
    this.clock = new SimClock({ speed: config.clock.speed, ...(start !== undefined ? { start } : {}), unref: true });
    const sinks: TraceSink[] = [this.hub];
    if (config.trace) sinks.push(pinoSink(config.trace));
    this.tracer = new Tracer({ actor: config.id, link: 'csms-scsp', sinks, simNow: () => this.clock.now() });
    this.party = new ScspParty({
      party: config.party,
      now: () => this.clock.now(),
      prices,
      drivers: config.drivers,
      ...(config.driver ? { defaultDriver: config.driver } : {}),
      ...(config.site.capacityW !== undefined ? { siteCapacityW: config.site.capacityW } : {}),
      ac: config.ac,
      ...(config.optimiser.maxSlotS !== undefined ? { maxSlotS: config.optimiser.maxSlotS } : {}),
      autoOptimise: config.optimiser.autoOptimise,
      resultTimeoutMs: config.resultTimeoutS * 1000,
      retry: config.retry,
      tracer: this.tracer,
      log: (line) => io.log(line.replace(/^scsp:/, `${config.id}:`)),
      ...(config.publicUrl ? { publicOrigin: config.publicUrl } : {}),
      onSchedule: (sessionId, r) => io.out(JSON.stringify({ sessionId, ...scheduleSummary(r) })),
    });
  }

  /** Reads the prices, opens the OCPI server and the control API, prints the banner, starts registering. */
  static async start(config: ScspProcessConfig, io: ProcessIo): Promise<ScspProcess> {
    const prices = await loadPrices(config.prices.file, config.prices.currency);
    const p = new ScspProcess(config, prices, io);
    try {
      const listening = await p.party.platform.listen({ host: config.listen.host, port: config.listen.port }).catch((e: unknown) => {
        throw new Error(`OCPI: cannot listen on ${bracket(config.listen.host)}:${config.listen.port}: ${e instanceof Error ? e.message : String(e)}`);
      });
      p.ocpiUrl = listening.url;
      p.control = await startControlApi({ host: config.control.host, port: config.control.port, health: () => p.health(), actions: p.actions(), trace: p.hub });
    } catch (e) {
      await p.close();
      throw e;
    }
    io.log(p.banner());
    if (config.cpo) {
      const { versionsUrl, tokenA } = config.cpo;
      p.registration = p.party.register(versionsUrl, tokenA).then(
        () => undefined,
        () => undefined, // logged by the party; /health tells, the register action tries again
      );
    }
    return p;
  }

  get versionsUrl(): string {
    return this.party.platform.versionsUrl;
  }

  get controlUrl(): string | undefined {
    return this.control?.url;
  }

  banner(): string {
    const c = this.config;
    const pts = this.prices.points;
    return (
      `v2xsim scsp ready: id=${c.id} party=${c.party.countryCode}*${c.party.partyId} roles=SCSP,EMSP ocpi=${this.versionsUrl} control=${this.control?.url ?? '-'} ` +
      `cpo=${c.cpo?.versionsUrl ?? '-'} prices=${pts.length}@${new Date(pts[0].start).toISOString()}..${new Date(priceHorizon(this.prices)).toISOString()}${this.prices.currency ? ` ${this.prices.currency}` : ''} ` +
      `drivers=${c.drivers.length + (c.driver ? 1 : 0)} auto=${c.optimiser.autoOptimise ? 'on' : 'off'} speed=${c.clock.speed}`
    );
  }

  health(): Record<string, unknown> {
    const reg = this.party.registration;
    return {
      status: 'ok',
      actor: this.config.id,
      role: 'scsp',
      party: `${this.config.party.countryCode}*${this.config.party.partyId}`,
      ocpi: this.ocpiUrl ? this.versionsUrl : undefined,
      cpo:
        reg.status === 'registered'
          ? { status: reg.status, versionsUrl: reg.versionsUrl, version: reg.peer.version, roles: reg.peer.roles?.map((r) => `${r.role} ${r.country_code}*${r.party_id}`) }
          : reg,
      sessions: [...this.party.sessions.values()].map(sessionSummary),
      cdrs: [...this.party.cdrs.values()].map((c) => ({ id: c.id, sessionId: c.session_id, kwh: c.total_energy, cost: c.total_cost.excl_vat, currency: c.currency })),
      tokens: this.party.tokens.map((t) => t.uid),
      ...this.party.locations.counts(),
      prices: { points: this.prices.points.length, from: new Date(this.prices.points[0].start).toISOString(), to: new Date(priceHorizon(this.prices)).toISOString(), ...(this.prices.currency ? { currency: this.prices.currency } : {}) },
      simTime: new Date(this.clock.now()).toISOString(),
    };
  }

  private session(sessionId: string): SessionRecord {
    const rec = this.party.sessions.get(sessionId);
    if (!rec) throw new ControlActionError(404, `unknown session ${sessionId}; known: ${[...this.party.sessions.keys()].join(', ') || 'none'}`);
    return rec;
  }

  /** ScspError → 409 (the request could not be done now), with the CPO's status_code */
  private async refusing<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      if (e instanceof ScspError) throw new ControlActionError(409, `${e.message}${e.statusCode !== undefined && !e.message.includes('status_code') ? ` (status_code ${e.statusCode})` : ''}`);
      throw e;
    }
  }

  private actions(): ControlAction[] {
    const sessionIdProp = { sessionId: { type: 'string', minLength: 1, description: 'the CPO’s Session.id' } };
    return [
      {
        name: 'register',
        description: 'register with a CPO: its versions URL and the CREDENTIALS_TOKEN_A it handed over (credentials handshake)',
        body: { type: 'object', additionalProperties: false, required: ['versionsUrl', 'tokenA'], properties: { versionsUrl: { type: 'string', pattern: '^https?://' }, tokenA: { type: 'string', pattern: '^[\\x21-\\x7e]{1,64}$' } } },
        run: (body: { versionsUrl: string; tokenA: string }) =>
          this.refusing(async () => {
            const status = this.party.registration.status;
            if (status === 'registered' || status === 'registering') throw new ControlActionError(409, status === 'registered' ? 'already registered with a CPO' : 'a registration is under way');
            const peer = await this.party.register(body.versionsUrl, body.tokenA);
            return { version: peer.version, roles: peer.roles?.map((r) => `${r.role} ${r.country_code}*${r.party_id}`) ?? [] };
          }),
      },
      {
        name: 'set-preferences',
        description: 'the driver changes departure time, energy need, discharge allowed or profile type of a session: PUT charging_preferences to the CPO, then (optimise, default: as autoOptimise) a new schedule',
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['sessionId'],
          properties: {
            ...sessionIdProp,
            profileType: { type: 'string', enum: ['CHEAP', 'FAST', 'GREEN', 'REGULAR'] },
            departureTime: { type: 'string', format: 'date-time' },
            departureAfterS: { type: 'number', exclusiveMinimum: 0 },
            energyNeedKwh: { type: 'number', minimum: 0 },
            dischargeAllowed: { type: 'boolean' },
            optimise: { type: 'boolean' },
          },
        },
        run: (body: Partial<DriverPreferences> & { sessionId: string; optimise?: boolean }) =>
          this.refusing(async () => {
            this.session(body.sessionId);
            const { sessionId, optimise, ...change } = body;
            return this.party.enqueue(sessionId, async () => {
              const rec = this.session(sessionId);
              const allowedBefore = rec.preferences?.dischargeAllowed === true;
              const preferences = this.party.updatePreferences(sessionId, change);
              const result = await this.party.sendPreferences(sessionId);
              // discharge withdrawn: the V2G profile goes at once (a new one follows when optimising)
              const withdrawn = allowedBefore && preferences.dischargeAllowed !== true && rec.profileInForce === true;
              const cleared = withdrawn ? await this.party.clearProfile(sessionId, 'discharge withdrawn by the driver') : undefined;
              const reoptimise = optimise ?? this.config.optimiser.autoOptimise;
              const record = reoptimise ? await this.party.optimiseSession(sessionId) : undefined;
              return { preferences, chargingPreferences: this.party.chargingPreferencesOf(rec), result, ...(cleared ? { cleared } : {}), ...(record ? { schedule: scheduleSummary(record) } : {}) };
            });
          }),
      },
      {
        name: 'set-prices',
        description: 'the day-ahead prices change: a new price curve replaces the prices; with optimise (default: as autoOptimise) every active session with preferences gets a new schedule',
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['prices'],
          properties: {
            prices: {
              type: 'array',
              minItems: 1,
              items: { type: 'object', additionalProperties: false, required: ['time', 'price'], properties: { time: { type: 'string' }, price: { type: 'number' }, export_price: { type: 'number' } } },
            },
            currency: { type: 'string', pattern: '^[A-Z]{3}$' },
            optimise: { type: 'boolean' },
          },
        },
        run: async (body: { prices: { time: string; price: number; export_price?: number }[]; currency?: string; optimise?: boolean }) => {
          let series: PriceSeries;
          try {
            series = parsePriceJson(JSON.stringify({ prices: body.prices, ...(body.currency ? { currency: body.currency } : {}) }));
          } catch (e) {
            if (e instanceof PriceFileError) throw new ControlActionError(400, e.message);
            throw e;
          }
          // the party plans with this same object: replaced in place
          Object.assign(this.prices, { currency: this.prices.currency, lastStepMs: undefined }, series);
          const schedules: Record<string, unknown>[] = [];
          if (body.optimise ?? this.config.optimiser.autoOptimise) {
            for (const rec of this.party.sessions.values()) {
              if (rec.session.status !== 'ACTIVE' || !rec.preferences) continue;
              const id = rec.session.id;
              try {
                schedules.push({ sessionId: id, ...scheduleSummary(await this.party.enqueue(id, () => this.party.optimiseSession(id))) });
              } catch (e) {
                schedules.push({ sessionId: id, error: e instanceof Error ? e.message : String(e) });
              }
            }
          }
          return { points: this.prices.points.length, from: new Date(this.prices.points[0].start).toISOString(), to: new Date(priceHorizon(this.prices)).toISOString(), schedules };
        },
      },
      {
        name: 'optimise',
        description: 're-optimise a session: read the active profile (first time), compute the schedule, PUT it as a charging profile and wait for the result',
        body: { type: 'object', additionalProperties: false, required: ['sessionId'], properties: sessionIdProp },
        run: (body: { sessionId: string }) =>
          this.refusing(async () => {
            this.session(body.sessionId);
            return { schedule: scheduleSummary(await this.party.enqueue(body.sessionId, () => this.party.optimiseSession(body.sessionId))) };
          }),
      },
      {
        name: 'clear-profile',
        description: 'clear the SCSP’s charging profile of a session (DELETE chargingprofiles): the CPO goes back to its own planning; waits for the ClearProfileResult',
        body: { type: 'object', additionalProperties: false, required: ['sessionId'], properties: sessionIdProp },
        run: (body: { sessionId: string }) =>
          this.refusing(async () => {
            this.session(body.sessionId);
            return { cleared: await this.party.enqueue(body.sessionId, () => this.party.clearProfile(body.sessionId, 'clear-profile action')) };
          }),
      },
      {
        name: 'session',
        description: 'one session in full: the Session object as the CPO pushed it, preferences, the limits read from the active profile, every schedule',
        body: { type: 'object', additionalProperties: false, required: ['sessionId'], properties: sessionIdProp },
        run: (body: { sessionId: string }) => {
          const rec = this.session(body.sessionId);
          return {
            session: rec.session,
            ...(rec.preferences ? { preferences: rec.preferences, chargingPreferences: this.party.chargingPreferencesOf(rec) } : {}),
            ...(rec.baseline ? { activeProfileLimits: rec.baseline } : {}),
            ...(rec.activeProfile ? { activeProfile: rec.activeProfile } : {}),
            schedules: rec.schedules.map(scheduleSummary),
            profileInForce: rec.profileInForce === true,
            ...(rec.cleared ? { cleared: rec.cleared } : {}),
          };
        },
      },
    ];
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      await this.control?.close();
      await this.party.close();
      this.clock.stop();
      await this.tracer.close();
    })();
    return this.closing;
  }
}
