// OCPP Authorize with OCPI real-time authorization (mod_tokens): before the CSMS answers an
// Authorize for a token it has no whitelist entry for (or one an eMSP wants authorized on every
// use, whitelist NEVER), it asks the eMSPs (POST {tokens}/{uid}/authorize) and stores the answer;
// the answer then comes from the store as for any token (handlers/authorization.ts).
import type { OcppServer, v21 } from '@v2xsim/ocpp';
import type { CsmsContext } from '../context.js';
import { idTagInfo16, idTokenInfo2, lookUpToken } from '../handlers/authorization.js';
import type { OcpiCpo } from './cpo.js';

export function registerRealTimeAuthorization(server: OcppServer, ctx: CsmsContext, cpo: OcpiCpo): void {
  server.handle('1.6', 'Authorize', async (req) => {
    await cpo.authorizeUnknown(req.idTag, undefined);
    return { idTagInfo: idTagInfo16(ctx, req.idTag) };
  });
  server.handle('2.0.1', 'Authorize', async (req) => {
    await cpo.authorizeUnknown(req.idToken.idToken, req.idToken.type);
    return { idTokenInfo: idTokenInfo2(ctx, req.idToken) };
  });
  server.handle('2.1', 'Authorize', async (req: v21.AuthorizeRequest) => {
    await cpo.authorizeUnknown(req.idToken.idToken, req.idToken.type);
    const info = idTokenInfo2(ctx, req.idToken);
    const { record } = lookUpToken(ctx, req.idToken.idToken, req.idToken.type);
    const allowed = info.status === 'Accepted' ? record?.allowedEnergyTransfer : null;
    return { idTokenInfo: info, ...(allowed && allowed.length > 0 ? { allowedEnergyTransfer: allowed as v21.EnergyTransferModeEnumType[] } : {}) };
  });
}
