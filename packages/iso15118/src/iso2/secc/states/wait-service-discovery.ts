// ServiceDiscovery: the charge service (ID 1) with the EVSE's energy transfer modes and payment options.
import type { SeccState } from '../context.js';

export const waitServiceDiscovery: SeccState = {
  name: 'WaitServiceDiscovery',
  accepts: ['ServiceDiscoveryReq'],
  handle(_req, _body, ctx) {
    return {
      response: {
        ServiceDiscoveryRes: {
          ResponseCode: 'OK',
          PaymentOptionList: { PaymentOption: [...ctx.evse.paymentOptions] },
          ChargeService: {
            ServiceID: 1,
            ServiceCategory: 'EVCharging',
            FreeService: false,
            SupportedEnergyTransferMode: { EnergyTransferMode: [...ctx.evse.energyTransferModes] },
          },
        },
      },
      next: 'WaitPaymentServiceSelection',
    };
  },
};
