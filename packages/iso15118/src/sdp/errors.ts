import type { V2gtpError } from '../v2gtp/index.js';

export type SdpErrorCode =
  /** The V2GTP header is invalid (cause: the V2gtpError), or the payload type is not SDP. */
  | 'INVALID_V2GTP'
  /** The payload is not 2 (request) or 20 (response) bytes. */
  | 'INVALID_LENGTH'
  /** Security byte other than 0x00 (TLS) / 0x10 (no TLS). */
  | 'UNKNOWN_SECURITY'
  /** Transport byte other than 0x00 (TCP); 0x10 (UDP) is reserved. */
  | 'UNKNOWN_TRANSPORT'
  /** An address that is not IPv6 (or IPv4), or a port out of 0..65535. */
  | 'INVALID_ADDRESS'
  /** The SECC offers no endpoint (configuration error). */
  | 'NO_OFFER'
  /** discoverSecc: maxRequests requests went unanswered [V2G2-161]. */
  | 'NO_RESPONSE'
  /** discoverSecc was aborted through its signal. */
  | 'ABORTED'
  /** The UDP socket failed (cause: the Node error). */
  | 'SOCKET_ERROR';

export class SdpError extends Error {
  override readonly name = 'SdpError';
  readonly code: SdpErrorCode;

  constructor(code: SdpErrorCode, message: string, options?: { cause?: V2gtpError | Error | unknown }) {
    super(message, options);
    this.code = code;
  }
}

export function isSdpError(value: unknown): value is SdpError {
  return value instanceof SdpError;
}
