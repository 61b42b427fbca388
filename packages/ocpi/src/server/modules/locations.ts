// Locations module (mod_locations.asciidoc). Data owner: CPO.
//   Sender (CPO):     GET list, GET {location_id}[/{evse_uid}[/{connector_id}]]
//   Receiver (eMSP):  GET/PUT/PATCH {country_code}/{party_id}/{location_id}[/{evse_uid}[/{connector_id}]]
import type { ListQuery, Page, PageQuery } from '../../core/pagination.js';
import { OcpiError, OcpiStatus } from '../../core/status.js';
import type { Connector, ConnectorPatch, EVSE, EVSEPatch, Location, LocationPatch } from '../../generated/types.js';
import { checkIds, pushStatus, type MaybePromise, type OcpiModule, type PushOutcome } from '../module.js';
import { paginated, registerOperation, type OcpiRequestContext, type PaginationOptions } from '../route.js';

export interface LocationsSenderHandlers extends PaginationOptions {
  list(ctx: OcpiRequestContext, query: ListQuery): MaybePromise<Page<Location>>;
  /** the Location, or undefined when unknown (→ HTTP 404, 2003); EVSE and Connector GETs are answered from it */
  get(ctx: OcpiRequestContext, locationId: string): MaybePromise<Location | undefined>;
}

const unknownLocation = (what: string): OcpiError => OcpiError.notFound(`unknown ${what}`, OcpiStatus.UnknownLocation);

export function locationsSenderPlugin(h: LocationsSenderHandlers): OcpiModule {
  return {
    identifier: 'locations',
    role: 'SENDER',
    register(app, core) {
      registerOperation(app, core, 'senderGetLocations', (ctx, { query }) => paginated(ctx, query as PageQuery, h, (q) => h.list(ctx, q)));
      const locate = async (ctx: OcpiRequestContext, p: Record<string, string>): Promise<Location | EVSE | Connector> => {
        const location = await h.get(ctx, p.location_id);
        if (!location) throw unknownLocation(`location ${p.location_id}`);
        if (p.evse_uid === undefined) return location;
        const evse = location.evses?.find((e) => e.uid === p.evse_uid);
        if (!evse) throw unknownLocation(`EVSE ${p.evse_uid} at location ${p.location_id}`);
        if (p.connector_id === undefined) return evse;
        const connector = evse.connectors.find((c) => c.id === p.connector_id);
        if (!connector) throw unknownLocation(`connector ${p.connector_id} of EVSE ${p.evse_uid}`);
        return connector;
      };
      for (const op of ['senderGetLocation', 'senderGetEvse', 'senderGetConnector'] as const) {
        registerOperation(app, core, op, async (ctx, { params }) => ({ data: await locate(ctx, params) }));
      }
    },
  };
}

export interface LocationKey {
  country_code: string;
  party_id: string;
  location_id: string;
  evse_uid?: string;
  connector_id?: string;
}

export type LocationsPut =
  | { level: 'location'; key: LocationKey; object: Location }
  | { level: 'evse'; key: LocationKey & { evse_uid: string }; object: EVSE }
  | { level: 'connector'; key: LocationKey & { evse_uid: string; connector_id: string }; object: Connector };

export type LocationsPatch =
  | { level: 'location'; key: LocationKey; patch: LocationPatch }
  | { level: 'evse'; key: LocationKey & { evse_uid: string }; patch: EVSEPatch }
  | { level: 'connector'; key: LocationKey & { evse_uid: string; connector_id: string }; patch: ConnectorPatch };

export interface LocationsReceiverHandlers {
  /** the stored object at that level, or undefined (→ 404, 2003) */
  get(ctx: OcpiRequestContext, key: LocationKey): MaybePromise<Location | EVSE | Connector | undefined>;
  put(ctx: OcpiRequestContext, put: LocationsPut): MaybePromise<PushOutcome>;
  /** throw OcpiError.notFound(…, 2003) for an unknown object */
  patch(ctx: OcpiRequestContext, patch: LocationsPatch): MaybePromise<void>;
}

export function locationsReceiverPlugin(h: LocationsReceiverHandlers): OcpiModule {
  return {
    identifier: 'locations',
    role: 'RECEIVER',
    register(app, core) {
      for (const op of ['receiverGetLocation', 'receiverGetEvse', 'receiverGetConnector'] as const) {
        registerOperation(app, core, op, async (ctx, { params }) => {
          const found = await h.get(ctx, params as unknown as LocationKey);
          if (!found) throw unknownLocation(Object.values(params).join('/'));
          return { data: found };
        });
      }
      registerOperation(app, core, 'receiverPutLocation', async (ctx, { params, body }) => {
        const key = params as unknown as LocationKey;
        checkIds(body as Record<string, unknown>, { country_code: key.country_code, party_id: key.party_id, id: key.location_id });
        return { httpStatus: pushStatus(await h.put(ctx, { level: 'location', key, object: body as Location })) };
      });
      registerOperation(app, core, 'receiverPutEvse', async (ctx, { params, body }) => {
        const key = params as unknown as LocationKey & { evse_uid: string };
        checkIds(body as Record<string, unknown>, { uid: key.evse_uid });
        return { httpStatus: pushStatus(await h.put(ctx, { level: 'evse', key, object: body as EVSE })) };
      });
      registerOperation(app, core, 'receiverPutConnector', async (ctx, { params, body }) => {
        const key = params as unknown as LocationKey & { evse_uid: string; connector_id: string };
        checkIds(body as Record<string, unknown>, { id: key.connector_id });
        return { httpStatus: pushStatus(await h.put(ctx, { level: 'connector', key, object: body as Connector })) };
      });
      registerOperation(app, core, 'receiverPatchLocation', async (ctx, { params, body }) => {
        await h.patch(ctx, { level: 'location', key: params as unknown as LocationKey, patch: body as LocationPatch });
        return {};
      });
      registerOperation(app, core, 'receiverPatchEvse', async (ctx, { params, body }) => {
        await h.patch(ctx, { level: 'evse', key: params as unknown as LocationKey & { evse_uid: string }, patch: body as EVSEPatch });
        return {};
      });
      registerOperation(app, core, 'receiverPatchConnector', async (ctx, { params, body }) => {
        await h.patch(ctx, { level: 'connector', key: params as unknown as LocationKey & { evse_uid: string; connector_id: string }, patch: body as ConnectorPatch });
        return {};
      });
    },
  };
}
