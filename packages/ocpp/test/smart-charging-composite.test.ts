import { describe, expect, it } from 'vitest';
import { applyDynamicScheduleUpdate, applyRandomizedDelay, compositePeriodAt, compositeSchedule, stationCompositeSchedule } from '../src/smart-charging/index.js';
import type {
  ChargingProfile,
  ChargingSchedule,
  ChargingSchedulePeriod,
  CompositeScheduleInput,
  CompositeSchedulePeriod,
  InstalledChargingProfile,
} from '../src/smart-charging/index.js';

const T = (iso: string): number => Date.parse(iso);
const H = 3600;
/** Monday 2025-01-06 00:00 UTC */
const MONDAY = T('2025-01-06T00:00:00Z');

let nextId = 1;
function profile(p: Partial<ChargingProfile> & Pick<ChargingProfile, 'chargingProfilePurpose'>, schedule: Partial<ChargingSchedule> & { periods: ChargingSchedulePeriod[] }): ChargingProfile {
  const { periods, ...s } = schedule;
  return {
    id: nextId++,
    stackLevel: 0,
    chargingProfileKind: 'Absolute',
    ...p,
    chargingSchedule: [{ chargingRateUnit: 'A', startSchedule: MONDAY, ...s, chargingSchedulePeriod: periods }],
  };
}
const on = (evseId: number, p: ChargingProfile): InstalledChargingProfile => ({ evseId, profile: p });

function composite(input: Partial<CompositeScheduleInput> & Pick<CompositeScheduleInput, 'profiles'>): CompositeSchedulePeriod[] {
  return compositeSchedule({ evseId: 1, start: MONDAY, duration: 24 * H, supply: { kind: 'AC' }, ...input }).chargingSchedulePeriod;
}
/** [startPeriod, limit] pairs */
const limits = (ps: CompositeSchedulePeriod[]): [number, number | undefined][] => ps.map((p) => [p.startPeriod, p.limit]);

describe('composite schedule: stacking and purposes', () => {
  const cases: { name: string; input: Partial<CompositeScheduleInput> & Pick<CompositeScheduleInput, 'profiles'>; expected: [number, number | undefined][] }[] = [
    {
      name: 'one TxDefaultProfile: its periods',
      input: { profiles: [on(1, profile({ chargingProfilePurpose: 'TxDefaultProfile' }, { periods: [{ startPeriod: 0, limit: 16 }, { startPeriod: 8 * H, limit: 10 }, { startPeriod: 20 * H, limit: 16 }] }))] },
      expected: [[0, 16], [8 * H, 10], [20 * H, 16]],
    },
    {
      name: 'a higher stackLevel overrules while it has a period, the lower one shows again after its duration (K01.FR.17, K01.FR.11)',
      input: {
        profiles: [
          on(0, profile({ chargingProfilePurpose: 'TxDefaultProfile', stackLevel: 0 }, { periods: [{ startPeriod: 0, limit: 32 }] })),
          on(1, profile({ chargingProfilePurpose: 'TxDefaultProfile', stackLevel: 1 }, { startSchedule: MONDAY + 8 * H * 1000, duration: 2 * H, periods: [{ startPeriod: 0, limit: 6 }, { startPeriod: 3 * H, limit: 1 }] })),
        ],
      },
      expected: [[0, 32], [8 * H, 6], [10 * H, 32]],
    },
    {
      name: 'validFrom/validTo bound a profile (K01.FR.36/37)',
      input: {
        profiles: [
          on(1, profile({ chargingProfilePurpose: 'TxDefaultProfile', stackLevel: 0 }, { periods: [{ startPeriod: 0, limit: 32 }] })),
          on(1, profile({ chargingProfilePurpose: 'TxDefaultProfile', stackLevel: 5, validFrom: MONDAY + 6 * H * 1000, validTo: MONDAY + 7 * H * 1000 }, { periods: [{ startPeriod: 0, limit: 8 }] })),
        ],
      },
      expected: [[0, 32], [6 * H, 8], [7 * H, 32]],
    },
    {
      name: 'an EVSE’s own TxDefaultProfile wins over one on EVSE 0 at the same stackLevel',
      input: {
        profiles: [
          on(0, profile({ chargingProfilePurpose: 'TxDefaultProfile', stackLevel: 2 }, { periods: [{ startPeriod: 0, limit: 20 }] })),
          on(1, profile({ chargingProfilePurpose: 'TxDefaultProfile', stackLevel: 2 }, { periods: [{ startPeriod: 0, limit: 25 }] })),
          on(2, profile({ chargingProfilePurpose: 'TxDefaultProfile', stackLevel: 9 }, { periods: [{ startPeriod: 0, limit: 3 }] })),
        ],
      },
      expected: [[0, 25]],
    },
    {
      name: 'a TxProfile overrules the TxDefaultProfile for its transaction, whatever the stackLevels',
      input: {
        transaction: { id: 'TX1', start: MONDAY },
        profiles: [
          on(1, profile({ chargingProfilePurpose: 'TxDefaultProfile', stackLevel: 9 }, { periods: [{ startPeriod: 0, limit: 32 }] })),
          on(1, profile({ chargingProfilePurpose: 'TxProfile', transactionId: 'TX1' }, { duration: 4 * H, periods: [{ startPeriod: 0, limit: 12 }] })),
          on(1, profile({ chargingProfilePurpose: 'TxProfile', transactionId: 'OTHER', stackLevel: 3 }, { periods: [{ startPeriod: 0, limit: 1 }] })),
        ],
      },
      expected: [[0, 12], [4 * H, 32]],
    },
    {
      name: 'without a transaction a TxProfile does not count (K08.FR.06)',
      input: {
        profiles: [
          on(1, profile({ chargingProfilePurpose: 'TxDefaultProfile' }, { periods: [{ startPeriod: 0, limit: 32 }] })),
          on(1, profile({ chargingProfilePurpose: 'TxProfile', transactionId: 'TX1' }, { periods: [{ startPeriod: 0, limit: 12 }] })),
        ],
      },
      expected: [[0, 32]],
    },
    {
      name: 'the lowest of ChargingStationMaxProfile, external constraints and the transaction level (§3.6)',
      input: {
        transaction: { id: 'TX1' },
        profiles: [
          on(0, profile({ chargingProfilePurpose: 'ChargingStationMaxProfile' }, { periods: [{ startPeriod: 0, limit: 20 }, { startPeriod: 12 * H, limit: 10 }] })),
          on(0, profile({ chargingProfilePurpose: 'ChargingStationExternalConstraints', stackLevel: 1 }, { periods: [{ startPeriod: 0, limit: 32 }, { startPeriod: 18 * H, limit: 6 }] })),
          on(1, profile({ chargingProfilePurpose: 'TxProfile', transactionId: 'TX1' }, { periods: [{ startPeriod: 0, limit: 16 }] })),
        ],
      },
      expected: [[0, 16], [12 * H, 10], [18 * H, 6]],
    },
    {
      name: 'a ChargingStationMaxProfile on an EVSE other than 0 is ignored (K04.FR.03)',
      input: { profiles: [on(1, profile({ chargingProfilePurpose: 'ChargingStationMaxProfile' }, { periods: [{ startPeriod: 0, limit: 1 }] }))], hardwareLimit: { chargingRateUnit: 'A', limit: 32 } },
      expected: [[0, 32]],
    },
    {
      name: 'LocalGeneration adds its capacity on top (K08.FR.04)',
      input: {
        profiles: [
          on(0, profile({ chargingProfilePurpose: 'ChargingStationMaxProfile' }, { periods: [{ startPeriod: 0, limit: 10 }] })),
          on(0, profile({ chargingProfilePurpose: 'LocalGeneration' }, { periods: [{ startPeriod: 0, limit: 0 }, { startPeriod: 10 * H, limit: 6 }, { startPeriod: 16 * H, limit: 0 }] })),
        ],
      },
      expected: [[0, 10], [10 * H, 16], [16 * H, 10]],
    },
    {
      name: 'PriorityCharging, once activated, overrules the TxProfile (K21)',
      input: {
        transaction: { id: 'TX1' },
        priorityCharging: true,
        profiles: [
          on(0, profile({ chargingProfilePurpose: 'ChargingStationMaxProfile' }, { periods: [{ startPeriod: 0, limit: 32 }] })),
          on(1, profile({ chargingProfilePurpose: 'TxProfile', transactionId: 'TX1', stackLevel: 5 }, { periods: [{ startPeriod: 0, limit: 6 }] })),
          on(1, profile({ chargingProfilePurpose: 'PriorityCharging' }, { periods: [{ startPeriod: 0, limit: 28 }] })),
        ],
      },
      expected: [[0, 28]],
    },
    {
      name: 'nothing installed: the hardware limit, or no limit at all',
      input: { profiles: [], hardwareLimit: { chargingRateUnit: 'A', limit: 32 } },
      expected: [[0, 32]],
    },
    { name: 'nothing installed and no hardware limit', input: { profiles: [] }, expected: [[0, undefined]] },
  ];
  for (const c of cases) it(c.name, () => expect(limits(composite(c.input))).toEqual(c.expected));

  it('EVSE 0: the grid connection (max, external constraints and local generation on EVSE 0 only)', () => {
    const profiles = [
      on(0, profile({ chargingProfilePurpose: 'ChargingStationMaxProfile' }, { periods: [{ startPeriod: 0, limit: 63 }] })),
      on(0, profile({ chargingProfilePurpose: 'TxDefaultProfile' }, { periods: [{ startPeriod: 0, limit: 10 }] })),
      on(1, profile({ chargingProfilePurpose: 'ChargingStationExternalConstraints' }, { periods: [{ startPeriod: 0, limit: 5 }] })),
    ];
    expect(limits(composite({ evseId: 0, profiles }))).toEqual([[0, 63]]);
  });

  it('EVSE 0 with the EVSEs: the sum of their composites, never above the grid connection (K08.FR.03)', () => {
    const profiles = [
      on(0, profile({ chargingProfilePurpose: 'ChargingStationMaxProfile' }, { periods: [{ startPeriod: 0, limit: 38 }] })),
      on(0, profile({ chargingProfilePurpose: 'TxDefaultProfile' }, { periods: [{ startPeriod: 0, limit: 20 }] })),
      on(1, profile({ chargingProfilePurpose: 'TxProfile', transactionId: 'T1' }, { duration: H, periods: [{ startPeriod: 0, operationMode: 'CentralSetpoint', setpoint: -8, limit: 16, dischargeLimit: -10 }] })),
    ];
    const c = stationCompositeSchedule({ start: MONDAY, duration: 2 * H, supply: { kind: 'AC' }, profiles }, [{ evseId: 1, transaction: { id: 'T1' } }, { evseId: 2 }]);
    expect(c.evseId).toBe(0);
    expect(c.chargingSchedulePeriod).toEqual([
      { startPeriod: 0, limit: 36, dischargeLimit: -10, operationMode: 'CentralSetpoint' },
      { startPeriod: H, limit: 38, operationMode: 'ChargingOnly' },
    ]);
    // without EVSEs it is the grid connection alone
    expect(stationCompositeSchedule({ start: MONDAY, duration: 60, supply: { kind: 'AC' }, profiles }, []).chargingSchedulePeriod).toEqual([{ startPeriod: 0, limit: 38, operationMode: 'ChargingOnly' }]);
  });

  it('maxOfflineDuration: a profile lapses that long after the station went offline (K01.FR.101)', () => {
    const profiles = [
      on(1, profile({ chargingProfilePurpose: 'TxDefaultProfile', stackLevel: 0 }, { periods: [{ startPeriod: 0, limit: 16 }] })),
      on(1, profile({ chargingProfilePurpose: 'TxDefaultProfile', stackLevel: 1, maxOfflineDuration: 1800 }, { periods: [{ startPeriod: 0, limit: 30 }] })),
    ];
    expect(limits(composite({ profiles, offlineSince: MONDAY + 2 * H * 1000 }))).toEqual([[0, 30], [2.5 * H, 16]]);
    expect(limits(composite({ profiles }))).toEqual([[0, 30]]);
  });

  it('starts at the whole second before the request, and a sub-second boundary keeps the later value', () => {
    const c = compositeSchedule({
      evseId: 1,
      start: MONDAY + 700,
      duration: 60,
      supply: { kind: 'AC' },
      profiles: [on(1, profile({ chargingProfilePurpose: 'TxDefaultProfile' }, { periods: [{ startPeriod: 0, limit: 16 }, { startPeriod: 30, limit: 8 }, { startPeriod: 60, limit: 4 }] }))],
    });
    expect(c.scheduleStart).toBe(MONDAY);
    expect(limits(c.chargingSchedulePeriod)).toEqual([[0, 16], [30, 8]]);
    expect(compositePeriodAt(c, MONDAY + 45_000)?.limit).toBe(8);
    expect(compositePeriodAt(c, MONDAY + 60_000)).toBeUndefined();
  });
});

describe('composite schedule: kinds and recurrence', () => {
  it('Recurring Daily crosses midnight: 22:00–02:00 every day', () => {
    const night = profile(
      { chargingProfilePurpose: 'TxDefaultProfile', stackLevel: 1, chargingProfileKind: 'Recurring', recurrencyKind: 'Daily' },
      { startSchedule: T('2025-01-01T22:00:00Z'), duration: 4 * H, periods: [{ startPeriod: 0, limit: 6 }, { startPeriod: 2 * H, limit: 8 }] },
    );
    const base = profile({ chargingProfilePurpose: 'TxDefaultProfile', stackLevel: 0 }, { periods: [{ startPeriod: 0, limit: 32 }] });
    const ps = composite({ start: T('2025-01-06T21:00:00Z'), duration: 30 * H, profiles: [on(1, base), on(1, night)] });
    expect(limits(ps)).toEqual([
      [0, 32],
      [1 * H, 6], // 22:00
      [3 * H, 8], // 00:00 (next day)
      [5 * H, 32], // 02:00
      [25 * H, 6], // 22:00 again
      [27 * H, 8],
      [29 * H, 32],
    ]);
  });

  it('Recurring Daily without duration restarts at the first period every day', () => {
    const daily = profile(
      { chargingProfilePurpose: 'TxDefaultProfile', chargingProfileKind: 'Recurring', recurrencyKind: 'Daily' },
      // 1.6 §3.13.7 example: 11 kW, 6 kW 08:00–20:00, 11 kW
      { chargingRateUnit: 'W', startSchedule: T('2013-01-01T00:00:00Z'), duration: 86400, periods: [{ startPeriod: 0, limit: 11000 }, { startPeriod: 28800, limit: 6000 }, { startPeriod: 72000, limit: 11000 }] },
    );
    const ps = composite({ start: T('2025-01-06T19:00:00Z'), duration: 14 * H, profiles: [on(1, daily)] });
    expect(limits(ps)).toEqual([[0, 6000], [1 * H, 11000], [13 * H, 6000]]);
  });

  it('Recurring Weekly: the Sunday exception of [P2-21 §3.7.1] over a weekend', () => {
    const peak = profile(
      { chargingProfilePurpose: 'TxDefaultProfile', stackLevel: 1, chargingProfileKind: 'Recurring', recurrencyKind: 'Daily' },
      { chargingRateUnit: 'W', startSchedule: T('2020-01-09T17:00:00Z'), duration: 3 * H, periods: [{ startPeriod: 0, limit: 2000 }] },
    );
    const sunday = profile(
      { chargingProfilePurpose: 'TxDefaultProfile', stackLevel: 2, chargingProfileKind: 'Recurring', recurrencyKind: 'Weekly' },
      { chargingRateUnit: 'W', startSchedule: T('2020-01-05T00:00:00Z'), duration: 86400, periods: [{ startPeriod: 0, limit: 999999 }] },
    );
    // Saturday 2025-01-04 12:00 → Monday 2025-01-06 19:00
    const ps = composite({ start: T('2025-01-04T12:00:00Z'), duration: 55 * H, profiles: [on(1, peak), on(1, sunday)], hardwareLimit: { chargingRateUnit: 'W', limit: 22000 } });
    expect(limits(ps)).toEqual([
      [0, 22000],
      [5 * H, 2000], // Saturday 17:00
      [8 * H, 22000], // Saturday 20:00; Sunday: no peak
      [53 * H, 2000], // Monday 17:00
    ]);
  });

  it('Relative: anchored at the start of energy transfer, or at "now" without a transaction', () => {
    const rel = profile({ chargingProfilePurpose: 'TxDefaultProfile', chargingProfileKind: 'Relative' }, { startSchedule: undefined, duration: 2 * H, periods: [{ startPeriod: 0, limit: 10 }, { startPeriod: H, limit: 20 }] });
    const base = profile({ chargingProfilePurpose: 'TxDefaultProfile', stackLevel: -1 + 0 }, { periods: [{ startPeriod: 0, limit: 32 }] });
    base.stackLevel = 0;
    rel.stackLevel = 1;
    const now = MONDAY + 10 * H * 1000;
    expect(limits(composite({ start: now, duration: 4 * H, profiles: [on(1, rel), on(1, base)], transaction: { id: 'T', start: now - 1800_000 } }))).toEqual([
      [0, 10],
      [1800, 20],
      [5400, 32],
    ]);
    expect(limits(composite({ start: now, duration: 4 * H, profiles: [on(1, rel), on(1, base)] }))).toEqual([
      [0, 10],
      [H, 20],
      [2 * H, 32],
    ]);
  });

  it('useLocalTime: startSchedule is wall-clock time at the station (K01.FR.90)', () => {
    const p = profile({ chargingProfilePurpose: 'TxDefaultProfile', chargingProfileKind: 'Recurring', recurrencyKind: 'Daily' }, { useLocalTime: true, startSchedule: T('2025-01-01T18:00:00Z'), duration: H, periods: [{ startPeriod: 0, limit: 6 }] });
    const ps = composite({ profiles: [on(1, p)], localTimeOffsetMinutes: 60, hardwareLimit: { chargingRateUnit: 'A', limit: 16 } });
    expect(limits(ps)).toEqual([[0, 16], [17 * H, 6], [18 * H, 16]]);
  });

  it('selects the ISO 15118 schedule the EV chose among a TxProfile’s schedules', () => {
    const p: ChargingProfile = {
      id: 77,
      stackLevel: 0,
      chargingProfilePurpose: 'TxProfile',
      chargingProfileKind: 'Absolute',
      transactionId: 'TX',
      chargingSchedule: [
        { id: 1, startSchedule: MONDAY, chargingRateUnit: 'W', chargingSchedulePeriod: [{ startPeriod: 0, limit: 3000 }] },
        { id: 2, startSchedule: MONDAY, chargingRateUnit: 'W', chargingSchedulePeriod: [{ startPeriod: 0, limit: 7000 }] },
      ],
    };
    expect(limits(composite({ profiles: [on(1, p)], transaction: { id: 'TX' } }))).toEqual([[0, 3000]]);
    expect(limits(composite({ profiles: [on(1, p)], transaction: { id: 'TX', selectedChargingScheduleId: 2 } }))).toEqual([[0, 7000]]);
  });
});

describe('composite schedule: units and phases', () => {
  const maxW = profile({ chargingProfilePurpose: 'ChargingStationMaxProfile' }, { chargingRateUnit: 'W', periods: [{ startPeriod: 0, limit: 11040 }] }); // 16 A × 230 V × 3
  it('converts W to A per phase over 3 phases (K01.FR.50)', () => {
    const tx = profile({ chargingProfilePurpose: 'TxDefaultProfile' }, { periods: [{ startPeriod: 0, limit: 32 }] });
    expect(composite({ profiles: [on(0, maxW), on(1, tx)], chargingRateUnit: 'A' })).toEqual([{ startPeriod: 0, limit: 16, operationMode: 'ChargingOnly' }]);
    expect(composite({ profiles: [on(0, maxW), on(1, tx)], chargingRateUnit: 'W' })).toEqual([{ startPeriod: 0, limit: 11040, operationMode: 'ChargingOnly' }]);
  });

  it('uses the lowest numberPhases of the merged periods (§3.8) for the conversion', () => {
    const tx = profile({ chargingProfilePurpose: 'TxDefaultProfile' }, { periods: [{ startPeriod: 0, limit: 32, numberPhases: 1 }] });
    // one phase: 11040 W is 48 A on that phase, so the TxDefault's 32 A is the lower
    expect(composite({ profiles: [on(0, maxW), on(1, tx)], chargingRateUnit: 'A' })).toEqual([{ startPeriod: 0, limit: 32, numberPhases: 1, operationMode: 'ChargingOnly' }]);
    expect(composite({ profiles: [on(0, maxW), on(1, tx)], chargingRateUnit: 'W' })[0].limit).toBeCloseTo(32 * 230);
  });

  it('honours the supply: a single-phase EVSE at 120 V, and DC at the given voltage', () => {
    const tx = profile({ chargingProfilePurpose: 'TxDefaultProfile' }, { periods: [{ startPeriod: 0, limit: 40 }] });
    expect(composite({ profiles: [on(1, tx)], chargingRateUnit: 'W', supply: { kind: 'AC', voltage: 120, phases: 1 } })[0].limit).toBe(4800);
    expect(composite({ profiles: [on(1, tx)], chargingRateUnit: 'W', supply: { kind: 'DC', voltage: 400 } })[0].limit).toBe(16000);
  });

  it('sums per-phase limits in W and takes the lowest in A', () => {
    const w = profile({ chargingProfilePurpose: 'TxDefaultProfile' }, { chargingRateUnit: 'W', periods: [{ startPeriod: 0, limit: 3000, limit_L2: 2000, limit_L3: 1000 }] });
    const a = profile({ chargingProfilePurpose: 'TxDefaultProfile' }, { periods: [{ startPeriod: 0, limit: 16, limit_L2: 10, limit_L3: 12 }] });
    expect(composite({ profiles: [on(1, w)] })[0].limit).toBe(6000);
    expect(composite({ profiles: [on(1, a)] })[0].limit).toBe(10);
  });

  it('reports minChargingRate of the leading transaction schedule in the composite’s unit', () => {
    const tx = profile({ chargingProfilePurpose: 'TxDefaultProfile' }, { minChargingRate: 6, periods: [{ startPeriod: 0, limit: 16 }] });
    const c = compositeSchedule({ evseId: 1, start: MONDAY, duration: 60, supply: { kind: 'AC' }, profiles: [on(1, tx)], chargingRateUnit: 'W' });
    expect(c.minChargingRate).toBe(6 * 230 * 3);
  });

  it('limitAtSoC caps the limit once the EV is at or above that SoC (K01.FR.100)', () => {
    const tx = profile({ chargingProfilePurpose: 'TxDefaultProfile' }, { limitAtSoC: { soc: 80, limit: 8 }, periods: [{ startPeriod: 0, limit: 16 }] });
    expect(composite({ profiles: [on(1, tx)], stateOfCharge: 79 })[0].limit).toBe(16);
    expect(composite({ profiles: [on(1, tx)], stateOfCharge: 80 })[0].limit).toBe(8);
  });
});

describe('composite schedule: OCPP 2.1 setpoints and discharge limits', () => {
  const tx = (periods: ChargingSchedulePeriod[], extra: Partial<ChargingProfile> = {}) =>
    profile({ chargingProfilePurpose: 'TxProfile', transactionId: 'TX', ...extra }, { chargingRateUnit: 'W', periods });
  const v2x = (profiles: InstalledChargingProfile[], more: Partial<CompositeScheduleInput> = {}) => composite({ profiles, transaction: { id: 'TX' }, duration: 4 * H, ...more });

  const cases: { name: string; periods: ChargingSchedulePeriod[]; max?: number; hardware?: { limit: number; dischargeLimit?: number }; expected: Partial<CompositeSchedulePeriod>[] }[] = [
    {
      name: 'a positive setpoint is capped at limit (V2X.03)',
      periods: [{ startPeriod: 0, operationMode: 'CentralSetpoint', setpoint: 5000, limit: 3000, dischargeLimit: -4000 }],
      expected: [{ startPeriod: 0, limit: 3000, dischargeLimit: -4000, setpoint: 3000, operationMode: 'CentralSetpoint' }],
    },
    {
      name: 'a negative setpoint is capped at dischargeLimit (V2X.04)',
      periods: [{ startPeriod: 0, operationMode: 'CentralSetpoint', setpoint: -8000 }],
      hardware: { limit: 11000, dischargeLimit: -5000 },
      expected: [{ startPeriod: 0, limit: 11000, dischargeLimit: -5000, setpoint: -5000, operationMode: 'CentralSetpoint' }],
    },
    {
      name: 'the station maximum caps a charging setpoint too (K08.FR.08)',
      periods: [{ startPeriod: 0, operationMode: 'CentralSetpoint', setpoint: 7000 }, { startPeriod: H, operationMode: 'CentralSetpoint', setpoint: -7000, dischargeLimit: -6000 }],
      max: 4000,
      expected: [
        { startPeriod: 0, limit: 4000, setpoint: 4000, operationMode: 'CentralSetpoint' },
        { startPeriod: H, limit: 4000, dischargeLimit: -6000, setpoint: -6000, operationMode: 'CentralSetpoint' },
      ],
    },
    {
      name: 'operationMode changes per period; ChargingOnly periods carry no setpoint or discharge limit',
      periods: [{ startPeriod: 0, limit: 7000 }, { startPeriod: H, operationMode: 'CentralSetpoint', setpoint: -3000, dischargeLimit: -10000 }, { startPeriod: 2 * H, operationMode: 'Idle' }],
      expected: [
        { startPeriod: 0, limit: 7000, operationMode: 'ChargingOnly' },
        { startPeriod: H, dischargeLimit: -10000, setpoint: -3000, operationMode: 'CentralSetpoint' },
        { startPeriod: 2 * H, limit: 0, dischargeLimit: 0, operationMode: 'Idle' },
      ],
    },
    {
      name: 'the dischargeLimit closest to zero of the merged profiles wins (SC.04)',
      periods: [{ startPeriod: 0, operationMode: 'CentralSetpoint', setpoint: -2500, dischargeLimit: -9000 }],
      hardware: { limit: 22000, dischargeLimit: -3000 },
      expected: [{ startPeriod: 0, limit: 22000, dischargeLimit: -3000, setpoint: -2500, operationMode: 'CentralSetpoint' }],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const profiles = [on(1, tx(c.periods))];
      if (c.max !== undefined) profiles.push(on(0, profile({ chargingProfilePurpose: 'ChargingStationMaxProfile' }, { chargingRateUnit: 'W', periods: [{ startPeriod: 0, limit: c.max }] })));
      expect(v2x(profiles, c.hardware ? { hardwareLimit: { chargingRateUnit: 'W', ...c.hardware } } : {})).toEqual(c.expected);
    });
  }

  it('converts setpoints and discharge limits between A and W like limits', () => {
    const p = profile({ chargingProfilePurpose: 'TxProfile', transactionId: 'TX' }, { chargingRateUnit: 'A', periods: [{ startPeriod: 0, operationMode: 'CentralSetpoint', setpoint: -10, dischargeLimit: -16, limit: 16 }] });
    expect(v2x([on(1, p)], { chargingRateUnit: 'W' })).toEqual([{ startPeriod: 0, limit: 11040, dischargeLimit: -11040, setpoint: -6900, operationMode: 'CentralSetpoint' }]);
  });

  it('an external system’s setpoint (ExternalSetpoint) takes precedence over the CSMS’s', () => {
    const ext = profile({ chargingProfilePurpose: 'ChargingStationExternalConstraints' }, { chargingRateUnit: 'W', periods: [{ startPeriod: 0, operationMode: 'ExternalSetpoint', setpoint: -1000 }] });
    const mine = tx([{ startPeriod: 0, operationMode: 'CentralSetpoint', setpoint: 2000, dischargeLimit: -5000 }]);
    expect(v2x([on(0, ext), on(1, mine)])).toEqual([{ startPeriod: 0, dischargeLimit: -5000, setpoint: -1000, operationMode: 'ExternalSetpoint' }]);
  });

  it('Dynamic profiles follow UpdateDynamicSchedule (K28)', () => {
    const dyn = profile({ chargingProfilePurpose: 'TxProfile', transactionId: 'TX', chargingProfileKind: 'Dynamic' }, { chargingRateUnit: 'W', startSchedule: undefined, periods: [{ startPeriod: 0, operationMode: 'CentralSetpoint', setpoint: 1000, limit: 11000, dischargeLimit: -11000 }] });
    const updated = applyDynamicScheduleUpdate(dyn, { setpoint: -4000 }, MONDAY + 5000);
    expect(updated.status).toBe('Accepted');
    if (updated.status !== 'Accepted') return;
    expect(updated.profile.dynUpdateTime).toBe(MONDAY + 5000);
    expect(v2x([on(1, updated.profile)])).toEqual([{ startPeriod: 0, limit: 11000, dischargeLimit: -11000, setpoint: -4000, operationMode: 'CentralSetpoint' }]);
    expect(applyDynamicScheduleUpdate(dyn, { setpoint: -20000 }, MONDAY)).toMatchObject({ status: 'Rejected', reasonCode: 'InvalidSchedule' });
    expect(applyDynamicScheduleUpdate(tx([{ startPeriod: 0, limit: 1 }]), { limit: 2 }, MONDAY)).toMatchObject({ status: 'Rejected', reasonCode: 'InvalidProfile' });
  });
});

describe('randomized delay (K01.FR.92–94)', () => {
  const s: ChargingSchedule = {
    chargingRateUnit: 'W',
    startSchedule: MONDAY,
    duration: 86400,
    randomizedDelay: 600,
    chargingSchedulePeriod: [{ startPeriod: 0, limit: 999999 }, { startPeriod: 28800, limit: 0 }, { startPeriod: 28900, limit: 5 }, { startPeriod: 39600, limit: 999999 }],
  };
  it('delays every period but the first, keeps duration and startSchedule, drops overtaken periods', () => {
    const draws = [0.999, 0, 0.5];
    const out = applyRandomizedDelay(s, () => draws.shift()!);
    expect(out).toMatchObject({ duration: 86400, startSchedule: MONDAY, randomizedDelay: 0 });
    // 28800+600 is overtaken by 28900+0
    expect(out.chargingSchedulePeriod.map((p) => p.startPeriod)).toEqual([0, 28900, 39900]);
  });
  it('leaves a schedule without randomizedDelay alone', () => {
    const plain = { ...s, randomizedDelay: undefined };
    expect(applyRandomizedDelay(plain, () => 0.5)).toBe(plain);
  });
});
