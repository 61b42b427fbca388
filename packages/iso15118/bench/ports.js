// EV and EVSE behaviours for the benchmark: the logic of the test doubles
// (packages/iso15118/test/support/iso2-doubles.ts), copied here because those live in a test
// folder, and trimmed so that they cost nothing: no Ongoing rounds, pre-charge reached at once,
// a few arithmetic operations per CurrentDemand. What is measured is the protocol stack.

/** The EVSE behind the SECC (iso2.SeccEvse & din.SeccEvse). */
export class BenchEvse {
  evseId = 'DE*V2X*E0001*1';
  energyTransferModes = ['DC_extended'];
  paymentOptions = ['ExternalPayment'];
  voltage = 0;
  current = 0;
  importedWh = 0;
  #limits = { maxVoltage: 500, minVoltage: 150, maxCurrent: 125, minCurrent: 0, maxPower: 50_000, peakCurrentRipple: 2 };
  #schedule = [
    { startS: 0, pMaxW: 50_000 },
    { startS: 3600, pMaxW: 22_000 },
  ];
  authorization() {
    return 'Finished';
  }
  schedule() {
    return this.#schedule;
  }
  acLimits() {
    return { nominalVoltage: 230, maxCurrent: 16 };
  }
  dcLimits() {
    return this.#limits;
  }
  notification() {
    return 'None';
  }
  cableCheck() {
    return 'Finished';
  }
  preCharge(target) {
    this.voltage = target;
    return this.voltage;
  }
  powerDelivery() {
    return true;
  }
  currentDemand(d) {
    this.voltage = d.targetVoltage;
    this.current = Math.min(d.targetCurrent, 50_000 / d.targetVoltage, 125);
    this.importedWh += (this.voltage * this.current * 0.1) / 3600; // one 100 ms step per cycle
    return { presentVoltage: this.voltage, presentCurrent: this.current, currentLimitAchieved: false, voltageLimitAchieved: false, powerLimitAchieved: this.current < d.targetCurrent };
  }
  chargingStatus() {
    return { maxCurrent: 16 };
  }
  weldingDetection() {
    return 0;
  }
  meter() {
    return { meterId: 'METER-1', readingWh: this.importedWh, timestamp: Date.now() };
  }
  sessionStopped() {}
}

/**
 * The EV behind the EVCC (iso2.EvccEv). It charges until `stopAfterCycles` CurrentDemand cycles
 * are done or `control.stop` is set, whichever comes first; `onCycle` is called after each one.
 */
export class BenchEv {
  evccId = '0a0b0c0d0e0f';
  energyTransferMode = 'DC_extended';
  soc = 40;
  cycles = 0;
  pMax = Infinity;
  #request;

  /**
   * @param {{ stop: boolean }} control
   * @param {number} stopAfterCycles
   * @param {() => void} [onCycle]
   */
  constructor(control, stopAfterCycles = Infinity, onCycle = undefined) {
    this.control = control;
    this.stopAfterCycles = stopAfterCycles;
    this.onCycle = onCycle;
    this.#request = { targetVoltage: 400, targetCurrent: 125, maxVoltage: 450, maxCurrent: 200, maxPower: 100_000, soc: this.soc, chargingComplete: false, bulkChargingComplete: false, remainingTimeToFullSocS: 3600 };
  }
  chargeParameters() {
    return { departureTimeS: 7200, energyRequestWh: 30_000, maxVoltage: 450, maxCurrent: 200, minCurrent: 6, maxPower: 100_000, energyCapacityWh: 60_000, soc: this.soc, fullSoc: 100, bulkSoc: 80 };
  }
  schedule(entries) {
    this.pMax = entries[0].pMaxW;
    this.#request.targetCurrent = Math.min(200, this.pMax / 400);
  }
  preChargeTarget() {
    return { voltage: 400, current: 2 };
  }
  dcRequest() {
    const r = this.#request;
    r.soc = this.soc;
    r.chargingComplete = this.wantsToStop();
    return r;
  }
  dcOutput(v, a) {
    this.cycles++;
    this.soc = Math.min(100, this.soc + (v * a * 0.1) / 3600 / 600); // 60 kWh: 600 Wh per %
    this.onCycle?.();
  }
  acStatus() {
    this.cycles++;
  }
  wantsToStop() {
    return this.control.stop || this.cycles >= this.stopAfterCycles;
  }
  wantsRenegotiation() {
    return false;
  }
  stopMode() {
    return 'Terminate';
  }
}
