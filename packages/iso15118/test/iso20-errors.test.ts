// Bad input to the -20 cores: each gets the response code of the XSD's responseCodeType and the
// session closes; the EV stops on what it must not accept (current beyond its limits, an answer of
// another session or out of turn).
import { describe, expect, it } from 'vitest';
import * as iso20 from '../src/iso20/index.js';
import { failed } from '../src/iso20/secc/responses.js';
import { protocol, run, TestEv, TestEvse, wire } from './support/iso20-doubles.js';

type Tamper = (m: iso20.Iso20Message, name: string) => iso20.Iso20Message;

function session(id: 'iso20-ac' | 'iso20-dc', ev: TestEv, evse = new TestEvse(), tamper?: Tamper) {
  const secc = new iso20.Secc20Session(evse, { protocol: protocol(id) });
  const evcc = new iso20.Evcc20Session(ev, { protocol: protocol(id) });
  const r = run(secc, evcc, id, tamper ? { tamper } : {});
  const last = r.replies.at(-1)!;
  return { secc, evse, r, last, code: (iso20.bodyOf(last.response, last.responseName) as { ResponseCode: string }).ResponseCode };
}

/** Replace the body of one request (keeping its Header). */
const replace = (target: string, body: (old: Record<string, unknown>) => Record<string, unknown>): Tamper => (m, name) => {
  if (name !== target) return m;
  const old = (m as unknown as Record<string, Record<string, unknown>>)[name]!;
  return { [name]: body(old) } as unknown as iso20.Iso20Message;
};

describe('the SECC refuses', () => {
  it('a request out of sequence: FAILED_SequenceError and close', () => {
    const secc = new iso20.Secc20Session(new TestEvse(), { protocol: protocol('iso20-dc') });
    const reply = secc.handle(wire('iso20-dc', iso20.message('ServiceDiscoveryReq', { Header: iso20.header('0000000000000000') }), 'iso20-cm', 0x8002));
    expect(iso20.bodyOf(reply.response, 'ServiceDiscoveryRes')?.ResponseCode).toBe('FAILED_SequenceError');
    expect(reply).toMatchObject({ close: true, codec: 'iso20-cm', payloadType: 0x8002 });
    expect(secc.ctx.stopped).toBe('Error');
  });

  it('a wrong SessionID: FAILED_UnknownSession and close', () => {
    const secc = new iso20.Secc20Session(new TestEvse(), { protocol: protocol('iso20-dc') });
    secc.handle(iso20.message('SessionSetupReq', { Header: iso20.header('0000000000000000'), EVCCID: '0a0b0c0d0e0f' }));
    const reply = secc.handle(iso20.message('AuthorizationSetupReq', { Header: iso20.header('1122334455667788') }));
    expect(iso20.bodyOf(reply.response, 'AuthorizationSetupRes')?.ResponseCode).toBe('FAILED_UnknownSession');
    expect(reply.close).toBe(true);
  });

  it('an undecodable request: FAILED in the response the state expects, and close', () => {
    const secc = new iso20.Secc20Session(new TestEvse(), { protocol: protocol('iso20-dc') });
    const reply = secc.undecodable();
    expect(reply.responseName).toBe('SessionSetupRes');
    expect(iso20.bodyOf(reply.response, 'SessionSetupRes')?.ResponseCode).toBe('FAILED');
    expect(reply.close).toBe(true);
  });

  it('the plain DC form for DC_BPT (and the BPT form for DC): FAILED_WrongChargeParameter', () => {
    const a = session('iso20-dc', new TestEv(['DC_BPT'], 'Scheduled'), undefined, replace('DC_ChargeParameterDiscoveryReq', (o) => {
      const { EVMaximumDischargePower: _a, EVMinimumDischargePower: _b, EVMaximumDischargeCurrent: _c, EVMinimumDischargeCurrent: _d, ...plain } = o['BPT_DC_CPDReqEnergyTransferMode'] as Record<string, unknown>;
      return { Header: o['Header'], DC_CPDReqEnergyTransferMode: plain };
    }));
    expect(a.code).toBe('FAILED_WrongChargeParameter');
    expect(a.last.close).toBe(true);
    expect(a.r.error).toBe('DC_ChargeParameterDiscoveryRes: FAILED_WrongChargeParameter');
    const b = session('iso20-dc', new TestEv(['DC'], 'Scheduled'), undefined, replace('DC_ChargeParameterDiscoveryReq', (o) => ({
      Header: o['Header'],
      BPT_DC_CPDReqEnergyTransferMode: { ...(o['DC_CPDReqEnergyTransferMode'] as object), EVMaximumDischargePower: iso20.rn(1), EVMinimumDischargePower: iso20.rn(0), EVMaximumDischargeCurrent: iso20.rn(1), EVMinimumDischargeCurrent: iso20.rn(0) },
    })));
    expect(b.code).toBe('FAILED_WrongChargeParameter');
  });

  it('a ScheduleExchange in the other control mode: FAILED_WrongChargeParameter', () => {
    const s = session('iso20-ac', new TestEv(['AC'], 'Dynamic'), undefined, replace('ScheduleExchangeReq', (o) => ({ Header: o['Header'], MaximumSupportingPoints: 12, Scheduled_SEReqControlMode: {} })));
    expect(s.code).toBe('FAILED_WrongChargeParameter');
  });

  it('a service of the other namespace or an unknown parameter set: FAILED_ServiceSelectionInvalid', () => {
    const a = session('iso20-dc', new TestEv(['DC'], 'Scheduled'), undefined, replace('ServiceSelectionReq', (o) => ({ ...o, SelectedEnergyTransferService: { ServiceID: iso20.SERVICE_AC, ParameterSetID: 1 } })));
    expect(a.code).toBe('FAILED_ServiceSelectionInvalid');
    const b = session('iso20-dc', new TestEv(['DC'], 'Scheduled'), undefined, replace('ServiceSelectionReq', (o) => ({ ...o, SelectedEnergyTransferService: { ServiceID: iso20.SERVICE_DC, ParameterSetID: 99 } })));
    expect(b.code).toBe('FAILED_ServiceSelectionInvalid');
  });

  it('ServiceDetail for a service not offered: FAILED_ServiceIDInvalid', () => {
    const s = session('iso20-ac', new TestEv(['AC'], 'Scheduled'), undefined, replace('ServiceDetailReq', (o) => ({ ...o, ServiceID: iso20.SERVICE_DC_BPT })));
    expect(s.code).toBe('FAILED_ServiceIDInvalid');
  });

  it('PowerDelivery(Start) on a ScheduleTuple that was not offered: FAILED_ScheduleSelectionInvalid', () => {
    const s = session('iso20-ac', new TestEv(['AC'], 'Scheduled'), undefined, (m, name) => {
      if (name !== 'PowerDeliveryReq') return m;
      const pd = iso20.bodyOf(m, 'PowerDeliveryReq')!;
      if (!pd.EVPowerProfile) return m;
      return iso20.message('PowerDeliveryReq', { ...pd, EVPowerProfile: { ...pd.EVPowerProfile, Scheduled_EVPPTControlMode: { SelectedScheduleTupleID: 99 } } });
    });
    expect(s.code).toBe('FAILED_ScheduleSelectionInvalid');
  });

  it('the charge loop message of the other kind (DC in an AC session): FAILED_SequenceError', () => {
    const s = session('iso20-ac', new TestEv(['AC'], 'Scheduled'), undefined, (m, name) =>
      name === 'AC_ChargeLoopReq'
        ? iso20.message('DC_ChargeLoopReq', { Header: iso20.headerOf(m)!, MeterInfoRequested: false, EVPresentVoltage: iso20.rn(400), Scheduled_DC_CLReqControlMode: { EVTargetCurrent: iso20.rn(10), EVTargetVoltage: iso20.rn(400) } })
        : m,
    );
    expect(s.code).toBe('FAILED_SequenceError');
  });

  it('SessionStop(ServiceRenegotiation): FAILED_NoServiceRenegotiationSupported', () => {
    const ev = new TestEv(['AC'], 'Scheduled', 1);
    const s = session('iso20-ac', ev, undefined, replace('SessionStopReq', (o) => ({ ...o, ChargingSession: 'ServiceRenegotiation' })));
    expect(s.code).toBe('FAILED_NoServiceRenegotiationSupported');
  });

  it('accepts SessionStop(Terminate) at any point after SessionSetup', () => {
    const evse = new TestEvse();
    const secc = new iso20.Secc20Session(evse, { protocol: protocol('iso20-dc') });
    secc.handle(iso20.message('SessionSetupReq', { Header: iso20.header('0000000000000000'), EVCCID: '0a0b0c0d0e0f' }));
    const reply = secc.handle(iso20.message('SessionStopReq', { Header: iso20.header(secc.ctx.sessionId), ChargingSession: 'Terminate' }));
    expect(iso20.bodyOf(reply.response, 'SessionStopRes')?.ResponseCode).toBe('OK');
    expect(reply.close).toBe(true);
    expect(evse.stopped).toBe('Terminate');
  });

  it('a service the EV does not speak is not offered: the EVSE of DC only offers nothing in an AC session', () => {
    const evse = new TestEvse();
    evse.services = ['DC'];
    const s = session('iso20-ac', new TestEv(['AC'], 'Scheduled'), evse);
    expect(s.code).toBe('FAILED_NoEnergyTransferServiceSelected');
  });
});

describe('every FAILED response', () => {
  it('encodes in its codec (mandatory elements present)', () => {
    const secc = new iso20.Secc20Session(new TestEvse(), { protocol: protocol('iso20-dc') });
    const requests: iso20.RequestName[] = [
      'SessionSetupReq', 'AuthorizationSetupReq', 'AuthorizationReq', 'ServiceDiscoveryReq', 'ServiceDetailReq', 'ServiceSelectionReq', 'ScheduleExchangeReq',
      'PowerDeliveryReq', 'MeteringConfirmationReq', 'CertificateInstallationReq', 'SessionStopReq', 'AC_ChargeParameterDiscoveryReq', 'AC_ChargeLoopReq',
      'DC_ChargeParameterDiscoveryReq', 'DC_CableCheckReq', 'DC_PreChargeReq', 'DC_ChargeLoopReq', 'DC_WeldingDetectionReq',
    ];
    for (const req of requests) {
      const res = failed(req, 'FAILED', secc.ctx);
      const name = iso20.messageName(res)!;
      expect(name).toBe(req.replace(/Req$/, 'Res'));
      const back = wire('iso20-dc', res, iso20.codecFor(protocol('iso20-dc'), name), iso20.payloadTypeOf(name));
      expect((iso20.bodyOf(back, name) as { ResponseCode: string }).ResponseCode).toBe('FAILED');
    }
  });
});

describe('the EV keeps to its limits', () => {
  it('DC: a discharge beyond the EV\'s limit opens its contactors and stops the session with a clear error', () => {
    const evse = new TestEvse();
    evse.setpointW = -40000;
    evse.ignoreEvLimits = true;
    const ev = new TestEv(['DC_BPT'], 'Dynamic', 5);
    const s = session('iso20-dc', ev, evse);
    expect(s.r.error).toMatch(/EVSEPresentCurrent -100 A discharges beyond the EV's discharge limit 30 A; the EV opened its contactors/);
    expect(ev.opened).toMatch(/discharge limit 30 A/);
    expect(ev.currents).toEqual([]); // never taken as output
  });

  it('DC: a current within the tolerance is accepted', () => {
    const evse = new TestEvse();
    evse.setpointW = -12400; // 31 A at 400 V, 1 A above the EV's 30 A: within the 2 A tolerance
    evse.ignoreEvLimits = true;
    const ev = new TestEv(['DC_BPT'], 'Dynamic', 2);
    ev.chargeParameters = ((base) => () => ({ ...base(), maxDischargePower: 13000 }))(ev.chargeParameters);
    const s = session('iso20-dc', ev, evse);
    expect(s.r.error).toBeUndefined();
    expect(ev.currents).toEqual([-31, -31]);
  });

  it('DC: a discharge limit the EV lowers after its request is not held against the answer to that request', () => {
    // the EV's V2X budget runs out while the EVSE serves a discharge the request still allowed: the
    // answer is checked against the limit the request stated, the next request says 0 A
    const ev = new TestEv(['DC_BPT'], 'Dynamic', 4);
    class BudgetOutEvse extends TestEvse {
      loops = 0;
      override dcChargeLoop(d: iso20.DcLoopDemand): iso20.DcOutput20 {
        if (++this.loops === 2) ev.wantsDischarge = () => false;
        return super.dcChargeLoop(d);
      }
    }
    const evse = new BudgetOutEvse();
    evse.setpointW = -8000; // 20 A at 400 V, within the EV's 30 A
    const s = session('iso20-dc', ev, evse);
    expect(s.r.error).toBeUndefined();
    expect(ev.opened).toBeUndefined();
    expect(ev.currents.slice(0, 2)).toEqual([-20, -20]);
    expect(ev.currents.slice(2).every((i) => i >= 0)).toBe(true);
  });

  it('the EVCC refuses a response of another session', () => {
    const ev = new TestEv(['AC'], 'Scheduled');
    const evcc = new iso20.Evcc20Session(ev, { protocol: protocol('iso20-ac') });
    evcc.start();
    evcc.onResponse(iso20.message('SessionSetupRes', { Header: iso20.header('aabbccddeeff0011'), ResponseCode: 'OK_NewSessionEstablished', EVSEID: 'E1' }));
    const step = evcc.onResponse(iso20.message('AuthorizationSetupRes', { Header: iso20.header('1111111111111111'), ResponseCode: 'OK', AuthorizationServices: ['EIM'], CertificateInstallationService: false, EIM_ASResAuthorizationMode: {} }));
    expect(step).toMatchObject({ request: null, error: 'AuthorizationSetupRes for another session 1111111111111111' });
  });

  it('the EVCC refuses a response out of turn', () => {
    const evcc = new iso20.Evcc20Session(new TestEv(['AC'], 'Scheduled'), { protocol: protocol('iso20-ac') });
    evcc.start();
    const step = evcc.onResponse(iso20.message('ServiceDiscoveryRes', { Header: iso20.header('00'), ResponseCode: 'OK', ServiceRenegotiationSupported: false, EnergyTransferServiceList: { Service: [{ ServiceID: 1, FreeService: false }] } }));
    expect(step.error).toBe('expected SessionSetupRes, got ServiceDiscoveryRes');
  });
});
