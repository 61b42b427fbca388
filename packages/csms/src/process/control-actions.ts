// The CSMS's control API actions (POST /actions/<name>, JSON body): reading what the store holds
// (stations, transactions, meter values, charging needs, profiles), the operator's settings (id
// tokens, stations, the site limit), and every CSMS-initiated OCPP operation. Bodies name the
// station (`stationId`) and, where the operation has one, the EVSE; version differences (1.6
// connectors, 2.x EVSEs) are handled by the operation. A failure is a 4xx/502 with the reason.
import { ControlActionError, type ControlAction } from '@v2xsim/process';
import { CsmsError } from '../errors.js';
import {
  clearChargingProfile,
  getChargingProfiles,
  getCompositeSchedule,
  getVariables,
  profileFromWire,
  requestStartTransaction,
  requestStopTransaction,
  reset,
  setChargingProfile,
  setVariables,
  triggerMessage,
  unlockConnector,
  updateDynamicSchedule,
  usePriorityCharging,
  type ClearCriteria,
  type VariableRef,
} from '../handlers/index.js';
import {
  getStation,
  hashPassword,
  listChargingNeeds,
  listChargingProfiles,
  listConnectorStatus,
  listMeterValues,
  listStations,
  listTransactionEvents,
  listTransactions,
  missingSeqNos,
  registerStation,
  upsertIdToken,
  type SecurityProfile,
} from '../store/index.js';
import { ocpiActions } from '../ocpi/actions.js';
import type { CsmsProcess } from './csms-process.js';

const str = { type: 'string', minLength: 1 } as const;
const int = { type: 'integer', minimum: 0 } as const;
const stationId = { type: 'string', minLength: 1, maxLength: 48, description: 'the station identity' } as const;
const obj = (required: string[], properties: Record<string, unknown>) => ({ type: 'object', additionalProperties: false, required, properties });
const variableRef = {
  type: 'object',
  additionalProperties: false,
  required: ['variable'],
  properties: {
    component: { ...str, description: '2.x component name (1.6: ignored)' },
    variable: { ...str, description: '2.x variable name; 1.6 configuration key' },
    evseId: int,
    componentInstance: str,
    variableInstance: str,
    attributeType: { type: 'string', enum: ['Actual', 'Target', 'MinSet', 'MaxSet'] },
    value: { type: 'string' },
  },
} as const;

/** CsmsError → the HTTP status the control API answers with. */
async function guard<T>(fn: () => Promise<T> | T): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof CsmsError) throw new ControlActionError(e.httpStatus, e.message);
    throw e;
  }
}

export function csmsActions(p: CsmsProcess): ControlAction[] {
  const ctx = p.context;
  const a = (action: ControlAction): ControlAction => ({ ...action, run: (body: never) => guard(() => action.run(body)) });
  return [
    // ---- reading the store -------------------------------------------------------------------
    a({
      name: 'stations',
      description: 'every station the CSMS knows: boot information, security profile, online or not, connector status',
      run: () => ({
        stations: listStations(ctx.store).map((s) => ({
          id: s.id,
          online: p.server.connections.has(s.id),
          ocppVersion: p.server.connections.get(s.id)?.version ?? s.ocppVersion,
          securityProfile: s.securityProfile,
          registrationStatus: s.registrationStatus,
          vendorName: s.vendorName,
          model: s.model,
          serialNumber: s.serialNumber,
          firmwareVersion: s.firmwareVersion,
          lastBootAt: s.lastBootAt,
          lastSeenAt: s.lastSeenAt,
          connectors: listConnectorStatus(ctx.store, s.id).map((c) => ({ evseId: c.evseId, connectorId: c.connectorId, status: c.status, errorCode: c.errorCode, reportedAt: c.reportedAt })),
        })),
      }),
    }),
    a({
      name: 'transactions',
      description: 'transactions (filter by stationId, state Active|Ended); with stationId and transactionId: that one with its events and the seqNos not received',
      body: obj([], { stationId, state: { type: 'string', enum: ['Active', 'Ended'] }, transactionId: str }),
      run: (b: { stationId?: string; state?: 'Active' | 'Ended'; transactionId?: string }) => {
        const transactions = listTransactions(ctx.store, { ...(b.stationId ? { stationId: b.stationId } : {}), ...(b.state ? { state: b.state } : {}) }).filter(
          (t) => b.transactionId === undefined || t.transactionId === b.transactionId,
        );
        if (b.transactionId !== undefined && b.stationId !== undefined) {
          return {
            transactions,
            events: listTransactionEvents(ctx.store, b.stationId, b.transactionId).map((e) => ({ seqNo: e.seqNo, eventType: e.eventType, triggerReason: e.triggerReason, timestamp: e.timestamp, offline: e.offline })),
            missingSeqNos: missingSeqNos(ctx.store, b.stationId, b.transactionId),
          };
        }
        return { transactions };
      },
    }),
    a({
      name: 'meter-values',
      description: 'stored sampled values of a station (filter by transactionId, evseId, measurand; newest `limit`)',
      body: obj(['stationId'], { stationId, transactionId: str, evseId: int, measurand: str, limit: { type: 'integer', minimum: 1, maximum: 100_000 } }),
      run: (b: { stationId: string; transactionId?: string; evseId?: number; measurand?: string; limit?: number }) => {
        const all = listMeterValues(ctx.store, {
          stationId: b.stationId,
          ...(b.transactionId !== undefined ? { transactionId: b.transactionId } : {}),
          ...(b.evseId !== undefined ? { evseId: b.evseId } : {}),
          ...(b.measurand !== undefined ? { measurand: b.measurand } : {}),
        });
        return { count: all.length, meterValues: all.slice(-(b.limit ?? 1000)) };
      },
    }),
    a({
      name: 'charging-needs',
      description: 'NotifyEVChargingNeeds received from a station, normalised (SCALE customData fields included)',
      body: obj(['stationId'], { stationId, transactionId: str }),
      run: (b: { stationId: string; transactionId?: string }) => ({ chargingNeeds: listChargingNeeds(ctx.store, { stationId: b.stationId, ...(b.transactionId ? { transactionId: b.transactionId } : {}) }) }),
    }),
    a({
      name: 'charging-profiles',
      description: 'profiles the CSMS sent (with the station’s answer) or the station reported',
      body: obj(['stationId'], { stationId, all: { type: 'boolean', description: 'also Pending, Rejected and Cleared ones' } }),
      run: (b: { stationId: string; all?: boolean }) => ({
        chargingProfiles: listChargingProfiles(ctx.store, { stationId: b.stationId, ...(b.all ? { statuses: ['Pending', 'Accepted', 'Rejected', 'Reported', 'Cleared'] } : {}) }),
      }),
    }),
    a({ name: 'plan', description: 'the smart-charging planner’s last plan (per session: limit, required power, whether the need is met)', run: () => ({ siteLimitW: p.planner.siteLimitW ?? null, plan: p.planner.lastPlan ?? null }) }),

    // ---- operator settings ---------------------------------------------------------------------
    a({
      name: 'register-station',
      description: 'adds a station (or changes its security profile / password)',
      body: obj(['id'], { id: stationId, password: { type: 'string', minLength: 16, maxLength: 64 }, securityProfile: { type: 'integer', minimum: 0, maximum: 3 } }),
      run: async (b: { id: string; password?: string; securityProfile?: SecurityProfile }) => {
        const s = await ctx.writer.write(() =>
          registerStation(ctx.store, { id: b.id, ...(b.securityProfile !== undefined ? { securityProfile: b.securityProfile } : {}), ...(b.password !== undefined ? { passwordHash: hashPassword(b.password) } : {}) }),
        );
        return { id: s.id, securityProfile: s.securityProfile };
      },
    }),
    a({
      name: 'set-registration',
      description: 'the BootNotification status the station gets from now on (Pending: the CSMS may configure it first, B02)',
      body: obj(['stationId', 'status'], { stationId, status: { type: 'string', enum: ['Accepted', 'Pending', 'Rejected'] } }),
      run: (b: { stationId: string; status: 'Accepted' | 'Pending' | 'Rejected' }) => {
        if (!getStation(ctx.store, b.stationId)) throw new CsmsError('UnknownStation', `unknown station ${b.stationId}`);
        p.setRegistration(b.stationId, b.status);
        return { stationId: b.stationId, status: b.status };
      },
    }),
    a({
      name: 'id-token',
      description: 'adds or changes an id token (2.1 allowedEnergyTransfer: e.g. ["DC","DC_BPT"] allows V2X)',
      body: obj(['idToken'], {
        idToken: str,
        type: str,
        status: { type: 'string', enum: ['Accepted', 'Blocked', 'Expired', 'Invalid', 'NoCredit', 'NotAllowedTypeEVSE', 'NotAtThisLocation', 'NotAtThisTime'] },
        allowedEnergyTransfer: { type: 'array', items: str, minItems: 1 },
        expiryDate: { type: 'string', format: 'date-time' },
        groupIdToken: str,
      }),
      run: async (b: { idToken: string; type?: string; status?: 'Accepted'; allowedEnergyTransfer?: string[]; expiryDate?: string; groupIdToken?: string }) => ({
        idToken: await ctx.writer.write(() => upsertIdToken(ctx.store, { ...b, status: b.status ?? 'Accepted' })),
      }),
    }),
    a({
      name: 'set-site-limit',
      description: 'the site’s grid connection limit, W (null: none); every active transaction is re-planned',
      body: obj(['siteLimitW'], { siteLimitW: { type: ['number', 'null'], minimum: 0 } }),
      run: async (b: { siteLimitW: number | null }) => {
        p.planner.siteLimitW = b.siteLimitW ?? undefined;
        await p.planner.run('site limit changed');
        return { siteLimitW: b.siteLimitW, plan: p.planner.lastPlan ?? null };
      },
    }),
    a({
      name: 'replan',
      description: 'runs the smart-charging planner now and waits for the stations’ answers',
      run: async () => {
        await p.planner.run('control API');
        return { plan: p.planner.lastPlan ?? null };
      },
    }),

    // ---- K SmartCharging / Q V2X ------------------------------------------------------------------
    a({
      name: 'set-charging-profile',
      description: 'SetChargingProfile with a profile in the station’s own JSON (1.6 csChargingProfiles, 2.x ChargingProfileType); checked against K01 first',
      body: obj(['stationId', 'evseId', 'chargingProfile'], { stationId, evseId: int, chargingProfile: { type: 'object', additionalProperties: true } }),
      run: async (b: { stationId: string; evseId: number; chargingProfile: unknown }) => {
        const version = ctx.versionOf(b.stationId);
        if (!version) throw new CsmsError('UnknownStation', `unknown station ${b.stationId}`);
        return { ...(await setChargingProfile(ctx, b.stationId, b.evseId, profileFromWire(version, b.chargingProfile))) };
      },
    }),
    a({
      name: 'clear-charging-profile',
      description: 'ClearChargingProfile by id or by criteria (evseId, purpose, stackLevel)',
      body: obj(['stationId'], { stationId, profileId: int, evseId: int, purpose: str, stackLevel: int }),
      run: (b: { stationId: string } & ClearCriteria) => clearChargingProfile(ctx, b.stationId, b),
    }),
    a({
      name: 'get-charging-profiles',
      description: 'GetChargingProfiles (2.x): the station reports them in ReportChargingProfiles (then see charging-profiles)',
      body: obj(['stationId'], { stationId, evseId: int, purpose: str, stackLevel: int, profileIds: { type: 'array', items: int }, sources: { type: 'array', items: str } }),
      run: (b: { stationId: string; evseId?: number; purpose?: string; stackLevel?: number; profileIds?: number[]; sources?: string[] }) => getChargingProfiles(ctx, b.stationId, b),
    }),
    a({
      name: 'get-composite-schedule',
      description: 'GetCompositeSchedule for an EVSE (0: the station’s grid connection); stored',
      body: obj(['stationId', 'evseId', 'durationS'], { stationId, evseId: int, durationS: int, chargingRateUnit: { type: 'string', enum: ['A', 'W'] } }),
      run: async (b: { stationId: string; evseId: number; durationS: number; chargingRateUnit?: 'A' | 'W' }) => ({ ...(await getCompositeSchedule(ctx, b.stationId, b)) }),
    }),
    a({
      name: 'discharge',
      description:
        'the operator’s power setpoint for a session (2.1, W; negative = discharge, null = back to the plan): a Dynamic TxProfile in operationMode CentralSetpoint, later values by UpdateDynamicSchedule',
      body: obj(['stationId', 'setpointW'], { stationId, evseId: int, transactionId: str, setpointW: { type: ['number', 'null'] } }),
      run: (b: { stationId: string; evseId?: number; transactionId?: string; setpointW: number | null }) => p.planner.setSetpoint(b.stationId, b),
    }),
    a({
      name: 'update-dynamic-schedule',
      description: 'UpdateDynamicSchedule (2.1) of a Dynamic profile: new limit / dischargeLimit / setpoint / setpointReactive',
      body: obj(['stationId', 'chargingProfileId'], {
        stationId,
        chargingProfileId: int,
        limit: { type: 'number' },
        dischargeLimit: { type: 'number', maximum: 0 },
        setpoint: { type: 'number' },
        setpointReactive: { type: 'number' },
      }),
      run: ({ stationId: id, chargingProfileId, ...update }: { stationId: string; chargingProfileId: number; limit?: number; dischargeLimit?: number; setpoint?: number; setpointReactive?: number }) =>
        updateDynamicSchedule(ctx, id, chargingProfileId, update),
    }),
    a({
      name: 'priority-charging',
      description: 'the driver asks for priority charging (or no longer): the planner gives the session its maximum power and sends the new TxProfile (any OCPP version)',
      body: obj(['stationId', 'enabled'], { stationId, transactionId: str, evseId: int, enabled: { type: 'boolean' } }),
      run: (b: { stationId: string; transactionId?: string; evseId?: number; enabled: boolean }) => p.planner.setPriority(b.stationId, b),
    }),
    a({
      name: 'use-priority-charging',
      description: 'UsePriorityCharging (2.1): switch a transaction to (or back from) its PriorityCharging profile',
      body: obj(['stationId', 'transactionId', 'activate'], { stationId, transactionId: str, activate: { type: 'boolean' } }),
      run: (b: { stationId: string; transactionId: string; activate: boolean }) => usePriorityCharging(ctx, b.stationId, b.transactionId, b.activate),
    }),

    // ---- F RemoteControl, B Provisioning, N Diagnostics -----------------------------------------
    a({
      name: 'request-start',
      description: 'RequestStartTransaction (1.6 RemoteStartTransaction)',
      body: obj(['stationId', 'idToken'], { stationId, idToken: str, idTokenType: str, evseId: int, chargingProfile: { type: 'object', additionalProperties: true } }),
      run: (b: { stationId: string; idToken: string; idTokenType?: string; evseId?: number; chargingProfile?: Record<string, unknown> }) => requestStartTransaction(ctx, b.stationId, b),
    }),
    a({
      name: 'request-stop',
      description: 'RequestStopTransaction (1.6 RemoteStopTransaction) by transactionId, or the one running on evseId',
      body: obj(['stationId'], { stationId, transactionId: str, evseId: int }),
      run: (b: { stationId: string; transactionId?: string; evseId?: number }) => requestStopTransaction(ctx, b.stationId, b),
    }),
    a({
      name: 'get-variables',
      description: 'GetVariables (1.6 GetConfiguration; no variables = every key)',
      body: obj(['stationId'], { stationId, variables: { type: 'array', items: variableRef } }),
      run: (b: { stationId: string; variables?: VariableRef[] }) => getVariables(ctx, b.stationId, b.variables ?? []),
    }),
    a({
      name: 'set-variables',
      description: 'SetVariables (1.6 ChangeConfiguration, one per key)',
      body: obj(['stationId', 'variables'], { stationId, variables: { type: 'array', minItems: 1, items: { ...variableRef, required: ['variable', 'value'] } } }),
      run: (b: { stationId: string; variables: (VariableRef & { value: string })[] }) => setVariables(ctx, b.stationId, b.variables),
    }),
    a({
      name: 'trigger-message',
      description: 'TriggerMessage (e.g. StatusNotification, MeterValues, BootNotification, SignChargingStationCertificate)',
      body: obj(['stationId', 'requestedMessage'], { stationId, requestedMessage: str, evseId: int, connectorId: int }),
      run: (b: { stationId: string; requestedMessage: string; evseId?: number; connectorId?: number }) => triggerMessage(ctx, b.stationId, b),
    }),
    a({
      name: 'reset',
      description: 'Reset: 2.x Immediate | OnIdle (| ImmediateAndResume in 2.1), 1.6 Hard | Soft (each mapped to the other version’s)',
      body: obj(['stationId', 'type'], { stationId, type: { type: 'string', enum: ['Immediate', 'OnIdle', 'ImmediateAndResume', 'Hard', 'Soft'] }, evseId: int }),
      run: (b: { stationId: string; type: string; evseId?: number }) => reset(ctx, b.stationId, b),
    }),
    a({
      name: 'unlock-connector',
      description: 'UnlockConnector',
      body: obj(['stationId', 'evseId'], { stationId, evseId: int, connectorId: int }),
      run: (b: { stationId: string; evseId: number; connectorId?: number }) => unlockConnector(ctx, b.stationId, b),
    }),
    a({
      name: 'call',
      description: 'any CSMS-initiated CALL of the station’s version, payload as the schema has it (validated before it is sent)',
      body: obj(['stationId', 'action', 'payload'], { stationId, action: str, payload: { type: 'object', additionalProperties: true } }),
      run: async (b: { stationId: string; action: string; payload: Record<string, unknown> }) => ({ response: await ctx.call(b.stationId, b.action, b.payload) }),
    }),
    ...(p.ocpi ? ocpiActions(p.ocpi) : []),
  ];
}
