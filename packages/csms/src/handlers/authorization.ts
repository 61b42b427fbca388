// C Authorization: Authorize against the id tokens in the store. 2.x answers idTokenInfo (Unknown
// for a token the CSMS does not know), 2.1 adds allowedEnergyTransfer when the token may use
// bidirectional modes (Q01 V2X authorization); 1.6 answers idTagInfo (Invalid for unknown).
import type { OcppServer, v16, v201, v21 } from '@v2xsim/ocpp';
import type { CsmsContext } from '../context.js';
import { authorizationStatus, getIdToken, type AuthorizationStatus, type IdTokenRecord } from '../store/index.js';

/** The token record and the status it gets now; `acceptAnyToken` accepts tokens the store does not know. */
export function lookUpToken(ctx: CsmsContext, idToken: string, type?: string): { record: IdTokenRecord | undefined; status: AuthorizationStatus } {
  const record = getIdToken(ctx.store, idToken, type) ?? (type !== undefined ? getIdToken(ctx.store, idToken) : undefined);
  const status = authorizationStatus(record, ctx.now());
  return { record, status: status === 'Unknown' && ctx.config.acceptAnyToken ? 'Accepted' : status };
}

/** 2.x IdTokenInfoType for a token (cacheExpiryDateTime from the token's expiry). */
export function idTokenInfo2(ctx: CsmsContext, idToken: { idToken: string; type: string }): v201.IdTokenInfoType {
  const { record, status } = lookUpToken(ctx, idToken.idToken, idToken.type);
  return {
    status,
    ...(record?.expiryDate ? { cacheExpiryDateTime: record.expiryDate } : {}),
    ...(record?.groupIdToken ? { groupIdToken: { idToken: record.groupIdToken, type: (record.groupType ?? 'Central') as v201.IdTokenEnumType } } : {}),
    ...(record?.language1 ? { language1: record.language1 } : {}),
  };
}

/** 1.6 idTagInfo: the 2.x statuses 1.6 does not have become Invalid. */
export function idTagInfo16(ctx: CsmsContext, idTag: string): v16.AuthorizeResponse['idTagInfo'] {
  const { record, status } = lookUpToken(ctx, idTag);
  const status16 = status === 'Accepted' || status === 'Blocked' || status === 'Expired' || status === 'ConcurrentTx' ? status : 'Invalid';
  return {
    status: status16,
    ...(record?.expiryDate ? { expiryDate: record.expiryDate } : {}),
    ...(record?.groupIdToken ? { parentIdTag: record.groupIdToken } : {}),
  };
}

export function registerAuthorization(server: OcppServer, ctx: CsmsContext): void {
  server.handle('1.6', 'Authorize', (req) => ({ idTagInfo: idTagInfo16(ctx, req.idTag) }));
  server.handle('2.0.1', 'Authorize', (req: v201.AuthorizeRequest) => ({ idTokenInfo: idTokenInfo2(ctx, req.idToken) }));
  server.handle('2.1', 'Authorize', (req: v21.AuthorizeRequest) => {
    const info = idTokenInfo2(ctx, req.idToken);
    const { record } = lookUpToken(ctx, req.idToken.idToken, req.idToken.type);
    // "If omitted this defaults to charging only": only tokens allowed more get the field
    const allowed = info.status === 'Accepted' ? record?.allowedEnergyTransfer : null;
    return { idTokenInfo: info, ...(allowed && allowed.length > 0 ? { allowedEnergyTransfer: allowed as v21.EnergyTransferModeEnumType[] } : {}) };
  });
}
