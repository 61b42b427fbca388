// @v2xsim/ocpi: OCPI 2.2.1 for the SCALE simulator: types and JSON Schemas generated from the
// official OpenAPI, fastify server plugins per module, an undici client, the credentials handshake.
export * from './generated/types.js';
export { ocpiSchemas, OCPI_SCHEMA_ID, type OcpiSchemaName } from './generated/schemas.js';
export { ocpiOperations, type OcpiOperationId } from './generated/routes.js';
export type { JsonSchema } from './json-schema.js';
export type { OcpiOperationSpec, HttpMethod } from './operation.js';

export * from './core/status.js';
export * from './core/envelope.js';
export * from './core/auth.js';
export * from './core/headers.js';
export * from './core/pagination.js';
export * from './core/datetime.js';
export * from './core/validation.js';
export { traceOcpi, OCPI_VERSION, type OcpiTraceEvent } from './trace.js';

export * from './credentials-store.js';
export * from './handshake.js';
export * from './platform.js';

export { OcpiHttpClient, type OcpiHttpClientOptions, type OcpiHttpRequest, type OcpiHttpResponse } from './client/http.js';
export { OcpiClient, type OcpiClientOptions, type OcpiPage, type CallArgs } from './client/client.js';
export { DEFAULT_RETRY_POLICY, isRetryable, retryDelay, type RetryPolicy } from './client/retry.js';
export { OcpiPushQueue, type PushJob, type PushResult, type PushQueueOptions } from './client/push-queue.js';

export { installOcpiCore, ocpiState, errorToEnvelope, type OcpiCoreOptions, type OcpiRouteConfig, type OcpiRequestState } from './server/core-plugin.js';
export { registerOperation, paginated, routePath, type OcpiRequestContext, type OcpiHandlerInput, type OcpiHandlerResult, type OcpiRouteHandler, type OcpiRouteOptions, type PaginationOptions } from './server/route.js';
export { checkIds, pushStatus, type OcpiModule, type PushOutcome, type MaybePromise } from './server/module.js';
export * from './server/modules/locations.js';
export * from './server/modules/sessions.js';
export * from './server/modules/cdrs.js';
export * from './server/modules/tariffs.js';
export * from './server/modules/tokens.js';
export * from './server/modules/commands.js';
export * from './server/modules/chargingprofiles.js';
export * from './server/modules/hubclientinfo.js';
