// The clock the EVSE model reads: the shared simulation clock's interface.
export type { Clock } from '@v2xsim/process';
