/**
 * The cable between EV and EVSE: IEC 61851-1 control pilot states, PWM duty cycle and proximity
 * pilot as a line-delimited JSON side channel over TCP, and the ISO 15118 timers that start at a
 * CP change. SLAC / PLC (HomePlug Green PHY) is not simulated. See docs/cable.md.
 */
export {
  CABLE_CURRENTS,
  CP_STATES,
  CP_STATE_DESCRIPTION,
  CP_STATE_VOLTAGE,
  DIGITAL_COMMUNICATION_DUTY,
  EV_CP_STATES,
  PP_RESISTANCE_OHM,
  allowedCurrent,
  cableCurrentFromResistance,
  cpLevels,
  cpSubState,
  currentToDuty,
  dutyToCurrent,
  interpretDuty,
  isCableCurrent,
  isCpState,
  isDigitalCommunication,
  isEvCpState,
  isPwmDuty,
  resolveCpState,
} from './model.js';
export type { CableCurrent, CpInputs, CpState, DutyMeaning, EvCpState, PwmDuty } from './model.js';
export {
  CABLE_MAX_LINE_BYTES,
  CABLE_PROTOCOL_VERSION,
  CableError,
  LineSplitter,
  encodeCableMessage,
  isCableError,
  parseEvLine,
  parseEvseLine,
} from './wire.js';
export type {
  CableErrorCode,
  EvAckMessage,
  EvCpMessage,
  EvToEvseMessage,
  EvseAckMessage,
  EvseCpMessage,
  EvseToEvMessage,
  PlugMessage,
  PwmMessage,
  RefuseMessage,
  UnplugMessage,
} from './wire.js';
export { CableEvents, INITIAL_CABLE_STATE, applyCableChange, cableCpState, wallClockMs } from './events.js';
export type {
  CableChange,
  CableEvent,
  CableEventMap,
  CableEventName,
  CableSide,
  CableState,
  CpEvent,
  PluggedEvent,
  PwmEvent,
  UnplugReason,
  UnpluggedEvent,
  WaitForOptions,
} from './events.js';
export { CableEnd } from './end.js';
export type { CableCommit, CableEndOptions, CableTraceEvent } from './end.js';
export { CableSocket, createCableListener } from './socket.js';
export type { CableListenerOptions } from './socket.js';
export { CablePlug, plugIn } from './plug.js';
export type { PlugInOptions } from './plug.js';
export {
  CABLE_TIMERS,
  CableTimer,
  EvCableTimers,
  EvseCableTimers,
  WALL_CLOCK,
  cableTimerBudget,
} from './timers.js';
export type {
  CableClock,
  CableMeasurementName,
  CableTimerBudget,
  CableTimerOptions,
  CableTimerResult,
  CableTimerStatus,
  CableTimersOptions,
} from './timers.js';
