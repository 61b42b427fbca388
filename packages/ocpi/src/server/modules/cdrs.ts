// CDRs module (mod_cdrs.asciidoc). Data owner: CPO.
//   Sender (CPO):    GET list
//   Receiver (eMSP): POST a CDR (answered with 201 and a Location header), GET it back
import type { ListQuery, Page, PageQuery } from '../../core/pagination.js';
import { OcpiError } from '../../core/status.js';
import type { CDR } from '../../generated/types.js';
import type { MaybePromise, OcpiModule } from '../module.js';
import { paginated, registerOperation, type OcpiRequestContext, type PaginationOptions } from '../route.js';

export interface CdrsSenderHandlers extends PaginationOptions {
  list(ctx: OcpiRequestContext, query: ListQuery): MaybePromise<Page<CDR>>;
}

export function cdrsSenderPlugin(h: CdrsSenderHandlers): OcpiModule {
  return {
    identifier: 'cdrs',
    role: 'SENDER',
    register(app, core) {
      registerOperation(app, core, 'senderGetCdrs', (ctx, { query }) => paginated(ctx, query as PageQuery, h, (q) => h.list(ctx, q)));
    },
  };
}

export interface CdrsReceiverHandlers {
  /**
   * Stores a new CDR. Return the id under which GET {cdrs}/{id} finds it (default: cdr.id); throw
   * `new OcpiError(2001, 'CDR already exists', 409)` for a duplicate (CDRs are never replaced).
   */
  post(ctx: OcpiRequestContext, cdr: CDR): MaybePromise<string | void>;
  get(ctx: OcpiRequestContext, cdrId: string): MaybePromise<CDR | undefined>;
}

export function cdrsReceiverPlugin(h: CdrsReceiverHandlers): OcpiModule {
  return {
    identifier: 'cdrs',
    role: 'RECEIVER',
    register(app, core) {
      registerOperation(app, core, 'receiverPostCdr', async (ctx, { body }) => {
        const cdr = body as CDR;
        const id = (await h.post(ctx, cdr)) ?? cdr.id;
        const endpoint = ctx.url.href.split('?')[0].replace(/\/$/, '');
        return { httpStatus: 201, headers: { Location: `${endpoint}/${encodeURIComponent(id)}` } };
      });
      registerOperation(app, core, 'receiverGetCdr', async (ctx, { params }) => {
        const cdr = await h.get(ctx, params.cdr_id);
        if (!cdr) throw OcpiError.notFound(`unknown CDR ${params.cdr_id}`);
        return { data: cdr };
      });
    },
  };
}
