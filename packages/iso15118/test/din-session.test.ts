// A whole DIN SPEC 70121 DC session between our EVCC and SECC cores, every message through the EXI
// codec, with small but physical EV and EVSE behaviours; the SECC's answers to a message out of
// sequence, a wrong SessionID and an undecodable message; and real-world DIN requests (published
// captures) decoded and answered by our SECC.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { getCodec, getTypedCodec, type ExiObject } from '@v2xsim/exi';
import * as din from '../src/din/index.js';

type V2G = din.V2G;
const codec = getTypedCodec('din');
/** a message as the peer sees it: encoded and decoded */
const wire = (m: V2G): V2G => codec.decode(codec.encode(m)) as V2G;

interface Vector {
  name: string;
  schema: string;
  hex: string;
  message: string;
}
const vectors = JSON.parse(readFileSync(new URL('../../exi/test/vectors/published.json', import.meta.url), 'utf8')) as Vector[];
const dinVector = (message: string, name: RegExp): Vector => {
  const v = vectors.find((x) => x.schema === 'din' && x.message === message && name.test(x.name));
  if (!v) throw new Error(`no published DIN ${message} matching ${name}`);
  return v;
};

class TestEvse implements din.SeccEvse {
  readonly evseId = 'DE*V2X*E0001*1';
  readonly paymentOptions = ['ExternalPayment'] as const;
  voltage = 0;
  current = 0;
  importedWh = 0;
  authPolls = 0;
  schedulePolls = 0;
  cableChecks = 0;
  demands = 0;
  stopped?: string;
  contactors = false;
  needs?: din.DinChargeNeeds;
  constructor(
    readonly energyTransferModes: din.EnergyTransferType[] = ['DC_extended'],
    /** send StopCharging after this many CurrentDemand cycles */
    private readonly stopAfterDemands = Infinity,
  ) {}
  authorization() {
    return ++this.authPolls < 3 ? ('Ongoing' as const) : ('Finished' as const);
  }
  schedule(needs: din.DinChargeNeeds) {
    this.needs = needs;
    if (++this.schedulePolls < 2) return 'Ongoing' as const;
    return [{ startS: 0, pMaxW: 50_000 }, { startS: 3600, pMaxW: 22_000 }];
  }
  dcLimits() {
    return { maxVoltage: 500, minVoltage: 150, maxCurrent: 125, minCurrent: 0, maxPower: 50_000, peakCurrentRipple: 2 };
  }
  notification() {
    return this.demands >= this.stopAfterDemands ? ('StopCharging' as const) : ('None' as const);
  }
  cableCheck() {
    return ++this.cableChecks < 2 ? ('Ongoing' as const) : ('Finished' as const);
  }
  preCharge(target: number) {
    this.voltage = Math.min(target, this.voltage + 200);
    return this.voltage;
  }
  powerDelivery(progress: 'Start' | 'Stop' | 'Renegotiate') {
    this.contactors = progress === 'Start';
    return true;
  }
  currentDemand(d: din.DinDcDemand) {
    this.demands++;
    this.voltage = d.targetVoltage;
    this.current = Math.min(d.targetCurrent, 50_000 / d.targetVoltage, 125);
    this.importedWh += (this.voltage * this.current * 10) / 3600; // one 10 s sim step per cycle
    return { presentVoltage: this.voltage, presentCurrent: this.current, currentLimitAchieved: false, voltageLimitAchieved: false, powerLimitAchieved: this.current < d.targetCurrent };
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

class TestEv implements din.EvccEv {
  readonly evccId = '0a0b0c0d0e0f';
  soc = 40;
  cycles = 0;
  pMax = Infinity;
  constructor(
    readonly energyTransferMode: din.EnergyTransferType = 'DC_extended',
    private readonly stopAfterCycles = 5,
  ) {}
  chargeParameters() {
    return { energyRequestWh: 30_000, maxVoltage: 450, maxCurrent: 200, minCurrent: 0, maxPower: 100_000, energyCapacityWh: 60_000, soc: this.soc, fullSoc: 100, bulkSoc: 80 };
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
  wantsToStop() {
    return this.cycles >= this.stopAfterCycles;
  }
}

function run(secc: din.SeccSession, evcc: din.EvccSession) {
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

const newSession = (secc: din.SeccSession) => secc.handle(wire({ V2G_Message: { Header: { SessionID: '00' }, Body: { SessionSetupReq: { EVCCID: '0a0b0c0d0e0f' } } } }));

describe('DIN SPEC 70121 session, EVCC ↔ SECC cores over the EXI codec', () => {
  it('DC, EIM: the whole sequence, energy delivered, SoC up', () => {
    const evse = new TestEvse();
    const ev = new TestEv();
    const secc = new din.SeccSession(evse);
    const r = run(secc, new din.EvccSession(ev));
    expect(r.error).toBeUndefined();
    expect(r.sent).toEqual([
      'SessionSetupReq', 'ServiceDiscoveryReq', 'ServicePaymentSelectionReq',
      'ContractAuthenticationReq', 'ContractAuthenticationReq', 'ContractAuthenticationReq',
      'ChargeParameterDiscoveryReq', 'ChargeParameterDiscoveryReq', 'CableCheckReq', 'CableCheckReq', 'PreChargeReq', 'PreChargeReq', 'PowerDeliveryReq',
      'CurrentDemandReq', 'CurrentDemandReq', 'CurrentDemandReq', 'CurrentDemandReq', 'CurrentDemandReq',
      'PowerDeliveryReq', 'WeldingDetectionReq', 'SessionStopReq',
    ]);
    // DIN's PMax is W in a short: the 50 kW schedule reaches the EV saturated at 32767 W
    expect(ev.pMax).toBe(din.PMAX_SATURATED);
    // the EV asks for 32767 / 400 A, sent as 81.92 A (multiplier -2)
    expect(evse.importedWh).toBeCloseTo((5 * 400 * 81.92 * 10) / 3600, 3);
    expect(evse.needs).toMatchObject({ transferMode: 'DC_extended', energyRequestWh: 30_000, maxCurrentA: 200, maxVoltageV: 450, maxPowerW: 100_000, soc: 40 });
    expect(ev.soc).toBeGreaterThan(40);
    expect(evse.stopped).toBe('Terminate');
    expect(evse.contactors).toBe(false);
    expect(secc.ctx.isolation).toBe('Valid');
  });

  it('the EVSE notifies StopCharging: the EV ends the charge loop and the session', () => {
    const evse = new TestEvse(['DC_extended'], 2);
    const ev = new TestEv('DC_extended', 100);
    const r = run(new din.SeccSession(evse), new din.EvccSession(ev));
    expect(r.error).toBeUndefined();
    expect(r.sent.filter((m) => m === 'CurrentDemandReq')).toHaveLength(2);
    expect(r.sent.slice(-3)).toEqual(['PowerDeliveryReq', 'WeldingDetectionReq', 'SessionStopReq']);
    expect(evse.stopped).toBe('Terminate');
  });

  it('the responses carry the DIN status: isolation Invalid before the cable check, EVSE_Shutdown with StopCharging', () => {
    const evse = new TestEvse(['DC_extended'], 1);
    const ev = new TestEv('DC_extended', 100);
    const secc = new din.SeccSession(evse);
    const evcc = new din.EvccSession(ev);
    const seen: din.V2G[] = [];
    let step = evcc.start();
    while (step.request) {
      const reply = wire(secc.handle(wire(step.request)).response);
      seen.push(reply);
      step = evcc.onResponse(reply);
    }
    const body = (name: din.ResponseName) => seen.map((m) => m.V2G_Message.Body).find((b) => b[name]);
    expect(body('ChargeParameterDiscoveryRes')!.ChargeParameterDiscoveryRes!.DC_EVSEChargeParameter!.DC_EVSEStatus.EVSEIsolationStatus).toBe('Invalid');
    expect(body('CableCheckRes')!.CableCheckRes!.DC_EVSEStatus.EVSEStatusCode).toBe('EVSE_IsolationMonitoringActive');
    expect(body('CurrentDemandRes')!.CurrentDemandRes!.DC_EVSEStatus).toMatchObject({ EVSEIsolationStatus: 'Valid', EVSEStatusCode: 'EVSE_Shutdown', EVSENotification: 'StopCharging' });
    expect(body('SessionSetupRes')!.SessionSetupRes!.EVSEID).toBe(Buffer.from('DE*V2X*E0001*1').toString('hex'));
    expect(body('ServiceDiscoveryRes')!.ServiceDiscoveryRes!.ChargeService).toMatchObject({ ServiceTag: { ServiceID: 1, ServiceCategory: 'EVCharging' }, EnergyTransferType: 'DC_extended' });
  });

  it('a request out of sequence: FAILED_SequenceError and close', () => {
    const evse = new TestEvse();
    const secc = new din.SeccSession(evse);
    const reply = secc.handle(wire({ V2G_Message: { Header: { SessionID: '00' }, Body: { ServiceDiscoveryReq: {} } } }));
    expect(reply.response.V2G_Message.Body.ServiceDiscoveryRes?.ResponseCode).toBe('FAILED_SequenceError');
    expect(reply.close).toBe(true);
    expect(evse.stopped).toBe('Error');
    // the FAILED response is a valid DIN message
    expect(wire(reply.response)).toEqual(reply.response);
  });

  it('a request of the wrong phase after SessionSetup: FAILED_SequenceError for that request', () => {
    const secc = new din.SeccSession(new TestEvse());
    const id = newSession(secc).response.V2G_Message.Header.SessionID;
    const reply = secc.handle(
      wire({ V2G_Message: { Header: { SessionID: id }, Body: { CableCheckReq: { DC_EVStatus: { EVReady: true, EVErrorCode: 'NO_ERROR', EVRESSSOC: 50 } } } } }),
    );
    expect(reply.response.V2G_Message.Body.CableCheckRes).toMatchObject({ ResponseCode: 'FAILED_SequenceError', EVSEProcessing: 'Finished' });
    expect(reply.close).toBe(true);
  });

  it('a wrong SessionID: FAILED_UnknownSession and close', () => {
    const secc = new din.SeccSession(new TestEvse());
    expect(newSession(secc).response.V2G_Message.Body.SessionSetupRes?.ResponseCode).toBe('OK_NewSessionEstablished');
    const reply = secc.handle(wire({ V2G_Message: { Header: { SessionID: '1122334455667788' }, Body: { ServiceDiscoveryReq: {} } } }));
    expect(reply.response.V2G_Message.Body.ServiceDiscoveryRes?.ResponseCode).toBe('FAILED_UnknownSession');
    expect(reply.close).toBe(true);
  });

  it('an undecodable request: FAILED for the expected message and close', () => {
    const secc = new din.SeccSession(new TestEvse());
    newSession(secc);
    const reply = secc.undecodable();
    expect(reply.response.V2G_Message.Body.ServiceDiscoveryRes?.ResponseCode).toBe('FAILED');
    expect(reply.close).toBe(true);
  });

  it('every FAILED response keeps its mandatory elements (it encodes)', () => {
    const requests: din.RequestName[] = [
      'SessionSetupReq', 'ServiceDiscoveryReq', 'ServiceDetailReq', 'ServicePaymentSelectionReq', 'PaymentDetailsReq', 'ContractAuthenticationReq',
      'ChargeParameterDiscoveryReq', 'ChargeParameterDiscoveryReq', 'CableCheckReq', 'PreChargeReq', 'PowerDeliveryReq', 'CurrentDemandReq', 'WeldingDetectionReq', 'SessionStopReq',
      'ChargingStatusReq', 'MeteringReceiptReq', 'CertificateInstallationReq', 'CertificateUpdateReq',
    ];
    for (const req of requests) {
      // a fresh session answers each of them (but SessionSetupReq) with FAILED_SequenceError
      if (req === 'SessionSetupReq') continue;
      const s = new din.SeccSession(new TestEvse());
      const body = { [req]: {} } as din.Body; // only the message name matters before the sequence check
      const reply = s.handle({ V2G_Message: { Header: { SessionID: '00' }, Body: body } });
      const res = reply.response.V2G_Message.Body[din.responseOf(req) as din.ResponseName] as { ResponseCode: string };
      expect(res.ResponseCode, req).toBe('FAILED_SequenceError');
      expect(() => codec.encode(reply.response), req).not.toThrow();
      expect(s.state).toBe('WaitSessionSetup');
    }
  });

  it('a published real-world DIN SessionSetupReq (Chevrolet, OpenV2G) is answered OK_NewSessionEstablished', () => {
    const v = dinVector('SessionSetupReq', /Chevy/);
    const doc = getCodec('din').decode(Buffer.from(v.hex, 'hex')) as unknown as V2G;
    expect(doc.V2G_Message.Body.SessionSetupReq?.EVCCID).toBe('001823110265');
    const secc = new din.SeccSession(new TestEvse());
    const reply = secc.handle(doc);
    expect(reply.close).toBe(false);
    expect(reply.response.V2G_Message.Body.SessionSetupRes?.ResponseCode).toBe('OK_NewSessionEstablished');
    expect(reply.response.V2G_Message.Header.SessionID).toMatch(/^[0-9a-f]{16}$/);
    expect(secc.ctx.evccId).toBe('001823110265');
    expect(getCodec('din').decode(getCodec('din').encode(reply.response as unknown as ExiObject))).toEqual(reply.response);
  });

  it('the requests of a real DIN EV (Josev capture, dsV2Gshark) are answered OK up to the charge loop', () => {
    const names = ['SessionSetupReq', 'ServiceDiscoveryReq', 'ServicePaymentSelectionReq', 'ContractAuthenticationReq', 'ChargeParameterDiscoveryReq', 'CableCheckReq', 'PreChargeReq', 'PowerDeliveryReq', 'CurrentDemandReq'];
    const docs = names.map((n) => getCodec('din').decode(Buffer.from(dinVector(n, /DIN_DC_DS5366_Josev/).hex, 'hex')) as unknown as V2G);
    const evse = new TestEvse();
    evse.authPolls = 10; // already authorised
    evse.schedulePolls = 10; // the schedule is known
    evse.cableChecks = 10; // the isolation test is done
    const secc = new din.SeccSession(evse, { sessionId: docs[1]!.V2G_Message.Header.SessionID });
    for (const doc of docs) {
      const reply = secc.handle(doc);
      const name = din.messageName(reply.response.V2G_Message.Body)!;
      expect((reply.response.V2G_Message.Body[name] as { ResponseCode: string }).ResponseCode, name).toMatch(/^OK/);
      expect(reply.close).toBe(false);
      expect(() => codec.encode(reply.response), name).not.toThrow();
    }
    expect(secc.state).toBe('Charging');
    expect(evse.contactors).toBe(true);
  });

  it('the EVCC ends the session on a FAILED code, an unexpected response and a foreign SessionID', () => {
    const res = (sessionId: string, body: din.Body): V2G => wire({ V2G_Message: { Header: { SessionID: sessionId }, Body: body } });
    const a = new din.EvccSession(new TestEv());
    a.start();
    expect(a.onResponse(res('0102030405060708', { SessionSetupRes: { ResponseCode: 'FAILED', EVSEID: '00' } })).error).toBe('SessionSetupRes: FAILED');
    const b = new din.EvccSession(new TestEv());
    b.start();
    expect(b.onResponse(res('0102030405060708', { SessionStopRes: { ResponseCode: 'OK' } })).error).toMatch(/expected SessionSetupRes, got SessionStopRes/);
    const c = new din.EvccSession(new TestEv());
    c.start();
    expect(c.onResponse(res('0102030405060708', { SessionSetupRes: { ResponseCode: 'OK_NewSessionEstablished', EVSEID: '00' } })).name).toBe('ServiceDiscoveryReq');
    expect(c.onResponse(res('1112131415161718', { ServiceDiscoveryRes: { ResponseCode: 'OK', PaymentOptions: { PaymentOption: ['ExternalPayment'] }, ChargeService: { ServiceTag: { ServiceID: 1, ServiceCategory: 'EVCharging' }, FreeService: false, EnergyTransferType: 'DC_extended' } } })).error).toMatch(/another session/);
  });

  it('an AC EV cannot speak DIN; a DC_core EV is not served by a DC_extended EVSE', () => {
    expect(new din.EvccSession(new TestEv('AC_three_phase_core')).start().error).toMatch(/DC only/);
    const ev = new TestEv('DC_core');
    const r = run(new din.SeccSession(new TestEvse(['DC_extended'])), new din.EvccSession(ev));
    expect(r.error).toMatch(/offers DC_extended, not DC_core/);
  });
});
