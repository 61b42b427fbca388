import { describe, expect, it } from 'vitest';
import { defaultPolicy, requiredPowerW, sessionCapW, spreadPolicy, type PlanSession } from '../src/index.js';

const NOW = Date.UTC(2025, 0, 1, 18);
const s = (key: string, extra: Partial<PlanSession> = {}): PlanSession => ({ key, stationId: key, evseId: 1, transactionId: key, evseMaxPowerW: 22000, ...extra });

describe('the default smart-charging policy', () => {
  it('without a site limit: each session at its maximum (EVSE rating lowered by the EV)', () => {
    const plan = defaultPolicy.plan({ now: NOW, sessions: [s('a'), s('b', { evMaxPowerW: 11000 })] });
    expect(plan.sessions.map((p) => p.limitW)).toEqual([22000, 11000]);
    expect(plan.totalW).toBe(33000);
  });

  it('the power an energy need requires by departure', () => {
    expect(requiredPowerW(s('a', { energyNeedWh: 20000, departureTime: NOW + 2 * 3600_000 }), NOW)).toBe(10000);
    expect(requiredPowerW(s('a', { energyNeedWh: 20000, departureTime: NOW - 1 }), NOW)).toBe(Infinity);
    expect(requiredPowerW(s('a', { energyNeedWh: 0, departureTime: NOW + 1000 }), NOW)).toBe(0);
    expect(requiredPowerW(s('a', { energyNeedWh: 1000 }), NOW)).toBeUndefined();
    expect(sessionCapW(s('a', { evseMaxPowerW: 7000, evMaxPowerW: 11000 }))).toBe(7000);
  });

  it('shares the site limit: needs first, the rest evenly up to each cap; the sum never exceeds the limit', () => {
    const plan = defaultPolicy.plan({
      now: NOW,
      siteLimitW: 30000,
      sessions: [
        // needs 12 kW until departure
        s('urgent', { energyNeedWh: 24000, departureTime: NOW + 2 * 3600_000 }),
        // needs 2 kW
        s('relaxed', { energyNeedWh: 16000, departureTime: NOW + 8 * 3600_000 }),
        // no need known, EV limited to 7 kW
        s('small', { evMaxPowerW: 7000 }),
      ],
    });
    const [urgent, relaxed, small] = plan.sessions;
    expect(urgent).toMatchObject({ requiredW: 12000, meetsNeed: true });
    expect(relaxed).toMatchObject({ requiredW: 2000, meetsNeed: true });
    // 30 - 14 = 16 kW shared evenly: 16/3 ≈ 5333 each (small stays below its 7 kW cap)
    expect(small!.limitW).toBe(5333);
    expect(urgent!.limitW).toBe(17333);
    expect(relaxed!.limitW).toBe(7333);
    expect(plan.totalW).toBeLessThanOrEqual(30000);
  });

  it('when the needs do not fit, scales them down in proportion and says so', () => {
    const plan = defaultPolicy.plan({
      now: NOW,
      siteLimitW: 10000,
      sessions: [s('a', { energyNeedWh: 20000, departureTime: NOW + 3600_000 }), s('b', { energyNeedWh: 10000, departureTime: NOW + 3600_000 })],
    });
    expect(plan.sessions.map((p) => p.limitW)).toEqual([6666, 3333]);
    expect(plan.sessions.every((p) => !p.meetsNeed)).toBe(true);
  });

  it('an EV below its minimum power is given at least that, and a discharging setpoint frees capacity for the others', () => {
    const plan = defaultPolicy.plan({
      now: NOW,
      siteLimitW: 10000,
      sessions: [s('v2g', { setpointW: -5000 }), s('a', { evMinPowerW: 4000, energyNeedWh: 1000, departureTime: NOW + 10 * 3600_000 }), s('b')],
    });
    const byKey = Object.fromEntries(plan.sessions.map((p) => [p.key, p.limitW]));
    expect(byKey.v2g).toBe(0);
    // 10 kW + 5 kW discharged = 15 kW for a and b: a's 4 kW minimum first, then 11 kW evenly
    expect(byKey.a).toBe(9500);
    expect(byKey.b).toBe(5500);
    expect(plan.totalW).toBe(10000);
  });

  it('an offline station keeps its last limit, counted against the site', () => {
    const plan = defaultPolicy.plan({ now: NOW, siteLimitW: 20000, sessions: [s('offline', { fixedW: 15000 }), s('b')] });
    expect(plan.sessions.map((p) => p.limitW)).toEqual([15000, 5000]);
  });

  it('priority charging: the session requires its maximum, first', () => {
    const plan = defaultPolicy.plan({ now: NOW, siteLimitW: 30000, sessions: [s('a', { energyNeedWh: 2000, departureTime: NOW + 8 * 3600_000 }), s('fast', { priority: true }), s('b')] });
    // 30 kW − 22 kW − a’s 250 W = 7750 W shared by the other two
    expect(plan.sessions.map((p) => p.limitW)).toEqual([4125, 22000, 3875]);
    expect(plan.sessions[1]).toMatchObject({ requiredW: 22000, meetsNeed: true });
  });
});

describe('the spread policy', () => {
  it('a single session gets the power its need requires by its departure, not the whole site: a later departure lowers it', () => {
    const one = (departureH: number) => spreadPolicy.plan({ now: NOW, siteLimitW: 50000, sessions: [s('a', { energyNeedWh: 12000, departureTime: NOW + departureH * 3600_000 })] }).sessions[0]!;
    expect(one(2)).toMatchObject({ limitW: 6000, requiredW: 6000, meetsNeed: true });
    expect(one(4)).toMatchObject({ limitW: 3000, requiredW: 3000 });
    // the default policy gives it everything it can take either way
    expect(defaultPolicy.plan({ now: NOW, siteLimitW: 50000, sessions: [s('a', { energyNeedWh: 12000, departureTime: NOW + 4 * 3600_000 })] }).sessions[0]!.limitW).toBe(22000);
    // without a known need (or with priority charging) a session still gets what is left
    expect(spreadPolicy.plan({ now: NOW, siteLimitW: 50000, sessions: [s('a', { energyNeedWh: 12000, departureTime: NOW + 4 * 3600_000, priority: true })] }).sessions[0]!.limitW).toBe(22000);
  });

  it('what the needs leave goes to the sessions without one; needs that do not fit are scaled down', () => {
    const plan = spreadPolicy.plan({ now: NOW, siteLimitW: 30000, sessions: [s('urgent', { energyNeedWh: 24000, departureTime: NOW + 2 * 3600_000 }), s('unknown'), s('small', { evMaxPowerW: 7000 })] });
    expect(plan.sessions.map((p) => p.limitW)).toEqual([12000, 11000, 7000]);
    const tight = spreadPolicy.plan({ now: NOW, siteLimitW: 10000, sessions: [s('a', { energyNeedWh: 20000, departureTime: NOW + 3600_000 }), s('b', { energyNeedWh: 10000, departureTime: NOW + 3600_000 })] });
    expect(tight.sessions.map((p) => p.limitW)).toEqual([6666, 3333]);
  });
});
