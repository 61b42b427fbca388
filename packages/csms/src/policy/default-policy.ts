// The CSMS's own policy: every session first gets the power its energy need requires by its
// departure (within the EV's and the EVSE's limits), then what is left of the site's grid
// connection is shared evenly (water-filling) up to each session's maximum. When even the
// required powers do not fit, they are scaled down in proportion, and those sessions are marked
// as not meeting their need. Sessions of offline stations keep their last limit; sessions with an
// operator setpoint take exactly it (a discharging one frees site capacity for the others).
// A session with priority charging (the driver's choice) requires its maximum.
//
// The spread policy plans the same way but gives a session with a known energy need and
// departure only what that need requires: the energy spread until the departure (the lowest
// flat power that meets it), so a later departure lowers the limit and an earlier one raises it.
// What is left goes to the sessions without a known need and to those with priority charging.
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

/** The power a session requires: its maximum with priority charging, else what its need requires by its departure. */
function requiredOf(s: PlanSession, now: number): number | undefined {
  return s.priority ? sessionCapW(s) : requiredPowerW(s, now);
}

function planSite(input: PlanInput, spread: boolean): SitePlan {
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
      const required = requiredOf(s, input.now);
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
  // 2. the rest, evenly, up to each session's cap (spread: only to sessions without a need to plan for)
  let open = flexible.filter((f) => f.allocW < f.capW && (!spread || f.requiredW === undefined || f.session.priority === true));
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
    const requiredW = requiredOf(f.session, input.now);
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
}

export const defaultPolicy: SmartChargingPolicy = { name: 'default', plan: (input) => planSite(input, false) };

/** Each need spread until its departure; the rest of the site to the sessions without one (or with priority). */
export const spreadPolicy: SmartChargingPolicy = { name: 'spread', plan: (input) => planSite(input, true) };
