/** V2G Transfer Protocol framing (ISO 15118-2 §7.8.3, ISO 15118-20, DIN SPEC 70121). */
export {
  V2GTP_DEFAULT_MAX_PAYLOAD_LENGTH,
  V2GTP_HEADER_LENGTH,
  V2GTP_INVERSE_VERSION,
  V2GTP_MAX_WIRE_PAYLOAD_LENGTH,
  V2GTP_PAYLOAD_TYPES,
  V2GTP_VERSION,
  V2gtpPayloadType,
  isV2gtpPayloadType,
  v2gtpPayloadTypeName,
} from './constants.js';
export type { V2gtpPayloadTypeName } from './constants.js';
export { V2gtpError, isV2gtpError } from './errors.js';
export type { V2gtpErrorCode } from './errors.js';
export { decodeV2gtp, decodeV2gtpHeader, encodeV2gtp, encodeV2gtpHeader } from './codec.js';
export type { V2gtpDecodeOptions, V2gtpHeader, V2gtpMessage } from './codec.js';
export { V2gtpReader, readV2gtpMessages } from './reader.js';
export type { V2gtpPushResult } from './reader.js';
