// MeterValue / SampledValue payloads (2.x MeterValueType; 1.6 MeterValue with string values) from
// an EVSE's meter sample, the EV's needs and the offered power, for the configured measurands.
// Registers in Wh, powers in W, SoC in Percent ([P2-21] J01, 1.6 §7.31).
import type { EvChargingNeeds, EvseMeterSample } from './ports.js';

export type ReadingContext = 'Transaction.Begin' | 'Sample.Periodic' | 'Sample.Clock' | 'Transaction.End' | 'Trigger' | 'Other';

export interface SampleInput {
  sample: EvseMeterSample;
  measurands: readonly string[];
  context: ReadingContext;
  /** epoch ms */
  timestamp: number;
  needs?: EvChargingNeeds;
  /** Power.Offered: what the EVSE offers now, W */
  offeredW?: number;
}

interface Reading {
  measurand: string;
  value: number;
  unit: 'Wh' | 'W' | 'Percent';
  location: 'Outlet' | 'EV';
}

/** The measurands that have a value now, in the order asked; the import register when none has. */
export function readings(input: SampleInput): Reading[] {
  const { sample, needs } = input;
  const power = sample.powerW;
  const value = (m: string): Omit<Reading, 'measurand'> | undefined => {
    switch (m) {
      case 'Energy.Active.Import.Register':
        return { value: sample.importedWh, unit: 'Wh', location: 'Outlet' };
      case 'Energy.Active.Export.Register':
        return { value: sample.exportedWh, unit: 'Wh', location: 'Outlet' };
      case 'Power.Active.Import':
        return power === undefined ? undefined : { value: Math.max(0, power), unit: 'W', location: 'Outlet' };
      case 'Power.Active.Export':
        return power === undefined ? undefined : { value: Math.max(0, -power), unit: 'W', location: 'Outlet' };
      case 'Power.Offered':
        return input.offeredW === undefined ? undefined : { value: input.offeredW, unit: 'W', location: 'Outlet' };
      case 'SoC':
        return sample.soc === undefined ? undefined : { value: sample.soc, unit: 'Percent', location: 'EV' };
      case 'EnergyRequest.Target':
        return needs?.energyAmountWh === undefined ? undefined : { value: needs.energyAmountWh, unit: 'Wh', location: 'EV' };
      case 'EnergyRequest.Minimum':
        return needs?.minEnergyWh === undefined ? undefined : { value: needs.minEnergyWh, unit: 'Wh', location: 'EV' };
      case 'EnergyRequest.Maximum':
        return needs?.maxEnergyWh === undefined ? undefined : { value: needs.maxEnergyWh, unit: 'Wh', location: 'EV' };
      case 'EnergyRequest.Minimum.V2X':
        return needs?.minV2XEnergyWh === undefined ? undefined : { value: needs.minV2XEnergyWh, unit: 'Wh', location: 'EV' };
      case 'EnergyRequest.Maximum.V2X':
        return needs?.maxV2XEnergyWh === undefined ? undefined : { value: needs.maxV2XEnergyWh, unit: 'Wh', location: 'EV' };
      default:
        return undefined;
    }
  };
  const out: Reading[] = [];
  for (const m of input.measurands) {
    const v = value(m);
    if (v && Number.isFinite(v.value)) out.push({ measurand: m, ...v, value: round(v.value) });
  }
  if (out.length === 0) out.push({ measurand: 'Energy.Active.Import.Register', value: round(sample.importedWh), unit: 'Wh', location: 'Outlet' });
  return out;
}

/** At most 3 decimals: enough for Wh and W, and no float noise on the wire. */
const round = (v: number): number => Math.round(v * 1000) / 1000;

export interface MeterValue2 {
  timestamp: string;
  sampledValue: { value: number; measurand: string; context: ReadingContext; location: 'Outlet' | 'EV'; unitOfMeasure: { unit: string } }[];
}

export function meterValue2(input: SampleInput): MeterValue2 {
  return {
    timestamp: new Date(input.timestamp).toISOString(),
    sampledValue: readings(input).map((r) => ({ value: r.value, measurand: r.measurand, context: input.context, location: r.location, unitOfMeasure: { unit: r.unit } })),
  };
}

export interface MeterValue16 {
  timestamp: string;
  sampledValue: { value: string; measurand: string; context: ReadingContext; format: 'Raw'; location: 'Outlet' | 'EV'; unit: string }[];
}

export function meterValue16(input: SampleInput): MeterValue16 {
  return {
    timestamp: new Date(input.timestamp).toISOString(),
    sampledValue: readings(input)
      // 1.6 MeasurandEnumType has no EnergyRequest.*
      .filter((r) => !r.measurand.startsWith('EnergyRequest.'))
      .map((r) => ({ value: String(r.value), measurand: r.measurand, context: input.context, format: 'Raw', location: r.location, unit: r.unit })),
  };
}
