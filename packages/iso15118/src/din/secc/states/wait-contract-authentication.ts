// ContractAuthentication (EIM): Ongoing until the EVSE has authorised the driver; the EV keeps asking.
import type { SeccState } from '../context.js';

export const waitContractAuthentication: SeccState = {
  name: 'WaitContractAuthentication',
  accepts: ['ContractAuthenticationReq'],
  handle(_req, _body, ctx) {
    const finished = ctx.evse.authorization() === 'Finished';
    return {
      response: { ContractAuthenticationRes: { ResponseCode: 'OK', EVSEProcessing: finished ? 'Finished' : 'Ongoing' } },
      next: finished ? 'WaitChargeParameterDiscovery' : 'WaitContractAuthentication',
    };
  },
};
