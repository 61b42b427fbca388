// D2.3 §8's conclusions, the sentences a reader takes away ("no V2X data over OCPP 1.6"), as
// claims checked against the runs. A claim is tested only by runs that could show it wrong: a
// link that "never carries" V2X data is tested by runs where an end of it had V2X data. A
// counter-example documented as a known difference does not contradict the claim; it is listed.
import type { analysis, dictionary } from '@v2xsim/trace';
import type { ObjectComparison, RunComparison } from './compare.js';
import { linkScale } from './matrix.js';
import type { ChainLink } from './observe.js';

type DataObjectId = dictionary.DataObjectId;
type DictProtocol = dictionary.DictProtocol;
type Role = analysis.Role;

export type FindingCheck =
  /** over links speaking `protocols`, none of the objects crossed */
  | { kind: 'never-crosses'; protocols: readonly DictProtocol[] }
  /** over links speaking `protocols`, each object an end had crossed */
  | { kind: 'crosses'; protocols: readonly DictProtocol[] }
  /** crossed in the runs with the SCALE extensions, never without */
  | { kind: 'crosses-only-with-scale'; protocols: readonly DictProtocol[] }
  /** in runs whose link towards `role` speaks `protocol`, the role never had any of the objects */
  | { kind: 'never-reaches'; role: Role; protocol: DictProtocol };

export interface Finding {
  id: string;
  claim: string;
  sections: readonly string[];
  objects: readonly DataObjectId[];
  check: FindingCheck;
}

/** D2.3's V2X parameters (§11.1 discharge parameters, discharging enabling, V2X warranty); metering is apart. */
export const V2X_PARAMETERS: readonly DataObjectId[] = ['evMaxDischargePower', 'evMinDischargePower', 'roundTripEfficiency', 'dischargingCapable', 'dischargingAllowed', 'v2xWarrantyConstraints', 'v2xStateOfHealth'];

/** Data only the EV has (D2.3 §8.4.1.2 "EV related Data"; the driver's own choices are apart, the eMSP has them too). */
export const EV_DATA: readonly DataObjectId[] = [
  'evMaxChargePower',
  'evMinChargePower',
  'evMinEnergyRequest',
  'evMaxEnergyRequest',
  'evPresentSoc',
  'maxSoc',
  'evMaxDischargePower',
  'evMinDischargePower',
  'roundTripEfficiency',
  'dischargingCapable',
  'v2xWarrantyConstraints',
  'v2xStateOfHealth',
];

export const FINDINGS: readonly Finding[] = [
  {
    id: 'iso2-no-v2x',
    claim: 'No V2X parameters over ISO 15118-2',
    sections: ['§8.2.1.2'],
    objects: V2X_PARAMETERS,
    check: { kind: 'never-crosses', protocols: ['iso15118-2'] },
  },
  {
    id: 'iso2-energy-requests-scale',
    claim: 'ISO 15118-2 carries the minimum and maximum energy requests and the minimum SoC only with the SCALE extension',
    sections: ['§8.2.1.2', '§9.1'],
    objects: ['evMinEnergyRequest', 'evMaxEnergyRequest', 'minSoc'],
    check: { kind: 'crosses-only-with-scale', protocols: ['iso15118-2'] },
  },
  {
    id: 'iso20-v2x',
    claim: 'ISO 15118-20 carries the EV’s discharge limits and its bidirectional capability',
    sections: ['§8.2.2.1'],
    objects: ['evMaxDischargePower', 'evMinDischargePower', 'dischargingCapable'],
    check: { kind: 'crosses', protocols: ['iso15118-20'] },
  },
  {
    id: 'iso20-soh-rte-scale',
    claim: 'ISO 15118-20 carries the V2X state of health and the round-trip efficiency only with the SCALE extension',
    sections: ['§8.2.2.2', '§9.2'],
    objects: ['v2xStateOfHealth', 'roundTripEfficiency'],
    check: { kind: 'crosses-only-with-scale', protocols: ['iso15118-20'] },
  },
  {
    id: 'ocpp16-no-v2x',
    claim: 'No V2X data over OCPP 1.6',
    sections: ['§8.3.1.2'],
    objects: V2X_PARAMETERS,
    check: { kind: 'never-crosses', protocols: ['ocpp1.6'] },
  },
  {
    id: 'ocpp201-no-v2x',
    claim: 'No V2X data over OCPP 2.0.1',
    sections: ['§8.3.2.2'],
    objects: V2X_PARAMETERS,
    check: { kind: 'never-crosses', protocols: ['ocpp2.0.1'] },
  },
  {
    id: 'ocpp201-needs-scale',
    claim: 'OCPP 2.0.1 carries the EV’s minimum power, minimum and maximum energy requests, minimum and target SoC only with the SCALE extension',
    sections: ['§8.3.2.2', '§9.3'],
    objects: ['evMinChargePower', 'evMinEnergyRequest', 'evMaxEnergyRequest', 'minSoc', 'targetSoc'],
    check: { kind: 'crosses-only-with-scale', protocols: ['ocpp2.0.1'] },
  },
  {
    id: 'ocpp21-v2x',
    claim: 'OCPP 2.1 carries the EV’s V2X parameters to the CSMS',
    sections: ['§8.3.3.1'],
    objects: ['evMaxDischargePower', 'evMinDischargePower', 'v2xWarrantyConstraints', 'dischargingCapable'],
    check: { kind: 'crosses', protocols: ['ocpp2.1'] },
  },
  {
    id: 'ocpp21-soh-rte-scale',
    claim: 'OCPP 2.1 carries the V2X state of health and the round-trip efficiency only with the SCALE extension',
    sections: ['§8.3.3.2', '§9.4'],
    objects: ['v2xStateOfHealth', 'roundTripEfficiency'],
    check: { kind: 'crosses-only-with-scale', protocols: ['ocpp2.1'] },
  },
  {
    id: 'session-id-csms-scale',
    claim: 'The ISO 15118 session id reaches the CSMS only with the SCALE extension (OCPP 2.0.1, 2.1)',
    sections: ['§8.3.2.2', '§8.3.3.2', '§9.3', '§9.4'],
    objects: ['sessionId'],
    check: { kind: 'crosses-only-with-scale', protocols: ['ocpp2.0.1', 'ocpp2.1'] },
  },
  {
    id: 'ocpi-no-ev-data',
    claim: 'No EV data at the SCSP over OCPI 2.2.1',
    sections: ['§8.4.1.2', '§11.4'],
    objects: EV_DATA,
    check: { kind: 'never-reaches', role: 'SCSP', protocol: 'ocpi2.2.1' },
  },
];

export type FindingStatus = 'confirmed' | 'contradicted' | 'untested';

export interface FindingEvidence {
  run: string;
  object: DataObjectId;
  /** what the run showed, one line */
  what: string;
  /** a counter-example documented as a known difference */
  known?: string;
}

export interface FindingResult {
  finding: Finding;
  status: FindingStatus;
  /** runs that tested the claim */
  tested: string[];
  /** what supports it (the first few) */
  support: FindingEvidence[];
  /** what contradicts it (known differences included, marked) */
  against: FindingEvidence[];
}

interface LinkCase {
  run: string;
  scale: boolean;
  object: DataObjectId;
  link: ChainLink;
  protocol: DictProtocol;
  /** an end of the link had it (or is its source) */
  available: boolean;
  crossed: boolean;
  what: string;
  known?: string;
}

function linkCases(runs: readonly RunComparison[], f: Finding, protocols: readonly DictProtocol[]): LinkCase[] {
  const out: LinkCase[] = [];
  for (const r of runs) {
    for (const oc of r.objects) {
      if (!f.objects.includes(oc.object)) continue;
      for (const l of oc.links) {
        if (!l.protocol || !protocols.includes(l.protocol) || !l.observed.present) continue;
        const [a, b] = endsOf(oc, l.link);
        const available = [a, b].some((x) => x && (x.source || x.observed.has));
        const first = l.observed.first;
        out.push({
          run: r.run,
          scale: linkScale(r.stack, l.link),
          object: oc.object,
          link: l.link,
          protocol: l.protocol,
          available,
          crossed: l.observed.crossed,
          what: first
            ? `${oc.object} crossed ${l.link} (${l.protocol}) in ${first.message} ${first.field}${first.sinceSourceMs !== undefined ? `, ${first.sinceSourceMs.toFixed(1)} ms from the source` : ''}`
            : `${oc.object} did not cross ${l.link} (${l.protocol})`,
          ...(l.differences.some((d) => d.known) ? { known: l.differences.find((d) => d.known)!.known! } : {}),
        });
      }
    }
  }
  return out;
}

function endsOf(oc: ObjectComparison, link: ChainLink) {
  const roles = link === 'ev-evse' ? ['EV', 'EVSE'] : link === 'evse-csms' ? ['EVSE', 'CSMS'] : ['CSMS', 'SCSP'];
  return roles.map((r) => oc.roles.find((x) => x.role === r));
}

const evidence = (c: LinkCase): FindingEvidence => ({ run: c.run, object: c.object, what: c.what, ...(c.known ? { known: c.known } : {}) });
const SUPPORT_SHOWN = 6;

/** Checks one finding against the runs. */
export function checkFinding(f: Finding, runs: readonly RunComparison[]): FindingResult {
  const result = (support: FindingEvidence[], against: FindingEvidence[], tested: string[]): FindingResult => {
    const hard = against.filter((e) => !e.known);
    const status: FindingStatus = hard.length > 0 ? 'contradicted' : tested.length > 0 ? 'confirmed' : 'untested';
    return { finding: f, status, tested: [...new Set(tested)], support: support.slice(0, SUPPORT_SHOWN), against };
  };
  const c = f.check;
  switch (c.kind) {
    case 'never-crosses': {
      const cases = linkCases(runs, f, c.protocols).filter((x) => x.available);
      return result(cases.filter((x) => !x.crossed).map(evidence), cases.filter((x) => x.crossed).map(evidence), cases.map((x) => x.run));
    }
    case 'crosses': {
      const cases = linkCases(runs, f, c.protocols).filter((x) => x.available);
      return result(cases.filter((x) => x.crossed).map(evidence), cases.filter((x) => !x.crossed).map(evidence), cases.map((x) => x.run));
    }
    case 'crosses-only-with-scale': {
      const cases = linkCases(runs, f, c.protocols).filter((x) => x.available);
      const good = cases.filter((x) => x.crossed === x.scale);
      const bad = cases.filter((x) => x.crossed !== x.scale);
      // tested both ways: a run with the extension and one without
      const both = cases.some((x) => x.scale) && cases.some((x) => !x.scale);
      return result(good.map(evidence), bad.map(evidence), both ? cases.map((x) => x.run) : []);
    }
    case 'never-reaches': {
      const support: FindingEvidence[] = [];
      const against: FindingEvidence[] = [];
      const tested: string[] = [];
      for (const r of runs) {
        for (const oc of r.objects) {
          if (!f.objects.includes(oc.object)) continue;
          const towards = oc.links.find((l) => l.protocol === c.protocol && l.observed.present && endsOf(oc, l.link)[1]?.role === c.role);
          const at = oc.roles.find((x) => x.role === c.role);
          const before = towards && endsOf(oc, towards.link)[0];
          // tested when the actor before it on the chain had the object
          if (!towards || !at?.inRun || !before?.observed.has) continue;
          tested.push(r.run);
          const via = at.observed.via;
          if (at.observed.has) {
            const known = at.because.find((d) => d.known)?.known;
            against.push({ run: r.run, object: oc.object, what: `${oc.object} reached the ${c.role}${via ? ` in ${via.message} ${via.field}` : ''}`, ...(known ? { known } : {}) });
          } else support.push({ run: r.run, object: oc.object, what: `the ${before.role} had ${oc.object}, the ${c.role} never did` });
        }
      }
      return result(support, against, tested);
    }
  }
}

export function checkFindings(runs: readonly RunComparison[], findings: readonly Finding[] = FINDINGS): FindingResult[] {
  return findings.map((f) => checkFinding(f, runs));
}
