import type { SdpRequest, SdpResponse } from './codec.js';

export interface SdpPeer {
  readonly address: string;
  readonly port: number;
}

/** One SDP datagram sent (`tx`) or received (`rx`) and decoded. */
export type SdpTraceEvent =
  | {
      readonly direction: 'tx' | 'rx';
      readonly message: 'SDPReq';
      /** Datagram bytes, V2GTP header included. */
      readonly size: number;
      readonly body: SdpRequest;
      readonly peer: SdpPeer;
    }
  | {
      readonly direction: 'tx' | 'rx';
      readonly message: 'SDPRes';
      readonly size: number;
      readonly body: SdpResponse;
      readonly peer: SdpPeer;
    };

export type SdpTrace = (event: SdpTraceEvent) => void;
