// Tokens module (mod_tokens.asciidoc). Data owner: eMSP.
//   Sender (eMSP):   GET list, POST {token_uid}/authorize[?type=] (real-time authorization)
//   Receiver (CPO):  GET/PUT/PATCH {country_code}/{party_id}/{token_uid}[?type=]
import type { ListQuery, Page, PageQuery } from '../../core/pagination.js';
import { OcpiError, OcpiStatus } from '../../core/status.js';
import { validateOcpiObject } from '../../core/validation.js';
import type { AuthorizationInfo, LocationReferences, Token, TokenPatch, TokenType } from '../../generated/types.js';
import { checkIds, pushStatus, type MaybePromise, type OcpiModule, type PushOutcome } from '../module.js';
import { paginated, registerOperation, type OcpiRequestContext, type PaginationOptions } from '../route.js';

const unknownToken = (uid: string, type: TokenType): OcpiError => OcpiError.notFound(`unknown token ${uid} (${type})`, OcpiStatus.UnknownToken);

export interface TokensSenderHandlers extends PaginationOptions {
  list(ctx: OcpiRequestContext, query: ListQuery): MaybePromise<Page<Token>>;
  /** real-time authorization; undefined: unknown token (→ HTTP 404, 2004, mod_tokens.asciidoc) */
  authorize(ctx: OcpiRequestContext, tokenUid: string, type: TokenType, location?: LocationReferences): MaybePromise<AuthorizationInfo | undefined>;
}

export function tokensSenderPlugin(h: TokensSenderHandlers): OcpiModule {
  return {
    identifier: 'tokens',
    role: 'SENDER',
    register(app, core) {
      registerOperation(app, core, 'senderGetTokens', (ctx, { query }) => paginated(ctx, query as PageQuery, h, (q) => h.list(ctx, q)));
      registerOperation(
        app,
        core,
        'senderPostAuthorize',
        async (ctx, { params, query, body }) => {
          const type = (query.type as TokenType | undefined) ?? 'RFID';
          // the LocationReferences body is optional (requestBody required: false), so it is checked here
          if (body !== undefined && body !== null) {
            const v = validateOcpiObject('LocationReferences', body);
            if (!v.valid) throw OcpiError.invalid(`body${v.message}`);
          }
          const info = await h.authorize(ctx, params.token_uid, type, (body ?? undefined) as LocationReferences | undefined);
          if (!info) throw unknownToken(params.token_uid, type);
          return { data: info };
        },
        { body: {} },
      );
    },
  };
}

export interface TokenKey {
  country_code: string;
  party_id: string;
  token_uid: string;
  /** default RFID */
  type: TokenType;
}

export interface TokensReceiverHandlers {
  get(ctx: OcpiRequestContext, key: TokenKey): MaybePromise<Token | undefined>;
  put(ctx: OcpiRequestContext, key: TokenKey, token: Token): MaybePromise<PushOutcome>;
  /** throw OcpiError.notFound(…, 2004) for an unknown token */
  patch(ctx: OcpiRequestContext, key: TokenKey, patch: TokenPatch): MaybePromise<void>;
}

export function tokensReceiverPlugin(h: TokensReceiverHandlers): OcpiModule {
  const keyOf = (params: Record<string, string>, query: Record<string, unknown>): TokenKey => ({
    country_code: params.country_code,
    party_id: params.party_id,
    token_uid: params.token_uid,
    type: (query.type as TokenType | undefined) ?? 'RFID',
  });
  return {
    identifier: 'tokens',
    role: 'RECEIVER',
    register(app, core) {
      registerOperation(app, core, 'receiverGetToken', async (ctx, { params, query }) => {
        const key = keyOf(params, query);
        const t = await h.get(ctx, key);
        if (!t) throw unknownToken(key.token_uid, key.type);
        return { data: t };
      });
      registerOperation(app, core, 'receiverPutToken', async (ctx, { params, query, body }) => {
        const key = keyOf(params, query);
        checkIds(body as Record<string, unknown>, { country_code: key.country_code, party_id: key.party_id, uid: key.token_uid, type: key.type });
        return { httpStatus: pushStatus(await h.put(ctx, key, body as Token)) };
      });
      registerOperation(app, core, 'receiverPatchToken', async (ctx, { params, query, body }) => {
        await h.patch(ctx, keyOf(params, query), body as TokenPatch);
        return {};
      });
    },
  };
}
