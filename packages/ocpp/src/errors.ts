// OCPP-J RPC error codes ([J21]/[J201] §4.3 table, [J16] §4.2.3 table 7) and the typed errors of
// this package. Codes are kept in their 2.x spelling inside the package and spelt per version on
// the wire: OCPP-J 1.6 prints FormationViolation and OccurenceConstraintViolation (one "r"), and
// its errata (§5.1, §5.2) keep both spellings ("Do not fix, this is a message level change").
import type { OcppVersion } from './versions.js';

export const OCPP_ERROR_CODES = [
  'FormatViolation',
  'GenericError',
  'InternalError',
  'MessageTypeNotSupported',
  'NotImplemented',
  'NotSupported',
  'OccurrenceConstraintViolation',
  'PropertyConstraintViolation',
  'ProtocolError',
  'RpcFrameworkError',
  'SecurityError',
  'TypeConstraintViolation',
] as const;
export type OcppErrorCode = (typeof OCPP_ERROR_CODES)[number];

/** Codes OCPP-J 1.6 does not have: MessageTypeNotSupported and RpcFrameworkError (2.x only). */
const NOT_IN_16: ReadonlySet<OcppErrorCode> = new Set(['MessageTypeNotSupported', 'RpcFrameworkError']);

/** The code as sent on the wire in `version`. */
export function wireErrorCode(code: OcppErrorCode, version: OcppVersion): string {
  if (version !== '1.6') return code;
  switch (code) {
    case 'FormatViolation':
      return 'FormationViolation';
    case 'OccurrenceConstraintViolation':
      return 'OccurenceConstraintViolation';
    default:
      // a 2.x-only code never reaches a 1.6 peer: GenericError is "any other error"
      return NOT_IN_16.has(code) ? 'GenericError' : code;
  }
}

/** A received code in the package's spelling; both spellings of both 1.6 typos are accepted. */
export function parseErrorCode(wire: string): OcppErrorCode | undefined {
  if (wire === 'FormationViolation') return 'FormatViolation';
  if (wire === 'OccurenceConstraintViolation') return 'OccurrenceConstraintViolation';
  return (OCPP_ERROR_CODES as readonly string[]).includes(wire) ? (wire as OcppErrorCode) : undefined;
}

/**
 * An error that maps to a CALLERROR. Thrown by a handler, it is sent back with its code; the
 * description is cut to 255 characters ([J21] table 7: ErrorDescription string[255]).
 */
export class OcppError extends Error {
  readonly code: OcppErrorCode;
  readonly details: Record<string, unknown>;

  constructor(code: OcppErrorCode, description = '', details: Record<string, unknown> = {}) {
    super(description || code);
    this.name = 'OcppError';
    this.code = code;
    this.details = details;
  }

  get description(): string {
    return this.message === this.code ? '' : this.message.slice(0, 255);
  }
}

/** The peer answered our CALL with a CALLERROR. */
export class OcppCallError extends OcppError {
  constructor(
    code: OcppErrorCode,
    description: string,
    details: Record<string, unknown>,
    /** the code exactly as received (e.g. 'FormationViolation' from a 1.6 peer, or an unknown one) */
    readonly wireCode: string,
    readonly action: string,
    readonly messageId: string,
  ) {
    super(code, description, details);
    this.name = 'OcppCallError';
  }
}

export type PayloadDirection = 'outbound' | 'inbound';

/**
 * A payload that does not match its schema. Outbound: thrown locally, nothing was sent. Inbound
 * request: answered with a CALLERROR of `code`. Inbound response: the call rejects with it (and
 * on 2.1 a CALLRESULTERROR goes back).
 */
export class OcppValidationError extends OcppError {
  constructor(
    code: OcppErrorCode,
    description: string,
    details: Record<string, unknown>,
    readonly direction: PayloadDirection,
    /** e.g. BootNotificationRequest */
    readonly messageName: string,
  ) {
    super(code, description, details);
    this.name = 'OcppValidationError';
  }
}

/** No CALLRESULT/CALLERROR within the call timeout ([J21] §4.1.1: the next CALL may then go). */
export class OcppTimeoutError extends Error {
  constructor(
    readonly action: string,
    readonly messageId: string,
    readonly timeoutMs: number,
  ) {
    super(`${action} (${messageId}): no response within ${timeoutMs} ms`);
    this.name = 'OcppTimeoutError';
  }
}

/** The connection closed (or was never open) before the call could be answered. */
export class OcppConnectionClosedError extends Error {
  constructor(message = 'OCPP connection closed') {
    super(message);
    this.name = 'OcppConnectionClosedError';
  }
}

/** The WebSocket opening handshake failed: HTTP status from the server, or no agreed subprotocol. */
export class OcppHandshakeError extends Error {
  constructor(
    message: string,
    /** HTTP status of the refusal (401, 404, …), when the server answered one */
    readonly status?: number,
  ) {
    super(message);
    this.name = 'OcppHandshakeError';
  }
}
