// SCALE D2.3 §8's conclusions as data: for each data object and each protocol version D2.3
// analyses, whether the protocol carries it (a row of the §8.x.x.1 data coverage table), does not
// (a gap of §8.x.x.2, or simply no row), or carries it only with the SCALE extension D2.3 §9
// proposes for the gap. Transcribed from the seed by reading it; every entry quotes D2.3, and
// test/gaps-section8.test.ts checks that each quote is in the section it cites.
//
// This is deliberately independent of the data-object dictionary (packages/trace/src/dictionary):
// the gap report compares what the runs (read through the dictionary) show with what D2.3 says,
// so D2.3's side must not be computed from the dictionary.
import type { dictionary } from '@v2xsim/trace';

type DataObjectId = dictionary.DataObjectId;

/** The protocol versions D2.3 §8 analyses (DIN 70121 is not among them). */
export type Section8Protocol = 'iso15118-2' | 'iso15118-20' | 'ocpp1.6' | 'ocpp2.0.1' | 'ocpp2.1' | 'ocpi2.2.1';
export const SECTION8_PROTOCOLS: readonly Section8Protocol[] = ['iso15118-2', 'iso15118-20', 'ocpp1.6', 'ocpp2.0.1', 'ocpp2.1', 'ocpi2.2.1'];

/**
 * - `carried`: a row of the §8.x.x.1 table maps it to a field
 * - `gap`: §8.x.x.2 names it as missing, and §9 proposes no extension for it
 * - `extension`: §8.x.x.2 names it as missing and §9 adds it in the SCALE extension
 * - `absent`: no row of the §8.x.x.1 table (D2.3 does not name it as a gap either)
 */
export type Section8Verdict = 'carried' | 'gap' | 'extension' | 'absent';

export interface Section8Entry {
  object: DataObjectId;
  protocol: Section8Protocol;
  verdict: Exclude<Section8Verdict, 'absent'>;
  /** only for this energy transfer, where D2.3 says so ("Only sent in DC", "in AC Charging") */
  energy?: 'AC' | 'DC';
  /**
   * Which way the message D2.3 names goes, where it matters: `up` from the EV's side towards the
   * SCSP (an ISO 15118 request, a station's OCPP request, a CPO's OCPI object), `down` the other way
   * (an ISO 15118 response, the CSMS's SetChargingProfile, the eMSP's ChargingPreferences).
   * Absent: either way (D2.3 names messages both ways, or the object starts at one end anyway).
   */
  direction?: 'up' | 'down';
  /** where D2.3 says it: the table or gap list, and for an extension the §9 paragraph too */
  sections: string[];
  /** D2.3's words, from the first section cited (whitespace aside) */
  quote: string;
  /** for an extension: D2.3 §9's words, from the second section cited */
  extensionQuote?: string;
  note?: string;
}

/** The headings of the sections the entries cite, as they are in the seed (for slicing its text). */
export const SECTION8_HEADINGS: Readonly<Record<string, string>> = {
  '§8.2.1.1': '8.2.1.1 Data Coverage',
  '§8.2.1.2': '8.2.1.2 Gap analysis',
  '§8.2.2.1': '8.2.2.1 Data coverage',
  '§8.2.2.2': '8.2.2.2 Gap analysis',
  '§8.3.1.1': '8.3.1.1 Data Coverage',
  '§8.3.1.2': '8.3.1.2 Gap analysis',
  '§8.3.2.1': '8.3.2.1 Data Coverage',
  '§8.3.2.2': '8.3.2.2 Gap analysis',
  '§8.3.3.1': '8.3.3.1 Data Coverage',
  '§8.3.3.2': '8.3.3.2 Gap analysis',
  '§8.4.1.1': '8.4.1.1 Data Coverage',
  '§8.4.1.2': '8.4.1.2 Gap analysis',
  '§9.1': '9.1 ISO 15118-2',
  '§9.2': '9.2 ISO 15118-20',
  '§9.3': '9.3 OCPP 2.0.1',
  '§9.4': '9.4 OCPP 2.1',
  '§9.5': '9.5 OCPI 2.2.1',
  '§11.4': '11.4 CPO/SCSP/MSP Link',
};

/** The section of a protocol's coverage table and of its gap analysis. */
export const SECTION8_OF: Readonly<Record<Section8Protocol, { table: string; gaps: string; extension?: string }>> = {
  'iso15118-2': { table: '§8.2.1.1', gaps: '§8.2.1.2', extension: '§9.1' },
  'iso15118-20': { table: '§8.2.2.1', gaps: '§8.2.2.2', extension: '§9.2' },
  'ocpp1.6': { table: '§8.3.1.1', gaps: '§8.3.1.2' },
  'ocpp2.0.1': { table: '§8.3.2.1', gaps: '§8.3.2.2', extension: '§9.3' },
  'ocpp2.1': { table: '§8.3.3.1', gaps: '§8.3.3.2', extension: '§9.4' },
  'ocpi2.2.1': { table: '§8.4.1.1', gaps: '§8.4.1.2' },
};

type Extra = Partial<Pick<Section8Entry, 'energy' | 'note' | 'direction'>>;

function entries(protocol: Section8Protocol) {
  const s = SECTION8_OF[protocol];
  return {
    carried: (object: DataObjectId, quote: string, extra: Extra = {}): Section8Entry => ({ object, protocol, verdict: 'carried', sections: [s.table], quote, ...extra }),
    gap: (objects: readonly DataObjectId[], quote: string, extra: Extra & { sections?: string[] } = {}): Section8Entry[] =>
      objects.map((object) => ({ object, protocol, verdict: 'gap', sections: extra.sections ?? [s.gaps], quote, ...(extra.energy ? { energy: extra.energy } : {}), ...(extra.note ? { note: extra.note } : {}) })),
    extension: (objects: readonly DataObjectId[], quote: string, extensionQuote: string, extra: Extra & { sections?: string[] } = {}): Section8Entry[] =>
      objects.map((object) => ({
        object,
        protocol,
        verdict: 'extension',
        sections: extra.sections ?? [s.gaps, s.extension!],
        quote,
        extensionQuote,
        ...(extra.energy ? { energy: extra.energy } : {}),
        ...(extra.direction ? { direction: extra.direction } : {}),
        ...(extra.note ? { note: extra.note } : {}),
      })),
  };
}

const V2X: readonly DataObjectId[] = ['evMaxDischargePower', 'evMinDischargePower', 'roundTripEfficiency', 'dischargingCapable', 'dischargingAllowed', 'dischargedEnergy', 'v2xWarrantyConstraints', 'v2xStateOfHealth'];

const iso2 = entries('iso15118-2');
const iso20 = entries('iso15118-20');
const ocpp16 = entries('ocpp1.6');
const ocpp201 = entries('ocpp2.0.1');
const ocpp21 = entries('ocpp2.1');
const ocpi = entries('ocpi2.2.1');

export const SECTION8: readonly Section8Entry[] = [
  // ISO 15118-2 (D2.3 §8.2.1, §9.1)
  iso2.carried('evseId', 'SessionSetupRes::EVSEID'),
  iso2.carried('evseMaxChargePower', 'DC_EVSEChargeParameter::EVSEMaximumPowerLimit CurrentDemandRes::EVSEMaximumPowerLimit W Only sent in DC', { energy: 'DC' }),
  ...iso2.gap(['evseMaxChargePower'], 'Maximum charging power supported by the EVSE in AC Charging.', { energy: 'AC' }),
  iso2.carried('evseActivePower', 'Not directly available but can be computed based on voltage current'),
  iso2.carried('sessionId', 'SessionSetupRes::Header::SessionID'),
  iso2.carried('compositeChargingSchedule', 'ChargeParameterDiscoveryRes::SAScheduleList'),
  iso2.carried('chargedEnergy', 'MeteringReceiptReq::MeterInfo::MeterReading'),
  iso2.carried('evMaxChargePower', 'CurrentDemandReq::EVMaximumPowerLimit ChargeParameterDiscoveryReq::DC_EVChargeParameter::EVMaximumPowerLimit', { energy: 'DC' }),
  ...iso2.extension(['evMaxChargePower'], 'ChargeParameterDiscoveryReq::DC_EVChargeParameter::EVMaximumPowerLimit', 'To maximize the delivered powered in AC charging, the EVSE requires the maximum charging power supported by the EV.', {
    energy: 'AC',
    sections: ['§8.2.1.1', '§9.1'],
    note: 'the §8.2.1.1 row maps DC fields only; §9.1 adds the AC maximum power',
  }),
  iso2.carried('evPresentSoc', 'CableCheckReq::DC_EVStatusType::EVRESSSOC'),
  iso2.carried('evTargetEnergyRequest', 'ChargeParameterDiscoveryReq::DC_EVChargeParameterType::EVEnergyRequest'),
  iso2.carried('userId', 'PaymentDetailsReq::eMaid Only available with PnC', { direction: 'up' }),
  iso2.carried('departureTime', 'ChargeParameterDiscoveryReq::AC_EVChargeParameter::DepartureTime', { direction: 'up' }),
  iso2.carried('maxSoc', 'ChargeParameterDiscoveryReq::DC_EVChargeParameter::FullSOC', {
    energy: 'DC',
    note: 'the row maps FullSOC, a DC parameter; §8.2.1.2 still lists the maximum SoC as a gap and §9.1 adds it for AC and DC',
  }),
  ...iso2.extension(['maxSoc'], 'The minimum and maximum state of charge requested by the EV', 'and the corresponding maximum and minimum SoC', { energy: 'AC' }),
  iso2.carried('minGreenLevel', 'SAScheduleListType::SAScheduleTupleType::SalesTariffType::SalesTariffEntryType::ConsumptionCostType', { direction: 'down' }),
  ...iso2.extension(['evMinEnergyRequest', 'evMaxEnergyRequest'], 'Maximum and minimum energy requests from the EV', 'the EVSE needs to get the maximum and minimum energy request from the EV'),
  ...iso2.extension(['minSoc'], 'The minimum and maximum state of charge requested by the EV', 'and the corresponding maximum and minimum SoC', { direction: 'up' }),
  ...iso2.gap(V2X, 'the analysis shows the absence of V2X parameters in ISO 15118-2'),

  // ISO 15118-20 (D2.3 §8.2.2, §9.2)
  iso20.carried('evseId', 'SessionSetupRes::EVSEID 36 bytes, ASCII String'),
  iso20.carried('evseMaxChargePower', 'DC_ChargeParameterDiscoveryRes::DC_CPDResEnergyTransferModeType::EVSEMaximumChargePower'),
  iso20.carried('evseActivePower', 'EVSEPresentActivePower W Only in AC', { energy: 'AC' }),
  ...iso20.gap(['evseActivePower'], 'EVSE active power in DC Charging.', { energy: 'DC' }),
  iso20.carried('sessionId', 'SessionSetupRes::Header::SessionID'),
  iso20.carried('compositeChargingSchedule', 'ScheduleExchangeRes::Scheduled_SEResControlModeType::ScheduleTuple'),
  iso20.carried('chargedEnergy', 'MeteringConfirmationReq::MeterInfoType::ChargedEnergyReadingWh'),
  iso20.carried('dischargedEnergy', 'MeteringConfirmationReq::MeterInfoType::BPT_DischargedEnergyReadingWh'),
  iso20.carried('evMaxChargePower', 'DC_ChargeLoopReq::BPT_Dynamic_DC_CLReqControlModeType::EVMaximumChargePower'),
  iso20.carried('evMinChargePower', 'DC_ChargeLoopReq::BPT_Dynamic_DC_CLReqControlModeType::EVMinimumChargePower'),
  iso20.carried('evMaxDischargePower', 'DC_ChargeLoopReq::BPT_Dynamic_DC_CLReqControlModeType::EVMaximumDischargePower'),
  iso20.carried('evMinDischargePower', 'DC_ChargeLoopReq::BPT_Dynamic_DC_CLReqControlModeType::EVMinimumDischargePower'),
  iso20.carried('evPresentSoc', 'DC_ChargeLoopReq::DisplayParametersType::PresentSOC'),
  iso20.carried('evMinEnergyRequest', 'ScheduleExchangeReq::Dynamic_SEReqControlModeType::EVMinimumEnergyRequest'),
  iso20.carried('evTargetEnergyRequest', 'ScheduleExchangeReq::Dynamic_SEReqControlModeType::EVTargetEnergyRequest'),
  iso20.carried('evMaxEnergyRequest', 'ScheduleExchangeReq::Dynamic_SEReqControlModeType::EVMaximumEnergyRequest'),
  iso20.carried('v2xWarrantyConstraints', 'V2X Warranty Constraints'),
  iso20.carried('dischargingCapable', 'ServiceDiscoveryReq::SupportedServiceIDs'),
  iso20.carried('departureTime', 'ScheduleExchangeReq::Dynamic_SEReqControlModeType::DepartureTime'),
  iso20.carried('minSoc', 'ScheduleExchangeReq::Dynamic_SEReqControlModeType::MinimumSOC'),
  iso20.carried('targetSoc', 'ScheduleExchangeReq::Dynamic_SEReqControlModeType::TargetSOC'),
  iso20.carried('maxSoc', 'AC_ChargeLoopReq::DisplayParametersType::MaximumSOC'),
  iso20.carried('minGreenLevel', 'EVAbsolutePriceSchedule::EVAbsolutePriceScheduleType::EVPriceRuleStackListType', { direction: 'up' }),
  ...iso20.gap(['gridCodes'], 'Grid codes to ensure compliance with local grid codes based on local grid measurements.', { note: 'left to CharIN (§9.2)' }),
  ...iso20.extension(['v2xStateOfHealth'], 'V2X state of health to have information related to the remaining budget', 'The EVSE needs to get from the EV the V2X state of health and round-trip efficiency.'),
  ...iso20.extension(['roundTripEfficiency'], 'Round trip efficiency to avoid injection', 'The EVSE needs to get from the EV the V2X state of health and round-trip efficiency.'),
  ...iso20.gap(['dischargingAllowed'], 'Allowance to discharge to get the explicit consent of the driver to perform bidirectional charging.', {
    note: '§9.2: no flag; the EV leaves bidirectional charging out of the services it offers',
  }),

  // OCPP 1.6 (D2.3 §8.3.1)
  ocpp16.carried('evseActivePower', 'MeterValues.Req ::MeterValue::SampledValue::Measurand::Power.Active.Import'),
  ocpp16.carried('compositeChargingSchedule', 'SetChargingProfile.Req::csChargingProfiles', { direction: 'down' }),
  ocpp16.carried('chargedEnergy', 'MeterValues.Req::MeterValue::SampledValue::Measurand::Energy.Active.Import.Register'),
  ocpp16.carried('evPresentSoc', 'MeterValues.Req::MeterValue::SampledValue::Measurand::SoC'),
  ...ocpp16.gap(V2X, 'The analysis shows the absence of V2X parameters and a restricted set of smart charging data in OCPP 1.6.'),

  // OCPP 2.0.1 (D2.3 §8.3.2, §9.3)
  ocpp201.carried('evseId', 'GetVariablesResponse with SecurityCtrlr::Identity variable'),
  ocpp201.carried('evseMaxChargePower', 'GetVariablesResponse with ChargingStation:: Power(MaxLimit) variable'),
  ocpp201.carried('evseActivePower', 'MeterValuesRequest::MeterValueType::SampledValueType::MeasurandEnumType::Power.Active.Import'),
  ocpp201.carried('compositeChargingSchedule', 'SetChargingProfileRequest::ChargingProfileType', { direction: 'down' }),
  ocpp201.carried('chargedEnergy', 'MeterValuesRequest::MeterValueType::SampledValueType::MeasurandEnumType::Energy.Active.Import.Register'),
  ocpp201.carried('evMaxChargePower', 'NotifyEVChargingNeedsRequest ::ChargingNeedsType::DCChargingParameters Type::evMaxPower', { energy: 'DC' }),
  ...ocpp201.extension(['evMaxChargePower'], 'NotifyEVChargingNeedsRequest ::ChargingNeedsType::DCChargingParameters Type::evMaxPower', 'the EV maximum charging power in AC (already present in DC)', {
    energy: 'AC',
    sections: ['§8.3.2.1', '§9.3'],
  }),
  ocpp201.carried('evPresentSoc', 'NotifyEVChargingNeedsRequest::ChargingNeedsType::DCChargingParameters Type::stateOfCharge'),
  ocpp201.carried('evTargetEnergyRequest', 'NotifyEVChargingNeedsRequest ::ChargingNeedsType::DCChargingParameters Type::energyAmount'),
  ocpp201.carried('userId', 'AuthorizeRequest::idToken', { direction: 'up' }),
  ocpp201.carried('departureTime', 'NotifyEVChargingNeedsRequest::ChargingNeedsType::departureTime RFC3339', { direction: 'up' }),
  ocpp201.carried('maxSoc', 'NotifyEVChargingNeedsRequest::ChargingNeedsType::fullSoC'),
  ocpp201.carried('minGreenLevel', 'ReportChargingProfilesRequest ::ChargingProfileType::ChargingScheduleType::SalesTariffType', { direction: 'up' }),
  ...ocpp201.extension(['evMinChargePower'], 'EV minimum charge power to adapt the power delivered by the EVSE', 'The EV minimum charging power for both AC and DC'),
  ...ocpp201.extension(['evMinEnergyRequest', 'evMaxEnergyRequest'], 'EV Minimum and maximum Energy Request to ensure that mobility needs are met.', 'the minimum energy request and the corresponding SoC of the EV, its maximum energy request'),
  ...ocpp201.extension(['minSoc', 'targetSoc'], 'Minimum and target state of charge requested by the EV to ensure that mobility needs are met.', 'the corresponding SoC of the EV, its maximum energy request and the targeted SoC', { direction: 'up' }),
  ...ocpp201.extension(['sessionId'], 'Session ID to link a charging schedule to an active charging transaction.', 'To be able to track the sessions, the CPO also requires the session ID of the current charging session.'),
  ...ocpp201.gap(['priorityCharging'], 'Priority charging to know if the user is allowed overrule smart of bidirectional charging'),
  ...ocpp201.gap(V2X, 'the analysis shows the absence of V2X parameters in OCPP 2.0.1'),

  // OCPP 2.1 (D2.3 §8.3.3, §9.4)
  ocpp21.carried('gridCodes', 'ChargingSchedulePeriodType::v2xFreqWattCurve::V2XFreqWattEntryType', { direction: 'down' }),
  ocpp21.carried('evseId', 'GetVariablesResponse with SecurityCtrlr::Identity variable'),
  ocpp21.carried('evseMaxChargePower', 'NotifyEVChargingNeedsRequest::V2XChargingParametersType::maxChargePower'),
  ocpp21.carried('evseActivePower', 'ReportChargingProfilesRequest::ChargingScheduleType::ChargingSchedulePeriodType::limit'),
  ocpp21.carried('compositeChargingSchedule', 'SetChargingProfileRequest::ChargingProfileType', { direction: 'down' }),
  ocpp21.carried('chargedEnergy', 'TransactionEventRequest::MeterValueType::SampledValueType::MeasurandEnumType::Energy.Active.Import.Register'),
  ocpp21.carried('dischargedEnergy', 'MeasurandEnumType::Energy.Active.Export.Register'),
  ocpp21.carried('evMaxChargePower', 'NotifyEVChargingNeedsRequest::ChargingNeedsType::V2XChargingParamete rsType::maxChargePower'),
  ocpp21.carried('evMinChargePower', 'ChargingNeedsType::V2XChargingParametersType::minChargePower'),
  ocpp21.carried('evMaxDischargePower', 'ChargingNeedsType::V2XChargingParametersType::maxDischargePower'),
  ocpp21.carried('evMinDischargePower', 'ChargingNeedsType::V2XChargingParametersType::minDischargePower'),
  ocpp21.carried('evPresentSoc', 'ChargingNeedsType::DCChargingParameter sType::stateOfCharge'),
  ocpp21.carried('evMinEnergyRequest', 'MeasurandEnumType::EnergyRequest.Minimum'),
  ocpp21.carried('evTargetEnergyRequest', 'MeasurandEnumType::EnergyRequest.Target'),
  ocpp21.carried('evMaxEnergyRequest', 'MeasurandEnumType::EnergyRequest.Maximum'),
  ocpp21.carried('v2xWarrantyConstraints', 'V2XChargingParamete rsType::evMinV2XEnergyRequest'),
  ocpp21.carried('dischargingCapable', 'ChargingNeedsType::EnergyTransferModeEnumType'),
  ocpp21.carried('userId', 'AuthorizeRequest::idToken', { direction: 'up' }),
  ocpp21.carried('departureTime', 'NotifyEVChargingNeedsRequest::ChargingNeedsType::departureTime Seconds', { direction: 'up' }),
  ocpp21.carried('minSoc', 'V2XChargingParametersType::evMinEnergyRequest Percent CS Need conversion with battery capacity', { direction: 'up' }),
  ocpp21.carried('targetSoc', 'V2XChargingParametersType::evTargetEnergyRequest Percent CS Need conversion with battery capacity', { direction: 'up' }),
  ocpp21.carried('maxSoc', 'V2XChargingParametersType::evMaxEnergyRequest Percent CS Need conversion with battery capacity'),
  ocpp21.carried('dischargingAllowed', 'AuthorizeResponse::allowedEnergyTransfer', { direction: 'down', note: 'a response of the CSMS (D2.3’s Sender column says CS)' }),
  ocpp21.carried('priorityCharging', 'UsePriorityChargingRequest::activate', { direction: 'down', note: 'OCPP 2.1 sends it from the CSMS to the station (D2.3’s Sender column says CS)' }),
  ocpp21.carried('minGreenLevel', 'NotifyEVChargingScheduleRequest:: ChargingProfileType::ChargingScheduleType::SalesTariffType', { direction: 'up' }),
  ...ocpp21.extension(['sessionId'], 'Session ID to link a charging schedule to an active charging transaction.', 'As for OCPP 2.0.1, the id of the ongoing sessions is needed by the CPO.'),
  ...ocpp21.extension(['v2xStateOfHealth'], 'V2X state of health to have information related to the remaining budget', 'The CPO shall know the V2X state of health of the car and the round-trip efficiency.'),
  ...ocpp21.extension(['roundTripEfficiency'], 'Round trip efficiency to avoid injection', 'The CPO shall know the V2X state of health of the car and the round-trip efficiency.'),
  ...ocpp21.gap(['tariffOverrule'], 'Tariffs overrule capacity'),

  // OCPI 2.2.1 (D2.3 §8.4.1, §9.5, §11.4)
  ocpi.carried('retailTariff', 'Tariff::elements::price_components'),
  ocpi.carried('gridConnectionCapacity', 'EVSE::connectors::max_amperage'),
  ocpi.carried('activeGridPower', 'Active grid power Session::charging_periods::dimensions::volume'),
  ocpi.carried('location', 'Location::coordinates'),
  ocpi.carried('contractedPower', 'EVSE::connectors::max_electric_power'),
  ocpi.carried('capacityTariff', 'PriceComponent currency/kWh Use type=ENERGY'),
  ocpi.carried('siteEan', 'Site EAN Session::meter_id'),
  ocpi.carried('bspId', 'Location::energy_mix::supplier_name'),
  ocpi.carried('evseId', 'EVSE::evse_id'),
  ocpi.carried('evseMaxChargePower', 'Maximum Charging Power EVSE::connectors::max_electric_power'),
  ocpi.carried('evseActivePower', 'CDR::charging_periods::dimensions::volume'),
  ocpi.carried('sessionId', 'Session ID Session::id'),
  ocpi.carried('compositeChargingSchedule', 'ActiveChargingProfileResult::profile', { direction: 'up' }),
  ocpi.carried('chargedEnergy', 'CDR::total_energy'),
  ocpi.carried('dischargedEnergy', 'Discharge d Energy Session::charging_periods::dimensions::volume'),
  ocpi.carried('evTargetEnergyRequest', 'ChargingPreferences::energy_need', { direction: 'down', note: 'the driver’s need, from the eMSP' }),
  ocpi.carried('userId', 'Session::cdr_token::contract_id'),
  ocpi.carried('departureTime', 'ChargingPreferences::departure_time', { direction: 'down' }),
  ocpi.carried('dischargingAllowed', 'ChargingPreferences::discharge_allowed', { direction: 'down' }),
  ...ocpi.gap(['gridCodes'], 'Local frequency to comply with local grid codes.'),
  ...ocpi.gap(['capacityPeriod'], 'Capacity Period'),
  ...ocpi.gap(
    ['evMaxChargePower', 'evMinChargePower', 'evMinEnergyRequest', 'evMaxEnergyRequest', 'evPresentSoc', 'evMaxDischargePower', 'evMinDischargePower', 'roundTripEfficiency', 'dischargingCapable', 'v2xWarrantyConstraints', 'v2xStateOfHealth', 'minSoc', 'targetSoc', 'maxSoc'],
    'EV related Data to optimize the charging session and follow the EV constraints.',
    { note: '§11.4: the SCSP cannot retrieve the EV charging parameters; it reads the EV constraints out of the active charging profile' },
  ),
];

/** What D2.3 §8 says about one data object over one protocol version, for a run's energy transfer and SCALE setting. */
export interface Section8Answer {
  protocol: Section8Protocol;
  verdict: Section8Verdict;
  /** the way D2.3's message goes, when only one */
  direction?: 'up' | 'down';
  /** the protocol carries it in this run's setting: `extension` counts when SCALE is on */
  carried: boolean;
  sections: string[];
  /** D2.3's words, or for `absent` what that means */
  basis: string;
  entry?: Section8Entry;
}

export function isSection8Protocol(p: string): p is Section8Protocol {
  return (SECTION8_PROTOCOLS as readonly string[]).includes(p);
}

/**
 * D2.3 §8's answer for an object over a protocol. An entry for the run's energy transfer wins
 * over one for both; no entry is `absent` (no row in the coverage table).
 */
export function section8(object: DataObjectId, protocol: Section8Protocol, opts: { scale?: boolean; energy?: 'AC' | 'DC' } = {}): Section8Answer {
  const candidates = SECTION8.filter((e) => e.object === object && e.protocol === protocol && (e.energy === undefined || opts.energy === undefined || e.energy === opts.energy));
  const entry = candidates.find((e) => e.energy !== undefined && e.energy === opts.energy) ?? candidates.find((e) => e.energy === undefined) ?? candidates[0];
  if (!entry) {
    const table = SECTION8_OF[protocol].table;
    return { protocol, verdict: 'absent', carried: false, sections: [table], basis: `no row in the ${table} coverage table` };
  }
  const carried = entry.verdict === 'carried' || (entry.verdict === 'extension' && opts.scale === true);
  const basis = entry.verdict === 'extension' ? `${entry.quote} — SCALE extension: ${entry.extensionQuote}` : entry.quote;
  return { protocol, verdict: entry.verdict, carried, ...(entry.direction ? { direction: entry.direction } : {}), sections: entry.sections, basis, entry };
}
