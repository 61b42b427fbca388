// The CSMS's own policy: every session first gets the power its energy need requires by its
// departure (within the EV's and the EVSE's limits), then what is left of the site's grid
// connection is shared evenly (water-filling) up to each session's maximum. When even the
// required powers do not fit, they are scaled down in proportion, and those sessions are marked
// as not meeting their need. Sessions of offline stations keep their last limit; sessions with an
// operator setpoint take exactly it (a discharging one frees site capacity for the others).
import type { PlanInput, PlanSession, SessionPlan, SitePlan, SmartChargingPolicy } from './policy.js';

const HOUR_MS = 3_600_000;
/** limits are sent with at most one decimal; whole watts keep the plan readable */
const floorW = (w: number): number => Math.max(0, Math.floor(w + 1e-9));

interface Flexible {
  session: PlanSession;
  capW: number;
  requiredW: number | undefined;
  allocW: number;
}

/** The session's maximum: the EVSE's rating, lowered by the EV's maximum when known. */
export function sessionCapW(s: PlanSession): number {
  return Math.max(0, Math.min(s.evseMaxPowerW, s.evMaxPowerW ?? Infinity));
}

/** The average power that delivers the energy need by the departure; undefined without both. */
export function requiredPowerW(s: PlanSession, now: number): number | undefined {
  if (s.energyNeedWh === undefined || s.departureTime === undefined) return undefined;
  if (s.energyNeedWh <= 0) return 0;
  const hours = (s.departureTime - now) / HOUR_MS;
  return hours > 0 ? s.energyNeedWh / hours : Infinity;
}

export const defaultPolicy: SmartChargingPolicy = {
  name: 'default',
  plan(input: PlanInput): SitePlan {
    const plans: SessionPlan[] = [];
    let fixedTotal = 0;
    const flexible: Flexible[] = [];
    for (const s of input.sessions) {
      if (s.setpointW !== undefined) {
        fixedTotal += s.setpointW;
        plans.push({ key: s.key, limitW: Math.max(0, s.setpointW), meetsNeed: true });
      } else if (s.fixedW !== undefined) {
        fixedTotal += s.fixedW;
        plans.push({ key: s.key, limitW: s.fixedW, meetsNeed: true });
      } else {
        const capW = sessionCapW(s);
        const required = requiredPowerW(s, input.now);
        // an EV below its minimum power does not charge at all: at least that much is required
        const floor = Math.min(s.evMinPowerW ?? 0, capW);
        const requiredW = required === undefined ? undefined : Math.min(Math.max(required, floor), capW);
        flexible.push({ session: s, capW, requiredW, allocW: 0 });
      }
    }
    let available = input.siteLimitW === undefined ? Infinity : Math.max(0, input.siteLimitW - fixedTotal);
    // 1. what each energy need requires (sessions without one: their minimum power)
    const base = flexible.map((f) => f.requiredW ?? Math.min(f.session.evMinPowerW ?? 0, f.capW));
    const baseTotal = base.reduce((a, b) => a + b, 0);
    const scale = baseTotal > available ? available / baseTotal : 1;
    flexible.forEach((f, i) => (f.allocW = base[i] * scale));
    available -= baseTotal * scale;
    // 2. the rest, evenly, up to each session's cap
    let open = flexible.filter((f) => f.allocW < f.capW);
    while (open.length > 0 && available > 1e-6) {
      const share = available / open.length;
      for (const f of open) {
        const add = Math.min(share, f.capW - f.allocW);
        f.allocW += add;
        available -= add;
      }
      open = open.filter((f) => f.capW - f.allocW > 1e-6);
    }
    for (const f of flexible) {
      const limitW = floorW(f.allocW);
      const requiredW = requiredPowerW(f.session, input.now);
      plans.push({
        key: f.session.key,
        limitW,
        ...(requiredW !== undefined && Number.isFinite(requiredW) ? { requiredW: Math.ceil(requiredW) } : {}),
        meetsNeed: requiredW === undefined || limitW + 1 >= requiredW,
      });
    }
    const byKey = new Map(plans.map((p) => [p.key, p]));
    const ordered = input.sessions.map((s) => byKey.get(s.key)!);
    const totalW = input.sessions.reduce((t, s) => t + (s.setpointW ?? byKey.get(s.key)!.limitW), 0);
    return { sessions: ordered, totalW };
  },
};
