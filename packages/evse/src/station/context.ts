// What the parts of a station (the EVSE controllers, the handler modules of each functional
// block) share: configuration, device model, profiles, clock, and the two ways out — a direct
// CALL (online only) and the journaled queue of transaction messages.
import type { OcppVersion } from '@v2xsim/ocpp';
import type { ChargingProfiles, ProfileTransaction } from './charging-profiles.js';
import type { StationConfig } from './config.js';
import type { Configuration16 } from './configuration16.js';
import type { DeviceModel } from './device-model.js';
import type { EvseController } from './evse-controller.js';
import type { EvseScheduleUpdate } from './ports.js';

export type Payload = Record<string, unknown>;

export interface StationContext {
  readonly config: StationConfig;
  readonly version: OcppVersion;
  readonly dm: DeviceModel;
  /** 1.6 only */
  readonly configuration16: Configuration16 | undefined;
  readonly profiles: ChargingProfiles;
  readonly evses: ReadonlyMap<number, EvseController>;
  now(): number;
  /** connected and BootNotification accepted */
  readonly online: boolean;
  /** the SCALE customData is on (CustomizationCtrlr.CustomImplementationEnabled[eu.scale-project]) */
  readonly scale: boolean;
  /** a CALL now (rejects when offline) */
  call(action: string, payload: Payload): Promise<Payload>;
  /** a transaction message: journaled, delivered in order (1.6: `txRef` = the station's transaction reference) */
  enqueue(action: string, payload: Payload, txRef?: string): void;
  /** runs `fn` after the response of the CALL being handled went out (TriggerMessage, GetBaseReport …) */
  later(fn: () => void | Promise<void>): void;
  /** hands the composite schedules to the EVSEs (all, or one) */
  applySchedules(cause: EvseScheduleUpdate['cause'], evseId?: number): void;
  transactions(): ProfileTransaction[];
  /** the transaction's id as the CSMS knows it (1.6: the id StartTransaction got; 2.x: the same) */
  csmsTransactionId(stationId: string): string;
  /** open transactions changed: persist them */
  saveState(): void;
  /** Reset: ends transactions, reconnects and boots again */
  reboot(kind: 'Immediate' | 'OnIdle' | 'Hard' | 'Soft'): void;
  /** restarts the timers that depend on the device model (heartbeat, sampling) */
  timersChanged(): void;
  /** an event for observers (tests, the process) */
  emit(event: 'transaction', info: { evseId: number; transactionId: string; event: 'Started' | 'Updated' | 'Ended'; triggerReason: string }): void;
}
