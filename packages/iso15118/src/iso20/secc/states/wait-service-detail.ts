// ServiceDetail (any number, for the offered services) then ServiceSelection: a service of this
// namespace and one of its parameter sets, else FAILED_ServiceSelectionInvalid.
import { bodyOf, header, isBptService, message, serviceOf } from '../../messages.js';
import type { Secc20State } from '../context.js';
import { offeredServices, parameterSets, selection } from '../parameters.js';
import { failed } from '../responses.js';

export const waitServiceDetail: Secc20State = {
  name: 'WaitServiceDetail',
  accepts: ['ServiceDetailReq', 'ServiceSelectionReq'],
  handle(req, doc, ctx) {
    if (req === 'ServiceDetailReq') {
      const id = bodyOf(doc, 'ServiceDetailReq')!.ServiceID;
      const service = serviceOf(id);
      if (!service || !offeredServices(ctx).includes(service)) return { response: failed(req, 'FAILED_ServiceIDInvalid', ctx), next: null };
      return {
        response: message('ServiceDetailRes', { Header: header(ctx.sessionId), ResponseCode: 'OK', ServiceID: id, ServiceParameterList: { ParameterSet: parameterSets(ctx, service) } }),
        next: 'WaitServiceDetail',
      };
    }
    const sel = selection(ctx, bodyOf(doc, 'ServiceSelectionReq')!.SelectedEnergyTransferService);
    if (!sel) return { response: failed(req, 'FAILED_ServiceSelectionInvalid', ctx), next: null };
    ctx.service = sel.service;
    ctx.controlMode = sel.mode;
    ctx.parameterSetId = sel.id;
    ctx.bpt = isBptService(sel.service);
    return { response: message('ServiceSelectionRes', { Header: header(ctx.sessionId), ResponseCode: 'OK' }), next: 'WaitChargeParameterDiscovery' };
  },
};
