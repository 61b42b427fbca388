// What every handler module (one per OCPP functional block) works with: the store and its group
// commit, the OCPP server, the configuration, the smart-charging planner and the way to call a
// station. The CSMS (csms.ts) builds one and hands it to each block's `register`.
import type { AnyOcppConnection, OcppServer, OcppVersion, Payload } from '@v2xsim/ocpp';
import type { CsmsConfig } from './config.js';
import type { CsmsPki } from './security/pki.js';
import type { BatchWriter, CsmsStore, NotifyEVChargingNeedsLike } from './store/index.js';

/** What the smart-charging blocks tell the planner; it decides whether to (re)plan. */
export interface PlannerHooks {
  /** a transaction started or ended, or its EVSE's charging needs arrived: re-plan the site */
  siteChanged(reason: string): void;
  /** the current values of a Dynamic profile the CSMS installed (PullDynamicScheduleUpdate) */
  dynamicValues(stationId: string, profileId: number): Record<string, number> | undefined;
}

export interface CsmsContext {
  readonly store: CsmsStore;
  /** group commit: `await writer.write(fn)` before acknowledging what fn stores */
  readonly writer: BatchWriter;
  readonly config: CsmsConfig;
  readonly server: OcppServer;
  readonly pki: CsmsPki | undefined;
  readonly planner: PlannerHooks;
  now(): Date;
  log(line: string): void;
  /** the open connection of a station (throws CsmsError UnknownStation / StationOffline) */
  connection(stationId: string): AnyOcppConnection;
  /** CALL to a station; the payload is validated against the station's version (throws CsmsError) */
  call(stationId: string, action: string, payload: Payload): Promise<Payload>;
  /** the version a station speaks now (its open connection), else the last one stored */
  versionOf(stationId: string): OcppVersion | undefined;
  /** a fresh requestId / remoteStartId for CSMS-initiated requests */
  nextRequestId(): number;
  /** BootNotification status a station gets (the control API may change it per station) */
  registrationFor(stationId: string): 'Accepted' | 'Pending' | 'Rejected';
  /**
   * The driver's preferences over what the EV says (the OCPI CPO sets it): the charging needs to
   * plan a transaction with, given a NotifyEVChargingNeeds of its EV, or undefined when no driver
   * preferences stand for it. Without it the EV's needs are planned as they came.
   */
  driverNeeds?(stationId: string, transactionId: string, evNeeds: NotifyEVChargingNeedsLike): NotifyEVChargingNeedsLike | undefined;
}
