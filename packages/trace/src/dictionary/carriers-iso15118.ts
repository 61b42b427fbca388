// Carriers on the EV–EVSE link: ISO 15118-2 (D2.3 §8.2.1), ISO 15118-20 (§8.2.2), DIN 70121
// (not in D2.3; its DC subset of -2), and the SCALE variants (§9.1, §9.2). Paths are the real
// element names of the XSDs; `d23` keeps D2.3's spelling (often type names instead of element
// names) so the §8 tables can be checked against this list.
import type { Carrier, CarrierEncoding, CarrierSender, DictProtocol } from './carrier.js';
import type { DataObjectId } from './data-objects.js';

type Extra = Partial<Pick<Carrier, 'variant' | 'where' | 'conversion' | 'with' | 'd23' | 'note'>>;
const carrier =
  (protocol: DictProtocol) =>
  (object: DataObjectId, message: string, path: string, encoding: CarrierEncoding, sender: CarrierSender, extra: Extra = {}): Carrier => ({
    object,
    protocol,
    message,
    path: path.split('/'),
    encoding,
    sender,
    ...extra,
  });

const iso2 = carrier('iso15118-2');
const din = carrier('din70121');
const iso20 = carrier('iso15118-20');

const PV = 'PhysicalValue';
const RN = 'RationalNumber';

export const ISO15118_2_CARRIERS: readonly Carrier[] = [
  iso2('evseId', 'SessionSetupRes', 'EVSEID', 'string', 'EVSE', { d23: ['SessionSetupRes::EVSEID'] }),
  iso2('evseId', 'CurrentDemandRes', 'EVSEID', 'string', 'EVSE'),
  iso2('evseId', 'ChargingStatusRes', 'EVSEID', 'string', 'EVSE'),
  iso2('sessionId', 'SessionSetupRes', 'Header/SessionID', 'string', 'EVSE', { d23: ['SessionSetupRes::Header::SessionID'] }),
  iso2('evseMaxChargePower', 'ChargeParameterDiscoveryRes', 'DC_EVSEChargeParameter/EVSEMaximumPowerLimit', PV, 'EVSE', {
    d23: ['ChargeParameterDiscoveryRes::DC_EVSEChargeParameter::EVSEMaximumPowerLimit'],
    note: 'DC only (D2.3 remark)',
  }),
  iso2('evseMaxChargePower', 'CurrentDemandRes', 'EVSEMaximumPowerLimit', PV, 'EVSE', { d23: ['CurrentDemandRes::EVSEMaximumPowerLimit'] }),
  iso2('evseMaxChargePower', 'ChargeParameterDiscoveryRes', 'AC_EVSEChargeParameter/EVSEMaxCurrent', PV, 'EVSE', {
    conversion: 'power-from-current',
    note: 'AC: a current limit per phase; the power needs the nominal voltage and the phases (the gap D2.3 §8.2.1.2 names)',
  }),
  iso2('evseActivePower', 'CurrentDemandRes', 'EVSEPresentCurrent', PV, 'EVSE', {
    conversion: 'power-from-voltage-current',
    with: ['EVSEPresentVoltage'],
    d23: ['CurrentDemandRes::EVSEPresentVoltage CurrentDemandRes::EVSEPresentCurrent'],
    note: 'not carried directly: voltage × current (D2.3 remark)',
  }),
  iso2('compositeChargingSchedule', 'ChargeParameterDiscoveryRes', 'SAScheduleList/SAScheduleTuple', 'object', 'EVSE', { d23: ['ChargeParameterDiscoveryRes::SAScheduleList'] }),
  iso2('compositeChargingSchedule', 'PowerDeliveryReq', 'ChargingProfile', 'object', 'EV', { note: "the EV's charging profile within the chosen SAScheduleTuple" }),
  iso2('chargedEnergy', 'MeteringReceiptReq', 'MeterInfo/MeterReading', 'number', 'EV', { d23: ['MeteringReceiptReq::MeterInfo::MeterReading'] }),
  iso2('chargedEnergy', 'CurrentDemandRes', 'MeterInfo/MeterReading', 'number', 'EVSE'),
  iso2('chargedEnergy', 'ChargingStatusRes', 'MeterInfo/MeterReading', 'number', 'EVSE'),
  iso2('evMaxChargePower', 'CurrentDemandReq', 'EVMaximumPowerLimit', PV, 'EV', { d23: ['CurrentDemandReq::EVMaximumPowerLimit'] }),
  iso2('evMaxChargePower', 'ChargeParameterDiscoveryReq', 'DC_EVChargeParameter/EVMaximumPowerLimit', PV, 'EV', {
    d23: ['ChargeParameterDiscoveryReq::DC_EVChargeParameter::EVMaximumPowerLimit'],
    note: 'D2.3 gives the unit as Wh; the field is a power (W)',
  }),
  iso2('evMaxChargePower', 'ChargeParameterDiscoveryReq', 'AC_EVChargeParameter/EVMaxPower', PV, 'EV', { variant: 'scale', note: 'SCALE -2 variant (D2.3 §9.1): AC max power' }),
  iso2('evMaxChargePower', 'ChargeParameterDiscoveryReq', 'AC_EVChargeParameter/EVMaxCurrent', PV, 'EV', { conversion: 'power-from-current', note: 'AC: a current per phase' }),
  iso2('evPresentSoc', 'CableCheckReq', 'DC_EVStatus/EVRESSSOC', 'number', 'EV', { d23: ['CableCheckReq::DC_EVStatusType::EVRESSSOC'] }),
  iso2('evPresentSoc', 'ChargeParameterDiscoveryReq', 'DC_EVChargeParameter/DC_EVStatus/EVRESSSOC', 'number', 'EV'),
  iso2('evPresentSoc', 'PreChargeReq', 'DC_EVStatus/EVRESSSOC', 'number', 'EV'),
  iso2('evPresentSoc', 'CurrentDemandReq', 'DC_EVStatus/EVRESSSOC', 'number', 'EV'),
  iso2('evPresentSoc', 'PowerDeliveryReq', 'DC_EVPowerDeliveryParameter/DC_EVStatus/EVRESSSOC', 'number', 'EV'),
  iso2('evTargetEnergyRequest', 'ChargeParameterDiscoveryReq', 'DC_EVChargeParameter/EVEnergyRequest', PV, 'EV', {
    d23: ['ChargeParameterDiscoveryReq::DC_EVChargeParameterType::EVEnergyRequest'],
  }),
  iso2('evTargetEnergyRequest', 'ChargeParameterDiscoveryReq', 'AC_EVChargeParameter/EAmount', PV, 'EV', { note: 'AC: EAmount' }),
  iso2('evMinEnergyRequest', 'ChargeParameterDiscoveryReq', 'AC_EVChargeParameter|DC_EVChargeParameter/EVMinEnergyRequest', PV, 'EV', { variant: 'scale' }),
  iso2('evMaxEnergyRequest', 'ChargeParameterDiscoveryReq', 'AC_EVChargeParameter|DC_EVChargeParameter/EVMaxEnergyRequest', PV, 'EV', { variant: 'scale' }),
  iso2('userId', 'PaymentDetailsReq', 'eMAID', 'string', 'EV', { d23: ['PaymentDetailsReq::eMaid'], note: 'Plug & Charge only (D2.3 remark)' }),
  iso2('departureTime', 'ChargeParameterDiscoveryReq', 'AC_EVChargeParameter|DC_EVChargeParameter/DepartureTime', 'secondsFromNow', 'EV', {
    d23: ['ChargeParameterDiscoveryReq::AC_EVChargeParameter::DepartureTime', 'ChargeParameterDiscoveryReq::DC_EVChargeParameter::DepartureTime'],
    note: 'optional (D2.3 remark)',
  }),
  iso2('maxSoc', 'ChargeParameterDiscoveryReq', 'DC_EVChargeParameter/FullSOC', 'number', 'EV', { d23: ['ChargeParameterDiscoveryReq::DC_EVChargeParameter::FullSOC'] }),
  iso2('maxSoc', 'ChargeParameterDiscoveryReq', 'AC_EVChargeParameter|DC_EVChargeParameter/EVMaxSoc', 'number', 'EV', { variant: 'scale' }),
  iso2('minSoc', 'ChargeParameterDiscoveryReq', 'AC_EVChargeParameter|DC_EVChargeParameter/EVMinSoc', 'number', 'EV', { variant: 'scale' }),
  iso2('minGreenLevel', 'ChargeParameterDiscoveryRes', 'SAScheduleList/SAScheduleTuple/*/SalesTariff/SalesTariffEntry/*/ConsumptionCost/*/Cost/*/amount', 'number', 'EVSE', {
    where: { costKind: 'renewableGenerationPercentage' },
    d23: ['ChargeParameterDiscoveryRes::SAScheduleList::SAScheduleListType::SAScheduleTupleType::SalesTariffType::SalesTariffEntryType::ConsumptionCostType'],
    note: 'a Cost of costKind renewableGenerationPercentage in the sales tariff (optional)',
  }),
];

export const DIN70121_CARRIERS: readonly Carrier[] = [
  din('evseId', 'SessionSetupRes', 'EVSEID', 'string', 'EVSE'),
  din('sessionId', 'SessionSetupRes', 'Header/SessionID', 'string', 'EVSE'),
  din('evseMaxChargePower', 'ChargeParameterDiscoveryRes', 'DC_EVSEChargeParameter/EVSEMaximumPowerLimit', PV, 'EVSE'),
  din('evseMaxChargePower', 'CurrentDemandRes', 'EVSEMaximumPowerLimit', PV, 'EVSE'),
  din('evseActivePower', 'CurrentDemandRes', 'EVSEPresentCurrent', PV, 'EVSE', { conversion: 'power-from-voltage-current', with: ['EVSEPresentVoltage'] }),
  din('compositeChargingSchedule', 'ChargeParameterDiscoveryRes', 'SAScheduleList/SAScheduleTuple', 'object', 'EVSE'),
  din('evMaxChargePower', 'ChargeParameterDiscoveryReq', 'DC_EVChargeParameter/EVMaximumPowerLimit', PV, 'EV'),
  din('evMaxChargePower', 'CurrentDemandReq', 'EVMaximumPowerLimit', PV, 'EV'),
  din('evPresentSoc', 'ChargeParameterDiscoveryReq', 'DC_EVChargeParameter/DC_EVStatus/EVRESSSOC', 'number', 'EV'),
  din('evPresentSoc', 'CurrentDemandReq', 'DC_EVStatus/EVRESSSOC', 'number', 'EV'),
  din('evTargetEnergyRequest', 'ChargeParameterDiscoveryReq', 'DC_EVChargeParameter/EVEnergyRequest', PV, 'EV'),
  din('maxSoc', 'ChargeParameterDiscoveryReq', 'DC_EVChargeParameter/FullSOC', 'number', 'EV'),
];

// ISO 15118-20 control modes and energy transfer forms, as `A|B` segments
const AC_CPD_REQ = 'AC_CPDReqEnergyTransferMode|BPT_AC_CPDReqEnergyTransferMode';
const DC_CPD_REQ = 'DC_CPDReqEnergyTransferMode|BPT_DC_CPDReqEnergyTransferMode';
const AC_CPD_RES = 'AC_CPDResEnergyTransferMode|BPT_AC_CPDResEnergyTransferMode';
const DC_CPD_RES = 'DC_CPDResEnergyTransferMode|BPT_DC_CPDResEnergyTransferMode';
const AC_CL_REQ = 'Scheduled_AC_CLReqControlMode|BPT_Scheduled_AC_CLReqControlMode|Dynamic_AC_CLReqControlMode|BPT_Dynamic_AC_CLReqControlMode';
const DC_CL_REQ = 'Scheduled_DC_CLReqControlMode|BPT_Scheduled_DC_CLReqControlMode|Dynamic_DC_CLReqControlMode|BPT_Dynamic_DC_CLReqControlMode';
const AC_CL_RES = 'Scheduled_AC_CLResControlMode|BPT_Scheduled_AC_CLResControlMode|Dynamic_AC_CLResControlMode|BPT_Dynamic_AC_CLResControlMode';
const AC_DYN_REQ = 'Dynamic_AC_CLReqControlMode|BPT_Dynamic_AC_CLReqControlMode';
const DC_DYN_REQ = 'Dynamic_DC_CLReqControlMode|BPT_Dynamic_DC_CLReqControlMode';
const AC_DYN_RES = 'Dynamic_AC_CLResControlMode|BPT_Dynamic_AC_CLResControlMode';
const DC_DYN_RES = 'Dynamic_DC_CLResControlMode|BPT_Dynamic_DC_CLResControlMode';
const SE_REQ = 'Scheduled_SEReqControlMode|Dynamic_SEReqControlMode';

/** the same field in AC_ and DC_ messages */
function acDc(object: DataObjectId, messageAc: string, pathAc: string, messageDc: string, pathDc: string, enc: CarrierEncoding, sender: CarrierSender, ac: Extra = {}, dc: Extra = {}): Carrier[] {
  return [iso20(object, messageAc, pathAc, enc, sender, ac), iso20(object, messageDc, pathDc, enc, sender, dc)];
}

export const ISO15118_20_CARRIERS: readonly Carrier[] = [
  iso20('evseId', 'SessionSetupRes', 'EVSEID', 'string', 'EVSE', { d23: ['SessionSetupRes::EVSEID'] }),
  iso20('sessionId', 'SessionSetupRes', 'Header/SessionID', 'string', 'EVSE', { d23: ['SessionSetupRes::Header::SessionID'] }),
  ...acDc('evseMaxChargePower', 'AC_ChargeParameterDiscoveryRes', `${AC_CPD_RES}/EVSEMaximumChargePower`, 'DC_ChargeParameterDiscoveryRes', `${DC_CPD_RES}/EVSEMaximumChargePower`, RN, 'EVSE',
    { d23: ['AC_ChargeParameterDiscoveryRes::AC_CPDResEnergyTransferModeType::EVSEMaximumChargePower'] },
    { d23: ['DC_ChargeParameterDiscoveryRes::DC_CPDResEnergyTransferModeType::EVSEMaximumChargePower'] }),
  iso20('evseMaxChargePower', 'DC_ChargeLoopRes', `${DC_DYN_RES}/EVSEMaximumChargePower`, RN, 'EVSE'),
  iso20('evseActivePower', 'AC_ChargeParameterDiscoveryRes', `${AC_CPD_RES}/EVSEPresentActivePower`, RN, 'EVSE', {
    d23: ['AC_ChargeParameterDiscoveryRes::AC_CPDResEnergyTransferModeType::EVSEPresentActivePower'],
    note: 'AC only (D2.3 remark)',
  }),
  iso20('evseActivePower', 'AC_ChargeLoopRes', `${AC_CL_RES}/EVSEPresentActivePower`, RN, 'EVSE', {
    note: 'D2.3 §9.2 asks for this in AC_ChargeLoopRes; the standard already has it in every AC control mode',
  }),
  iso20('evseActivePower', 'DC_ChargeLoopRes', 'EVSEPresentCurrent', RN, 'EVSE', {
    conversion: 'power-from-voltage-current',
    with: ['EVSEPresentVoltage'],
    note: 'DC: voltage × current (the "EVSE active power in DC" gap of D2.3 §8.2.2.2)',
  }),
  iso20('compositeChargingSchedule', 'ScheduleExchangeRes', 'Scheduled_SEResControlMode/ScheduleTuple', 'object', 'EVSE', {
    d23: ['ScheduleExchangeRes::Scheduled_SEResControlModeType::ScheduleTuple'],
  }),
  iso20('chargedEnergy', 'MeteringConfirmationReq', 'SignedMeteringData/MeterInfo/ChargedEnergyReadingWh', 'number', 'EV', {
    d23: ['MeteringConfirmationReq::MeterInfoType::ChargedEnergyReadingWh'],
  }),
  ...acDc('chargedEnergy', 'AC_ChargeLoopRes', 'MeterInfo/ChargedEnergyReadingWh', 'DC_ChargeLoopRes', 'MeterInfo/ChargedEnergyReadingWh', 'number', 'EVSE'),
  iso20('dischargedEnergy', 'MeteringConfirmationReq', 'SignedMeteringData/MeterInfo/BPT_DischargedEnergyReadingWh', 'number', 'EV', {
    d23: ['MeteringConfirmationReq::MeterInfoType::BPT_DischargedEnergyReadingWh'],
  }),
  ...acDc('dischargedEnergy', 'AC_ChargeLoopRes', 'MeterInfo/BPT_DischargedEnergyReadingWh', 'DC_ChargeLoopRes', 'MeterInfo/BPT_DischargedEnergyReadingWh', 'number', 'EVSE'),
  ...acDc('evMaxChargePower', 'AC_ChargeParameterDiscoveryReq', `${AC_CPD_REQ}/EVMaximumChargePower`, 'DC_ChargeParameterDiscoveryReq', `${DC_CPD_REQ}/EVMaximumChargePower`, RN, 'EV',
    { d23: ['AC_ChargeParameterDiscoveryReq::AC_CPDReqEnergyTransferModeType::EVMaximumChargePower'] },
    { d23: ['DC_ChargeParameterDiscoveryReq::DC_CPDReqEnergyTransferModeType::EVMaximumChargePower'] }),
  ...acDc('evMaxChargePower', 'AC_ChargeLoopReq', `${AC_CL_REQ}/EVMaximumChargePower`, 'DC_ChargeLoopReq', `${DC_CL_REQ}/EVMaximumChargePower`, RN, 'EV',
    { d23: ['AC_ChargeLoopReq::BPT_Dynamic_AC_CLReqControlModeType::EVMaximumChargePower'] },
    { d23: ['DC_ChargeLoopReq::BPT_Dynamic_DC_CLReqControlModeType::EVMaximumChargePower'] }),
  ...acDc('evMinChargePower', 'AC_ChargeParameterDiscoveryReq', `${AC_CPD_REQ}/EVMinimumChargePower`, 'DC_ChargeParameterDiscoveryReq', `${DC_CPD_REQ}/EVMinimumChargePower`, RN, 'EV',
    { d23: ['AC_ChargeParameterDiscoveryReq::AC_CPDReqEnergyTransferModeType::EVMinimumChargePower'] },
    { d23: ['DC_ChargeParameterDiscoveryReq::DC_CPDReqEnergyTransferModeType::EVMinimumChargePower'] }),
  ...acDc('evMinChargePower', 'AC_ChargeLoopReq', `${AC_CL_REQ}/EVMinimumChargePower`, 'DC_ChargeLoopReq', `${DC_CL_REQ}/EVMinimumChargePower`, RN, 'EV',
    { d23: ['AC_ChargeLoopReq::BPT_Dynamic_AC_CLReqControlModeType::EVMinimumChargePower'] },
    { d23: ['DC_ChargeLoopReq::BPT_Dynamic_DC_CLReqControlModeType::EVMinimumChargePower'] }),
  ...acDc('evMaxDischargePower', 'AC_ChargeParameterDiscoveryReq', 'BPT_AC_CPDReqEnergyTransferMode/EVMaximumDischargePower', 'DC_ChargeParameterDiscoveryReq', 'BPT_DC_CPDReqEnergyTransferMode/EVMaximumDischargePower', RN, 'EV',
    { d23: ['AC_ChargeParameterDiscoveryReq::BPT_AC_CPDReqEnergyTransferModeType::EVMaximumDischargePower'] },
    { d23: ['DC_ChargeParameterDiscoveryReq::BPT_DC_CPDReqEnergyTransferModeType::EVMaximumDischargePower'] }),
  ...acDc('evMaxDischargePower', 'AC_ChargeLoopReq', 'BPT_Dynamic_AC_CLReqControlMode/EVMaximumDischargePower', 'DC_ChargeLoopReq', 'BPT_Scheduled_DC_CLReqControlMode|BPT_Dynamic_DC_CLReqControlMode/EVMaximumDischargePower', RN, 'EV',
    { d23: ['AC_ChargeLoopReq::BPT_Dynamic_AC_CLReqControlModeType::EVMaximumDischargePower'] },
    { d23: ['DC_ChargeLoopReq::BPT_Dynamic_DC_CLReqControlModeType::EVMaximumDischargePower'] }),
  ...acDc('evMinDischargePower', 'AC_ChargeParameterDiscoveryReq', 'BPT_AC_CPDReqEnergyTransferMode/EVMinimumDischargePower', 'DC_ChargeParameterDiscoveryReq', 'BPT_DC_CPDReqEnergyTransferMode/EVMinimumDischargePower', RN, 'EV',
    { d23: ['AC_ChargeParameterDiscoveryReq::BPT_AC_CPDReqEnergyTransferModeType::EVMinimumDischargePower'] },
    { d23: ['DC_ChargeParameterDiscoveryReq::BPT_DC_CPDReqEnergyTransferModeType::EVMinimumDischargePower'] }),
  ...acDc('evMinDischargePower', 'AC_ChargeLoopReq', 'BPT_Dynamic_AC_CLReqControlMode/EVMinimumDischargePower', 'DC_ChargeLoopReq', 'BPT_Scheduled_DC_CLReqControlMode|BPT_Dynamic_DC_CLReqControlMode/EVMinimumDischargePower', RN, 'EV',
    { d23: ['AC_ChargeLoopReq::BPT_Dynamic_AC_CLReqControlModeType::EVMinimumDischargePower'] },
    { d23: ['DC_ChargeLoopReq::BPT_Dynamic_DC_CLReqControlModeType::EVMinimumDischargePower'] }),
  ...acDc('evPresentSoc', 'AC_ChargeLoopReq', 'DisplayParameters/PresentSOC', 'DC_ChargeLoopReq', 'DisplayParameters/PresentSOC', 'number', 'EV',
    { d23: ['AC_ChargeLoopReq::DisplayParametersType::PresentSOC'], note: 'shall not be used to control a charge (D2.3 remark)' },
    { d23: ['DC_ChargeLoopReq::DisplayParametersType::PresentSOC'], note: 'shall not be used to control a charge (D2.3 remark)' }),
  ...acDc('evMinEnergyRequest', 'AC_ChargeLoopReq', `${AC_CL_REQ}/EVMinimumEnergyRequest`, 'DC_ChargeLoopReq', `${DC_CL_REQ}/EVMinimumEnergyRequest`, RN, 'EV',
    { d23: ['AC_ChargeLoopReq::Dynamic_CLReqControlModeType::EVMinimumEnergyRequest', 'AC_ChargeLoopReq::Scheduled_AC_CLReqControlModeType::EVMinimumEnergyRequest'] },
    { d23: ['DC_ChargeLoopReq::Dynamic_CLReqControlModeType::EVMinimumEnergyRequest', 'DC_ChargeLoopReq::Scheduled_DC_CLReqControlModeType::EVMinimumEnergyRequest'] }),
  iso20('evMinEnergyRequest', 'ScheduleExchangeReq', `${SE_REQ}/EVMinimumEnergyRequest`, RN, 'EV', {
    d23: ['ScheduleExchangeReq::Dynamic_SEReqControlModeType::EVMinimumEnergyRequest', 'ScheduleExchangeReq::Scheduled_SEReqControlModeType::EVMinimumEnergyRequest'],
  }),
  ...acDc('evTargetEnergyRequest', 'AC_ChargeLoopReq', `${AC_CL_REQ}/EVTargetEnergyRequest`, 'DC_ChargeLoopReq', `${DC_CL_REQ}/EVTargetEnergyRequest`, RN, 'EV',
    { d23: ['AC_ChargeLoopReq::Dynamic_CLReqControlModeType::EVTargetEnergyRequest', 'AC_ChargeLoopReq::Scheduled_AC_CLReqControlModeType::EVTargetEnergyRequest'] },
    { d23: ['DC_ChargeLoopReq::Dynamic_CLReqControlModeType::EVTargetEnergyRequest', 'DC_ChargeLoopReq::Scheduled_DC_CLReqControlModeType::EVTargetEnergyRequest'] }),
  iso20('evTargetEnergyRequest', 'ScheduleExchangeReq', `${SE_REQ}/EVTargetEnergyRequest`, RN, 'EV', {
    d23: ['ScheduleExchangeReq::Dynamic_SEReqControlModeType::EVTargetEnergyRequest', 'ScheduleExchangeReq::Scheduled_SEReqControlModeType::EVTargetEnergyRequest'],
  }),
  ...acDc('evMaxEnergyRequest', 'AC_ChargeLoopReq', `${AC_CL_REQ}/EVMaximumEnergyRequest`, 'DC_ChargeLoopReq', `${DC_CL_REQ}/EVMaximumEnergyRequest`, RN, 'EV',
    { d23: ['AC_ChargeLoopReq::Dynamic_CLReqControlModeType::EVMaximumEnergyRequest', 'AC_ChargeLoopReq::Scheduled_AC_CLReqControlModeType::EVMaximumEnergyRequest'] },
    { d23: ['DC_ChargeLoopReq::Dynamic_CLReqControlModeType::EVMaximumEnergyRequest', 'DC_ChargeLoopReq::Scheduled_DC_CLReqControlModeType::EVMaximumEnergyRequest'] }),
  iso20('evMaxEnergyRequest', 'ScheduleExchangeReq', `${SE_REQ}/EVMaximumEnergyRequest`, RN, 'EV', {
    d23: ['ScheduleExchangeReq::Dynamic_SEReqControlModeType::EVMaximumEnergyRequest', 'ScheduleExchangeReq::Scheduled_SEReqControlModeType::EVMaximumEnergyRequest'],
  }),
  iso20('v2xWarrantyConstraints', 'ScheduleExchangeReq', 'Dynamic_SEReqControlMode/EVMaximumV2XEnergyRequest', RN, 'EV', {
    d23: ['ScheduleExchangeReq::Dynamic_SEReqControlModeType::EVMaximumV2XEnergyRequest'],
    note: 'D2.3 gives the unit as W; the field is an energy (Wh)',
  }),
  iso20('v2xWarrantyConstraints', 'ScheduleExchangeReq', 'Dynamic_SEReqControlMode/EVMinimumV2XEnergyRequest', RN, 'EV', {
    d23: ['ScheduleExchangeReq::Dynamic_SEReqControlModeType::EVMinimumV2XEnergyRequest'],
  }),
  ...acDc('v2xWarrantyConstraints', 'AC_ChargeLoopReq', 'BPT_Dynamic_AC_CLReqControlMode/EVMaximumV2XEnergyRequest|EVMinimumV2XEnergyRequest', 'DC_ChargeLoopReq', 'BPT_Dynamic_DC_CLReqControlMode/EVMaximumV2XEnergyRequest|EVMinimumV2XEnergyRequest', RN, 'EV',
    { d23: ['AC_ChargeLoopReq::Dynamic_CLReqControlModeType::EVMaximumV2XEnergyRequest', 'AC_ChargeLoopReq::Dynamic_CLReqControlModeType::EVMinimumV2XEnergyRequest'], note: 'in the BPT_Dynamic control mode only (D2.3 names the plain Dynamic type)' },
    { d23: ['DC_ChargeLoopReq::Dynamic_CLReqControlModeType::EVMaximumV2XEnergyRequest', 'DC_ChargeLoopReq::Dynamic_CLReqControlModeType::EVMinimumV2XEnergyRequest'], note: 'in the BPT_Dynamic control mode only (D2.3 names the plain Dynamic type)' }),
  ...acDc('v2xStateOfHealth', 'AC_ChargeParameterDiscoveryReq', 'BPT_AC_CPDReqEnergyTransferMode/RemainingV2GEnergy', 'DC_ChargeParameterDiscoveryReq', 'BPT_DC_CPDReqEnergyTransferMode/RemainingV2GEnergy', RN, 'EV',
    { variant: 'scale', note: 'SCALE -20 variant (D2.3 §9.2)' }, { variant: 'scale', note: 'SCALE -20 variant (D2.3 §9.2)' }),
  ...acDc('roundTripEfficiency', 'AC_ChargeParameterDiscoveryReq', 'BPT_AC_CPDReqEnergyTransferMode/RoundTripEfficiency', 'DC_ChargeParameterDiscoveryReq', 'BPT_DC_CPDReqEnergyTransferMode/RoundTripEfficiency', RN, 'EV',
    { variant: 'scale', note: 'SCALE -20 variant (D2.3 §9.2)' }, { variant: 'scale', note: 'SCALE -20 variant (D2.3 §9.2)' }),
  iso20('dischargingCapable', 'ServiceDiscoveryReq', 'SupportedServiceIDs/ServiceID', 'serviceIds', 'EV', { d23: ['ServiceDiscoveryReq::SupportedServiceIDs'] }),
  iso20('dischargingCapable', 'ServiceSelectionReq', 'SelectedEnergyTransferService/ServiceID', 'serviceIds', 'EV'),
  iso20('dischargingAllowed', 'ServiceDiscoveryReq', 'SupportedServiceIDs/ServiceID', 'serviceIds', 'EV', {
    note: 'D2.3 §9.2: no flag; a driver who does not allow discharge makes the EV leave the BPT services out',
  }),
  iso20('departureTime', 'ScheduleExchangeReq', `${SE_REQ}/DepartureTime`, 'secondsFromNow', 'EV', {
    d23: ['ScheduleExchangeReq::Dynamic_SEReqControlModeType::DepartureTime', 'ScheduleExchangeReq::Scheduled_SEReqControlModeType::DepartureTime'],
    note: 'optional (D2.3 remark)',
  }),
  iso20('departureTime', 'ScheduleExchangeRes', 'Dynamic_SEResControlMode/DepartureTime', 'secondsFromNow', 'EVSE', {
    d23: ['ScheduleExchangeRes::Dynamic_SEResControlModeType::DepartureTime', 'ScheduleExchangeRes::Scheduled_SEResControlModeType::DepartureTime'],
    note: 'Scheduled_SEResControlMode has no DepartureTime (D2.3 lists one)',
  }),
  ...acDc('departureTime', 'AC_ChargeLoopReq', `${AC_DYN_REQ}/DepartureTime`, 'DC_ChargeLoopReq', `${DC_DYN_REQ}/DepartureTime`, 'secondsFromNow', 'EV',
    { d23: ['AC_ChargeLoopReq::Dynamic_AC_CLReqControlModeType::DepartureTime'] }, { d23: ['DC_ChargeLoopReq::Dynamic_DC_CLReqControlModeType::DepartureTime'] }),
  ...acDc('departureTime', 'AC_ChargeLoopRes', `${AC_DYN_RES}/DepartureTime`, 'DC_ChargeLoopRes', `${DC_DYN_RES}/DepartureTime`, 'secondsFromNow', 'EVSE',
    { d23: ['AC_ChargeLoopRes::Dynamic_AC_CLResControlModeType::DepartureTime'] }, { d23: ['DC_ChargeLoopRes::Dynamic_DC_CLResControlModeType::DepartureTime'] }),
  ...(['minSoc', 'targetSoc'] as const).flatMap((object) => {
    const field = object === 'minSoc' ? 'MinimumSOC' : 'TargetSOC';
    return [
      iso20(object, 'ScheduleExchangeReq', `Dynamic_SEReqControlMode/${field}`, 'number', 'EV', { d23: [`ScheduleExchangeReq::Dynamic_SEReqControlModeType::${field}`], note: 'Dynamic mode only (D2.3 remark)' }),
      iso20(object, 'ScheduleExchangeRes', `Dynamic_SEResControlMode/${field}`, 'number', 'EVSE', { d23: [`ScheduleExchangeRes::Dynamic_SEResControlModeType::${field}`] }),
      ...acDc(object, 'AC_ChargeLoopReq', `DisplayParameters/${field}`, 'DC_ChargeLoopReq', `DisplayParameters/${field}`, 'number', 'EV',
        { d23: [`AC_ChargeLoopReq::DisplayParametersType::${field}`] }, { d23: [`DC_ChargeLoopReq::DisplayParametersType::${field}`] }),
      ...acDc(object, 'AC_ChargeLoopRes', `${AC_DYN_RES}/${field}`, 'DC_ChargeLoopRes', `${DC_DYN_RES}/${field}`, 'number', 'EVSE',
        { d23: [`AC_ChargeLoopRes::Dynamic_AC_CLResControlModeType::${field}`] }, { d23: [`DC_ChargeLoopRes::Dynamic_DC_CLResControlModeType::${field}`] }),
    ];
  }),
  iso20('targetSoc', 'DC_ChargeParameterDiscoveryReq', `${DC_CPD_REQ}/TargetSOC`, 'number', 'EV'),
  ...acDc('maxSoc', 'AC_ChargeLoopReq', 'DisplayParameters/MaximumSOC', 'DC_ChargeLoopReq', 'DisplayParameters/MaximumSOC', 'number', 'EV',
    { d23: ['AC_ChargeLoopReq::DisplayParametersType::MaximumSOC'], note: 'shall not be used to control a charge (D2.3 remark)' },
    { d23: ['DC_ChargeLoopReq::DisplayParametersType::MaximumSOC'], note: 'shall not be used to control a charge (D2.3 remark)' }),
  iso20('minGreenLevel', 'ScheduleExchangeRes', 'Scheduled_SEResControlMode/ScheduleTuple/*/ChargingSchedule/AbsolutePriceSchedule/PriceRuleStacks/PriceRuleStack/*/PriceRule/*/RenewableGenerationPercentage', 'number', 'EVSE', {
    d23: ['ScheduleExchangeReq::EVEnergyOfferType::EVAbsolutePriceSchedule::EVAbsolutePriceScheduleType::EVPriceRuleStackListType'],
    note: "D2.3 points at the EV's price rules, which have no green share; the EVSE's AbsolutePriceSchedule rules carry RenewableGenerationPercentage",
  }),
];
