import type { ProcessKind, Scenario, Step } from '../types.js';
import type { ProcessAdapter } from './adapter.js';
import { csmsAdapter } from './csms.js';
import { evAdapter } from './ev.js';
import { evseAdapter } from './evse.js';
import { scspAdapter } from './scsp.js';

export * from './adapter.js';
export { iso15118Protocols, energyTransferMode, pkiDir, GENERATED_PKI } from './iso15118.js';
export { csmsDecides, fspOf, stationIdOf, stepOwners } from './routing.js';
export { emspNeedsProblem, energyNeedKwh, priceRows } from './scsp.js';
export { OCPP_PASSWORD } from './evse.js';

/** In start-up order: each process learns the addresses of the ones before it (the SCSP registers with the CPO, the EVSE connects to the CSMS, the EV to the EVSE). */
export const ADAPTERS: readonly ProcessAdapter[] = [csmsAdapter, scspAdapter, evseAdapter, evAdapter];

/** The start-up in stages: the SCSP (it registers with the CPO) and the EVSE (its station connects to the CSMS) both need only the CSMS, the EV needs the SECC. */
export const START_STAGES: readonly (readonly ProcessKind[])[] = [['csms'], ['scsp', 'evse'], ['ev']];

export function adapterFor(kind: ProcessKind): ProcessAdapter {
  const a = ADAPTERS.find((x) => x.kind === kind);
  if (!a) throw new Error(`no adapter for ${kind}`);
  return a;
}

/** Who carries out a step: the runner itself (plug-in, faults, kill, restart) or the processes with a control action for it. */
export function stepTargets(step: Step, scenario: Scenario): ('runner' | ProcessKind)[] {
  if ('plug-in' in step || 'fault' in step || 'kill' in step || 'restart' in step) return ['runner'];
  return ADAPTERS.filter((a) => a.present(scenario) && a.call(step, scenario) !== undefined).map((a) => a.kind);
}
