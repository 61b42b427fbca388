/**
 * Error codes for V2GTP framing. The first four mirror the header checks of
 * ISO 15118-2 §7.8.3 (version, inverse version, payload type, payload length);
 * on any of them the receiver closes the TCP connection.
 */
export type V2gtpErrorCode =
  /** Protocol version byte is not 0x01. */
  | 'INCORRECT_VERSION'
  /** Inverse protocol version byte is not 0xFE. */
  | 'INVALID_INVERSE_VERSION'
  /** Payload type unknown, or not among the types the caller accepts. */
  | 'INVALID_PAYLOAD_TYPE'
  /** Payload length above the configured maximum (checked before allocating). */
  | 'MESSAGE_TOO_LARGE'
  /** Fewer bytes than the header (or header + payload) needs. */
  | 'TRUNCATED'
  /** A complete datagram carries bytes past the declared payload length. */
  | 'LENGTH_MISMATCH';

export class V2gtpError extends Error {
  override readonly name = 'V2gtpError';
  readonly code: V2gtpErrorCode;

  constructor(code: V2gtpErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}

export function isV2gtpError(value: unknown): value is V2gtpError {
  return value instanceof V2gtpError;
}
