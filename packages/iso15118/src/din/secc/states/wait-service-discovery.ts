// ServiceDiscovery: the charge service (ID 1) with the one DC energy transfer type the EVSE offers,
// payment by ExternalPayment (EIM) only: DIN has no Plug & Charge in practice.
import { chargeService, failed, offeredTransferType } from '../responses.js';
import type { SeccState } from '../context.js';

export const waitServiceDiscovery: SeccState = {
  name: 'WaitServiceDiscovery',
  accepts: ['ServiceDiscoveryReq'],
  handle(req, body, ctx) {
    const category = body.ServiceDiscoveryReq!.ServiceCategory;
    // an EVSE without DC cannot serve DIN; an EV asking for another category gets nothing to choose
    if (!offeredTransferType(ctx) || (category !== undefined && category !== 'EVCharging')) return { response: failed(req, 'FAILED', ctx), next: null };
    return {
      response: { ServiceDiscoveryRes: { ResponseCode: 'OK', PaymentOptions: { PaymentOption: ['ExternalPayment'] }, ChargeService: chargeService(ctx) } },
      next: 'WaitServicePaymentSelection',
    };
  },
};
