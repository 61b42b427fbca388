// One operation of an OCPI module interface as the OpenAPI defines it (generated/routes.ts holds
// all of them): the fastify plugins take their route schemas from here, the client its paths.
import type { JsonSchema } from './json-schema.js';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface OcpiOperationSpec {
  /** module folder in the OpenAPI: 'sessions', 'credentials', 'versions', … */
  module: string;
  /** which interface file: the data owner's 'sender', the 'receiver', or 'interface' (credentials, versions) */
  interface: 'sender' | 'receiver' | 'interface';
  method: HttpMethod;
  /** the OpenAPI path, e.g. /sessions/{country_code}/{party_id}/{session_id}; the first segment is the module's endpoint */
  path: string;
  summary: string;
  /** header parameters the operation lists (X-Request-ID, routing headers, …) */
  headers: string[];
  params?: JsonSchema;
  querystring?: JsonSchema;
  body?: JsonSchema;
  /** HTTP status → the schema of the envelope's `data`, when the OpenAPI defines one */
  responses: Record<string, { data?: JsonSchema }>;
}
