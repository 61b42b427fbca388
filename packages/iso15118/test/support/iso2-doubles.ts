// Small deterministic EV and EVSE behaviours for tests of the protocol shells (the physical
// models are tested on their own in packages/ev and packages/evse).
import type { iso2 } from '../../src/index.js';

export class TestEvse implements iso2.SeccEvse {
  readonly evseId = 'DE*V2X*E0001*1';
  paymentOptions: iso2.PaymentOption[] = ['ExternalPayment'];
  voltage = 0;
  current = 0;
  importedWh = 0;
  authPolls = 0;
  stopped?: string;
  salesTariff?: iso2.SeccEvse['salesTariff'];
  constructor(readonly energyTransferModes: iso2.EnergyTransferMode[]) {}
  authorization() {
    return ++this.authPolls < 3 ? ('Ongoing' as const) : ('Finished' as const);
  }
  schedule() {
    return [{ startS: 0, pMaxW: 50_000 }, { startS: 3600, pMaxW: 22_000 }];
  }
  acLimits() {
    return { nominalVoltage: 230, maxCurrent: 16 };
  }
  dcLimits() {
    return { maxVoltage: 500, minVoltage: 150, maxCurrent: 125, minCurrent: 0, maxPower: 50_000, peakCurrentRipple: 2 };
  }
  notification() {
    return 'None' as const;
  }
  cableCheck() {
    return 'Finished' as const;
  }
  preCharge(target: number) {
    this.voltage = Math.min(target, this.voltage + 200);
    return this.voltage;
  }
  powerDelivery() {
    return true;
  }
  currentDemand(d: Omit<iso2.DcDemand, 'raw'>) {
    this.voltage = d.targetVoltage;
    this.current = Math.min(d.targetCurrent, 50_000 / d.targetVoltage, 125);
    this.importedWh += (this.voltage * this.current * 10) / 3600; // one 10 s sim step per cycle
    return { presentVoltage: this.voltage, presentCurrent: this.current, currentLimitAchieved: false, voltageLimitAchieved: false, powerLimitAchieved: this.current < d.targetCurrent };
  }
  chargingStatus() {
    this.importedWh += (230 * 3 * 16 * 10) / 3600;
    return { maxCurrent: 16 };
  }
  weldingDetection() {
    return 0;
  }
  meter() {
    return { meterId: 'METER-1', readingWh: this.importedWh, timestamp: Date.now() };
  }
  sessionStopped(reason: string) {
    this.stopped = reason;
  }
}

export class TestEv implements iso2.EvccEv {
  readonly evccId = '0a0b0c0d0e0f';
  soc = 40;
  cycles = 0;
  pMax = Infinity;
  tariff?: iso2.EvccEv['tariff'];
  constructor(
    readonly energyTransferMode: iso2.EnergyTransferMode,
    private readonly stopAfterCycles = 5,
    private readonly stop: 'Terminate' | 'Pause' = 'Terminate',
  ) {}
  chargeParameters() {
    return { departureTimeS: 7200, energyRequestWh: 30_000, maxVoltage: 450, maxCurrent: 200, minCurrent: 6, maxPower: 100_000, energyCapacityWh: 60_000, soc: this.soc, fullSoc: 100, bulkSoc: 80 };
  }
  schedule(entries: { startS: number; pMaxW: number }[]) {
    this.pMax = entries[0]!.pMaxW;
  }
  preChargeTarget() {
    return { voltage: 400, current: 2 };
  }
  dcRequest() {
    return { targetVoltage: 400, targetCurrent: Math.min(200, this.pMax / 400), maxVoltage: 450, maxCurrent: 200, maxPower: 100_000, soc: this.soc, chargingComplete: this.cycles >= this.stopAfterCycles, bulkChargingComplete: false, remainingTimeToFullSocS: 3600 };
  }
  dcOutput(v: number, a: number) {
    this.cycles++;
    this.soc += (v * a * 10) / 3600 / 600; // 60 kWh: 600 Wh per %
  }
  acStatus() {
    this.cycles++;
    this.soc += (230 * 3 * 16 * 10) / 3600 / 600;
  }
  wantsToStop() {
    return this.cycles >= this.stopAfterCycles;
  }
  wantsRenegotiation() {
    return false;
  }
  stopMode() {
    return this.stop;
  }
}


/** An EVSE that takes its time: answers CurrentDemand after `delayMs` of busy work. */
export class SlowEvse extends TestEvse {
  constructor(
    modes: iso2.EnergyTransferMode[],
    private readonly delayMs: number,
  ) {
    super(modes);
  }
  override currentDemand(d: Omit<iso2.DcDemand, 'raw'>) {
    const until = performance.now() + this.delayMs;
    while (performance.now() < until) {
      /* a blocking EVSE, on purpose */
    }
    return super.currentDemand(d);
  }
}
