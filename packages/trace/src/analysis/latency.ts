// End-to-end latencies: the time from one traced event to a later one, across actors and
// protocols, declared as two predicates. D2.3 §11.3 says nobody can estimate the worst case once
// OCPP (no timeouts, no performance times) and OCPI are in the path; the simulator measures it.
import type { TraceEvent } from '../event.js';
import { matchEvent, type EventMatch } from './match.js';
import type { Role } from './roles.js';
import { stats, type Stats } from './stats.js';

export interface LatencyDefinition {
  id: string;
  label: string;
  /** where D2.3 talks about it */
  d23?: string;
  from: EventMatch;
  to: EventMatch;
  /** several `from` events before one `to`: measure from the first (default: how long the oldest change waited) or the last */
  measureFrom?: 'first' | 'last';
  /** a `from` not followed by a `to` within this time (wall ms) is unmatched */
  withinMs?: number;
  /** a latency above this is a breach (wall ms) */
  budgetMs?: number;
  /** keeps parallel sessions apart: a `to` only ends a `from` with the same key (e.g. a session id) */
  key?: (event: TraceEvent) => string | undefined;
}

export interface LatencyEnd {
  event: number;
  actor: string;
  message: string;
  ts: number;
  simTime?: number;
}

export interface LatencySample {
  from: LatencyEnd;
  to: LatencyEnd;
  /** wall ms */
  latencyMs: number;
  /** sim ms, when both events have sim time */
  simLatencyMs?: number;
  /** `from` events folded into this sample (a change made again before the first one arrived) */
  coalesced: number;
}

export interface LatencyResult {
  id: string;
  label: string;
  d23?: string;
  budgetMs?: number;
  samples: LatencySample[];
  stats?: Stats;
  /** `from` events that no `to` followed */
  unmatched: number;
  breaches: number;
}

const isSchedule = ['ChargeParameterDiscoveryRes', 'ScheduleExchangeRes'];
const EV_NEEDS = ['ChargeParameterDiscoveryReq', 'AC_ChargeParameterDiscoveryReq', 'DC_ChargeParameterDiscoveryReq', 'ScheduleExchangeReq'];
/** the EV receives a schedule it can use: after a renegotiation, the first one that is Finished */
const EV_GETS_SCHEDULE: EventMatch = { role: 'EV', direction: 'rx', message: isSchedule, fields: { EVSEProcessing: 'Finished' } };

/** The end-to-end latencies D2.3 §11 discusses. */
export const D23_LATENCIES: readonly LatencyDefinition[] = [
  {
    id: 'departure-time-to-ev-schedule',
    label: 'departure time changed at the eMSP (OCPI ChargingPreferences) → the EV receives a renegotiated schedule',
    d23: '§11.4 (the MSP sends departure times via OCPI), §11.3 (OCPP has no timing), §11.2 (renegotiation)',
    from: { protocol: 'ocpi2.2.1', message: /^PUT \/sessions\/\{session_id\}\/charging_preferences$/ },
    to: EV_GETS_SCHEDULE,
  },
  {
    id: 'scsp-profile-to-ev-schedule',
    label: 'the SCSP sends a charging profile (OCPI SetChargingProfile) → the EV receives a renegotiated schedule',
    d23: '§11.4 (profile sent to the CPO, then the EVSE, then back to the EV)',
    from: { role: 'SCSP', direction: 'tx', protocol: 'ocpi2.2.1', message: 'PUT /chargingprofiles/{session_id}' },
    to: EV_GETS_SCHEDULE,
  },
  {
    id: 'csms-profile-to-ev-schedule',
    label: 'the CSMS sends SetChargingProfile → the EV receives a renegotiated schedule',
    d23: '§11.2 (the EVSE renegotiates to apply a change requested by the CPO), §11.3',
    from: { role: 'CSMS', direction: 'tx', message: 'SetChargingProfileRequest' },
    to: EV_GETS_SCHEDULE,
  },
  {
    id: 'ev-needs-to-csms',
    label: 'the EV sends its charge parameters (ISO 15118) → the CSMS receives NotifyEVChargingNeeds',
    d23: '§11.3 (OCPP constraints and the EVSE’s processing time add to the ISO 15118 timing)',
    from: { role: 'EV', direction: 'tx', message: EV_NEEDS },
    to: { role: 'CSMS', direction: 'rx', message: 'NotifyEVChargingNeedsRequest' },
  },
  {
    id: 'ev-needs-to-scsp-active-profile',
    label: 'the EV sends its charge parameters → the SCSP receives the active charging profile (OCPI)',
    d23: '§11.4 (the SCSP cannot get the EV parameters, only the active charging profile)',
    from: { role: 'EV', direction: 'tx', message: EV_NEEDS },
    to: { role: 'SCSP', direction: 'rx', protocol: 'ocpi2.2.1', message: ['PUT /chargingprofiles/{session_id}', 'POST /chargingprofiles/result/{uid}'] },
  },
  {
    id: 'meter-values-to-scsp',
    label: 'the EVSE reports meter values (OCPP) → the SCSP/eMSP receives the session update (OCPI)',
    d23: '§11.4 (the driver is informed of the status of a session)',
    from: { role: 'EVSE', direction: 'tx', message: ['MeterValuesRequest', 'TransactionEventRequest'] },
    to: { role: 'SCSP', direction: 'rx', protocol: 'ocpi2.2.1', message: /^(PUT|PATCH) \/sessions\/\{country_code\}\/\{party_id\}\/\{session_id\}$/ },
  },
];

/** Measures each definition over the events (`order`: indexes in time order; `pair`: the other end of each message, pairs.ts). */
export function measureLatencies(events: readonly TraceEvent[], order: readonly number[], roles: ReadonlyMap<string, Role>, defs: readonly LatencyDefinition[], pair?: Int32Array): LatencyResult[] {
  return defs.map((def) => {
    const pending = new Map<string, number[]>();
    const samples: LatencySample[] = [];
    let unmatched = 0;
    const end = (i: number): LatencyEnd => {
      const e = events[i]!;
      return { event: i, actor: e.actor, message: e.message, ts: e.ts, ...(e.simTime !== undefined ? { simTime: e.simTime } : {}) };
    };
    for (const i of order) {
      const e = events[i]!;
      const key = def.key?.(e) ?? '';
      if (matchEvent(def.to, e, roles)) {
        let froms = pending.get(key) ?? [];
        if (def.withinMs !== undefined) {
          const fresh = froms.filter((f) => e.ts - events[f]!.ts <= def.withinMs!);
          unmatched += froms.length - fresh.length;
          froms = fresh;
          pending.set(key, froms);
        }
        if (froms.length > 0) {
          const f = def.measureFrom === 'last' ? froms[froms.length - 1]! : froms[0]!;
          const fe = events[f]!;
          samples.push({
            from: end(f),
            to: end(i),
            latencyMs: e.ts - fe.ts,
            ...(fe.simTime !== undefined && e.simTime !== undefined ? { simLatencyMs: e.simTime - fe.simTime } : {}),
            coalesced: froms.length - 1,
          });
          pending.delete(key);
        }
      }
      if (matchEvent(def.from, e, roles)) {
        let froms = pending.get(key);
        if (!froms) pending.set(key, (froms = []));
        // the other end of a message already pending (sender and receiver both match) is the same change
        const other = pair?.[i] ?? -1;
        if (other === -1 || !froms.includes(other)) froms.push(i);
      }
    }
    for (const froms of pending.values()) unmatched += froms.length;
    const s = stats(samples.map((x) => x.latencyMs));
    return {
      id: def.id,
      label: def.label,
      ...(def.d23 ? { d23: def.d23 } : {}),
      ...(def.budgetMs !== undefined ? { budgetMs: def.budgetMs } : {}),
      samples,
      ...(s ? { stats: s } : {}),
      unmatched,
      breaches: def.budgetMs === undefined ? 0 : samples.filter((x) => x.latencyMs > def.budgetMs!).length,
    };
  });
}
