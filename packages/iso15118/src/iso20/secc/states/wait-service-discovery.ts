// ServiceDiscovery: the energy transfer services of the negotiated namespace (AC 1 / AC_BPT 5, or
// DC 2 / DC_BPT 6). Service renegotiation (SessionStop ServiceRenegotiation) is not offered.
import { header, message } from '../../messages.js';
import type { Secc20State } from '../context.js';
import { serviceList } from '../parameters.js';
import { failed } from '../responses.js';

export const waitServiceDiscovery: Secc20State = {
  name: 'WaitServiceDiscovery',
  accepts: ['ServiceDiscoveryReq'],
  handle(req, _doc, ctx) {
    const Service = serviceList(ctx);
    if (!Service.length) return { response: failed(req, 'FAILED_NoEnergyTransferServiceSelected', ctx), next: null };
    return {
      response: message('ServiceDiscoveryRes', { Header: header(ctx.sessionId), ResponseCode: 'OK', ServiceRenegotiationSupported: false, EnergyTransferServiceList: { Service } }),
      next: 'WaitServiceDetail',
    };
  },
};
