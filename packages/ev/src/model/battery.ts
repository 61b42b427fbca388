// The traction battery: stored energy, SoC, the window the BMS lets us use, and the pack
// voltage that a DC charger has to match.

export interface BatteryConfig {
  /** energy between SoC 0 % and 100 %, Wh (EVEnergyCapacity) */
  capacityWh: number;
  /** SoC at start, percent */
  soc: number;
  /** the BMS never goes below this SoC, percent. Default 0. */
  usableMinSoc?: number;
  /** the BMS never goes above this SoC, percent. Default 100. */
  usableMaxSoc?: number;
  /** pack voltage at SoC 0 %, V */
  minVoltageV: number;
  /** pack voltage at SoC 100 %, V */
  maxVoltageV: number;
  /**
   * Inlet → battery → inlet efficiency, 0..1 (D2.3 "round trip efficiency"). Split evenly
   * (√η each way) so that charging then discharging the same energy loses 1 − η. Default 1.
   */
  roundTripEfficiency?: number;
}

export class Battery {
  readonly capacityWh: number;
  readonly usableMinSoc: number;
  readonly usableMaxSoc: number;
  readonly minVoltageV: number;
  readonly maxVoltageV: number;
  readonly roundTripEfficiency: number;
  /** one-way efficiency, √(round trip) */
  readonly oneWayEfficiency: number;
  private storedWh: number;

  constructor(config: BatteryConfig) {
    const { capacityWh, soc, minVoltageV, maxVoltageV } = config;
    this.usableMinSoc = config.usableMinSoc ?? 0;
    this.usableMaxSoc = config.usableMaxSoc ?? 100;
    this.roundTripEfficiency = config.roundTripEfficiency ?? 1;
    if (!(capacityWh > 0) || !Number.isFinite(capacityWh)) throw new RangeError(`battery capacityWh must be > 0, got ${capacityWh}`);
    if (!(this.usableMinSoc >= 0 && this.usableMinSoc < this.usableMaxSoc && this.usableMaxSoc <= 100)) {
      throw new RangeError(`battery usable window must satisfy 0 ≤ min < max ≤ 100, got ${this.usableMinSoc}..${this.usableMaxSoc}`);
    }
    if (!(soc >= 0 && soc <= 100)) throw new RangeError(`battery soc must be within 0..100, got ${soc}`);
    if (!(minVoltageV > 0 && maxVoltageV >= minVoltageV)) throw new RangeError(`battery voltages must satisfy 0 < min ≤ max, got ${minVoltageV}..${maxVoltageV}`);
    if (!(this.roundTripEfficiency > 0 && this.roundTripEfficiency <= 1)) {
      throw new RangeError(`battery roundTripEfficiency must be within (0, 1], got ${this.roundTripEfficiency}`);
    }
    this.capacityWh = capacityWh;
    this.minVoltageV = minVoltageV;
    this.maxVoltageV = maxVoltageV;
    this.oneWayEfficiency = Math.sqrt(this.roundTripEfficiency);
    this.storedWh = socToEnergyWh(soc, capacityWh);
  }

  /** present SoC, percent */
  get soc(): number {
    return energyWhToSoc(this.storedWh, this.capacityWh);
  }

  /** energy in the battery, Wh */
  get energyWh(): number {
    return this.storedWh;
  }

  /** Pack voltage, linear in SoC between minVoltageV and maxVoltageV (good enough for a sim). */
  voltageAt(soc: number): number {
    const s = Math.min(100, Math.max(0, soc));
    return this.minVoltageV + ((this.maxVoltageV - this.minVoltageV) * s) / 100;
  }

  get voltageV(): number {
    return this.voltageAt(this.soc);
  }

  /**
   * Take up to `inletWh` from the inlet (≥ 0) without going above `ceilingSoc` (clamped to the
   * usable window); returns the inlet energy actually taken.
   */
  charge(inletWh: number, ceilingSoc = this.usableMaxSoc): number {
    if (!(inletWh > 0)) return 0;
    const ceilingWh = socToEnergyWh(Math.min(ceilingSoc, this.usableMaxSoc), this.capacityWh);
    const room = ceilingWh - this.storedWh;
    if (room <= 0) return 0;
    const stored = Math.min(inletWh * this.oneWayEfficiency, room);
    this.storedWh += stored;
    return stored / this.oneWayEfficiency;
  }

  /**
   * Deliver up to `outletWh` to the inlet (≥ 0) without going below `floorSoc` (clamped to the
   * usable window); returns the inlet energy actually delivered.
   */
  discharge(outletWh: number, floorSoc = this.usableMinSoc): number {
    if (!(outletWh > 0)) return 0;
    const floorWh = socToEnergyWh(Math.max(floorSoc, this.usableMinSoc), this.capacityWh);
    const available = this.storedWh - floorWh;
    if (available <= 0) return 0;
    const drawn = Math.min(outletWh / this.oneWayEfficiency, available);
    this.storedWh -= drawn;
    return drawn * this.oneWayEfficiency;
  }
}

/** SoC (percent) → energy (Wh) with the battery capacity (D2.3 §8.3.3: "need conversion with battery capacity"). */
export function socToEnergyWh(soc: number, capacityWh: number): number {
  return (soc / 100) * capacityWh;
}

/** Energy (Wh) → SoC (percent). */
export function energyWhToSoc(energyWh: number, capacityWh: number): number {
  return (energyWh / capacityWh) * 100;
}
