// What the dashboard knows: the trace events of every followed process (a bounded ring), and the
// charging sessions derived from the processes' /health samples and the EV's received schedules.
// A session is an ISO 15118 SessionID: the EV's and the EVSE's samples go to the session their
// /health names; x is sim seconds since the session's first sample of each process (both run their
// sim clock at the same speed).
import type { TraceEvent } from '@v2xsim/trace';
import { scheduleOf, type ReceivedSchedule } from './schedules.js';

export type Point = [number, number];

export interface PricePoint {
  /** sim time, ms since the epoch, from which the price holds */
  time: number;
  /** currency per kWh */
  price: number;
}

export interface SessionSeries {
  soc: Point[];
  evPowerW: Point[];
  evseOutputW: Point[];
  setpointW: Point[];
  limitW: Point[];
  price: Point[];
}

/** What a session is, as the dashboard shows it (the state keeps these, the view sends them). */
export interface SessionFacts {
  id: string;
  ev?: string;
  evse?: string;
  protocol?: string;
  service?: string;
  controlMode?: string;
  live: boolean;
  soc?: number;
  powerW?: number;
  energyWh?: number;
  dischargedWh?: number;
  dischargeAllowed?: boolean;
  needs?: Record<string, unknown>;
  setpointW?: number;
  limitW?: number;
  stationId?: string;
  transactionId?: string;
  stopReason?: string;
}

export interface Session extends SessionFacts {
  startedAt: number;
  updatedAt: number;
  series: SessionSeries;
  /** every schedule the EV received, in order; each after the first is a renegotiation */
  schedules: (ReceivedSchedule & { atS: number })[];
  /** sim ms of the first sample of each process in this session */
  x0: Record<string, number>;
  /** bumped on every change (the views re-render what changed) */
  version: number;
}

export interface StateOptions {
  /** events kept (default 20 000) */
  maxEvents?: number;
  /** sessions kept, live ones first (default 12) */
  maxSessions?: number;
  /** points kept per series (default 1500; older ones thinned) */
  maxPoints?: number;
  prices?: readonly PricePoint[];
}

export interface StoredEvent extends TraceEvent {
  seq: number;
}

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
/** an ISO 15118 SessionID that names a session: not the all-zero one an EV sends before SessionSetupRes */
const sessionIdOf = (v: unknown): string | undefined => (typeof v === 'string' && !/^0*$/.test(v) ? v : undefined);
const simMs = (h: Record<string, unknown>): number | undefined => {
  const t = typeof h.simTime === 'string' ? Date.parse(h.simTime) : NaN;
  return Number.isFinite(t) ? t : undefined;
};

export class DashboardState {
  readonly events: StoredEvent[] = [];
  readonly sessions = new Map<string, Session>();
  seq = 0;
  private readonly prices: PricePoint[];

  constructor(private readonly opts: StateOptions = {}) {
    this.prices = [...(opts.prices ?? [])].sort((a, b) => a.time - b.time);
  }

  priceAt(simTime: number): number | undefined {
    let p: number | undefined;
    for (const x of this.prices) {
      if (x.time > simTime) break;
      p = x.price;
    }
    return p;
  }

  addEvent(e: TraceEvent): StoredEvent {
    const stored: StoredEvent = { ...e, seq: ++this.seq };
    this.events.push(stored);
    const max = this.opts.maxEvents ?? 20_000;
    if (this.events.length > max) this.events.splice(0, this.events.length - max);
    // the schedules the EV received
    if (e.direction === 'rx' && e.link === 'ev-evse' && sessionIdOf(e.correlationId)) {
      const schedule = scheduleOf(e);
      if (schedule) {
        const s = this.session(e.correlationId!, e.ts);
        s.ev ??= e.actor;
        const x0 = (s.x0[e.actor] ??= e.simTime ?? 0);
        s.schedules.push({ ...schedule, atS: e.simTime !== undefined ? (e.simTime - x0) / 1000 : 0 });
        s.version++;
      }
    }
    return stored;
  }

  /** the events after `seq` (for a client that has seen up to it) */
  since(seq: number): StoredEvent[] {
    const i = this.events.findIndex((e) => e.seq > seq);
    return i < 0 ? [] : this.events.slice(i);
  }

  private session(id: string, now: number): Session {
    let s = this.sessions.get(id);
    if (!s) {
      s = { id, live: true, startedAt: now, updatedAt: now, series: { soc: [], evPowerW: [], evseOutputW: [], setpointW: [], limitW: [], price: [] }, schedules: [], x0: {}, version: 0 };
      this.sessions.set(id, s);
      this.trimSessions();
    }
    return s;
  }

  private trimSessions(): void {
    const max = this.opts.maxSessions ?? 12;
    if (this.sessions.size <= max) return;
    const ended = [...this.sessions.values()].filter((x) => !x.live).sort((a, b) => a.updatedAt - b.updatedAt);
    for (const s of ended.slice(0, this.sessions.size - max)) this.sessions.delete(s.id);
  }

  private push(series: Point[], p: Point): void {
    series.push(p);
    const max = this.opts.maxPoints ?? 1500;
    // thin the older half when full: the recent past keeps its resolution
    if (series.length > max) {
      const half = Math.floor(series.length / 2);
      const thinned = series.slice(0, half).filter((_, i) => i % 2 === 0);
      series.splice(0, half, ...thinned);
    }
  }

  /** one /health answer of an EV or an EVSE */
  onHealth(actor: string, kind: string, h: Record<string, unknown>, now = Date.now()): void {
    if (kind === 'ev') this.onEvHealth(actor, h, now);
    else if (kind === 'evse') this.onEvseHealth(actor, h, now);
  }

  private onEvHealth(actor: string, h: Record<string, unknown>, now: number): void {
    const id = sessionIdOf(h.sessionId);
    const inSession = h.state === 'in-session' && id !== undefined;
    // sessions of this EV that are no longer the current one have ended
    for (const s of this.sessions.values()) {
      if (s.ev === actor && s.live && (!inSession || s.id !== id)) this.end(s, now, str(h.stopReason));
    }
    if (!inSession) return;
    const s = this.session(id, now);
    s.ev = actor;
    s.protocol = str(h.protocol) ?? s.protocol;
    s.service = str(h.service) ?? s.service;
    s.controlMode = str(h.controlMode) ?? s.controlMode;
    s.soc = num(h.soc);
    s.powerW = num(h.powerW);
    s.energyWh = num(h.sessionEnergyWh);
    s.dischargedWh = num(h.sessionDischargedWh);
    s.dischargeAllowed = typeof h.dischargeAllowed === 'boolean' ? h.dischargeAllowed : s.dischargeAllowed;
    s.needs = (h.needs as Record<string, unknown> | undefined) ?? s.needs;
    s.updatedAt = now;
    const t = simMs(h);
    if (t !== undefined) {
      const x = (t - (s.x0[actor] ??= t)) / 1000;
      if (s.soc !== undefined) this.push(s.series.soc, [x, s.soc]);
      if (s.powerW !== undefined) this.push(s.series.evPowerW, [x, s.powerW]);
      const price = this.priceAt(t);
      if (price !== undefined) this.push(s.series.price, [x, price]);
    }
    s.version++;
  }

  private onEvseHealth(actor: string, h: Record<string, unknown>, now: number): void {
    const id = sessionIdOf(h.sessionId);
    const state = str(h.state);
    if (id === undefined || state === 'idle') return;
    const s = this.sessions.get(id) ?? (this.session(id, now));
    if (!s.live) return;
    s.evse = actor;
    s.protocol ??= str(h.protocol);
    s.setpointW = num(h.setpointW);
    s.limitW = num((h.limits as Record<string, unknown> | undefined)?.maxPowerW);
    const station = (h.ocpp as { station?: { id?: unknown; transactionId?: unknown } } | undefined)?.station;
    s.stationId = str(station?.id) ?? s.stationId;
    s.transactionId = str(station?.transactionId) ?? s.transactionId;
    s.updatedAt = now;
    const t = simMs(h);
    if (t !== undefined) {
      const x = (t - (s.x0[actor] ??= t)) / 1000;
      const out = num(h.presentPowerW);
      if (out !== undefined) this.push(s.series.evseOutputW, [x, out]);
      if (s.setpointW !== undefined) this.push(s.series.setpointW, [x, s.setpointW]);
      if (s.limitW !== undefined) this.push(s.series.limitW, [x, s.limitW]);
    }
    s.version++;
  }

  /** an EV that went away ends its live sessions */
  onOffline(actor: string, now = Date.now()): void {
    for (const s of this.sessions.values()) if (s.ev === actor && s.live) this.end(s, now);
  }

  private end(s: Session, now: number, stopReason?: string): void {
    s.live = false;
    s.updatedAt = now;
    if (stopReason) s.stopReason = stopReason;
    s.version++;
    this.trimSessions();
  }

  /** live sessions first, then the most recent */
  sessionList(): Session[] {
    return [...this.sessions.values()].sort((a, b) => Number(b.live) - Number(a.live) || b.startedAt - a.startedAt);
  }
}
