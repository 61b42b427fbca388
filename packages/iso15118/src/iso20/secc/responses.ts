// The FAILED form of every -20 response (a FAILED response still carries its mandatory elements).
import { header, message, rn, type Iso20Message, type RequestName, type ResponseCode } from '../messages.js';
import type { Secc20Context } from './context.js';

export function failed(request: RequestName, code: ResponseCode, ctx: Secc20Context): Iso20Message {
  const Header = header(ctx.sessionId);
  const zero = rn(0);
  switch (request) {
    case 'SessionSetupReq':
      return message('SessionSetupRes', { Header, ResponseCode: code, EVSEID: ctx.evse.evseId });
    case 'AuthorizationSetupReq':
      return message('AuthorizationSetupRes', { Header, ResponseCode: code, AuthorizationServices: ['EIM'], CertificateInstallationService: false, EIM_ASResAuthorizationMode: {} });
    case 'AuthorizationReq':
      return message('AuthorizationRes', { Header, ResponseCode: code, EVSEProcessing: 'Finished' });
    case 'ServiceDiscoveryReq':
      return message('ServiceDiscoveryRes', { Header, ResponseCode: code, ServiceRenegotiationSupported: false, EnergyTransferServiceList: { Service: ctx.evse.services.map((id) => ({ ServiceID: id, FreeService: false })) } });
    case 'ServiceDetailReq':
      return message('ServiceDetailRes', { Header, ResponseCode: code, ServiceID: 0, ServiceParameterList: { ParameterSet: [{ ParameterSetID: 0, Parameter: [{ Name: 'ControlMode', intValue: 0 }] }] } });
    case 'ServiceSelectionReq':
      return message('ServiceSelectionRes', { Header, ResponseCode: code });
    case 'ScheduleExchangeReq':
      return message('ScheduleExchangeRes', { Header, ResponseCode: code, EVSEProcessing: 'Finished' });
    case 'PowerDeliveryReq':
      return message('PowerDeliveryRes', { Header, ResponseCode: code });
    case 'SessionStopReq':
      return message('SessionStopRes', { Header, ResponseCode: code });
    case 'DC_ChargeParameterDiscoveryReq':
      return message('DC_ChargeParameterDiscoveryRes', {
        Header,
        ResponseCode: code,
        DC_CPDResEnergyTransferMode: { EVSEMaximumChargePower: zero, EVSEMinimumChargePower: zero, EVSEMaximumChargeCurrent: zero, EVSEMinimumChargeCurrent: zero, EVSEMaximumVoltage: zero, EVSEMinimumVoltage: zero },
      });
    case 'DC_CableCheckReq':
      return message('DC_CableCheckRes', { Header, ResponseCode: code, EVSEProcessing: 'Finished' });
    case 'DC_PreChargeReq':
      return message('DC_PreChargeRes', { Header, ResponseCode: code, EVSEPresentVoltage: zero });
    case 'DC_ChargeLoopReq':
      return message('DC_ChargeLoopRes', { Header, ResponseCode: code, EVSEPresentCurrent: zero, EVSEPresentVoltage: zero, EVSEPowerLimitAchieved: false, EVSECurrentLimitAchieved: false, EVSEVoltageLimitAchieved: false });
    case 'DC_WeldingDetectionReq':
      return message('DC_WeldingDetectionRes', { Header, ResponseCode: code, EVSEPresentVoltage: zero });
  }
}
