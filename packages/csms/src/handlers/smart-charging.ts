// K SmartCharging (and Q V2X of 2.1): charging needs and schedules from the station, profiles
// reported by it, priority charging and dynamic schedule pulls; CSMS-initiated SetChargingProfile
// (checked with the same K01 rules the station applies, stored with the station's answer),
// ClearChargingProfile, GetChargingProfiles, GetCompositeSchedule, UpdateDynamicSchedule and
// UsePriorityCharging.
import {
  UnrepresentableError,
  chargingProfileFromOcpp,
  compositeScheduleFromResponse,
  setChargingProfileRequest,
  validateChargingProfile,
  type ChargingProfile,
  type ChargingProfile16,
  type ChargingProfile2,
  type CompositeSchedule,
  type GetCompositeScheduleResponse16,
  type GetCompositeScheduleResponse2,
  type InstalledChargingProfile,
  type OcppServer,
  type OcppVersion,
  type Payload,
  type v201,
  type v21,
} from '@v2xsim/ocpp';
import type { CsmsContext } from '../context.js';
import { CsmsError } from '../errors.js';
import {
  activeTransaction,
  clearChargingProfiles,
  getChargingProfile,
  insertChargingNeeds,
  insertEvChargingSchedule,
  listChargingProfiles,
  listTransactions,
  saveChargingProfile,
  saveCompositeSchedule,
  setChargingProfileStatus,
  type ChargingProfileRecord,
  type NotifyEVChargingNeedsLike,
} from '../store/index.js';
import { require2x, require21, store } from './provisioning.js';

type Needs2 = v201.NotifyEVChargingNeedsRequest | v21.NotifyEVChargingNeedsRequest;

export function registerSmartCharging(server: OcppServer, ctx: CsmsContext): void {
  const needs = async (version: '2.0.1' | '2.1', stationId: string, req: Needs2): Promise<v21.NotifyEVChargingNeedsResponse> => {
    const tx = activeTransaction(ctx.store, stationId, req.evseId);
    // the driver's preferences (OCPI charging_preferences) stand over what the EV says again
    const driver = tx ? ctx.driverNeeds?.(stationId, tx.transactionId, req as NotifyEVChargingNeedsLike) : undefined;
    await store(ctx, 'NotifyEVChargingNeeds', () => {
      insertChargingNeeds(ctx.store, stationId, req as NotifyEVChargingNeedsLike, { ...(tx ? { transactionId: tx.transactionId } : {}), receivedAt: ctx.now() });
      if (driver && tx) insertChargingNeeds(ctx.store, stationId, driver, { transactionId: tx.transactionId, receivedAt: ctx.now() });
    });
    if (ctx.config.policy === 'none') {
      // K15: no schedule will come; 2.1 says so explicitly
      return version === '2.1' ? { status: 'NoChargingProfile' } : { status: 'Rejected' };
    }
    if (!tx) return { status: 'Rejected', statusInfo: { reasonCode: 'TxNotFound', additionalInfo: `no transaction on EVSE ${req.evseId}` } };
    ctx.planner.siteChanged(`NotifyEVChargingNeeds ${stationId}/${tx.transactionId}`);
    return { status: 'Accepted' };
  };
  // 2.0.1 never gets NoChargingProfile (the branch answers Rejected there)
  server.handle('2.0.1', 'NotifyEVChargingNeeds', (req, { connection }) => needs('2.0.1', connection.identity, req) as Promise<v201.NotifyEVChargingNeedsResponse>);
  server.handle('2.1', 'NotifyEVChargingNeeds', (req, { connection }) => needs('2.1', connection.identity, req));

  const schedule = async (stationId: string, req: v201.NotifyEVChargingScheduleRequest | v21.NotifyEVChargingScheduleRequest) => {
    const tx = activeTransaction(ctx.store, stationId, req.evseId);
    const selected = (req as v21.NotifyEVChargingScheduleRequest).selectedChargingScheduleId;
    await store(ctx, 'NotifyEVChargingSchedule', () =>
      insertEvChargingSchedule(ctx.store, {
        stationId,
        evseId: req.evseId,
        transactionId: tx?.transactionId ?? null,
        timeBase: req.timeBase,
        ...(selected !== undefined ? { selectedScheduleId: selected } : {}),
        raw: req,
        receivedAt: ctx.now(),
      }),
    );
    return { status: 'Accepted' as const };
  };
  server.handle('2.0.1', 'NotifyEVChargingSchedule', (req, { connection }) => schedule(connection.identity, req));
  server.handle('2.1', 'NotifyEVChargingSchedule', (req, { connection }) => schedule(connection.identity, req));

  const report = async (version: '2.0.1' | '2.1', stationId: string, req: v201.ReportChargingProfilesRequest | v21.ReportChargingProfilesRequest) => {
    await store(ctx, 'ReportChargingProfiles', () => {
      for (const p of req.chargingProfile) {
        // a profile this CSMS set and the station accepted stays as it is; others are learnt
        if (getChargingProfile(ctx.store, stationId, p.id)?.status === 'Accepted') continue;
        saveChargingProfile(ctx.store, { stationId, evseId: req.evseId, ocppVersion: version, profile: p as never, status: 'Reported', chargingLimitSource: req.chargingLimitSource }, ctx.now());
      }
    });
    return {};
  };
  server.handle('2.0.1', 'ReportChargingProfiles', (req, { connection }) => report('2.0.1', connection.identity, req));
  server.handle('2.1', 'ReportChargingProfiles', (req, { connection }) => report('2.1', connection.identity, req));

  // K12/K13: limits set by an external system on the station; the CSMS takes note
  for (const version of ['2.0.1', '2.1'] as const) {
    server.handle(version, 'NotifyChargingLimit', (_req, { connection }) => {
      ctx.log(`${connection.identity}: NotifyChargingLimit`);
      return {};
    });
    server.handle(version, 'ClearedChargingLimit', () => ({}));
  }

  server.handle('2.1', 'NotifyPriorityCharging', (req, { connection }) => {
    ctx.log(`${connection.identity}: priority charging ${req.activated ? 'activated' : 'deactivated'} for ${req.transactionId}`);
    return {};
  });

  // K29: the station pulls the current values of a Dynamic profile
  server.handle('2.1', 'PullDynamicScheduleUpdate', (req, { connection }) => {
    const values = ctx.planner.dynamicValues(connection.identity, req.chargingProfileId) ?? storedDynamicValues(ctx, connection.identity, req.chargingProfileId);
    if (!values) return { status: 'Rejected', statusInfo: { reasonCode: 'UnknownProfile', additionalInfo: `no Dynamic profile ${req.chargingProfileId}` } };
    return { status: 'Accepted', scheduleUpdate: values };
  });
}

/** The values of the single period of a Dynamic profile in the store. */
function storedDynamicValues(ctx: CsmsContext, stationId: string, profileId: number): Record<string, number> | undefined {
  const rec = getChargingProfile(ctx.store, stationId, profileId);
  if (!rec || rec.kind !== 'Dynamic' || rec.status === 'Cleared' || rec.status === 'Rejected') return undefined;
  const period = (rec.profile as unknown as ChargingProfile2).chargingSchedule?.[0]?.chargingSchedulePeriod?.[0];
  if (!period) return undefined;
  const out: Record<string, number> = {};
  for (const k of ['limit', 'limit_L2', 'limit_L3', 'dischargeLimit', 'dischargeLimit_L2', 'dischargeLimit_L3', 'setpoint', 'setpoint_L2', 'setpoint_L3', 'setpointReactive'] as const) {
    const v = period[k];
    if (typeof v === 'number') out[k] = v;
  }
  return out;
}

// ---- CSMS-initiated --------------------------------------------------------------------------

/** The profiles the store says a station holds, in the model (for the K01 checks). */
export function installedProfiles(ctx: CsmsContext, stationId: string): InstalledChargingProfile[] {
  const out: InstalledChargingProfile[] = [];
  for (const rec of listChargingProfiles(ctx.store, { stationId })) {
    const p = profileOf(rec);
    if (p) out.push({ evseId: rec.evseId, profile: p });
  }
  return out;
}

function profileOf(rec: ChargingProfileRecord): ChargingProfile | undefined {
  try {
    return rec.ocppVersion === '1.6' ? chargingProfileFromOcpp('1.6', rec.profile as unknown as ChargingProfile16) : chargingProfileFromOcpp(rec.ocppVersion, rec.profile as unknown as ChargingProfile2);
  } catch {
    return undefined;
  }
}

export interface SetProfileResult {
  status: string;
  statusInfo?: { reasonCode: string; additionalInfo?: string };
  profileId: number;
}

/** The next profile id for a station: above every id the store has for it. */
export function nextProfileId(ctx: CsmsContext, stationId: string): number {
  const row = ctx.store.statement('SELECT MAX(profile_id) AS m FROM charging_profiles WHERE station_id = ?').get(stationId) as { m: number | null };
  return (row.m ?? 0) + 1;
}

/**
 * K01 SetChargingProfile: checks the profile as the station will (validateChargingProfile
 * against what the store says it holds and its running transactions), stores it Pending, sends
 * it, and stores the station's answer (Accepted/Rejected with its reasonCode).
 */
export async function setChargingProfile(ctx: CsmsContext, stationId: string, evseId: number, profile: ChargingProfile, options: { iso15118?: boolean } = {}): Promise<SetProfileResult> {
  const version = ctx.versionOf(stationId);
  if (!version) throw new CsmsError('UnknownStation', `unknown station ${stationId}`);
  const transactions = listTransactions(ctx.store, { stationId, state: 'Active' })
    .filter((t) => t.evseId !== null)
    .map((t) => ({ evseId: t.evseId!, transactionId: t.transactionId }));
  const rejection = validateChargingProfile({
    version,
    evseId,
    profile,
    installed: installedProfiles(ctx, stationId),
    transactions,
    ...(options.iso15118 !== undefined ? { iso15118: options.iso15118 } : {}),
  });
  if (rejection) throw new CsmsError('InvalidRequest', `${rejection.reasonCode} (${rejection.requirement}): ${rejection.additionalInfo}`, { ...rejection });
  let request: Payload;
  try {
    request = setChargingProfileRequest(version, evseId, profile) as unknown as Payload;
  } catch (e) {
    if (e instanceof UnrepresentableError) throw new CsmsError('InvalidRequest', e.message);
    throw e;
  }
  const wire = (version === '1.6' ? request.csChargingProfiles : request.chargingProfile) as Record<string, unknown>;
  await ctx.writer.write(() => saveChargingProfile(ctx.store, { stationId, evseId, ocppVersion: version, profile: wire as never, status: 'Pending' }, ctx.now()));
  let res: Payload;
  try {
    res = await ctx.call(stationId, 'SetChargingProfile', request);
  } catch (e) {
    await ctx.writer.write(() => setChargingProfileStatus(ctx.store, stationId, profile.id, 'Rejected', e instanceof Error ? e.message.slice(0, 200) : 'failed', ctx.now()));
    throw e;
  }
  const status = String(res.status);
  const statusInfo = res.statusInfo as SetProfileResult['statusInfo'];
  await ctx.writer.write(() =>
    setChargingProfileStatus(ctx.store, stationId, profile.id, status === 'Accepted' ? 'Accepted' : 'Rejected', statusInfo?.reasonCode ?? (status === 'Accepted' ? null : status), ctx.now()),
  );
  return { status, ...(statusInfo ? { statusInfo } : {}), profileId: profile.id };
}

/** Parses a profile given in the station's own JSON (1.6 csChargingProfiles or a 2.x ChargingProfileType). */
export function profileFromWire(version: OcppVersion, wire: unknown): ChargingProfile {
  try {
    return version === '1.6' ? chargingProfileFromOcpp('1.6', wire as ChargingProfile16) : chargingProfileFromOcpp(version, wire as ChargingProfile2);
  } catch (e) {
    throw new CsmsError('InvalidRequest', `not an OCPP ${version} charging profile: ${e instanceof Error ? e.message : String(e)}`);
  }
}

export interface ClearCriteria {
  profileId?: number;
  evseId?: number;
  purpose?: 'ChargingStationMaxProfile' | 'TxDefaultProfile' | 'TxProfile' | 'ChargingStationExternalConstraints' | 'PriorityCharging' | 'LocalGeneration';
  stackLevel?: number;
}

/** K10 ClearChargingProfile; on Accepted the store marks the matching profiles Cleared. */
export async function clearChargingProfile(ctx: CsmsContext, stationId: string, c: ClearCriteria): Promise<Payload> {
  const version = ctx.versionOf(stationId);
  let request: Payload;
  if (version === '1.6') {
    const purpose = c.purpose === 'ChargingStationMaxProfile' ? 'ChargePointMaxProfile' : c.purpose;
    if (purpose !== undefined && !['ChargePointMaxProfile', 'TxDefaultProfile', 'TxProfile'].includes(purpose)) throw new CsmsError('NotInVersion', `${purpose} is not an OCPP 1.6 purpose`);
    request = {
      ...(c.profileId !== undefined ? { id: c.profileId } : {}),
      ...(c.evseId !== undefined ? { connectorId: c.evseId } : {}),
      ...(purpose !== undefined ? { chargingProfilePurpose: purpose } : {}),
      ...(c.stackLevel !== undefined ? { stackLevel: c.stackLevel } : {}),
    };
  } else {
    const criteria = {
      ...(c.evseId !== undefined ? { evseId: c.evseId } : {}),
      ...(c.purpose !== undefined ? { chargingProfilePurpose: c.purpose } : {}),
      ...(c.stackLevel !== undefined ? { stackLevel: c.stackLevel } : {}),
    };
    request = { ...(c.profileId !== undefined ? { chargingProfileId: c.profileId } : {}), ...(Object.keys(criteria).length > 0 ? { chargingProfileCriteria: criteria } : {}) };
  }
  const res = await ctx.call(stationId, 'ClearChargingProfile', request);
  if (res.status === 'Accepted') {
    await ctx.writer.write(() =>
      clearChargingProfiles(
        ctx.store,
        {
          stationId,
          ...(c.profileId !== undefined ? { profileId: c.profileId } : {}),
          ...(c.evseId !== undefined ? { evseId: c.evseId } : {}),
          ...(c.purpose !== undefined ? { purpose: c.purpose } : {}),
          ...(c.stackLevel !== undefined ? { stackLevel: c.stackLevel } : {}),
        },
        ctx.now(),
      ),
    );
  }
  return res;
}

/** K09 GetChargingProfiles (2.x): the station answers, then reports them in ReportChargingProfiles. */
export async function getChargingProfiles(ctx: CsmsContext, stationId: string, c: { evseId?: number; purpose?: string; stackLevel?: number; profileIds?: number[]; sources?: string[] }): Promise<Payload> {
  require2x(ctx, stationId, 'GetChargingProfiles');
  const requestId = ctx.nextRequestId();
  const res = await ctx.call(stationId, 'GetChargingProfiles', {
    requestId,
    ...(c.evseId !== undefined ? { evseId: c.evseId } : {}),
    chargingProfile: {
      ...(c.purpose !== undefined ? { chargingProfilePurpose: c.purpose } : {}),
      ...(c.stackLevel !== undefined ? { stackLevel: c.stackLevel } : {}),
      ...(c.profileIds?.length ? { chargingProfileId: c.profileIds } : {}),
      ...(c.sources?.length ? { chargingLimitSource: c.sources } : {}),
    },
  });
  return { requestId, ...res };
}

/** K08 GetCompositeSchedule: the answer is stored, and returned with its schedule in the model. */
export async function getCompositeSchedule(
  ctx: CsmsContext,
  stationId: string,
  r: { evseId: number; durationS: number; chargingRateUnit?: 'A' | 'W' },
): Promise<{ response: Payload; composite?: CompositeSchedule }> {
  const version = ctx.versionOf(stationId);
  const request: Payload =
    version === '1.6'
      ? { connectorId: r.evseId, duration: r.durationS, ...(r.chargingRateUnit ? { chargingRateUnit: r.chargingRateUnit } : {}) }
      : { evseId: r.evseId, duration: r.durationS, ...(r.chargingRateUnit ? { chargingRateUnit: r.chargingRateUnit } : {}) };
  const requestedAt = ctx.now();
  const response = await ctx.call(stationId, 'GetCompositeSchedule', request);
  const composite = compositeScheduleFromResponse(version ?? '2.1', response as unknown as GetCompositeScheduleResponse16 & GetCompositeScheduleResponse2, { evseId: r.evseId });
  await ctx.writer.write(() =>
    saveCompositeSchedule(ctx.store, {
      stationId,
      evseId: r.evseId,
      requestedAt,
      status: String(response.status),
      ...(composite ? { scheduleStart: new Date(composite.scheduleStart).toISOString(), durationS: composite.duration, chargingRateUnit: composite.chargingRateUnit } : {}),
      response,
    }),
  );
  return { response, ...(composite ? { composite } : {}) };
}

export type ScheduleUpdate = Partial<Record<'limit' | 'dischargeLimit' | 'setpoint' | 'setpointReactive', number>>;

/** K28 UpdateDynamicSchedule (2.1): new values for the single period of a Dynamic profile. */
export async function updateDynamicSchedule(ctx: CsmsContext, stationId: string, chargingProfileId: number, update: ScheduleUpdate): Promise<Payload> {
  require21(ctx, stationId, 'UpdateDynamicSchedule');
  const res = await ctx.call(stationId, 'UpdateDynamicSchedule', { chargingProfileId, scheduleUpdate: update });
  if (res.status === 'Accepted') {
    await ctx.writer.write(() => {
      const rec = getChargingProfile(ctx.store, stationId, chargingProfileId);
      const period = (rec?.profile as unknown as ChargingProfile2 | undefined)?.chargingSchedule?.[0]?.chargingSchedulePeriod?.[0];
      if (!rec || !period) return;
      Object.assign(period, update);
      saveChargingProfile(ctx.store, { stationId, evseId: rec.evseId, ocppVersion: rec.ocppVersion, profile: rec.profile, status: rec.status, statusReason: rec.statusReason, chargingLimitSource: rec.chargingLimitSource }, ctx.now());
    });
  }
  return res;
}

/** K21 UsePriorityCharging (2.1). */
export async function usePriorityCharging(ctx: CsmsContext, stationId: string, transactionId: string, activate: boolean): Promise<Payload> {
  require21(ctx, stationId, 'UsePriorityCharging');
  return ctx.call(stationId, 'UsePriorityCharging', { transactionId, activate });
}
