// HubClientInfo module (mod_hub_client_info.asciidoc): a Hub tells connected parties about the
// others. A configuration module: no routing headers.
//   Sender (Hub):      GET list
//   Receiver (party):  GET/PUT {country_code}/{party_id}
import type { ListQuery, Page, PageQuery } from '../../core/pagination.js';
import { OcpiError } from '../../core/status.js';
import type { ClientInfo } from '../../generated/types.js';
import { checkIds, pushStatus, type MaybePromise, type OcpiModule, type PushOutcome } from '../module.js';
import { paginated, registerOperation, type OcpiRequestContext, type PaginationOptions } from '../route.js';

export interface HubClientInfoSenderHandlers extends PaginationOptions {
  list(ctx: OcpiRequestContext, query: ListQuery): MaybePromise<Page<ClientInfo>>;
}

export function hubClientInfoSenderPlugin(h: HubClientInfoSenderHandlers): OcpiModule {
  return {
    identifier: 'hubclientinfo',
    role: 'SENDER',
    register(app, core) {
      registerOperation(app, core, 'senderGetClientInfoList', (ctx, { query }) => paginated(ctx, query as PageQuery, h, (q) => h.list(ctx, q)));
    },
  };
}

export interface ClientInfoKey {
  country_code: string;
  party_id: string;
}

export interface HubClientInfoReceiverHandlers {
  get(ctx: OcpiRequestContext, key: ClientInfoKey): MaybePromise<ClientInfo | undefined>;
  put(ctx: OcpiRequestContext, key: ClientInfoKey, info: ClientInfo): MaybePromise<PushOutcome>;
}

export function hubClientInfoReceiverPlugin(h: HubClientInfoReceiverHandlers): OcpiModule {
  return {
    identifier: 'hubclientinfo',
    role: 'RECEIVER',
    register(app, core) {
      registerOperation(app, core, 'receiverGetClientInfo', async (ctx, { params }) => {
        const info = await h.get(ctx, params as unknown as ClientInfoKey);
        if (!info) throw OcpiError.notFound(`unknown party ${params.country_code}/${params.party_id}`);
        return { data: info };
      });
      registerOperation(app, core, 'receiverPutClientInfo', async (ctx, { params, body }) => {
        const key = params as unknown as ClientInfoKey;
        checkIds(body as Record<string, unknown>, { country_code: key.country_code, party_id: key.party_id });
        return { httpStatus: pushStatus(await h.put(ctx, key, body as ClientInfo)) };
      });
    },
  };
}
