// Type-level map from a negotiated version to its actions and payload types (generated from the
// schemas): `call('BootNotification', …)` on a 2.0.1 connection takes a 2.0.1 BootNotificationRequest.
import type { OcppActions16, OcppSendActions16 } from './generated/types16.js';
import type { OcppActions201, OcppSendActions201 } from './generated/types201.js';
import type { OcppActions21, OcppSendActions21 } from './generated/types21.js';
import type { OcppVersion } from './versions.js';

export interface ActionsByVersion {
  '1.6': OcppActions16;
  '2.0.1': OcppActions201;
  '2.1': OcppActions21;
}

export interface SendActionsByVersion {
  '1.6': OcppSendActions16;
  '2.0.1': OcppSendActions201;
  '2.1': OcppSendActions21;
}

/** The CALL actions of version V (for a union of versions: the actions they share). */
export type CallAction<V extends OcppVersion> = keyof ActionsByVersion[V] & string;

export type CallRequest<V extends OcppVersion, A extends CallAction<V>> = ActionsByVersion[V][A] extends { request: infer R } ? R : never;

export type CallResponse<V extends OcppVersion, A extends CallAction<V>> = ActionsByVersion[V][A] extends { response: infer R } ? R : never;

/** The SEND actions of version V (2.1: NotifyPeriodicEventStream; none before). */
export type SendAction<V extends OcppVersion> = keyof SendActionsByVersion[V] & string;

export type SendPayload<V extends OcppVersion, A extends SendAction<V>> = SendActionsByVersion[V][A];
