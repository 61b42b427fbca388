import type { V2gtpError } from '../v2gtp/index.js';

/** Why a {@link V2gConnection} closed. */
export type V2gCloseReason =
  /** `close()` was called on this side. */
  | { readonly kind: 'local' }
  /** The peer closed the TCP connection at a message boundary. */
  | { readonly kind: 'peer' }
  /**
   * A V2GTP header failed its checks (or the stream ended inside a message); this side closed
   * the connection, as the V2GTP generic header handler requires (ISO 15118-2 §7.8.3).
   */
  | { readonly kind: 'v2gtp'; readonly error: V2gtpError }
  /** The socket failed: reset, TLS alert, … */
  | { readonly kind: 'socket'; readonly error: Error };

export type V2gTransportErrorCode =
  /** TCP connect failed (refused, unreachable). */
  | 'CONNECT_FAILED'
  /** No TCP/TLS connection within `timeoutMs`. */
  | 'CONNECT_TIMEOUT'
  /** TCP connected but the TLS handshake failed (unknown CA, no common suite, …). */
  | 'TLS_HANDSHAKE_FAILED'
  /** The connection is closed; `reason` says why. */
  | 'CLOSED'
  /** `receive({ timeoutMs })` expired; the connection stays open. */
  | 'RECEIVE_TIMEOUT'
  /** Aborted through an AbortSignal. */
  | 'ABORTED';

export class V2gTransportError extends Error {
  override readonly name = 'V2gTransportError';
  readonly code: V2gTransportErrorCode;
  /** Set for `CLOSED`. */
  readonly reason: V2gCloseReason | undefined;

  constructor(code: V2gTransportErrorCode, message: string, options?: { cause?: unknown; reason?: V2gCloseReason }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.reason = options?.reason;
  }
}

export function isV2gTransportError(value: unknown): value is V2gTransportError {
  return value instanceof V2gTransportError;
}

export function describeCloseReason(reason: V2gCloseReason): string {
  switch (reason.kind) {
    case 'local':
      return 'closed locally';
    case 'peer':
      return 'closed by the peer';
    case 'v2gtp':
      return `closed after a V2GTP error (${reason.error.code}: ${reason.error.message})`;
    case 'socket':
      return `socket error: ${reason.error.message}`;
  }
}
