/** SECC Discovery Protocol (SDP): message codec, SECC server, EVCC discovery. */
export {
  SDP_MULTICAST_ADDRESS,
  SDP_PORT,
  SDP_REQUEST_PAYLOAD_LENGTH,
  SDP_RESPONSE_PAYLOAD_LENGTH,
  SdpSecurityByte,
  SdpTransportByte,
  decodeSdpRequest,
  decodeSdpResponse,
  encodeSdpRequest,
  encodeSdpResponse,
} from './codec.js';
export type { SdpRequest, SdpResponse, SdpSecurity, SdpTransport } from './codec.js';
export { SdpError, isSdpError } from './errors.js';
export type { SdpErrorCode } from './errors.js';
export { formatIpv6, isLinkLocalIpv6, parseIpAddress } from './ipv6.js';
export { answerSdpRequest } from './answer.js';
export type { SdpEndpoint, SdpOffer } from './answer.js';
export { SdpServer, startSdpServer } from './server.js';
export type { SdpServerOptions } from './server.js';
export { discoverSecc } from './discover.js';
export type { DiscoverSeccOptions, DiscoveredSecc } from './discover.js';
export type { SdpPeer, SdpTrace, SdpTraceEvent } from './trace.js';
