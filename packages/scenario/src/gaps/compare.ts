// One run next to D2.3 §8. §8 says per protocol version whether a data object is carried (and,
// by the message it names, which way); along the chain EV–EVSE–CSMS–SCSP of a run that gives,
// per object, which actors should have it: its source (D2.3 §11), and every actor joined to a
// source by links that carry it its way. Per link, the object should cross when the end it leaves
// from had it (its source, or it got it over another link) and §8 says the link carries it that
// way. The run says what happened. Where the two differ, the difference has a kind
// (known-differences.ts) and is either documented (a known difference, with its reason) or not.
import { analysis, dictionary } from '@v2xsim/trace';
import { findKnownDifference, type DifferenceKind } from './known-differences.js';
import { linkScale, type GapStack } from './matrix.js';
import { CHAIN_LINKS, CHAIN_ROLES, type ChainLink, type HopRef, type LinkObservation, type ObjectObservation, type RoleObservation } from './observe.js';
import { isSection8Protocol, section8, type Section8Answer } from './section8.js';

type DataObjectId = dictionary.DataObjectId;
type DictProtocol = dictionary.DictProtocol;
type Role = analysis.Role;
type Way = 'up' | 'down';
const WAYS: readonly Way[] = ['up', 'down'];

/** `n/a`: D2.3 §8 says nothing here (DIN 70121, which it does not analyse, is on the way), or the actor or link is not in the run. */
export type Agreement = 'agree' | 'differs' | 'known' | 'n/a';

/** A three-valued truth: undefined where D2.3 §8 does not say. */
type Maybe = boolean | undefined;
const or = (a: Maybe, b: Maybe): Maybe => (a === true || b === true ? true : a === undefined || b === undefined ? undefined : false);
const and = (a: Maybe, b: Maybe): Maybe => (a === false || b === false ? false : a === undefined || b === undefined ? undefined : true);

export interface Difference {
  run: string;
  object: DataObjectId;
  link: ChainLink;
  protocol: DictProtocol;
  kind: DifferenceKind;
  /** the way it crossed (carried, origin) or should have (not-sent, cannot), when one way */
  way?: Way;
  /** the link spoke the SCALE extension */
  scale: boolean;
  energy: 'AC' | 'DC';
  /** what §8 says and what the run did, in one line */
  detail: string;
  /** the known difference that documents it */
  known?: string;
}

export interface LinkComparison {
  link: ChainLink;
  protocol?: DictProtocol;
  /** D2.3 §8 on this protocol (none for DIN 70121) */
  section8?: Section8Answer;
  /** by §8 the object should cross this link in this run */
  expected: Maybe;
  observed: LinkObservation;
  agreement: Agreement;
  differences: Difference[];
}

export interface RoleComparison {
  role: Role;
  inRun: boolean;
  /** the role is where the object starts (D2.3 §11) */
  source: boolean;
  /** by §8 the actor should have the object */
  expected: Maybe;
  observed: RoleObservation;
  agreement: Agreement;
  /** the link differences that explain a difference here */
  because: Difference[];
}

export interface ObjectComparison {
  object: DataObjectId;
  links: LinkComparison[];
  roles: RoleComparison[];
}

export interface RunComparison {
  run: string;
  stack: GapStack;
  objects: ObjectComparison[];
  differences: Difference[];
}

/** The protocol each link of a stack speaks (as intended; the trace's own when it has the link). */
export function stackProtocols(s: GapStack): Partial<Record<ChainLink, DictProtocol>> {
  return {
    'ev-evse': s.iso15118,
    ...(s.ocpp ? { 'evse-csms': `ocpp${s.ocpp}` as DictProtocol } : {}),
    ...(s.ocpi ? { 'csms-scsp': 'ocpi2.2.1' as const } : {}),
  };
}

/** The roles a stack runs: the EV and the EVSE always, the CSMS with OCPP, the SCSP with OCPI. */
export function stackRoles(s: GapStack): Role[] {
  return CHAIN_ROLES.filter((r) => r === 'EV' || r === 'EVSE' || (r === 'CSMS' && s.ocpp) || (r === 'SCSP' && s.ocpi));
}

const hopText = (h: HopRef | undefined): string => (h ? `${h.message} ${h.field} (${h.from} → ${h.to})` : 'a message');

function detail(object: DataObjectId, kind: DifferenceKind, protocol: DictProtocol, answer: Section8Answer | undefined, observed: LinkObservation, way?: Way): string {
  const s8 = answer ? `D2.3 ${answer.sections.join(', ')}: ${answer.verdict}${answer.direction ? ` (${answer.direction === 'up' ? 'towards the SCSP' : 'towards the EV'})` : ''}` : 'D2.3 §8: not analysed';
  const hop = way ? observed[way] : observed.first;
  switch (kind) {
    case 'not-sent':
      return `${s8}, but no message carried ${object} over ${protocol} ${way ? `${way === 'up' ? 'towards the SCSP' : 'towards the EV'} ` : ''}in this run (${observed.gap?.reason ?? 'no message carried it that way'})`;
    case 'cannot':
      return `${s8}, but the dictionary has no ${protocol} field for ${object}${observed.gap ? ` (${observed.gap.reason})` : ''}`;
    case 'carried':
      return `${s8}, yet ${hopText(hop)} carried it`;
    case 'origin':
      return `${s8}; by §8 ${hop?.from ?? 'the sender'} could not have had it, yet ${hopText(hop)} carried it: it started there`;
  }
}

/** One run's observation next to D2.3 §8, object by object. */
export function compareRun(run: string, stack: GapStack, observed: Record<DataObjectId, ObjectObservation>): RunComparison {
  const protocols = stackProtocols(stack);
  const inRun = new Set(stackRoles(stack));
  const differences: Difference[] = [];
  const objects: ObjectComparison[] = [];
  for (const object of dictionary.DATA_OBJECT_IDS) {
    const obs = observed[object];
    if (!obs) continue;
    const sources = analysis.sourceRoles(dictionary.DATA_OBJECTS[object].source).filter((r) => inRun.has(r));

    // what §8 says each link of the run carries, and which way
    const linkProtocol = (link: ChainLink): DictProtocol | undefined => obs.links[link].protocol ?? protocols[link];
    const answers = new Map<ChainLink, Section8Answer | undefined>();
    for (const { link } of CHAIN_LINKS) {
      const p = linkProtocol(link);
      if (!p || !protocols[link]) continue;
      answers.set(link, isSection8Protocol(p) ? section8(object, p, { scale: linkScale(stack, link), energy: stack.energy }) : undefined);
    }
    /** §8 carries it over the link this way (undefined: §8 does not analyse the protocol) */
    const carries = (link: ChainLink, way: Way): Maybe => {
      if (!answers.has(link)) return false;
      const a = answers.get(link);
      if (!a) return undefined;
      return a.carried && (a.direction === undefined || a.direction === way);
    };

    // which actors should have it: its sources, and every actor joined to one by links that carry it its way
    const has = new Map<Role, Maybe>(CHAIN_ROLES.map((r) => [r, inRun.has(r) ? sources.includes(r) : false]));
    for (let pass = 0; pass < CHAIN_LINKS.length; pass++) {
      for (const { link, roles: [a, b] } of [...CHAIN_LINKS, ...[...CHAIN_LINKS].reverse()]) {
        has.set(b, or(has.get(b), and(has.get(a), carries(link, 'up'))));
        has.set(a, or(has.get(a), and(has.get(b), carries(link, 'down'))));
      }
    }

    const links: LinkComparison[] = CHAIN_LINKS.map(({ link, roles: [a, b] }) => {
      const observedLink = obs.links[link];
      const protocol = linkProtocol(link);
      if (!protocols[link] || !protocol) return { link, expected: false, observed: observedLink, agreement: 'n/a', differences: [] };
      const answer = answers.get(link);
      // the end it leaves from had it: its source, or it got it over another link (a field missing upstream is
      // that link's difference, not this one's)
      const had = (r: Role): boolean => sources.includes(r) || obs.roles[r].receivedOver.some((l) => l !== link);
      const expectedWay: Record<Way, Maybe> = { up: and(had(a), carries(link, 'up')), down: and(had(b), carries(link, 'down')) };
      const expected = or(expectedWay.up, expectedWay.down);
      const base = { link, protocol, ...(answer ? { section8: answer } : {}), expected, observed: observedLink };
      if (expected === undefined) return { ...base, agreement: 'n/a', differences: [] };

      const found: { kind: DifferenceKind; way?: Way }[] = [];
      const crossedWays = WAYS.filter((w) => observedLink[w]);
      // a way §8 does not carry it
      for (const w of crossedWays) if (carries(link, w) === false) found.push({ kind: 'carried', way: w });
      const crossedAllowed = crossedWays.some((w) => carries(link, w)) || (observedLink.crossed && crossedWays.length === 0);
      if (expected && !crossedAllowed) {
        const way = expectedWay.up && !expectedWay.down ? 'up' : expectedWay.down && !expectedWay.up ? 'down' : undefined;
        found.push({ kind: !observedLink.crossed && observedLink.gap?.kind === 'cannot-carry' ? 'cannot' : 'not-sent', ...(way ? { way } : {}) });
      }
      if (!expected && crossedAllowed) {
        const way = crossedWays.find((w) => carries(link, w));
        found.push({ kind: 'origin', ...(way ? { way } : {}) });
      }
      const scale = linkScale(stack, link);
      const diffs = found.map(({ kind, way }): Difference => {
        const known = findKnownDifference({ object, protocol, kind, scale, energy: stack.energy });
        return {
          run,
          object,
          link,
          protocol,
          kind,
          ...(way ? { way } : {}),
          scale,
          energy: stack.energy,
          detail: detail(object, kind, protocol, answer, observedLink, way),
          ...(known ? { known: known.id } : {}),
        };
      });
      differences.push(...diffs);
      const agreement: Agreement = diffs.length === 0 ? 'agree' : diffs.every((d) => d.known) ? 'known' : 'differs';
      return { ...base, agreement, differences: diffs };
    });

    const roles: RoleComparison[] = CHAIN_ROLES.map((role) => {
      const observedRole = obs.roles[role];
      const isSource = sources.includes(role);
      if (!inRun.has(role)) return { role, inRun: false, source: isSource, expected: false, observed: observedRole, agreement: 'n/a', because: [] };
      const expected = has.get(role);
      const base: RoleComparison = { role, inRun: true, source: isSource, expected, observed: observedRole, agreement: 'agree', because: [] };
      // the source has the object by definition (whether it sent it or not)
      if (isSource) return base;
      if (expected === undefined) return { ...base, agreement: 'n/a' };
      // §8's chain says whether the actor gets the object from its source: a value it made up itself is not that
      const received = observedRole.received !== undefined;
      if (expected === received) return base;
      // explained by the link differences the same way (it got there: carried/origin; it did not: not-sent/cannot)
      // between this actor and a source, or the one its own value went out over (origin)
      const at = CHAIN_ROLES.indexOf(role);
      const kinds: readonly DifferenceKind[] = received ? ['carried', 'origin'] : ['not-sent', 'cannot'];
      const between = (i: number): boolean =>
        sources.some((src) => {
          const s = CHAIN_ROLES.indexOf(src);
          return i >= Math.min(at, s) && i < Math.max(at, s);
        });
      const because = links.flatMap((l, i) => l.differences.filter((d) => kinds.includes(d.kind) && (between(i) || (d.kind === 'origin' && (i === at || i === at - 1)))));
      const agreement: Agreement = because.length > 0 && because.every((d) => d.known) ? 'known' : 'differs';
      return { ...base, agreement, because };
    });
    objects.push({ object, links, roles });
  }
  return { run, stack, objects, differences };
}
