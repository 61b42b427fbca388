// Typed errors of the CSMS: what went wrong with an operation the CSMS started (a control API
// action), and how a store failure inside a station's CALL maps to a CALLERROR.
import { OcppError } from '@v2xsim/ocpp';
import { StoreError } from './store/index.js';

export type CsmsErrorCode =
  /** no station with that identity */
  | 'UnknownStation'
  /** the station is known but has no open connection */
  | 'StationOffline'
  /** the operation does not exist in the station's OCPP version */
  | 'NotInVersion'
  /** no such transaction (or none on that EVSE) */
  | 'UnknownTransaction'
  /** the CSMS itself refuses to send it (e.g. a profile the station would reject: K01 checks) */
  | 'InvalidRequest'
  /** the station answered with a CALLERROR, or not in time */
  | 'StationError';

export class CsmsError extends Error {
  override readonly name = 'CsmsError';
  constructor(
    readonly code: CsmsErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }

  /** the HTTP status a control API answers with */
  get httpStatus(): number {
    switch (this.code) {
      case 'UnknownStation':
      case 'UnknownTransaction':
        return 404;
      case 'StationOffline':
      case 'NotInVersion':
        return 409;
      case 'InvalidRequest':
        return 400;
      case 'StationError':
        return 502;
      default: {
        const never: never = this.code;
        return never;
      }
    }
  }
}

/**
 * A failure while handling a station's CALL as the CALLERROR it gets: input the store cannot
 * take (a date it cannot read, a value out of range) is PropertyConstraintViolation, anything
 * else InternalError ([J21] §4.3). The connection keeps serving either way.
 */
export function toOcppError(e: unknown, action: string): OcppError {
  if (e instanceof OcppError) return e;
  if (e instanceof StoreError && e.code === 'InvalidInput') return new OcppError('PropertyConstraintViolation', `${action}: ${e.message}`);
  return new OcppError('InternalError', `${action} could not be stored`);
}
