// Where the runs may differ from D2.3 §8, and why: documented known differences. A difference
// the report finds that is not here fails `v2xsim gaps` (exit 1); one that is here is shown with
// its reason. Two sources: the data-object dictionary reads a field D2.3's table does not list
// (or D2.3 lists a field the dictionary cannot read), and the simulator does not exercise
// something a protocol could carry.
import type { dictionary } from '@v2xsim/trace';

type DataObjectId = dictionary.DataObjectId;
type DictProtocol = dictionary.DictProtocol;

/**
 * - `not-sent`: §8 says the link carries it and an end of the link had it, but no message did in the run
 * - `cannot`: §8 says the link carries it; the dictionary has no field for it there
 * - `carried`: a message carried it over a protocol §8 says cannot
 * - `origin`: carried over a link §8 says can carry it, though by §8 the sender could not have had it: it started mid-way
 */
export type DifferenceKind = 'not-sent' | 'cannot' | 'carried' | 'origin';

export interface KnownDifference {
  id: string;
  objects: readonly DataObjectId[];
  protocols: readonly DictProtocol[];
  kinds: readonly DifferenceKind[];
  /** only in runs with (true) or without (false) the SCALE extensions */
  scale?: boolean;
  energy?: 'AC' | 'DC';
  /** who differs: the dictionary (a reading of the schemas), the simulator (what it sends), or D2.3 itself */
  by: 'dictionary' | 'simulator' | 'D2.3';
  reason: string;
}

export interface DifferenceKey {
  object: DataObjectId;
  protocol: DictProtocol;
  kind: DifferenceKind;
  scale?: boolean;
  energy?: 'AC' | 'DC';
}

export const KNOWN_DIFFERENCES: readonly KnownDifference[] = [
  // the dictionary reads fields D2.3's tables do not list
  {
    id: 'ocpi-soc-dimension',
    objects: ['evPresentSoc'],
    protocols: ['ocpi2.2.1'],
    kinds: ['carried'],
    by: 'dictionary',
    reason: "OCPI 2.2.1 has a STATE_OF_CHARGE dimension (CdrDimensionType) for a Session's charging periods; D2.3 §8.4.1 maps no EV data to OCPI (a CPO may report the SoC, nothing makes it)",
  },
  {
    id: 'iso20-discharge-allowed-by-services',
    objects: ['dischargingAllowed'],
    protocols: ['iso15118-20'],
    kinds: ['carried'],
    by: 'D2.3',
    reason: 'D2.3 §8.2.2.2 lists the allowance to discharge as a gap, and §9.2 answers it without a field: the EV leaves the BPT services out of ServiceDiscoveryReq when the driver does not allow discharging. The dictionary reads the offered services that way',
  },
  {
    id: 'iso20-dc-active-power',
    objects: ['evseActivePower'],
    protocols: ['iso15118-20'],
    kinds: ['carried'],
    energy: 'DC',
    by: 'dictionary',
    reason: "D2.3 §8.2.2.2 lists the EVSE's active power in DC as a gap; the dictionary computes it as EVSEPresentVoltage × EVSEPresentCurrent of DC_ChargeLoopRes, as D2.3 itself does for ISO 15118-2 (§8.2.1.1)",
  },
  {
    id: 'ocpi-cpo-session-id',
    objects: ['sessionId'],
    protocols: ['ocpi2.2.1'],
    kinds: ['origin'],
    by: 'D2.3',
    reason: "D2.3 §8.4.1.1 maps the Session ID to OCPI Session::id, which is the CPO's own id for the session, not ISO 15118's SessionID: the CPO makes it up, so the SCSP has a session id whether or not the EV's reached the CSMS",
  },
  {
    id: 'ocpi-cpo-evse-rating',
    objects: ['evseMaxChargePower'],
    protocols: ['ocpi2.2.1'],
    kinds: ['origin'],
    by: 'D2.3',
    reason: "D2.3 §8.4.1.1 maps the EVSE's maximum power to OCPI Connector max_electric_power, part of the CPO's Location: the CPO's own record of its equipment (here the CSMS's configuration, `--evse-max-power`), so an eMSP that receives Locations has it whether or not the station reported it over OCPP",
  },
  {
    id: 'profiles-both-ways',
    objects: ['compositeChargingSchedule'],
    protocols: ['ocpp1.6', 'ocpp2.0.1', 'ocpp2.1', 'ocpi2.2.1'],
    kinds: ['carried'],
    by: 'dictionary',
    reason:
      "D2.3 maps the composite schedule over OCPP to SetChargingProfile (CSMS → station) and over OCPI to ActiveChargingProfileResult (CPO → SCSP) only; the dictionary also reads the station's composite schedule going up (GetCompositeScheduleResponse, 2.x NotifyEVChargingSchedule) and the profile the SCSP sends down (OCPI PUT /chargingprofiles)",
  },
  {
    id: 'iso2-ac-max-current',
    objects: ['evseMaxChargePower', 'evMaxChargePower'],
    protocols: ['iso15118-2'],
    kinds: ['carried'],
    energy: 'AC',
    by: 'dictionary',
    reason:
      "ISO 15118-2 AC has the EVSE's and the EV's maximum current per phase (EVSEMaxCurrent, EVMaxCurrent), which the dictionary reads as a power with the nominal voltage and the phases; D2.3 counts the EVSE's AC maximum power as a gap (§8.2.1.2) and adds the EV's in the SCALE extension (§9.1)",
  },
  {
    id: 'ocpp201-ac-max-current',
    objects: ['evMaxChargePower'],
    protocols: ['ocpp2.0.1'],
    kinds: ['carried'],
    energy: 'AC',
    by: 'dictionary',
    reason: "OCPP 2.0.1's AC charging parameters have the EV's maximum current per phase (evMaxCurrent), which the dictionary reads as a power with the nominal voltage and the phases; D2.3 §9.3 adds the EV's AC maximum power in the SCALE extension",
  },
  {
    id: 'ocpp21-requested-energy-transfer',
    objects: ['dischargingCapable'],
    protocols: ['ocpp2.1'],
    kinds: ['origin'],
    by: 'dictionary',
    reason:
      "D2.3 §8.3.3.1 maps 'discharging capable' to NotifyEVChargingNeeds' energy transfer mode, which the station always sends: behind ISO 15118-2 or DIN 70121 (no V2X parameters) it is the EV's charge-only mode, so the CSMS learns 'not discharging capable' from a station that got no V2X parameter",
  },
  {
    id: 'ocpp16-export-register',
    objects: ['dischargedEnergy'],
    protocols: ['ocpp1.6'],
    kinds: ['carried'],
    by: 'dictionary',
    reason: "OCPP 1.6's MeterValues measurand Energy.Active.Export.Register is an energy register towards the grid; D2.3 §8.3.1 lists only the import register (and no V2X parameters)",
  },
  {
    id: 'ocpp16-serial-number',
    objects: ['evseId'],
    protocols: ['ocpp1.6'],
    kinds: ['carried'],
    by: 'dictionary',
    reason: "OCPP 1.6 BootNotification.req has chargePointSerialNumber (the charge point's identity is the WebSocket URL); D2.3's 1.6 table has no EVSE ID row",
  },
  {
    id: 'ocpp16-id-tag',
    objects: ['userId'],
    protocols: ['ocpp1.6'],
    kinds: ['carried'],
    by: 'dictionary',
    reason: "OCPP 1.6 Authorize.req and StartTransaction.req carry the driver's idTag; D2.3's 1.6 table has no User ID row (its 2.0.1 table maps AuthorizeRequest::idToken)",
  },

  // D2.3's own mappings: the object starts somewhere else than D2.3 §11 says
  {
    id: 'emsp-energy-need',
    objects: ['evTargetEnergyRequest'],
    protocols: ['ocpi2.2.1'],
    kinds: ['origin'],
    by: 'D2.3',
    reason: "D2.3 §8.4.1.1 maps the EV's target energy request to ChargingPreferences.energy_need, which the eMSP sends from the driver's own need: over OCPI the energy request starts at the eMSP, not at the EV",
  },
  {
    id: 'fsp-profiles',
    objects: ['compositeChargingSchedule'],
    protocols: ['ocpp1.6', 'ocpp2.0.1', 'ocpp2.1', 'ocpi2.2.1'],
    kinds: ['origin'],
    by: 'D2.3',
    reason:
      "D2.3 §11.1 defines the composite schedule as the one the charging station computes, yet maps it to SetChargingProfile, which the CSMS sends (§8.3), and to the CPO's ActiveChargingProfileResult (§8.4.1.1): those profiles start at the FSP (here the SCSP, through the CSMS), not at the station",
  },
  {
    id: 'cpo-evse-uid',
    objects: ['evseId'],
    protocols: ['ocpi2.2.1'],
    kinds: ['origin'],
    by: 'D2.3',
    reason: "the CPO names its EVSEs itself (OCPI EVSE uid, Session.evse_uid; D2.3 §8.4.1.1): it has an EVSE id whether or not OCPP brought the station's (D2.3's OCPP 1.6 table has none)",
  },
  {
    id: 'ocpp201-export-register',
    objects: ['dischargedEnergy'],
    protocols: ['ocpi2.2.1'],
    kinds: ['origin'],
    by: 'D2.3',
    reason:
      "the stations' OCPP 2.0.1 meter values carry the Energy.Active.Export.Register measurand, which OCPP 2.0.1 has but D2.3 §8.3.2 does not list (no V2X in 2.0.1), so the report does not count it as reaching the CSMS; the CPO passes it on as the OCPI ENERGY_EXPORT dimension",
  },
  {
    id: 'ocpp21-soc-from-energy',
    objects: ['minSoc', 'targetSoc', 'maxSoc'],
    protocols: ['ocpp2.1'],
    kinds: ['origin'],
    by: 'D2.3',
    reason:
      'D2.3 §8.3.3.1 maps the minimum, target and maximum SoC to the energy requests of V2XChargingParameters ("Need conversion with battery capacity"): the station sends them from the EV\'s energy requests, so a SoC reaches the CSMS even when the EV sent none',
  },
  {
    id: 'iso2-dc-only-fields',
    objects: ['evseActivePower', 'evPresentSoc'],
    protocols: ['iso15118-2'],
    kinds: ['not-sent', 'cannot'],
    energy: 'AC',
    by: 'D2.3',
    reason: "D2.3 §8.2.1.1 maps the EVSE's active power to CurrentDemandRes's voltage and current, and the present SoC to CableCheckReq's DC_EVStatus: DC messages; an ISO 15118-2 AC session has neither",
  },
  {
    id: 'ocpp201-full-soc-dc-only',
    objects: ['maxSoc'],
    protocols: ['ocpp2.0.1'],
    kinds: ['not-sent', 'cannot'],
    energy: 'AC',
    by: 'D2.3',
    reason: "D2.3 §8.3.2.1 maps the maximum SoC to fullSoC of NotifyEVChargingNeeds' DCChargingParameters; the AC parameters have none, and §9.3's extension adds none",
  },
  {
    id: 'eim-id-at-station',
    objects: ['userId'],
    protocols: ['ocpp2.0.1', 'ocpp2.1'],
    kinds: ['origin'],
    by: 'D2.3',
    reason:
      "with external identification (EIM) the driver identifies at the station (D2.3 §11.2: \"another way to identify the user shall be used\"): the id token starts at the EVSE, where D2.3 §11 does not have the driver's data start",
  },

  // what the simulated actors (or the matrix's scenarios) do not send
  {
    id: 'eim-no-emaid',
    objects: ['userId'],
    protocols: ['iso15118-2'],
    kinds: ['not-sent'],
    by: 'simulator',
    reason: 'the matrix runs EIM (identification at the station): ISO 15118-2 has the eMAID in PaymentDetailsReq with Plug & Charge only (D2.3 §8.2.1.1: "Only available with PnC")',
  },
  {
    id: 'iso20-dynamic-mode',
    objects: ['compositeChargingSchedule', 'minGreenLevel'],
    protocols: ['iso15118-20'],
    kinds: ['not-sent'],
    by: 'simulator',
    reason:
      "the matrix runs ISO 15118-20 in the Dynamic control mode, which carries the V2X energy requests D2.3 §8.2.2.1 maps; the ScheduleTuple (the composite schedule) and the EV's price schedule (EVEnergyOffer, where D2.3 finds the minimum green level) are in the Scheduled mode only",
  },
  {
    id: 'iso20-no-meter-info',
    objects: ['chargedEnergy', 'dischargedEnergy'],
    protocols: ['iso15118-20'],
    kinds: ['not-sent'],
    by: 'simulator',
    reason: "in the simulated ISO 15118-20 sessions the EV never sets MeterInfoRequested and no MeteringConfirmation is exchanged: the EVSE's meter readings go to the CSMS (OCPP), not to the EV",
  },
  {
    id: 'ev-no-maximum-soc-20',
    objects: ['maxSoc'],
    protocols: ['iso15118-20'],
    kinds: ['not-sent'],
    by: 'simulator',
    reason: "the simulated EV's ISO 15118-20 DisplayParameters carry PresentSOC, MinimumSOC and TargetSOC, not MaximumSOC",
  },
  {
    id: 'station-iso20-ac-ocpp201-needs',
    objects: ['evMaxChargePower', 'evMinChargePower', 'evTargetEnergyRequest', 'evMinEnergyRequest', 'evMaxEnergyRequest', 'minSoc', 'targetSoc', 'maxSoc', 'evPresentSoc'],
    protocols: ['ocpp2.0.1'],
    kinds: ['not-sent'],
    energy: 'AC',
    by: 'simulator',
    reason:
      "behind an ISO 15118-20 AC session the simulated station sends OCPP 2.0.1 NotifyEVChargingNeeds without acChargingParameters (where the energy amount and the SCALE customData go): the EV gave powers, the 2.0.1 AC parameters want currents",
  },
  {
    id: 'csms-no-get-variables',
    objects: ['evseId', 'evseMaxChargePower'],
    protocols: ['ocpp2.0.1', 'ocpp2.1'],
    kinds: ['not-sent'],
    by: 'simulator',
    reason:
      "D2.3 maps the EVSE ID and the station's maximum power to GetVariablesResponse (SecurityCtrlr.Identity, ChargingStation.Power MaxLimit): the simulated CSMS reads variables only when asked on its control API (get-variables), which the matrix's scenarios do not do",
  },
  {
    id: 'csms-no-allowed-energy-transfer',
    objects: ['dischargingAllowed'],
    protocols: ['ocpp2.1'],
    kinds: ['not-sent'],
    by: 'simulator',
    reason: 'the simulated CSMS puts allowedEnergyTransfer in its AuthorizeResponse only for id tokens configured with it (its control API), not for the tokens it accepts by default as in these runs',
  },
  {
    id: 'csms-no-grid-codes',
    objects: ['gridCodes'],
    protocols: ['ocpp2.1'],
    kinds: ['not-sent'],
    by: 'simulator',
    reason: "the simulated CSMS's charging profiles have no V2X frequency-watt or signal-watt curves (grid codes)",
  },
  {
    id: 'cpo-publishes-no-site-data',
    objects: ['bspId', 'capacityTariff', 'contractedPower', 'gridConnectionCapacity', 'location', 'retailTariff', 'siteEan', 'evseMaxChargePower'],
    protocols: ['ocpi2.2.1'],
    kinds: ['not-sent'],
    by: 'simulator',
    reason:
      "the simulated CPO serves its Locations (with their EVSEs) and Tariffs to be pulled, and pushes Locations only to parties with a locations receiver; the SCSP neither pulls nor receives them (it takes the site's capacity and the prices from its own configuration, docs/scsp.md). The CPO's Sessions have no meter_id (site EAN) and its Locations no energy_mix supplier (BSP)",
  },
];

export function findKnownDifference(k: DifferenceKey): KnownDifference | undefined {
  return KNOWN_DIFFERENCES.find(
    (x) =>
      x.objects.includes(k.object) &&
      x.protocols.includes(k.protocol) &&
      x.kinds.includes(k.kind) &&
      (x.scale === undefined || x.scale === k.scale) &&
      (x.energy === undefined || x.energy === k.energy),
  );
}
