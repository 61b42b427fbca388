// AuthorizationSetup: the authorization services on offer. With PnC (only when the session has
// Secc20Pnc) a fresh 16-byte GenChallenge goes with PnC_ASResAuthorizationMode; the XSD allows one
// of the two mode elements only, so EIM_ASResAuthorizationMode is sent when PnC is not offered.
import { randomBytes } from 'node:crypto';
import { header, message } from '../../messages.js';
import type { Secc20State } from '../context.js';
import { authorizationServices } from '../parameters.js';

export const waitAuthorizationSetup: Secc20State = {
  name: 'WaitAuthorizationSetup',
  accepts: ['AuthorizationSetupReq'],
  handle(_req, _doc, ctx) {
    const offered = authorizationServices(ctx);
    const Header = header(ctx.sessionId);
    if (offered.includes('PnC')) {
      ctx.genChallenge = randomBytes(16).toString('hex');
      return {
        response: message('AuthorizationSetupRes', { Header, ResponseCode: 'OK', AuthorizationServices: offered, CertificateInstallationService: false, PnC_ASResAuthorizationMode: { GenChallenge: ctx.genChallenge } }),
        next: 'WaitAuthorization',
      };
    }
    return {
      response: message('AuthorizationSetupRes', { Header, ResponseCode: 'OK', AuthorizationServices: offered, CertificateInstallationService: false, EIM_ASResAuthorizationMode: {} }),
      next: 'WaitAuthorization',
    };
  },
};
