// The SCALE D2.3 protocol extensions as overlays on the standard ISO 15118 schemas. See docs/scale-variants.md.
import type { SchemaOverlay } from './types.js';

// Standard namespaces. The overlays never introduce a new element or type namespace: every added
// element takes the target namespace of the type it is inserted into, and every type it uses is
// an existing standard type. Only the SupportedAppProtocol ProtocolNamespace marks the variant.
const ISO2_DATATYPES = 'urn:iso:15118:2:2013:MsgDataTypes';
const ISO20_COMMON_TYPES = 'urn:iso:std:iso:15118:-20:CommonTypes';
const ISO20_AC = 'urn:iso:std:iso:15118:-20:AC';
const ISO20_DC = 'urn:iso:std:iso:15118:-20:DC';

export const iso2Scale: SchemaOverlay = {
  id: 'iso2-scale',
  base: 'iso2',
  protocolNamespace: 'urn:scale:15118:2:2013:MsgDef',
  edits: [
    {
      kind: 'insertElements',
      // standard sequence: EAmount, EVMaxVoltage, EVMaxCurrent, EVMinCurrent
      complexType: { ns: ISO2_DATATYPES, name: 'AC_EVChargeParameterType' },
      after: 'EVMaxCurrent',
      elements: [
        { name: 'EVMaxPower', type: { ns: ISO2_DATATYPES, name: 'PhysicalValueType' }, minOccurs: 0 },
      ],
      source: 'D2.3 §9.1 + §13.1: EV max charging power in AC ChargeParameterDiscoveryReq, at the appendix position (before EVMinCurrent)',
    },
    {
      kind: 'insertElements',
      complexType: { ns: ISO2_DATATYPES, name: 'AC_EVChargeParameterType' },
      after: 'EVMinCurrent',
      elements: [
        { name: 'EVMaxEnergyRequest', type: { ns: ISO2_DATATYPES, name: 'PhysicalValueType' }, minOccurs: 0 },
        { name: 'EVMinEnergyRequest', type: { ns: ISO2_DATATYPES, name: 'PhysicalValueType' }, minOccurs: 0 },
        // appendix says PhysicalValueType, but -2 unitSymbolType has no '%': use the standard SOC type
        { name: 'EVMaxSoc', type: { ns: ISO2_DATATYPES, name: 'percentValueType' }, minOccurs: 0 },
        { name: 'EVMinSoc', type: { ns: ISO2_DATATYPES, name: 'percentValueType' }, minOccurs: 0 },
      ],
      source: 'D2.3 §9.1 + §13.1: max/min energy request and corresponding max/min SoC in AC ChargeParameterDiscoveryReq (EVMinCurrent already standard, not re-added)',
    },
    {
      kind: 'insertElements',
      // standard sequence: DC_EVStatus, EVMaximumCurrentLimit, EVMaximumPowerLimit?, EVMaximumVoltageLimit,
      //                    EVEnergyCapacity?, EVEnergyRequest?, FullSOC?, BulkSOC?
      complexType: { ns: ISO2_DATATYPES, name: 'DC_EVChargeParameterType' },
      after: 'EVEnergyRequest',
      elements: [
        { name: 'EVMaxEnergyRequest', type: { ns: ISO2_DATATYPES, name: 'PhysicalValueType' }, minOccurs: 0 },
        { name: 'EVMinEnergyRequest', type: { ns: ISO2_DATATYPES, name: 'PhysicalValueType' }, minOccurs: 0 },
        { name: 'EVMaxSoc', type: { ns: ISO2_DATATYPES, name: 'percentValueType' }, minOccurs: 0 },
        { name: 'EVMinSoc', type: { ns: ISO2_DATATYPES, name: 'percentValueType' }, minOccurs: 0 },
      ],
      source: 'D2.3 §9.1 ("shall be added in both cases"): same four fields in DC; §13.1 DC listing is cut after EVMinEnergyRequest, SoC pair placed as in AC',
    },
  ],
};

export const iso20AcScale: SchemaOverlay = {
  id: 'iso20-ac-scale',
  base: 'iso20-ac',
  protocolNamespace: 'urn:scale:iso:std:iso:15118:-20:AC',
  edits: [
    {
      kind: 'insertElements',
      // standard own sequence: EVMaximumDischargePower, _L2?, _L3?, EVMinimumDischargePower, _L2?, _L3?
      complexType: { ns: ISO20_AC, name: 'BPT_AC_CPDReqEnergyTransferModeType' },
      after: 'EVMinimumDischargePower_L3',
      elements: [
        { name: 'RemainingV2GEnergy', type: { ns: ISO20_COMMON_TYPES, name: 'RationalNumberType' }, minOccurs: 0 },
        { name: 'RoundTripEfficiency', type: { ns: ISO20_COMMON_TYPES, name: 'RationalNumberType' }, minOccurs: 0 },
      ],
      source: 'D2.3 §9.2 + §13.2: V2X state of health (remaining V2X warranty energy) and round-trip efficiency in BPT AC_ChargeParameterDiscoveryReq',
    },
    // D2.3 §9.2 "EVSE present active power in AC_ChargeLoopRes": deliberately no edit. The standard
    // AC_ChargeLoopRes already carries EVSEPresentActivePower (+_L2/_L3, optional) in every AC
    // CLResControlMode (Scheduled_/Dynamic_AC_CLResControlModeType and their BPT_ extensions), and §9
    // adds fields only where they are absent. See docs/scale-variants.md, "EVSE present active power".
  ],
};

export const iso20DcScale: SchemaOverlay = {
  id: 'iso20-dc-scale',
  base: 'iso20-dc',
  protocolNamespace: 'urn:scale:iso:std:iso:15118:-20:DC',
  edits: [
    {
      kind: 'insertElements',
      // standard own sequence: EVMaximumDischargePower, EVMinimumDischargePower,
      //                        EVMaximumDischargeCurrent, EVMinimumDischargeCurrent
      complexType: { ns: ISO20_DC, name: 'BPT_DC_CPDReqEnergyTransferModeType' },
      after: 'EVMinimumDischargeCurrent',
      elements: [
        { name: 'RemainingV2GEnergy', type: { ns: ISO20_COMMON_TYPES, name: 'RationalNumberType' }, minOccurs: 0 },
        { name: 'RoundTripEfficiency', type: { ns: ISO20_COMMON_TYPES, name: 'RationalNumberType' }, minOccurs: 0 },
      ],
      source: 'D2.3 §9.2: same two fields in DC_ChargeParameterDiscoveryReq (Req type, not the BPT_DC_CPDResEnergyTransferModeType of the cut §13.2 listing)',
    },
  ],
};

export const scaleOverlays = [iso2Scale, iso20AcScale, iso20DcScale] as const;
