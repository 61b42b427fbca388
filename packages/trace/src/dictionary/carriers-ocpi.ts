// Carriers on the CPO–SCSP/eMSP link: OCPI 2.2.1 (D2.3 §8.4.1). The message is the OCPI object
// that travels (in a PUT/PATCH body or a GET response), named as the official OpenAPI files name
// its schema. OCPI has no EV data (D2.3 §8.4.1.2, §11.4): the SCSP reads the EV's constraints out
// of the active charging profile, which is a carrier of the composite schedule only.
import type { Carrier, CarrierEncoding, CarrierSender } from './carrier.js';
import type { DataObjectId } from './data-objects.js';

type Extra = Partial<Pick<Carrier, 'where' | 'd23' | 'note'>>;
const ocpi = (object: DataObjectId, message: string, path: string, encoding: CarrierEncoding, sender: CarrierSender, extra: Extra = {}): Carrier => ({
  object,
  protocol: 'ocpi2.2.1',
  message,
  path: path.split('/'),
  encoding,
  sender,
  ...extra,
});

const dim = (object: DataObjectId, message: 'Session' | 'CDR', type: string, encoding: CarrierEncoding, d23?: string, note?: string): Carrier =>
  ocpi(object, message, 'charging_periods/*/dimensions/*/volume', encoding, 'CSMS', { where: { type }, ...(d23 ? { d23: [d23] } : {}), ...(note ? { note } : {}) });

export const OCPI221_CARRIERS: readonly Carrier[] = [
  ocpi('retailTariff', 'Tariff', 'elements/*/price_components', 'object', 'CSMS', { d23: ['Tariff::elements::price_components'] }),
  ocpi('gridConnectionCapacity', 'EVSE', 'connectors/*/max_electric_power', 'number', 'CSMS', { d23: ['EVSE::connectors::max_electric_power'], note: 'a connector rating, not the site connection (D2.3 maps it so)' }),
  ocpi('gridConnectionCapacity', 'EVSE', 'connectors/*/max_amperage', 'number', 'CSMS', { d23: ['EVSE::connectors::max_amperage'], note: 'A' }),
  dim('activeGridPower', 'Session', 'POWER', 'kW', 'Session::charging_periods::dimensions::volume', 'the session\'s power, not the site\'s'),
  dim('activeGridPower', 'CDR', 'POWER', 'kW', 'CDR::charging_periods::dimensions::volume'),
  ocpi('location', 'Location', 'coordinates', 'object', 'CSMS', { d23: ['Location::coordinates'] }),
  ocpi('contractedPower', 'EVSE', 'connectors/*/max_electric_power', 'number', 'CSMS', { d23: ['EVSE::connectors::max_electric_power'], note: 'a connector rating stands in for it (D2.3)' }),
  ocpi('capacityTariff', 'Tariff', 'elements/*/price_components/*/price', 'number', 'CSMS', { where: { type: 'ENERGY' }, d23: ['PriceComponent'], note: 'use type=ENERGY (D2.3 remark)' }),
  ocpi('siteEan', 'Session', 'meter_id', 'string', 'CSMS', { d23: ['Session::meter_id'] }),
  ocpi('siteEan', 'CDR', 'meter_id', 'string', 'CSMS', { d23: ['CDR::meter_id'] }),
  ocpi('bspId', 'Location', 'energy_mix/supplier_name', 'string', 'CSMS', { d23: ['Location::energy_mix::supplier_name'] }),
  ocpi('evseId', 'EVSE', 'uid', 'string', 'CSMS', { d23: ['EVSE::uid'] }),
  ocpi('evseId', 'EVSE', 'evse_id', 'string', 'CSMS', { d23: ['EVSE::evse_id'] }),
  ocpi('evseId', 'Session', 'evse_uid', 'string', 'CSMS'),
  ocpi('evseMaxChargePower', 'EVSE', 'connectors/*/max_electric_power', 'number', 'CSMS', { d23: ['EVSE::connectors::max_electric_power'] }),
  dim('evseActivePower', 'Session', 'POWER', 'kW', 'Session::charging_periods::dimensions::volume'),
  dim('evseActivePower', 'CDR', 'POWER', 'kW', 'CDR::charging_periods::dimensions::volume'),
  ocpi('sessionId', 'Session', 'id', 'string', 'CSMS', { d23: ['Session::id'], note: "the CPO's session id, not ISO 15118's SessionID" }),
  ocpi('sessionId', 'CDR', 'id', 'string', 'CSMS', { d23: ['CDR::id'] }),
  ocpi('compositeChargingSchedule', 'ActiveChargingProfileResult', 'profile', 'object', 'CSMS', { d23: ['ActiveChargingProfileResult::profile'] }),
  ocpi('compositeChargingSchedule', 'ActiveChargingProfile', 'charging_profile', 'object', 'CSMS'),
  ocpi('compositeChargingSchedule', 'SetChargingProfile', 'charging_profile', 'object', 'SCSP'),
  ocpi('chargedEnergy', 'Session', 'kwh', 'kWh', 'CSMS', { d23: ['Session::kwh'] }),
  ocpi('chargedEnergy', 'CDR', 'total_energy', 'kWh', 'CSMS', { d23: ['CDR::total_energy'] }),
  dim('chargedEnergy', 'Session', 'ENERGY_IMPORT', 'kWh', 'Session::charging_periods::dimensions::volume'),
  dim('chargedEnergy', 'CDR', 'ENERGY_IMPORT', 'kWh', 'CDR::charging_periods::dimensions::volume'),
  dim('dischargedEnergy', 'Session', 'ENERGY_EXPORT', 'kWh', 'Session::charging_periods::dimensions::volume'),
  dim('dischargedEnergy', 'CDR', 'ENERGY_EXPORT', 'kWh', 'CDR::charging_periods::dimensions::volume'),
  dim('evPresentSoc', 'Session', 'STATE_OF_CHARGE', 'number', undefined, 'CdrDimensionType STATE_OF_CHARGE (not in D2.3)'),
  ocpi('evTargetEnergyRequest', 'ChargingPreferences', 'energy_need', 'kWh', 'eMSP', { d23: ['ChargingPreferences::energy_need'] }),
  ocpi('userId', 'Session', 'cdr_token/uid', 'string', 'CSMS', { d23: ['Session::cdr_token::uid'] }),
  ocpi('userId', 'CDR', 'cdr_token/uid', 'string', 'CSMS', { d23: ['CDR::cdr_token::uid'] }),
  ocpi('userId', 'Session', 'cdr_token/contract_id', 'string', 'CSMS', { d23: ['Session::cdr_token::contract_id'] }),
  ocpi('userId', 'CDR', 'cdr_token/contract_id', 'string', 'CSMS', { d23: ['CDR::cdr_token::contract_id'] }),
  ocpi('userId', 'Token', 'uid', 'string', 'eMSP', { d23: ['Token::uid'] }),
  ocpi('userId', 'Token', 'contract_id', 'string', 'eMSP', { d23: ['Token::contract_id'] }),
  ocpi('departureTime', 'ChargingPreferences', 'departure_time', 'rfc3339', 'eMSP', { d23: ['ChargingPreferences::departure_time'] }),
  ocpi('dischargingAllowed', 'ChargingPreferences', 'discharge_allowed', 'boolean', 'eMSP', { d23: ['ChargingPreferences::discharge_allowed'] }),
];
