import type { SdpRequest, SdpResponse, SdpSecurity } from './codec.js';
import { SdpError } from './errors.js';

/** One TCP endpoint of the SECC. */
export interface SdpEndpoint {
  readonly security: SdpSecurity;
  readonly port: number;
}

/** What the SECC announces: its address and an endpoint per security it supports. */
export interface SdpOffer {
  readonly address: string;
  /** In order of preference; usually one, or a TLS and a plain TCP port. */
  readonly endpoints: readonly SdpEndpoint[];
}

/**
 * The SECC's answer to an SDPReq (pure). The endpoint with the requested security if the SECC
 * has one; otherwise its first endpoint, so an EV asking for TLS from a SECC without TLS learns
 * what the SECC has and decides itself whether to go on.
 */
export function answerSdpRequest(request: SdpRequest, offer: SdpOffer): SdpResponse {
  const endpoint = offer.endpoints.find((e) => e.security === request.security) ?? offer.endpoints[0];
  if (endpoint === undefined) throw new SdpError('NO_OFFER', 'the SDP offer has no endpoint');
  return { address: offer.address, port: endpoint.port, security: endpoint.security, transport: 'tcp' };
}
