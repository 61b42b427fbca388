// ServiceDetail (any number) and PaymentServiceSelection: the EV picks a payment option we offered
// and the charge service.
import { failed } from '../responses.js';
import type { SeccState } from '../context.js';

export const waitPaymentServiceSelection: SeccState = {
  name: 'WaitPaymentServiceSelection',
  accepts: ['ServiceDetailReq', 'PaymentServiceSelectionReq'],
  handle(req, body, ctx) {
    if (req === 'ServiceDetailReq') {
      // only the charge service exists; it has no parameter sets
      const id = body.ServiceDetailReq!.ServiceID;
      return id === 1
        ? { response: { ServiceDetailRes: { ResponseCode: 'OK', ServiceID: 1 } }, next: 'WaitPaymentServiceSelection' }
        : { response: { ServiceDetailRes: { ResponseCode: 'FAILED_ServiceIDInvalid', ServiceID: id } }, next: 'WaitPaymentServiceSelection' };
    }
    const sel = body.PaymentServiceSelectionReq!;
    if (!ctx.evse.paymentOptions.includes(sel.SelectedPaymentOption)) return { response: failed(req, 'FAILED_PaymentSelectionInvalid', ctx), next: null };
    if (!sel.SelectedServiceList.SelectedService.some((s) => s.ServiceID === 1)) return { response: failed(req, 'FAILED_NoChargeServiceSelected', ctx), next: null };
    if (sel.SelectedServiceList.SelectedService.some((s) => s.ServiceID !== 1)) return { response: failed(req, 'FAILED_ServiceSelectionInvalid', ctx), next: null };
    ctx.paymentOption = sel.SelectedPaymentOption;
    if (sel.SelectedPaymentOption === 'Contract') {
      // Plug & Charge needs trusted MO roots to check contract certificates
      if (!ctx.pnc) return { response: failed(req, 'FAILED_PaymentSelectionInvalid', ctx), next: null };
      return { response: { PaymentServiceSelectionRes: { ResponseCode: 'OK' } }, next: 'WaitPaymentDetails' };
    }
    return { response: { PaymentServiceSelectionRes: { ResponseCode: 'OK' } }, next: 'WaitAuthorization' };
  },
};
