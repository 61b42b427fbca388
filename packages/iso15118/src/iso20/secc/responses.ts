// The FAILED form of every -20 response (a FAILED response still carries its mandatory elements),
// and the signed form of a response.
import { header, message, messageName, rn, type Iso20Message, type RequestName, type ResponseCode, type Signature } from '../messages.js';
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
      return message('ServiceDiscoveryRes', { Header, ResponseCode: code, ServiceRenegotiationSupported: false, EnergyTransferServiceList: { Service: [{ ServiceID: 0, FreeService: false }] } });
    case 'ServiceDetailReq':
      return message('ServiceDetailRes', { Header, ResponseCode: code, ServiceID: 0, ServiceParameterList: { ParameterSet: [{ ParameterSetID: 0, Parameter: [{ Name: 'ControlMode', intValue: 0 }] }] } });
    case 'ServiceSelectionReq':
      return message('ServiceSelectionRes', { Header, ResponseCode: code });
    case 'ScheduleExchangeReq':
      // the XSD's control mode choice is mandatory even here; Dynamic's element may be empty
      return message('ScheduleExchangeRes', { Header, ResponseCode: code, EVSEProcessing: 'Finished', Dynamic_SEResControlMode: {} });
    case 'PowerDeliveryReq':
      return message('PowerDeliveryRes', { Header, ResponseCode: code });
    case 'MeteringConfirmationReq':
      return message('MeteringConfirmationRes', { Header, ResponseCode: code });
    case 'CertificateInstallationReq':
      return message('CertificateInstallationRes', {
        Header,
        ResponseCode: code,
        EVSEProcessing: 'Finished',
        CPSCertificateChain: { Certificate: '00' },
        SignedInstallationData: { Id: 'ID1', ContractCertificateChain: { Certificate: '00', SubCertificates: { Certificate: ['00'] } }, ECDHCurve: 'SECP521', DHPublicKey: '00', SECP521_EncryptedPrivateKey: '00' },
        RemainingContractCertificateChains: 0,
      });
    case 'SessionStopReq':
      return message('SessionStopRes', { Header, ResponseCode: code });
    case 'AC_ChargeParameterDiscoveryReq':
      return message('AC_ChargeParameterDiscoveryRes', { Header, ResponseCode: code, AC_CPDResEnergyTransferMode: { EVSEMaximumChargePower: zero, EVSEMinimumChargePower: zero, EVSENominalFrequency: zero } });
    case 'AC_ChargeLoopReq':
      // a control mode element is mandatory; the Scheduled one may be empty
      return message('AC_ChargeLoopRes', { Header, ResponseCode: code, Scheduled_AC_CLResControlMode: {} });
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
      return message('DC_ChargeLoopRes', { Header, ResponseCode: code, EVSEPresentCurrent: zero, EVSEPresentVoltage: zero, EVSEPowerLimitAchieved: false, EVSECurrentLimitAchieved: false, EVSEVoltageLimitAchieved: false, Scheduled_DC_CLResControlMode: {} });
    case 'DC_WeldingDetectionReq':
      return message('DC_WeldingDetectionRes', { Header, ResponseCode: code, EVSEPresentVoltage: zero });
  }
}

/** The response with a Signature in its Header. */
export function withSignature(response: Iso20Message, signature: Signature): Iso20Message {
  const name = messageName(response)!;
  const body = (response as unknown as Record<string, { Header: object }>)[name]!;
  return { [name]: { ...body, Header: { ...body.Header, Signature: signature } } } as unknown as Iso20Message;
}
