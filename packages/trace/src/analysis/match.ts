// Declarative predicates on trace events, for end-to-end latencies and for the renegotiation
// markers: who (role or actor), where (link, protocol), what (message, direction) and which field
// values, so a latency is data that can be listed, printed and reviewed.
import type { TraceDirection, TraceEvent, TraceLink } from '../event.js';
import { dictProtocol, messageViews } from './normalize.js';
import type { Role } from './roles.js';

export type FieldExpect = string | number | boolean | readonly (string | number | boolean)[] | { readonly exists: boolean };

export interface EventMatch {
  role?: Role | readonly Role[];
  actor?: string | readonly string[];
  link?: TraceLink;
  /** dictionary protocol (`iso15118-2`, `ocpp2.0.1`, `ocpi2.2.1`) or as traced (`ocpp`, `ocpi`, `apphand`); a list: any of them */
  protocol?: string | readonly string[];
  direction?: TraceDirection;
  /** message name as traced; a list: any of them; a RegExp: tested on the name */
  message?: string | readonly string[] | RegExp;
  /**
   * Field values of the message element (ISO 15118-2/DIN: inside `Body.<message>`; -20: inside the
   * message; OCPP: the payload; OCPI: the object carried), by `.`-separated path. An array on the
   * way matches when any item matches.
   */
  fields?: Readonly<Record<string, FieldExpect>>;
  /** an escape hatch for what the above cannot say */
  test?: (event: TraceEvent) => boolean;
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const list = <T>(x: T | readonly T[]): readonly T[] => (Array.isArray(x) ? (x as readonly T[]) : [x as T]);

/** The message element field predicates look into. */
export function messageElement(event: TraceEvent): unknown {
  const body = event.body;
  if (!isObj(body)) return undefined;
  switch (event.protocol) {
    case 'iso15118-2':
    case 'din70121': {
      const msg = body.V2G_Message;
      return isObj(msg) && isObj(msg.Body) ? msg.Body[event.message] : undefined;
    }
    case 'iso15118-20':
      return body[event.message];
    default: {
      const p = dictProtocol(event);
      if (p === 'ocpi2.2.1') return messageViews(event, p)[0]?.body ?? body;
      return body;
    }
  }
}

/** Every value at a dotted path (arrays fan out). */
export function valuesAt(root: unknown, path: string): unknown[] {
  let cur: unknown[] = [root];
  for (const seg of path.split('.')) {
    const next: unknown[] = [];
    for (const c of cur) {
      for (const item of Array.isArray(c) ? c : [c]) if (isObj(item) && seg in item) next.push(item[seg]);
    }
    cur = next.flatMap((x) => (Array.isArray(x) ? x : [x]));
  }
  return cur;
}

function fieldMatches(root: unknown, path: string, expect: FieldExpect): boolean {
  const values = valuesAt(root, path);
  if (isObj(expect) && 'exists' in expect) return (values.length > 0) === (expect as { exists: boolean }).exists;
  const wanted = list(expect as string | number | boolean | readonly (string | number | boolean)[]);
  return values.some((v) => wanted.includes(v as string | number | boolean));
}

export function matchEvent(m: EventMatch, event: TraceEvent, roles: ReadonlyMap<string, Role>): boolean {
  if (m.direction && event.direction !== m.direction) return false;
  if (m.link && event.link !== m.link) return false;
  if (m.actor && !list(m.actor).includes(event.actor)) return false;
  if (m.role) {
    const r = roles.get(event.actor);
    if (!r || !list(m.role).includes(r)) return false;
  }
  if (m.protocol) {
    const p = dictProtocol(event);
    if (!list(m.protocol).some((x) => x === event.protocol || x === p)) return false;
  }
  if (m.message !== undefined) {
    if (m.message instanceof RegExp) {
      if (!m.message.test(event.message)) return false;
    } else if (!list(m.message).includes(event.message)) return false;
  }
  if (m.fields) {
    const root = messageElement(event);
    for (const [path, expect] of Object.entries(m.fields)) if (!fieldMatches(root, path, expect)) return false;
  }
  if (m.test && !m.test(event)) return false;
  return true;
}
