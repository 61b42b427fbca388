// What the page shows, rendered on the server with the scenario report's SVG pieces (lineChart,
// sequenceDiagram) and @v2xsim/trace's analysis: per session its SoC, power/setpoint/schedule and
// price plots; the data journeys of the recent events as sequence diagrams; the timing table
// against the ISO 15118 budgets, breaches first.
import { V2G_TIMING } from '@v2xsim/iso15118';
import { lineChart, sequenceDiagram, type Series } from '@v2xsim/scenario';
import { analysis, type TraceEvent } from '@v2xsim/trace';
import type { Point, Session, SessionFacts } from './state.js';

const COLORS = { ev: '#2a62c9', evse: '#d9480f', setpoint: '#2b8a3e', limit: '#862e9c', schedule: '#c92a2a', price: '#5f3dc4' };

const series = (name: string, points: Point[], color: string, step = false): Series[] => (points.length ? [{ name, points, color, step }] : []);

/** the latest schedule as steps from its receipt to its last entry (the end held for a while) */
function schedulePoints(s: Session): Point[] {
  const last = s.schedules[s.schedules.length - 1];
  if (!last) return [];
  const xEnd = Math.max(...s.series.evPowerW.map((p) => p[0]), last.atS + 60);
  const pts: Point[] = [];
  for (const e of last.entries) {
    const x = last.atS + e.startS;
    if (x > xEnd) break;
    pts.push([x, e.powerW]);
  }
  if (pts.length) pts.push([xEnd, pts[pts.length - 1][1]]);
  return pts;
}

export interface SessionView extends SessionFacts {
  /** samples of the EV's power so far (the curve grows) */
  powerPoints: number;
  schedules: { atS: number; message: string; entries: { startS: number; powerW: number }[]; discharging?: { startS: number; powerW: number }[] }[];
  renegotiations: number;
  charts: { soc: string; power: string; price: string };
  version: number;
}

export function sessionView(s: Session): SessionView {
  const power = [
    ...series('EV power W', s.series.evPowerW, COLORS.ev),
    ...series('EVSE output W', s.series.evseOutputW, COLORS.evse),
    ...series('setpoint W', s.series.setpointW, COLORS.setpoint, true),
    ...series('limit W', s.series.limitW, COLORS.limit, true),
    ...series('schedule W', schedulePoints(s), COLORS.schedule, true),
  ];
  const markers = s.schedules.slice(1).map((x, i) => ({ x: x.atS, label: `reneg. ${i + 1}` }));
  const size = { width: 560, height: 190 };
  return {
    id: s.id,
    ...(s.ev ? { ev: s.ev } : {}),
    ...(s.evse ? { evse: s.evse } : {}),
    ...(s.protocol ? { protocol: s.protocol } : {}),
    ...(s.service ? { service: s.service } : {}),
    ...(s.controlMode ? { controlMode: s.controlMode } : {}),
    live: s.live,
    ...(s.soc !== undefined ? { soc: s.soc } : {}),
    ...(s.powerW !== undefined ? { powerW: s.powerW } : {}),
    ...(s.energyWh !== undefined ? { energyWh: s.energyWh } : {}),
    ...(s.dischargedWh !== undefined ? { dischargedWh: s.dischargedWh } : {}),
    ...(s.dischargeAllowed !== undefined ? { dischargeAllowed: s.dischargeAllowed } : {}),
    ...(s.needs ? { needs: s.needs } : {}),
    ...(s.setpointW !== undefined ? { setpointW: s.setpointW } : {}),
    ...(s.limitW !== undefined ? { limitW: s.limitW } : {}),
    ...(s.stationId ? { stationId: s.stationId } : {}),
    ...(s.transactionId ? { transactionId: s.transactionId } : {}),
    ...(s.stopReason ? { stopReason: s.stopReason } : {}),
    powerPoints: s.series.evPowerW.length,
    schedules: s.schedules.map((x) => ({ atS: Math.round(x.atS * 10) / 10, message: x.message, entries: x.entries, ...(x.discharging ? { discharging: x.discharging } : {}) })),
    renegotiations: Math.max(0, s.schedules.length - 1),
    charts: {
      soc: lineChart({ title: 'State of charge', yLabel: '%', series: series('EV SoC %', s.series.soc, COLORS.ev), ...size }),
      power: lineChart({ title: 'Power', yLabel: 'W', series: power, markers, ...size }),
      price: lineChart({ title: 'Price', yLabel: '/kWh', series: series('price', s.series.price, COLORS.price, true), ...size }),
    },
    version: s.version,
  };
}

export interface TimingView {
  rows: { protocol: string; message: string; measure: string; n: number; p50: number; p99: number; max: number; budget?: string; budgetMs?: number; breaches: number; actors: string[] }[];
  breaches: { ts: number; actor: string; protocol: string; message: string; measure: string; elapsedMs: number; budget: string; budgetMs: number }[];
  renegotiations: { actor: string; protocol: string; elapsedMs: number; breach: boolean }[];
  events: number;
}

const r2 = (x: number): number => Math.round(x * 100) / 100;

export function timingView(events: readonly TraceEvent[]): TimingView {
  const t = analysis.timingReport(events, V2G_TIMING);
  const rows = [...t.rows]
    .sort((a, b) => b.breaches - a.breaches || a.protocol.localeCompare(b.protocol) || a.message.localeCompare(b.message) || a.kind.localeCompare(b.kind))
    .map((r) => ({
      protocol: r.protocol,
      message: r.message,
      measure: r.kind,
      n: r.stats.count,
      p50: r2(r.stats.p50),
      p99: r2(r.stats.p99),
      max: r2(r.stats.max),
      ...(r.budget ? { budget: r.budget.name, budgetMs: r.budget.ms } : {}),
      breaches: r.breaches,
      actors: r.actors,
    }));
  return {
    rows,
    breaches: t.breaches.slice(-200).map((b) => ({ ts: b.ts, actor: b.actor, protocol: b.protocol, message: b.message, measure: b.kind, elapsedMs: r2(b.elapsedMs), budget: b.budget.name, budgetMs: b.budget.ms })),
    renegotiations: t.renegotiations.map((x) => ({ actor: x.actor, protocol: x.protocol, elapsedMs: r2(x.elapsedMs), breach: x.breachTimeout || x.breachPerformance })),
    events: events.length,
  };
}

export interface JourneyView {
  object: string;
  label: string;
  unit: string;
  hops: number;
  reached: { actor: string; how: string; delayMs?: number }[];
  gaps: { link: string; kind: string; reason: string }[];
  svg: string;
}

export function journeysView(events: readonly TraceEvent[], batteryCapacityWh?: number): { journeys: JourneyView[]; silent: string[]; events: number } {
  const ordered = analysis.timeOrder(events).map((i) => events[i]);
  const report = analysis.journeys(ordered, batteryCapacityWh ? { context: { batteryCapacityWh } } : {});
  const travelled = report.journeys.filter((j) => j.hops.length > 0);
  return {
    journeys: travelled.map((j) => ({
      object: j.object,
      label: j.label,
      unit: j.unit,
      hops: j.hops.length,
      reached: j.reached.map((r) => ({ actor: r.actor, how: r.how, ...(r.delayMs !== undefined ? { delayMs: r2(r.delayMs) } : {}) })),
      gaps: j.gaps.map((g) => ({ link: g.linkKey, kind: g.kind, reason: g.reason })),
      svg: sequenceDiagram(j, 16),
    })),
    silent: report.journeys.filter((j) => j.hops.length === 0).map((j) => j.object),
    events: events.length,
  };
}
