// Data journeys (SCALE D2.3 §11): for each data object of the dictionary, how its values travelled
// from their source to every consumer in one run, computed from the trace events of all actors.
//
// 1. A *hop* is one message that carried the object over one link: the sender's tx event and the
//    receiver's rx event (pairs.ts), the field(s) read through the dictionary's carriers, converted
//    to the object's canonical unit. A value carried again unchanged (exactly, up to floating-point
//    noise) on the same link in the same direction is a repeat of the hop, not a new hop (a charge
//    loop repeats EVMaximumPowerLimit every cycle).
// 2. A hop whose sender plays the object's source role (D2.3 §11: the EV for its charge parameters,
//    the EVSE for metering, the driver's choices at the EV or the eMSP) starts a *delivery*, unless
//    the value is the one the same sender last sent on another link (then it is another branch of
//    that delivery: a meter reading to the EV in CurrentDemandRes, then to the CSMS in MeterValues).
// 3. Any other hop is a *forward*: its sender received the object on another link first. Its
//    upstream hop is the latest hop into the sender, on another link, before it sent, that carried
//    the same value (equal within the unit's tolerance after conversion; `match: 'equal'`); when no
//    earlier value is equal (the forwarder changed it: rounded it, capped it, converted SoC to
//    energy with another capacity), the latest value received before it (`match: 'latest'`).
//    A forward without any upstream hop starts its own delivery.
// 4. A link of the run on which the object never travelled is a *gap*: `cannot-carry` when none of
//    the protocols spoken there has a field for it (with D2.3's reason, dictionary/gaps.ts), or
//    `not-carried` when one has but no message carried it in this run.
import type { TraceEvent, TraceLink } from '../event.js';
import { DATA_OBJECTS, DATA_OBJECT_IDS, carriersIn, readCarrier, type CanonicalUnit, type DataCategory, type DataObjectId, type DataSource, type DictProtocol, type ReadContext } from '../dictionary/index.js';
import { carryVerdict, linkInstances, otherRole, type GapKind, type LinkInfo } from './links.js';
import { dictProtocol, isScaleEvent, messageViews, type ScaleOptions } from './normalize.js';
import { pairMessages, timeOrder, type PairOptions } from './pairs.js';
import { inferRoles, senderRole, sourceRoles, type Role } from './roles.js';
import { stats, type Stats } from './stats.js';
import { DEFAULT_TOLERANCE, EXACT, jsonSafe, sameValue, type Tolerance } from './values.js';

export interface JourneyOptions {
  /**
   * Conversions that need more than the message (D2.3 §8.3.3): battery capacity, nominal voltage
   * and phases. `presentSoc` is taken from the trace (the latest EV present SoC carried before the
   * message) unless given here; `messageTimeMs` is always the message's own time (sim time when traced).
   */
  context?: Omit<ReadContext, 'messageTimeMs'>;
  /** which links speak the SCALE variant, when the trace does not say (default: from the events) */
  scale?: ScaleOptions;
  /** actor → role, for actors whose role the trace does not make clear */
  roles?: Readonly<Record<string, Role>>;
  /** only these data objects (default: every object of the dictionary) */
  objects?: readonly DataObjectId[];
  /** per canonical unit, how close two values must be to be the same value (default DEFAULT_TOLERANCE) */
  tolerance?: Readonly<Partial<Record<CanonicalUnit, Tolerance>>>;
  pairing?: PairOptions;
}

export interface HopEnd {
  actor: string;
  /** index of the trace event in the events given */
  event: number;
  ts: number;
  simTime?: number;
}

export interface HopField {
  /** the concrete field path, `/`-separated */
  path: string;
  raw: unknown;
  /** canonical unit; undefined when it could not be converted (missing context) */
  value: unknown;
}

export interface Hop {
  /** index in the journey's hops */
  id: number;
  link: TraceLink;
  linkKey: string;
  protocol: DictProtocol;
  version?: string;
  message: string;
  /** carried by a field only the SCALE variant has */
  scale: boolean;
  fields: HopField[];
  /** the first field's canonical value */
  value: unknown;
  /** sender and receiver (actor names; a peer address when that end is not traced) */
  from: string;
  to: string;
  fromRole?: Role;
  toRole?: Role;
  tx?: HopEnd;
  rx?: HopEnd;
  correlationId?: string;
  /** wall time from tx to rx */
  latencyMs?: number;
  /** sim time from tx to rx (when both ends have a sim clock) */
  simLatencyMs?: number;
  /** later messages that carried the same value again on this link and direction */
  repeats: number;
  /** wall time of the last repeat (or of this hop) */
  lastTs: number;
  /** the hop this one forwards (index in the journey's hops) */
  upstream?: number;
  match?: 'equal' | 'latest';
  /** index in the journey's deliveries */
  delivery: number;
  /** wall time from the delivery's first send to this hop's arrival (or send, when the receiver is not traced) */
  sinceOriginMs?: number;
}

export interface Consumer {
  actor: string;
  role?: Role;
  hop: number;
  /** source tx → this consumer's rx (wall ms) */
  delayMs?: number;
}

/** One value of the object from its source to every consumer. */
export interface Delivery {
  /** the first hop */
  origin: number;
  source: string;
  sourceRole?: Role;
  value: unknown;
  /** its hops in time order */
  hops: number[];
  consumers: Consumer[];
  /** source tx → last consumer rx (wall ms) */
  endToEndMs?: number;
}

export interface Reached {
  actor: string;
  role?: Role;
  how: 'source' | 'received';
  /** the first hop that brought (or sent) it */
  hop: number;
  protocol: DictProtocol;
  message: string;
  ts: number;
  /** for 'received': source tx → this rx */
  delayMs?: number;
}

export interface JourneyGap {
  linkKey: string;
  link: TraceLink;
  actors: [string, string];
  roles: [Role | undefined, Role | undefined];
  protocols: DictProtocol[];
  kind: GapKind;
  reason: string;
  messages?: string[];
}

export interface Journey {
  object: DataObjectId;
  label: string;
  category: DataCategory;
  unit: CanonicalUnit;
  source: DataSource;
  hops: Hop[];
  deliveries: Delivery[];
  /** each actor that had the object, first time */
  reached: Reached[];
  gaps: JourneyGap[];
  latency: { hop?: Stats; endToEnd?: Stats };
}

export interface ActorInfo {
  actor: string;
  role?: Role;
  events: number;
}

export interface JourneyReport {
  events: number;
  actors: ActorInfo[];
  links: LinkInfo[];
  journeys: Journey[];
}

interface Reading {
  protocol: DictProtocol;
  version?: string;
  message: string;
  scale: boolean;
  fields: HopField[];
}

/** Reads every carrier of every message once (from the sender's event when both ends are traced). */
function readMessages(events: readonly TraceEvent[], order: readonly number[], pair: Int32Array, wanted: ReadonlySet<DataObjectId>, opts: JourneyOptions) {
  const out: { tx?: number; rx?: number; readings: Map<DataObjectId, Reading> }[] = [];
  const seen = new Uint8Array(events.length);
  let presentSoc = opts.context?.presentSoc;
  for (const i of order) {
    if (seen[i]) continue;
    seen[i] = 1;
    const j = pair[i]!;
    if (j !== -1) seen[j] = 1;
    const e = events[i]!;
    const tx = e.direction === 'tx' ? i : j !== -1 ? j : undefined;
    const rx = e.direction === 'rx' ? i : j !== -1 ? j : undefined;
    const src = events[tx ?? rx!]!;
    const protocol = dictProtocol(src);
    if (!protocol) continue;
    // a message refused at the receiver did not deliver its values
    if (rx !== undefined && events[rx]!.error !== undefined) continue;
    // either end may be the one that traced the negotiated (SCALE) namespace
    const scale = isScaleEvent(src, protocol, opts.scale) || (tx !== undefined && rx !== undefined && isScaleEvent(events[rx]!, protocol, opts.scale));
    const readings = new Map<DataObjectId, Reading>();
    for (const view of messageViews(src, protocol)) {
      const carriers = [...carriersIn(protocol, view.message, { scale })];
      // the present SoC first: an energy request in the same message converts with it
      carriers.sort((a, b) => Number(b.object === 'evPresentSoc') - Number(a.object === 'evPresentSoc'));
      for (const c of carriers) {
        const ctx: ReadContext = { ...opts.context, messageTimeMs: src.simTime ?? src.ts, ...(presentSoc !== undefined ? { presentSoc } : {}) };
        const values = readCarrier(c, view.body, ctx);
        if (values.length === 0) continue;
        if (c.object === 'evPresentSoc' && opts.context?.presentSoc === undefined) {
          const soc = values.find((v) => typeof v.value === 'number')?.value as number | undefined;
          if (soc !== undefined) presentSoc = soc;
        }
        if (!wanted.has(c.object)) continue;
        let r = readings.get(c.object);
        if (!r) readings.set(c.object, (r = { protocol, ...(src.version ? { version: src.version } : {}), message: view.message, scale: false, fields: [] }));
        if (c.variant === 'scale') r.scale = true;
        for (const v of values) r.fields.push({ path: v.path.join('/'), raw: jsonSafe(v.raw), value: jsonSafe(v.value) });
      }
    }
    if (readings.size > 0) out.push({ ...(tx !== undefined ? { tx } : {}), ...(rx !== undefined ? { rx } : {}), readings });
  }
  return out;
}

function hopEnd(events: readonly TraceEvent[], i: number): HopEnd {
  const e = events[i]!;
  return { actor: e.actor, event: i, ts: e.ts, ...(e.simTime !== undefined ? { simTime: e.simTime } : {}) };
}

const sendTime = (h: Hop): number => (h.tx ?? h.rx)!.ts;
const arriveTime = (h: Hop): number | undefined => h.rx?.ts;

/** The data journeys of one run, from the trace events of all its actors (any order). */
export function journeys(events: readonly TraceEvent[], opts: JourneyOptions = {}): JourneyReport {
  const tolerance = opts.tolerance ?? DEFAULT_TOLERANCE;
  const order = timeOrder(events);
  const pair = pairMessages(events, opts.pairing);
  const roles = inferRoles(events, opts.roles);
  const { keyOf, links } = linkInstances(events, pair, roles, opts.scale);
  const objects = opts.objects ?? DATA_OBJECT_IDS;
  const messages = readMessages(events, order, pair, new Set(objects), opts);

  const actorCounts = new Map<string, number>();
  for (const e of events) actorCounts.set(e.actor, (actorCounts.get(e.actor) ?? 0) + 1);
  const actors: ActorInfo[] = [...actorCounts].map(([actor, n]) => ({ actor, ...(roles.has(actor) ? { role: roles.get(actor)! } : {}), events: n }));
  const roleOf = (actor: string, link: TraceLink, counterpart: string): Role | undefined => roles.get(actor) ?? otherRole(link, roles.get(counterpart));

  const out: Journey[] = [];
  for (const object of objects) {
    const def = DATA_OBJECTS[object];
    const origins = sourceRoles(def.source);
    const hops: Hop[] = [];
    const deliveries: Delivery[] = [];
    const hopLatencies: number[] = [];
    /** the last hop of each stream (link, sender, receiver): repeats of its value merge into it */
    const lastOfStream = new Map<string, Hop>();
    /** the latest delivery each source actor sent on each link */
    const lastBySourceLink = new Map<string, number>();

    for (const m of messages) {
      const r = m.readings.get(object);
      if (!r) continue;
      const txE = m.tx !== undefined ? events[m.tx]! : undefined;
      const rxE = m.rx !== undefined ? events[m.rx]! : undefined;
      const any = (txE ?? rxE)!;
      const linkKey = keyOf[m.tx ?? m.rx!]!;
      const ends = links.find((l) => l.key === linkKey)!.actors;
      const from = txE?.actor ?? (ends[0] === rxE!.actor ? ends[1] : ends[0]);
      const to = rxE?.actor ?? (ends[0] === txE!.actor ? ends[1] : ends[0]);
      const value = r.fields.find((f) => f.value !== undefined)?.value;
      const latencyMs = txE && rxE ? rxE.ts - txE.ts : undefined;
      if (latencyMs !== undefined) hopLatencies.push(latencyMs);

      const stream = `${linkKey}\u0000${from}\u0000${to}`;
      const prev = lastOfStream.get(stream);
      if (prev && value !== undefined && sameValue(def.unit, prev.value, value, EXACT)) {
        prev.repeats++;
        prev.lastTs = (rxE ?? txE)!.ts;
        continue;
      }
      const fromRole = roleOf(from, any.link, to) ?? senderRole(carriersIn(r.protocol, r.message, { scale: true }).find((c) => c.object === object)!.sender);
      const toRole = roleOf(to, any.link, from);
      const hop: Hop = {
        id: hops.length,
        link: any.link,
        linkKey,
        protocol: r.protocol,
        ...(r.version ? { version: r.version } : {}),
        message: r.message,
        scale: r.scale,
        fields: r.fields,
        value,
        from,
        to,
        ...(fromRole ? { fromRole } : {}),
        ...(toRole ? { toRole } : {}),
        ...(m.tx !== undefined ? { tx: hopEnd(events, m.tx) } : {}),
        ...(m.rx !== undefined ? { rx: hopEnd(events, m.rx) } : {}),
        ...((txE ?? rxE)!.correlationId !== undefined ? { correlationId: (txE ?? rxE)!.correlationId } : {}),
        ...(latencyMs !== undefined ? { latencyMs } : {}),
        ...(txE?.simTime !== undefined && rxE?.simTime !== undefined ? { simLatencyMs: rxE.simTime - txE.simTime } : {}),
        repeats: 0,
        lastTs: (rxE ?? txE)!.ts,
        delivery: -1,
      };
      lastOfStream.set(stream, hop);

      if (!fromRole || !origins.includes(fromRole)) {
        // a forward: the latest hop into the sender on another link before it sent, equal value first
        const t = sendTime(hop);
        let latest: Hop | undefined;
        let equal: Hop | undefined;
        for (let k = hops.length - 1; k >= 0; k--) {
          const u = hops[k]!;
          const at = arriveTime(u);
          if (u.to !== from || u.linkKey === linkKey || at === undefined || at > t) continue;
          if (!latest || at > arriveTime(latest)!) latest = u;
          if (value !== undefined && sameValue(def.unit, u.value, value, tolerance)) {
            if (!equal || at > arriveTime(equal)!) equal = u;
          }
        }
        const up = equal ?? latest;
        if (up) {
          hop.upstream = up.id;
          hop.match = equal ? 'equal' : 'latest';
          hop.delivery = up.delivery;
        }
      } else if (value !== undefined) {
        // the source sending a value it last sent on another link: another branch of that delivery
        for (const [k, d] of lastBySourceLink) {
          if (!k.startsWith(`${from}\u0000`) || k === `${from}\u0000${linkKey}`) continue;
          if (sameValue(def.unit, deliveries[d]!.value, value, tolerance)) {
            hop.delivery = d;
            hop.match = 'equal';
            break;
          }
        }
      }
      if (hop.delivery === -1) {
        hop.delivery = deliveries.length;
        deliveries.push({ origin: hop.id, source: from, ...(fromRole ? { sourceRole: fromRole } : {}), value, hops: [], consumers: [] });
      }
      if (hop.upstream === undefined) lastBySourceLink.set(`${from}\u0000${linkKey}`, hop.delivery);
      const d = deliveries[hop.delivery]!;
      d.hops.push(hop.id);
      const origin = hops[d.origin] ?? hop;
      const arrived = arriveTime(hop);
      hop.sinceOriginMs = (arrived ?? sendTime(hop)) - sendTime(origin);
      if (arrived !== undefined && to !== d.source && !d.consumers.some((c) => c.actor === to)) {
        d.consumers.push({ actor: to, ...(toRole ? { role: toRole } : {}), hop: hop.id, delayMs: hop.sinceOriginMs });
      }
      hops.push(hop);
    }

    for (const d of deliveries) {
      const delays = d.consumers.map((c) => c.delayMs).filter((x): x is number => x !== undefined);
      if (delays.length > 0) d.endToEndMs = Math.max(...delays);
    }

    const reached = new Map<string, Reached>();
    for (const h of hops) {
      const d = deliveries[h.delivery]!;
      if (d.origin === h.id && !reached.has(h.from)) {
        reached.set(h.from, { actor: h.from, ...(h.fromRole ? { role: h.fromRole } : {}), how: 'source', hop: h.id, protocol: h.protocol, message: h.message, ts: sendTime(h) });
      }
      const at = arriveTime(h);
      const prior = reached.get(h.to);
      if (at !== undefined && (!prior || (prior.how === 'received' && prior.ts > at))) {
        reached.set(h.to, { actor: h.to, ...(h.toRole ? { role: h.toRole } : {}), how: 'received', hop: h.id, protocol: h.protocol, message: h.message, ts: at, ...(h.sinceOriginMs !== undefined ? { delayMs: h.sinceOriginMs } : {}) });
      }
    }

    const gaps: JourneyGap[] = [];
    for (const l of links) {
      if (l.link === 'control' || l.protocols.length === 0 || hops.some((h) => h.linkKey === l.key)) continue;
      const v = carryVerdict(object, l.protocols, l.scale);
      gaps.push({ linkKey: l.key, link: l.link, actors: l.actors, roles: l.roles, protocols: l.protocols, kind: v.kind, reason: v.reason, ...(v.messages ? { messages: v.messages } : {}) });
    }

    const e2e = deliveries.map((d) => d.endToEndMs).filter((x): x is number => x !== undefined);
    const hopStats = stats(hopLatencies);
    const e2eStats = stats(e2e);
    out.push({
      object,
      label: def.label,
      category: def.category,
      unit: def.unit,
      source: def.source,
      hops,
      deliveries,
      reached: [...reached.values()].sort((a, b) => a.ts - b.ts),
      gaps,
      latency: { ...(hopStats ? { hop: hopStats } : {}), ...(e2eStats ? { endToEnd: e2eStats } : {}) },
    });
  }
  return { events: events.length, actors, links: links.filter((l) => l.link !== 'control'), journeys: out };
}
