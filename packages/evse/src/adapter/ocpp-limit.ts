// The limit source of an EVSE run by an OCPP station: the composite schedule of the CSMS's
// charging profiles (K08: the station stacks and combines them; `applySchedule` hands it over in
// W), capped by the local configuration (the static limit source: the site's own maximum). It
// replaces the static source under the operator's cap (OperatorLimitSource.setInner), so the SECC
// adapters see one plan: -2 offers it as the PMaxSchedule and asks for ReNegotiation when its
// revision moves; -20 Scheduled renegotiates, -20 Dynamic reads the limit in force every loop.
import type { EvseLimit, LimitSource } from '../model/limits.js';
import { activePMaxScheduleEntry, rebasePMaxSchedule, type PMaxScheduleEntry } from '../model/schedule.js';
import type { EvseScheduleUpdate } from '../station/ports.js';
import type { RevisedLimitSource } from './operator-limit.js';

export class OcppLimitSource implements RevisedLimitSource {
  private update: EvseScheduleUpdate | undefined;
  private key: string | undefined;
  private rev = 0;

  constructor(private readonly local: LimitSource) {}

  get revision(): number {
    return this.rev + ((this.local as Partial<RevisedLimitSource>).revision ?? 0);
  }

  /** the station's last schedule update */
  get schedule(): EvseScheduleUpdate | undefined {
    return this.update;
  }

  /** The station's composite changed. Returns whether the limits did (a new revision: renegotiation). */
  apply(update: EvseScheduleUpdate): boolean {
    const key = JSON.stringify({ start: update.composite.scheduleStart, pMax: update.iso15118.pMax, discharge: update.iso15118.discharge ?? null });
    this.update = update;
    if (key === this.key) return false;
    this.key = key;
    this.rev++;
    return true;
  }

  restartSchedule(simTime: number): void {
    (this.local as LimitSource & { restartSchedule?: (t: number) => void }).restartSchedule?.(simTime);
  }

  currentLimit(simTime: number): EvseLimit {
    const local = this.local.currentLimit(simTime);
    const u = this.update;
    if (!u) return local;
    const elapsedS = Math.max(0, (simTime - u.composite.scheduleStart) / 1000);
    const entries: PMaxScheduleEntry[] = u.iso15118.pMax.map((e) => ({ startS: e.startS, pMaxW: e.pMaxW, ...(e.durationS !== undefined ? { durationS: e.durationS } : {}) }));
    const active = activePMaxScheduleEntry(entries, elapsedS);
    const cap = local.maxPowerW ?? Infinity;
    const limit: EvseLimit = { ...local };
    if (active) limit.maxPowerW = Math.min(active.pMaxW, cap);
    // whole seconds, as ISO 15118 schedules are (the composite started at a whole second, now is not)
    const ahead = rebasePMaxSchedule(entries, elapsedS).map((e) => ({
      startS: Math.round(e.startS),
      pMaxW: Math.min(e.pMaxW, cap),
      ...(e.durationS !== undefined ? { durationS: Math.max(1, Math.round(e.durationS)) } : {}),
    }));
    if (ahead.length > 0) limit.schedule = ahead;
    // the discharge limit of a V2X period in force (W ≤ 0 in OCPP's sign). Outside V2X periods the
    // hardware's discharge limits stay what ChargeParameterDiscovery announces (a -20 BPT session
    // needs them); whether energy flows back is the setpoint's business (the -20 adapter).
    const discharge = u.iso15118.discharge?.find((d) => d.startS <= elapsedS && (d.durationS === undefined || elapsedS < d.startS + d.durationS));
    if (discharge) limit.maxDischargePowerW = Math.min(-discharge.pMinW, local.maxDischargePowerW ?? Infinity);
    return limit;
  }
}
