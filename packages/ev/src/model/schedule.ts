// The power schedule the EV follows (ISO 15118-2 PMaxSchedule, -20 scheduled mode); the EVSE
// offers the same shape.
export { activePMaxScheduleEntry, validatePMaxSchedule, type PMaxSchedule, type PMaxScheduleEntry } from '@v2xsim/process';
