/**
 * SECC Discovery Protocol messages (ISO 15118-2 §7.10.1, ISO 15118-20, DIN SPEC 70121), each
 * one UDP datagram wrapped in V2GTP:
 *
 *   SDPReq (0x9000), 2 bytes:   Security, Transport
 *   SDPRes (0x9001), 20 bytes:  SECC IPv6 address (16), SECC TCP port (2, BE), Security, Transport
 *
 * Security 0x00 = TLS, 0x10 = no TLS; Transport 0x00 = TCP (0x10, UDP, is reserved).
 */
import { V2gtpError, V2gtpPayloadType, decodeV2gtp, encodeV2gtp } from '../v2gtp/index.js';
import { SdpError } from './errors.js';
import { formatIpv6, parseIpAddress } from './ipv6.js';

/** The UDP port the SECC listens on (Josev shared/network.py, RISE). */
export const SDP_PORT = 15118;
/** Link-local all-nodes multicast address the EVCC sends SDPReq to. */
export const SDP_MULTICAST_ADDRESS = 'ff02::1';

export const SDP_REQUEST_PAYLOAD_LENGTH = 2;
export const SDP_RESPONSE_PAYLOAD_LENGTH = 20;

/** Security byte values. */
export const SdpSecurityByte = { tls: 0x00, none: 0x10 } as const;
/** Transport byte values. */
export const SdpTransportByte = { tcp: 0x00 } as const;

/** `tls`: TLS over TCP; `none`: plain TCP. */
export type SdpSecurity = keyof typeof SdpSecurityByte;
export type SdpTransport = keyof typeof SdpTransportByte;

export interface SdpRequest {
  readonly security: SdpSecurity;
  readonly transport: SdpTransport;
}

export interface SdpResponse {
  /** RFC 5952 text, without zone. */
  readonly address: string;
  readonly port: number;
  readonly security: SdpSecurity;
  readonly transport: SdpTransport;
}

function securityOf(byte: number): SdpSecurity {
  if (byte === SdpSecurityByte.tls) return 'tls';
  if (byte === SdpSecurityByte.none) return 'none';
  throw new SdpError('UNKNOWN_SECURITY', `SDP security byte 0x${byte.toString(16).padStart(2, '0')}`);
}

function transportOf(byte: number): SdpTransport {
  if (byte === SdpTransportByte.tcp) return 'tcp';
  throw new SdpError('UNKNOWN_TRANSPORT', `SDP transport byte 0x${byte.toString(16).padStart(2, '0')}`);
}

function unwrap(datagram: Uint8Array, type: V2gtpPayloadType, length: number, what: string): Uint8Array {
  let payload: Uint8Array;
  try {
    // A small maxPayloadLength rejects an oversized length field before anything else.
    payload = decodeV2gtp(datagram, { acceptedPayloadTypes: [type], maxPayloadLength: length }).payload;
  } catch (error) {
    if (error instanceof V2gtpError) {
      if (error.code === 'MESSAGE_TOO_LARGE' || error.code === 'TRUNCATED' || error.code === 'LENGTH_MISMATCH') {
        throw new SdpError('INVALID_LENGTH', `${what}: ${error.message}`, { cause: error });
      }
      throw new SdpError('INVALID_V2GTP', `${what}: ${error.message}`, { cause: error });
    }
    throw error;
  }
  if (payload.length !== length) {
    throw new SdpError('INVALID_LENGTH', `${what} payload has ${payload.length} bytes, expected ${length}`);
  }
  return payload;
}

export function encodeSdpRequest(request: SdpRequest): Uint8Array {
  return encodeV2gtp(
    V2gtpPayloadType.SdpRequest,
    Uint8Array.from([SdpSecurityByte[request.security], SdpTransportByte[request.transport]]),
  );
}

/** Decodes a whole SDPReq datagram. Throws {@link SdpError}. */
export function decodeSdpRequest(datagram: Uint8Array): SdpRequest {
  const payload = unwrap(datagram, V2gtpPayloadType.SdpRequest, SDP_REQUEST_PAYLOAD_LENGTH, 'SDPReq');
  return { security: securityOf(payload[0]!), transport: transportOf(payload[1]!) };
}

/** Throws {@link SdpError} for an address that is not IPv6/IPv4 or a port out of range. */
export function encodeSdpResponse(response: SdpResponse): Uint8Array {
  const address = parseIpAddress(response.address);
  if (address === undefined) throw new SdpError('INVALID_ADDRESS', `not an IP address: '${response.address}'`);
  if (!Number.isInteger(response.port) || response.port < 0 || response.port > 0xffff) {
    throw new SdpError('INVALID_ADDRESS', `not a TCP port: ${response.port}`);
  }
  const payload = new Uint8Array(SDP_RESPONSE_PAYLOAD_LENGTH);
  payload.set(address, 0);
  payload[16] = response.port >> 8;
  payload[17] = response.port & 0xff;
  payload[18] = SdpSecurityByte[response.security];
  payload[19] = SdpTransportByte[response.transport];
  return encodeV2gtp(V2gtpPayloadType.SdpResponse, payload);
}

/** Decodes a whole SDPRes datagram. Throws {@link SdpError}. */
export function decodeSdpResponse(datagram: Uint8Array): SdpResponse {
  const payload = unwrap(datagram, V2gtpPayloadType.SdpResponse, SDP_RESPONSE_PAYLOAD_LENGTH, 'SDPRes');
  return {
    address: formatIpv6(payload.subarray(0, 16)),
    port: (payload[16]! << 8) | payload[17]!,
    security: securityOf(payload[18]!),
    transport: transportOf(payload[19]!),
  };
}
