// OCPI status codes (status_codes.asciidoc) and the HTTP status each travels with, plus the typed
// error that carries both. The transport layer (HTTP) and the content layer (OCPI status_code)
// are separate: a request that does not parse as JSON is HTTP 400; one that parses but breaks the
// object's rules is HTTP 400 with 2001 here (the OpenAPI's OCPIErrorResponse); unknown objects on
// GET are HTTP 404 (status_codes.asciidoc: "the server SHOULD return a HTTP 404").
import type { StatusCode } from '../generated/types.js';

export type { StatusCode };

export const OcpiStatus = {
  /** 1000 Generic success code */
  Success: 1000,
  /** 2000 Generic client error */
  ClientError: 2000,
  /** 2001 Invalid or missing parameters (also: object id in the URL differs from the pushed object's) */
  InvalidOrMissingParameters: 2001,
  /** 2002 Not enough information, e.g. an authorization request with too little information */
  NotEnoughInformation: 2002,
  /** 2003 Unknown Location, e.g. START_SESSION with an unknown location */
  UnknownLocation: 2003,
  /** 2004 Unknown Token, e.g. real-time authorization of an unknown Token */
  UnknownToken: 2004,
  /** 3000 Generic server error */
  ServerError: 3000,
  /** 3001 Unable to use the client's API (during registration: a GET to the client failed) */
  UnableToUseClientApi: 3001,
  /** 3002 Unsupported version */
  UnsupportedVersion: 3002,
  /** 3003 No matching endpoints or expected endpoints missing between parties */
  NoMatchingEndpoints: 3003,
  /** 4000 Generic hub error */
  HubError: 4000,
  /** 4001 Unknown receiver (TO address is unknown) */
  UnknownReceiver: 4001,
  /** 4002 Timeout on forwarded request */
  ForwardTimeout: 4002,
  /** 4003 Connection problem (receiving party is not connected) */
  ConnectionProblem: 4003,
} as const satisfies Record<string, StatusCode>;

/** The HTTP status an OCPI status code is answered with unless the situation says otherwise. */
export function httpStatusFor(code: number): number {
  switch (code) {
    case 1000:
      return 200;
    case 2003:
    case 2004:
      return 404; // unknown object addressed by the request (mod_tokens: unknown Token → 404 + 2004)
    default:
      if (code >= 2000 && code < 3000) return 400; // the OpenAPI's OCPIErrorResponse
      // 1xxx, and 3xxx/4xxx: the request reached the OCPI layer, where "an HTTP error status code
      // MUST NOT be returned" (status_codes.asciidoc); the OpenAPI documents no 5xx either.
      // An exception in a handler is still HTTP 500 (see errorToEnvelope).
      return 200;
  }
}

export const isSuccess = (code: number): boolean => code >= 1000 && code < 2000;

/**
 * An OCPI-level failure: the status_code, the HTTP status and a message. Thrown by handlers to
 * answer with that envelope; thrown by the client when a peer answers with one.
 */
export class OcpiError extends Error {
  readonly httpStatus: number;
  constructor(
    readonly statusCode: number,
    message: string,
    httpStatus?: number,
    /** what the peer sent back in `data`, if anything (client side) */
    readonly data?: unknown,
  ) {
    super(message);
    this.name = 'OcpiError';
    this.httpStatus = httpStatus ?? httpStatusFor(statusCode);
  }

  static invalid(message: string): OcpiError {
    return new OcpiError(OcpiStatus.InvalidOrMissingParameters, message);
  }
  /** an object the request addresses does not exist: HTTP 404 with the module's status code */
  static notFound(message: string, statusCode: number = OcpiStatus.ClientError): OcpiError {
    return new OcpiError(statusCode, message, 404);
  }
}

/** HTTP 401: missing or unknown credentials token, or token A on a functional module. */
export class OcpiUnauthorizedError extends OcpiError {
  constructor(message: string) {
    super(OcpiStatus.ClientError, message, 401);
    this.name = 'OcpiUnauthorizedError';
  }
}

/** HTTP 405 on the credentials module (POST when registered; PUT/DELETE when not). */
export class OcpiMethodNotAllowedError extends OcpiError {
  constructor(message: string) {
    super(OcpiStatus.ClientError, message, 405);
    this.name = 'OcpiMethodNotAllowedError';
  }
}

/** The peer could not be reached or did not answer with an OCPI envelope. */
export class OcpiTransportError extends Error {
  constructor(
    message: string,
    readonly httpStatus?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'OcpiTransportError';
  }
}
