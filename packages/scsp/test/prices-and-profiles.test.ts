import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { chargingProfileOf, constraintsFromActiveProfile, lowerEnvelope, parsePriceCsv, parsePriceFile, parsePriceJson, PriceFileError } from '../src/index.js';

const T0 = Date.UTC(2026, 0, 1, 18);
const H = 3_600_000;

describe('price files', () => {
  it('CSV with a header, an export column and comments', () => {
    const s = parsePriceCsv('# day-ahead\ntime,price,export_price\n2026-01-01T18:00:00Z,0.30,0.10\n2026-01-01T20:00:00+01:00,0.25,\n', 'EUR');
    expect(s).toEqual({ currency: 'EUR', points: [{ start: T0, importPrice: 0.3, exportPrice: 0.1 }, { start: T0 + H, importPrice: 0.25 }] });
  });

  it('CSV without a header; columns found by name in any order', () => {
    expect(parsePriceCsv('2026-01-01T18:00:00Z,0.3\n2026-01-01T19:00:00Z,0.2').points).toEqual([
      { start: T0, importPrice: 0.3 },
      { start: T0 + H, importPrice: 0.2 },
    ]);
    expect(parsePriceCsv('price;time\n0.3;2026-01-01T18:00:00Z').points).toEqual([{ start: T0, importPrice: 0.3 }]);
  });

  it('JSON: a list, or an object with currency', () => {
    expect(parsePriceJson('[{"time":"2026-01-01T18:00:00Z","price":0.3,"export_price":0.1}]').points).toEqual([{ start: T0, importPrice: 0.3, exportPrice: 0.1 }]);
    expect(parsePriceJson('{"currency":"EUR","prices":[{"time":"2026-01-01T18:00:00Z","price":"0.3"}]}')).toEqual({ currency: 'EUR', points: [{ start: T0, importPrice: 0.3 }] });
  });

  it('errors say where and what', () => {
    const bad = (f: () => unknown, re: RegExp) => {
      expect(f).toThrow(PriceFileError);
      expect(f).toThrow(re);
    };
    bad(() => parsePriceCsv('time,price\n2026-01-01T18:00:00,0.3'), /line 2: time must be ISO 8601 with a zone/);
    bad(() => parsePriceCsv('time,price\n2026-01-01T18:00:00Z,abc'), /line 2: price must be a number/);
    bad(() => parsePriceCsv('time,price\n2026-01-01T19:00:00Z,1\n2026-01-01T18:00:00Z,1'), /ascending order/);
    bad(() => parsePriceCsv('when,cost\n'), /header must name the columns time and price/);
    bad(() => parsePriceCsv('# nothing'), /no prices/);
    bad(() => parsePriceJson('{'), /not JSON/);
    bad(() => parsePriceJson('{"currency":"euro","prices":[]}'), /ISO 4217/);
  });

  it('the sample file parses: 30 hours with export prices', async () => {
    const text = await readFile(new URL('../examples/day-ahead.csv', import.meta.url), 'utf8');
    const s = parsePriceFile('day-ahead.csv', text, 'EUR');
    expect(s.points).toHaveLength(30);
    expect(s.points[0]).toEqual({ start: T0, importPrice: 0.318, exportPrice: 0.298 });
  });
});

describe('charging profiles', () => {
  it('the active profile → limits (A converted with the configured supply), its maximum and min rate', () => {
    const c = constraintsFromActiveProfile(
      {
        start_date_time: '2026-01-01T18:00:00Z',
        charging_profile: { charging_rate_unit: 'A', duration: 7200, min_charging_rate: 6, charging_profile_period: [{ start_period: 3600, limit: 10 }, { start_period: 0, limit: 16 }] },
      },
      { voltageV: 230, phases: 3 },
    );
    expect(c.limits).toEqual([
      { start: T0, maxW: 16 * 690 },
      { start: T0 + H, maxW: 10 * 690 },
    ]);
    expect(c.maxW).toBe(11_040);
    expect(c.minW).toBe(4_140);
    expect(c.end).toBe(T0 + 2 * H);
    expect(c.notes.join()).toMatch(/in A: converted at 230 V × 3 phases/);
  });

  it('a schedule → a W profile with non-negative limits; discharge periods are not carried', () => {
    const p = chargingProfileOf({
      start: T0,
      end: T0 + 4 * H,
      periods: [
        { start: T0, end: T0 + H, powerW: -5000 },
        { start: T0 + H, end: T0 + 2 * H, powerW: 0 },
        { start: T0 + 2 * H, end: T0 + 4 * H, powerW: 7399.96 },
      ],
    });
    expect(p.profile).toEqual({ start_date_time: '2026-01-01T18:00:00Z', duration: 14_400, charging_rate_unit: 'W', charging_profile_period: [{ start_period: 0, limit: 0 }, { start_period: 7200, limit: 7399.9 }] });
    expect(p.notCarried).toEqual([{ start: T0, end: T0 + H, powerW: -5000 }]);
    expect(p.notCarriedWh).toBe(5000);
  });

  it('lower envelope of limit steps', () => {
    expect(lowerEnvelope({ steps: [{ start: T0, maxW: 11_000 }, { start: T0 + 2 * H, maxW: 7_400 }], until: T0 + 3 * H }, { steps: [{ start: 0, maxW: 9_000 }] })).toEqual([
      { start: 0, maxW: 9_000 },
      { start: T0 + 2 * H, maxW: 7_400 },
      { start: T0 + 3 * H, maxW: 9_000 },
    ]);
  });
});
