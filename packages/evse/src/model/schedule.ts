// The power schedule the EVSE offers and enforces; the EV follows the same shape.
export { activePMaxScheduleEntry, rebasePMaxSchedule, validatePMaxSchedule, type PMaxSchedule, type PMaxScheduleEntry } from '@v2xsim/process';
