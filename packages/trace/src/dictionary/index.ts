// The data-object dictionary: D2.3 §11.1 data objects and the message fields that carry them in
// every protocol version of §8 (and the SCALE variants of §9). Journeys and gap tables are
// computed from trace events with it.
import type { Carrier, DictProtocol } from './carrier.js';
import { DICT_PROTOCOLS } from './carrier.js';
import { DIN70121_CARRIERS, ISO15118_20_CARRIERS, ISO15118_2_CARRIERS } from './carriers-iso15118.js';
import { OCPI221_CARRIERS } from './carriers-ocpi.js';
import { OCPP16_CARRIERS, OCPP201_CARRIERS, OCPP21_CARRIERS } from './carriers-ocpp.js';
import { DATA_OBJECT_IDS, type DataObjectId } from './data-objects.js';
import { gapReason } from './gaps.js';

export * from './carrier.js';
export * from './data-objects.js';
export * from './read.js';
export { gapReason, D23_GAPS } from './gaps.js';

export const CARRIERS: readonly Carrier[] = [
  ...ISO15118_2_CARRIERS,
  ...DIN70121_CARRIERS,
  ...ISO15118_20_CARRIERS,
  ...OCPP16_CARRIERS,
  ...OCPP201_CARRIERS,
  ...OCPP21_CARRIERS,
  ...OCPI221_CARRIERS,
];

const byMessage = new Map<string, Carrier[]>();
for (const c of CARRIERS) {
  const k = `${c.protocol} ${c.message}`;
  let list = byMessage.get(k);
  if (!list) byMessage.set(k, (list = []));
  list.push(c);
}

/** The carriers of a message (as a trace event names protocol and message). */
export function carriersIn(protocol: string, message: string, opts: { scale?: boolean } = {}): readonly Carrier[] {
  const list = byMessage.get(`${protocol} ${message}`) ?? [];
  return opts.scale ? list : list.filter((c) => c.variant !== 'scale');
}

/** The carriers of a data object, optionally in one protocol, with or without the SCALE variants. */
export function carriersOf(object: DataObjectId, protocol?: DictProtocol, opts: { scale?: boolean } = {}): readonly Carrier[] {
  return CARRIERS.filter((c) => c.object === object && (!protocol || c.protocol === protocol) && (opts.scale || c.variant !== 'scale'));
}

export interface Coverage {
  object: DataObjectId;
  protocol: DictProtocol;
  /** carried by the standard protocol */
  standard: boolean;
  /** carried once the SCALE extension is on (the standard carriers count too) */
  scale: boolean;
  /** why not, when not carried by the standard */
  reason?: string;
}

/** The data object × protocol table (the static part of the gap report). */
export function coverage(): Coverage[] {
  const out: Coverage[] = [];
  for (const object of DATA_OBJECT_IDS) {
    for (const protocol of DICT_PROTOCOLS) {
      const standard = carriersOf(object, protocol).length > 0;
      const scale = carriersOf(object, protocol, { scale: true }).length > 0;
      out.push({ object, protocol, standard, scale, ...(standard ? {} : { reason: gapReason(object, protocol) }) });
    }
  }
  return out;
}
