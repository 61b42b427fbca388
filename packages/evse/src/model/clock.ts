// What the EVSE model needs of a clock: sim time in ms since the epoch. The same shape as
// @v2xsim/ev's Clock (SimClock satisfies it); declared here so the EVSE does not depend on the EV.
export interface Clock {
  now(): number;
}
