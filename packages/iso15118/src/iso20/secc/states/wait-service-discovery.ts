// ServiceDiscovery: the energy transfer services of the EVSE (2 DC, 6 DC_BPT).
import { header, message } from '../../messages.js';
import type { Secc20State } from '../context.js';

export const waitServiceDiscovery: Secc20State = {
  name: 'WaitServiceDiscovery',
  accepts: ['ServiceDiscoveryReq'],
  handle(_req, _doc, ctx) {
    return {
      response: message('ServiceDiscoveryRes', {
        Header: header(ctx.sessionId),
        ResponseCode: 'OK',
        ServiceRenegotiationSupported: false,
        EnergyTransferServiceList: { Service: ctx.evse.services.map((id) => ({ ServiceID: id, FreeService: false })) },
      }),
      next: 'WaitServiceDetail',
    };
  },
};
