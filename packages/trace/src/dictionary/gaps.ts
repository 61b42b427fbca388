// Why a protocol cannot carry a data object: D2.3's gap analyses (§8.x.x.2, §9, §11.4), so a gap
// report states the reason, never just "missing".
import type { DictProtocol } from './carrier.js';
import type { DataObjectId } from './data-objects.js';

type Reasons = Partial<Record<DataObjectId, string>>;

const V2X: readonly DataObjectId[] = ['evMaxDischargePower', 'evMinDischargePower', 'roundTripEfficiency', 'dischargingCapable', 'dischargingAllowed', 'dischargedEnergy', 'v2xWarrantyConstraints', 'v2xStateOfHealth'];
const SITE: readonly DataObjectId[] = ['siteEan', 'contractedPower', 'capacityTariff', 'capacityPeriod', 'gridConnectionCapacity', 'activeGridPower', 'location', 'bspId', 'retailTariff'];
const EV_DATA: readonly DataObjectId[] = ['evMaxChargePower', 'evMinChargePower', 'evMinEnergyRequest', 'evMaxEnergyRequest', 'evMaxDischargePower', 'evMinDischargePower', 'roundTripEfficiency', 'dischargingCapable', 'v2xWarrantyConstraints', 'v2xStateOfHealth', 'minSoc', 'targetSoc', 'maxSoc'];

const all = (ids: readonly DataObjectId[], reason: string): Reasons => Object.fromEntries(ids.map((id) => [id, reason]));

export const D23_GAPS: Readonly<Record<DictProtocol, Reasons>> = {
  'iso15118-2': {
    ...all(V2X, 'no V2X parameters in ISO 15118-2; V2X came with ISO 15118-20 (D2.3 §8.2.1.2)'),
    evMinEnergyRequest: 'gap of D2.3 §8.2.1.2 (min/max energy request); the SCALE -2 variant adds EVMinEnergyRequest (§9.1)',
    evMaxEnergyRequest: 'gap of D2.3 §8.2.1.2 (min/max energy request); the SCALE -2 variant adds EVMaxEnergyRequest (§9.1)',
    minSoc: 'gap of D2.3 §8.2.1.2 (min/max SoC); the SCALE -2 variant adds EVMinSoc (§9.1)',
    targetSoc: 'ISO 15118-2 has an energy request, not a target SoC',
    evMinChargePower: 'ISO 15118-2 has a minimum current (AC EVMinCurrent), not a minimum power',
    ...all(SITE, 'site data: not on the EV–EVSE link'),
    priorityCharging: 'a driver choice made at the CSMS/eMSP, not on the EV–EVSE link',
    tariffOverrule: 'a driver choice made at the CSMS/eMSP, not on the EV–EVSE link',
    gridCodes: 'not in ISO 15118-2',
  },
  din70121: {
    ...all(V2X, 'DIN 70121 is DC charging only, without V2X'),
    ...all(SITE, 'site data: not on the EV–EVSE link'),
  },
  'iso15118-20': {
    gridCodes: 'grid codes are left to CharIN\'s work (D2.3 §9.2)',
    v2xStateOfHealth: 'gap of D2.3 §8.2.2.2; the SCALE -20 variant adds RemainingV2GEnergy (§9.2)',
    roundTripEfficiency: 'gap of D2.3 §8.2.2.2; the SCALE -20 variant adds RoundTripEfficiency (§9.2)',
    ...all(SITE, 'site data: not on the EV–EVSE link'),
    priorityCharging: 'a driver choice made at the CSMS/eMSP, not on the EV–EVSE link',
    tariffOverrule: 'a driver choice made at the CSMS/eMSP, not on the EV–EVSE link',
    userId: 'ISO 15118-20 identifies the contract in the PnC certificate chain, not as a field D2.3 maps',
  },
  'ocpp1.6': {
    ...all(V2X, 'no V2X parameters in OCPP 1.6 (D2.3 §8.3.1.2)'),
    ...all(['evMaxChargePower', 'evMinChargePower', 'evMinEnergyRequest', 'evTargetEnergyRequest', 'evMaxEnergyRequest', 'departureTime', 'minSoc', 'targetSoc', 'maxSoc'], 'restricted set of smart charging data in OCPP 1.6 (D2.3 §8.3.1.2)'),
    sessionId: 'OCPP 1.6 has its transactionId, no ISO 15118 SessionID',
  },
  'ocpp2.0.1': {
    ...all(V2X, 'no V2X parameters in OCPP 2.0.1; V2X came with OCPP 2.1 (D2.3 §8.3.2.2)'),
    evMinChargePower: 'gap of D2.3 §8.3.2.2 (EV minimum charge power); the SCALE customData adds evMinPower (§9.3)',
    evMinEnergyRequest: 'gap of D2.3 §8.3.2.2; the SCALE customData adds evMinEnergyAmount (§9.3)',
    evMaxEnergyRequest: 'gap of D2.3 §8.3.2.2; the SCALE customData adds evMaxEnergyAmount (§9.3)',
    minSoc: 'gap of D2.3 §8.3.2.2; the SCALE customData adds minSoC (§9.3)',
    targetSoc: 'gap of D2.3 §8.3.2.2; the SCALE customData adds targetSoC (§9.3)',
    priorityCharging: 'gap of D2.3 §8.3.2.2: priority charging came with OCPP 2.1',
    sessionId: 'gap of D2.3 §8.3.2.2: no ISO 15118 SessionID on the transaction; the SCALE customData adds it (§9.3)',
  },
  'ocpp2.1': {
    v2xStateOfHealth: 'gap of D2.3 §8.3.3.2; the SCALE customData adds v2xStateOfHealth (§9.4)',
    roundTripEfficiency: 'gap of D2.3 §8.3.3.2; the SCALE customData adds roundTripEfficiency (§9.4)',
    tariffOverrule: 'gap of D2.3 §8.3.3.2 (tariffs overrule capacity)',
    sessionId: 'gap of D2.3 §8.3.3.2: no ISO 15118 SessionID on the transaction; the SCALE customData adds it (§9.4)',
  },
  'ocpi2.2.1': {
    ...all(EV_DATA, 'OCPI 2.2.1 has no EV data; the SCSP infers EV constraints from the active charging profile (D2.3 §8.4.1.2, §11.4)'),
    dischargedEnergy: 'no V2X parameters in OCPI 2.2.1 beyond the ENERGY_EXPORT dimension (D2.3 §8.4.1.2)',
    gridCodes: 'local frequency and voltage are not in OCPI 2.2.1 (D2.3 §8.4.1.2)',
    capacityPeriod: 'capacity period and peak consumption come from the DSO, outside OCPI (D2.3 §9.5)',
    priorityCharging: 'OCPI 2.2.1 charging preferences have no priority flag',
  },
};

export function gapReason(object: DataObjectId, protocol: DictProtocol): string {
  return D23_GAPS[protocol][object] ?? `no field of ${protocol} carries it`;
}
