// The links of a run: one per pair of actors that talk on a link kind (an EV and an EVSE on
// ev-evse, that EVSE and a CSMS on evse-csms, …), with the protocols they spoke and whether the
// SCALE variant was on. Gaps are stated per link: "this protocol cannot carry it" needs to know
// which protocol the link spoke.
import type { TraceEvent, TraceLink } from '../event.js';
import { carriersOf, type DataObjectId, type DictProtocol } from '../dictionary/index.js';
import { gapReason } from '../dictionary/gaps.js';
import { dictProtocol, isScaleEvent, type ScaleOptions } from './normalize.js';
import type { Role } from './roles.js';

export interface LinkInfo {
  /** `<link> <actor>|<actor>` (actors sorted); an end that is not traced is its peer address */
  key: string;
  link: TraceLink;
  actors: [string, string];
  roles: [Role | undefined, Role | undefined];
  /** dictionary protocols spoken on the link (ISO 15118 -2/-20/DIN, OCPP version, OCPI) */
  protocols: DictProtocol[];
  /** versions as traced (ISO namespaces, OCPP and OCPI versions) */
  versions: string[];
  /** the SCALE variant was in use (an ISO SCALE namespace; OCPP customData with the SCALE vendorId) */
  scale: boolean;
  events: number;
}

/** The role at the other end of a link from `role`. */
export function otherRole(link: TraceLink, role: Role | undefined): Role | undefined {
  switch (link) {
    case 'ev-evse':
      return role === 'EV' ? 'EVSE' : role === 'EVSE' ? 'EV' : undefined;
    case 'evse-csms':
      return role === 'EVSE' ? 'CSMS' : role === 'CSMS' ? 'EVSE' : undefined;
    case 'csms-scsp':
      return role === 'CSMS' ? 'SCSP' : role === 'SCSP' ? 'CSMS' : undefined;
    case 'control':
      return undefined;
  }
}

/** The roles a link kind joins. */
export function linkRoles(link: TraceLink): Role[] {
  switch (link) {
    case 'ev-evse':
      return ['EV', 'EVSE'];
    case 'evse-csms':
      return ['EVSE', 'CSMS'];
    case 'csms-scsp':
      return ['CSMS', 'SCSP'];
    case 'control':
      return [];
  }
}

/**
 * Each event's link instance. A paired event (both ends traced) names both actors; an unpaired
 * one takes the counterpart its actor had on the same connection (same peer address), or on the
 * same link kind when there was only one, else the peer address.
 */
export function linkInstances(events: readonly TraceEvent[], pair: Int32Array, roles: ReadonlyMap<string, Role>, scaleOpts: ScaleOptions = {}): { keyOf: string[]; links: LinkInfo[] } {
  const byConn = new Map<string, Set<string>>();
  const byLink = new Map<string, Set<string>>();
  const add = (m: Map<string, Set<string>>, k: string, v: string): void => {
    let s = m.get(k);
    if (!s) m.set(k, (s = new Set()));
    s.add(v);
  };
  events.forEach((e, i) => {
    const j = pair[i]!;
    if (j === -1) return;
    const other = events[j]!.actor;
    add(byConn, `${e.actor}\u0000${e.link}\u0000${e.peer ?? ''}`, other);
    add(byLink, `${e.actor}\u0000${e.link}`, other);
  });
  const only = (s: Set<string> | undefined): string | undefined => (s && s.size === 1 ? [...s][0] : undefined);
  const keyOf: string[] = [];
  const links = new Map<string, LinkInfo>();
  events.forEach((e, i) => {
    const j = pair[i]!;
    const other =
      j !== -1 ? events[j]!.actor : (only(byConn.get(`${e.actor}\u0000${e.link}\u0000${e.peer ?? ''}`)) ?? only(byLink.get(`${e.actor}\u0000${e.link}`)) ?? e.peer ?? '?');
    const actors = [e.actor, other].sort() as [string, string];
    const key = `${e.link} ${actors[0]}|${actors[1]}`;
    keyOf.push(key);
    let info = links.get(key);
    if (!info) {
      const role = (a: string): Role | undefined => roles.get(a) ?? (a === other ? otherRole(e.link, roles.get(e.actor)) : undefined);
      info = { key, link: e.link, actors, roles: [role(actors[0]), role(actors[1])], protocols: [], versions: [], scale: false, events: 0 };
      links.set(key, info);
    }
    info.events++;
    const p = dictProtocol(e);
    if (p) {
      if (!info.protocols.includes(p)) info.protocols.push(p);
      if (isScaleEvent(e, p, scaleOpts)) info.scale = true;
    }
    if (e.version && !info.versions.includes(e.version)) info.versions.push(e.version);
  });
  return { keyOf, links: [...links.values()] };
}

export type GapKind = 'cannot-carry' | 'not-carried';

export interface CarryVerdict {
  kind: GapKind;
  reason: string;
  /** messages that can carry it on this link (not-carried), or would with the SCALE variant (cannot-carry) */
  messages?: string[];
}

/** Why a data object did not cross a link that spoke `protocols` (SCALE on or off). */
export function carryVerdict(object: DataObjectId, protocols: readonly DictProtocol[], scale: boolean): CarryVerdict {
  const able: string[] = [];
  const withScale: string[] = [];
  for (const p of protocols) {
    for (const c of carriersOf(object, p, { scale: true })) {
      const name = `${p} ${c.message}`;
      if (c.variant !== 'scale' || scale) {
        if (!able.includes(name)) able.push(name);
      } else if (!withScale.includes(name)) withScale.push(name);
    }
  }
  if (able.length > 0) return { kind: 'not-carried', reason: `the protocol can carry it (${able.join(', ')}), but no message carried it in this run`, messages: able };
  const reasons = protocols.map((p) => gapReason(object, p));
  const reason = [...new Set(reasons)].join('; ') || 'no protocol of the dictionary was spoken on this link';
  if (withScale.length > 0) return { kind: 'cannot-carry', reason: `${reason} (the SCALE variant would carry it: not negotiated on this link)`, messages: withScale };
  return { kind: 'cannot-carry', reason };
}
