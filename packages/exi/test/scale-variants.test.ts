// The SCALE D2.3 variants: separate codecs whose extra fields round-trip, that a standard codec
// refuses, and that leave every other message identical on the wire.
import { describe, expect, it } from 'vitest';
import { codecInfo, getCodec, getTypedCodec, type Iso2Scale, type Iso20DcScale } from '../src/index.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const pv = (Value: number, Unit: Iso2Scale.PhysicalValueType['Unit'], Multiplier = 0): Iso2Scale.PhysicalValueType => ({ Multiplier, Unit, Value });
const rn = (Value: number, Exponent = 0) => ({ Exponent, Value });

describe('ISO 15118-2 SCALE variant (D2.3 §9.1)', () => {
  const acParameter: Iso2Scale.AC_EVChargeParameterType = {
    DepartureTime: 7200,
    EAmount: pv(30, 'Wh', 3),
    EVMaxVoltage: pv(400, 'V'),
    EVMaxCurrent: pv(32, 'A'),
    EVMaxPower: pv(22, 'W', 3),
    EVMinCurrent: pv(6, 'A'),
    EVMaxEnergyRequest: pv(40, 'Wh', 3),
    EVMinEnergyRequest: pv(10, 'Wh', 3),
    EVMaxSoc: 90,
    EVMinSoc: 20,
  };
  const req: Iso2Scale.Iso2ScaleDocument = {
    V2G_Message: {
      Header: { SessionID: '0102030405060708' },
      Body: { ChargeParameterDiscoveryReq: { RequestedEnergyTransferMode: 'AC_three_phase_core', AC_EVChargeParameter: acParameter } },
    },
  };

  it('carries EV max power, min/max energy request and min/max SoC in AC ChargeParameterDiscoveryReq', () => {
    const c = getTypedCodec('iso2-scale');
    const back: Iso2Scale.Iso2ScaleDocument = c.decode(c.encode(req));
    expect(back).toEqual(req);
    expect(codecInfo('iso2-scale')?.protocolNamespace).toBe('urn:scale:15118:2:2013:MsgDef');
  });

  it('the standard codec refuses the SCALE fields', () => {
    expect(() => getCodec('iso2').encode(req)).toThrow(/INVALID_CONTENT/);
  });

  it('a standard message without the new fields is the same on the wire as in the standard codec', () => {
    const { EVMaxPower: _p, EVMaxEnergyRequest: _a, EVMinEnergyRequest: _b, EVMaxSoc: _c, EVMinSoc: _d, ...standard } = acParameter;
    const msg = { V2G_Message: { ...req.V2G_Message, Body: { ChargeParameterDiscoveryReq: { RequestedEnergyTransferMode: 'AC_three_phase_core', AC_EVChargeParameter: standard } } } };
    // the optional SCALE fields widen the event codes after them, so the bytes differ; both decode
    const scaleBytes = getCodec('iso2-scale').encode(msg);
    expect(getCodec('iso2-scale').decode(scaleBytes)).toEqual(msg);
    expect(getCodec('iso2').decode(getCodec('iso2').encode(msg))).toEqual(msg);
    const other = { V2G_Message: { Header: { SessionID: '0102030405060708' }, Body: { SessionStopReq: { ChargingSession: 'Terminate' } } } };
    expect(hex(getCodec('iso2-scale').encode(other))).toBe(hex(getCodec('iso2').encode(other)));
  });

  it('SoC limits are percentages: 7-bit values (0..100 by the schema)', () => {
    const c = getCodec('iso2-scale');
    const soc = c.tables.types.find((g) => g.name === 'AC_EVChargeParameterType')!;
    const maxSoc = c.tables.types[soc.elems.find((e) => e.key === 'EVMaxSoc')!.type]!.content;
    expect(maxSoc).toEqual({ t: 'nbit', n: 7, min: 0, max: 100 });
    const bad = structuredClone(req) as { V2G_Message: { Body: { ChargeParameterDiscoveryReq: { AC_EVChargeParameter: { EVMaxSoc: number } } } } };
    bad.V2G_Message.Body.ChargeParameterDiscoveryReq.AC_EVChargeParameter.EVMaxSoc = 128;
    expect(() => c.encode(bad)).toThrow(/INVALID_VALUE/);
  });
});

describe('ISO 15118-20 SCALE variants (D2.3 §9.2)', () => {
  const bpt: Iso20DcScale.BPT_DC_CPDReqEnergyTransferModeType = {
    EVMaximumChargePower: rn(50, 3),
    EVMinimumChargePower: rn(0),
    EVMaximumChargeCurrent: rn(125),
    EVMinimumChargeCurrent: rn(0),
    EVMaximumVoltage: rn(450),
    EVMinimumVoltage: rn(250),
    TargetSOC: 80,
    EVMaximumDischargePower: rn(11, 3),
    EVMinimumDischargePower: rn(0),
    EVMaximumDischargeCurrent: rn(30),
    EVMinimumDischargeCurrent: rn(0),
    RemainingV2GEnergy: rn(12000, 3),
    RoundTripEfficiency: rn(88, -2),
  };
  const req = { DC_ChargeParameterDiscoveryReq: { Header: { SessionID: '0102030405060708', TimeStamp: 1732406400 }, BPT_DC_CPDReqEnergyTransferMode: bpt } };

  it('carries RemainingV2GEnergy and RoundTripEfficiency in the BPT DC ChargeParameterDiscoveryReq', () => {
    const c = getCodec('iso20-dc-scale');
    expect(c.decode(c.encode(req))).toEqual(req);
    expect(() => getCodec('iso20-dc').encode(req)).toThrow(/RemainingV2GEnergy/);
  });

  it('the same in AC', () => {
    const c = getCodec('iso20-ac-scale');
    const ac = {
      AC_ChargeParameterDiscoveryReq: {
        Header: { SessionID: '0102030405060708', TimeStamp: 1732406400 },
        BPT_AC_CPDReqEnergyTransferMode: {
          EVMaximumChargePower: rn(11, 3),
          EVMinimumChargePower: rn(1, 3),
          EVMaximumDischargePower: rn(11, 3),
          EVMinimumDischargePower: rn(1, 3),
          RemainingV2GEnergy: rn(8000, 3),
          RoundTripEfficiency: rn(9, -1),
        },
      },
    };
    expect(c.decode(c.encode(ac))).toEqual(ac);
    expect(() => getCodec('iso20-ac').encode(ac)).toThrow(/INVALID_CONTENT/);
  });
});
