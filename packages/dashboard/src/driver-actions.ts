// The driver's actions of the scenario format (docs/scenarios.md, steps) on a live session, sent
// to the process that owns them, as the runner does:
//   departure          through the eMSP when one is followed (SCSP set-preferences: PUT
//                      charging_preferences to the CPO, a new schedule), else the EV's set-needs
//                      (the EV renegotiates)
//   allow-discharge    the EV's allow-discharge
//   priority-charging  through the eMSP (SCSP set-preferences, profile type FAST; off: CHEAP), else
//                      an OCPP 2.1 CSMS's use-priority-charging for the session's transaction
//   unplug             the EV's unplug
import { ControlCallError, postAction } from '@v2xsim/scenario';
import type { ProcessSource } from './sources.js';
import type { Session } from './state.js';

export const DRIVER_ACTIONS = ['departure', 'allow-discharge', 'priority-charging', 'unplug'] as const;
export type DriverAction = (typeof DRIVER_ACTIONS)[number];

export interface DriverRequest {
  /** departure: sim seconds from now */
  departureS?: number;
  /** allow-discharge */
  allowed?: boolean;
  /** priority-charging */
  enabled?: boolean;
}

/** the JSON schema of each action's body (besides `session`) */
export const DRIVER_BODIES: Record<DriverAction, Record<string, unknown>> = {
  departure: { departureS: { type: 'number', exclusiveMinimum: 0, maximum: 7 * 86_400, description: 'sim seconds from now' } },
  'allow-discharge': { allowed: { type: 'boolean' } },
  'priority-charging': { enabled: { type: 'boolean' } },
  unplug: {},
};
export const DRIVER_REQUIRED: Record<DriverAction, string[]> = { departure: ['departureS'], 'allow-discharge': ['allowed'], 'priority-charging': ['enabled'], unplug: [] };

export interface DriverResult {
  /** who carried it out, with which control action */
  via: string;
  process: string;
  action: string;
  body?: Record<string, unknown>;
  response: Record<string, unknown>;
}

/** A refusal with its HTTP status. */
export class DriverActionError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
    this.name = 'DriverActionError';
  }
}

export interface Processes {
  byActor(actor: string): ProcessSource | undefined;
  ofKind(kind: string): ProcessSource[];
}

async function call(source: ProcessSource, action: string, body?: Record<string, unknown>): Promise<Record<string, unknown>> {
  try {
    return await postAction(source.control, action, body);
  } catch (e) {
    if (e instanceof ControlCallError) throw new DriverActionError(e.status === 0 ? 502 : e.status, `${source.actor} ${action}: ${e.message}`);
    throw e;
  }
}

/** The eMSP's OCPI session for this charging session: the ACTIVE one at the session's station (OCPI location = OCPP station). */
async function emspSession(scsp: ProcessSource, s: Session): Promise<string | undefined> {
  if (!s.stationId) return undefined;
  const sessions = ((scsp.health?.sessions as { id: string; status: string }[] | undefined) ?? []).filter((x) => x.status === 'ACTIVE');
  for (const x of sessions.reverse()) {
    const full = await call(scsp, 'session', { sessionId: x.id }).catch(() => undefined);
    const loc = (full?.session as { location_id?: string } | undefined)?.location_id;
    if (loc === s.stationId) return x.id;
  }
  return undefined;
}

/** the eMSP's sim clock now (its /health), for an absolute departure time */
const scspNow = (scsp: ProcessSource): number => {
  const t = typeof scsp.health?.simTime === 'string' ? Date.parse(scsp.health.simTime) : NaN;
  return Number.isFinite(t) ? t : Date.now();
};

export async function driverAction(processes: Processes, s: Session, action: DriverAction, req: DriverRequest): Promise<DriverResult> {
  if (!s.live) throw new DriverActionError(409, `session ${s.id} has ended`);
  const ev = s.ev ? processes.byActor(s.ev) : undefined;
  const needEv = (): ProcessSource => {
    if (!ev?.online) throw new DriverActionError(409, `the EV of session ${s.id} (${s.ev ?? 'unknown'}) is not followed or not answering`);
    return ev;
  };
  const scsp = processes.ofKind('scsp').find((p) => p.online && p.actions.includes('set-preferences'));
  const done = async (via: string, p: ProcessSource, a: string, body?: Record<string, unknown>): Promise<DriverResult> => ({ via, process: p.actor, action: a, ...(body ? { body } : {}), response: await call(p, a, body) });

  switch (action) {
    case 'unplug':
      return done('EV', needEv(), 'unplug');
    case 'allow-discharge':
      return done('EV', needEv(), 'allow-discharge', { allowed: req.allowed! });
    case 'departure': {
      const sessionId = scsp ? await emspSession(scsp, s) : undefined;
      if (scsp && sessionId) {
        const departureTime = new Date(scspNow(scsp) + req.departureS! * 1000).toISOString();
        return done('eMSP (OCPI charging preferences)', scsp, 'set-preferences', { sessionId, departureTime, optimise: true });
      }
      return done('EV (ISO 15118 renegotiation)', needEv(), 'set-needs', { departureTime: req.departureS! });
    }
    case 'priority-charging': {
      const sessionId = scsp ? await emspSession(scsp, s) : undefined;
      if (scsp && sessionId) return done('eMSP (OCPI charging preferences)', scsp, 'set-preferences', { sessionId, profileType: req.enabled ? 'FAST' : 'CHEAP', optimise: true });
      const csms = processes.ofKind('csms').find((p) => p.online && p.actions.includes('use-priority-charging'));
      if (csms && s.stationId && s.transactionId) return done('CSMS (OCPP 2.1 UsePriorityCharging)', csms, 'use-priority-charging', { stationId: s.stationId, transactionId: s.transactionId, activate: req.enabled! });
      throw new DriverActionError(409, 'priority charging travels through the eMSP (an SCSP with a session at this station) or an OCPP 2.1 CSMS: neither is followed for this session');
    }
  }
}
