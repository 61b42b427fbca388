// The data-object dictionary against its sources: every carrier path exists in the schema of its
// protocol (the XSDs, the OCA JSON schemas, the official OCPI OpenAPI files in ../shared/schemas),
// every D2.3 §8 table row is mapped, and every D2.3 spelling kept in the dictionary is really in
// the §8 text. Reading values through carriers converts units as D2.3 says.
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { loadSchemaSet } from '../packages/exi/src/generator/xsd-loader.js';
import { resolveType } from '../packages/exi/src/generator/datatypes.js';
import { applyOverlay } from '../packages/exi/src/generator/overlays/apply.js';
import { iso2Scale, iso20AcScale, iso20DcScale } from '../packages/exi/src/generator/overlays/scale.js';
import { qnKey, type ElementDecl, type Particle, type SchemaSet, type TypeDef } from '../packages/exi/src/generator/schema-model.js';
import { dictionary as d } from '@v2xsim/trace';

const here = dirname(fileURLToPath(import.meta.url));
const SCHEMAS = resolve(here, '../../shared/schemas');
const SEED = resolve(here, '../../shared/seed/SCALE-D2.3-update-protocol-definition.txt');

// ---------- ISO 15118 / DIN: walk the XSD element model ----------

function substitutionMembers(set: SchemaSet, head: ElementDecl): ElementDecl[] {
  const out: ElementDecl[] = [];
  for (const e of set.globalElements.values()) {
    if (e.substitutionGroup && qnKey(e.substitutionGroup) === qnKey(head.qname)) out.push(e, ...substitutionMembers(set, e));
  }
  return out;
}

function childElements(set: SchemaSet, type: TypeDef): Map<string, ElementDecl> {
  const out = new Map<string, ElementDecl>();
  const collect = (p: Particle): void => {
    if (p.term.kind === 'element') {
      for (const e of [p.term.decl, ...substitutionMembers(set, p.term.decl)]) out.set(e.qname.name, e);
    } else if (p.term.kind !== 'any') p.term.particles.forEach(collect);
  };
  let t: TypeDef | undefined = type;
  while (t && t.kind === 'complex') {
    if (t.particle) collect(t.particle);
    t = t.base && t.derivation === 'extension' ? resolveType(set, t.base) : undefined;
  }
  return out;
}

function xsdHasPath(set: SchemaSet, root: ElementDecl, path: readonly string[]): string | undefined {
  let alts: ElementDecl[] = [root];
  for (const seg of path) {
    if (seg === '*') continue;
    const next: ElementDecl[] = [];
    for (const name of seg.split('|')) {
      const found = alts.map((a) => childElements(set, resolveType(set, a.type)).get(name)).filter((x): x is ElementDecl => !!x);
      if (found.length === 0) return `no element ${name} under ${alts.map((a) => a.qname.name).join('|')}`;
      next.push(...found);
    }
    alts = next;
  }
  return undefined;
}

type IsoSets = { standard: SchemaSet[]; scale: SchemaSet[] };
function load(roots: string[], overlay?: Parameters<typeof applyOverlay>[1]): SchemaSet {
  const set = loadSchemaSet(SCHEMAS, roots);
  if (overlay) applyOverlay(set, overlay);
  return set;
}

const ISO_SETS: Record<'iso15118-2' | 'din70121' | 'iso15118-20', () => IsoSets> = {
  'iso15118-2': () => ({ standard: [load(['iso15118-2/V2G_CI_MsgDef.xsd'])], scale: [load(['iso15118-2/V2G_CI_MsgDef.xsd'], iso2Scale)] }),
  din70121: () => ({ standard: [load(['din70121/V2G_CI_MsgDef.xsd'])], scale: [] }),
  'iso15118-20': () => {
    const cm = load(['iso15118-20/V2G_CI_CommonMessages.xsd']);
    return {
      standard: [cm, load(['iso15118-20/V2G_CI_AC.xsd']), load(['iso15118-20/V2G_CI_DC.xsd'])],
      scale: [cm, load(['iso15118-20/V2G_CI_AC.xsd'], iso20AcScale), load(['iso15118-20/V2G_CI_DC.xsd'], iso20DcScale)],
    };
  },
};

function isoCheck(sets: SchemaSet[], c: d.Carrier): string | undefined {
  const twoOrDin = c.protocol !== 'iso15118-20';
  for (const set of sets) {
    const msg = [...set.globalElements.values()].find((e) => e.qname.name === c.message);
    if (!msg) continue;
    if (twoOrDin && c.path[0] === 'Header') {
      const v2g = [...set.globalElements.values()].find((e) => e.qname.name === 'V2G_Message')!;
      return xsdHasPath(set, v2g, c.path);
    }
    return xsdHasPath(set, msg, c.path);
  }
  return `no message ${c.message}`;
}

// ---------- OCPP: walk the OCA JSON schemas ----------

type Json = Record<string, unknown>;
function ocppSchema(version: string, message: string): Json | undefined {
  const action = message.replace(/(Request|Response)$/, '');
  const file = version === '1.6' ? (message.endsWith('Request') ? `${action}.json` : `${action}Response.json`) : `${message}.json`;
  try {
    return JSON.parse(readFileSync(join(SCHEMAS, 'ocpp', version, file), 'utf8')) as Json;
  } catch {
    return undefined;
  }
}

function jsonHasPath(root: Json, node: Json, path: readonly string[], deref: (n: Json) => Json): string | undefined {
  let alts: Json[] = [deref(node)];
  for (const seg of path) {
    const next: Json[] = [];
    for (const a of alts) {
      if (seg === '*') {
        if (a.type !== 'array' || !a.items) return `not an array where '*' is`;
        next.push(deref(a.items as Json));
        continue;
      }
      if (a.$customData) return undefined; // customData accepts any property
      const props = (a.properties ?? {}) as Record<string, Json>;
      for (const name of seg.split('|')) {
        const p = props[name];
        if (!p) return `no property ${name} (has ${Object.keys(props).join(', ')})`;
        const resolved = deref(p);
        next.push(name === 'customData' ? { ...resolved, $customData: true } : resolved);
      }
    }
    alts = next;
  }
  return undefined;
}

function ocppCheck(c: d.Carrier): string | undefined {
  const version = c.protocol.replace('ocpp', '');
  const schema = ocppSchema(version, c.message);
  if (!schema) return `no schema for ${c.message} in ${version}`;
  const defs = (schema.definitions ?? {}) as Record<string, Json>;
  const deref = (n: Json): Json => (typeof n.$ref === 'string' ? defs[n.$ref.replace('#/definitions/', '')]! : n);
  return jsonHasPath(schema, schema, c.path, deref);
}

// ---------- OCPI: walk the OpenAPI component schemas ----------

const OCPI_DIR = join(SCHEMAS, 'ocpi/2.2.1/openapi');
const ocpiFiles = new Map<string, Json>();
function ocpiFile(path: string): Json {
  let f = ocpiFiles.get(path);
  if (!f) ocpiFiles.set(path, (f = parseYaml(readFileSync(path, 'utf8')) as Json));
  return f;
}
function ocpiSchemas(path: string): Record<string, Json> {
  return ((ocpiFile(path).components as Json | undefined)?.schemas ?? {}) as Record<string, Json>;
}

function ocpiCheck(c: d.Carrier): string | undefined {
  const files = [...readdirSync(join(OCPI_DIR, 'modules')).map((m) => join(OCPI_DIR, 'modules', m, 'schema.yaml')), join(OCPI_DIR, 'components/schema.yaml')];
  const file = files.find((f) => ocpiSchemas(f)[c.message]);
  if (!file) return `no OCPI schema ${c.message}`;
  // a node remembers its file so relative $refs resolve
  const at = new WeakMap<Json, string>();
  const tag = (n: Json, f: string): Json => (at.set(n, f), n);
  const deref = (n: Json): Json => {
    let cur = n;
    for (let i = 0; i < 10 && typeof cur.$ref === 'string'; i++) {
      const from = at.get(cur) ?? file;
      const [rel, frag] = cur.$ref.split('#');
      const target = rel ? resolve(dirname(from), rel) : from;
      cur = tag(ocpiSchemas(target)[frag!.split('/').pop()!]!, target);
    }
    // tag children with the file they came from
    const f = at.get(cur) ?? file;
    for (const p of Object.values((cur.properties ?? {}) as Record<string, Json>)) tag(p, f);
    if (cur.items) tag(cur.items as Json, f);
    return cur;
  };
  return jsonHasPath({}, tag(ocpiSchemas(file)[c.message]!, file), c.path, deref);
}

describe('data-object dictionary: carriers exist in the schemas', () => {
  const iso = Object.fromEntries(Object.entries(ISO_SETS).map(([k, f]) => [k, f()])) as Record<keyof typeof ISO_SETS, IsoSets>;
  it.each(d.DICT_PROTOCOLS)('%s', (protocol) => {
    const problems: string[] = [];
    for (const c of d.CARRIERS.filter((x) => x.protocol === protocol)) {
      let problem: string | undefined;
      if (protocol === 'iso15118-2' || protocol === 'din70121' || protocol === 'iso15118-20') {
        const sets = iso[protocol];
        problem = isoCheck(c.variant === 'scale' ? sets.scale : sets.standard, c);
        // a SCALE field must really be absent from the standard schema (else it is no extension)
        if (!problem && c.variant === 'scale' && !isoCheck(sets.standard, c)) problem = 'marked SCALE but the standard schema has it';
      } else if (protocol === 'ocpi2.2.1') problem = ocpiCheck(c);
      else problem = ocppCheck(c);
      if (problem) problems.push(`${c.object} ${c.message}/${c.path.join('/')}: ${problem}`);
    }
    expect(problems).toEqual([]);
  });
});

// ---------- D2.3 §8 ----------

const seed = readFileSync(SEED, 'utf8');
const section = (from: string, to: string): string => {
  const a = seed.indexOf(from);
  const b = seed.indexOf(to, a + from.length);
  if (a < 0 || b < 0) throw new Error(`section ${from} not found`);
  return seed.slice(a, b);
};
const squeeze = (s: string): string => s.replace(/\s+/g, '');
const SECTIONS: Record<d.DictProtocol, string | undefined> = {
  'iso15118-2': section('8.2.1.1 Data Coverage', '8.2.1.2 Gap analysis'),
  'iso15118-20': section('8.2.2.1 Data coverage', '8.2.2.2 Gap analysis'),
  'ocpp1.6': section('8.3.1.1 Data Coverage', '8.3.1.2 Gap analysis'),
  'ocpp2.0.1': section('8.3.2.1 Data Coverage', '8.3.2.2 Gap analysis'),
  'ocpp2.1': section('8.3.3.1 Data Coverage', '8.3.3.2 Gap analysis'),
  'ocpi2.2.1': section('8.4.1.1 Data Coverage', '8.4.1.2 Gap analysis'),
  din70121: undefined,
};

/**
 * The rows of the D2.3 §8 tables, by data object (transcribed; the first test proves each label is
 * in its table). Every row must be mapped by at least one carrier that keeps D2.3's spelling.
 */
const D23_ROWS: Record<Exclude<d.DictProtocol, 'din70121'>, [d.DataObjectId, string][]> = {
  'iso15118-2': [
    ['evseId', 'EVSE ID'], ['evseMaxChargePower', 'Maximum Charging Power'], ['evseActivePower', 'Active Power'], ['sessionId', 'Session ID'],
    ['compositeChargingSchedule', 'Composite Active Charging Profile'], ['chargedEnergy', 'Charged Energy'], ['evMaxChargePower', 'Maximum Charging Power'],
    ['evPresentSoc', 'Present SoC'], ['evTargetEnergyRequest', 'Target Energy Request'], ['userId', 'UserID'], ['departureTime', 'Departure Time'],
    ['maxSoc', 'Maximum SoC'], ['minGreenLevel', 'Minimum Green Level'],
  ],
  'iso15118-20': [
    ['evseId', 'EVSE ID'], ['evseMaxChargePower', 'Maximum Charging Power'], ['evseActivePower', 'Active Power'], ['sessionId', 'Session ID'],
    ['compositeChargingSchedule', 'Composite Active'], ['chargedEnergy', 'Charged Energy'], ['dischargedEnergy', 'Discharged Energy'],
    ['evMaxChargePower', 'Maximum Charging Power'], ['evMinChargePower', 'Minimum Charging Power'], ['evMaxDischargePower', 'Maximum Discharging Power'],
    ['evMinDischargePower', 'Minimum Discharging Power'], ['evPresentSoc', 'Present SoC'], ['evMinEnergyRequest', 'Minimum Energy Request'],
    ['evTargetEnergyRequest', 'Target Energy Request'], ['evMaxEnergyRequest', 'Maximum Energy Request'], ['v2xWarrantyConstraints', 'V2X Warranty Constraints'],
    ['dischargingCapable', 'Discharging capable'], ['departureTime', 'Departure Time'], ['minSoc', 'Minimum SoC'], ['targetSoc', 'Target State of Charge'],
    ['maxSoc', 'Maximum SoC'], ['minGreenLevel', 'Minimum Green Level'],
  ],
  'ocpp1.6': [['evseActivePower', 'Active Power'], ['compositeChargingSchedule', 'Composit e Active Charging Profile'], ['chargedEnergy', 'Charged Energy'], ['evPresentSoc', 'Present SoC']],
  'ocpp2.0.1': [
    ['evseId', 'EVSE ID'], ['evseMaxChargePower', 'Maximum Charging Power'], ['evseActivePower', 'Active Power'], ['compositeChargingSchedule', 'Composit e Active Charging Profile'],
    ['chargedEnergy', 'Charged Energy'], ['evMaxChargePower', 'Maximum Charging Power'], ['evPresentSoc', 'Present SoC'], ['evTargetEnergyRequest', 'Target Energy Request'],
    ['userId', 'User ID'], ['departureTime', 'Departure Time'], ['maxSoc', 'Maximum SoC'], ['minGreenLevel', 'Minimum Green'],
  ],
  'ocpp2.1': [
    ['gridCodes', 'Grid Code Coordinat es'], ['evseId', 'EVSE ID'], ['evseMaxChargePower', 'Maximum Charging Power'], ['evseActivePower', 'Active Power'],
    ['compositeChargingSchedule', 'Composit e Active'], ['chargedEnergy', 'Charged Energy'], ['dischargedEnergy', 'Discharge d Energy'],
    ['evMaxChargePower', 'Maximum Charging Power'], ['evMinChargePower', 'Minimum Charging Power'], ['evMaxDischargePower', 'Maximum Dischargi ng Power'],
    ['evMinDischargePower', 'Minimum Dischargi ng Power'], ['evPresentSoc', 'Present SoC'], ['evMinEnergyRequest', 'Minimum Energy Request'],
    ['evTargetEnergyRequest', 'Target Energy Request'], ['evMaxEnergyRequest', 'Maximum Energy Request'], ['v2xWarrantyConstraints', 'V2X Warranty Constraint s'],
    ['dischargingCapable', 'Dischargi ng capable'], ['userId', 'User ID'], ['departureTime', 'Departure Time'], ['minSoc', 'Minimum State of Charge'],
    ['targetSoc', 'Target State of Charge'], ['maxSoc', 'Maximum State of Charge'], ['dischargingAllowed', 'Dischargi ng allowed'],
    ['priorityCharging', 'Priority charging'], ['minGreenLevel', 'Minimum Green Level'],
  ],
  'ocpi2.2.1': [
    ['retailTariff', 'Consumpt ion Retail Tariff'], ['gridConnectionCapacity', 'Grid connectio'], ['activeGridPower', 'Active grid power'], ['location', 'Location'],
    ['contractedPower', 'Contracte d power'], ['capacityTariff', 'Capacity Tariff'], ['siteEan', 'Site EAN'], ['bspId', 'BSP ID (EAN)'], ['evseId', 'EVSE ID'],
    ['evseMaxChargePower', 'Maximum Charging Power'], ['evseActivePower', 'Active Power'], ['sessionId', 'Session ID'], ['compositeChargingSchedule', 'Composit'],
    ['chargedEnergy', 'Charged Energy'], ['dischargedEnergy', 'Discharge d Energy'], ['evTargetEnergyRequest', 'Target Energy'], ['userId', 'User ID'],
    ['departureTime', 'Departure'], ['dischargingAllowed', 'Dischargi'],
  ],
};

describe('data-object dictionary against the D2.3 §8 tables', () => {
  it.each(Object.entries(D23_ROWS))('%s: every row is in the table and mapped by a carrier that keeps its D2.3 spelling', (protocol, rows) => {
    const text = SECTIONS[protocol as d.DictProtocol]!;
    for (const [object, label] of rows) {
      expect(text, `row label "${label}"`).toContain(label);
      const mapped = d.CARRIERS.filter((c) => c.protocol === protocol && c.object === object && c.d23?.length);
      expect(mapped.length, `${protocol} ${object}: no carrier with D2.3's spelling`).toBeGreaterThan(0);
    }
  });

  it.each(Object.keys(D23_ROWS))('%s: each D2.3 spelling kept in the dictionary is in the §8 table, and belongs to a listed row', (protocol) => {
    const text = squeeze(SECTIONS[protocol as d.DictProtocol]!);
    const rows = new Set(D23_ROWS[protocol as keyof typeof D23_ROWS].map(([o]) => o));
    for (const c of d.CARRIERS.filter((x) => x.protocol === protocol && x.d23)) {
      for (const t of c.d23!) expect(text, `${c.object}: "${t}"`).toContain(squeeze(t));
      expect(rows.has(c.object), `${c.object} carries a D2.3 spelling but is no row of the ${protocol} table`).toBe(true);
    }
  });

  it('every data object of D2.3 §11.1 is in the dictionary, in its category', () => {
    const text = seed.slice(seed.indexOf('11.1 Data categories'), seed.indexOf('11.2 EV/EVSE Link'));
    const labels = ['EVSE maximum charging power', 'EVSE Active Power', 'EV maximum charging power', 'EV minimum charging power', 'EV minimum energy request', 'EV target energy request', 'EV maximum energy request', 'EV present SoC', 'Composite charging schedule', 'EV maximum discharge power', 'EV minimum discharge power', 'Round trip efficiency', 'Departure Time', 'Minimum SoC', 'Target SoC', 'Maximum SoC', 'Priority charging', 'Minimum Green Level', 'Discharging capable', 'Discharging allowed by user', 'Charged Energy', 'Discharged Energy', 'V2X Warranty constraints', 'V2X state of health', 'EVSE ID', 'Site EAN', 'Contracted power', 'Capacity period'];
    for (const label of labels) {
      expect(text).toContain(label);
      expect(Object.values(d.DATA_OBJECTS).some((o) => o.label === label), label).toBe(true);
    }
  });

  it('the coverage table gives a reason for every object a standard protocol cannot carry, and SCALE closes the gaps D2.3 §9 names', () => {
    const cov = d.coverage();
    for (const row of cov.filter((r) => !r.standard)) expect(row.reason, `${row.object} ${row.protocol}`).toBeTruthy();
    const scaleCloses = (object: d.DataObjectId, protocol: d.DictProtocol) => cov.find((r) => r.object === object && r.protocol === protocol)!;
    for (const [o, p] of [
      ['evMinEnergyRequest', 'iso15118-2'], ['minSoc', 'iso15118-2'], ['v2xStateOfHealth', 'iso15118-20'], ['roundTripEfficiency', 'iso15118-20'],
      ['evMinChargePower', 'ocpp2.0.1'], ['targetSoc', 'ocpp2.0.1'], ['sessionId', 'ocpp2.0.1'], ['v2xStateOfHealth', 'ocpp2.1'], ['roundTripEfficiency', 'ocpp2.1'],
    ] as const) {
      expect(scaleCloses(o, p)).toMatchObject({ standard: false, scale: true });
    }
    expect(scaleCloses('evMaxDischargePower', 'ocpi2.2.1')).toMatchObject({ standard: false, scale: false });
    expect(scaleCloses('evMaxDischargePower', 'ocpi2.2.1').reason).toMatch(/active charging profile/);
  });
});

describe('reading carriers from messages, with unit conversions', () => {
  const one = (object: d.DataObjectId, protocol: d.DictProtocol, message: string, pick = 0) => d.carriersOf(object, protocol, { scale: true }).filter((c) => c.message === message)[pick]!;

  it('ISO 15118-2 PhysicalValue and the voltage × current active power', () => {
    const msg = { V2G_Message: { Header: { SessionID: 'AB' }, Body: { CurrentDemandRes: { EVSEPresentVoltage: { Multiplier: 0, Unit: 'V', Value: 400 }, EVSEPresentCurrent: { Multiplier: -1, Unit: 'A', Value: 1250 }, EVSEMaximumPowerLimit: { Multiplier: 3, Unit: 'W', Value: 50 } } } } };
    expect(d.readCarrier(one('evseActivePower', 'iso15118-2', 'CurrentDemandRes'), msg)[0]!.value).toBe(50000);
    expect(d.readCarrier(one('evseMaxChargePower', 'iso15118-2', 'CurrentDemandRes'), msg)[0]!.value).toBe(50000);
    expect(d.readCarrier(d.carriersOf('sessionId', 'iso15118-2')[0]!, { V2G_Message: { Header: { SessionID: 'AB' }, Body: { SessionSetupRes: {} } } })[0]!.value).toBe('AB');
  });

  it('ISO 15118-20 RationalNumber through substitution members, and departure time from seconds', () => {
    const msg = { ScheduleExchangeReq: { Header: {}, MaximumSupportingPoints: 1, Dynamic_SEReqControlMode: { DepartureTime: 3600, EVTargetEnergyRequest: { Exponent: 1, Value: 3000 } } } };
    expect(d.readCarrier(one('evTargetEnergyRequest', 'iso15118-20', 'ScheduleExchangeReq'), msg)[0]).toMatchObject({ value: 30000, path: ['Dynamic_SEReqControlMode', 'EVTargetEnergyRequest'] });
    expect(d.readCarrier(one('departureTime', 'iso15118-20', 'ScheduleExchangeReq'), msg, { messageTimeMs: 1_000_000 })[0]!.value).toBe(1_000_000 + 3_600_000);
    const cpd = { DC_ChargeParameterDiscoveryReq: { BPT_DC_CPDReqEnergyTransferMode: { EVMaximumDischargePower: { Exponent: 3, Value: 11 }, RemainingV2GEnergy: { Exponent: 3, Value: 40 } } } };
    expect(d.readCarrier(one('evMaxDischargePower', 'iso15118-20', 'DC_ChargeParameterDiscoveryReq'), cpd)[0]!.value).toBe(11000);
    expect(d.readCarrier(one('v2xStateOfHealth', 'iso15118-20', 'DC_ChargeParameterDiscoveryReq'), cpd)[0]!.value).toBe(40000);
    const sd = { ServiceDiscoveryReq: { SupportedServiceIDs: { ServiceID: [2, 6] } } };
    expect(d.readCarrier(one('dischargingCapable', 'iso15118-20', 'ServiceDiscoveryReq'), sd)[0]!.value).toBe(true);
  });

  it('OCPP sampled values: measurand filter (absent = Energy.Active.Import.Register) and units', () => {
    const mv16 = { connectorId: 1, meterValue: [{ timestamp: 't', sampledValue: [{ value: '12.5', unit: 'kWh' }, { value: '55', measurand: 'SoC', unit: 'Percent' }] }] };
    expect(d.readCarrier(one('chargedEnergy', 'ocpp1.6', 'MeterValuesRequest'), mv16).map((v) => v.value)).toEqual([12500]);
    expect(d.readCarrier(one('evPresentSoc', 'ocpp1.6', 'MeterValuesRequest'), mv16).map((v) => v.value)).toEqual([55]);
    const mv21 = { evseId: 1, meterValue: [{ timestamp: 't', sampledValue: [{ value: 7.4, measurand: 'Energy.Active.Export.Register', unitOfMeasure: { unit: 'kWh', multiplier: 0 } }] }] };
    expect(d.readCarrier(one('dischargedEnergy', 'ocpp2.1', 'MeterValuesRequest'), mv21)[0]!.value).toBeCloseTo(7400);
  });

  it('OCPP 2.1 energy requests → SoC with the battery capacity (D2.3 §8.3.3)', () => {
    const needs = { evseId: 1, chargingNeeds: { requestedEnergyTransfer: 'DC_BPT', v2xChargingParameters: { evTargetEnergyRequest: 30000, evMinEnergyRequest: 6000 } } };
    const target = one('targetSoc', 'ocpp2.1', 'NotifyEVChargingNeedsRequest');
    expect(target.conversion).toBe('soc-from-energy');
    expect(d.readCarrier(target, needs, { batteryCapacityWh: 60000, presentSoc: 20 })[0]!.value).toBe(70);
    expect(d.readCarrier(target, needs)[0]!.value).toBeUndefined(); // no capacity: no SoC
    expect(d.readCarrier(one('dischargingCapable', 'ocpp2.1', 'NotifyEVChargingNeedsRequest'), needs)[0]!.value).toBe(true);
  });

  it('OCPI kWh → Wh, and charging periods by dimension type', () => {
    const session = { id: 's1', kwh: 11.5, charging_periods: [{ start_date_time: 't', dimensions: [{ type: 'ENERGY_IMPORT', volume: 2 }, { type: 'ENERGY_EXPORT', volume: 0.5 }] }] };
    expect(d.readCarrier(one('chargedEnergy', 'ocpi2.2.1', 'Session'), session)[0]!.value).toBe(11500);
    expect(d.readCarrier(d.carriersOf('dischargedEnergy', 'ocpi2.2.1').find((c) => c.message === 'Session')!, session)[0]!.value).toBe(500);
    const prefs = { profile_type: 'CHEAP', departure_time: '2026-11-24T18:00:00Z', energy_need: 20, discharge_allowed: true };
    expect(d.readCarrier(one('evTargetEnergyRequest', 'ocpi2.2.1', 'ChargingPreferences'), prefs)[0]!.value).toBe(20000);
    expect(d.readCarrier(one('departureTime', 'ocpi2.2.1', 'ChargingPreferences'), prefs)[0]!.value).toBe(Date.parse('2026-11-24T18:00:00Z'));
  });

  it('lookup by message hides the SCALE carriers unless asked', () => {
    expect(d.carriersIn('iso15118-20', 'DC_ChargeParameterDiscoveryReq').some((c) => c.object === 'v2xStateOfHealth')).toBe(false);
    expect(d.carriersIn('iso15118-20', 'DC_ChargeParameterDiscoveryReq', { scale: true }).some((c) => c.object === 'v2xStateOfHealth')).toBe(true);
  });
});
