// A whole ISO 15118-2 session between our EVCC and SECC cores, every message through the EXI
// codec, with small but physical EV and EVSE behaviours: DC and AC, EIM, pause and resume, and
// the SECC's answers to a message out of sequence and to a wrong SessionID.
import { describe, expect, it } from 'vitest';
import { getTypedCodec } from '@v2xsim/exi';
import { iso2 } from '../src/index.js';

type V2G = Parameters<iso2.SeccSession['handle']>[0];
const codec = getTypedCodec('iso2');
/** a message as the peer sees it: encoded and decoded */
const wire = (m: V2G): V2G => codec.decode(codec.encode(m)) as V2G;

class TestEvse implements iso2.SeccEvse {
  readonly evseId = 'DE*V2X*E0001*1';
  readonly paymentOptions = ['ExternalPayment'] as const;
  voltage = 0;
  current = 0;
  importedWh = 0;
  authPolls = 0;
  stopped?: string;
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
  currentDemand(d: iso2.DcDemand) {
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

class TestEv implements iso2.EvccEv {
  readonly evccId = '0a0b0c0d0e0f';
  soc = 40;
  cycles = 0;
  pMax = Infinity;
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

function run(_ev: iso2.EvccEv, secc: iso2.SeccSession, evcc: iso2.EvccSession) {
  const sent: string[] = [];
  let step = evcc.start();
  while (step.request) {
    sent.push(step.name!);
    const reply = secc.handle(wire(step.request));
    step = evcc.onResponse(wire(reply.response));
    if (reply.close) expect(step.request).toBeNull();
  }
  return { sent, error: step.error };
}

describe('ISO 15118-2 session, EVCC ↔ SECC cores over the EXI codec', () => {
  it('DC, EIM: the whole sequence, energy delivered, SoC up', () => {
    const evse = new TestEvse(['DC_extended', 'AC_three_phase_core']);
    const ev = new TestEv('DC_extended');
    const r = run(ev, new iso2.SeccSession(evse), new iso2.EvccSession(ev));
    expect(r.error).toBeUndefined();
    expect(r.sent).toEqual([
      'SessionSetupReq', 'ServiceDiscoveryReq', 'PaymentServiceSelectionReq',
      'AuthorizationReq', 'AuthorizationReq', 'AuthorizationReq',
      'ChargeParameterDiscoveryReq', 'CableCheckReq', 'PreChargeReq', 'PreChargeReq', 'PowerDeliveryReq',
      'CurrentDemandReq', 'CurrentDemandReq', 'CurrentDemandReq', 'CurrentDemandReq', 'CurrentDemandReq',
      'PowerDeliveryReq', 'WeldingDetectionReq', 'SessionStopReq',
    ]);
    expect(evse.importedWh).toBeCloseTo(5 * (400 * 125 * 10) / 3600, 3);
    expect(ev.soc).toBeGreaterThan(40);
    expect(evse.stopped).toBe('Terminate');
  });

  it('AC three-phase, EIM: ChargingStatus loop, no cable check', () => {
    const evse = new TestEvse(['AC_three_phase_core']);
    const ev = new TestEv('AC_three_phase_core', 3);
    const r = run(ev, new iso2.SeccSession(evse), new iso2.EvccSession(ev));
    expect(r.error).toBeUndefined();
    expect(r.sent.filter((m) => m === 'ChargingStatusReq')).toHaveLength(3);
    expect(r.sent).not.toContain('CableCheckReq');
    expect(r.sent.at(-1)).toBe('SessionStopReq');
  });

  it('pause, then resume with the old SessionID on a new connection', () => {
    const paused: iso2.PausedSessions = new Map();
    const evse = new TestEvse(['DC_extended']);
    const ev = new TestEv('DC_extended', 2, 'Pause');
    const first = new iso2.SeccSession(evse, paused);
    const evcc = new iso2.EvccSession(ev);
    expect(run(ev, first, evcc).error).toBeUndefined();
    expect(paused.has(evcc.id)).toBe(true);
    const second = new iso2.SeccSession(evse, paused);
    const resumed = new iso2.EvccSession(new TestEv('DC_extended', 1), { resumeSessionId: evcc.id });
    const step = resumed.start();
    const reply = second.handle(wire(step.request!));
    expect(reply.response.V2G_Message.Body.SessionSetupRes?.ResponseCode).toBe('OK_OldSessionJoined');
    expect(reply.response.V2G_Message.Header.SessionID).toBe(evcc.id);
  });

  it('a request out of sequence: FAILED_SequenceError and close', () => {
    const secc = new iso2.SeccSession(new TestEvse(['DC_extended']));
    const reply = secc.handle(wire({ V2G_Message: { Header: { SessionID: '00' }, Body: { ServiceDiscoveryReq: {} } } }));
    expect(reply.response.V2G_Message.Body.ServiceDiscoveryRes?.ResponseCode).toBe('FAILED_SequenceError');
    expect(reply.close).toBe(true);
  });

  it('a wrong SessionID: FAILED_UnknownSession and close', () => {
    const secc = new iso2.SeccSession(new TestEvse(['DC_extended']));
    secc.handle(wire({ V2G_Message: { Header: { SessionID: '00' }, Body: { SessionSetupReq: { EVCCID: '0a0b0c0d0e0f' } } } }));
    const reply = secc.handle(wire({ V2G_Message: { Header: { SessionID: '1122334455667788' }, Body: { ServiceDiscoveryReq: {} } } }));
    expect(reply.response.V2G_Message.Body.ServiceDiscoveryRes?.ResponseCode).toBe('FAILED_UnknownSession');
    expect(reply.close).toBe(true);
  });

  it('an energy transfer mode the EVSE does not offer: the EV stops before asking', () => {
    const ev = new TestEv('DC_extended');
    const r = run(ev, new iso2.SeccSession(new TestEvse(['AC_three_phase_core'])), new iso2.EvccSession(ev));
    expect(r.error).toMatch(/does not offer DC_extended/);
  });
});
