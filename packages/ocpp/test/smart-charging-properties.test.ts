import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compositeSchedule, compositeToIso15118, convertRate, scheduleSegments } from '../src/smart-charging/index.js';
import type {
  ChargingProfile,
  ChargingRateUnit,
  ChargingSchedulePeriod,
  CompositeSchedule,
  CompositeScheduleInput,
  InstalledChargingProfile,
} from '../src/smart-charging/index.js';

const T0 = Date.UTC(2025, 0, 6);
const DAY_S = 86400;
const supply = { kind: 'AC' as const, voltage: 230, phases: 3 };

const unitArb = fc.constantFrom<ChargingRateUnit>('A', 'W');

const periodsArb = (unit: ChargingRateUnit): fc.Arbitrary<ChargingSchedulePeriod[]> =>
  fc
    .array(
      fc.record({
        gap: fc.integer({ min: 1, max: 6 * 3600 }),
        limit: unit === 'A' ? fc.integer({ min: 0, max: 640 }).map((x) => x / 10) : fc.integer({ min: 0, max: 44000 }),
        numberPhases: fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined }),
      }),
      { minLength: 1, maxLength: 5 },
    )
    .map((list) => {
      let start = 0;
      return list.map((x, i) => {
        if (i > 0) start += x.gap;
        const p: ChargingSchedulePeriod = { startPeriod: start, limit: x.limit };
        if (x.numberPhases !== undefined) p.numberPhases = x.numberPhases;
        return p;
      });
    });

let ids = 1;
const profileArb = (purpose: ChargingProfile['chargingProfilePurpose']): fc.Arbitrary<ChargingProfile> =>
  unitArb.chain((unit) =>
    fc
      .record({
        stackLevel: fc.integer({ min: 0, max: 3 }),
        kind: purpose === 'ChargingStationMaxProfile' ? fc.constantFrom('Absolute', 'Recurring') : fc.constantFrom('Absolute', 'Recurring', 'Relative'),
        recurrencyKind: fc.constantFrom('Daily', 'Weekly'),
        startOffsetS: fc.integer({ min: -3 * DAY_S, max: 3 * DAY_S }),
        duration: fc.option(fc.integer({ min: 60, max: 2 * DAY_S }), { nil: undefined }),
        validFromS: fc.option(fc.integer({ min: -2 * DAY_S, max: 2 * DAY_S }), { nil: undefined }),
        validForS: fc.option(fc.integer({ min: 1, max: 3 * DAY_S }), { nil: undefined }),
        periods: periodsArb(unit),
      })
      .map((r): ChargingProfile => {
        const p: ChargingProfile = {
          id: ids++,
          stackLevel: r.stackLevel,
          chargingProfilePurpose: purpose,
          chargingProfileKind: r.kind as ChargingProfile['chargingProfileKind'],
          chargingSchedule: [{ chargingRateUnit: unit, chargingSchedulePeriod: r.periods }],
        };
        if (r.kind !== 'Relative') p.chargingSchedule[0].startSchedule = T0 + r.startOffsetS * 1000;
        if (r.kind === 'Recurring') p.recurrencyKind = r.recurrencyKind as 'Daily' | 'Weekly';
        if (r.duration !== undefined) p.chargingSchedule[0].duration = r.duration;
        if (r.validFromS !== undefined) {
          p.validFrom = T0 + r.validFromS * 1000;
          if (r.validForS !== undefined) p.validTo = p.validFrom + r.validForS * 1000;
        }
        if (purpose === 'TxProfile') p.transactionId = 'TX';
        return p;
      }),
  );

const scenarioArb = fc.record({
  max: profileArb('ChargingStationMaxProfile'),
  others: fc.array(
    fc.oneof(
      profileArb('TxDefaultProfile').map((profile): InstalledChargingProfile => ({ evseId: 0, profile })),
      profileArb('TxDefaultProfile').map((profile): InstalledChargingProfile => ({ evseId: 1, profile })),
      profileArb('TxProfile').map((profile): InstalledChargingProfile => ({ evseId: 1, profile })),
    ),
    { maxLength: 5 },
  ),
  startS: fc.integer({ min: -2 * DAY_S, max: 2 * DAY_S }),
  durationS: fc.integer({ min: 1, max: 3 * DAY_S }),
  unit: fc.option(unitArb, { nil: undefined }),
  transactionStartS: fc.option(fc.integer({ min: -DAY_S, max: 0 }), { nil: undefined }),
  hardware: fc.option(fc.integer({ min: 6, max: 63 }), { nil: undefined }),
});

type Scenario = typeof scenarioArb extends fc.Arbitrary<infer S> ? S : never;

function inputOf(s: Scenario): CompositeScheduleInput {
  const start = T0 + s.startS * 1000;
  const input: CompositeScheduleInput = {
    evseId: 1,
    start,
    duration: s.durationS,
    supply,
    profiles: [{ evseId: 0, profile: s.max }, ...s.others],
  };
  if (s.unit) input.chargingRateUnit = s.unit;
  if (s.transactionStartS !== undefined) input.transaction = { id: 'TX', start: start + s.transactionStartS * 1000 };
  if (s.hardware !== undefined) input.hardwareLimit = { chargingRateUnit: 'A', limit: s.hardware };
  return input;
}

/** Moments to check in each period: its start and the middle of it. */
function samples(c: CompositeSchedule): { t: number; limit: number | undefined; phases: number }[] {
  return c.chargingSchedulePeriod.flatMap((p, i) => {
    const end = i + 1 < c.chargingSchedulePeriod.length ? c.chargingSchedulePeriod[i + 1].startPeriod : c.duration;
    return [p.startPeriod, (p.startPeriod + end) / 2].map((s) => ({ t: c.scheduleStart + Math.floor(s) * 1000, limit: p.limit, phases: p.numberPhases ?? 3 }));
  });
}

describe('composite schedule properties', () => {
  it('periods are sorted, start at 0, stay inside the duration, and no two neighbours are alike', () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const c = compositeSchedule(inputOf(s));
        const ps = c.chargingSchedulePeriod;
        expect(ps.length).toBeGreaterThan(0);
        expect(ps[0].startPeriod).toBe(0);
        for (let i = 1; i < ps.length; i++) {
          expect(ps[i].startPeriod).toBeGreaterThan(ps[i - 1].startPeriod);
          expect(ps[i]).not.toEqual({ ...ps[i - 1], startPeriod: ps[i].startPeriod });
        }
        expect(ps[ps.length - 1].startPeriod).toBeLessThan(c.duration);
        for (const p of ps) expect(Number.isInteger(p.startPeriod)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('never exceeds the applicable ChargingStationMaxProfile nor the hardware limit', () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const input = inputOf(s);
        const c = compositeSchedule(input);
        const maxSchedule = s.max.chargingSchedule[0];
        const segments = scheduleSegments(s.max, maxSchedule, { now: c.scheduleStart, transactionStart: input.transaction?.start }, c.scheduleStart, c.scheduleStart + c.duration * 1000);
        for (const { t, limit, phases } of samples(c)) {
          const seg = segments.find((x) => x.from <= t && t < x.to);
          if (seg) {
            expect(limit).toBeDefined();
            const allowed = convertRate(seg.period.limit!, maxSchedule.chargingRateUnit, c.chargingRateUnit, supply, phases);
            expect(limit!).toBeLessThanOrEqual(allowed + 1e-9);
          }
          if (s.hardware !== undefined) expect(limit!).toBeLessThanOrEqual(convertRate(s.hardware, 'A', c.chargingRateUnit, supply, phases) + 1e-9);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('does not depend on the order the profiles are listed in', () => {
    fc.assert(
      fc.property(scenarioArb, fc.integer({ min: 0, max: 1000 }), (s, seed) => {
        const input = inputOf(s);
        const shuffled = [...input.profiles].sort((a, b) => ((a.profile.id * 7919 + seed) % 101) - ((b.profile.id * 7919 + seed) % 101));
        expect(compositeSchedule({ ...input, profiles: shuffled })).toEqual(compositeSchedule(input));
      }),
      { numRuns: 100 },
    );
  });

  it('its ISO 15118 PMaxSchedule is contiguous and never above the composite', () => {
    fc.assert(
      fc.property(scenarioArb, fc.integer({ min: 1, max: 24 }), (s, maxEntries) => {
        const c = compositeSchedule(inputOf(s));
        const { pMax } = compositeToIso15118(c, { supply, unlimitedW: 43470, maxEntries });
        expect(pMax.length).toBeLessThanOrEqual(maxEntries);
        expect(pMax[0].startS).toBe(0);
        for (let i = 1; i < pMax.length; i++) expect(pMax[i].startS).toBe(pMax[i - 1].startS + pMax[i - 1].durationS!);
        expect(pMax[pMax.length - 1].startS + pMax[pMax.length - 1].durationS!).toBe(c.duration);
        for (const { t, limit, phases } of samples(c)) {
          const at = (t - c.scheduleStart) / 1000;
          const e = [...pMax].reverse().find((x) => x.startS <= at)!;
          const w = limit === undefined ? 43470 : Math.max(0, Math.min(43470, convertRate(limit, c.chargingRateUnit, 'W', supply, phases)));
          expect(e.pMaxW).toBeLessThanOrEqual(w + 1e-6);
        }
      }),
      { numRuns: 200 },
    );
  });
});
