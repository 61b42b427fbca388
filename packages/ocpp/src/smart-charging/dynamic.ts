// Changing a profile after it was set: UpdateDynamicSchedule / PullDynamicScheduleUpdate on a
// Dynamic profile (K28, K29), and the randomized delays a station fixes at transaction start
// (K01.FR.92–94).
import type { ChargingProfile, ChargingSchedule, ChargingSchedulePeriod } from './model.js';
import type { ChargingScheduleUpdate } from './wire.js';

export type DynamicUpdateResult =
  | { status: 'Accepted'; profile: ChargingProfile }
  | { status: 'Rejected'; reasonCode: 'InvalidProfile' | 'InvalidSchedule'; additionalInfo: string };

const UPDATE_FIELDS = [
  'limit',
  'limit_L2',
  'limit_L3',
  'dischargeLimit',
  'dischargeLimit_L2',
  'dischargeLimit_L3',
  'setpoint',
  'setpoint_L2',
  'setpoint_L3',
  'setpointReactive',
  'setpointReactive_L2',
  'setpointReactive_L3',
] as const;

/**
 * The profile with its single period's values replaced by those of the update (the fields the
 * update leaves out keep their value), and dynUpdateTime set to `at` (epoch ms).
 */
export function applyDynamicScheduleUpdate(profile: ChargingProfile, update: ChargingScheduleUpdate, at: number): DynamicUpdateResult {
  if (profile.chargingProfileKind !== 'Dynamic') return { status: 'Rejected', reasonCode: 'InvalidProfile', additionalInfo: `profile ${profile.id} is not Dynamic` };
  const period: ChargingSchedulePeriod = { ...profile.chargingSchedule[0].chargingSchedulePeriod[0] };
  for (const f of UPDATE_FIELDS) if (update[f] !== undefined) period[f] = update[f];
  for (const f of ['dischargeLimit', 'dischargeLimit_L2', 'dischargeLimit_L3'] as const) {
    if ((period[f] ?? 0) > 0) return { status: 'Rejected', reasonCode: 'InvalidSchedule', additionalInfo: `${f} must be ≤ 0` };
  }
  if (period.setpoint !== undefined && ((period.limit !== undefined && period.setpoint > period.limit) || (period.dischargeLimit !== undefined && period.setpoint < period.dischargeLimit))) {
    return { status: 'Rejected', reasonCode: 'InvalidSchedule', additionalInfo: 'setpoint outside [dischargeLimit, limit] (V2X.05)' };
  }
  const schedules = profile.chargingSchedule.map((s, i) => (i === 0 ? { ...s, chargingSchedulePeriod: [period] } : s));
  return { status: 'Accepted', profile: { ...profile, chargingSchedule: schedules, dynUpdateTime: at } };
}

/**
 * The schedule with each period but the first delayed by a random 0..randomizedDelay s
 * (K01.FR.92), duration and startSchedule untouched (K01.FR.94), randomizedDelay then 0 so the
 * delays are applied once, when the transaction starts (K01.FR.93). A period overtaken by the
 * next one's start never runs and is dropped. `random` returns [0, 1).
 */
export function applyRandomizedDelay(schedule: ChargingSchedule, random: () => number): ChargingSchedule {
  const delay = schedule.randomizedDelay ?? 0;
  if (delay <= 0) return schedule;
  const shifted = schedule.chargingSchedulePeriod.map((p) => (p.startPeriod === 0 ? p : { ...p, startPeriod: p.startPeriod + Math.floor(random() * (delay + 1)) }));
  const kept: ChargingSchedulePeriod[] = [];
  for (let i = 0; i < shifted.length; i++) {
    const next = shifted.slice(i + 1).reduce((m, p) => Math.min(m, p.startPeriod), Infinity);
    if (shifted[i].startPeriod < next) kept.push(shifted[i]);
  }
  return { ...schedule, randomizedDelay: 0, chargingSchedulePeriod: kept };
}
