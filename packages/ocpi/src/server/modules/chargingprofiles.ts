// ChargingProfiles module (mod_charging_profiles.asciidoc). The CPO is the Receiver; the
// eMSP/SCSP the Sender.
//   Receiver (CPO):  GET {session_id}?duration=&response_url=   ActiveChargingProfile wanted
//                    PUT {session_id} SetChargingProfile         set/replace the profile
//                    DELETE {session_id}?response_url=           clear it
//                    each answered at once with a ChargingProfileResponse; the result is POSTed later
//   Sender (SCSP):   POST at the response_url (path {chargingprofiles}/result/{uid} here): the result
//                    PUT {session_id} ActiveChargingProfile: the CPO's update of the active profile
import { ocpiOperations } from '../../generated/routes.js';
import type { ActiveChargingProfile, ActiveChargingProfileResult, ChargingProfileResponse, ChargingProfileResult, ClearProfileResult, SetChargingProfile } from '../../generated/types.js';
import type { JsonSchema } from '../../json-schema.js';
import type { MaybePromise, OcpiModule } from '../module.js';
import { registerOperation, type OcpiRequestContext } from '../route.js';

export interface ChargingProfilesReceiverHandlers {
  getActive(ctx: OcpiRequestContext, sessionId: string, duration: number, responseUrl: string): MaybePromise<ChargingProfileResponse>;
  set(ctx: OcpiRequestContext, sessionId: string, request: SetChargingProfile): MaybePromise<ChargingProfileResponse>;
  clear(ctx: OcpiRequestContext, sessionId: string, responseUrl: string): MaybePromise<ChargingProfileResponse>;
}

export function chargingProfilesReceiverPlugin(h: ChargingProfilesReceiverHandlers): OcpiModule {
  return {
    identifier: 'chargingprofiles',
    role: 'RECEIVER',
    register(app, core) {
      registerOperation(app, core, 'receiverGetActiveChargingProfile', async (ctx, { params, query }) => ({
        data: await h.getActive(ctx, params.session_id, query.duration as number, query.response_url as string),
      }));
      registerOperation(app, core, 'receiverPutChargingProfile', async (ctx, { params, body }) => ({ data: await h.set(ctx, params.session_id, body as SetChargingProfile) }));
      registerOperation(app, core, 'receiverDeleteChargingProfile', async (ctx, { params, query }) => ({ data: await h.clear(ctx, params.session_id, query.response_url as string) }));
    },
  };
}

/** The result POSTed to a response_url: which one depends on the request it answers. */
export type ChargingProfileAsyncResult = ActiveChargingProfileResult | ChargingProfileResult | ClearProfileResult;

export interface ChargingProfilesSenderHandlers {
  /** an asynchronous result arrived at {chargingprofiles}/result/{uid} */
  result(ctx: OcpiRequestContext, uid: string, result: ChargingProfileAsyncResult): MaybePromise<void>;
  /** the CPO pushes a changed ActiveChargingProfile */
  activeProfile(ctx: OcpiRequestContext, sessionId: string, profile: ActiveChargingProfile): MaybePromise<void>;
}

// The OpenAPI gives the result body as oneOf [ActiveChargingProfileResult, ChargingProfileResult,
// ClearProfileResult]; the last two are the same shape, so every valid ChargingProfileResult
// matches two branches and fails oneOf. anyOf keeps the intent.
const resultBody: JsonSchema = { anyOf: ocpiOperations.senderPostChargingProfileCallback.body?.oneOf ?? [] };

export function chargingProfilesSenderPlugin(h: ChargingProfilesSenderHandlers): OcpiModule {
  return {
    identifier: 'chargingprofiles',
    role: 'SENDER',
    register(app, core) {
      registerOperation(
        app,
        core,
        'senderPostChargingProfileCallback',
        async (ctx, { params, body }) => {
          await h.result(ctx, params.uid, body as ChargingProfileAsyncResult);
          return {};
        },
        { body: resultBody },
      );
      registerOperation(app, core, 'senderPutActiveChargingProfile', async (ctx, { params, body }) => {
        await h.activeProfile(ctx, params.session_id, body as ActiveChargingProfile);
        return {};
      });
    },
  };
}
