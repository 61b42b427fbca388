// ISO 15118-20 flows inside a session: schedule renegotiation from either side, standby, pause and
// resume with the old SessionID, the EVSE's Terminate/Pause, metering confirmation.
import { describe, expect, it } from 'vitest';
import * as iso20 from '../src/iso20/index.js';
import { collapse, protocol, run, TestEv, TestEvse } from './support/iso20-doubles.js';

const make = (ev: TestEv, evse: TestEvse, id: 'iso20-ac' | 'iso20-dc', paused?: iso20.Paused20Sessions, resumeSessionId?: string) => ({
  secc: new iso20.Secc20Session(evse, { protocol: protocol(id), ...(paused ? { paused } : {}) }),
  evcc: new iso20.Evcc20Session(ev, { protocol: protocol(id), ...(resumeSessionId ? { resumeSessionId } : {}) }),
});

const marks = (r: { steps: iso20.Evcc20Step[]; replies: iso20.Secc20Reply[] }) => ({
  evcc: r.steps.filter((s) => s.renegotiation).map((s) => `${s.name}:${s.renegotiation}`),
  secc: r.replies.filter((x) => x.renegotiation).map((x) => `${x.responseName}:${x.renegotiation}`),
});

describe('schedule renegotiation', () => {
  it('initiated by the EV: PowerDelivery(ScheduleRenegotiation) → ScheduleExchange → PowerDelivery(Start), both sides mark it', () => {
    const evse = new TestEvse();
    const ev = new TestEv(['DC'], 'Scheduled', 4);
    ev.renegotiateAt = 2;
    const { secc, evcc } = make(ev, evse, 'iso20-dc');
    const r = run(secc, evcc, 'iso20-dc');
    expect(r.error).toBeUndefined();
    const loopPart = collapse(r.sent).slice(collapse(r.sent).indexOf('DC_ChargeLoopReq'));
    expect(loopPart).toEqual(['DC_ChargeLoopReq', 'PowerDeliveryReq', 'ScheduleExchangeReq', 'PowerDeliveryReq', 'DC_ChargeLoopReq', 'PowerDeliveryReq', 'DC_WeldingDetectionReq', 'SessionStopReq']);
    expect(marks(r)).toEqual({ evcc: ['PowerDeliveryReq:started', 'DC_ChargeLoopReq:finished'], secc: ['PowerDeliveryRes:started', 'PowerDeliveryRes:finished'] });
    // the new schedule (tuple 2, half the power) reached the EV and was selected
    expect(evse.scheduleRequests.at(-1)?.renegotiation).toBe(true);
    const last = ev.schedules.at(-1)!;
    expect(last.controlMode === 'Scheduled' && last.tuple).toMatchObject({ id: 2, charging: { entries: [{ durationS: 3600, powerW: 20000 }, { durationS: 3600, powerW: 10000 }] } });
    expect(secc.ctx.selectedTuple).toBe(2);
    expect(evse.powerDeliveries).toEqual(['Start', 'ScheduleRenegotiation', 'Start', 'Stop']);
  });

  it('initiated by the EVSE: EVSENotification ScheduleRenegotiation in the charge loop response', () => {
    const evse = new TestEvse();
    evse.notifications = ['None', 'ScheduleRenegotiation'];
    const ev = new TestEv(['AC'], 'Dynamic', 4);
    const { secc, evcc } = make(ev, evse, 'iso20-ac');
    const r = run(secc, evcc, 'iso20-ac');
    expect(r.error).toBeUndefined();
    expect(marks(r)).toEqual({ evcc: ['PowerDeliveryReq:started', 'AC_ChargeLoopReq:finished'], secc: ['AC_ChargeLoopRes:started', 'PowerDeliveryRes:finished'] });
    expect(evse.scheduleRequests.filter((s) => s.renegotiation)).toHaveLength(1);
    expect(evse.powerDeliveries).toEqual(['Start', 'ScheduleRenegotiation', 'Start', 'Stop']);
  });
});

describe('standby', () => {
  it('PowerDelivery(Standby): the loop goes on without energy, PowerDelivery(Start) leaves it', () => {
    const evse = new TestEvse();
    const ev = new TestEv(['DC'], 'Scheduled', 5);
    ev.standbyFrom = 1;
    ev.standbyTo = 3;
    const { secc, evcc } = make(ev, evse, 'iso20-dc');
    const r = run(secc, evcc, 'iso20-dc');
    expect(r.error).toBeUndefined();
    expect(evse.powerDeliveries).toEqual(['Start', 'Standby', 'Start', 'Stop']);
    expect(evse.loopStandby).toEqual([false, true, true, false, false]);
    expect(ev.currents).toEqual([125, 0, 0, 125, 125]);
  });

  it('an EVSE that does not allow standby answers WARNING_StandbyNotAllowed and keeps charging', () => {
    const evse = new TestEvse();
    evse.standbyAllowed = false;
    const ev = new TestEv(['AC'], 'Dynamic', 3);
    ev.standbyFrom = 1;
    const { secc, evcc } = make(ev, evse, 'iso20-ac');
    const r = run(secc, evcc, 'iso20-ac');
    expect(r.error).toBeUndefined();
    expect(r.replies.some((x) => iso20.bodyOf(x.response, 'PowerDeliveryRes')?.ResponseCode === 'WARNING_StandbyNotAllowed')).toBe(true);
    expect(evse.loopStandby.every((s) => !s)).toBe(true);
  });

  it('EVSENotification ExitStandby makes the EV send PowerDelivery(Start)', () => {
    const evse = new TestEvse();
    evse.notifications = ['None', 'None', 'ExitStandby'];
    const ev = new TestEv(['DC'], 'Dynamic', 5);
    ev.standbyFrom = 1;
    ev.standbyTo = 1000;
    const { secc, evcc } = make(ev, evse, 'iso20-dc');
    const r = run(secc, evcc, 'iso20-dc');
    expect(r.error).toBeUndefined();
    expect(evse.powerDeliveries.slice(0, 3)).toEqual(['Start', 'Standby', 'Start']);
  });
});

describe('pause and resume', () => {
  it('SessionStop(Pause), then a new connection joins the old session (OK_OldSessionJoined)', () => {
    const paused: iso20.Paused20Sessions = new Map();
    const evse = new TestEvse();
    const ev = new TestEv(['DC_BPT'], 'Scheduled', 2);
    ev.stop = 'Pause';
    const first = make(ev, evse, 'iso20-dc', paused);
    const r1 = run(first.secc, first.evcc, 'iso20-dc');
    expect(r1.error).toBeUndefined();
    expect(evse.stopped).toBe('Pause');
    const id = first.evcc.id;
    expect(paused.has(id)).toBe(true);

    ev.stop = 'Terminate';
    ev.stopAfter = 4;
    const second = make(ev, evse, 'iso20-dc', paused, id);
    const r2 = run(second.secc, second.evcc, 'iso20-dc');
    expect(r2.error).toBeUndefined();
    expect(iso20.bodyOf(r2.replies[0]!.response, 'SessionSetupRes')?.ResponseCode).toBe('OK_OldSessionJoined');
    expect(second.secc.ctx.sessionId).toBe(id);
    expect(second.evcc.id).toBe(id);
    expect(r2.sent).toContain('DC_ChargeLoopReq');
    expect(paused.size).toBe(0);
    expect(evse.stopped).toBe('Terminate');
  });

  it('the EVSE asks for a pause (EVSENotification Pause): PowerDelivery(Stop), then SessionStop(Pause)', () => {
    const paused: iso20.Paused20Sessions = new Map();
    const evse = new TestEvse();
    evse.notifications = ['Pause'];
    const ev = new TestEv(['AC'], 'Scheduled', 10);
    const { secc, evcc } = make(ev, evse, 'iso20-ac', paused);
    const r = run(secc, evcc, 'iso20-ac');
    expect(r.error).toBeUndefined();
    expect(r.steps.at(-1)?.request).toMatchObject({ SessionStopReq: { ChargingSession: 'Pause' } });
    expect(paused.has(evcc.id)).toBe(true);
  });

  it('an unknown old SessionID gets a new session', () => {
    const evse = new TestEvse();
    const ev = new TestEv(['AC'], 'Scheduled', 1);
    const { secc, evcc } = make(ev, evse, 'iso20-ac', new Map(), '1122334455667788');
    const r = run(secc, evcc, 'iso20-ac');
    expect(iso20.bodyOf(r.replies[0]!.response, 'SessionSetupRes')?.ResponseCode).toBe('OK_NewSessionEstablished');
    expect(evcc.id).not.toBe('1122334455667788');
    expect(r.error).toBeUndefined();
  });

  it('EVSENotification Terminate ends the session', () => {
    const evse = new TestEvse();
    evse.notifications = ['None', 'Terminate'];
    const ev = new TestEv(['DC'], 'Scheduled', 100);
    const { secc, evcc } = make(ev, evse, 'iso20-dc');
    const r = run(secc, evcc, 'iso20-dc');
    expect(r.error).toBeUndefined();
    expect(r.sent.filter((m) => m === 'DC_ChargeLoopReq')).toHaveLength(2);
    expect(evse.stopped).toBe('Terminate');
  });
});

describe('metering confirmation', () => {
  it('EVSENotification MeteringConfirmation: the EV returns the MeterInfo in SignedMeteringData (unsigned under EIM)', () => {
    const evse = new TestEvse();
    evse.notifications = ['None', 'MeteringConfirmation'];
    const ev = new TestEv(['DC'], 'Scheduled', 3);
    const { secc, evcc } = make(ev, evse, 'iso20-dc');
    const r = run(secc, evcc, 'iso20-dc');
    expect(r.error).toBeUndefined();
    expect(r.sent).toContain('MeteringConfirmationReq');
    expect(evse.metering).toHaveLength(1);
    expect(evse.metering[0]!.signatureVerified).toBe(false);
    expect(evse.metering[0]!.meterInfo.MeterID).toBe('M1');
    expect(Number(evse.metering[0]!.meterInfo.ChargedEnergyReadingWh)).toBeGreaterThan(0);
    expect(ev.meters).toHaveLength(1);
    expect(r.replies.find((x) => x.responseName === 'MeteringConfirmationRes')).toMatchObject({ codec: 'iso20-cm', payloadType: 0x8002 });
  });
});
