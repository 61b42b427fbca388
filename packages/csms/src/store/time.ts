import { StoreError } from './errors.js';

/**
 * A date-time as stored: ISO 8601 UTC with milliseconds (`2025-01-01T00:00:00.000Z`). The same
 * instant written `…T00:00:00Z` or `…T01:00:00+01:00` by a station becomes one string, so
 * uniqueness keys and ordering work on the text.
 */
export function storedTime(value: string | number | Date): string {
  const ms = typeof value === 'string' ? Date.parse(value) : typeof value === 'number' ? value : value.getTime();
  if (!Number.isFinite(ms)) throw new StoreError('InvalidInput', `not a date-time: ${String(value)}`);
  return new Date(ms).toISOString();
}

export function optionalStoredTime(value: string | number | Date | undefined | null): string | null {
  return value === undefined || value === null ? null : storedTime(value);
}
