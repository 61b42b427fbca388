import dgram from 'node:dgram';
import os from 'node:os';
import { answerSdpRequest } from './answer.js';
import type { SdpEndpoint } from './answer.js';
import { SDP_MULTICAST_ADDRESS, SDP_PORT, decodeSdpRequest, encodeSdpResponse } from './codec.js';
import { SdpError } from './errors.js';
import { parseIpAddress } from './ipv6.js';
import type { SdpPeer, SdpTrace } from './trace.js';

export interface SdpServerOptions {
  /** The SECC's TCP endpoints to announce, one per security offered (see {@link answerSdpRequest}). */
  readonly endpoints: readonly SdpEndpoint[];
  /**
   * The SECC address to announce. Default: the bound `host` (unicast), or the link-local
   * address of `interface` (multicast).
   */
  readonly seccAddress?: string;
  /** UDP port. Default 15118. */
  readonly port?: number;
  /** Unicast mode: the address to bind. Default `::1`. Ignored when `interface` is set. */
  readonly host?: string;
  /**
   * Multicast mode, as on a real charger: bind `::` (reuseAddr) and join ff02::1 on this
   * interface (e.g. `eth1`, the PLC modem's interface).
   */
  readonly interface?: string;
  /** A datagram that could not be decoded, or a socket error. The server keeps running. */
  readonly onError?: (error: SdpError, peer: SdpPeer | undefined) => void;
  readonly trace?: SdpTrace;
}

/** Picks the interface's link-local IPv6 address (the one EVCCs reach on the PLC link). */
function linkLocalAddressOf(iface: string): string | undefined {
  const addresses = os.networkInterfaces()[iface] ?? [];
  const v6 = addresses.filter((a) => a.family === 'IPv6');
  return (v6.find((a) => a.address.toLowerCase().startsWith('fe80')) ?? v6[0])?.address;
}

/**
 * SECC side of SDP: answers each SDPReq with the configured endpoint. Malformed datagrams
 * (bad V2GTP header, wrong length, other payload types, unknown security/transport) are
 * reported to `onError` and otherwise ignored.
 */
export class SdpServer {
  readonly #options: SdpServerOptions;
  #socket: dgram.Socket | undefined;
  #seccAddress = '';

  constructor(options: SdpServerOptions) {
    if (options.endpoints.length === 0) throw new SdpError('NO_OFFER', 'SdpServer needs at least one endpoint');
    this.#options = options;
  }

  /** Binds the socket; resolves with the bound address. */
  async listen(): Promise<SdpPeer> {
    if (this.#socket !== undefined) throw new Error('SdpServer is already listening');
    const { interface: iface, port = SDP_PORT } = this.#options;
    const host = iface === undefined ? (this.#options.host ?? '::1') : '::';
    const socket = dgram.createSocket({ type: host.includes(':') ? 'udp6' : 'udp4', reuseAddr: iface !== undefined });
    this.#socket = socket;
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(port, host, () => {
        socket.off('error', reject);
        resolve();
      });
    }).catch((error: unknown) => {
      this.#socket = undefined;
      socket.close();
      throw error;
    });
    if (iface !== undefined) {
      try {
        socket.addMembership(SDP_MULTICAST_ADDRESS, `::%${iface}`);
      } catch (error) {
        this.#socket = undefined;
        socket.close();
        throw error;
      }
    }
    const announced = this.#options.seccAddress ?? (iface === undefined ? host : linkLocalAddressOf(iface));
    if (announced === undefined || parseIpAddress(announced) === undefined) {
      await this.close();
      throw new SdpError(
        'INVALID_ADDRESS',
        announced === undefined
          ? `interface '${iface}' has no IPv6 address; set seccAddress`
          : `seccAddress '${announced}' is not an IP address`,
      );
    }
    this.#seccAddress = announced;
    socket.on('error', (error) => this.#options.onError?.(new SdpError('SOCKET_ERROR', error.message, { cause: error }), undefined));
    socket.on('message', (datagram, rinfo) => this.#onDatagram(datagram, { address: rinfo.address, port: rinfo.port }));
    return this.address();
  }

  /** The bound address and port. */
  address(): SdpPeer {
    if (this.#socket === undefined) throw new Error('SdpServer is not listening');
    const { address, port } = this.#socket.address();
    return { address, port };
  }

  /** The address the server announces in its responses. */
  get seccAddress(): string {
    return this.#seccAddress;
  }

  async close(): Promise<void> {
    const socket = this.#socket;
    this.#socket = undefined;
    if (socket !== undefined) await new Promise<void>((resolve) => socket.close(() => resolve()));
  }

  #onDatagram(datagram: Buffer, peer: SdpPeer): void {
    const { trace, onError } = this.#options;
    let response: Uint8Array;
    try {
      const request = decodeSdpRequest(datagram);
      trace?.({ direction: 'rx', message: 'SDPReq', size: datagram.length, body: request, peer });
      const body = answerSdpRequest(request, { address: this.#seccAddress, endpoints: this.#options.endpoints });
      response = encodeSdpResponse(body);
      trace?.({ direction: 'tx', message: 'SDPRes', size: response.length, body, peer });
    } catch (error) {
      onError?.(error instanceof SdpError ? error : new SdpError('INVALID_V2GTP', String(error), { cause: error }), peer);
      return;
    }
    const socket = this.#socket;
    if (socket === undefined) return;
    // A link-local sender needs its zone to be reachable; Node may leave it out of rinfo.
    let to = peer.address;
    if (this.#options.interface !== undefined && /^fe[89ab]/i.test(to) && !to.includes('%')) {
      to = `${to}%${this.#options.interface}`;
    }
    socket.send(response, peer.port, to, (error) => {
      if (error) onError?.(new SdpError('SOCKET_ERROR', error.message, { cause: error }), peer);
    });
  }
}

/** Creates an {@link SdpServer} and waits until it listens. */
export async function startSdpServer(options: SdpServerOptions): Promise<SdpServer> {
  const server = new SdpServer(options);
  await server.listen();
  return server;
}
