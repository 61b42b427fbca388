// Carriers on the EVSE–CSMS link: OCPP 1.6 (D2.3 §8.3.1), 2.0.1 (§8.3.2), 2.1 (§8.3.3), and the
// SCALE extensions as customData with vendorId SCALE_OCPP_VENDOR_ID (§9.3, §9.4, appendix 13.3,
// 13.4). Messages are named `<Action>Request` / `<Action>Response` in every version (1.6's schema
// files drop the suffix of requests). Paths follow the OCA JSON schemas.
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

const v16 = carrier('ocpp1.6');
const v201 = carrier('ocpp2.0.1');
const v21 = carrier('ocpp2.1');

/** a measurand of a SampledValue in MeterValues / TransactionEvent (2.x) */
function sampled(make: ReturnType<typeof carrier>, object: DataObjectId, measurand: string, d23: (msg: string) => string[] = () => [], note?: string): Carrier[] {
  return ['MeterValuesRequest', 'TransactionEventRequest'].map((message) =>
    make(object, message, 'meterValue/*/sampledValue/*/value', 'sampledValue', 'EVSE', { where: { measurand }, d23: d23(message), ...(note ? { note } : {}) }),
  );
}

const d23Measurand = (field: string) => (message: string) => [`${message}::MeterValueType::SampledValueType::MeasurandEnumType::${field}`];

export const OCPP16_CARRIERS: readonly Carrier[] = [
  v16('evseActivePower', 'MeterValuesRequest', 'meterValue/*/sampledValue/*/value', 'sampledValue', 'EVSE', {
    where: { measurand: 'Power.Active.Import' },
    d23: ['MeterValues.Req::MeterValue::SampledValue::Measurand::Power.Active.Import'],
  }),
  v16('evseActivePower', 'StopTransactionRequest', 'transactionData/*/sampledValue/*/value', 'sampledValue', 'EVSE', {
    where: { measurand: 'Power.Active.Import' },
    d23: ['StopTransactionReq::MeterValue::SampledValue::Measurand::Power.Active.Import'],
    note: 'the field is transactionData (D2.3 writes MeterValue)',
  }),
  v16('compositeChargingSchedule', 'SetChargingProfileRequest', 'csChargingProfiles', 'object', 'CSMS', { d23: ['SetChargingProfile.Req::csChargingProfiles'] }),
  v16('compositeChargingSchedule', 'GetCompositeScheduleResponse', 'chargingSchedule', 'object', 'EVSE'),
  v16('chargedEnergy', 'MeterValuesRequest', 'meterValue/*/sampledValue/*/value', 'sampledValue', 'EVSE', {
    where: { measurand: 'Energy.Active.Import.Register' },
    d23: ['MeterValues.Req::MeterValue::SampledValue::Measurand::Energy.Active.Import.Register'],
    note: 'a SampledValue without measurand is Energy.Active.Import.Register',
  }),
  v16('chargedEnergy', 'StopTransactionRequest', 'transactionData/*/sampledValue/*/value', 'sampledValue', 'EVSE', {
    where: { measurand: 'Energy.Active.Import.Register' },
    d23: ['StopTransaction.Req::MeterValue::SampledValue::Measurand::Energy.Active.Import.Register'],
  }),
  v16('chargedEnergy', 'StopTransactionRequest', 'meterStop', 'number', 'EVSE', { note: 'meter register at stop, Wh' }),
  v16('evPresentSoc', 'MeterValuesRequest', 'meterValue/*/sampledValue/*/value', 'sampledValue', 'EVSE', {
    where: { measurand: 'SoC' },
    d23: ['MeterValues.Req::MeterValue::SampledValue::Measurand::SoC'],
  }),
  v16('evPresentSoc', 'StopTransactionRequest', 'transactionData/*/sampledValue/*/value', 'sampledValue', 'EVSE', {
    where: { measurand: 'SoC' },
    d23: ['StopTransactionReq::MeterValue::SampledValue::Measurand::SoC'],
  }),
  v16('dischargedEnergy', 'MeterValuesRequest', 'meterValue/*/sampledValue/*/value', 'sampledValue', 'EVSE', { where: { measurand: 'Energy.Active.Export.Register' } }),
  v16('userId', 'AuthorizeRequest', 'idTag', 'string', 'EVSE'),
  v16('userId', 'StartTransactionRequest', 'idTag', 'string', 'EVSE'),
  v16('evseId', 'BootNotificationRequest', 'chargePointSerialNumber', 'string', 'EVSE', { note: 'the charge point identity is the WebSocket URL path; no EVSE ID in the payload' }),
];

/** OCPP 2.0.1 and 2.1 share most carriers (and D2.3 maps them alike in both tables) */
function common2x(make: ReturnType<typeof carrier>, version: '2.0.1' | '2.1'): Carrier[] {
  const d = (texts: string[]): Extra => ({ d23: texts });
  // rows D2.3 lists in its 2.0.1 table only (its 2.1 table maps them to the V2X parameters)
  const d201 = (texts: string[]): Extra => (version === '2.0.1' ? { d23: texts } : {});
  return [
    make('evseId', 'GetVariablesResponse', 'getVariableResult/*/attributeValue', 'string', 'EVSE', {
      where: { 'component.name': 'SecurityCtrlr', 'variable.name': 'Identity' },
      ...d(['GetVariablesResponse with SecurityCtrlr::Identity variable']),
    }),
    ...sampled(make, 'evseActivePower', 'Power.Active.Import', d23Measurand('Power.Active.Import')),
    make('compositeChargingSchedule', 'SetChargingProfileRequest', 'chargingProfile', 'object', 'CSMS', d(['SetChargingProfileRequest::ChargingProfileType'])),
    make('compositeChargingSchedule', 'GetCompositeScheduleResponse', 'schedule', 'object', 'EVSE'),
    make('compositeChargingSchedule', 'NotifyEVChargingScheduleRequest', 'chargingSchedule', 'object', 'EVSE', { note: "the EV's own schedule, as ISO 15118 PowerDelivery carried it" }),
    ...sampled(make, 'chargedEnergy', 'Energy.Active.Import.Register', d23Measurand('Energy.Active.Import.Register'), 'a SampledValue without measurand is Energy.Active.Import.Register'),
    // D2.3 lists the SoC measurand in its 2.0.1 table only
    ...sampled(make, 'evPresentSoc', 'SoC', version === '2.0.1' ? d23Measurand('SoC') : undefined),
    make('evMaxChargePower', 'NotifyEVChargingNeedsRequest', 'chargingNeeds/dcChargingParameters/evMaxPower', 'number', 'EVSE', d(['NotifyEVChargingNeedsRequest::ChargingNeedsType::DCChargingParametersType::evMaxPower'])),
    make('evMaxChargePower', 'NotifyEVChargingNeedsRequest', 'chargingNeeds/acChargingParameters/evMaxCurrent', 'number', 'EVSE', { conversion: 'power-from-current', note: 'AC: a current per phase' }),
    make('evPresentSoc', 'NotifyEVChargingNeedsRequest', 'chargingNeeds/dcChargingParameters/stateOfCharge', 'number', 'EVSE', d(['NotifyEVChargingNeedsRequest::ChargingNeedsType::DCChargingParametersType::stateOfCharge'])),
    make('evTargetEnergyRequest', 'NotifyEVChargingNeedsRequest', 'chargingNeeds/acChargingParameters|dcChargingParameters/energyAmount', 'number', 'EVSE', d201(['NotifyEVChargingNeedsRequest::ChargingNeedsType::DCChargingParametersType::energyAmount'])),
    make('userId', 'AuthorizeRequest', 'idToken/idToken', 'string', 'EVSE', d(['AuthorizeRequest::idToken'])),
    make('userId', 'TransactionEventRequest', 'idToken/idToken', 'string', 'EVSE'),
    make('departureTime', 'NotifyEVChargingNeedsRequest', 'chargingNeeds/departureTime', 'rfc3339', 'EVSE', d(['NotifyEVChargingNeedsRequest::ChargingNeedsType::departureTime'])),
    make('maxSoc', 'NotifyEVChargingNeedsRequest', 'chargingNeeds/dcChargingParameters/fullSoC', 'number', 'EVSE', d201(['NotifyEVChargingNeedsRequest::ChargingNeedsType::fullSoC'])),
    make('minGreenLevel', 'ReportChargingProfilesRequest', 'chargingProfile/*/chargingSchedule/*/salesTariff/salesTariffEntry/*/consumptionCost/*/cost/*/amount', 'number', 'EVSE', {
      where: { costKind: 'RenewableGenerationPercentage' },
      ...d201(['ReportChargingProfilesRequest::ChargingProfileType::ChargingScheduleType::SalesTariffType::SalesTariffEntryType::ConsumptionCostType::CostType::costKin']),
    }),
    make('sessionId', 'TransactionEventRequest', 'customData/sessionId', 'string', 'EVSE', { variant: 'scale', note: 'SCALE: the ISO 15118 SessionID (D2.3 §9.3, §9.4)' }),
  ];
}

export const OCPP201_CARRIERS: readonly Carrier[] = [
  ...common2x(v201, '2.0.1'),
  v201('evseMaxChargePower', 'GetVariablesResponse', 'getVariableResult/*/attributeValue', 'number', 'EVSE', {
    where: { 'component.name': 'ChargingStation', 'variable.name': 'Power' },
    d23: ['GetVariablesResponse with ChargingStation:: Power(MaxLimit) variable'],
    note: 'attributeType MaxLimit',
  }),
  // SCALE 2.0.1 NotifyEVChargingNeeds extensions (D2.3 §9.3, appendix 13.3), as customData
  ...(['ac', 'dc'] as const).flatMap((k) => [
    v201('evMinChargePower', 'NotifyEVChargingNeedsRequest', `chargingNeeds/${k}ChargingParameters/customData/evMinPower`, 'number', 'EVSE', { variant: 'scale' }),
    v201('evMinEnergyRequest', 'NotifyEVChargingNeedsRequest', `chargingNeeds/${k}ChargingParameters/customData/evMinEnergyAmount`, 'number', 'EVSE', { variant: 'scale' }),
    v201('evMaxEnergyRequest', 'NotifyEVChargingNeedsRequest', `chargingNeeds/${k}ChargingParameters/customData/evMaxEnergyAmount`, 'number', 'EVSE', { variant: 'scale' }),
    v201('minSoc', 'NotifyEVChargingNeedsRequest', `chargingNeeds/${k}ChargingParameters/customData/minSoC`, 'number', 'EVSE', { variant: 'scale' }),
    v201('targetSoc', 'NotifyEVChargingNeedsRequest', `chargingNeeds/${k}ChargingParameters/customData/targetSoC`, 'number', 'EVSE', { variant: 'scale' }),
  ]),
  v201('evMaxChargePower', 'NotifyEVChargingNeedsRequest', 'chargingNeeds/acChargingParameters/customData/evMaxPower', 'number', 'EVSE', { variant: 'scale', note: 'AC max power (D2.3 §9.3)' }),
];

const V2X = 'chargingNeeds/v2xChargingParameters';

export const OCPP21_CARRIERS: readonly Carrier[] = [
  ...common2x(v21, '2.1'),
  v21('evseMaxChargePower', 'NotifyEVChargingNeedsRequest', `${V2X}/maxChargePower`, 'number', 'EVSE', {
    d23: ['NotifyEVChargingNeedsRequest::V2XChargingParametersType::maxChargePower'],
    note: "this is the EV's maximum; D2.3 lists it under the charging station",
  }),
  v21('evseActivePower', 'ReportChargingProfilesRequest', 'chargingProfile/*/chargingSchedule/*/chargingSchedulePeriod/*/limit', 'number', 'EVSE', {
    d23: ['ReportChargingProfilesRequest::ChargingScheduleType::ChargingSchedulePeriodType::limit'],
    note: 'a limit, not a measurement',
  }),
  ...sampled(v21, 'dischargedEnergy', 'Energy.Active.Export.Register', d23Measurand('Energy.Active.Export.Register')),
  v21('evMaxChargePower', 'NotifyEVChargingNeedsRequest', `${V2X}/maxChargePower`, 'number', 'EVSE', { d23: ['NotifyEVChargingNeedsRequest::ChargingNeedsType::V2XChargingParametersType::maxChargePower'] }),
  v21('evMinChargePower', 'NotifyEVChargingNeedsRequest', `${V2X}/minChargePower`, 'number', 'EVSE', { d23: ['NotifyEVChargingNeedsRequest::ChargingNeedsType::V2XChargingParametersType::minChargePower'] }),
  v21('evMaxDischargePower', 'NotifyEVChargingNeedsRequest', `${V2X}/maxDischargePower`, 'number', 'EVSE', { d23: ['NotifyEVChargingNeedsRequest::ChargingNeedsType::V2XChargingParametersType::maxDischargePower'] }),
  v21('evMinDischargePower', 'NotifyEVChargingNeedsRequest', `${V2X}/minDischargePower`, 'number', 'EVSE', { d23: ['NotifyEVChargingNeedsRequest::ChargingNeedsType::V2XChargingParametersType::minDischargePower'] }),
  ...sampled(v21, 'evMinEnergyRequest', 'EnergyRequest.Minimum', d23Measurand('EnergyRequest.Minimum')),
  ...sampled(v21, 'evTargetEnergyRequest', 'EnergyRequest.Target', d23Measurand('EnergyRequest.Target')),
  ...sampled(v21, 'evMaxEnergyRequest', 'EnergyRequest.Maximum', d23Measurand('EnergyRequest.Maximum')),
  v21('evMinEnergyRequest', 'NotifyEVChargingNeedsRequest', `${V2X}/evMinEnergyRequest`, 'number', 'EVSE'),
  v21('evTargetEnergyRequest', 'NotifyEVChargingNeedsRequest', `${V2X}/evTargetEnergyRequest`, 'number', 'EVSE'),
  v21('evMaxEnergyRequest', 'NotifyEVChargingNeedsRequest', `${V2X}/evMaxEnergyRequest`, 'number', 'EVSE'),
  v21('v2xWarrantyConstraints', 'NotifyEVChargingNeedsRequest', `${V2X}/evMinV2XEnergyRequest|evMaxV2XEnergyRequest`, 'number', 'EVSE', {
    d23: ['NotifyEVChargingNeedsRequest::ChargingNeedsType::V2XChargingParametersType::evMinV2XEnergyRequest', 'NotifyEVChargingNeedsRequest::ChargingNeedsType::V2XChargingParametersType::evMaxV2XEnergyRequest'],
  }),
  v21('dischargingCapable', 'NotifyEVChargingNeedsRequest', 'chargingNeeds/requestedEnergyTransfer', 'energyTransferModes', 'EVSE', { d23: ['NotifyEVChargingNeedsRequest::ChargingNeedsType::EnergyTransferModeEnumType'] }),
  v21('dischargingCapable', 'NotifyEVChargingNeedsRequest', 'chargingNeeds/availableEnergyTransfer', 'energyTransferModes', 'EVSE'),
  v21('dischargingAllowed', 'AuthorizeResponse', 'allowedEnergyTransfer', 'energyTransferModes', 'CSMS', { d23: ['AuthorizeResponse::allowedEnergyTransfer'] }),
  v21('minSoc', 'NotifyEVChargingNeedsRequest', `${V2X}/evMinEnergyRequest`, 'number', 'EVSE', {
    conversion: 'soc-from-energy',
    d23: ['NotifyEVChargingNeedsRequest::ChargingNeedsType::V2XChargingParametersType::evMinEnergyRequest'],
    note: 'needs conversion with the battery capacity (D2.3 remark)',
  }),
  v21('targetSoc', 'NotifyEVChargingNeedsRequest', `${V2X}/evTargetEnergyRequest`, 'number', 'EVSE', {
    conversion: 'soc-from-energy',
    d23: ['NotifyEVChargingNeedsRequest::ChargingNeedsType::V2XChargingParametersType::evTargetEnergyRequest'],
    note: 'needs conversion with the battery capacity (D2.3 remark)',
  }),
  v21('targetSoc', 'NotifyEVChargingNeedsRequest', `${V2X}/targetSoC`, 'number', 'EVSE'),
  v21('maxSoc', 'NotifyEVChargingNeedsRequest', `${V2X}/evMaxEnergyRequest`, 'number', 'EVSE', {
    conversion: 'soc-from-energy',
    d23: ['NotifyEVChargingNeedsRequest::ChargingNeedsType::V2XChargingParametersType::evMaxEnergyRequest'],
    note: 'needs conversion with the battery capacity (D2.3 remark)',
  }),
  ...sampled(v21, 'minSoc', 'Display.MinimumSOC'),
  ...sampled(v21, 'targetSoc', 'Display.TargetSOC'),
  ...sampled(v21, 'maxSoc', 'Display.MaximumSOC'),
  v21('priorityCharging', 'UsePriorityChargingRequest', 'activate', 'boolean', 'CSMS', { d23: ['UsePriorityChargingRequest::activate'] }),
  v21('priorityCharging', 'NotifyPriorityChargingRequest', 'activated', 'boolean', 'EVSE'),
  v21('minGreenLevel', 'NotifyEVChargingScheduleRequest', 'chargingSchedule/salesTariff/salesTariffEntry/*/consumptionCost/*/cost/*/amount', 'number', 'EVSE', {
    where: { costKind: 'RenewableGenerationPercentage' },
    d23: ['NotifyEVChargingScheduleRequest::ChargingProfileType::ChargingScheduleType::SalesTariffType::SalesTariffEntryType::ConsumptionCostType::CostType::costKind'],
    note: 'the field is chargingSchedule (D2.3 writes ChargingProfileType)',
  }),
  v21('gridCodes', 'SetChargingProfileRequest', 'chargingProfile/chargingSchedule/*/chargingSchedulePeriod/*/v2xFreqWattCurve|v2xSignalWattCurve', 'object', 'CSMS', {
    d23: [
      'SetChargingProfileRequest::ChargingProfileType::ChargingScheduleType::ChargingSchedulePeriodType::v2xFreqWattCurve::V2XFreqWattEntryType',
      'SetChargingProfileRequest::ChargingProfileType::ChargingScheduleType::ChargingSchedulePeriodType::v2xSignalWattCurve::V2XSignalWattEntryType',
    ],
  }),
  v21('v2xStateOfHealth', 'NotifyEVChargingNeedsRequest', `${V2X}/customData/v2xStateOfHealth`, 'number', 'EVSE', { variant: 'scale', note: 'SCALE 2.1 extension (D2.3 §9.4): remaining V2X warranty energy, Wh' }),
  v21('roundTripEfficiency', 'NotifyEVChargingNeedsRequest', `${V2X}/customData/roundTripEfficiency`, 'number', 'EVSE', { variant: 'scale', note: 'SCALE 2.1 extension (D2.3 §9.4), %' }),
];
