// The seam between the OCPP station and the EVSE(s) behind it. Two directions:
// - StationEvsePort: what the station reads from and asks of one EVSE (the EVSE process
//   implements it over its model and SECC adapters; tests give a plain object);
// - StationEvseEvents: what the EVSE tells the station (cable, authorisation, the ISO 15118
//   session and what the EV said in it); the station answers with OCPP messages.
// Units are SI (W, A, V, Wh), times epoch ms, SoC in percent; signs as OCPP: negative power or
// setpoint = discharge (energy from the EV).
import type { CompositeSchedule, Iso15118Schedule, OperationMode } from '@v2xsim/ocpp';

/** One meter reading of an EVSE. */
export interface EvseMeterSample {
  /** Energy.Active.Import.Register, Wh (to the EV) */
  importedWh: number;
  /** Energy.Active.Export.Register, Wh (from the EV, V2X) */
  exportedWh: number;
  /** active power now, W; negative = discharge */
  powerW?: number;
  /** the EV's state of charge, %, when the EV reports it */
  soc?: number;
  /** epoch ms of the reading (default: the station's clock) */
  timestamp?: number;
}

/**
 * What the EVSE should offer the EV from now on: the composite schedule of the station's charging
 * profiles for this EVSE, also converted for ISO 15118 (PMaxSchedule, discharge limits,
 * setpoints). The SECC renegotiates (-2 ReNegotiation, -20 Scheduled) or follows it (-20 Dynamic).
 */
export interface EvseScheduleUpdate {
  evseId: number;
  /** the composite, in the unit of the leading profile */
  composite: CompositeSchedule;
  /** the same in W for the SECC; t = 0 is composite.scheduleStart */
  iso15118: Iso15118Schedule;
  /** the period in force now, in W: what Dynamic control follows */
  now: {
    operationMode: OperationMode;
    /** ≥ 0: the lower of the profiles' limit and the EVSE's rating */
    maxPowerW?: number;
    /** ≥ 0, the magnitude of the discharge limit; absent = no discharge (ChargingOnly) */
    maxDischargePowerW?: number;
    /** negative = discharge */
    setpointW?: number;
  };
  /** what changed it */
  cause: 'profile' | 'transaction' | 'dynamic-update' | 'priority-charging' | 'schedule-period' | 'startup';
}

export type StationStopReason = 'Remote' | 'DeAuthorized' | 'Reset' | 'Local' | 'UnlockCommand';

/** What the station needs from one EVSE. Every method but meter() and applySchedule() is optional. */
export interface StationEvsePort {
  /** the meter now */
  meter(): EvseMeterSample;
  /** the composite schedule for this EVSE changed: hand it to the SECC */
  applySchedule(update: EvseScheduleUpdate): void;
  /** RequestStartTransaction / RemoteStartTransaction was accepted: authorise the session (present or next) */
  remoteStart?(request: { idToken: string; remoteStartId?: number; connectorId?: number }): void;
  /** the station ends the charge (remote stop, deauthorisation, reset): stop the energy transfer */
  stopCharging?(reason: StationStopReason): void;
  /** UnlockConnector: true when the connector unlocked */
  unlockConnector?(connectorId: number): boolean;
  /** ChangeAvailability: the EVSE may (not) start new sessions */
  setOperative?(operative: boolean): void;
}

/** ISO 15118 protocols the SECC speaks, as the trace names them. */
export type Iso15118Protocol = 'iso15118-2' | 'iso15118-20' | 'din70121';

/** OCPP EnergyTransferModeEnumType values a station can report (the BPT ones in 2.1 only). */
export type EnergyTransfer = 'AC_single_phase' | 'AC_two_phase' | 'AC_three_phase' | 'DC' | 'AC_BPT' | 'DC_BPT';

/**
 * What the EV said about its needs (ISO 15118-2 ChargeParameterDiscoveryReq, -20
 * ChargeParameterDiscovery + ScheduleExchange, and their SCALE variants), protocol-neutral.
 */
export interface EvChargingNeeds {
  protocol?: Iso15118Protocol;
  /** the energy transfer the EV asked for */
  energyTransfer: EnergyTransfer;
  /** -20: the services the EV can do */
  availableEnergyTransfer?: readonly EnergyTransfer[];
  /** -20 control mode; -2 is always Scheduled */
  controlMode?: 'Scheduled' | 'Dynamic';
  /** -20: who gives the mobility needs */
  mobilityNeedsMode?: 'EVCC' | 'EVCC_SECC';
  /** epoch ms */
  departureTime?: number;
  /** MaxEntriesSAScheduleTuple / MaximumSupportingPoints */
  maxScheduleTuples?: number;
  /** AC EAmount / DC EVEnergyRequest / -20 EVTargetEnergyRequest, Wh */
  energyAmountWh?: number;
  /** SCALE -2 EVMinEnergyRequest / -20 EVMinimumEnergyRequest, Wh */
  minEnergyWh?: number;
  /** SCALE -2 EVMaxEnergyRequest / -20 EVMaximumEnergyRequest, Wh */
  maxEnergyWh?: number;
  /** -20 Dynamic BPT: EVMinimumV2XEnergyRequest / EVMaximumV2XEnergyRequest, Wh */
  minV2XEnergyWh?: number;
  maxV2XEnergyWh?: number;
  /** W, all phases */
  minChargePowerW?: number;
  maxChargePowerW?: number;
  /** W ≥ 0 (BPT) */
  minDischargePowerW?: number;
  maxDischargePowerW?: number;
  /** A (AC: per phase) */
  minCurrentA?: number;
  maxCurrentA?: number;
  minDischargeCurrentA?: number;
  maxDischargeCurrentA?: number;
  minVoltageV?: number;
  maxVoltageV?: number;
  /** % */
  soc?: number;
  minSoc?: number;
  targetSoc?: number;
  /** FullSOC (-2 DC) / SCALE EVMaxSoc */
  maxSoc?: number;
  bulkSoc?: number;
  /** EVEnergyCapacity, Wh */
  batteryCapacityWh?: number;
  /** SCALE -20: V2X budget left under the OEM warranty (V2X state of health), Wh */
  remainingV2XEnergyWh?: number;
  /** SCALE -20: round-trip efficiency of the on-board converter, ratio 0..1 */
  roundTripEfficiency?: number;
}

/** The EV's own schedule (ISO 15118 PowerDelivery ChargingProfile): NotifyEVChargingSchedule. */
export interface EvChargingSchedule {
  /** epoch ms: t = 0 of the entries */
  timeBase: number;
  /** the SAScheduleTuple / schedule the EV chose */
  selectedScheduleId?: number;
  entries: readonly { startS: number; powerW: number }[];
}

export interface AuthorizationResult {
  /** AuthorizationStatusEnumType (2.x) / idTagInfo.status (1.6) */
  status: string;
  accepted: boolean;
  /** 2.1 AuthorizeResponse.allowedEnergyTransfer */
  allowedEnergyTransfer?: readonly string[];
}

/** The EV connection's charging state (TransactionEvent chargingState). */
export type EvseChargingState = 'EVConnected' | 'Charging' | 'SuspendedEV' | 'SuspendedEVSE' | 'Idle';

/** What one EVSE tells the station. Every call is safe while offline: transaction messages are journaled. */
export interface StationEvseEvents {
  readonly evseId: number;
  /** the cable was plugged in (connector 1 unless said) */
  plugIn(connectorId?: number): void;
  /** the cable was unplugged: ends the transaction (TxStopPoint EVConnected) */
  unplug(connectorId?: number): void;
  /**
   * The driver or the EV presented an id token (RFID, ISO 15118 PnC eMAID, ...): Authorize with
   * the CSMS (offline: per LocalAuthorizeOffline), then the transaction is authorised.
   */
  authorize(idToken: { idToken: string; type?: string; evccId?: string }): Promise<AuthorizationResult>;
  /** the ISO 15118 / DIN session started (SessionSetup): its SessionID goes to the CSMS (SCALE) */
  iso15118SessionStarted(session: { sessionId: string; protocol: Iso15118Protocol; evccId?: string }): void;
  /** the EV told its needs: NotifyEVChargingNeeds; resolves with the CSMS's status ('Offline' / 'NotSupported' (1.6) when not sent) */
  chargingNeeds(needs: EvChargingNeeds): Promise<string>;
  /** the EV sent its own schedule: NotifyEVChargingSchedule */
  evChargingSchedule(schedule: EvChargingSchedule): Promise<string>;
  /** energy flows or pauses: TransactionEvent Updated (ChargingStateChanged) */
  chargingState(state: EvseChargingState): void;
  /** the session ended on the EV side or locally (StoppedByEV, Local, ...): deauthorises */
  stop(reason?: 'StoppedByEV' | 'Local' | 'EVDisconnected' | 'Other'): void;
}
