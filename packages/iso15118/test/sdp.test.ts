import dgram from 'node:dgram';
import os from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { SdpError, SdpServer, discoverSecc, startSdpServer } from '../src/sdp/index.js';
import type { SdpErrorCode, SdpTraceEvent } from '../src/sdp/index.js';

const servers: SdpServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function server(options: ConstructorParameters<typeof SdpServer>[0]): Promise<SdpServer> {
  const s = await startSdpServer({ port: 0, ...options });
  servers.push(s);
  return s;
}

async function sendRaw(bytes: Uint8Array, port: number, host = '::1'): Promise<void> {
  const socket = dgram.createSocket(host.includes(':') ? 'udp6' : 'udp4');
  await new Promise<void>((resolve, reject) => socket.send(bytes, port, host, (e) => (e ? reject(e) : resolve())));
  socket.close();
}

describe('SDP over loopback', () => {
  it('discovers the SECC by unicast on ::1 and traces every datagram', async () => {
    const serverTrace: SdpTraceEvent[] = [];
    const clientTrace: SdpTraceEvent[] = [];
    const s = await server({ endpoints: [{ security: 'tls', port: 50000 }], trace: (e) => serverTrace.push(e) });
    expect(s.address()).toMatchObject({ address: '::1' });
    expect(s.seccAddress).toBe('::1');

    const found = await discoverSecc({
      target: { address: '::1', port: s.address().port },
      security: 'tls',
      trace: (e) => clientTrace.push(e),
    });
    expect(found).toEqual({ address: '::1', port: 50000, security: 'tls', transport: 'tcp', requests: 1 });
    expect(clientTrace.map((e) => [e.direction, e.message, e.size])).toEqual([
      ['tx', 'SDPReq', 10],
      ['rx', 'SDPRes', 28],
    ]);
    expect(serverTrace.map((e) => [e.direction, e.message, e.size])).toEqual([
      ['rx', 'SDPReq', 10],
      ['tx', 'SDPRes', 28],
    ]);
    expect(serverTrace[0]!.body).toEqual({ security: 'tls', transport: 'tcp' });
    expect(clientTrace[1]!.body).toEqual({ address: '::1', port: 50000, security: 'tls', transport: 'tcp' });
  });

  it('answers a TLS request with plain TCP when that is all the SECC has, and with what was asked otherwise', async () => {
    const tcpOnly = await server({ endpoints: [{ security: 'none', port: 50001 }], seccAddress: 'fe80::2' });
    const target = { address: '::1', port: tcpOnly.address().port };
    expect(await discoverSecc({ target, security: 'tls' })).toMatchObject({ address: 'fe80::2', port: 50001, security: 'none' });

    const both = await server({ endpoints: [{ security: 'tls', port: 50000 }, { security: 'none', port: 50001 }] });
    const target2 = { address: '::1', port: both.address().port };
    expect(await discoverSecc({ target: target2, security: 'tls' })).toMatchObject({ port: 50000, security: 'tls' });
    expect(await discoverSecc({ target: target2, security: 'none' })).toMatchObject({ port: 50001, security: 'none' });
  });

  it('works over IPv4 loopback too (IPv4-mapped address in the response)', async () => {
    const s = await server({ host: '127.0.0.1', endpoints: [{ security: 'none', port: 50001 }] });
    const found = await discoverSecc({ target: { address: '127.0.0.1', port: s.address().port }, security: 'none' });
    expect(found.address).toBe('::ffff:127.0.0.1');
  });

  it('survives garbage datagrams, reports them, and still answers', async () => {
    const errors: SdpErrorCode[] = [];
    const s = await server({ endpoints: [{ security: 'tls', port: 50000 }], onError: (e) => errors.push(e.code) });
    const port = s.address().port;
    const garbage = [
      Uint8Array.of(),
      Uint8Array.of(0x01),
      Buffer.from('deadbeefdeadbeef0000', 'hex'), // bad version
      Buffer.from('01fe90000000000200', 'hex'), // truncated payload
      Buffer.from('01fe9000000000020000ff', 'hex'), // trailing byte
      Buffer.from('01fe9000ffffffff0000', 'hex'), // huge length
      Buffer.from('01fe8001000000020000', 'hex'), // EXI payload type over UDP
      Buffer.from('01fe9001000000020000', 'hex'), // a response sent to the server
      Buffer.from('01fea000000000020000', 'hex'), // manufacturer-specific type
      Buffer.from('01fe9000000000027700', 'hex'), // unknown security
      Buffer.from('01fe9000000000020010', 'hex'), // UDP transport (reserved)
      new Uint8Array(1200).fill(0x55),
    ];
    for (const g of garbage) await sendRaw(g, port);
    const found = await discoverSecc({ target: { address: '::1', port }, security: 'tls', timeoutMs: 100 });
    expect(found.port).toBe(50000);
    await expect.poll(() => errors.length).toBe(garbage.length);
    expect(new Set(errors)).toEqual(new Set(['INVALID_LENGTH', 'INVALID_V2GTP', 'UNKNOWN_SECURITY', 'UNKNOWN_TRANSPORT']));
  });

  it('gives up with NO_RESPONSE after maxRequests against a silent port', async () => {
    const silent = dgram.createSocket('udp6');
    await new Promise<void>((resolve) => silent.bind(0, '::1', resolve));
    let received = 0;
    silent.on('message', () => (received += 1));
    const started = performance.now();
    try {
      const error = await discoverSecc({
        target: { address: '::1', port: silent.address().port },
        security: 'tls',
        timeoutMs: 20,
        maxRequests: 5,
      }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SdpError);
      expect((error as SdpError).code).toBe('NO_RESPONSE');
      expect(performance.now() - started).toBeGreaterThanOrEqual(5 * 20 - 5);
      await expect.poll(() => received).toBe(5);
    } finally {
      silent.close();
    }
  });

  it('ignores a malformed response (reported to onError) and keeps waiting', async () => {
    const fake = dgram.createSocket('udp6');
    await new Promise<void>((resolve) => fake.bind(0, '::1', resolve));
    const errors: SdpErrorCode[] = [];
    let requests = 0;
    fake.on('message', (_msg, rinfo) => {
      requests += 1;
      // First a broken response, then (on the repeat) nothing: discovery must not accept it.
      if (requests === 1) fake.send(Buffer.from('01fe900100000002aaaa', 'hex'), rinfo.port, rinfo.address);
    });
    try {
      const error = await discoverSecc({
        target: { address: '::1', port: fake.address().port },
        security: 'none',
        timeoutMs: 30,
        maxRequests: 2,
        onError: (e) => errors.push(e.code),
      }).catch((e: unknown) => e);
      expect((error as SdpError).code).toBe('NO_RESPONSE');
      expect(errors).toEqual(['INVALID_LENGTH']);
    } finally {
      fake.close();
    }
  });

  it('can be aborted', async () => {
    const silent = dgram.createSocket('udp6');
    await new Promise<void>((resolve) => silent.bind(0, '::1', resolve));
    try {
      const controller = new AbortController();
      const pending = discoverSecc({ target: { address: '::1', port: silent.address().port }, security: 'tls', signal: controller.signal });
      setTimeout(() => controller.abort(), 30);
      await expect(pending).rejects.toMatchObject({ code: 'ABORTED' });
    } finally {
      silent.close();
    }
  });

  it('refuses an invalid configuration', async () => {
    expect(() => new SdpServer({ endpoints: [] })).toThrow(SdpError);
    await expect(startSdpServer({ port: 0, endpoints: [{ security: 'tls', port: 1 }], seccAddress: 'secc.local' })).rejects.toMatchObject({
      code: 'INVALID_ADDRESS',
    });
  });

  it('discovers by multicast to ff02::1 on a real interface', async (ctx) => {
    // Needs a non-loopback interface with IPv6 and multicast; loopback has no multicast on Linux.
    const iface = Object.entries(os.networkInterfaces()).find(
      ([, addresses]) => addresses?.some((a) => !a.internal && a.family === 'IPv6' && a.address.startsWith('fe80')),
    )?.[0];
    if (iface === undefined) {
      ctx.skip('no interface with a link-local IPv6 address: multicast SDP cannot be tested here');
      return;
    }
    let s: SdpServer;
    try {
      s = await server({ interface: iface, endpoints: [{ security: 'tls', port: 50000 }] });
    } catch (error) {
      ctx.skip(`joining ff02::1 on ${iface} is not permitted here (${(error as Error).message})`);
      return;
    }
    try {
      const found = await discoverSecc({ target: { interface: iface, port: s.address().port }, security: 'tls', timeoutMs: 100, maxRequests: 5 });
      expect(found.address).toBe(`${s.seccAddress.split('%')[0]}%${iface}`);
      expect(found.port).toBe(50000);
    } catch (error) {
      if (error instanceof SdpError && (error.code === 'NO_RESPONSE' || error.code === 'SOCKET_ERROR')) {
        ctx.skip(`multicast on ${iface} does not loop back here (${error.code}: ${error.message})`);
        return;
      }
      throw error;
    }
  });
});
