// One message, seen from both ends: the sender's 'tx' event and the receiver's 'rx' event. Both
// processes trace the same message name on the same link, and usually the same correlation id
// (ISO 15118 SessionID, OCPP message id, OCPI X-Request-ID); ISO 15118 SessionSetupReq is the
// exception (the EV sends SessionID 00, the EVSE traces the new one).
import type { TraceEvent } from '../event.js';

export interface PairOptions {
  /** how far a receiver's clock may run behind the sender's (ms); default 100 */
  skewMs?: number;
  /** a message not received within this time is taken as lost (ms); default 60 000 */
  maxLatencyMs?: number;
}

/** Events in time order (by `ts`; ties keep input order): indexes into `events`. */
export function timeOrder(events: readonly TraceEvent[]): number[] {
  return events.map((_, i) => i).sort((a, b) => events[a]!.ts - events[b]!.ts || a - b);
}

const groupKey = (e: TraceEvent): string => `${e.link}\u0000${e.protocol}\u0000${e.message}`;

/**
 * For each event, the index of the event at the other end of the same message, or -1. Rule: each
 * rx event (in time order) takes the earliest unmatched tx event of the same link, protocol and
 * message by another actor that is not later than the rx (within `skewMs`), preferring one with
 * the same correlation id. First in, first out, so a fast charge loop pairs in order.
 */
export function pairMessages(events: readonly TraceEvent[], opts: PairOptions = {}): Int32Array {
  const skew = opts.skewMs ?? 100;
  const maxLatency = opts.maxLatencyMs ?? 60_000;
  const pair = new Int32Array(events.length).fill(-1);
  const groups = new Map<string, { tx: number[]; rx: number[] }>();
  for (const i of timeOrder(events)) {
    const e = events[i]!;
    const k = groupKey(e);
    let g = groups.get(k);
    if (!g) groups.set(k, (g = { tx: [], rx: [] }));
    (e.direction === 'tx' ? g.tx : g.rx).push(i);
  }
  for (const { tx, rx } of groups.values()) {
    if (tx.length === 0 || rx.length === 0) continue;
    let start = 0;
    for (const r of rx) {
      const re = events[r]!;
      // drop what can no longer match: paired, or sent too long before this rx
      while (start < tx.length && (pair[tx[start]!] !== -1 || events[tx[start]!]!.ts < re.ts - maxLatency)) start++;
      let first = -1;
      let sameId = -1;
      for (let k = start; k < tx.length; k++) {
        const t = tx[k]!;
        const te = events[t]!;
        if (te.ts > re.ts + skew) break;
        if (pair[t] !== -1 || te.actor === re.actor) continue;
        if (first === -1) first = t;
        if (re.correlationId !== undefined && te.correlationId === re.correlationId) {
          sameId = t;
          break;
        }
      }
      const t = sameId !== -1 ? sameId : first;
      if (t !== -1) {
        pair[t] = r;
        pair[r] = t;
      }
    }
  }
  return pair;
}
