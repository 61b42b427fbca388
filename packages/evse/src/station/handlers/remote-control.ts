// F Remote control: RequestStartTransaction / RequestStopTransaction (2.x, F01–F03),
// RemoteStartTransaction / RemoteStopTransaction (1.6 §5.11, §5.12), UnlockConnector (F05,
// 1.6 §5.18). A remote start may carry a TxProfile, set when the transaction starts (K05).
import { chargingProfileFromOcpp, type ChargingProfile16, type ChargingProfile2 } from '@v2xsim/ocpp';
import type { StationContext } from '../context.js';
import { V } from '../device-model.js';
import type { EvseController } from '../evse-controller.js';
import type { HandlerTable } from './registry.js';

function pickEvse(ctx: StationContext, evseId: number | undefined): EvseController | undefined {
  if (evseId !== undefined && evseId !== 0) return ctx.evses.get(evseId);
  // no EVSE given: the first one that is free (a plugged-in EV waiting for authorisation first)
  const free = [...ctx.evses.values()].filter((e) => e.operative && !e.authorization);
  return free.find((e) => e.connectedOn !== undefined && !e.tx) ?? free.find((e) => !e.tx);
}

export function remoteControlHandlers(ctx: StationContext, t: HandlerTable): void {
  if (ctx.version === '1.6') {
    t.set('RemoteStartTransaction', (req) => {
      const evse = pickEvse(ctx, req.connectorId === undefined ? undefined : Number(req.connectorId));
      if (!evse || !evse.operative || evse.authorization) return { status: 'Rejected' };
      const profile = req.chargingProfile as ChargingProfile16 | undefined;
      if (profile && profile.chargingProfilePurpose !== 'TxProfile') return { status: 'Rejected' };
      if (profile) evse.pendingTxProfile = { profile: chargingProfileFromOcpp('1.6', profile) };
      const idToken = { idToken: String(req.idTag), type: 'Central' };
      ctx.later(() => startAfterAuthorization(ctx, evse, idToken, undefined));
      return { status: 'Accepted' };
    });
    t.set('RemoteStopTransaction', (req) => {
      const evse = [...ctx.evses.values()].find((e) => e.tx && ctx.csmsTransactionId(e.tx.transactionId) === String(req.transactionId));
      if (!evse) return { status: 'Rejected' };
      ctx.later(() => evse.remoteStop());
      return { status: 'Accepted' };
    });
    t.set('UnlockConnector', (req) => {
      const evse = ctx.evses.get(Number(req.connectorId));
      if (!evse) return { status: 'NotSupported' };
      // 1.6 §5.18: a running transaction is stopped first (reason UnlockCommand)
      if (evse.tx) evse.abort('Other', 'UnlockCommand', 'UnlockCommand');
      return { status: evse.port.unlockConnector ? (evse.port.unlockConnector(1) ? 'Unlocked' : 'UnlockFailed') : 'Unlocked' };
    });
    return;
  }

  t.set('RequestStartTransaction', (req) => {
    const evse = pickEvse(ctx, req.evseId === undefined ? undefined : Number(req.evseId));
    if (!evse || !evse.operative) return { status: 'Rejected', statusInfo: { reasonCode: 'UnknownEvse', additionalInfo: 'no free EVSE' } };
    if (evse.authorization) return { status: 'Rejected', statusInfo: { reasonCode: 'TxInProgress', additionalInfo: `EVSE ${evse.evseId} is already authorised` } };
    const profile = req.chargingProfile as ChargingProfile2 | undefined;
    if (profile) {
      // K05: only a TxProfile without transactionId
      if (profile.chargingProfilePurpose !== 'TxProfile' || profile.transactionId !== undefined) {
        return { status: 'Rejected', statusInfo: { reasonCode: 'InvalidProfile', additionalInfo: 'RequestStartTransaction takes a TxProfile without transactionId' } };
      }
      evse.pendingTxProfile = { profile: chargingProfileFromOcpp(ctx.version, profile) };
    }
    const token = req.idToken as { idToken: string; type: string };
    const remoteStartId = Number(req.remoteStartId);
    const running = evse.tx;
    ctx.later(() => startAfterAuthorization(ctx, evse, { idToken: token.idToken, type: token.type }, remoteStartId));
    return { status: 'Accepted', ...(running ? { transactionId: running.transactionId } : {}) };
  });
  t.set('RequestStopTransaction', (req) => {
    const evse = [...ctx.evses.values()].find((e) => e.tx?.transactionId === req.transactionId);
    if (!evse) return { status: 'Rejected', statusInfo: { reasonCode: 'TxNotFound', additionalInfo: `no transaction ${String(req.transactionId).slice(0, 100)}` } };
    ctx.later(() => evse.remoteStop());
    return { status: 'Accepted' };
  });
  t.set('UnlockConnector', (req) => {
    const evse = ctx.evses.get(Number(req.evseId));
    const connectorId = Number(req.connectorId);
    if (!evse || connectorId < 1 || connectorId > evse.connectors) return { status: 'UnknownConnector' };
    // F05.FR.02: not while an authorised transaction runs on it
    if (evse.tx && evse.authorization) return { status: 'OngoingAuthorizedTransaction' };
    return { status: evse.port.unlockConnector ? (evse.port.unlockConnector(connectorId) ? 'Unlocked' : 'UnlockFailed') : 'Unlocked' };
  });
}

/** AuthorizeRemoteStart: Authorize first (F01.FR.02), else the remote start authorises directly. */
async function startAfterAuthorization(ctx: StationContext, evse: EvseController, idToken: { idToken: string; type: string }, remoteStartId: number | undefined): Promise<void> {
  if (ctx.dm.bool(V.authorizeRemoteStart)) {
    const res = await evse.authorizeWithCsms(idToken.idToken, idToken.type).catch(() => ({ accepted: false, status: 'Unknown' }));
    if (!res.accepted) {
      evse.pendingTxProfile = undefined;
      return;
    }
  }
  evse.remoteStart(idToken, remoteStartId);
}
