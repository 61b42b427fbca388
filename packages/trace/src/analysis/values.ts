// Comparing data-object values across hops. Every carrier converts to the object's canonical unit
// (dictionary/read.ts), so a value is "the same" when it is equal within the unit's tolerance: a
// W from an ISO 15118-20 RationalNumber, an OCPP number and an OCPI kW volume compare directly.
import type { CanonicalUnit } from '../dictionary/index.js';

export interface Tolerance {
  /** absolute, in the canonical unit (ms for instants) */
  abs?: number;
  /** relative to the larger magnitude (0.01 = 1 %) */
  rel?: number;
}

/**
 * Defaults: powers and energies 1 W / 1 Wh or 1 % (PhysicalValue multipliers and OCPI's kW/kWh
 * round); SoC 0.5 % (ISO 15118-2 EVRESSSOC is an integer percentage); instants 60 s (ISO 15118
 * DepartureTime is "seconds from now" on each process's own sim clock, which at a high speed factor
 * moves many sim seconds per wall millisecond of latency); durations 1 s.
 */
export const DEFAULT_TOLERANCE: Readonly<Partial<Record<CanonicalUnit, Tolerance>>> = {
  W: { abs: 1, rel: 0.01 },
  Wh: { abs: 1, rel: 0.01 },
  '%': { abs: 0.5 },
  time: { abs: 60_000 },
  s: { abs: 1 },
  price: { abs: 1e-6, rel: 1e-6 },
};

/** For repeats on one link: the same value, up to floating-point noise (a meter reading 10 Wh up is a new value). */
export const EXACT: Readonly<Partial<Record<CanonicalUnit, Tolerance>>> = { W: { rel: 1e-9 }, Wh: { rel: 1e-9 }, '%': { rel: 1e-9 }, time: { abs: 1 }, s: { rel: 1e-9 }, price: { rel: 1e-9 } };

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a === 'bigint' || typeof b === 'bigint') return String(a) === String(b);
  if (!isObj(a) || !isObj(b) || Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k) => deepEqual(a[k], b[k]));
}

/** Identifiers as the protocols spell them: DIN hex, ISO `DE*ABC*E1`, OCPI `DEABCE1`; compared without separators and case. */
const normId = (s: string): string => s.replace(/[*\s-]/g, '').toUpperCase();

/** Two canonical values of a data object of `unit` are the same value. */
export function sameValue(unit: CanonicalUnit, a: unknown, b: unknown, tolerance: Readonly<Partial<Record<CanonicalUnit, Tolerance>>> = DEFAULT_TOLERANCE): boolean {
  if (a === undefined || b === undefined) return false;
  if (typeof a === 'number' && typeof b === 'number') {
    const t = tolerance[unit] ?? {};
    const diff = Math.abs(a - b);
    return diff <= (t.abs ?? 0) || diff <= (t.rel ?? 0) * Math.max(Math.abs(a), Math.abs(b));
  }
  if (unit === 'id' && typeof a === 'string' && typeof b === 'string') return normId(a) === normId(b);
  return deepEqual(a, b);
}

/** JSON-safe copy of a raw field (bigint → decimal string), so reports serialise. */
export function jsonSafe(v: unknown, depth = 0): unknown {
  if (typeof v === 'bigint') return v.toString();
  if (depth > 20 || !isObj(v)) return v;
  if (Array.isArray(v)) return v.map((x) => jsonSafe(x, depth + 1));
  if (v instanceof Uint8Array) return Buffer.from(v).toString('hex');
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, jsonSafe(x, depth + 1)]));
}
