import {
  V2GTP_DEFAULT_MAX_PAYLOAD_LENGTH,
  V2GTP_HEADER_LENGTH,
  V2GTP_INVERSE_VERSION,
  V2GTP_MAX_WIRE_PAYLOAD_LENGTH,
  V2GTP_VERSION,
  hex16,
  isV2gtpPayloadType,
  v2gtpPayloadTypeName,
} from './constants.js';
import type { V2gtpPayloadType } from './constants.js';
import { V2gtpError } from './errors.js';

export interface V2gtpHeader {
  readonly payloadType: V2gtpPayloadType;
  readonly payloadLength: number;
}

export interface V2gtpMessage {
  readonly payloadType: V2gtpPayloadType;
  /** May alias the caller's input bytes (zero-copy); `.slice()` it to keep it independently. */
  readonly payload: Uint8Array;
}

export interface V2gtpDecodeOptions {
  /** Reject payloads longer than this many bytes. Default 64 KiB. */
  readonly maxPayloadLength?: number;
  /**
   * Payload types this endpoint accepts, e.g. `[V2gtpPayloadType.Exi]` for a
   * -2 / DIN session. Anything else is INVALID_PAYLOAD_TYPE. Default: every known type.
   */
  readonly acceptedPayloadTypes?: Iterable<V2gtpPayloadType>;
}

/** Options resolved once so the per-message checks stay cheap. */
export interface V2gtpHeaderPolicy {
  readonly maxPayloadLength: number;
  readonly accepted: ReadonlySet<number> | undefined;
}

export function resolveV2gtpPolicy(options: V2gtpDecodeOptions = {}): V2gtpHeaderPolicy {
  const max = options.maxPayloadLength ?? V2GTP_DEFAULT_MAX_PAYLOAD_LENGTH;
  if (!Number.isInteger(max) || max < 0 || max > V2GTP_MAX_WIRE_PAYLOAD_LENGTH) {
    throw new RangeError(`maxPayloadLength must be an integer in 0..${V2GTP_MAX_WIRE_PAYLOAD_LENGTH}, got ${max}`);
  }
  let accepted: Set<number> | undefined;
  if (options.acceptedPayloadTypes !== undefined) {
    accepted = new Set(options.acceptedPayloadTypes);
    for (const t of accepted) {
      if (!isV2gtpPayloadType(t)) throw new RangeError(`acceptedPayloadTypes: unknown payload type ${hex16(t)}`);
    }
  }
  return { maxPayloadLength: max, accepted };
}

/**
 * Validates the 8 header bytes at `offset` in the order the standard lists
 * the checks (version, inverse version, payload type, length). Returns the
 * error instead of throwing so the streaming reader can stay exception-free.
 */
export function checkV2gtpHeader(view: DataView, offset: number, policy: V2gtpHeaderPolicy): V2gtpHeader | V2gtpError {
  const version = view.getUint8(offset);
  if (version !== V2GTP_VERSION) {
    return new V2gtpError('INCORRECT_VERSION', `V2GTP protocol version 0x${version.toString(16)}, expected 0x01`);
  }
  const inverse = view.getUint8(offset + 1);
  if (inverse !== V2GTP_INVERSE_VERSION) {
    return new V2gtpError('INVALID_INVERSE_VERSION', `V2GTP inverse version 0x${inverse.toString(16)}, expected 0xfe`);
  }
  const type = view.getUint16(offset + 2, false);
  if (!isV2gtpPayloadType(type)) {
    return new V2gtpError('INVALID_PAYLOAD_TYPE', `unknown V2GTP payload type ${hex16(type)}`);
  }
  if (policy.accepted !== undefined && !policy.accepted.has(type)) {
    return new V2gtpError('INVALID_PAYLOAD_TYPE', `V2GTP payload type ${v2gtpPayloadTypeName(type)} not accepted here`);
  }
  const length = view.getUint32(offset + 4, false);
  if (length > policy.maxPayloadLength) {
    return new V2gtpError(
      'MESSAGE_TOO_LARGE',
      `V2GTP payload length ${length} exceeds maximum ${policy.maxPayloadLength}`,
    );
  }
  return { payloadType: type, payloadLength: length };
}

function viewOf(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Decodes and validates the first 8 bytes of `bytes`. Throws {@link V2gtpError}. */
export function decodeV2gtpHeader(bytes: Uint8Array, options?: V2gtpDecodeOptions): V2gtpHeader {
  if (bytes.length < V2GTP_HEADER_LENGTH) {
    throw new V2gtpError('TRUNCATED', `V2GTP header needs ${V2GTP_HEADER_LENGTH} bytes, got ${bytes.length}`);
  }
  const result = checkV2gtpHeader(viewOf(bytes), 0, resolveV2gtpPolicy(options));
  if (result instanceof V2gtpError) throw result;
  return result;
}

/**
 * Decodes one complete message, e.g. an SDP datagram over UDP, where the
 * datagram must hold exactly header + payload. The payload is a zero-copy
 * view into `bytes`. Throws {@link V2gtpError}. For TCP use {@link V2gtpReader}.
 */
export function decodeV2gtp(bytes: Uint8Array, options?: V2gtpDecodeOptions): V2gtpMessage {
  const header = decodeV2gtpHeader(bytes, options);
  const end = V2GTP_HEADER_LENGTH + header.payloadLength;
  if (bytes.length < end) {
    throw new V2gtpError('TRUNCATED', `V2GTP message needs ${end} bytes, got ${bytes.length}`);
  }
  if (bytes.length > end) {
    throw new V2gtpError('LENGTH_MISMATCH', `V2GTP message has ${bytes.length - end} bytes after the payload`);
  }
  return { payloadType: header.payloadType, payload: bytes.subarray(V2GTP_HEADER_LENGTH, end) };
}

function assertEncodable(payloadType: number, payloadLength: number): void {
  if (!isV2gtpPayloadType(payloadType)) {
    throw new V2gtpError('INVALID_PAYLOAD_TYPE', `unknown V2GTP payload type ${hex16(payloadType)}`);
  }
  if (!Number.isInteger(payloadLength) || payloadLength < 0 || payloadLength > V2GTP_MAX_WIRE_PAYLOAD_LENGTH) {
    throw new V2gtpError('MESSAGE_TOO_LARGE', `V2GTP payload length ${payloadLength} does not fit 32 bits`);
  }
}

function writeHeader(target: Uint8Array, payloadType: number, payloadLength: number): void {
  const view = viewOf(target);
  view.setUint8(0, V2GTP_VERSION);
  view.setUint8(1, V2GTP_INVERSE_VERSION);
  view.setUint16(2, payloadType, false);
  view.setUint32(4, payloadLength, false);
}

/**
 * Just the 8 header bytes, for writing header and payload separately
 * (`socket.write(header); socket.write(payload)`) without copying the payload.
 */
export function encodeV2gtpHeader(payloadType: V2gtpPayloadType, payloadLength: number): Uint8Array {
  assertEncodable(payloadType, payloadLength);
  const header = new Uint8Array(V2GTP_HEADER_LENGTH);
  writeHeader(header, payloadType, payloadLength);
  return header;
}

/** Header + payload in one fresh buffer. */
export function encodeV2gtp(payloadType: V2gtpPayloadType, payload: Uint8Array): Uint8Array {
  assertEncodable(payloadType, payload.length);
  const out = new Uint8Array(V2GTP_HEADER_LENGTH + payload.length);
  writeHeader(out, payloadType, payload.length);
  out.set(payload, V2GTP_HEADER_LENGTH);
  return out;
}
