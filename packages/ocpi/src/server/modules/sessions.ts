// Sessions module (mod_sessions.asciidoc). Data owner: CPO.
//   Sender (CPO):     GET list, PUT {session_id}/charging_preferences
//   Receiver (eMSP/SCSP): GET/PUT/PATCH {country_code}/{party_id}/{session_id}
import type { ListQuery, Page, PageQuery } from '../../core/pagination.js';
import { OcpiError, OcpiStatus } from '../../core/status.js';
import type { ChargingPreferences, ChargingPreferencesResponse, Session, SessionPatch } from '../../generated/types.js';
import { checkIds, pushStatus, type MaybePromise, type OcpiModule, type PushOutcome } from '../module.js';
import { paginated, registerOperation, type OcpiRequestContext, type PaginationOptions } from '../route.js';

export interface SessionsSenderHandlers extends PaginationOptions {
  list(ctx: OcpiRequestContext, query: ListQuery): MaybePromise<Page<Session>>;
  /**
   * The driver's charging preferences for a session. Undefined: unknown session (→ HTTP 404 with
   * 2001, as mod_sessions.asciidoc answers an EVSE that is not CHARGING_PREFERENCES_CAPABLE).
   */
  putChargingPreferences(ctx: OcpiRequestContext, sessionId: string, preferences: ChargingPreferences): MaybePromise<ChargingPreferencesResponse | undefined>;
}

export function sessionsSenderPlugin(h: SessionsSenderHandlers): OcpiModule {
  return {
    identifier: 'sessions',
    role: 'SENDER',
    register(app, core) {
      registerOperation(app, core, 'senderGetSessions', (ctx, { query }) => paginated(ctx, query as PageQuery, h, (q) => h.list(ctx, q)));
      registerOperation(app, core, 'senderPutChargingPreferences', async (ctx, { params, body }) => {
        const answer = await h.putChargingPreferences(ctx, params.session_id, body as ChargingPreferences);
        if (answer === undefined) throw OcpiError.notFound(`unknown session ${params.session_id}`, OcpiStatus.InvalidOrMissingParameters);
        return { data: answer };
      });
    },
  };
}

export interface SessionKey {
  country_code: string;
  party_id: string;
  session_id: string;
}

export interface SessionsReceiverHandlers {
  /** the stored Session, or undefined (→ 404, 2000) */
  get(ctx: OcpiRequestContext, key: SessionKey): MaybePromise<Session | undefined>;
  /** create or replace; charging_periods of the new object replace the old ones */
  put(ctx: OcpiRequestContext, key: SessionKey, session: Session): MaybePromise<PushOutcome>;
  /** charging_periods in a PATCH are appended; throw OcpiError.notFound for an unknown session */
  patch(ctx: OcpiRequestContext, key: SessionKey, patch: SessionPatch): MaybePromise<void>;
}

export function sessionsReceiverPlugin(h: SessionsReceiverHandlers): OcpiModule {
  return {
    identifier: 'sessions',
    role: 'RECEIVER',
    register(app, core) {
      registerOperation(app, core, 'receiverGetSession', async (ctx, { params }) => {
        const s = await h.get(ctx, params as unknown as SessionKey);
        if (!s) throw OcpiError.notFound(`unknown session ${params.country_code}/${params.party_id}/${params.session_id}`);
        return { data: s };
      });
      registerOperation(app, core, 'receiverPutSession', async (ctx, { params, body }) => {
        const key = params as unknown as SessionKey;
        checkIds(body as Record<string, unknown>, { country_code: key.country_code, party_id: key.party_id, id: key.session_id });
        return { httpStatus: pushStatus(await h.put(ctx, key, body as Session)) };
      });
      registerOperation(app, core, 'receiverPatchSession', async (ctx, { params, body }) => {
        await h.patch(ctx, params as unknown as SessionKey, body as SessionPatch);
        return {};
      });
    },
  };
}
