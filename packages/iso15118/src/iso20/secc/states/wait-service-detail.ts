// ServiceDetail (repeatable) then ServiceSelection. One parameter set per control mode: its id is
// the ControlMode value (1 Scheduled, 2 Dynamic). DC parameters: Connector, ControlMode,
// MobilityNeedsMode, Pricing; DC_BPT adds BPTChannel and GeneratorMode.
import type { Iso20 } from '@v2xsim/exi';
import { bodyOf, CONTROL_MODE, header, message, SERVICE_DC_BPT, type ControlMode } from '../../messages.js';
import type { Secc20Context, Secc20State } from '../context.js';
import { failed } from '../responses.js';

function parameterSets(ctx: Secc20Context, serviceId: number): Iso20.ParameterSetType[] {
  return ctx.evse.controlModes.map((mode) => ({
    ParameterSetID: CONTROL_MODE[mode],
    Parameter: [
      { Name: 'Connector', intValue: 2 },
      { Name: 'ControlMode', intValue: CONTROL_MODE[mode] },
      { Name: 'MobilityNeedsMode', intValue: mode === 'Dynamic' ? 2 : 1 },
      { Name: 'Pricing', intValue: 0 },
      ...(serviceId === SERVICE_DC_BPT ? [{ Name: 'BPTChannel', intValue: 1 }, { Name: 'GeneratorMode', intValue: 1 }] : []),
    ],
  }));
}

export const waitServiceDetail: Secc20State = {
  name: 'WaitServiceDetail',
  accepts: ['ServiceDetailReq', 'ServiceSelectionReq'],
  handle(req, doc, ctx) {
    if (req === 'ServiceDetailReq') {
      const id = bodyOf(doc, 'ServiceDetailReq')!.ServiceID;
      if (!ctx.evse.services.includes(id)) return { response: failed(req, 'FAILED_ServiceIDInvalid', ctx), next: null };
      return {
        response: message('ServiceDetailRes', { Header: header(ctx.sessionId), ResponseCode: 'OK', ServiceID: id, ServiceParameterList: { ParameterSet: parameterSets(ctx, id) } }),
        next: 'WaitServiceDetail',
      };
    }
    const sel = bodyOf(doc, 'ServiceSelectionReq')!.SelectedEnergyTransferService;
    const mode = (Object.keys(CONTROL_MODE) as ControlMode[]).find((m) => CONTROL_MODE[m] === sel.ParameterSetID);
    if (!ctx.evse.services.includes(sel.ServiceID) || !mode || !ctx.evse.controlModes.includes(mode)) {
      return { response: failed(req, 'FAILED_ServiceSelectionInvalid', ctx), next: null };
    }
    ctx.serviceId = sel.ServiceID;
    ctx.controlMode = mode;
    ctx.bpt = sel.ServiceID === SERVICE_DC_BPT;
    return { response: message('ServiceSelectionRes', { Header: header(ctx.sessionId), ResponseCode: 'OK' }), next: 'WaitChargeParameterDiscovery' };
  },
};
