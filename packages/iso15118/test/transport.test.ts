import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { V2gConnection, V2gTransportError, connectToSecc, createSeccListener } from '../src/transport/index.js';
import type { SeccListener, V2gTransportTraceEvent } from '../src/transport/index.js';
import { V2gtpPayloadType, encodeV2gtp } from '../src/v2gtp/index.js';
import type { V2gtpMessage } from '../src/v2gtp/index.js';

const listeners: SeccListener[] = [];
afterEach(async () => {
  await Promise.all(listeners.splice(0).map((l) => l.close()));
});

async function listen(options: Parameters<typeof createSeccListener>[0] = {}): Promise<SeccListener> {
  const listener = await createSeccListener(options);
  listeners.push(listener);
  return listener;
}

function nextConnection(listener: SeccListener): Promise<V2gConnection> {
  return new Promise((resolve) => listener.onConnection(resolve));
}

/** A raw TCP client, to send bytes the V2gConnection would never produce. */
async function rawClient(port: number, host = '::1'): Promise<net.Socket> {
  const socket = net.connect({ host, port });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  return socket;
}

const plain = (m: V2gtpMessage): [number, string] => [m.payloadType, Buffer.from(m.payload).toString('hex')];
const exi = (...bytes: number[]): Uint8Array => Uint8Array.from(bytes);

describe('V2gConnection over TCP', () => {
  it('round-trips request/response pairs between connectToSecc and createSeccListener', async () => {
    const listener = await listen();
    expect(listener.address).toBe('::1');
    expect(listener.port).toBeGreaterThan(0);
    expect(listener.secure).toBe(false);
    const seccTrace: V2gTransportTraceEvent[] = [];
    listener.onConnection(async (conn) => {
      for await (const request of conn) {
        await conn.send(request.payloadType, Uint8Array.from([...request.payload].reverse()));
      }
    });
    const evcc = await connectToSecc({ host: '::1', port: listener.port, trace: (e) => seccTrace.push(e) });
    expect(evcc.tls).toBeUndefined();
    for (let i = 0; i < 5; i++) {
      await evcc.send(V2gtpPayloadType.Exi, exi(0x80, i, 0xff));
      expect(plain(await evcc.receive({ timeoutMs: 2000 }))).toEqual([0x8001, `ff${i.toString(16).padStart(2, '0')}80`]);
    }
    expect(seccTrace.map((e) => e.direction)).toEqual(['tx', 'rx', 'tx', 'rx', 'tx', 'rx', 'tx', 'rx', 'tx', 'rx']);
    expect(seccTrace[0]).toMatchObject({ payloadType: 0x8001, size: 3 });
    expect(await evcc.close()).toEqual({ kind: 'local' });
  });

  it('splits several messages arriving in one write and joins one split over many writes', async () => {
    const listener = await listen();
    const accepted = nextConnection(listener);
    const client = await rawClient(listener.port);
    const secc = await accepted;
    const a = encodeV2gtp(V2gtpPayloadType.Exi, exi(1, 2, 3));
    const b = encodeV2gtp(V2gtpPayloadType.Exi, exi());
    const c = encodeV2gtp(V2gtpPayloadType.Exi, new Uint8Array(3000).fill(7));
    client.write(Buffer.concat([a, b, c.subarray(0, 5)])); // two whole messages + part of a header
    for (let i = 5; i < c.length; i += 701) {
      client.write(c.subarray(i, Math.min(i + 701, c.length)));
      await new Promise((r) => setTimeout(r, 1));
    }
    const got = [await secc.receive(), await secc.receive(), await secc.receive()];
    expect(got.map((m) => m.payload.length)).toEqual([3, 0, 3000]);
    expect(plain(got[0]!)).toEqual([0x8001, '010203']);
    expect(got[2]!.payload.every((x) => x === 7)).toBe(true);
    client.end();
    expect(await secc.closed).toEqual({ kind: 'peer' });
    // Iteration ends quietly after a clean close; receive() says why.
    const rest: V2gtpMessage[] = [];
    for await (const m of secc) rest.push(m);
    expect(rest).toEqual([]);
    await expect(secc.receive()).rejects.toMatchObject({ code: 'CLOSED', reason: { kind: 'peer' } });
  });

  it('delivers messages received before the peer closed', async () => {
    const listener = await listen();
    const accepted = nextConnection(listener);
    const client = await rawClient(listener.port);
    client.end(Buffer.concat([encodeV2gtp(V2gtpPayloadType.Exi, exi(1)), encodeV2gtp(V2gtpPayloadType.Exi, exi(2))]));
    const secc = await accepted;
    expect(await secc.closed).toEqual({ kind: 'peer' });
    const got: V2gtpMessage[] = [];
    for await (const m of secc) got.push(m);
    expect(got.map(plain)).toEqual([
      [0x8001, '01'],
      [0x8001, '02'],
    ]);
  });

  it('closes the connection on an invalid V2GTP header, with the typed reason', async () => {
    const listener = await listen({ acceptedPayloadTypes: [V2gtpPayloadType.Exi] });
    const accepted = nextConnection(listener);
    const client = await rawClient(listener.port);
    const clientClosed = new Promise<void>((resolve) => client.on('close', () => resolve()));
    client.on('error', () => undefined); // the SECC's close may reset the connection
    client.write(Buffer.concat([encodeV2gtp(V2gtpPayloadType.Exi, exi(0x80)), Buffer.from('01ff800100000001', 'hex')]));
    const secc = await accepted;
    const reason = await secc.closed;
    expect(reason.kind).toBe('v2gtp');
    expect(reason.kind === 'v2gtp' && reason.error.code).toBe('INVALID_INVERSE_VERSION');
    await clientClosed; // the SECC really closed the TCP connection
    // The good message before the bad header is still delivered, then iteration throws the reason.
    const iterator = secc[Symbol.asyncIterator]();
    expect(plain((await iterator.next()).value as V2gtpMessage)).toEqual([0x8001, '80']);
    const error = await iterator.next().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(V2gTransportError);
    expect(error).toMatchObject({ code: 'CLOSED', reason: { kind: 'v2gtp' } });
    await expect(secc.send(V2gtpPayloadType.Exi, exi(1))).rejects.toMatchObject({ code: 'CLOSED' });
  });

  it.each([
    ['a payload type not accepted here (-20 DC on a -2 session)', '01fe800400000001', 'INVALID_PAYLOAD_TYPE'],
    ['an unknown payload type', '01fe123400000001', 'INVALID_PAYLOAD_TYPE'],
    ['a wrong version', '02fd800100000001', 'INCORRECT_VERSION'],
    ['a length above the maximum', '01fe800100010001', 'MESSAGE_TOO_LARGE'],
  ])('closes on %s', async (_what, header, code) => {
    const listener = await listen({ acceptedPayloadTypes: [V2gtpPayloadType.Exi], maxPayloadLength: 0x10000 });
    const accepted = nextConnection(listener);
    const client = await rawClient(listener.port);
    client.on('error', () => undefined);
    client.write(Buffer.from(header, 'hex'));
    const reason = await (await accepted).closed;
    expect(reason).toMatchObject({ kind: 'v2gtp', error: { code } });
  });

  it('reports a message cut off by the peer closing as a V2GTP error', async () => {
    const listener = await listen();
    const accepted = nextConnection(listener);
    const client = await rawClient(listener.port);
    client.end(encodeV2gtp(V2gtpPayloadType.Exi, exi(1, 2, 3)).subarray(0, 10));
    expect(await (await accepted).closed).toMatchObject({ kind: 'v2gtp', error: { code: 'TRUNCATED' } });
  });

  it('times out a receive without closing, and rejects waiting receivers on close', async () => {
    const listener = await listen();
    const accepted = nextConnection(listener);
    const evcc = await connectToSecc({ host: '::1', port: listener.port });
    const secc = await accepted;
    await expect(evcc.receive({ timeoutMs: 20 })).rejects.toMatchObject({ code: 'RECEIVE_TIMEOUT' });
    expect(evcc.isClosing).toBe(false);
    const waiting = expect(evcc.receive()).rejects.toMatchObject({ code: 'CLOSED', reason: { kind: 'peer' } });
    await secc.close();
    await waiting;
    const controller = new AbortController();
    controller.abort();
    await expect(evcc.receive({ signal: controller.signal })).rejects.toMatchObject({ code: 'CLOSED' });
  });

  it('wraps connection failures in typed errors', async () => {
    const closed = await listen();
    const port = closed.port;
    await closed.close();
    listeners.splice(0);
    await expect(connectToSecc({ host: '::1', port })).rejects.toMatchObject({ code: 'CONNECT_FAILED' });
    const controller = new AbortController();
    controller.abort();
    await expect(connectToSecc({ host: '::1', port, signal: controller.signal })).rejects.toMatchObject({ code: 'ABORTED' });
  });

  it('pauses reading while unread messages pile up, and resumes', async () => {
    const listener = await listen({ highWaterMark: 2 });
    const accepted = nextConnection(listener);
    const evcc = await connectToSecc({ host: '::1', port: listener.port });
    const secc = await accepted;
    for (let i = 0; i < 10; i++) await evcc.send(V2gtpPayloadType.Exi, exi(i));
    const got: number[] = [];
    for (let i = 0; i < 10; i++) got.push((await secc.receive({ timeoutMs: 2000 })).payload[0]!);
    expect(got).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('sets TCP_NODELAY and writes header and payload in one segment', async () => {
    const listener = await listen();
    const accepted = nextConnection(listener);
    const client = await rawClient(listener.port);
    const secc = await accepted;
    const chunks: Buffer[] = [];
    client.on('data', (c: Buffer) => chunks.push(c));
    await secc.send(V2gtpPayloadType.Exi, exi(0x80, 0x01));
    await expect.poll(() => chunks.length).toBe(1);
    expect(chunks[0]!.toString('hex')).toBe('01fe8001000000028001');
    // Node has no getter for TCP_NODELAY; check that the constructor asked for it.
    const socket = new net.Socket();
    let noDelay: boolean | undefined;
    socket.setNoDelay = (value?: boolean) => ((noDelay = value), socket);
    new V2gConnection(socket);
    expect(noDelay).toBe(true);
    socket.destroy();
    client.destroy();
  });

  it('closes open connections when the listener closes', async () => {
    const listener = await listen();
    const accepted = nextConnection(listener);
    const evcc = await connectToSecc({ host: '::1', port: listener.port });
    const secc = await accepted;
    expect(listener.connections.size).toBe(1);
    await listener.close();
    listeners.splice(0);
    expect(await secc.closed).toEqual({ kind: 'local' });
    expect(await evcc.closed).toEqual({ kind: 'peer' });
  });
});
