// Inline SVG for the HTML report: line charts (SoC, power, setpoints over sim time) and sequence
// diagrams (the hops of a data journey between the actors). No scripts, no external files.
import type { analysis } from '@v2xsim/trace';

export const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export interface Series {
  name: string;
  points: readonly (readonly [number, number])[];
  color: string;
  /** draw as steps (a setpoint holds until the next value) */
  step?: boolean;
}

export interface Marker {
  x: number;
  label: string;
}

function niceTicks(min: number, max: number, count = 5): number[] {
  if (!(max > min)) return [min];
  const raw = (max - min) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? raw;
  const out: number[] = [];
  for (let v = Math.ceil(min / step) * step; v <= max + step * 1e-9; v += step) out.push(Math.round(v * 1e6) / 1e6);
  return out;
}

const fmt = (v: number): string => (Math.abs(v) >= 10_000 ? `${Math.round(v / 1000)}k` : Math.abs(v) >= 1000 ? `${(v / 1000).toFixed(1)}k` : String(Math.round(v * 100) / 100));

export function lineChart(opts: { title: string; yLabel: string; xLabel?: string; series: readonly Series[]; markers?: readonly Marker[]; width?: number; height?: number }): string {
  const W = opts.width ?? 720;
  const H = opts.height ?? 220;
  const m = { l: 56, r: 12, t: 26, b: 34 };
  const all = opts.series.flatMap((s) => s.points);
  if (all.length === 0) return `<p class="muted">${esc(opts.title)}: no samples</p>`;
  const xs = all.map((p) => p[0]).concat((opts.markers ?? []).map((k) => k.x));
  const ys = all.map((p) => p[1]);
  const x0 = Math.min(...xs);
  let x1 = Math.max(...xs);
  let [y0, y1] = [Math.min(0, ...ys), Math.max(...ys)];
  if (x1 === x0) x1 = x0 + 1;
  if (y1 === y0) y1 = y0 + 1;
  const pad = (y1 - y0) * 0.05;
  y1 += pad;
  if (y0 < 0) y0 -= pad;
  const X = (x: number) => m.l + ((x - x0) / (x1 - x0)) * (W - m.l - m.r);
  const Y = (y: number) => H - m.b - ((y - y0) / (y1 - y0)) * (H - m.t - m.b);
  const parts: string[] = [`<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${esc(opts.title)}">`];
  parts.push(`<text x="${m.l}" y="16" class="title">${esc(opts.title)}</text>`);
  for (const t of niceTicks(y0, y1)) parts.push(`<line x1="${m.l}" x2="${W - m.r}" y1="${Y(t)}" y2="${Y(t)}" class="grid"/><text x="${m.l - 6}" y="${Y(t) + 4}" class="tick" text-anchor="end">${fmt(t)}</text>`);
  for (const t of niceTicks(x0, x1, 8)) parts.push(`<text x="${X(t)}" y="${H - m.b + 16}" class="tick" text-anchor="middle">${fmt(t)}</text>`);
  parts.push(`<text x="${W - m.r}" y="${H - 4}" class="tick" text-anchor="end">${esc(opts.xLabel ?? 'sim time, s')}</text>`);
  parts.push(`<text x="12" y="${m.t + (H - m.t - m.b) / 2}" class="tick" transform="rotate(-90 12 ${m.t + (H - m.t - m.b) / 2})" text-anchor="middle">${esc(opts.yLabel)}</text>`);
  if (y0 < 0) parts.push(`<line x1="${m.l}" x2="${W - m.r}" y1="${Y(0)}" y2="${Y(0)}" class="zero"/>`);
  for (const k of opts.markers ?? []) parts.push(`<line x1="${X(k.x)}" x2="${X(k.x)}" y1="${m.t}" y2="${H - m.b}" class="marker"/><text x="${X(k.x) + 3}" y="${m.t + 10}" class="mlabel">${esc(k.label)}</text>`);
  let lx = m.l + 160;
  for (const s of opts.series) {
    if (s.points.length === 0) continue;
    let d = '';
    s.points.forEach(([x, y], i) => {
      if (i === 0) d += `M${X(x).toFixed(1)},${Y(y).toFixed(1)}`;
      else if (s.step) d += `H${X(x).toFixed(1)}V${Y(y).toFixed(1)}`;
      else d += `L${X(x).toFixed(1)},${Y(y).toFixed(1)}`;
    });
    parts.push(`<path d="${d}" fill="none" stroke="${s.color}" stroke-width="1.8"/>`);
    parts.push(`<rect x="${lx}" y="8" width="10" height="10" fill="${s.color}"/><text x="${lx + 14}" y="17" class="tick">${esc(s.name)}</text>`);
    lx += 24 + s.name.length * 6.5;
  }
  parts.push('</svg>');
  return parts.join('');
}

const ROLE_ORDER = ['EV', 'EVSE', 'CSMS', 'SCSP'];

const valueText = (v: unknown): string => {
  if (v === undefined) return '';
  const s = typeof v === 'number' ? String(Math.round(v * 100) / 100) : JSON.stringify(v);
  return s.length > 28 ? `${s.slice(0, 27)}…` : s;
};

/** The hops of one journey as a sequence diagram: a lifeline per actor, an arrow per hop in time order. */
export function sequenceDiagram(j: analysis.Journey, maxHops = 24): string {
  if (j.hops.length === 0) return '';
  const actors = new Map<string, string | undefined>();
  for (const h of j.hops) {
    if (!actors.has(h.from)) actors.set(h.from, h.fromRole);
    if (!actors.has(h.to)) actors.set(h.to, h.toRole);
  }
  const names = [...actors.keys()].sort((a, b) => {
    const ra = ROLE_ORDER.indexOf(actors.get(a) ?? '');
    const rb = ROLE_ORDER.indexOf(actors.get(b) ?? '');
    return (ra < 0 ? 9 : ra) - (rb < 0 ? 9 : rb) || a.localeCompare(b);
  });
  const hops = [...j.hops].sort((a, b) => (a.tx?.ts ?? a.rx?.ts ?? 0) - (b.tx?.ts ?? b.rx?.ts ?? 0)).slice(0, maxHops);
  const colW = 210;
  const W = Math.max(420, names.length * colW);
  const rowH = 30;
  const top = 40;
  const H = top + hops.length * rowH + 20;
  const X = (actor: string) => colW / 2 + names.indexOf(actor) * colW;
  const t0 = hops[0].tx?.ts ?? hops[0].rx?.ts ?? 0;
  const parts = [`<svg xmlns="http://www.w3.org/2000/svg" class="seq" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${esc(j.object)} journey">`];
  parts.push('<defs><marker id="arr" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0L10,5L0,10z" fill="#334"/></marker></defs>');
  for (const n of names) {
    parts.push(`<rect x="${X(n) - 60}" y="6" width="120" height="22" rx="4" class="actor"/><text x="${X(n)}" y="21" text-anchor="middle" class="aname">${esc(n)}${actors.get(n) ? ` (${esc(actors.get(n)!)})` : ''}</text>`);
    parts.push(`<line x1="${X(n)}" x2="${X(n)}" y1="28" y2="${H - 6}" class="life"/>`);
  }
  hops.forEach((h, i) => {
    const y = top + i * rowH + 14;
    const x1 = X(h.from);
    const x2 = X(h.to);
    const at = ((h.tx?.ts ?? h.rx?.ts ?? t0) - t0).toFixed(1);
    const label = `${h.message} ${valueText(h.value)}${h.repeats ? ` ×${h.repeats + 1}` : ''}`;
    parts.push(`<line x1="${x1}" x2="${x2 + (x2 > x1 ? -2 : 2)}" y1="${y}" y2="${y}" class="${h.upstream !== undefined ? 'fwd' : 'hop'}" marker-end="url(#arr)"><title>${esc(`${h.protocol} ${h.message} ${JSON.stringify(h.value)} latency ${h.latencyMs?.toFixed(2) ?? '?'} ms`)}</title></line>`);
    parts.push(`<text x="${(x1 + x2) / 2}" y="${y - 4}" text-anchor="middle" class="hlabel">${esc(label)}</text>`);
    parts.push(`<text x="4" y="${y + 4}" class="tick">+${at} ms</text>`);
  });
  parts.push('</svg>');
  const more = j.hops.length > maxHops ? `<p class="muted">${j.hops.length - maxHops} more hop(s) in the trace.</p>` : '';
  return parts.join('') + more;
}
