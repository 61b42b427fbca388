// A scenario's event predicate (types.ts EventMatchSpec) as @v2xsim/trace's EventMatch: the
// message pattern as a RegExp; the rest is the same shape.
import type { analysis } from '@v2xsim/trace';
import type { EventMatchSpec } from './types.js';

export function eventMatch(m: EventMatchSpec): analysis.EventMatch {
  const { messagePattern, ...rest } = m;
  return { ...rest, ...(messagePattern !== undefined ? { message: new RegExp(messagePattern) } : {}) };
}

/** One line for messages: who, what, which fields. */
export function describeMatch(m: EventMatchSpec): string {
  const list = (v: string | string[] | undefined): string | undefined => (v === undefined ? undefined : Array.isArray(v) ? v.join('|') : v);
  const fields = m.fields ? Object.entries(m.fields).map(([k, v]) => `${k}=${JSON.stringify(v)}`) : [];
  return [list(m.actor) ?? list(m.role), m.direction, list(m.protocol), list(m.message) ?? (m.messagePattern ? `/${m.messagePattern}/` : undefined), ...fields].filter((x) => x !== undefined).join(' ') || 'any event';
}
