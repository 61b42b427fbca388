// The wiring between the SECC adapters and the OCPP station (process/station-link.ts), against a
// recording StationEvseEvents: the CSMS's verdict decides the EV's Authorization (Ongoing until it
// answers, Rejected refuses), what the EV said becomes EvChargingNeeds (the SCALE -2 and -20 fields
// included), and the station's composite becomes the EVSE's limits (whole seconds, capped by the
// local limit) and the -20 setpoint. The process tests (test/ocpp-processes.test.ts) run it over the wire.
import { describe, expect, it } from 'vitest';
import {
  EvseModel,
  OperatorLimitSource,
  SeccEvse20Adapter,
  SeccEvseAdapter,
  StaticLimitSource,
  StationLink,
  exampleEvseConfig,
  type AuthorizationResult,
  type EvChargingNeeds,
  type EvseScheduleUpdate,
  type StationEvseEvents,
} from '../src/index.js';

const T0 = 1_700_000_000_000;

class Events implements StationEvseEvents {
  readonly evseId = 1;
  readonly calls: string[] = [];
  readonly needs: EvChargingNeeds[] = [];
  answer: ((r: AuthorizationResult) => void) | undefined;
  plugIn(): void {
    this.calls.push('plugIn');
  }
  unplug(): void {
    this.calls.push('unplug');
  }
  authorize(token: { idToken: string; type?: string; evccId?: string }): Promise<AuthorizationResult> {
    this.calls.push(`authorize ${token.idToken} ${token.type} ${token.evccId}`);
    return new Promise((resolve) => (this.answer = resolve));
  }
  iso15118SessionStarted(s: { sessionId: string; protocol: string; evccId?: string }): void {
    this.calls.push(`session ${s.sessionId} ${s.protocol} ${s.evccId}`);
  }
  chargingNeeds(needs: EvChargingNeeds): Promise<string> {
    this.needs.push(needs);
    return Promise.resolve('Accepted');
  }
  evChargingSchedule(): Promise<string> {
    this.calls.push('evChargingSchedule');
    return Promise.resolve('Accepted');
  }
  chargingState(state: string): void {
    this.calls.push(`state ${state}`);
  }
  stop(reason?: string): void {
    this.calls.push(`stop ${reason}`);
  }
}

function setup(local: ConstructorParameters<typeof StaticLimitSource>[0] = {}) {
  const clock = { t: T0, now() { return this.t; } };
  const limits = new OperatorLimitSource(new StaticLimitSource(local));
  const model = new EvseModel(exampleEvseConfig(), clock, limits);
  const adapter = new SeccEvseAdapter(model, clock, { evseId: 'DE*V2X*E12345*1' });
  const adapter20 = new SeccEvse20Adapter(model, clock, { evseId: 'DE*V2X*E12345*1' });
  const log: string[] = [];
  const link = new StationLink({ model, clock, adapter, adapter20, limits, log: (l) => log.push(l) });
  const events = new Events();
  link.attach(events, { cable: false });
  return { clock, limits, model, adapter, adapter20, link, events, log };
}

const sessionSetup = (link: StationLink, protocol: 'iso15118-2' | 'iso15118-20' = 'iso15118-2') =>
  link.request({
    protocol,
    sessionId: '0A1B2C3D4E5F6071',
    name: 'SessionSetupReq',
    body: protocol === 'iso15118-20' ? { SessionSetupReq: { EVCCID: 'WMIV2XEVCC0001' } } : { V2G_Message: { Body: { SessionSetupReq: { EVCCID: '02005600A1B2' } } } },
  });

const flush = () => new Promise((r) => setImmediate(r));

function update(pMax: { startS: number; pMaxW: number; durationS?: number }[], scheduleStart: number, now: EvseScheduleUpdate['now'], discharge?: { startS: number; pMinW: number }[]): EvseScheduleUpdate {
  return {
    evseId: 1,
    composite: { evseId: 1, scheduleStart, duration: 86_400, chargingRateUnit: 'W', chargingSchedulePeriod: [{ startPeriod: 0, limit: pMax[0]!.pMaxW }] },
    iso15118: { pMax, ...(discharge ? { discharge } : {}) },
    now,
    cause: 'profile',
  };
}

describe('StationLink', () => {
  it('the session plugs in and starts; -2 Authorization is Ongoing until the CSMS answers, Accepted then', async () => {
    const { link, events, adapter } = setup();
    sessionSetup(link);
    expect(events.calls).toEqual(['plugIn', 'session 0A1B2C3D4E5F6071 iso15118-2 02005600A1B2']);
    expect(adapter.authorization()).toBe('Ongoing');
    // the default token: the EVCCID as a MacAddress token, the EVCCID in additionalInfo
    expect(events.calls.at(-1)).toBe('authorize 02005600A1B2 MacAddress 02005600A1B2');
    expect(adapter.authorization()).toBe('Ongoing');
    events.answer!({ status: 'Accepted', accepted: true });
    await flush();
    expect(adapter.authorization()).toBe('Finished');
    expect(events.calls.filter((c) => c.startsWith('authorize'))).toHaveLength(1);
  });

  it('Rejected: -2 flags the refusal (the SECC answers FAILED), -20 answers Rejected; the driver’s card goes instead of the EVCCID', async () => {
    const a = setup();
    sessionSetup(a.link);
    a.adapter.authorization();
    a.events.answer!({ status: 'Invalid', accepted: false });
    await flush();
    expect(a.adapter.authorization()).toBe('Ongoing');
    expect(a.adapter.authorizationRejected).toBe(true);
    expect(a.adapter.state).toBe('rejected');

    const b = setup();
    b.link.authorizeDriver({ idToken: 'CARD-1' });
    sessionSetup(b.link, 'iso15118-20');
    expect(b.adapter20.authorize({ service: 'EIM' })).toBe('Ongoing');
    expect(b.events.calls.at(-1)).toBe('authorize CARD-1 ISO14443 WMIV2XEVCC0001');
    b.events.answer!({ status: 'Blocked', accepted: false });
    await flush();
    expect(b.adapter20.authorize({ service: 'EIM' })).toBe('Rejected');
  });

  it('a remote start authorises the next session without an Authorize of its own', () => {
    const { link, events, adapter } = setup();
    link.remoteStart({ idToken: 'REMOTE-1' });
    sessionSetup(link);
    expect(adapter.authorization()).toBe('Finished');
    expect(events.calls.some((c) => c.startsWith('authorize'))).toBe(false);
  });

  it('-2 ChargeParameterDiscoveryReq (SCALE fields) → EvChargingNeeds in SI units', () => {
    const { link, events, clock } = setup();
    sessionSetup(link);
    link.chargeNeeds2({
      transferMode: 'AC_three_phase_core',
      departureTimeS: 3600,
      energyRequestWh: 20_000,
      maxPowerW: 11_000,
      maxCurrentA: 16,
      maxVoltageV: 400,
      raw: {
        MaxEntriesSAScheduleTuple: 12,
        RequestedEnergyTransferMode: 'AC_three_phase_core',
        AC_EVChargeParameter: {
          EAmount: { Value: 20, Multiplier: 3, Unit: 'Wh' },
          EVMinCurrent: { Value: 6, Multiplier: 0, Unit: 'A' },
          EVMinEnergyRequest: { Value: 5, Multiplier: 3, Unit: 'Wh' },
          EVMaxEnergyRequest: { Value: 40, Multiplier: 3, Unit: 'Wh' },
          EVMinSoc: 20,
          EVMaxSoc: 90,
        },
      },
    });
    expect(events.needs[0]).toEqual({
      protocol: 'iso15118-2',
      energyTransfer: 'AC_three_phase',
      controlMode: 'Scheduled',
      departureTime: clock.t + 3_600_000,
      maxScheduleTuples: 12,
      energyAmountWh: 20_000,
      minEnergyWh: 5000,
      maxEnergyWh: 40_000,
      maxChargePowerW: 11_000,
      minCurrentA: 6,
      maxCurrentA: 16,
      maxVoltageV: 400,
      minSoc: 20,
      maxSoc: 90,
    });
  });

  it('-20 ScheduleExchange → needs with the BPT limits, V2X energy and the SCALE V2X fields', () => {
    const { link, events } = setup();
    sessionSetup(link, 'iso15118-20');
    link.scheduleRequest20({
      service: 'DC_BPT',
      controlMode: 'Dynamic',
      ev: { service: 'DC_BPT', maxChargePower: 50_000, minChargePower: 0, maxChargeCurrent: 125, maxVoltage: 450, maxDischargePower: 9000, minDischargePower: 0, remainingV2GEnergyWh: 5000, roundTripEfficiency: 0.9 },
      renegotiation: false,
      maximumSupportingPoints: 24,
      targetEnergyWh: 30_000,
      minEnergyWh: 10_000,
      maxEnergyWh: 40_000,
      maxV2XEnergyWh: 40_000,
      minV2XEnergyWh: -5000,
      raw: {} as never,
    });
    expect(events.needs[0]).toMatchObject({
      protocol: 'iso15118-20',
      energyTransfer: 'DC_BPT',
      controlMode: 'Dynamic',
      maxScheduleTuples: 24,
      energyAmountWh: 30_000,
      minV2XEnergyWh: -5000,
      maxDischargePowerW: 9000,
      remainingV2XEnergyWh: 5000,
      roundTripEfficiency: 0.9,
    });
  });

  it('the composite becomes the limit source (whole seconds, capped by the local limit, a new revision); the setpoint goes to the -20 adapter', () => {
    const { link, limits, model, adapter20, clock } = setup({ maxPowerW: 100_000 });
    const before = limits.revision;
    // the composite started 10.4 s ago: 30 kW for 60 s, then 120 kW
    link.applySchedule(update([{ startS: 0, pMaxW: 30_000, durationS: 60 }, { startS: 60, pMaxW: 120_000 }], clock.t - 10_400, { operationMode: 'CentralSetpoint', maxPowerW: 30_000, setpointW: -8000 }, [{ startS: 0, pMinW: -9000 }]));
    expect(limits.revision).toBeGreaterThan(before);
    const limit = model.currentLimit();
    expect(limit.maxPowerW).toBe(30_000);
    expect(limit.maxDischargePowerW).toBe(9000);
    expect(limit.schedule).toEqual([
      { startS: 0, pMaxW: 30_000, durationS: 50 },
      { startS: 50, pMaxW: 100_000 },
    ]);
    expect(adapter20.setpointW).toBe(-8000);
    // the same schedule again: no new revision (no renegotiation)
    const rev = limits.revision;
    link.applySchedule(update([{ startS: 0, pMaxW: 30_000, durationS: 60 }, { startS: 60, pMaxW: 120_000 }], clock.t - 10_400, { operationMode: 'CentralSetpoint', maxPowerW: 30_000, setpointW: -8000 }, [{ startS: 0, pMinW: -9000 }]));
    expect(limits.revision).toBe(rev);
  });

  it('the EV stopping ends the transaction; the end of the connection is the unplug (no cable socket)', () => {
    const { link, events } = setup();
    sessionSetup(link);
    link.request({ protocol: 'iso15118-2', sessionId: '0A1B2C3D4E5F6071', name: 'PowerDeliveryReq', body: { V2G_Message: { Body: { PowerDeliveryReq: { ChargeProgress: 'Start', SAScheduleTupleID: 1, ChargingProfile: { ProfileEntry: [{ ChargingProfileEntryStart: 0, ChargingProfileEntryMaxPower: { Value: 11, Multiplier: 3, Unit: 'W' } }] } } } } } });
    link.request({ protocol: 'iso15118-2', sessionId: '0A1B2C3D4E5F6071', name: 'CurrentDemandReq', body: { V2G_Message: { Body: { CurrentDemandReq: { DC_EVStatus: { EVRESSSOC: 42 } } } } } });
    expect(link.meter().soc).toBe(42);
    link.request({ protocol: 'iso15118-2', sessionId: '0A1B2C3D4E5F6071', name: 'SessionStopReq', body: { V2G_Message: { Body: { SessionStopReq: { ChargingSession: 'Terminate' } } } } });
    link.sessionEnded({ reason: 'stopped' });
    expect(events.calls.slice(2)).toEqual(['state Charging', 'evChargingSchedule', 'state EVConnected', 'stop StoppedByEV', 'unplug']);
  });
});
