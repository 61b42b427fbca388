// Trace events in the dictionary's terms: the protocol id the carriers use ('ocpp' + '2.0.1' →
// 'ocpp2.0.1'), whether the SCALE variant is on, and the message element(s) the carriers read.
// OCPI events name an HTTP operation (`PUT /sessions/{country_code}/{party_id}/{session_id}`);
// the carriers name the OCPI object that travels in it (Session), so each operation is mapped to
// its object and where the object sits (request body, or the response envelope's `data`).
import type { TraceEvent } from '../event.js';
import { DICT_PROTOCOLS, SCALE_OCPP_VENDOR_ID, type DictProtocol } from '../dictionary/carrier.js';

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The dictionary protocol of a trace event, or undefined for SDP, SupportedAppProtocol, control. */
export function dictProtocol(event: Pick<TraceEvent, 'protocol' | 'version'>): DictProtocol | undefined {
  const p = event.protocol;
  if ((DICT_PROTOCOLS as readonly string[]).includes(p)) return p as DictProtocol;
  if (p === 'ocpp' && event.version) {
    const id = `ocpp${event.version}`;
    return (DICT_PROTOCOLS as readonly string[]).includes(id) ? (id as DictProtocol) : undefined;
  }
  if (p === 'ocpi') return event.version === undefined || event.version.startsWith('2.2') ? 'ocpi2.2.1' : undefined;
  return undefined;
}

/** True when a body holds an OCPP customData object with the SCALE vendorId (D2.3 §9.3, §9.4). */
export function hasScaleCustomData(body: unknown, depth = 0): boolean {
  if (depth > 12) return false;
  if (Array.isArray(body)) return body.some((x) => hasScaleCustomData(x, depth + 1));
  if (!isObj(body)) return false;
  if (isObj(body.customData) && body.customData.vendorId === SCALE_OCPP_VENDOR_ID) return true;
  return Object.values(body).some((x) => hasScaleCustomData(x, depth + 1));
}

/** Which links speak the SCALE variant, when the caller knows better than the trace. */
export interface ScaleOptions {
  /** ISO 15118: default from the event's `version` (a `urn:scale:` namespace) */
  iso15118?: boolean;
  /** OCPP: default from the body (customData with vendorId `eu.scale-project`) */
  ocpp?: boolean;
}

/** Whether the SCALE carriers apply to this event. */
export function isScaleEvent(event: TraceEvent, protocol: DictProtocol, opts: ScaleOptions = {}): boolean {
  if (protocol === 'iso15118-2' || protocol === 'iso15118-20' || protocol === 'din70121') return opts.iso15118 ?? (event.version ?? '').includes(':scale:');
  if (protocol.startsWith('ocpp')) return opts.ocpp ?? hasScaleCustomData(event.body);
  return false;
}

/** One message element a carrier can be read from: its dictionary name and the body to read it in. */
export interface MessageView {
  message: string;
  /** what `readCarrier` takes: the V2G_Message / -20 document, the OCPP payload, the OCPI object */
  body: unknown;
}

/** OCPI: module and the last path parameter of an operation name → the object it carries. */
function ocpiObjectName(method: string, path: string, body: unknown): string | undefined {
  const segs = path.split('/').filter(Boolean);
  const module = segs[0];
  const last = [...segs].reverse().find((s) => s.startsWith('{'));
  switch (module) {
    case 'cdrs':
      return 'CDR';
    case 'sessions':
      return segs[segs.length - 1] === 'charging_preferences' ? 'ChargingPreferences' : 'Session';
    case 'tariffs':
      return 'Tariff';
    case 'tokens':
      return segs[segs.length - 1] === 'authorize' ? 'AuthorizationInfo' : 'Token';
    case 'locations':
      if (last === '{connector_id}') return 'Connector';
      if (last === '{evse_uid}') return 'EVSE';
      if (last === '{location_id}' || segs.length === 1) return 'Location';
      return ocpiShape(body);
    case 'chargingprofiles':
      if (segs[1] === 'result') return 'ActiveChargingProfileResult';
      if (method === 'PUT') return isObj(body) && 'response_url' in body ? 'SetChargingProfile' : 'ActiveChargingProfile';
      return undefined;
    default:
      return undefined;
  }
}

/** OCPI object by its shape, for operation names that are literal URLs rather than templates. */
function ocpiShape(body: unknown): string | undefined {
  if (!isObj(body)) return undefined;
  if ('result' in body && 'profile' in body) return 'ActiveChargingProfileResult';
  if ('evses' in body || 'coordinates' in body) return 'Location';
  if ('uid' in body && 'connectors' in body) return 'EVSE';
  return undefined;
}

/** The OCPI objects in an event: `[method, path]` from its message, then request body or response data. */
function ocpiViews(event: TraceEvent): MessageView[] {
  const m = /^(GET|PUT|PATCH|POST|DELETE) (\S+)( response)?$/.exec(event.message);
  if (!m) return [];
  const [, method, rawPath, response] = m as unknown as [string, string, string, string | undefined];
  const path = rawPath.replace(/^.*?\/ocpi\/(?:[^/]+\/)?(?:2\.2(?:\.1)?\/)?/, '/').split('?')[0]!;
  let payload: unknown;
  if (response) {
    // a response: the envelope's data (GET of a list gives an array); PUT/POST answers carry no object we map, except authorize
    if (!isObj(event.body)) return [];
    if (method !== 'GET' && !path.endsWith('/authorize')) return [];
    payload = event.body.data;
  } else {
    if (method === 'GET' || method === 'DELETE') return [];
    payload = event.body;
  }
  const items = Array.isArray(payload) ? payload : [payload];
  const out: MessageView[] = [];
  for (const item of items) {
    if (!isObj(item)) continue;
    const name = ocpiObjectName(method, path, item) ?? ocpiShape(item);
    if (!name) continue;
    if (name === 'AuthorizationInfo') {
      if (isObj(item.token)) out.push({ message: 'Token', body: item.token });
      continue;
    }
    out.push({ message: name, body: item });
    // a Location carries its EVSEs: their carriers apply to each
    if (name === 'Location' && Array.isArray(item.evses)) for (const evse of item.evses) if (isObj(evse)) out.push({ message: 'EVSE', body: evse });
  }
  return out;
}

/** The message elements of a trace event that carriers can be read from (none for an event without body). */
export function messageViews(event: TraceEvent, protocol: DictProtocol): MessageView[] {
  if (event.body === undefined || event.error !== undefined) return [];
  if (protocol === 'ocpi2.2.1') return ocpiViews(event);
  return [{ message: event.message, body: event.body }];
}
