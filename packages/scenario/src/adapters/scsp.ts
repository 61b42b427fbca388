// `v2xsim scsp`: the smart charging service provider, also the eMSP (docs/scsp.md). It registers
// with the CSMS's CPO (the OCPI credentials handshake with a token A from the CSMS's control
// API), gets the tariff's price curve as its day-ahead prices and the driver's needs as its
// default driver. As the FSP (topology scsp) it plans each session and sends its charging
// profile; otherwise it is the eMSP only and forwards the driver's choices as OCPI
// ChargingPreferences (D2.3 §11.4).
import { join } from 'node:path';
import type { PricePoint, Scenario, Step } from '../types.js';
import { bannerFields, clockConfig, pollFor, type ProcessAdapter, type ProcessControl, type StartContext, type StepContext } from './adapter.js';
import { fspOf, stepOwners } from './routing.js';

const HOUR_S = 3600;
/** the price file runs this long past the last point, so every departure is inside it */
const PRICE_HORIZON_S = 48 * HOUR_S;
const DEFAULT_PRICE = 0.25;

const defined = (o: Record<string, unknown>): Record<string, unknown> => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));

/** The price curve as the SCSP's price rows: each point at the run's sim start + startS, held hourly until the horizon. */
export function priceRows(curve: readonly PricePoint[] | undefined, simStartMs: number): { time: string; price: number }[] {
  const points = [...(curve ?? [{ startS: 0, price: DEFAULT_PRICE }])].sort((a, b) => a.startS - b.startS);
  // the run's first hour is priced from its start, even when the curve begins later
  if (points[0].startS > 0) points.unshift({ startS: 0, price: points[0].price });
  const rows: { time: string; price: number }[] = [];
  const last = points[points.length - 1];
  for (const p of points) rows.push({ time: new Date(simStartMs + p.startS * 1000).toISOString(), price: p.price });
  for (let t = Math.ceil((last.startS + 1) / HOUR_S) * HOUR_S; t <= last.startS + PRICE_HORIZON_S; t += HOUR_S) rows.push({ time: new Date(simStartMs + t * 1000).toISOString(), price: last.price });
  return rows;
}

/** The driver's energy need at the eMSP, kWh: from the SoC at plug-in to the target, with the battery's capacity (D2.3 §8.3.3). */
export function energyNeedKwh(s: Scenario, targetSoc = s.driver?.targetSoc ?? 80): number {
  const capacityWh = s.ev?.capacityWh ?? 60_000;
  const soc = s.ev?.soc ?? 20;
  return Math.round(Math.max(0, ((targetSoc - soc) / 100) * capacityWh)) / 1000;
}

/** Why the eMSP cannot pass on this change of the driver's needs (OCPI 2.2.1 ChargingPreferences), if it cannot. */
export function emspNeedsProblem(n: { targetSoc?: number; departureS?: number | null }): string | undefined {
  if (n.departureS === null) return 'OCPI 2.2.1 charging preferences cannot clear a departure time';
  if (n.departureS === undefined && n.targetSoc === undefined) return 'OCPI 2.2.1 charging preferences carry a departure time and an energy need (targetSoc), not a minimum or maximum SoC';
  return undefined;
}

/** The SCSP's session of the run (the last one the CPO pushed, active), from its /health. */
function activeSession(health: Record<string, unknown> | undefined): string | undefined {
  const sessions = (health?.sessions as { id: string; status: string }[] | undefined) ?? [];
  return [...sessions].reverse().find((x) => x.status === 'ACTIVE')?.id;
}

export const scspAdapter: ProcessAdapter = {
  kind: 'scsp',
  present: (s) => s.stack.ocpi !== undefined,
  actorId: () => 'scsp',
  finishes: false,
  serves: [],

  config(ctx: StartContext): Record<string, unknown> {
    const s = ctx.scenario;
    const d = s.driver ?? {};
    const ev = s.ev ?? {};
    const deciding = fspOf(s) === 'scsp';
    const previous = ctx.previous?.addresses.ocpi;
    return {
      id: this.actorId(s),
      party: { countryCode: 'NL', partyId: 'SCS', name: 'v2xsim SCSP' },
      listen: { host: '127.0.0.1', port: previous ? Number(new URL(previous).port) : 0 },
      ...(ctx.upstream.ocpiVersions && ctx.upstream.ocpiTokenA ? { cpo: { versionsUrl: ctx.upstream.ocpiVersions, tokenA: ctx.upstream.ocpiTokenA } } : {}),
      prices: { file: join(ctx.runDir, 'prices.json'), ...(s.tariff?.currency ? { currency: s.tariff.currency } : {}) },
      // as the eMSP only it forwards the driver's choices; as the FSP it plans every new session
      optimiser: { autoOptimise: deciding },
      ...(s.site?.maxPowerW !== undefined ? { site: { capacityW: s.site.maxPowerW } } : {}),
      driver: {
        preferences: defined({
          profileType: deciding ? 'CHEAP' : 'REGULAR',
          ...(d.departureS !== undefined ? { departureAfterS: d.departureS } : {}),
          energyNeedKwh: energyNeedKwh(s),
          dischargeAllowed: d.dischargeAllowed,
        }),
        ev: defined({
          batteryCapacityWh: ev.capacityWh ?? 60_000,
          socPercent: ev.soc ?? 20,
          minSocPercent: d.minimumSoc,
          maxSocPercent: d.maximumSoc,
          roundTripEfficiency: ev.roundTripEfficiency,
          v2xBudgetWh: ev.v2xBudgetWh,
          maxDischargeW: ev.dischargeMaxPowerW,
        }),
      },
      resultTimeoutS: 20,
      clock: clockConfig(ctx),
      control: { port: ctx.previous ? Number(new URL(ctx.previous.control).port) : 0 },
    };
  },

  files(ctx: StartContext): Record<string, string> {
    const s = ctx.scenario;
    return { 'prices.json': `${JSON.stringify({ ...(s.tariff?.currency ? { currency: s.tariff.currency } : {}), prices: priceRows(s.tariff?.priceCurve, ctx.simStartMs) }, null, 2)}\n` };
  },

  banner(line) {
    const f = bannerFields(line, 'scsp');
    if (!f?.control) return undefined;
    return { control: f.control, addresses: { ...(f.ocpi ? { ocpi: f.ocpi } : {}) } };
  },

  /** Registered with the CPO (the credentials handshake) before the station and the EV start. */
  async afterStart(p: ProcessControl) {
    const registered = await pollFor(async () => {
      const cpo = (await p.health()).cpo as { status?: string } | undefined;
      return cpo?.status === 'registered' ? true : undefined;
    }, p.timeoutMs);
    if (!registered) {
      const cpo = (await p.health().catch(() => ({}) as Record<string, unknown>)).cpo;
      throw new Error(`the SCSP did not register with the CPO within ${p.timeoutMs} ms: ${JSON.stringify(cpo)}`);
    }
  },

  call(step: Step, scenario: Scenario, live?: StepContext) {
    if (!stepOwners(step, scenario).includes('scsp')) return undefined;
    const deciding = fspOf(scenario) === 'scsp';
    if ('price-curve' in step) {
      // a new curve counts from now: the SCSP's sim time
      const now = typeof live?.health?.simTime === 'string' ? Date.parse(live.health.simTime) : (live?.simStartMs ?? 0);
      const prices = live ? priceRows(step['price-curve'].curve, now) : [];
      return { action: 'set-prices', body: { prices, optimise: deciding } };
    }
    // the driver's choices are about the session: the eMSP knows it from the CPO's Session push
    const sessionId = live ? activeSession(live.health) : '';
    if (sessionId === undefined) throw new Error('no active session at the SCSP (the CPO has not pushed one yet)');
    const problem = 'set-needs' in step ? emspNeedsProblem(step['set-needs']) : undefined;
    if (problem && live) throw new Error(problem);
    if ('allow-discharge' in step) return { action: 'set-preferences', body: { sessionId, dischargeAllowed: step['allow-discharge'].allowed, optimise: deciding } };
    if ('set-needs' in step) {
      const n = step['set-needs'];
      const simNow = live?.health?.simTime ? Date.parse(String(live.health.simTime)) : Date.now();
      return {
        action: 'set-preferences',
        body: {
          sessionId,
          profileType: deciding ? 'CHEAP' : 'REGULAR',
          ...(typeof n.departureS === 'number' ? { departureTime: new Date(simNow + n.departureS * 1000).toISOString() } : {}),
          ...(n.targetSoc !== undefined ? { energyNeedKwh: energyNeedKwh(scenario, n.targetSoc) } : {}),
          optimise: deciding,
        },
      };
    }
    return undefined;
  },
};
