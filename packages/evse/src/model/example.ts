// A plausible charging station (150 kW DC, 22 kW three-phase AC, bidirectional: 50 kW DC and
// 11 kW AC back to the grid), for tests, demos and the CLI's defaults. A fresh object each call, so callers may change it.

import type { EvseModelConfig } from './evse-model.js';

export function exampleEvseConfig(): EvseModelConfig {
  return {
    meterId: 'V2XSIM-METER-1',
    ac: { nominalVoltageV: 230, phases: 3, maxCurrentA: 32, minCurrentA: 6, maxDischargePowerW: 11_000 },
    dc: {
      maxVoltageV: 920,
      minVoltageV: 150,
      maxCurrentA: 375,
      minCurrentA: 0,
      maxPowerW: 150_000,
      currentRegulationToleranceA: 5,
      peakCurrentRippleA: 2,
      maxDischargePowerW: 50_000,
      maxDischargeCurrentA: 125,
    },
    ramp: { powerUpWPerS: 25_000, powerDownWPerS: 50_000, voltageVPerS: 400 },
    isolation: { status: 'Valid', durationMs: 2000, testVoltageV: 500 },
  };
}
