// An OCPI module interface as the server side hosts it: which module and role it is (for the
// version details) and how it registers its routes in the OCPI scope.
import type { FastifyInstance } from 'fastify';
import { OcpiError } from '../core/status.js';
import type { InterfaceRole } from '../generated/types.js';
import type { OcpiCoreOptions } from './core-plugin.js';

export type MaybePromise<T> = T | Promise<T>;

export interface OcpiModule {
  /** ModuleID: 'locations', 'sessions', … */
  identifier: string;
  role: InterfaceRole;
  /** path below the version base; default the identifier (role-prefixed when a platform hosts both roles of a module) */
  path?: string;
  register(app: FastifyInstance, core: OcpiCoreOptions): void | Promise<void>;
}

/** How a PUT of a client-owned object went: 'created' answers 201, anything else 200 (status_codes.asciidoc). */
export type PushOutcome = 'created' | 'updated' | void;

export const pushStatus = (o: PushOutcome): number => (o === 'created' ? 201 : 200);

/**
 * A pushed client-owned object must carry the ids of the URL it is pushed to; if not, 2001
 * (transport_and_format.asciidoc, Client Owned Object Push, Errors).
 */
export function checkIds(object: Record<string, unknown>, expected: Record<string, string>): void {
  for (const [field, value] of Object.entries(expected)) {
    if (object[field] !== undefined && object[field] !== value) {
      throw OcpiError.invalid(`${field} ${JSON.stringify(object[field])} in the object differs from ${JSON.stringify(value)} in the URL`);
    }
  }
}
