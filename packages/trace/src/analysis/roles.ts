// Which actor plays which part (EV, EVSE, CSMS, SCSP). Actor names are free ('ev-1', 'evse-1',
// 'cpo'), so the part is read from what the actor does on the wire, then from its name, unless
// the caller says.
import type { TraceEvent } from '../event.js';
import type { CarrierSender, DataSource } from '../dictionary/index.js';

export type Role = 'EV' | 'EVSE' | 'CSMS' | 'SCSP';
export const ROLES: readonly Role[] = ['EV', 'EVSE', 'CSMS', 'SCSP'];

/** OCPP requests only a charging station sends */
const STATION_REQUESTS = /^(BootNotification|Heartbeat|StatusNotification|TransactionEvent|StartTransaction|StopTransaction|MeterValues|NotifyEVChargingNeeds|NotifyEVChargingSchedule|ReportChargingProfiles|NotifyReport|Authorize)Request$/;
/** OCPI operations a CPO sends to an eMSP/SCSP (receiver interfaces of the eMSP, sender PUT of ActiveChargingProfile) */
const CPO_OCPI = /^(PUT|PATCH|POST) \/(sessions|cdrs|locations|tariffs)(\/\{country_code\}|$)/;
/** OCPI operations an eMSP/SCSP sends to a CPO (PUT /chargingprofiles/{session_id} goes both ways: not a clue) */
const SCSP_OCPI = /^(PUT \/sessions\/\{session_id\}\/charging_preferences|GET \/chargingprofiles|DELETE \/chargingprofiles|POST \/commands\/[A-Z_]+$)/;

function byName(actor: string): Role | undefined {
  const a = actor.toLowerCase();
  if (/^(scsp|emsp|msp|fsp)/.test(a)) return 'SCSP';
  if (/^(csms|cpo)/.test(a)) return 'CSMS';
  if (/^(evse|secc|station|cs\b|cs-|cp\b|cp-|charger)/.test(a)) return 'EVSE';
  if (/^(ev|evcc|car|vehicle)/.test(a)) return 'EV';
  return undefined;
}

/** Each actor of the events → its role. `overrides` wins; then behaviour on the wire; then the name. */
export function inferRoles(events: readonly TraceEvent[], overrides: Readonly<Record<string, Role>> = {}): Map<string, Role> {
  const votes = new Map<string, Map<Role, number>>();
  const vote = (actor: string, role: Role): void => {
    let v = votes.get(actor);
    if (!v) votes.set(actor, (v = new Map()));
    v.set(role, (v.get(role) ?? 0) + 1);
  };
  const actors = new Set<string>();
  for (const e of events) {
    actors.add(e.actor);
    if (e.link === 'ev-evse') {
      if (e.protocol === 'sdp' || e.protocol === 'control') continue;
      const isReq = /req$/i.test(e.message);
      const isRes = /res$/i.test(e.message);
      // the EV sends requests and receives responses; the EVSE the other way round
      if ((isReq && e.direction === 'tx') || (isRes && e.direction === 'rx')) vote(e.actor, 'EV');
      else if ((isRes && e.direction === 'tx') || (isReq && e.direction === 'rx')) vote(e.actor, 'EVSE');
    } else if (e.link === 'evse-csms') {
      const station = STATION_REQUESTS.test(e.message);
      if (station) vote(e.actor, e.direction === 'tx' ? 'EVSE' : 'CSMS');
    } else if (e.link === 'csms-scsp') {
      const name = e.message.replace(/ response$/, '');
      const response = e.message.endsWith(' response');
      const sentByCpo = CPO_OCPI.test(name);
      const sentByScsp = SCSP_OCPI.test(name);
      if (!sentByCpo && !sentByScsp) continue;
      // the sender of a request (or the receiver of its response) is the side that sends it
      const isSender = (e.direction === 'tx') !== response;
      vote(e.actor, sentByCpo === isSender ? 'CSMS' : 'SCSP');
    }
  }
  const out = new Map<string, Role>();
  for (const actor of actors) {
    const override = overrides[actor];
    if (override) {
      out.set(actor, override);
      continue;
    }
    const v = votes.get(actor);
    const best = v ? [...v.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] : undefined;
    const role = best ?? byName(actor);
    if (role) out.set(actor, role);
  }
  return out;
}

/** The role of a carrier's sender (the SCSP acts as eMSP in D2.3). */
export function senderRole(sender: CarrierSender): Role {
  return sender === 'eMSP' ? 'SCSP' : sender;
}

/** The roles where a data object can start (D2.3 §11: its source; a driver's choice enters at the EV or the eMSP, site data at the EVSE or the CSMS). */
export function sourceRoles(source: DataSource): readonly Role[] {
  switch (source) {
    case 'EV':
    case 'EVSE':
    case 'CSMS':
    case 'SCSP':
      return [source];
    case 'eMSP':
      return ['SCSP'];
    case 'driver':
      return ['EV', 'SCSP'];
    case 'site':
      return ['EVSE', 'CSMS'];
  }
}
