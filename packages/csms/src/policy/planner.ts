// The planner: the glue between the store, the policy and the stations. On every site change (a
// transaction starts or ends, charging needs arrive, the site limit or a setpoint changes) it
// gathers the site's active sessions, asks the policy for each session's power, and sends the
// sessions whose limit changed a TxProfile (one per transaction, replaced in place: same id,
// K01.FR.05). Runs are serialised; changes during a run trigger one more run.
//
// Discharge (2.1, Q): the operator's setpoint for a session goes to the station as a Dynamic
// TxProfile at stackLevel 1 in operationMode CentralSetpoint (setpoint < 0 = discharge, capped by
// dischargeLimit = the EV's and EVSE's discharge power), and later setpoints as
// UpdateDynamicSchedule (K28); PullDynamicScheduleUpdate (K29) gets the current values.
import type { ChargingProfile } from '@v2xsim/ocpp';
import type { CsmsContext, PlannerHooks } from '../context.js';
import { CsmsError } from '../errors.js';
import { clearChargingProfile, nextProfileId, setChargingProfile, updateDynamicSchedule } from '../handlers/smart-charging.js';
import {
  getIdToken,
  latestChargingNeeds,
  listChargingProfiles,
  listMeterValues,
  listTransactions,
  type ChargingNeedsRecord,
  type TransactionRecord,
} from '../store/index.js';
import type { PlanSession, SitePlan, SmartChargingPolicy } from './policy.js';

const BPT_MODES = new Set(['AC_BPT', 'AC_BPT_DER', 'DC_BPT', 'DC_ACDP_BPT']);

interface Setpoint {
  stationId: string;
  evseId: number;
  transactionId: string;
  setpointW: number;
  profileId: number;
  values: Record<string, number>;
}

export interface PlannedSession {
  key: string;
  stationId: string;
  evseId: number;
  transactionId: string;
  limitW: number;
  requiredW?: number;
  meetsNeed: boolean;
  setpointW?: number;
  /** the station's answer to the last TxProfile the planner sent */
  status?: string;
  profileId?: number;
}

export class Planner implements PlannerHooks {
  siteLimitW: number | undefined;
  /** the last plan, for the control API */
  lastPlan: { at: string; reason: string; totalW: number; sessions: PlannedSession[] } | undefined;
  private readonly sent = new Map<string, { profileId: number; limitW: number; status: string }>();
  private readonly setpoints = new Map<string, Setpoint>();
  /** sessions whose driver asked for priority charging */
  private readonly priority = new Set<string>();
  private running: Promise<void> | undefined;
  private again: string | undefined;
  private timer: NodeJS.Immediate | undefined;
  private closed = false;

  constructor(
    private readonly ctx: () => CsmsContext,
    private readonly policy: SmartChargingPolicy | undefined,
    siteLimitW?: number,
  ) {
    this.siteLimitW = siteLimitW;
  }

  siteChanged(reason: string): void {
    if (this.closed) return;
    if (this.running) {
      this.again = reason;
      return;
    }
    if (this.timer) return;
    // after the current CALLRESULT has gone out: a profile must not overtake the answer it follows
    this.timer = setImmediate(() => {
      this.timer = undefined;
      void this.run(reason);
    });
  }

  /** Plans now and resolves when every profile of this run has been answered. */
  async run(reason: string): Promise<void> {
    while (this.running) await this.running;
    this.running = this.plan(reason).catch((e: unknown) => this.ctx().log(`planner: ${e instanceof Error ? e.message : String(e)}`));
    await this.running;
    this.running = undefined;
    const again = this.again;
    this.again = undefined;
    if (again !== undefined && !this.closed) await this.run(again);
  }

  dynamicValues(stationId: string, profileId: number): Record<string, number> | undefined {
    for (const s of this.setpoints.values()) if (s.stationId === stationId && s.profileId === profileId) return { ...s.values };
    return undefined;
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearImmediate(this.timer);
  }

  /** The site's sessions as the policy sees them. */
  sessions(): PlanSession[] {
    const ctx = this.ctx();
    const out: PlanSession[] = [];
    for (const tx of listTransactions(ctx.store, { state: 'Active' })) {
      if (tx.evseId === null) continue;
      const key = `${tx.stationId}/${tx.transactionId}`;
      const station = ctx.config.stations.find((s) => s.id === tx.stationId);
      const needs = needsOf(ctx, tx);
      const online = ctx.server.connections.has(tx.stationId);
      const sent = this.sent.get(key);
      const setpoint = this.setpoints.get(key);
      out.push({
        key,
        stationId: tx.stationId,
        evseId: tx.evseId,
        transactionId: tx.transactionId,
        evseMaxPowerW: station?.evseMaxPowerW ?? ctx.config.evseMaxPowerW,
        ...(needs?.evMaxPowerW != null ? { evMaxPowerW: needs.evMaxPowerW } : needs?.evMaxCurrentA != null ? { evMaxPowerW: acPowerW(ctx, needs.evMaxCurrentA) } : {}),
        ...(needs?.evMinPowerW != null ? { evMinPowerW: needs.evMinPowerW } : needs?.evMinCurrentA != null ? { evMinPowerW: acPowerW(ctx, needs.evMinCurrentA) } : {}),
        ...(needs?.energyAmountWh != null ? { energyNeedWh: Math.max(0, needs.energyAmountWh - deliveredSinceWh(ctx, tx, needs)) } : {}),
        ...(needs?.departureTime ? { departureTime: Date.parse(needs.departureTime) } : {}),
        ...(!online && sent ? { fixedW: sent.limitW } : {}),
        ...(setpoint ? { setpointW: setpoint.setpointW } : {}),
        ...(this.priority.has(key) ? { priority: true } : {}),
      });
    }
    return out;
  }

  private async plan(reason: string): Promise<void> {
    // no policy and nothing kept per session: nothing to plan and nothing to drop
    if (!this.policy && this.sent.size + this.setpoints.size + this.priority.size === 0) return;
    const ctx = this.ctx();
    const sessions = this.sessions();
    const active = new Set(sessions.map((s) => s.key));
    for (const key of [...this.sent.keys()]) if (!active.has(key)) this.sent.delete(key);
    for (const key of [...this.setpoints.keys()]) if (!active.has(key)) this.setpoints.delete(key);
    for (const key of [...this.priority]) if (!active.has(key)) this.priority.delete(key);
    if (!this.policy) return;
    const plan: SitePlan = this.policy.plan({ now: ctx.now().getTime(), ...(this.siteLimitW !== undefined ? { siteLimitW: this.siteLimitW } : {}), sessions });
    const planned: PlannedSession[] = [];
    const sends: Promise<void>[] = [];
    plan.sessions.forEach((p, i) => {
      const s = sessions[i]!;
      const entry: PlannedSession = {
        key: s.key,
        stationId: s.stationId,
        evseId: s.evseId,
        transactionId: s.transactionId,
        limitW: p.limitW,
        ...(p.requiredW !== undefined ? { requiredW: p.requiredW } : {}),
        meetsNeed: p.meetsNeed,
        ...(s.setpointW !== undefined ? { setpointW: s.setpointW } : {}),
      };
      planned.push(entry);
      // a session gets a TxProfile when the EV told its needs, or when a site limit is shared
      const hasNeeds = s.energyNeedWh !== undefined || s.evMaxPowerW !== undefined;
      if (s.fixedW !== undefined || s.setpointW !== undefined || !ctx.server.connections.has(s.stationId)) return;
      if (!hasNeeds && this.siteLimitW === undefined) return;
      const last = this.sent.get(s.key);
      if (last && Math.abs(last.limitW - p.limitW) < 1 && last.status === 'Accepted') {
        entry.status = last.status;
        entry.profileId = last.profileId;
        return;
      }
      sends.push(
        this.sendTxProfile(s, p.limitW, hasNeeds).then(
          (r) => {
            entry.status = r.status;
            entry.profileId = r.profileId;
          },
          (e: unknown) => {
            entry.status = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
            ctx.log(`planner: ${s.key}: TxProfile not set: ${entry.status}`);
          },
        ),
      );
    });
    this.lastPlan = { at: ctx.now().toISOString(), reason, totalW: plan.totalW, sessions: planned };
    await Promise.all(sends);
  }

  private async sendTxProfile(s: PlanSession, limitW: number, iso15118: boolean): Promise<{ status: string; profileId: number }> {
    const ctx = this.ctx();
    const profileId = this.sent.get(s.key)?.profileId ?? existingTxProfileId(ctx, s.stationId, s.transactionId, 0) ?? nextProfileId(ctx, s.stationId);
    const startSchedule = Math.floor(ctx.now().getTime() / 1000) * 1000;
    const profile: ChargingProfile = {
      id: profileId,
      stackLevel: 0,
      chargingProfilePurpose: 'TxProfile',
      chargingProfileKind: 'Absolute',
      transactionId: s.transactionId,
      chargingSchedule: [{ id: 1, startSchedule, chargingRateUnit: 'W', chargingSchedulePeriod: [{ startPeriod: 0, limit: limitW }] }],
    };
    const res = await setChargingProfile(ctx, s.stationId, s.evseId, profile, { iso15118 });
    this.sent.set(s.key, { profileId, limitW, status: res.status });
    ctx.log(`planner: ${s.key} TxProfile ${profileId} limit ${limitW} W → ${res.status}${res.statusInfo ? ` (${res.statusInfo.reasonCode})` : ''}`);
    return { status: res.status, profileId };
  }

  /**
   * The operator's power setpoint for a session (2.1, W; negative = discharge; null = back to the
   * plan): a Dynamic TxProfile in CentralSetpoint at stackLevel 1 the first time, then
   * UpdateDynamicSchedule. Discharging needs a bidirectional energy transfer mode allowed for the
   * session (the token's allowedEnergyTransfer or the EV's requestedEnergyTransfer).
   */
  async setSetpoint(stationId: string, r: { evseId?: number; transactionId?: string; setpointW: number | null }): Promise<Record<string, unknown>> {
    const ctx = this.ctx();
    if (ctx.versionOf(stationId) !== '2.1') throw new CsmsError('NotInVersion', `setpoints (operationMode CentralSetpoint) are OCPP 2.1; ${stationId} speaks ${ctx.versionOf(stationId) ?? '?'}`);
    const tx = listTransactions(ctx.store, { stationId, state: 'Active' }).find((t) => (r.transactionId !== undefined ? t.transactionId === r.transactionId : t.evseId === r.evseId));
    if (!tx || tx.evseId === null) throw new CsmsError('UnknownTransaction', `no active transaction on ${stationId} ${r.transactionId ?? `EVSE ${r.evseId}`}`);
    const key = `${stationId}/${tx.transactionId}`;
    const current = this.setpoints.get(key);
    if (r.setpointW === null) {
      if (!current) return { transactionId: tx.transactionId, cleared: false };
      const res = await clearChargingProfile(ctx, stationId, { profileId: current.profileId });
      this.setpoints.delete(key);
      this.siteChanged(`setpoint cleared ${key}`);
      return { transactionId: tx.transactionId, cleared: true, ...res };
    }
    const needs = needsOf(ctx, tx);
    const station = ctx.config.stations.find((s) => s.id === stationId);
    const evseMaxW = station?.evseMaxPowerW ?? ctx.config.evseMaxPowerW;
    if (r.setpointW < 0) {
      const allowed = dischargeAllowed(ctx, tx, needs);
      if (!allowed) throw new CsmsError('InvalidRequest', `discharge is not allowed for ${key}: neither the id token's allowedEnergyTransfer nor the EV's requested mode is bidirectional (*_BPT)`);
    }
    const dischargeLimit = -Math.min(evseMaxW, needs?.evMaxDischargePowerW ?? evseMaxW);
    const limit = Math.min(evseMaxW, needs?.evMaxPowerW ?? evseMaxW);
    const setpoint = Math.max(dischargeLimit, Math.min(limit, r.setpointW));
    const values = { setpoint, limit, dischargeLimit };
    let result: Record<string, unknown>;
    if (current) {
      const res = await updateDynamicSchedule(ctx, stationId, current.profileId, values);
      if (res.status === 'Accepted') Object.assign(current, { setpointW: setpoint, values });
      result = { profileId: current.profileId, update: 'UpdateDynamicSchedule', ...res };
    } else {
      const profileId = existingTxProfileId(ctx, stationId, tx.transactionId, 1) ?? nextProfileId(ctx, stationId);
      const profile: ChargingProfile = {
        id: profileId,
        stackLevel: 1,
        chargingProfilePurpose: 'TxProfile',
        chargingProfileKind: 'Dynamic',
        transactionId: tx.transactionId,
        chargingSchedule: [{ id: 1, chargingRateUnit: 'W', chargingSchedulePeriod: [{ startPeriod: 0, operationMode: 'CentralSetpoint', ...values }] }],
      };
      const res = await setChargingProfile(ctx, stationId, tx.evseId, profile, { iso15118: needs !== undefined });
      if (res.status === 'Accepted') this.setpoints.set(key, { stationId, evseId: tx.evseId, transactionId: tx.transactionId, setpointW: setpoint, profileId, values });
      result = { update: 'SetChargingProfile', ...res };
    }
    this.siteChanged(`setpoint ${setpoint} W ${key}`);
    return { transactionId: tx.transactionId, setpointW: setpoint, dischargeLimitW: dischargeLimit, limitW: limit, ...result };
  }

  /**
   * The driver asks for priority charging (or no longer): the session's need becomes its maximum
   * power until the transaction ends (D2.3 §11.1 mobility needs: a choice made at the CSMS or eMSP).
   * Re-plans at once and resolves with the new plan of the session.
   */
  async setPriority(stationId: string, r: { transactionId?: string; evseId?: number; enabled: boolean }): Promise<Record<string, unknown>> {
    const ctx = this.ctx();
    const tx = listTransactions(ctx.store, { stationId, state: 'Active' }).find((t) => (r.transactionId !== undefined ? t.transactionId === r.transactionId : r.evseId === undefined || t.evseId === r.evseId));
    if (!tx || tx.evseId === null) throw new CsmsError('UnknownTransaction', `no active transaction on ${stationId}${r.transactionId ? ` ${r.transactionId}` : r.evseId !== undefined ? ` EVSE ${r.evseId}` : ''}`);
    const key = `${stationId}/${tx.transactionId}`;
    const changed = r.enabled !== this.priority.has(key);
    if (r.enabled) this.priority.add(key);
    else this.priority.delete(key);
    if (changed) await this.run(`priority charging ${r.enabled ? 'on' : 'off'} ${key}`);
    return { transactionId: tx.transactionId, priority: r.enabled, changed, plan: this.lastPlan?.sessions.find((s) => s.key === key) ?? null };
  }

  setpointOf(key: string): number | undefined {
    return this.setpoints.get(key)?.setpointW;
  }
}

/** The charging needs of a transaction: the latest of its EVSE received since it started. */
function needsOf(ctx: CsmsContext, tx: TransactionRecord): ChargingNeedsRecord | undefined {
  const needs = latestChargingNeeds(ctx.store, tx.stationId, tx.evseId!);
  if (!needs) return undefined;
  if (needs.transactionId !== null) return needs.transactionId === tx.transactionId ? needs : undefined;
  return tx.startedAt !== null && needs.receivedAt >= tx.startedAt ? needs : undefined;
}

/** Energy delivered since the needs were told (the register now minus the register then), Wh. */
function deliveredSinceWh(ctx: CsmsContext, tx: TransactionRecord, needs: ChargingNeedsRecord): number {
  const register = listMeterValues(ctx.store, { stationId: tx.stationId, transactionId: tx.transactionId, measurand: 'Energy.Active.Import.Register' }).filter((v) => v.phase === null && v.value !== null);
  if (register.length === 0) return 0;
  const wh = (v: (typeof register)[number]) => v.value! * 10 ** v.multiplier * (v.unit === 'kWh' ? 1000 : 1);
  const before = register.filter((v) => v.timestamp <= needs.receivedAt);
  const start = before.length > 0 ? wh(before[before.length - 1]!) : (tx.meterStartWh ?? wh(register[0]!));
  return Math.max(0, wh(register[register.length - 1]!) - start);
}

function acPowerW(ctx: CsmsContext, currentA: number): number {
  return currentA * ctx.config.ac.voltageV * ctx.config.ac.phases;
}

function dischargeAllowed(ctx: CsmsContext, tx: TransactionRecord, needs: ChargingNeedsRecord | undefined): boolean {
  if (needs && BPT_MODES.has(needs.requestedEnergyTransfer)) return true;
  if (tx.idToken === null) return false;
  const token = getIdToken(ctx.store, tx.idToken, tx.idTokenType ?? undefined);
  return token?.allowedEnergyTransfer?.some((m) => BPT_MODES.has(m)) ?? false;
}

function existingTxProfileId(ctx: CsmsContext, stationId: string, transactionId: string, stackLevel: number): number | undefined {
  return listChargingProfiles(ctx.store, { stationId, transactionId, purpose: 'TxProfile', stackLevel, statuses: ['Accepted', 'Pending', 'Rejected'] })[0]?.profileId;
}
