// ISO 15118-20 EV and EVSE behaviours for the benchmark (iso20.SeccEvse20, iso20.EvccEv20): DC_BPT,
// trimmed so that they cost nothing (no Ongoing rounds, pre-charge reached at once, a few
// arithmetic operations per DC_ChargeLoop): what is measured is the protocol stack over TLS 1.3.

/** The EVSE behind the -20 SECC: DC and DC_BPT, both control modes, EIM. */
export class BenchEvse20 {
  evseId = 'DE*V2X*E0001*1';
  services = ['DC', 'DC_BPT'];
  controlModes = ['Scheduled', 'Dynamic'];
  voltage = 0;
  importedWh = 0;
  exportedWh = 0;
  authorize() {
    return 'Accepted';
  }
  acLimits() {
    return { nominalVoltage: 230, nominalFrequency: 50, maxChargePower: 11_000 };
  }
  dcLimits() {
    return { maxVoltage: 500, minVoltage: 150, maxCurrent: 125, minCurrent: 0, maxPower: 50_000, maxDischargePower: 25_000, minDischargePower: 0, maxDischargeCurrent: 60, minDischargeCurrent: 0 };
  }
  scheduleExchange(r) {
    if (r.controlMode === 'Dynamic') return { controlMode: 'Dynamic' };
    return { controlMode: 'Scheduled', tuples: [{ id: 1, charging: { entries: [{ durationS: 86_400, powerW: 50_000 }] }, discharging: { entries: [{ durationS: 86_400, powerW: -25_000 }] } }] };
  }
  cableCheck() {
    return 'Finished';
  }
  preCharge(target) {
    this.voltage = target;
    return target;
  }
  powerDelivery() {
    return true;
  }
  dcChargeLoop(d) {
    const v = d.targetVoltage ?? d.presentVoltage;
    const i = Math.max(-60, Math.min(d.targetCurrent ?? 100, 125));
    const wh = (v * i * 0.1) / 3600; // one 100 ms step per cycle
    if (wh >= 0) this.importedWh += wh;
    else this.exportedWh -= wh;
    return { presentVoltage: v, presentCurrent: i, currentLimitAchieved: false, voltageLimitAchieved: false, powerLimitAchieved: false };
  }
  acChargeLoop() {
    return {};
  }
  notification() {
    return 'None';
  }
  weldingDetection() {
    return 0;
  }
  meter() {
    return { meterId: 'METER-1', importedWh: this.importedWh, exportedWh: this.exportedWh };
  }
  sessionStopped() {}
}

/**
 * The EV behind the -20 EVCC: DC_BPT, Scheduled, alternating charge and discharge every 50 cycles.
 * Runs until `stopAfterCycles` DC_ChargeLoop cycles or `control.stop`; `onCycle` after each one.
 */
export class BenchEv20 {
  evccId = '0a0b0c0d0e0f';
  services = ['DC_BPT', 'DC'];
  controlMode = 'Scheduled';
  soc = 50;
  cycles = 0;
  #request = { presentVoltage: 400, targetVoltage: 400, targetCurrent: 100 };
  #params = {
    maxChargePower: 100_000, minChargePower: 0, maxChargeCurrent: 200, minChargeCurrent: 0, maxVoltage: 450, minVoltage: 300,
    maxDischargePower: 25_000, minDischargePower: 0, maxDischargeCurrent: 60, minDischargeCurrent: 0,
    energyCapacityWh: 60_000, soc: 50, targetEnergyWh: 20_000, maxEnergyWh: 24_000, minEnergyWh: 0, maxV2XEnergyWh: 24_000, minV2XEnergyWh: -12_000,
  };

  constructor(control, stopAfterCycles = Infinity, onCycle = undefined) {
    this.control = control;
    this.stopAfterCycles = stopAfterCycles;
    this.onCycle = onCycle;
  }
  chargeParameters() {
    this.#params.soc = this.soc;
    return this.#params;
  }
  schedule() {}
  preChargeTarget() {
    return { voltage: 400 };
  }
  dcRequest() {
    this.#request.targetCurrent = Math.floor(this.cycles / 50) % 2 === 0 ? 100 : -50;
    return this.#request;
  }
  dcOutput(v, i) {
    this.cycles++;
    this.soc = Math.min(100, Math.max(0, this.soc + (v * i * 0.1) / 3600 / 600));
    this.onCycle?.();
  }
  acPresentPower() {
    return 0;
  }
  acTarget() {}
  wantsDischarge() {
    return true;
  }
  wantsToStop() {
    return this.control.stop || this.cycles >= this.stopAfterCycles;
  }
  stopMode() {
    return 'Terminate';
  }
  wantsRenegotiation() {
    return false;
  }
  wantsStandby() {
    return false;
  }
}
