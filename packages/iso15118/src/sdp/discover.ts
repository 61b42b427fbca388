import dgram from 'node:dgram';
import { V2G_TIMING } from '../timing/table.js';
import { SDP_MULTICAST_ADDRESS, SDP_PORT, decodeSdpResponse, encodeSdpRequest } from './codec.js';
import type { SdpResponse, SdpSecurity } from './codec.js';
import { SdpError } from './errors.js';
import { isLinkLocalIpv6, parseIpAddress } from './ipv6.js';
import type { SdpPeer, SdpTrace } from './trace.js';

export interface DiscoverSeccOptions {
  /**
   * Where to send SDPReq: a unicast `{ address, port? }` (default `::1`, port 15118), or
   * `{ interface, port? }` to multicast to ff02::1 on that interface as a real EV does.
   */
  readonly target?: { readonly address: string; readonly port?: number } | { readonly interface: string; readonly port?: number };
  /** The security the EV asks for. */
  readonly security: SdpSecurity;
  /** Wait per request before repeating it. Default 250 ms [V2G2-159]. */
  readonly timeoutMs?: number;
  /** Requests before giving up. Default 50 [V2G2-161]. */
  readonly maxRequests?: number;
  /** A response datagram that could not be decoded (it is ignored). */
  readonly onError?: (error: SdpError, peer: SdpPeer) => void;
  readonly trace?: SdpTrace;
  readonly signal?: AbortSignal;
}

export interface DiscoveredSecc extends SdpResponse {
  /**
   * For a link-local SECC found over multicast, `address` carries the zone (`fe80::1%eth1`) so
   * it can be passed to `connectToSecc` directly.
   */
  readonly address: string;
  /** SDPReq datagrams sent, the answered one included. */
  readonly requests: number;
}

/**
 * EVCC side of SDP: sends SDPReq, waits `timeoutMs` for an SDPRes, repeats up to `maxRequests`
 * times. A response arriving late (while waiting for a later request) is accepted too.
 * Rejects with {@link SdpError} `NO_RESPONSE` after the last request, `SOCKET_ERROR` if the
 * socket fails, `ABORTED` on the signal.
 */
export async function discoverSecc(options: DiscoverSeccOptions): Promise<DiscoveredSecc> {
  const timeoutMs = options.timeoutMs ?? V2G_TIMING.sdp.timers.V2G_EVCC_SDP_Response_Timeout.value;
  const maxRequests = options.maxRequests ?? V2G_TIMING.sdp.timers.V2G_EVCC_SDP_Max_Requests.value;
  const target = options.target ?? { address: '::1' };
  const port = target.port ?? SDP_PORT;
  const iface = 'interface' in target ? target.interface : undefined;
  const destination = iface !== undefined ? `${SDP_MULTICAST_ADDRESS}%${iface}` : (target as { address: string }).address;
  const ipv4 = iface === undefined && !destination.includes(':');

  const socket = dgram.createSocket({ type: ipv4 ? 'udp4' : 'udp6' });
  const request = encodeSdpRequest({ security: options.security, transport: 'tcp' });
  const peer: SdpPeer = { address: destination, port };

  return new Promise<DiscoveredSecc>((resolve, reject) => {
    let sent = 0;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let done = false;

    const finish = (error: SdpError | undefined, result?: DiscoveredSecc): void => {
      if (done) return;
      done = true;
      if (timer !== undefined) clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      socket.close();
      if (error !== undefined) reject(error);
      else resolve(result!);
    };
    const onAbort = (): void => finish(new SdpError('ABORTED', 'SECC discovery aborted'));

    const sendNext = (): void => {
      if (done) return;
      if (sent >= maxRequests) {
        finish(new SdpError('NO_RESPONSE', `no SDP response after ${sent} requests of ${timeoutMs} ms`));
        return;
      }
      sent += 1;
      options.trace?.({ direction: 'tx', message: 'SDPReq', size: request.length, body: { security: options.security, transport: 'tcp' }, peer });
      socket.send(request, port, destination, (error) => {
        if (error) finish(new SdpError('SOCKET_ERROR', error.message, { cause: error }));
      });
      timer = setTimeout(sendNext, timeoutMs);
    };

    socket.on('message', (datagram, rinfo) => {
      const from = { address: rinfo.address, port: rinfo.port };
      let response: SdpResponse;
      try {
        response = decodeSdpResponse(datagram);
      } catch (error) {
        if (error instanceof SdpError) options.onError?.(error, from);
        return;
      }
      options.trace?.({ direction: 'rx', message: 'SDPRes', size: datagram.length, body: response, peer: from });
      const bytes = parseIpAddress(response.address);
      const address = iface !== undefined && bytes !== undefined && isLinkLocalIpv6(bytes) ? `${response.address}%${iface}` : response.address;
      finish(undefined, { ...response, address, requests: sent });
    });
    socket.on('error', (error) => finish(new SdpError('SOCKET_ERROR', error.message, { cause: error })));

    if (options.signal?.aborted) {
      onAbort();
      return;
    }
    options.signal?.addEventListener('abort', onAbort, { once: true });
    socket.bind(0, () => {
      if (iface !== undefined) {
        try {
          socket.setMulticastInterface(`::%${iface}`);
        } catch (error) {
          finish(new SdpError('SOCKET_ERROR', (error as Error).message, { cause: error }));
          return;
        }
      }
      sendNext();
    });
  });
}
