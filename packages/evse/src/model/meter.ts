// The EVSE's energy meter: import and export registers that only ever grow (MeterValues,
// MeteringReceipt and billing depend on that), read with a sim-time timestamp.

import type { Clock } from './clock.js';

export interface MeterReading {
  meterId: string;
  /** energy delivered to the EV since the meter's start, Wh */
  importedWh: number;
  /** energy taken back from the EV (V2G), Wh */
  exportedWh: number;
  /** sim time of the reading, ms since the epoch */
  timestamp: number;
}

/** ISO 15118-2 MeterInfoType (MeterID, MeterReading in whole Wh, TMeter in s since the epoch). */
export interface MeterInfo {
  MeterID: string;
  MeterReading: number;
  TMeter: number;
}

export class EnergyMeter {
  readonly meterId: string;
  private readonly clock: Clock;
  private imported: number;
  private exported: number;
  private lastTimestamp = -Infinity;

  constructor(meterId: string, clock: Clock, initial: { importedWh?: number; exportedWh?: number } = {}) {
    const importedWh = initial.importedWh ?? 0;
    const exportedWh = initial.exportedWh ?? 0;
    if (!(importedWh >= 0) || !(exportedWh >= 0)) throw new RangeError('meter registers start at ≥ 0 Wh');
    this.meterId = meterId;
    this.clock = clock;
    this.imported = importedWh;
    this.exported = exportedWh;
  }

  get importedWh(): number {
    return this.imported;
  }

  get exportedWh(): number {
    return this.exported;
  }

  /** Count energy through the meter: positive to the EV (import), negative from it (export). */
  addEnergy(wh: number): void {
    if (!Number.isFinite(wh)) throw new RangeError(`meter energy must be finite, got ${wh}`);
    if (wh > 0) this.imported += wh;
    else if (wh < 0) this.exported -= wh;
  }

  /** Count `powerW` held for `dtMs` of sim time. */
  addPower(powerW: number, dtMs: number): void {
    this.addEnergy((powerW * dtMs) / 3_600_000);
  }

  /** A timestamped reading. Timestamps never go back, even if the clock is swapped. */
  read(): MeterReading {
    this.lastTimestamp = Math.max(this.lastTimestamp, this.clock.now());
    return { meterId: this.meterId, importedWh: this.imported, exportedWh: this.exported, timestamp: this.lastTimestamp };
  }

  /** The reading as ISO 15118-2 carries it; whole Wh rounded down, so it never runs ahead. */
  meterInfo(): MeterInfo {
    const r = this.read();
    return { MeterID: r.meterId, MeterReading: Math.floor(r.importedWh), TMeter: Math.floor(r.timestamp / 1000) };
  }
}
