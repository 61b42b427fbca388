// K Smart charging: SetChargingProfile (K01, validated by validateChargingProfile, answered with
// the reasonCode of the first rule broken), ClearChargingProfile (K10), GetChargingProfiles →
// ReportChargingProfiles (K09), GetCompositeSchedule (K08), and in 2.1 UpdateDynamicSchedule (K28)
// and UsePriorityCharging → NotifyPriorityCharging (K21). Every change hands the new composite
// schedule to the EVSEs, whose SECC renegotiates with the EV (K15–K17).
import {
  chargingProfileToOcpp,
  compositeScheduleResponse,
  parseSetChargingProfileRequest,
  validateCompositeScheduleRequest,
  type ChargingProfilePurpose,
  type ChargingRateUnit,
  type ChargingScheduleUpdate,
  type SetChargingProfileRequest16,
  type SetChargingProfileRequest2,
  type SmartChargingCapabilities,
} from '@v2xsim/ocpp';
import type { Payload, StationContext } from '../context.js';
import { V } from '../device-model.js';
import type { HandlerTable } from './registry.js';

/** What the station supports, from its device model (K01 checks these). */
export function capabilities(ctx: StationContext): SmartChargingCapabilities {
  const dm = ctx.dm;
  const caps: SmartChargingCapabilities = {
    evseIds: [...ctx.evses.keys()],
    chargingRateUnits: dm.list(V.rateUnit) as ChargingRateUnit[],
    maxStackLevel: dm.int(V.profileStackLevel),
    periodsPerSchedule: dm.int(V.periodsPerSchedule),
    acPhaseSwitchingSupported: dm.bool('SmartChargingCtrlr.ACPhaseSwitchingSupported'),
    evseKind: (id) => (ctx.evses.get(id)?.config.supply.kind === 'DC' ? 'DC' : 'AC'),
  };
  if (ctx.version === '2.1') {
    caps.supportedAdditionalPurposes = dm.list('SmartChargingCtrlr.SupportedAdditionalPurposes') as ('PriorityCharging' | 'LocalGeneration')[];
    caps.supportsDynamicProfiles = dm.bool('SmartChargingCtrlr.SupportsDynamicProfiles');
  }
  return caps;
}

const PURPOSE_16: Record<string, ChargingProfilePurpose> = { ChargePointMaxProfile: 'ChargingStationMaxProfile', TxDefaultProfile: 'TxDefaultProfile', TxProfile: 'TxProfile' };

export function smartChargingHandlers(ctx: StationContext, t: HandlerTable): void {
  const v = ctx.version;

  t.set('SetChargingProfile', (req) => {
    const { evseId, profile } = parseSetChargingProfileRequest(v, req as unknown as SetChargingProfileRequest16 | SetChargingProfileRequest2);
    const rejection = ctx.profiles.set(evseId, profile, ctx.transactions());
    if (rejection) {
      // 1.6 has no reason in the answer; 2.x gives the reasonCode (Part 2 appendix "Reason codes")
      return v === '1.6' ? { status: 'Rejected' } : { status: 'Rejected', statusInfo: { reasonCode: rejection.reasonCode, additionalInfo: `${rejection.requirement}: ${rejection.additionalInfo}`.slice(0, 512) } };
    }
    ctx.later(() => ctx.applySchedules('profile'));
    return { status: 'Accepted' };
  });

  t.set('ClearChargingProfile', (req) => {
    let removed: number;
    if (v === '1.6') {
      removed = ctx.profiles.clear({
        ...(req.id !== undefined ? { id: Number(req.id) } : {}),
        ...(req.connectorId !== undefined ? { evseId: Number(req.connectorId) } : {}),
        ...(req.chargingProfilePurpose !== undefined ? { purpose: PURPOSE_16[String(req.chargingProfilePurpose)] } : {}),
        ...(req.stackLevel !== undefined ? { stackLevel: Number(req.stackLevel) } : {}),
      });
    } else {
      const c = (req.chargingProfileCriteria ?? {}) as { evseId?: number; chargingProfilePurpose?: ChargingProfilePurpose; stackLevel?: number };
      // K10.FR.02: an id alone names the profile; otherwise the criteria
      removed =
        req.chargingProfileId !== undefined
          ? ctx.profiles.clear({ id: Number(req.chargingProfileId) })
          : ctx.profiles.clear({
              ...(c.evseId !== undefined ? { evseId: c.evseId } : {}),
              ...(c.chargingProfilePurpose !== undefined ? { purpose: c.chargingProfilePurpose } : {}),
              ...(c.stackLevel !== undefined ? { stackLevel: c.stackLevel } : {}),
            });
    }
    if (removed === 0) return { status: 'Unknown' };
    ctx.later(() => ctx.applySchedules('profile'));
    return { status: 'Accepted' };
  });

  t.set('GetCompositeSchedule', (req) => {
    const evseId = Number(v === '1.6' ? req.connectorId : req.evseId);
    const unit = req.chargingRateUnit as ChargingRateUnit | undefined;
    const duration = Number(req.duration);
    const problem = validateCompositeScheduleRequest({ evseId, duration, ...(unit ? { chargingRateUnit: unit } : {}) }, capabilities(ctx));
    if (problem) return v === '1.6' ? { status: 'Rejected' } : { status: 'Rejected', statusInfo: { reasonCode: problem.reasonCode, additionalInfo: `${problem.requirement}: ${problem.additionalInfo}` } };
    const composite = ctx.profiles.composite(evseId, ctx.now(), duration, ctx.transactions(), unit);
    return compositeScheduleResponse(v, composite) as unknown as Payload;
  });

  if (v === '1.6') return;

  t.set('GetChargingProfiles', (req) => {
    const requestId = Number(req.requestId);
    const c = (req.chargingProfile ?? {}) as { chargingProfilePurpose?: ChargingProfilePurpose; stackLevel?: number; chargingProfileId?: number[]; chargingLimitSource?: string[] };
    // the station installs only what the CSMS sent: chargingLimitSource CSO
    if (c.chargingLimitSource && !c.chargingLimitSource.includes('CSO')) return { status: 'NoProfiles' };
    const found = ctx.profiles.find({
      ...(req.evseId !== undefined ? { evseId: Number(req.evseId) } : {}),
      ...(c.chargingProfilePurpose !== undefined ? { purpose: c.chargingProfilePurpose } : {}),
      ...(c.stackLevel !== undefined ? { stackLevel: c.stackLevel } : {}),
      ...(c.chargingProfileId !== undefined ? { id: c.chargingProfileId } : {}),
    });
    if (found.length === 0) return { status: 'NoProfiles' };
    const byEvse = new Map<number, typeof found>();
    for (const p of found) byEvse.set(p.evseId, [...(byEvse.get(p.evseId) ?? []), p]);
    ctx.later(async () => {
      const groups = [...byEvse];
      for (let i = 0; i < groups.length; i++) {
        const [evseId, list] = groups[i];
        await ctx.call('ReportChargingProfiles', {
          requestId,
          chargingLimitSource: 'CSO',
          evseId,
          tbc: i + 1 < groups.length,
          chargingProfile: list.map((p) => chargingProfileToOcpp(v, p.profile)),
        } as unknown as Payload);
      }
    });
    return { status: 'Accepted' };
  });

  if (v !== '2.1') return;

  t.set('UpdateDynamicSchedule', (req) => {
    const id = Number(req.chargingProfileId);
    const result = ctx.profiles.updateDynamic(id, req.scheduleUpdate as ChargingScheduleUpdate, ctx.now());
    if (!result) return { status: 'Rejected', statusInfo: { reasonCode: 'InvalidProfileId', additionalInfo: `no profile ${id}` } };
    if (result.status === 'Rejected') return { status: 'Rejected', statusInfo: { reasonCode: result.reasonCode, additionalInfo: result.additionalInfo } };
    ctx.later(() => ctx.applySchedules('dynamic-update'));
    return { status: 'Accepted' };
  });

  t.set('UsePriorityCharging', (req) => {
    const transactionId = String(req.transactionId);
    const evse = [...ctx.evses.values()].find((e) => e.tx?.transactionId === transactionId);
    if (!evse?.tx) return { status: 'Rejected', statusInfo: { reasonCode: 'TxNotFound', additionalInfo: `no transaction ${transactionId.slice(0, 100)}` } };
    const activate = req.activate === true;
    // K21.FR.02: priority charging needs a PriorityCharging profile for this EVSE or the station
    const profile = ctx.profiles.find({ purpose: 'PriorityCharging' }).find((p) => (p.evseId === 0 || p.evseId === evse.evseId) && (p.profile.transactionId === undefined || p.profile.transactionId === transactionId));
    if (activate && !profile) return { status: 'NoProfile' };
    evse.tx.priorityCharging = activate;
    ctx.saveState();
    ctx.later(async () => {
      ctx.applySchedules('priority-charging', evse.evseId);
      await ctx.call('NotifyPriorityCharging', { transactionId, activated: activate });
    });
    return { status: 'Accepted' };
  });
}
