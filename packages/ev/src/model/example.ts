// A plausible mid-size EV (60 kWh, 400 V class, 150 kW DC peak, 11 kW three-phase AC), for
// tests, demos and the CLI's defaults. A fresh object each call, so callers may change it.

import type { EvConfig } from './ev-model.js';

export function exampleEvConfig(): EvConfig {
  return {
    battery: { capacityWh: 60_000, soc: 20, minVoltageV: 320, maxVoltageV: 410 },
    chargingCurve: [
      { soc: 0, powerW: 150_000 },
      { soc: 50, powerW: 150_000 },
      { soc: 80, powerW: 60_000 },
      { soc: 100, powerW: 10_000 },
    ],
    dc: { maxVoltageV: 450, minVoltageV: 300, maxCurrentA: 400, maxPowerW: 150_000 },
    ac: { phases: 3, maxCurrentA: 16, minCurrentA: 6, maxVoltageV: 400, onBoardChargerMaxPowerW: 11_000 },
    needs: { minimumSoc: 30, targetSoc: 80, maximumSoc: 90 },
    bulkSoc: 80,
  };
}
