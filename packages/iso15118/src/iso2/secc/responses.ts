// Building blocks of SECC responses: EVSE status, meter info, and the FAILED form of every
// response (a FAILED response still carries its mandatory elements).
import type { Iso2 } from '@v2xsim/exi';
import { pv, type ResponseCode } from '../physical.js';
import type { Body, MessageName } from '../messages.js';
import type { SeccContext } from './context.js';

export function dcEvseStatus(ctx: SeccContext): Iso2.DC_EVSEStatusType {
  return { NotificationMaxDelay: 0, EVSENotification: ctx.evse.notification(), EVSEIsolationStatus: 'Valid', EVSEStatusCode: 'EVSE_Ready' };
}

export function acEvseStatus(ctx: SeccContext): Iso2.AC_EVSEStatusType {
  return { NotificationMaxDelay: 0, EVSENotification: ctx.evse.notification(), RCD: false };
}

export function meterInfo(ctx: SeccContext): Iso2.MeterInfoType {
  const m = ctx.evse.meter();
  return { MeterID: m.meterId, MeterReading: Math.round(m.readingWh), TMeter: Math.floor(m.timestamp / 1000) };
}

const zero = (unit: Iso2.PhysicalValueType['Unit']) => pv(0, unit);

/** The response to `request` with a FAILED code and its mandatory elements. */
export function failed(request: MessageName, code: ResponseCode, ctx: SeccContext): Body {
  const dc = () => dcEvseStatus(ctx);
  switch (request) {
    case 'SessionSetupReq':
      return { SessionSetupRes: { ResponseCode: code, EVSEID: ctx.evse.evseId } };
    case 'ServiceDiscoveryReq':
      return {
        ServiceDiscoveryRes: {
          ResponseCode: code,
          PaymentOptionList: { PaymentOption: ['ExternalPayment'] },
          ChargeService: { ServiceID: 1, ServiceCategory: 'EVCharging', FreeService: false, SupportedEnergyTransferMode: { EnergyTransferMode: [...ctx.evse.energyTransferModes] } },
        },
      };
    case 'ServiceDetailReq':
      return { ServiceDetailRes: { ResponseCode: code, ServiceID: 0 } };
    case 'PaymentServiceSelectionReq':
      return { PaymentServiceSelectionRes: { ResponseCode: code } };
    case 'PaymentDetailsReq':
      return { PaymentDetailsRes: { ResponseCode: code, GenChallenge: '00000000000000000000000000000000', EVSETimeStamp: Math.floor(Date.now() / 1000) } };
    case 'AuthorizationReq':
      return { AuthorizationRes: { ResponseCode: code, EVSEProcessing: 'Finished' } };
    case 'ChargeParameterDiscoveryReq':
      return ctx.transferMode && ctx.transferMode.startsWith('AC_')
        ? { ChargeParameterDiscoveryRes: { ResponseCode: code, EVSEProcessing: 'Finished', AC_EVSEChargeParameter: { AC_EVSEStatus: acEvseStatus(ctx), EVSENominalVoltage: zero('V'), EVSEMaxCurrent: zero('A') } } }
        : {
            ChargeParameterDiscoveryRes: {
              ResponseCode: code,
              EVSEProcessing: 'Finished',
              DC_EVSEChargeParameter: {
                DC_EVSEStatus: dc(),
                EVSEMaximumCurrentLimit: zero('A'),
                EVSEMaximumPowerLimit: zero('W'),
                EVSEMaximumVoltageLimit: zero('V'),
                EVSEMinimumCurrentLimit: zero('A'),
                EVSEMinimumVoltageLimit: zero('V'),
                EVSEPeakCurrentRipple: zero('A'),
              },
            },
          };
    case 'PowerDeliveryReq':
      return ctx.transferMode && ctx.transferMode.startsWith('AC_')
        ? { PowerDeliveryRes: { ResponseCode: code, AC_EVSEStatus: acEvseStatus(ctx) } }
        : { PowerDeliveryRes: { ResponseCode: code, DC_EVSEStatus: dc() } };
    case 'CableCheckReq':
      return { CableCheckRes: { ResponseCode: code, DC_EVSEStatus: dc(), EVSEProcessing: 'Finished' } };
    case 'PreChargeReq':
      return { PreChargeRes: { ResponseCode: code, DC_EVSEStatus: dc(), EVSEPresentVoltage: zero('V') } };
    case 'CurrentDemandReq':
      return {
        CurrentDemandRes: {
          ResponseCode: code,
          DC_EVSEStatus: dc(),
          EVSEPresentVoltage: zero('V'),
          EVSEPresentCurrent: zero('A'),
          EVSECurrentLimitAchieved: false,
          EVSEVoltageLimitAchieved: false,
          EVSEPowerLimitAchieved: false,
          EVSEID: ctx.evse.evseId,
          SAScheduleTupleID: ctx.saScheduleTupleId,
        },
      };
    case 'ChargingStatusReq':
      return { ChargingStatusRes: { ResponseCode: code, EVSEID: ctx.evse.evseId, SAScheduleTupleID: ctx.saScheduleTupleId, AC_EVSEStatus: acEvseStatus(ctx) } };
    case 'MeteringReceiptReq':
      return ctx.transferMode && ctx.transferMode.startsWith('AC_')
        ? { MeteringReceiptRes: { ResponseCode: code, AC_EVSEStatus: acEvseStatus(ctx) } }
        : { MeteringReceiptRes: { ResponseCode: code, DC_EVSEStatus: dc() } };
    case 'WeldingDetectionReq':
      return { WeldingDetectionRes: { ResponseCode: code, DC_EVSEStatus: dc(), EVSEPresentVoltage: zero('V') } };
    case 'SessionStopReq':
      return { SessionStopRes: { ResponseCode: code } };
    case 'CertificateInstallationReq':
    case 'CertificateUpdateReq': {
      // the elements are mandatory even in a failure: empty, with their Ids
      const res = {
        ResponseCode: code,
        SAProvisioningCertificateChain: { Certificate: '' },
        ContractSignatureCertChain: { Id: 'id1', Certificate: '' },
        ContractSignatureEncryptedPrivateKey: { Id: 'id2', CONTENT: '' },
        DHpublickey: { Id: 'id3', CONTENT: '' },
        eMAID: { Id: 'id4', CONTENT: '' },
      };
      return request === 'CertificateInstallationReq' ? { CertificateInstallationRes: res } : { CertificateUpdateRes: res };
    }
    default:
      return { SessionStopRes: { ResponseCode: code } };
  }
}
