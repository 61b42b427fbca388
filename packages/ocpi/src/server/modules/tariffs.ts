// Tariffs module (mod_tariffs.asciidoc). Data owner: CPO.
//   Sender (CPO):    GET list
//   Receiver (eMSP): GET/PUT/DELETE {country_code}/{party_id}/{tariff_id}
import type { ListQuery, Page, PageQuery } from '../../core/pagination.js';
import { OcpiError } from '../../core/status.js';
import type { Tariff } from '../../generated/types.js';
import { checkIds, pushStatus, type MaybePromise, type OcpiModule, type PushOutcome } from '../module.js';
import { paginated, registerOperation, type OcpiRequestContext, type PaginationOptions } from '../route.js';

export interface TariffsSenderHandlers extends PaginationOptions {
  list(ctx: OcpiRequestContext, query: ListQuery): MaybePromise<Page<Tariff>>;
}

export function tariffsSenderPlugin(h: TariffsSenderHandlers): OcpiModule {
  return {
    identifier: 'tariffs',
    role: 'SENDER',
    register(app, core) {
      registerOperation(app, core, 'senderGetTariffs', (ctx, { query }) => paginated(ctx, query as PageQuery, h, (q) => h.list(ctx, q)));
    },
  };
}

export interface TariffKey {
  country_code: string;
  party_id: string;
  tariff_id: string;
}

export interface TariffsReceiverHandlers {
  get(ctx: OcpiRequestContext, key: TariffKey): MaybePromise<Tariff | undefined>;
  put(ctx: OcpiRequestContext, key: TariffKey, tariff: Tariff): MaybePromise<PushOutcome>;
  /** false: unknown tariff (→ 404) */
  delete(ctx: OcpiRequestContext, key: TariffKey): MaybePromise<boolean>;
}

export function tariffsReceiverPlugin(h: TariffsReceiverHandlers): OcpiModule {
  return {
    identifier: 'tariffs',
    role: 'RECEIVER',
    register(app, core) {
      const unknown = (k: TariffKey): OcpiError => OcpiError.notFound(`unknown tariff ${k.country_code}/${k.party_id}/${k.tariff_id}`);
      registerOperation(app, core, 'receiverGetTariff', async (ctx, { params }) => {
        const key = params as unknown as TariffKey;
        const t = await h.get(ctx, key);
        if (!t) throw unknown(key);
        return { data: t };
      });
      registerOperation(app, core, 'receiverPutTariff', async (ctx, { params, body }) => {
        const key = params as unknown as TariffKey;
        checkIds(body as Record<string, unknown>, { country_code: key.country_code, party_id: key.party_id, id: key.tariff_id });
        return { httpStatus: pushStatus(await h.put(ctx, key, body as Tariff)) };
      });
      registerOperation(app, core, 'receiverDeleteTariff', async (ctx, { params }) => {
        const key = params as unknown as TariffKey;
        if (!(await h.delete(ctx, key))) throw unknown(key);
        return {};
      });
    },
  };
}
