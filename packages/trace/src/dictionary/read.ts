// Reading a carrier out of a decoded message and converting the value to the data object's
// canonical unit (W, Wh, %, epoch ms for instants), so values match across hops.
import type { Carrier } from './carrier.js';

/** What some conversions need beyond the message (D2.3 §8.3.3: "Need conversion with battery capacity"). */
export interface ReadContext {
  /** when the message was sent (ms since the epoch): anchors ISO 15118 "seconds from now" */
  messageTimeMs?: number;
  batteryCapacityWh?: number;
  /** present SoC (%) for energy request → SoC */
  presentSoc?: number;
  /** AC: nominal voltage (V) and phases for current → power */
  nominalVoltage?: number;
  phases?: number;
}

export interface CarrierValue {
  /** the concrete path, alternatives and array indexes resolved */
  path: string[];
  /** the field as the message has it */
  raw: unknown;
  /** in the data object's canonical unit; undefined when it cannot be converted (missing context) */
  value: unknown;
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The element a carrier path starts from: ISO 15118-2/DIN Body.<message> (Header from V2G_Message), -20 the message element, OCPP/OCPI the payload/object itself. */
export function messageRoot(carrier: Pick<Carrier, 'protocol' | 'message' | 'path'>, body: unknown): unknown {
  if (!isObj(body)) return undefined;
  if (carrier.protocol === 'iso15118-2' || carrier.protocol === 'din70121') {
    const msg = body.V2G_Message;
    if (!isObj(msg)) return undefined;
    if (carrier.path[0] === 'Header') return { Header: msg.Header };
    return isObj(msg.Body) ? msg.Body[carrier.message] : undefined;
  }
  if (carrier.protocol === 'iso15118-20') return body[carrier.message];
  return body;
}

function getDotted(o: Record<string, unknown>, key: string): unknown {
  let cur: unknown = o;
  for (const k of key.split('.')) cur = isObj(cur) ? cur[k] : undefined;
  return cur;
}

const DEFAULT_MEASURAND = 'Energy.Active.Import.Register';

function matches(holder: Record<string, unknown>, where: Readonly<Record<string, string>> | undefined): boolean {
  if (!where) return true;
  return Object.entries(where).every(([k, v]) => {
    const actual = getDotted(holder, k);
    // OCPP: a SampledValue without measurand is Energy.Active.Import.Register
    if (k === 'measurand' && actual === undefined) return v === DEFAULT_MEASURAND;
    return actual === v;
  });
}

/** Every occurrence of the carrier's field in a message element (arrays: each item; `A|B`: each alternative). */
export function walk(root: unknown, path: readonly string[], where?: Readonly<Record<string, string>>): { path: string[]; raw: unknown; holder: Record<string, unknown> }[] {
  const out: { path: string[]; raw: unknown; holder: Record<string, unknown> }[] = [];
  const step = (node: unknown, i: number, at: string[], holder: Record<string, unknown> | undefined): void => {
    if (node === undefined) return;
    if (i === path.length) {
      if (holder && matches(holder, where)) out.push({ path: at, raw: node, holder });
      return;
    }
    const seg = path[i]!;
    if (seg === '*') {
      if (Array.isArray(node)) node.forEach((item, k) => step(item, i + 1, [...at, String(k)], holder));
      else step(node, i + 1, at, holder); // a single item where the schema allows one
      return;
    }
    // the EXI JSON form uses an array for every repeatable element; OCPP/OCPI arrays are explicit '*'
    if (Array.isArray(node)) {
      node.forEach((item, k) => step(item, i, [...at, String(k)], holder));
      return;
    }
    if (!isObj(node)) return;
    for (const name of seg.split('|')) if (name in node) step(node[name], i + 1, [...at, name], node);
  };
  step(root, 0, [], undefined);
  return out;
}

function scaled(v: unknown, valueKey: string, expKey: string): number | undefined {
  if (!isObj(v) || typeof v[valueKey] !== 'number') return undefined;
  const exp = typeof v[expKey] === 'number' ? (v[expKey] as number) : 0;
  return (v[valueKey] as number) * 10 ** exp;
}

const SAMPLED_UNIT: Readonly<Record<string, number>> = { Wh: 1, kWh: 1000, W: 1, kW: 1000, varh: 1, kvarh: 1000, var: 1, kvar: 1000, A: 1, V: 1, Percent: 1, Celsius: 1, Fahrenheit: 1, K: 1 };

function sampledValue(raw: unknown, holder: Record<string, unknown>): number | undefined {
  const n = typeof raw === 'number' ? raw : typeof raw === 'string' ? Number(raw) : NaN;
  if (!Number.isFinite(n)) return undefined;
  // 2.x: unitOfMeasure {unit, multiplier}; 1.6: unit
  const uom = holder.unitOfMeasure;
  if (isObj(uom)) {
    const mult = typeof uom.multiplier === 'number' ? uom.multiplier : 0;
    const factor = SAMPLED_UNIT[typeof uom.unit === 'string' ? uom.unit : 'Wh'] ?? 1;
    return n * factor * 10 ** mult;
  }
  const unit = typeof holder.unit === 'string' ? holder.unit : undefined;
  return n * (unit ? (SAMPLED_UNIT[unit] ?? 1) : 1);
}

function baseValue(carrier: Carrier, raw: unknown, holder: Record<string, unknown>, ctx: ReadContext): unknown {
  switch (carrier.encoding) {
    case 'PhysicalValue':
      return scaled(raw, 'Value', 'Multiplier');
    case 'RationalNumber':
      return scaled(raw, 'Value', 'Exponent');
    case 'number':
      return typeof raw === 'number' ? raw : typeof raw === 'string' && raw !== '' && Number.isFinite(Number(raw)) ? Number(raw) : undefined;
    case 'string':
      return typeof raw === 'string' ? raw : raw === undefined ? undefined : String(raw);
    case 'boolean':
      return typeof raw === 'boolean' ? raw : undefined;
    case 'object':
      return raw;
    case 'kWh':
    case 'kW':
      return typeof raw === 'number' ? raw * 1000 : undefined;
    case 'secondsFromNow':
      return typeof raw === 'number' && ctx.messageTimeMs !== undefined ? ctx.messageTimeMs + raw * 1000 : undefined;
    case 'unixSeconds':
      return typeof raw === 'number' ? raw * 1000 : undefined;
    case 'rfc3339': {
      const t = typeof raw === 'string' ? Date.parse(raw) : NaN;
      return Number.isFinite(t) ? t : undefined;
    }
    case 'sampledValue':
      return sampledValue(raw, holder);
    case 'serviceIds': {
      const ids = (Array.isArray(raw) ? raw : [raw]).filter((x): x is number => typeof x === 'number');
      return ids.length ? ids.some((id) => id === 5 || id === 6) : undefined;
    }
    case 'energyTransferModes': {
      const modes = (Array.isArray(raw) ? raw : [raw]).filter((x): x is string => typeof x === 'string');
      return modes.length ? modes.some((m) => m.includes('BPT')) : undefined;
    }
  }
}

/** Reads every occurrence of `carrier` in a decoded message (the trace event's body). */
export function readCarrier(carrier: Carrier, body: unknown, ctx: ReadContext = {}): CarrierValue[] {
  const root = messageRoot(carrier, body);
  return walk(root, carrier.path, carrier.where).map(({ path, raw, holder }) => {
    let value = baseValue(carrier, raw, holder, ctx);
    if (typeof value === 'number' && carrier.conversion) {
      switch (carrier.conversion) {
        case 'soc-from-energy':
          value = ctx.batteryCapacityWh && ctx.presentSoc !== undefined ? ctx.presentSoc + (100 * value) / ctx.batteryCapacityWh : undefined;
          break;
        case 'power-from-current':
          value = ctx.nominalVoltage ? value * ctx.nominalVoltage * (ctx.phases ?? 1) : undefined;
          break;
        case 'power-from-voltage-current': {
          const v = carrier.with ? walk(root, carrier.with)[0] : undefined;
          const volts = v ? baseValue({ ...carrier, conversion: undefined } as Carrier, v.raw, v.holder, ctx) : undefined;
          value = typeof volts === 'number' ? volts * value : undefined;
          break;
        }
      }
    }
    return { path, raw, value };
  });
}
