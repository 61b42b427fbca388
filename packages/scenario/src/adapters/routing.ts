// Which process carries out a driver's, site's or operator's step, by the scenario's control
// topology (D2.3 §11.2–11.4): the actor that owns the decision gets the change.
//
// | step              | fsp ev / evse | fsp csms / site-ems                | fsp scsp              |
// |-------------------|---------------|------------------------------------|-----------------------|
// | set-needs         | EV            | eMSP (SCSP) with OCPI, else EV     | eMSP (SCSP)           |
// | allow-discharge   | EV            | EV                                 | EV and the SCSP       |
// | priority-charging | –             | CSMS                               | –                     |
// | price-curve       | SCSP (with OCPI)                                                               |
// | set-limit         | EVSE          | CSMS (the site's limit)            | EVSE                  |
// | discharge         | EVSE          | CSMS with OCPP 2.1, else EVSE      | EVSE                  |
//
// D2.3 §11.4: "the MSP should send to the CSMS the driver related data via OCPI in the case some
// actor other than the MSP is the FSP"; with the EV or the EVSE deciding, the driver tells the car.
import type { Fsp, ProcessKind, Scenario, Step } from '../types.js';

/** The FSP: the scenario's topology, else the EVSE (the site's limits are the EVSE's own). */
export const fspOf = (s: Scenario): Fsp => s.topology?.fsp ?? 'evse';

/** A CSMS (or a CSMS acting as the site's EMS) plans the charging profiles. */
export const csmsDecides = (s: Scenario): boolean => s.stack.ocpp !== undefined && (fspOf(s) === 'csms' || fspOf(s) === 'site-ems');

/** The OCPP identity of the EVSE's station: its actor id. */
export const stationIdOf = (s: Scenario): string => s.evse?.id ?? 'evse';

/** The processes that carry out a step through their control API (empty: none in this run, or the runner's own). */
export function stepOwners(step: Step, s: Scenario): ProcessKind[] {
  const fsp = fspOf(s);
  const emsp = s.stack.ocpi !== undefined;
  if ('set-needs' in step) return emsp && fsp !== 'ev' && fsp !== 'evse' ? ['scsp'] : ['ev'];
  if ('allow-discharge' in step) return fsp === 'scsp' && emsp ? ['ev', 'scsp'] : ['ev'];
  if ('priority-charging' in step) return csmsDecides(s) ? ['csms'] : [];
  if ('price-curve' in step) return emsp ? ['scsp'] : [];
  if ('set-limit' in step) return csmsDecides(s) ? ['csms'] : ['evse'];
  if ('discharge' in step) return csmsDecides(s) && s.stack.ocpp?.version === '2.1' ? ['csms'] : ['evse'];
  if ('stop' in step) return [step.stop.by];
  if ('unplug' in step) return ['ev'];
  if ('authorize' in step) return ['evse'];
  return [];
}
