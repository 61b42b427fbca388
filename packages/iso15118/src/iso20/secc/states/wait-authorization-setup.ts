// AuthorizationSetup: this SECC offers EIM only.
import { header, message } from '../../messages.js';
import type { Secc20State } from '../context.js';

export const waitAuthorizationSetup: Secc20State = {
  name: 'WaitAuthorizationSetup',
  accepts: ['AuthorizationSetupReq'],
  handle(_req, _doc, ctx) {
    return {
      response: message('AuthorizationSetupRes', { Header: header(ctx.sessionId), ResponseCode: 'OK', AuthorizationServices: ['EIM'], CertificateInstallationService: false, EIM_ASResAuthorizationMode: {} }),
      next: 'WaitAuthorization',
    };
  },
};
