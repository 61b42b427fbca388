// The data objects of SCALE D2.3 §11.1 (data categories, with D2.2's labels) plus the ones the
// §8 gap tables add (session id, user id, site data). Each has one canonical unit: every carrier
// converts to it, so a value can be matched across hops whatever the protocol spelled it in.

export type DataCategory =
  | 'charge-parameters'
  | 'discharge-parameters'
  | 'mobility-needs'
  | 'discharging-enabling'
  | 'metering'
  | 'v2x-warranty'
  | 'evse-identification'
  | 'capacity-constraints'
  /** §8 rows outside the §11.1 categories: session and user identification, site data */
  | 'identification'
  | 'site';

/** Canonical units. 'schedule' is a list of periods, 'id' an identifier, 'time' an instant. */
export type CanonicalUnit = 'W' | 'Wh' | '%' | 'time' | 'bool' | 'id' | 'schedule' | 'price' | 'curve' | 'location' | 's';

/** Who produces a data object first (D2.3 §11: the data source). */
export type DataSource = 'EV' | 'EVSE' | 'CSMS' | 'SCSP' | 'eMSP' | 'driver' | 'site';

export interface DataObject {
  id: DataObjectId;
  category: DataCategory;
  /** the label D2.3 uses (§11.1 list or §8 table row) */
  label: string;
  unit: CanonicalUnit;
  source: DataSource;
  /** D2.3's definition where §11.1 gives one */
  definition?: string;
}

export const DATA_OBJECT_IDS = [
  // charge parameters
  'evseMaxChargePower',
  'evseActivePower',
  'evMaxChargePower',
  'evMinChargePower',
  'evMinEnergyRequest',
  'evTargetEnergyRequest',
  'evMaxEnergyRequest',
  'evPresentSoc',
  'compositeChargingSchedule',
  // discharge parameters
  'evMaxDischargePower',
  'evMinDischargePower',
  'roundTripEfficiency',
  // mobility needs
  'departureTime',
  'minSoc',
  'targetSoc',
  'maxSoc',
  'priorityCharging',
  'minGreenLevel',
  'tariffOverrule',
  // discharging enabling
  'dischargingCapable',
  'dischargingAllowed',
  // metering
  'chargedEnergy',
  'dischargedEnergy',
  // V2X warranty
  'v2xWarrantyConstraints',
  'v2xStateOfHealth',
  // EVSE identification
  'evseId',
  'siteEan',
  // capacity constraints
  'contractedPower',
  'capacityTariff',
  'capacityPeriod',
  // §8 rows outside §11.1
  'sessionId',
  'userId',
  'retailTariff',
  'gridConnectionCapacity',
  'activeGridPower',
  'location',
  'bspId',
  'gridCodes',
] as const;

export type DataObjectId = (typeof DATA_OBJECT_IDS)[number];

const o = (id: DataObjectId, category: DataCategory, label: string, unit: CanonicalUnit, source: DataSource, definition?: string): DataObject => ({
  id,
  category,
  label,
  unit,
  source,
  ...(definition ? { definition } : {}),
});

export const DATA_OBJECTS: Readonly<Record<DataObjectId, DataObject>> = {
  evseMaxChargePower: o('evseMaxChargePower', 'charge-parameters', 'EVSE maximum charging power', 'W', 'EVSE'),
  evseActivePower: o('evseActivePower', 'charge-parameters', 'EVSE Active Power', 'W', 'EVSE'),
  evMaxChargePower: o('evMaxChargePower', 'charge-parameters', 'EV maximum charging power', 'W', 'EV'),
  evMinChargePower: o('evMinChargePower', 'charge-parameters', 'EV minimum charging power', 'W', 'EV'),
  evMinEnergyRequest: o('evMinEnergyRequest', 'charge-parameters', 'EV minimum energy request', 'Wh', 'EV'),
  evTargetEnergyRequest: o('evTargetEnergyRequest', 'charge-parameters', 'EV target energy request', 'Wh', 'EV'),
  evMaxEnergyRequest: o('evMaxEnergyRequest', 'charge-parameters', 'EV maximum energy request', 'Wh', 'EV'),
  evPresentSoc: o('evPresentSoc', 'charge-parameters', 'EV present SoC', '%', 'EV'),
  compositeChargingSchedule: o(
    'compositeChargingSchedule',
    'charge-parameters',
    'Composite charging schedule',
    'schedule',
    'EVSE',
    'The resulting charging profile as computed by the charging station considering all received charging profiles and local grid limitations.',
  ),
  evMaxDischargePower: o('evMaxDischargePower', 'discharge-parameters', 'EV maximum discharge power', 'W', 'EV'),
  evMinDischargePower: o('evMinDischargePower', 'discharge-parameters', 'EV minimum discharge power', 'W', 'EV'),
  roundTripEfficiency: o('roundTripEfficiency', 'discharge-parameters', 'Round trip efficiency', '%', 'EV', 'Round trip efficiency of the onboard inverter for charging and discharging.'),
  departureTime: o('departureTime', 'mobility-needs', 'Departure Time', 'time', 'driver'),
  minSoc: o('minSoc', 'mobility-needs', 'Minimum SoC', '%', 'driver', 'The minimum state of charge to guarantee an available range for emergency leaves.'),
  targetSoc: o('targetSoc', 'mobility-needs', 'Target SoC', '%', 'driver', 'The state of charge that must be reached at the end of the charging session.'),
  maxSoc: o('maxSoc', 'mobility-needs', 'Maximum SoC', '%', 'EV', 'The state of charge that cannot be exceeded to avoid battery degradation.'),
  priorityCharging: o('priorityCharging', 'mobility-needs', 'Priority charging', 'bool', 'driver', 'Parameter to indicate whether the driver wants to charge as fast as possible for the active charging session.'),
  minGreenLevel: o('minGreenLevel', 'mobility-needs', 'Minimum Green Level', '%', 'driver', 'The minimum percentage of local green energy that the user wants for charging to take place at any point in time.'),
  tariffOverrule: o('tariffOverrule', 'mobility-needs', 'Tariff Overrule', 'bool', 'driver', 'Possibility to overrule the tariff calculation.'),
  dischargingCapable: o('dischargingCapable', 'discharging-enabling', 'Discharging capable', 'bool', 'EV'),
  dischargingAllowed: o('dischargingAllowed', 'discharging-enabling', 'Discharging allowed by user', 'bool', 'driver'),
  chargedEnergy: o('chargedEnergy', 'metering', 'Charged Energy', 'Wh', 'EVSE'),
  dischargedEnergy: o('dischargedEnergy', 'metering', 'Discharged Energy', 'Wh', 'EVSE'),
  v2xWarrantyConstraints: o('v2xWarrantyConstraints', 'v2x-warranty', 'V2X Warranty constraints', 'Wh', 'EV', 'Absolute discharging limitations overtime imposed by the OEM.'),
  v2xStateOfHealth: o('v2xStateOfHealth', 'v2x-warranty', 'V2X state of health', 'Wh', 'EV', 'The remaining budget from the V2X warranty constraints.'),
  evseId: o('evseId', 'evse-identification', 'EVSE ID', 'id', 'EVSE', 'The unique identifier of EVSE from the charging station.'),
  siteEan: o('siteEan', 'evse-identification', 'Site EAN', 'id', 'site', 'Unique identifier of the grid connection point.'),
  contractedPower: o('contractedPower', 'capacity-constraints', 'Contracted power', 'W', 'site', 'Yearly contracted capacity for the grid connection.'),
  capacityTariff: o('capacityTariff', 'capacity-constraints', 'Capacity Tariff', 'price', 'site', 'Tariff of capacity for the site.'),
  capacityPeriod: o('capacityPeriod', 'capacity-constraints', 'Capacity period', 's', 'site', 'Period over which the highest peak power is measured for capacity tariff billing purposes.'),
  sessionId: o('sessionId', 'identification', 'Session ID', 'id', 'EVSE'),
  userId: o('userId', 'identification', 'User ID', 'id', 'driver'),
  retailTariff: o('retailTariff', 'site', 'Consumption Retail Tariff', 'price', 'CSMS'),
  gridConnectionCapacity: o('gridConnectionCapacity', 'site', 'Grid connection capacity', 'W', 'site'),
  activeGridPower: o('activeGridPower', 'site', 'Active grid power', 'W', 'site'),
  location: o('location', 'site', 'Location', 'location', 'CSMS'),
  bspId: o('bspId', 'site', 'BSP ID (EAN)', 'id', 'site'),
  gridCodes: o('gridCodes', 'site', 'Grid Code Coordinates', 'curve', 'CSMS'),
};
