// Test doubles for the -20 cores: an EVSE and an EV behind the ports, and a loop that runs an
// EVCC against an SECC with every message through the real EXI codecs, chosen the way the shells
// choose them (codec + V2GTP payload type of each step/reply).
import { expect } from 'vitest';
import { getCodec } from '@v2xsim/exi';
import { APP_PROTOCOLS, type AppProtocolId } from '../../src/app-protocol.js';
import * as iso20 from '../../src/iso20/index.js';

export const protocol = (id: AppProtocolId) => APP_PROTOCOLS[id];

/** Encode with the sender's codec; decode with the codec the receiver picks from the payload type. */
export function wire(protocolId: AppProtocolId, m: iso20.Iso20Message, codec: string, payloadType: number): iso20.Iso20Message {
  const rx = iso20.codecForPayloadType(protocol(protocolId), payloadType);
  expect(rx).toBe(codec);
  return getCodec(rx!).decode(getCodec(codec).encode(m as never)) as unknown as iso20.Iso20Message;
}

export class TestEvse implements iso20.SeccEvse20 {
  evseId = 'DE*V2X*E1';
  services: iso20.EnergyService[] = ['AC', 'AC_BPT', 'DC', 'DC_BPT'];
  controlModes: iso20.ControlMode[] = ['Scheduled', 'Dynamic'];
  authorizationServices: ('EIM' | 'PnC')[] = ['PnC', 'EIM'];
  pricing: iso20.Pricing = 'PriceLevels';
  standbyAllowed = true;
  /** Ongoing answers before Accepted */
  authOngoing = 1;
  verdict: 'Accepted' | 'Rejected' = 'Accepted';
  authRequests: iso20.AuthorizationRequest20[] = [];
  scheduleOngoing = 1;
  scheduleRequests: iso20.ScheduleRequest20[] = [];
  evLimits?: iso20.EvLimits20;
  /** Dynamic: the power the grid asks for, W (negative = from the EV) */
  setpointW = 50000;
  /** Dynamic DC: ignore the EV's limits (a faulty EVSE) */
  ignoreEvLimits = false;
  /** one per charge loop response, then None */
  notifications: iso20.EvseNotification20[] = [];
  importedWh = 0;
  exportedWh = 0;
  powerDeliveries: string[] = [];
  loopStandby: boolean[] = [];
  stopped?: string;
  metering: iso20.MeteringConfirmation20[] = [];
  price: iso20.PriceSchedule20 = { kind: 'PriceLevels', id: 7, numberOfPriceLevels: 3, entries: [{ durationS: 1800, priceLevel: 0 }, { durationS: 1800, priceLevel: 2 }] };
  schedulePowerW = 40000;

  authorize(r: iso20.AuthorizationRequest20) {
    this.authRequests.push(r);
    if (this.authOngoing-- > 0) return 'Ongoing' as const;
    return this.verdict;
  }
  acLimits = () => ({ nominalVoltage: 230, nominalFrequency: 50, maxChargePower: 22000, minChargePower: 0, maxDischargePower: 11000, minDischargePower: 0 });
  dcLimits = () => ({ maxVoltage: 900, minVoltage: 150, maxCurrent: 200, minCurrent: 0, maxPower: 100000, maxDischargePower: 50000, maxDischargeCurrent: 100 });
  evParameters = (ev: iso20.EvLimits20) => void (this.evLimits = ev);
  scheduleExchange(r: iso20.ScheduleRequest20): iso20.ScheduleOffer20 | 'Ongoing' {
    this.scheduleRequests.push(r);
    if (this.scheduleOngoing-- > 0) return 'Ongoing';
    if (r.controlMode === 'Dynamic') return { controlMode: 'Dynamic', departureTimeS: 7200, minimumSoc: 20, targetSoc: 80, price: this.price };
    const p = r.renegotiation ? this.schedulePowerW / 2 : this.schedulePowerW;
    return {
      controlMode: 'Scheduled',
      tuples: [
        {
          id: r.renegotiation ? 2 : 1,
          charging: { entries: [{ durationS: 3600, powerW: p }, { durationS: 3600, powerW: p / 2 }], price: this.price },
          discharging: { entries: [{ durationS: 7200, powerW: -10000 }] },
        },
      ],
    };
  }
  cableCheck = () => 'Finished' as const;
  preCharge = (v: number) => v;
  powerDelivery(progress: string, info: { channel?: string }) {
    this.powerDeliveries.push(info.channel ? `${progress}:${info.channel}` : progress);
    return true;
  }
  dcChargeLoop(d: iso20.DcLoopDemand): iso20.DcOutput20 {
    this.loopStandby.push(d.standby);
    let i: number;
    if (d.standby) i = 0;
    else if (d.controlMode === 'Scheduled') i = d.targetCurrent!;
    else if (this.setpointW < 0) i = this.ignoreEvLimits ? this.setpointW / d.presentVoltage : -Math.min(-this.setpointW / d.presentVoltage, d.maxDischargeCurrent ?? 0, (d.maxDischargePower ?? 0) / d.presentVoltage);
    else i = Math.min(this.setpointW / d.presentVoltage, d.maxChargeCurrent ?? 0);
    this.account(d.presentVoltage * i);
    return { presentVoltage: d.presentVoltage, presentCurrent: i, currentLimitAchieved: false, voltageLimitAchieved: false, powerLimitAchieved: false };
  }
  acChargeLoop(d: iso20.AcLoopDemand): iso20.AcOutput20 {
    this.loopStandby.push(d.standby);
    this.account(d.presentActivePower);
    return { ...(d.controlMode === 'Dynamic' ? { targetActivePower: d.standby ? 0 : this.setpointW } : {}), presentActivePower: d.presentActivePower };
  }
  private account(w: number) {
    const wh = (w * 10) / 3600;
    if (wh >= 0) this.importedWh += wh;
    else this.exportedWh -= wh;
  }
  notification = () => this.notifications.shift() ?? 'None';
  weldingDetection = () => 0;
  meter = () => ({ meterId: 'M1', importedWh: this.importedWh, exportedWh: this.exportedWh });
  meteringConfirmation = (m: iso20.MeteringConfirmation20) => void this.metering.push(m);
  sessionStopped = (r: string) => void (this.stopped = r);
}

export class TestEv implements iso20.EvccEv20 {
  evccId = '0a0b0c0d0e0f';
  loops = 0;
  soc = 50;
  currents: number[] = [];
  acTargets: { targetActivePowerW?: number; requestedActivePowerW?: number; evsePresentActivePowerW?: number }[] = [];
  acPowerW = 0;
  schedules: iso20.EvSchedule20[] = [];
  meters: iso20.MeterInfo[] = [];
  opened?: string;
  discharge = true;
  stop: 'Terminate' | 'Pause' = 'Terminate';
  renegotiateAt?: number;
  standbyFrom?: number;
  standbyTo?: number;
  /** DC Scheduled target current */
  targetCurrent = 125;
  scale?: { remainingV2GEnergyWh: number; roundTripEfficiency: number } = { remainingV2GEnergyWh: 12000, roundTripEfficiency: 0.87 };

  constructor(
    readonly services: iso20.EnergyService[],
    readonly controlMode: iso20.ControlMode,
    public stopAfter = 4,
  ) {}

  chargeParameters = (): iso20.EvChargeParameters20 => ({
    maxChargePower: 100000, minChargePower: 0, maxChargeCurrent: 250, minChargeCurrent: 0, maxVoltage: 450, minVoltage: 300,
    maxDischargePower: 11000, minDischargePower: 0, maxDischargeCurrent: 30, minDischargeCurrent: 0,
    energyCapacityWh: 60000, soc: this.soc, targetSoc: 80, minimumSoc: 20, departureTimeS: 3600,
    targetEnergyWh: 18000, maxEnergyWh: 30000, minEnergyWh: 0, maxV2XEnergyWh: 30000, minV2XEnergyWh: -12000,
    ...(this.scale ? { scale: this.scale } : {}),
  });
  schedule = (s: iso20.EvSchedule20) => void this.schedules.push(s);
  preChargeTarget = () => ({ voltage: 400 });
  dcRequest = () => ({ presentVoltage: 400, targetVoltage: 400, targetCurrent: this.targetCurrent });
  dcOutput(v: number, i: number) {
    this.currents.push(i);
    this.soc += (v * i * 10) / 3600 / 600;
    this.loops++;
  }
  acPresentPower = () => this.acPowerW;
  acTarget(t: { targetActivePowerW?: number; requestedActivePowerW?: number; evsePresentActivePowerW?: number }) {
    this.acTargets.push(t);
    const s = this.schedules.at(-1);
    // Scheduled without a target: the EV draws what the schedule allows (its first entry)
    this.acPowerW = t.targetActivePowerW ?? (s?.controlMode === 'Scheduled' ? Math.min(11000, s.tuple.charging.entries[0]!.powerW) : 0);
    this.loops++;
  }
  wantsDischarge = () => this.discharge;
  wantsToStop = () => this.loops >= this.stopAfter;
  stopMode = () => this.stop;
  wantsRenegotiation() {
    if (this.renegotiateAt !== undefined && this.loops >= this.renegotiateAt) {
      this.renegotiateAt = undefined;
      return true;
    }
    return false;
  }
  wantsStandby = () => this.standbyFrom !== undefined && this.loops >= this.standbyFrom && this.loops < (this.standbyTo ?? Infinity);
  meterInfo = (m: iso20.MeterInfo) => void this.meters.push(m);
  contactorsOpened = (r: string) => void (this.opened = r);
}

export interface Run {
  sent: string[];
  steps: iso20.Evcc20Step[];
  replies: iso20.Secc20Reply[];
  last: iso20.Evcc20Step;
  error?: string;
}

/** Runs the EVCC against the SECC until the session ends, every message over the wire codecs. */
export function run(
  secc: iso20.Secc20Session,
  evcc: iso20.Evcc20Session,
  protocolId: AppProtocolId,
  opts: { maxSteps?: number; tamper?: (request: iso20.Iso20Message, name: string) => iso20.Iso20Message } = {},
): Run {
  const maxSteps = opts.maxSteps ?? 500;
  const sent: string[] = [];
  const steps: iso20.Evcc20Step[] = [];
  const replies: iso20.Secc20Reply[] = [];
  let step = evcc.start();
  while (step.request && steps.length < maxSteps) {
    steps.push(step);
    sent.push(step.name!);
    const request = opts.tamper ? opts.tamper(step.request, step.name!) : step.request;
    const name = iso20.messageName(request)!;
    const reply = secc.handle(wire(protocolId, request, iso20.codecFor(protocol(protocolId), name), iso20.payloadTypeOf(name)));
    replies.push(reply);
    step = evcc.onResponse(wire(protocolId, reply.response, reply.codec, reply.payloadType));
    if (reply.close) break;
  }
  return { sent, steps, replies, last: step, ...(step.error ? { error: step.error } : {}) };
}

/** The sequence with repeats collapsed: ['A', 'B', 'B', 'C'] → ['A', 'B', 'C']. */
export const collapse = (names: string[]): string[] => names.filter((n, i) => n !== names[i - 1]);
