// ServicePaymentSelection: the EV picks ExternalPayment (the only option offered) and the charge service.
import { failed } from '../responses.js';
import type { SeccState } from '../context.js';

export const waitServicePaymentSelection: SeccState = {
  name: 'WaitServicePaymentSelection',
  accepts: ['ServicePaymentSelectionReq'],
  handle(req, body, ctx) {
    const sel = body.ServicePaymentSelectionReq!;
    if (sel.SelectedPaymentOption !== 'ExternalPayment') return { response: failed(req, 'FAILED_PaymentSelectionInvalid', ctx), next: null };
    const services = sel.SelectedServiceList.SelectedService;
    if (!services.some((s) => s.ServiceID === 1) || services.some((s) => s.ServiceID !== 1)) return { response: failed(req, 'FAILED_ServiceSelectionInvalid', ctx), next: null };
    return { response: { ServicePaymentSelectionRes: { ResponseCode: 'OK' } }, next: 'WaitContractAuthentication' };
  },
};
