// ISO 15118-20 DC / DC_BPT sessions between our EVCC and SECC cores, every message through the
// EXI codec of its namespace (iso20-cm or iso20-dc).
import { describe, expect, it } from 'vitest';
import { getCodec } from '@v2xsim/exi';
import * as iso20 from '../src/iso20/index.js';

const wire = (m: iso20.Iso20Message): iso20.Iso20Message => {
  const c = getCodec(iso20.codecOf(iso20.messageName(m)!));
  return c.decode(c.encode(m as never)) as unknown as iso20.Iso20Message;
};

class Evse implements iso20.SeccEvse20 {
  evseId = 'DE*V2X*E1';
  services = [iso20.SERVICE_DC, iso20.SERVICE_DC_BPT];
  controlModes: iso20.ControlMode[] = ['Scheduled', 'Dynamic'];
  importedWh = 0;
  exportedWh = 0;
  auth = 2;
  stopped?: string;
  /** Dynamic: the power the grid asks for (negative = from the EV) */
  setpointW = 50000;
  authorization = () => (this.auth-- > 0 ? 'Ongoing' as const : 'Finished' as const);
  dcLimits = () => ({ maxVoltage: 900, minVoltage: 150, maxCurrent: 200, minCurrent: 0, maxPower: 100000, peakCurrentRipple: 1, maxDischargePower: 50000, maxDischargeCurrent: 100 });
  schedule = () => [{ startS: 0, pMaxW: 50000 }];
  cableCheck = () => 'Finished' as const;
  preCharge = (v: number) => v;
  powerDelivery = () => true;
  chargeLoop(d: iso20.DcLoopDemand) {
    let i: number;
    if (d.controlMode === 'Scheduled') i = d.targetCurrent!;
    else if (this.setpointW < 0) i = -Math.min(-this.setpointW / d.presentVoltage, d.maxDischargeCurrent ?? 0, (d.maxDischargePower ?? 0) / d.presentVoltage);
    else i = Math.min(this.setpointW / d.presentVoltage, d.maxChargeCurrent ?? 0);
    const wh = (d.presentVoltage * i * 10) / 3600;
    if (wh >= 0) this.importedWh += wh;
    else this.exportedWh -= wh;
    return { presentVoltage: d.presentVoltage, presentCurrent: i, currentLimitAchieved: false, voltageLimitAchieved: false, powerLimitAchieved: false };
  }
  notification = () => 'None' as const;
  weldingDetection = () => 0;
  meter = () => ({ meterId: 'M1', importedWh: this.importedWh, exportedWh: this.exportedWh });
  sessionStopped = (r: string) => void (this.stopped = r);
}

class Ev implements iso20.EvccEv20 {
  evccId = '0a0b0c0d0e0f';
  loops = 0;
  currents: number[] = [];
  soc = 50;
  scheduled?: { startS: number; pMaxW: number }[];
  constructor(readonly controlMode: iso20.ControlMode, readonly bpt: boolean, private readonly n = 4) {}
  chargeParameters = () => ({ energyRequestWh: 30000, maxVoltage: 450, minVoltage: 300, maxCurrent: 250, minCurrent: 0, maxPower: 100000, energyCapacityWh: 60000, soc: this.soc, maxDischargePower: 11000, maxDischargeCurrent: 30 });
  schedule = (e: { startS: number; pMaxW: number }[]) => void (this.scheduled = e);
  preChargeTarget = () => ({ voltage: 400, current: 2 });
  dcRequest = () => ({ targetVoltage: 400, targetCurrent: 125, maxVoltage: 450, maxCurrent: 250, maxPower: 100000, soc: this.soc, chargingComplete: false, bulkChargingComplete: false });
  wantsDischarge = () => true;
  dcOutput(v: number, i: number) {
    this.currents.push(i);
    this.soc += (v * i * 10) / 3600 / 600;
    this.loops++;
  }
  wantsToStop = () => this.loops >= this.n;
}

function run(secc: iso20.Secc20Session, evcc: iso20.Evcc20Session) {
  const sent: string[] = [];
  const codecs: Record<string, string> = {};
  let step = evcc.start();
  while (step.request) {
    sent.push(step.name!);
    codecs[step.name!] = step.codec!;
    const reply = secc.handle(wire(step.request));
    codecs[reply.responseName] = reply.codec;
    step = evcc.onResponse(wire(reply.response));
    if (reply.close) expect(step.request).toBeNull();
  }
  return { sent, codecs, error: step.error };
}

describe('ISO 15118-20 DC session, EVCC ↔ SECC cores over the EXI codecs', () => {
  it('DC, Scheduled, EIM: the whole sequence', () => {
    const evse = new Evse();
    const ev = new Ev('Scheduled', false);
    const r = run(new iso20.Secc20Session(evse), new iso20.Evcc20Session(ev));
    expect(r.error).toBeUndefined();
    expect(r.sent).toEqual([
      'SessionSetupReq', 'AuthorizationSetupReq', 'AuthorizationReq', 'AuthorizationReq', 'AuthorizationReq',
      'ServiceDiscoveryReq', 'ServiceDetailReq', 'ServiceSelectionReq', 'DC_ChargeParameterDiscoveryReq',
      'ScheduleExchangeReq', 'DC_CableCheckReq', 'DC_PreChargeReq', 'PowerDeliveryReq',
      'DC_ChargeLoopReq', 'DC_ChargeLoopReq', 'DC_ChargeLoopReq', 'DC_ChargeLoopReq',
      'PowerDeliveryReq', 'DC_WeldingDetectionReq', 'SessionStopReq',
    ]);
    expect(r.codecs['DC_ChargeLoopRes']).toBe('iso20-dc');
    expect(r.codecs['ScheduleExchangeRes']).toBe('iso20-cm');
    expect(ev.scheduled).toEqual([{ startS: 0, pMaxW: 50000 }]);
    expect(evse.importedWh).toBeCloseTo((4 * 400 * 125 * 10) / 3600, 3);
    expect(ev.soc).toBeGreaterThan(50);
    expect(evse.stopped).toBe('Terminate');
  });

  it('DC_BPT, Dynamic: the EVSE asks for discharge within the EV\'s limits', () => {
    const evse = new Evse();
    evse.setpointW = -20000;
    const ev = new Ev('Dynamic', true, 3);
    const r = run(new iso20.Secc20Session(evse), new iso20.Evcc20Session(ev));
    expect(r.error).toBeUndefined();
    expect(r.sent.filter((m) => m === 'DC_ChargeLoopReq')).toHaveLength(3);
    // the EV allows 30 A and 11 kW: at 400 V that is 27.5 A
    for (const i of ev.currents) expect(i).toBeCloseTo(-27.5, 1);
    expect(evse.exportedWh).toBeGreaterThan(0);
    expect(evse.importedWh).toBe(0);
    expect(ev.soc).toBeLessThan(50);
  });

  it('a request out of sequence: FAILED_SequenceError and close', () => {
    const secc = new iso20.Secc20Session(new Evse());
    const reply = secc.handle(wire(iso20.message('ServiceDiscoveryReq', { Header: iso20.header('0000000000000000') })));
    expect(iso20.bodyOf(reply.response, 'ServiceDiscoveryRes')?.ResponseCode).toBe('FAILED_SequenceError');
    expect(reply.close).toBe(true);
  });

  it('a wrong SessionID: FAILED_UnknownSession and close', () => {
    const secc = new iso20.Secc20Session(new Evse());
    secc.handle(wire(iso20.message('SessionSetupReq', { Header: iso20.header('0000000000000000'), EVCCID: '0a0b0c0d0e0f' })));
    const reply = secc.handle(wire(iso20.message('AuthorizationSetupReq', { Header: iso20.header('1122334455667788') })));
    expect(iso20.bodyOf(reply.response, 'AuthorizationSetupRes')?.ResponseCode).toBe('FAILED_UnknownSession');
    expect(reply.close).toBe(true);
  });
});
