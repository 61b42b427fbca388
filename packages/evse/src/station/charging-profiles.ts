// The charging profiles a station holds (K01 SetChargingProfile, K09/K10 Get/Clear, K28/K29
// dynamic updates), kept on disk so they survive a reboot, and the composite schedule per EVSE
// they add up to (K08), computed by @v2xsim/ocpp's smart-charging module.
import {
  compositeSchedule,
  compositeToIso15118,
  compositePeriodAt,
  applyDynamicScheduleUpdate,
  replacedProfiles,
  stationCompositeSchedule,
  validateChargingProfile,
  type ChargingProfile,
  type ChargingProfilePurpose,
  type ChargingProfileRejection,
  type ChargingScheduleUpdate,
  type CompositeSchedule,
  type CompositeTransaction,
  type DynamicUpdateResult,
  type InstalledChargingProfile,
  type OcppVersion,
  type SmartChargingCapabilities,
  type ChargingRateUnit,
} from '@v2xsim/ocpp';
import type { StationEvseConfig } from './config.js';
import type { EvseScheduleUpdate } from './ports.js';
import { readJsonFile, writeJsonFile } from './store.js';

/** Where a transaction stands, as the composite needs it. */
export interface ProfileTransaction {
  evseId: number;
  transactionId: string;
  /** epoch ms the EVSE became ready to deliver energy (Relative schedules start here) */
  start: number;
  /** NotifyEVChargingNeeds was sent: a TxProfile may carry up to 3 schedules (K01.FR.34) */
  iso15118: boolean;
  priorityCharging?: boolean;
  soc?: number;
  selectedChargingScheduleId?: number;
}

export interface ProfileCriteria {
  id?: number | readonly number[];
  evseId?: number;
  purpose?: ChargingProfilePurpose;
  stackLevel?: number;
}

/** How far ahead a composite handed to the EVSE reaches: the day ISO 15118-2 plans for. */
export const COMPOSITE_HORIZON_S = 86_400;

export class ChargingProfiles {
  private list: InstalledChargingProfile[];

  constructor(
    private readonly version: OcppVersion,
    private readonly evses: readonly StationEvseConfig[],
    private readonly file: string,
    private readonly capabilities: () => SmartChargingCapabilities,
  ) {
    this.list = readJsonFile<InstalledChargingProfile[]>(file, []);
  }

  get installed(): readonly InstalledChargingProfile[] {
    return this.list;
  }

  evse(evseId: number): StationEvseConfig | undefined {
    return this.evses.find((e) => e.id === evseId);
  }

  /** SetChargingProfile: undefined when installed (replacing the profiles it replaces), else why not. */
  set(evseId: number, profile: ChargingProfile, transactions: readonly ProfileTransaction[]): ChargingProfileRejection | undefined {
    const rejection = validateChargingProfile({
      version: this.version,
      evseId,
      profile,
      installed: this.list,
      transactions: transactions.map((t) => ({ evseId: t.evseId, transactionId: t.transactionId })),
      iso15118: transactions.find((t) => t.evseId === evseId)?.iso15118 ?? false,
      capabilities: this.capabilities(),
    });
    if (rejection) return rejection;
    // 1.6 TxProfiles may come without transactionId: they belong to the running transaction
    const running = transactions.find((t) => t.evseId === evseId);
    const stored = profile.chargingProfilePurpose === 'TxProfile' && profile.transactionId === undefined && running ? { ...profile, transactionId: running.transactionId } : profile;
    const replaced = new Set(replacedProfiles(this.version, evseId, stored, this.list));
    this.list = [...this.list.filter((p) => !replaced.has(p)), { evseId, profile: stored }];
    this.save();
    return undefined;
  }

  /** The profiles matching `c` (every criterion given must hold). */
  find(c: ProfileCriteria): InstalledChargingProfile[] {
    const ids = c.id === undefined ? undefined : typeof c.id === 'number' ? [c.id] : c.id;
    return this.list.filter(
      (p) =>
        (ids === undefined || ids.includes(p.profile.id)) &&
        (c.evseId === undefined || p.evseId === c.evseId) &&
        (c.purpose === undefined || p.profile.chargingProfilePurpose === c.purpose) &&
        (c.stackLevel === undefined || p.profile.stackLevel === c.stackLevel),
    );
  }

  /** ClearChargingProfile: the number removed. */
  clear(c: ProfileCriteria): number {
    const gone = new Set(this.find(c).filter((p) => p.profile.chargingProfilePurpose !== 'ChargingStationExternalConstraints'));
    if (gone.size === 0) return 0;
    this.list = this.list.filter((p) => !gone.has(p));
    this.save();
    return gone.size;
  }

  /** A transaction ended: its TxProfiles (and PriorityCharging profiles) go (K01.FR.05 …). */
  transactionEnded(transactionId: string): boolean {
    const before = this.list.length;
    this.list = this.list.filter((p) => !(p.profile.transactionId === transactionId && (p.profile.chargingProfilePurpose === 'TxProfile' || p.profile.chargingProfilePurpose === 'PriorityCharging')));
    if (this.list.length === before) return false;
    this.save();
    return true;
  }

  /** UpdateDynamicSchedule / PullDynamicScheduleUpdate's answer, applied (K28, K29). */
  updateDynamic(profileId: number, update: ChargingScheduleUpdate, at: number): DynamicUpdateResult | undefined {
    const i = this.list.findIndex((p) => p.profile.id === profileId);
    if (i < 0) return undefined;
    const result = applyDynamicScheduleUpdate(this.list[i].profile, update, at);
    if (result.status === 'Accepted') {
      this.list = this.list.map((p, j) => (j === i ? { evseId: p.evseId, profile: result.profile } : p));
      this.save();
    }
    return result;
  }

  /** The composite schedule of `evseId` (0: the whole station) from `start` for `durationS`. */
  composite(evseId: number, start: number, durationS: number, transactions: readonly ProfileTransaction[], unit?: ChargingRateUnit): CompositeSchedule {
    const txOf = (id: number): { transaction?: CompositeTransaction; priorityCharging?: boolean } => {
      const t = transactions.find((x) => x.evseId === id);
      if (!t) return {};
      return {
        transaction: { id: t.transactionId, start: t.start, ...(t.selectedChargingScheduleId !== undefined ? { selectedChargingScheduleId: t.selectedChargingScheduleId } : {}) },
        priorityCharging: t.priorityCharging ?? false,
      };
    };
    if (evseId === 0) {
      const total = this.evses.reduce((s, e) => s + e.maxPowerW, 0);
      const dischargeTotal = this.evses.reduce((s, e) => s + (e.maxDischargePowerW ?? 0), 0);
      const supply = this.evses[0].supply;
      return stationCompositeSchedule(
        { start, duration: durationS, profiles: this.list, supply, hardwareLimit: { chargingRateUnit: 'W', limit: total, dischargeLimit: -dischargeTotal }, ...(unit ? { chargingRateUnit: unit } : {}) },
        this.evses.map((e) => ({ evseId: e.id, ...txOf(e.id) })),
      );
    }
    const e = this.evse(evseId);
    if (!e) throw new RangeError(`no EVSE ${evseId}`);
    const t = transactions.find((x) => x.evseId === evseId);
    return compositeSchedule({
      evseId,
      start,
      duration: durationS,
      profiles: this.list,
      supply: e.supply,
      hardwareLimit: { chargingRateUnit: 'W', limit: e.maxPowerW, dischargeLimit: -(e.maxDischargePowerW ?? 0) },
      ...txOf(evseId),
      ...(t?.soc !== undefined ? { stateOfCharge: t.soc } : {}),
      ...(unit ? { chargingRateUnit: unit } : {}),
    });
  }

  /** What the EVSE gets through its port: the composite from `now` for a day, in W for ISO 15118. */
  scheduleUpdate(evseId: number, now: number, transactions: readonly ProfileTransaction[], cause: EvseScheduleUpdate['cause'], maxEntries?: number): EvseScheduleUpdate {
    const e = this.evse(evseId)!;
    const composite = this.composite(evseId, now, COMPOSITE_HORIZON_S, transactions, 'W');
    const iso15118 = compositeToIso15118(composite, {
      supply: e.supply,
      unlimitedW: e.maxPowerW,
      unlimitedDischargeW: e.maxDischargePowerW ?? 0,
      ...(maxEntries !== undefined ? { maxEntries } : {}),
    });
    const p = compositePeriodAt(composite, now) ?? composite.chargingSchedulePeriod[0];
    const current: EvseScheduleUpdate['now'] = { operationMode: p?.operationMode ?? 'ChargingOnly' };
    if (p?.limit !== undefined) current.maxPowerW = p.limit;
    if (p?.dischargeLimit !== undefined) current.maxDischargePowerW = -p.dischargeLimit;
    if (p?.setpoint !== undefined) current.setpointW = p.setpoint;
    return { evseId, composite, iso15118, now: current, cause };
  }

  private save(): void {
    writeJsonFile(this.file, this.list);
  }
}
