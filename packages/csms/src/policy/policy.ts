// The smart-charging policy interface: given every active session of the site (what each EV
// needs, what each EVSE can do) and the site's grid connection limit, decide each session's
// power. Pure: no store, no sockets. The CSMS's planner (planner.ts) gathers the input, calls the
// policy, turns the plan into TxProfiles and sends them. Another policy (the SCSP's, through OCPI)
// implements the same interface.

export interface PlanSession {
  /** stationId/transactionId */
  key: string;
  stationId: string;
  evseId: number;
  transactionId: string;
  /** the EVSE's rated power, W */
  evseMaxPowerW: number;
  /** the EV's maximum charge power, W (NotifyEVChargingNeeds), if known */
  evMaxPowerW?: number;
  /** the EV's minimum charge power, W: below it the EV cannot charge (SCALE evMinPower, 2.1 minChargePower) */
  evMinPowerW?: number;
  /** energy the EV still needs, Wh */
  energyNeedWh?: number;
  /** epoch ms */
  departureTime?: number;
  /** the station is offline: its last limit holds and cannot be changed (K: a station keeps its profiles) */
  fixedW?: number;
  /** the operator's setpoint for this session, W (negative = discharge): it is served as is */
  setpointW?: number;
  /** the driver asked for priority charging: as fast as possible (the session requires its maximum) */
  priority?: boolean;
}

export interface PlanInput {
  /** epoch ms */
  now: number;
  /** the grid connection limit of the site, W; absent = none */
  siteLimitW?: number;
  sessions: readonly PlanSession[];
}

export interface SessionPlan {
  key: string;
  /** the charge power limit for the TxProfile, W */
  limitW: number;
  /** the average power the energy need requires until departure, W (when both are known) */
  requiredW?: number;
  /** false when the limits leave the EV short of its energy need by its departure */
  meetsNeed: boolean;
}

export interface SitePlan {
  sessions: SessionPlan[];
  /** the sum of the limits, W (a discharging setpoint counts negative) */
  totalW: number;
}

export interface SmartChargingPolicy {
  readonly name: string;
  plan(input: PlanInput): SitePlan;
}
