// Building blocks of DIN SECC responses: the DC EVSE status, the offered charge service, and the
// FAILED form of every response (a FAILED response still carries its mandatory elements).
import type { Din } from '@v2xsim/exi';
import { evseIdHex, isDc, pMax, pv, type EnergyTransferType, type EvseStatusCode, type ResponseCode, type Unit } from '../physical.js';
import type { Body, RequestName } from '../messages.js';
import type { SeccContext } from './context.js';
import type { PMaxEntry } from './evse-port.js';

/** The EVSE's notification as DIN carries it: StopCharging also shows as EVSE_Shutdown, which DIN EVs watch. */
export function dcEvseStatus(ctx: SeccContext): Din.DC_EVSEStatusType {
  // DIN has no renegotiation: only StopCharging is passed on
  const stop = ctx.evse.notification() === 'StopCharging';
  const code: EvseStatusCode = stop ? 'EVSE_Shutdown' : ctx.isolationMonitoring ? 'EVSE_IsolationMonitoringActive' : 'EVSE_Ready';
  return { EVSEIsolationStatus: ctx.isolation, EVSEStatusCode: code, NotificationMaxDelay: 0, EVSENotification: stop ? 'StopCharging' : 'None' };
}

/** The DC energy transfer type the EVSE offers under DIN (the first DC one it supports). */
export function offeredTransferType(ctx: SeccContext): Extract<EnergyTransferType, Din.ServiceChargeType['EnergyTransferType']> | undefined {
  for (const m of ctx.evse.energyTransferModes) if (m === 'DC_extended' || m === 'DC_core' || m === 'DC_combo_core') return m;
  return undefined;
}

export function chargeService(ctx: SeccContext): Din.ServiceChargeType {
  return { ServiceTag: { ServiceID: 1, ServiceCategory: 'EVCharging' }, FreeService: false, EnergyTransferType: offeredTransferType(ctx) ?? 'DC_extended' };
}

/**
 * The SAScheduleList (mandatory in every ChargeParameterDiscoveryRes: its SASchedules type is
 * abstract): one tuple; the last entry carries the duration that makes it cover 24 h [V2G-DC-559].
 */
export function saScheduleList(ctx: SeccContext, entries: readonly PMaxEntry[]): Din.SAScheduleListType {
  const list = entries.length > 0 ? entries : [{ startS: 0, pMaxW: 0 }];
  return {
    SAScheduleTuple: [
      {
        SAScheduleTupleID: ctx.saScheduleTupleId,
        PMaxSchedule: {
          PMaxScheduleID: 1,
          PMaxScheduleEntry: list.map((e, i) => ({
            RelativeTimeInterval: i === list.length - 1 ? { start: e.startS, duration: e.durationS ?? Math.max(1, 86400 - e.startS) } : { start: e.startS },
            PMax: pMax(e.pMaxW),
          })),
        },
      },
    ],
  };
}

const zero = (unit: Unit) => pv(0, unit);
const noHex = '00';

/** The response to `request` with a FAILED code and its mandatory elements. */
export function failed(request: RequestName, code: ResponseCode, ctx: SeccContext): Body {
  const dc = () => dcEvseStatus(ctx);
  const ac = (): Din.AC_EVSEStatusType => ({ PowerSwitchClosed: false, RCD: false, NotificationMaxDelay: 0, EVSENotification: 'None' });
  switch (request) {
    case 'SessionSetupReq':
      return { SessionSetupRes: { ResponseCode: code, EVSEID: evseIdHex(ctx.evse.evseId) } };
    case 'ServiceDiscoveryReq':
      return { ServiceDiscoveryRes: { ResponseCode: code, PaymentOptions: { PaymentOption: ['ExternalPayment'] }, ChargeService: chargeService(ctx) } };
    case 'ServiceDetailReq':
      return { ServiceDetailRes: { ResponseCode: code, ServiceID: 0 } };
    case 'ServicePaymentSelectionReq':
      return { ServicePaymentSelectionRes: { ResponseCode: code } };
    case 'PaymentDetailsReq':
      return { PaymentDetailsRes: { ResponseCode: code, GenChallenge: '', DateTimeNow: Math.floor(Date.now() / 1000) } };
    case 'ContractAuthenticationReq':
      return { ContractAuthenticationRes: { ResponseCode: code, EVSEProcessing: 'Finished' } };
    case 'ChargeParameterDiscoveryReq':
      return {
        ChargeParameterDiscoveryRes: {
          ResponseCode: code,
          EVSEProcessing: 'Finished',
          SAScheduleList: saScheduleList(ctx, []),
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
    case 'CableCheckReq':
      return { CableCheckRes: { ResponseCode: code, DC_EVSEStatus: dc(), EVSEProcessing: 'Finished' } };
    case 'PreChargeReq':
      return { PreChargeRes: { ResponseCode: code, DC_EVSEStatus: dc(), EVSEPresentVoltage: zero('V') } };
    case 'PowerDeliveryReq':
      return ctx.transferMode && !isDc(ctx.transferMode)
        ? { PowerDeliveryRes: { ResponseCode: code, AC_EVSEStatus: ac() } }
        : { PowerDeliveryRes: { ResponseCode: code, DC_EVSEStatus: dc() } };
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
        },
      };
    case 'WeldingDetectionReq':
      return { WeldingDetectionRes: { ResponseCode: code, DC_EVSEStatus: dc(), EVSEPresentVoltage: zero('V') } };
    case 'SessionStopReq':
      return { SessionStopRes: { ResponseCode: code } };
    // AC and Plug & Charge messages exist in the DIN schema but not in a DIN DC EIM session
    case 'ChargingStatusReq':
      return { ChargingStatusRes: { ResponseCode: code, EVSEID: evseIdHex(ctx.evse.evseId), SAScheduleTupleID: ctx.saScheduleTupleId, ReceiptRequired: false, AC_EVSEStatus: ac() } };
    case 'MeteringReceiptReq':
      return { MeteringReceiptRes: { ResponseCode: code, AC_EVSEStatus: ac() } };
    case 'CertificateInstallationReq':
      return {
        CertificateInstallationRes: {
          Id: 'ID1',
          ResponseCode: code,
          ContractSignatureCertChain: { Certificate: noHex },
          ContractSignatureEncryptedPrivateKey: noHex,
          DHParams: noHex,
          ContractID: '',
        },
      };
    case 'CertificateUpdateReq':
      return {
        CertificateUpdateRes: {
          Id: 'ID1',
          ResponseCode: code,
          ContractSignatureCertChain: { Certificate: noHex },
          ContractSignatureEncryptedPrivateKey: noHex,
          DHParams: noHex,
          ContractID: '',
          RetryCounter: 0,
        },
      };
    default:
      return request satisfies never;
  }
}
