// The wiring between the EVSE's SECC and its OCPP station (issue 5 item 4): what the SECC learns
// from the EV goes to the station (StationEvseEvents: session start, cable, authorisation,
// charging needs, the EV's own schedule, charging state, SoC), and what the CSMS decides comes back
// (StationEvsePort: the composite schedule into the EVSE's limit source and the -20 setpoint,
// remote start and stop, the meter). SCALE D2.3 §11.3 is the mapping; the station turns it into
// OCPP 1.6 / 2.0.1 / 2.1 messages.
import type { iso20 } from '@v2xsim/iso15118';
import type { ChargeNeeds2, SeccBackend } from '../adapter/backend.js';
import { OcppLimitSource } from '../adapter/ocpp-limit.js';
import type { OperatorLimitSource } from '../adapter/operator-limit.js';
import type { SeccEvseAdapter } from '../adapter/secc-evse.js';
import type { SeccEvse20Adapter } from '../adapter/secc-evse20.js';
import type { Clock } from '../model/clock.js';
import type { EvseModel } from '../model/evse-model.js';
import type { SeccRequestEvent, SeccSessionEnd } from '../secc/server.js';
import type { EnergyTransfer, EvChargingNeeds, EvseMeterSample, EvseScheduleUpdate, Iso15118Protocol, StationEvseEvents, StationEvsePort, StationStopReason } from '../station/ports.js';

export interface StationLinkOptions {
  model: EvseModel;
  clock: Clock;
  adapter: SeccEvseAdapter;
  adapter20: SeccEvse20Adapter;
  /** the operator's cap: the OCPP limit source goes underneath it */
  limits: OperatorLimitSource;
  /** EIM: the id token sent in Authorize (default the EVCCID as a MacAddress token) */
  idToken?: string;
  log(line: string): void;
}

type Verdict = 'Accepted' | 'Ongoing' | 'Rejected';

interface LinkedSession {
  sessionId: string;
  protocol: Iso15118Protocol;
  evccId?: string;
  payment: 'EIM' | 'PnC';
  emaid?: string;
  verdict?: Verdict;
  stopped: boolean;
}

interface PhysicalValue {
  Value: number;
  Multiplier?: number;
  Exponent?: number;
}

const pv = (v: PhysicalValue | undefined): number | undefined => (v === undefined ? undefined : v.Value * 10 ** (v.Multiplier ?? v.Exponent ?? 0));
const hex = (v: unknown): string | undefined => (typeof v === 'string' ? v : v instanceof Uint8Array ? Buffer.from(v).toString('hex').toUpperCase() : undefined);
const defined = <T extends object>(o: T): T => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;

/** The body of a -2/DIN V2G_Message or a -20 message: the request element. */
function requestOf(e: SeccRequestEvent): Record<string, unknown> | undefined {
  const doc = e.body as { V2G_Message?: { Body?: Record<string, unknown> } } & Record<string, unknown>;
  const element = e.protocol === 'iso15118-20' ? doc[e.name] : doc.V2G_Message?.Body?.[e.name];
  return element !== null && typeof element === 'object' ? (element as Record<string, unknown>) : undefined;
}

export class StationLink implements StationEvsePort, SeccBackend {
  /** the EVSE's limits under OCPP: the station's composite, capped by the local configuration */
  readonly source: OcppLimitSource;
  private events: StationEvseEvents | undefined;
  private session: LinkedSession | undefined;
  /** the driver's token from the control API (authorize {idToken}) */
  private driverToken: { idToken: string; type: string } | undefined;
  /** RequestStartTransaction / RemoteStartTransaction accepted before the EV's session */
  private remoteAuthorized = false;
  private plugged = false;
  private soc: number | undefined;
  private ocppSetpoint: number | undefined;
  private lastReading: { t: number; netWh: number; powerW: number } | undefined;
  private cable = false;

  constructor(private readonly o: StationLinkOptions) {
    this.source = new OcppLimitSource(o.limits.inner);
    o.limits.setInner(this.source);
  }

  /** The station's events for this EVSE; `cable`: plug-in and unplug come from the cable socket. */
  attach(events: StationEvseEvents, options: { cable: boolean }): void {
    this.events = events;
    this.cable = options.cable;
    this.o.adapter.backend = this;
    this.o.adapter20.backend = this;
  }

  // --- the cable ---------------------------------------------------------------------------

  plugIn(): void {
    if (this.plugged) return;
    this.plugged = true;
    this.events?.plugIn();
  }

  unplug(): void {
    if (!this.plugged) return;
    this.plugged = false;
    this.soc = undefined;
    this.events?.unplug();
  }

  /** The control API's authorize with an id token: the driver's card, for the present or next session. */
  authorizeDriver(token: { idToken: string; type?: string }): void {
    this.driverToken = { idToken: token.idToken, type: token.type ?? 'ISO14443' };
    const s = this.session;
    // a new token asks the CSMS again
    if (s && s.verdict !== 'Accepted') s.verdict = undefined;
  }

  // --- StationEvsePort ---------------------------------------------------------------------

  meter(): EvseMeterSample {
    const r = this.o.model.meter.read();
    const netWh = r.importedWh - r.exportedWh;
    const stage = this.o.model.dc;
    let powerW: number;
    if (stage && stage.mode === 'CurrentDemand') powerW = stage.presentPowerW;
    else {
      // AC (or idle): the mean power since the previous reading
      const last = this.lastReading;
      const dt = last ? r.timestamp - last.t : 0;
      powerW = last && dt > 0 ? ((netWh - last.netWh) * 3_600_000) / dt : (last?.powerW ?? 0);
    }
    this.lastReading = { t: r.timestamp, netWh, powerW };
    return { importedWh: r.importedWh, exportedWh: r.exportedWh, powerW: Math.round(powerW * 10) / 10, ...(this.soc !== undefined ? { soc: this.soc } : {}), timestamp: r.timestamp };
  }

  applySchedule(update: EvseScheduleUpdate): void {
    const changed = this.source.apply(update);
    // -20: the CSMS's setpoint (CentralSetpoint, negative = discharge) is the EVSE's setpoint:
    // Dynamic follows it at the next loop, a Scheduled session renegotiates (SecEvse20Adapter)
    const sp = update.now.setpointW;
    if (sp !== this.ocppSetpoint) {
      this.ocppSetpoint = sp;
      this.o.adapter20.setSetpointW(sp);
    }
    if (changed) {
      const limit = update.now.maxPowerW;
      this.o.log(`ocpp: schedule for EVSE ${update.evseId} (${update.cause})${limit !== undefined ? `: ${Math.round(limit)} W now` : ''}${sp !== undefined ? `, setpoint ${Math.round(sp)} W` : ''}`);
    }
  }

  remoteStart(_request: { idToken: string; remoteStartId?: number; connectorId?: number }): void {
    const s = this.session;
    // the CSMS authorised: no Authorize of its own (the station already counts it as authorised)
    if (s && !s.stopped) s.verdict = 'Accepted';
    else this.remoteAuthorized = true;
    if (this.o.adapter20.sessionActive) this.o.adapter20.authorizeDriver();
    else if (this.o.adapter.sessionActive) this.o.adapter.authorize();
    else {
      this.o.adapter.authorize();
      this.o.adapter20.authorizeDriver();
    }
  }

  stopCharging(reason: StationStopReason): void {
    // -2 EVSENotification StopCharging, -20 Terminate: the EV ends the session
    const stopped = this.o.adapter20.stop() || this.o.adapter.stop();
    if (stopped) this.o.log(`ocpp: stop charging (${reason})`);
    else {
      // no session yet: a remote start that was held for the next EV is withdrawn
      this.remoteAuthorized = false;
      this.o.adapter.revokePreAuthorization();
      this.o.adapter20.revokePreAuthorization();
    }
  }

  // --- SeccBackend ---------------------------------------------------------------------------

  verdict(request: { service: 'EIM' } | { service: 'PnC'; emaid?: string }): Verdict {
    const s = this.session;
    const events = this.events;
    if (!s || !events) return 'Accepted';
    if (request.service === 'PnC') {
      s.payment = 'PnC';
      if (request.emaid) s.emaid = request.emaid;
    }
    if (s.verdict !== undefined) return s.verdict;
    s.verdict = 'Ongoing';
    const token =
      s.payment === 'PnC' && s.emaid
        ? { idToken: s.emaid, type: 'eMAID' }
        : (this.driverToken ?? (this.o.idToken !== undefined ? { idToken: this.o.idToken, type: 'ISO14443' } : { idToken: s.evccId ?? 'UNKNOWN', type: 'MacAddress' }));
    events
      .authorize({ ...token, ...(s.evccId ? { evccId: s.evccId } : {}) })
      .then((r) => {
        if (this.session !== s) return;
        s.verdict = r.accepted ? 'Accepted' : 'Rejected';
        this.o.log(`ocpp: Authorize ${token.idToken} (${token.type}): ${r.status}`);
      })
      .catch((e: unknown) => {
        if (this.session !== s) return;
        s.verdict = 'Rejected';
        this.o.log(`ocpp: Authorize ${token.idToken}: ${e instanceof Error ? e.message : String(e)}`);
      });
    return 'Ongoing';
  }

  chargeNeeds2(needs: ChargeNeeds2): void {
    const raw = (needs.raw ?? {}) as { MaxEntriesSAScheduleTuple?: number; AC_EVChargeParameter?: Record<string, unknown>; DC_EVChargeParameter?: Record<string, unknown> };
    const ac = raw.AC_EVChargeParameter as Record<string, PhysicalValue & number> | undefined;
    const dc = raw.DC_EVChargeParameter as Record<string, PhysicalValue & number> | undefined;
    const p = ac ?? dc ?? {};
    const energyTransfer: EnergyTransfer = needs.transferMode === 'AC_single_phase_core' ? 'AC_single_phase' : needs.transferMode === 'AC_three_phase_core' ? 'AC_three_phase' : 'DC';
    if (needs.soc !== undefined) this.soc = needs.soc;
    this.needs(
      defined<EvChargingNeeds>({
        protocol: this.session?.protocol ?? 'iso15118-2',
        energyTransfer,
        controlMode: 'Scheduled',
        departureTime: needs.departureTimeS !== undefined ? this.o.clock.now() + needs.departureTimeS * 1000 : undefined,
        maxScheduleTuples: raw.MaxEntriesSAScheduleTuple,
        energyAmountWh: needs.energyRequestWh,
        // SCALE -2 (D2.3 §9.1): the EV's energy window and SoC limits
        minEnergyWh: pv(p.EVMinEnergyRequest),
        maxEnergyWh: pv(p.EVMaxEnergyRequest),
        maxChargePowerW: needs.maxPowerW,
        minCurrentA: pv(ac?.EVMinCurrent),
        maxCurrentA: needs.maxCurrentA,
        maxVoltageV: needs.maxVoltageV,
        soc: needs.soc,
        minSoc: typeof p.EVMinSoc === 'number' ? p.EVMinSoc : undefined,
        maxSoc: typeof p.EVMaxSoc === 'number' ? p.EVMaxSoc : typeof dc?.FullSOC === 'number' ? dc.FullSOC : undefined,
        bulkSoc: typeof dc?.BulkSOC === 'number' ? dc.BulkSOC : undefined,
        batteryCapacityWh: pv(dc?.EVEnergyCapacity),
      }),
    );
  }

  evLimits20(_ev: iso20.EvLimits20): void {
    // the needs go with ScheduleExchange, which has the EV's limits and its energy requests
  }

  scheduleRequest20(r: iso20.ScheduleRequest20): void {
    const ev = r.ev;
    const energyTransfer: EnergyTransfer = r.service === 'AC' ? (this.o.adapter20.acConnector === 'SinglePhase' ? 'AC_single_phase' : 'AC_three_phase') : r.service;
    this.needs(
      defined<EvChargingNeeds>({
        protocol: 'iso15118-20',
        energyTransfer,
        controlMode: r.controlMode,
        mobilityNeedsMode: 'EVCC',
        departureTime: r.departureTimeS !== undefined ? this.o.clock.now() + r.departureTimeS * 1000 : undefined,
        maxScheduleTuples: r.maximumSupportingPoints,
        energyAmountWh: r.targetEnergyWh,
        minEnergyWh: r.minEnergyWh,
        maxEnergyWh: r.maxEnergyWh,
        minV2XEnergyWh: r.minV2XEnergyWh,
        maxV2XEnergyWh: r.maxV2XEnergyWh,
        minChargePowerW: ev.minChargePower,
        maxChargePowerW: ev.maxChargePower,
        minDischargePowerW: ev.minDischargePower,
        maxDischargePowerW: ev.maxDischargePower,
        minCurrentA: ev.minChargeCurrent,
        maxCurrentA: ev.maxChargeCurrent,
        minDischargeCurrentA: ev.minDischargeCurrent,
        maxDischargeCurrentA: ev.maxDischargeCurrent,
        minVoltageV: ev.minVoltage,
        maxVoltageV: ev.maxVoltage,
        soc: this.soc,
        minSoc: r.minimumSoc,
        targetSoc: r.targetSoc ?? ev.targetSoc,
        // SCALE -20 (D2.3 §9.2)
        remainingV2XEnergyWh: ev.remainingV2GEnergyWh,
        roundTripEfficiency: ev.roundTripEfficiency,
      }),
    );
  }

  evPowerProfile20(profile: readonly { durationS: number; powerW: number }[]): void {
    let t = 0;
    const entries = profile.map((e) => {
      const entry = { startS: t, powerW: e.powerW };
      t += e.durationS;
      return entry;
    });
    this.evSchedule({ timeBase: this.o.clock.now(), entries });
  }

  // --- what the SECC saw ---------------------------------------------------------------------

  /** Every request the SECC handled: the session, payment, SoC, power delivery, the EV's profile. */
  request(e: SeccRequestEvent): void {
    const events = this.events;
    if (!events) return;
    const req = requestOf(e);
    switch (e.name) {
      case 'SessionSetupReq': {
        const protocol: Iso15118Protocol = e.protocol;
        const evccId = hex(req?.EVCCID);
        this.session = { sessionId: e.sessionId, protocol, ...(evccId ? { evccId } : {}), payment: 'EIM', stopped: false, ...(this.remoteAuthorized ? { verdict: 'Accepted' as const } : {}) };
        this.remoteAuthorized = false;
        // without a cable socket the V2G session is the plug (the EV talks only when plugged in)
        if (!this.cable) this.plugIn();
        events.iso15118SessionStarted({ sessionId: e.sessionId, protocol, ...(evccId ? { evccId } : {}) });
        return;
      }
      case 'PaymentServiceSelectionReq':
        if (this.session && req?.SelectedPaymentOption === 'Contract') this.session.payment = 'PnC';
        return;
      case 'PaymentDetailsReq':
        if (this.session && typeof req?.eMAID === 'string') this.session.emaid = req.eMAID;
        return;
      case 'CurrentDemandReq':
      case 'PreChargeReq': {
        const soc = (req?.DC_EVStatus as { EVRESSSOC?: number } | undefined)?.EVRESSSOC;
        if (typeof soc === 'number') this.soc = soc;
        return;
      }
      case 'DC_ChargeLoopReq':
      case 'AC_ChargeLoopReq': {
        const soc = (req?.DisplayParameters as { PresentSOC?: number } | undefined)?.PresentSOC;
        if (typeof soc === 'number') this.soc = soc;
        return;
      }
      case 'PowerDeliveryReq':
        this.powerDelivery(e, req ?? {});
        return;
      case 'SessionStopReq': {
        const s = this.session;
        // -2 ChargingSession / -20 ChargingSession: Terminate ends the transaction, Pause keeps it
        if (s && req?.ChargingSession !== 'Pause') {
          s.stopped = true;
          events.chargingState('EVConnected');
          events.stop('StoppedByEV');
        } else events.chargingState('SuspendedEV');
        return;
      }
      default:
        return;
    }
  }

  private powerDelivery(e: SeccRequestEvent, req: Record<string, unknown>): void {
    const events = this.events!;
    switch (req.ChargeProgress) {
      case 'Start': {
        events.chargingState('Charging');
        // -2: the EV's ChargingProfile (its own plan within the SAScheduleTuple it chose)
        const profile = (req.ChargingProfile as { ProfileEntry?: { ChargingProfileEntryStart: number; ChargingProfileEntryMaxPower: PhysicalValue }[] } | undefined)?.ProfileEntry;
        if (e.protocol !== 'iso15118-20' && profile && profile.length > 0) {
          this.evSchedule({
            timeBase: this.o.clock.now(),
            ...(typeof req.SAScheduleTupleID === 'number' ? { selectedScheduleId: req.SAScheduleTupleID } : {}),
            entries: profile.map((p) => ({ startS: p.ChargingProfileEntryStart, powerW: pv(p.ChargingProfileEntryMaxPower) ?? 0 })),
          });
        }
        return;
      }
      case 'Standby':
        events.chargingState('SuspendedEV');
        return;
      case 'Stop':
        events.chargingState('EVConnected');
        return;
      default:
        // Renegotiate / ScheduleRenegotiation: the energy keeps flowing meanwhile
        return;
    }
  }

  /** The SECC's connection ended: without a cable socket that is the unplug. */
  sessionEnded(end: SeccSessionEnd): void {
    const s = this.session;
    this.session = undefined;
    if (!this.events) return;
    if (end.reason === 'paused') {
      this.events.chargingState('SuspendedEV');
      return;
    }
    if (s && !s.stopped) this.events.stop(end.reason === 'stopped' ? 'StoppedByEV' : 'EVDisconnected');
    if (!this.cable) this.unplug();
  }

  private needs(needs: EvChargingNeeds): void {
    this.events
      ?.chargingNeeds(needs)
      .then((status) => this.o.log(`ocpp: NotifyEVChargingNeeds: ${status}`))
      .catch((e: unknown) => this.o.log(`ocpp: NotifyEVChargingNeeds: ${e instanceof Error ? e.message : String(e)}`));
  }

  private evSchedule(schedule: { timeBase: number; selectedScheduleId?: number; entries: { startS: number; powerW: number }[] }): void {
    this.events?.evChargingSchedule(schedule).catch((e: unknown) => this.o.log(`ocpp: NotifyEVChargingSchedule: ${e instanceof Error ? e.message : String(e)}`));
  }
}

