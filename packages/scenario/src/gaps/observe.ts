// What one run showed, per data object: for each link of the chain EV–EVSE–CSMS–SCSP whether the
// object crossed it (by which message and field, how fast), and for each actor whether it had
// the object (as its source, or by which message after how long from the source's send). Read
// from the run's journeys (@v2xsim/trace analysis), never from anything but the trace.
import { analysis, dictionary, type TraceLink } from '@v2xsim/trace';

type DataObjectId = dictionary.DataObjectId;
type DictProtocol = dictionary.DictProtocol;
type Role = analysis.Role;

export type ChainLink = Exclude<TraceLink, 'control'>;

/** The actors of D2.3 §8.1 in the order the links join them. */
export const CHAIN_ROLES: readonly Role[] = ['EV', 'EVSE', 'CSMS', 'SCSP'];
export const CHAIN_LINKS: readonly { link: ChainLink; roles: readonly [Role, Role] }[] = [
  { link: 'ev-evse', roles: ['EV', 'EVSE'] },
  { link: 'evse-csms', roles: ['EVSE', 'CSMS'] },
  { link: 'csms-scsp', roles: ['CSMS', 'SCSP'] },
];

/** One message that carried the object. */
export interface HopRef {
  protocol: DictProtocol;
  message: string;
  /** the field path, `/`-separated */
  field: string;
  from: string;
  to: string;
  fromRole?: Role;
  toRole?: Role;
  /** a field only the SCALE extension has */
  scale: boolean;
  /** the value in the object's canonical unit */
  value?: unknown;
  /** tx → rx of this message, wall ms */
  latencyMs?: number;
  /** the source's first send → this message's arrival, wall ms */
  sinceSourceMs?: number;
}

export interface LinkObservation {
  link: ChainLink;
  /** the run had this link (events on it) */
  present: boolean;
  protocol?: DictProtocol;
  /** the trace shows the SCALE extension in use on it */
  scale?: boolean;
  crossed: boolean;
  /** the first message that carried it over the link */
  first?: HopRef;
  /** the first message each way: `up` from the EV's end towards the SCSP's, `down` back */
  up?: HopRef;
  down?: HopRef;
  /** distinct values carried over the link */
  hops: number;
  /** why not, when it did not cross (the journey's gap) */
  gap?: { kind: analysis.GapKind; reason: string };
}

export interface RoleObservation {
  role: Role;
  status: analysis.CellStatus;
  /** the actor had the object: it sent it first (source) or received it */
  has: boolean;
  actor?: string;
  /** for `reached`: the message that brought it; for `source`: the first message it sent it in */
  via?: HopRef;
  /** the source's first send → the (first) arrival here, wall ms */
  delayMs?: number;
  gap?: analysis.GapKind;
  reason?: string;
  /** the actor is where the object starts (D2.3 §11) but never sent it */
  silentSource?: boolean;
  /** the actor sent the object before it received it, though it is not where the object starts (D2.3 §11): it made up a value of its own (the CPO's OCPI Session.id) */
  startedHere?: boolean;
  /** the first message that brought the object to this actor (from any sender), and when after the source's send */
  received?: HopRef;
  /** the links it arrived over */
  receivedOver: ChainLink[];
}

export interface ObjectObservation {
  object: DataObjectId;
  links: Record<ChainLink, LinkObservation>;
  roles: Record<Role, RoleObservation>;
}

function hopRef(h: analysis.Hop): HopRef {
  return {
    protocol: h.protocol,
    message: h.message,
    field: h.fields[0]?.path ?? '',
    from: h.from,
    to: h.to,
    ...(h.fromRole ? { fromRole: h.fromRole } : {}),
    ...(h.toRole ? { toRole: h.toRole } : {}),
    scale: h.scale,
    ...(h.value !== undefined ? { value: h.value } : {}),
    ...(h.latencyMs !== undefined ? { latencyMs: h.latencyMs } : {}),
    ...(h.sinceOriginMs !== undefined ? { sinceSourceMs: h.sinceOriginMs } : {}),
  };
}

/** Every data object of the dictionary as one run's trace shows it. */
export function observeRun(report: analysis.JourneyReport, name = 'run'): Record<DataObjectId, ObjectObservation> {
  const table = analysis.gapTable([{ name, report }]);
  const out = {} as Record<DataObjectId, ObjectObservation>;
  for (const j of report.journeys) {
    const row = table.rows.find((r) => r.object === j.object)!;
    const links = {} as Record<ChainLink, LinkObservation>;
    for (const { link } of CHAIN_LINKS) {
      const info = report.links.find((l) => l.link === link && l.protocols.length > 0);
      const hops = j.hops.filter((h) => h.link === link);
      const gap = j.gaps.find((g) => g.link === link);
      const rank = (r: Role | undefined): number => (r ? CHAIN_ROLES.indexOf(r) : -1);
      const up = hops.find((h) => h.fromRole && h.toRole && rank(h.fromRole) < rank(h.toRole));
      const down = hops.find((h) => h.fromRole && h.toRole && rank(h.fromRole) > rank(h.toRole));
      links[link] = {
        link,
        present: info !== undefined,
        ...(info ? { protocol: info.protocols[0]!, scale: info.scale } : {}),
        crossed: hops.length > 0,
        ...(hops.length > 0 ? { first: hopRef(hops[0]!) } : {}),
        ...(up ? { up: hopRef(up) } : {}),
        ...(down ? { down: hopRef(down) } : {}),
        hops: hops.length,
        ...(hops.length === 0 && gap ? { gap: { kind: gap.kind, reason: gap.reason } } : {}),
      };
    }
    const roles = {} as Record<Role, RoleObservation>;
    const sources = analysis.sourceRoles(dictionary.DATA_OBJECTS[j.object].source);
    for (const role of CHAIN_ROLES) {
      const cell = row.cells[role];
      const first = j.reached.find((r) => r.role === role && r.how === (cell.status === 'source' ? 'source' : 'received'));
      const has = cell.status === 'source' || cell.status === 'reached';
      const hop = has && first ? j.hops[first.hop] : undefined;
      const arrivals = j.hops.filter((h) => h.toRole === role && h.rx !== undefined).sort((a, b) => a.rx!.ts - b.rx!.ts);
      roles[role] = {
        role,
        status: cell.status,
        has,
        ...(first ? { actor: first.actor } : {}),
        ...(hop ? { via: hopRef(hop) } : {}),
        ...(cell.delayMs !== undefined ? { delayMs: cell.delayMs } : arrivals[0]?.sinceOriginMs !== undefined && !sources.includes(role) ? { delayMs: arrivals[0].sinceOriginMs } : {}),
        ...(cell.gap ? { gap: cell.gap } : {}),
        ...(cell.reason ? { reason: cell.reason } : {}),
        ...(cell.silentSource ? { silentSource: true } : {}),
        ...(cell.status === 'source' && !sources.includes(role) ? { startedHere: true } : {}),
        ...(arrivals.length > 0 ? { received: hopRef(arrivals[0]!) } : {}),
        receivedOver: [...new Set(arrivals.map((h) => h.link as ChainLink))],
      };
    }
    out[j.object] = { object: j.object, links, roles };
  }
  return out;
}
