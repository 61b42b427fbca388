// Our station client ⇄ our CSMS server over real sockets, for each version.
import { MemorySink, Tracer } from '@v2xsim/trace';
import { afterEach, describe, expect, it } from 'vitest';
import {
  OcppCallError,
  OcppClient,
  OcppConnectionClosedError,
  OcppError,
  OcppServer,
  OcppTimeoutError,
  OcppValidationError,
  OCPP_VERSIONS,
  type AnyOcppConnection,
  type OcppVersion,
} from '../src/index.js';
import { bootRequest, bootResponse, resetRequest } from './support/payloads.js';

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function pair<V extends OcppVersion>(version: V, serverOpts: ConstructorParameters<typeof OcppServer>[0] = {}, clientOpts: Partial<ConstructorParameters<typeof OcppClient<V>>[0]> = {}) {
  const server = new OcppServer({ path: '/ocpp', ...serverOpts });
  const { url } = await server.listen();
  cleanups.push(() => server.close());
  const accepted = new Promise<AnyOcppConnection>((resolve) => server.once('connection', (c) => resolve(c)));
  const client = new OcppClient<V>({ url, identity: 'CS-001', protocols: [version], reconnect: false, ...clientOpts });
  cleanups.push(() => client.close());
  const conn = await client.connect();
  const csms = await accepted;
  return { server, client, conn, csms, url };
}

describe.each(OCPP_VERSIONS)('OCPP %s: client ⇄ server', (version) => {
  it('negotiates the version, compression, and runs CALLs both ways', async () => {
    const { conn, csms, server } = await pair(version);
    expect(conn.version).toBe(version);
    expect(csms.version).toBe(version);
    expect(csms.identity).toBe('CS-001');
    expect(server.connections.get('CS-001')).toBe(csms);
    // [J21] §3.4: the CSMS supports RFC 7692; both sides negotiated it
    expect(csms.compression).toBe(true);
    expect(conn.compression).toBe(true);

    csms.handlers.calls.set('BootNotification', (req: unknown) => {
      expect(req).toEqual(bootRequest[version]);
      return bootResponse(version, '2026-01-01T00:00:00Z');
    });
    const res = await conn.callUnchecked('BootNotification', bootRequest[version]);
    expect(res).toEqual(bootResponse(version, '2026-01-01T00:00:00Z'));

    conn.handlers.calls.set('Reset', () => ({ status: 'Accepted' }));
    await expect(csms.callUnchecked('Reset', resetRequest[version])).resolves.toEqual({ status: 'Accepted' });
  });

  it('keeps one CALL outstanding: the second waits for the first answer', async () => {
    const { conn, csms } = await pair(version);
    let active = 0;
    let maxActive = 0;
    const seen: string[] = [];
    csms.handlers.calls.set('Heartbeat', async (_req: unknown, ctx: { messageId: string }) => {
      active++;
      maxActive = Math.max(maxActive, active);
      seen.push(ctx.messageId);
      await new Promise((r) => setTimeout(r, 20));
      active--;
      return { currentTime: new Date().toISOString() };
    });
    const results = await Promise.all([conn.callUnchecked('Heartbeat', {}), conn.callUnchecked('Heartbeat', {}), conn.callUnchecked('Heartbeat', {})]);
    expect(results).toHaveLength(3);
    expect(seen).toHaveLength(3);
    // had they gone out together, the server would have refused the 2nd and 3rd (see bad-input)
    expect(maxActive).toBe(1);
  });

  it('refuses an invalid outbound payload locally and sends nothing', async () => {
    const sink = new MemorySink();
    const { conn } = await pair(version, {}, { tracer: new Tracer({ actor: 'evse', link: 'evse-csms', sinks: [sink] }) });
    const err = await conn.callUnchecked('BootNotification', { nonsense: true }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OcppValidationError);
    expect((err as OcppValidationError).direction).toBe('outbound');
    expect(sink.events.filter((e) => e.direction === 'tx')).toHaveLength(0);
    await expect(conn.callUnchecked('NoSuchAction', {})).rejects.toMatchObject({ code: 'NotImplemented' });
  });

  it('turns handler errors into CALLERRORs with the version spelling and keeps going', async () => {
    const { conn, csms } = await pair(version);
    csms.handlers.calls.set('Heartbeat', () => {
      throw new OcppError('SecurityError', 'not accepted yet');
    });
    const e1 = (await conn.callUnchecked('Heartbeat', {}).catch((e: unknown) => e)) as OcppCallError;
    expect(e1).toBeInstanceOf(OcppCallError);
    expect(e1.code).toBe('SecurityError');
    expect(e1.action).toBe('Heartbeat');
    expect(e1.description).toBe('not accepted yet');

    // a handler bug is an InternalError, never a crash
    csms.handlers.calls.set('Heartbeat', () => {
      throw new Error('bug');
    });
    await expect(conn.callUnchecked('Heartbeat', {})).rejects.toMatchObject({ code: 'InternalError' });

    // a handler answering with an invalid payload: the peer gets InternalError, not the payload
    csms.handlers.calls.set('Heartbeat', () => ({ currentTime: 'yesterday' }));
    await expect(conn.callUnchecked('Heartbeat', {})).rejects.toMatchObject({ code: 'InternalError' });

    // and the connection still works
    csms.handlers.calls.set('Heartbeat', () => ({ currentTime: new Date().toISOString() }));
    await expect(conn.callUnchecked('Heartbeat', {})).resolves.toHaveProperty('currentTime');
  });

  it('times a CALL out and lets the next one go', async () => {
    const { conn, csms } = await pair(version, {}, { callTimeoutMs: 100 });
    let calls = 0;
    csms.handlers.calls.set('Heartbeat', async () => {
      calls++;
      if (calls === 1) await new Promise((r) => setTimeout(r, 700));
      return { currentTime: new Date().toISOString() };
    });
    const first = conn.callUnchecked('Heartbeat', {});
    await expect(first).rejects.toBeInstanceOf(OcppTimeoutError);
    // the server is still handling the first CALL: a second one now is refused (one at a time) …
    await expect(conn.callUnchecked('Heartbeat', {})).rejects.toMatchObject({ code: version === '1.6' ? 'GenericError' : 'RpcFrameworkError' });
    await new Promise((r) => setTimeout(r, 700));
    // … and accepted once it answered; its late CALLRESULT was dropped
    await expect(conn.callUnchecked('Heartbeat', {})).resolves.toHaveProperty('currentTime');
  });

  it('rejects pending calls when the connection closes', async () => {
    const { conn, csms } = await pair(version);
    csms.handlers.calls.set('Heartbeat', () => new Promise(() => undefined));
    const pending = conn.callUnchecked('Heartbeat', {}).catch((e: unknown) => e);
    const queued = conn.callUnchecked('Heartbeat', {}).catch((e: unknown) => e);
    await csms.close();
    expect(await pending).toBeInstanceOf(OcppConnectionClosedError);
    expect(await queued).toBeInstanceOf(OcppConnectionClosedError);
    await expect(conn.callUnchecked('Heartbeat', {})).rejects.toBeInstanceOf(OcppConnectionClosedError);
  });

  it('emits one trace event per frame with version, message name, id and size', async () => {
    const stationSink = new MemorySink();
    const csmsSink = new MemorySink();
    const { conn, csms } = await pair(
      version,
      { tracer: new Tracer({ actor: 'csms', link: 'evse-csms', sinks: [csmsSink] }) },
      { tracer: new Tracer({ actor: 'evse-1', link: 'evse-csms', sinks: [stationSink] }) },
    );
    csms.handlers.calls.set('BootNotification', () => bootResponse(version));
    await conn.callUnchecked('BootNotification', bootRequest[version]);
    const [tx, rx] = stationSink.events;
    expect(tx).toMatchObject({ protocol: `ocpp${version}`, version, direction: 'tx', message: 'BootNotificationRequest', body: bootRequest[version] });
    expect(rx).toMatchObject({ protocol: `ocpp${version}`, version, direction: 'rx', message: 'BootNotificationResponse', correlationId: tx!.correlationId });
    expect(rx!.timing).toMatchObject({ kind: 'ocpp-call', breach: false });
    expect(tx!.size).toBe(JSON.stringify([2, tx!.correlationId, 'BootNotification', bootRequest[version]]).length);
    expect(csmsSink.events.map((e) => [e.direction, e.message, e.peer, e.correlationId])).toEqual([
      ['rx', 'BootNotificationRequest', 'CS-001', tx!.correlationId],
      ['tx', 'BootNotificationResponse', 'CS-001', tx!.correlationId],
    ]);
  });
});

describe('OCPP 2.1 only: SEND and CALLRESULTERROR', () => {
  it('delivers SEND messages, unanswered, even while a CALL is outstanding', async () => {
    const { conn, csms } = await pair('2.1');
    const got: unknown[] = [];
    if (!csms.is('2.1')) throw new Error('expected 2.1');
    csms.onSend('NotifyPeriodicEventStream', (p) => {
      got.push(p);
    });
    let release!: () => void;
    csms.handle('Heartbeat', () => new Promise((r) => (release = () => r({ currentTime: new Date().toISOString() }))));
    const hb = conn.call('Heartbeat', {});
    await new Promise((r) => setTimeout(r, 20));
    conn.send('NotifyPeriodicEventStream', { id: 1, pending: 0, basetime: '2026-01-01T00:00:00Z', data: [{ t: 0, v: '230.4' }] });
    await new Promise((r) => setTimeout(r, 50));
    expect(got).toEqual([{ id: 1, pending: 0, basetime: '2026-01-01T00:00:00Z', data: [{ t: 0, v: '230.4' }] }]);
    release();
    await expect(hb).resolves.toHaveProperty('currentTime');
    expect(() => conn.send('NotifyPeriodicEventStream', { id: 1 } as never)).toThrow(OcppValidationError);
  });

  it('answers an invalid CALLRESULT with CALLRESULTERROR', async () => {
    const { conn, csms } = await pair('2.1', { validate: false });
    const resultErrors: unknown[] = [];
    csms.on('callResultError', (e) => resultErrors.push(e));
    // the (unvalidating) CSMS answers a Heartbeat with a bad time
    csms.handlers.calls.set('Heartbeat', () => ({ currentTime: 'noon' }));
    await expect(conn.call('Heartbeat', {})).rejects.toMatchObject({ code: 'PropertyConstraintViolation', direction: 'inbound' });
    await new Promise((r) => setTimeout(r, 50));
    expect(resultErrors).toEqual([expect.objectContaining({ code: 'PropertyConstraintViolation', wireCode: 'PropertyConstraintViolation' })]);
  });

  it('refuses SEND on 2.0.1', async () => {
    const { conn } = await pair('2.0.1');
    expect(() => (conn as unknown as { send: (a: string, p: unknown) => void }).send('NotifyPeriodicEventStream', {})).toThrow(OcppError);
  });
});

describe('version negotiation', () => {
  it('takes the station\'s most preferred version that the CSMS accepts', async () => {
    const { conn } = await pair('2.1', { protocols: ['2.0.1', '1.6'] }, { protocols: ['2.1', '2.0.1', '1.6'] as never });
    expect(conn.version).toBe('2.0.1');
  });

  it('fails the handshake when no version is agreed', async () => {
    const server = new OcppServer({ protocols: ['1.6'] });
    const { url } = await server.listen();
    cleanups.push(() => server.close());
    const client = new OcppClient({ url, identity: 'CS-002', protocols: ['2.1'], reconnect: false });
    await expect(client.connect()).rejects.toThrow(/no agreed OCPP version/);
  });

  it('works without permessage-deflate when the station does not offer it', async () => {
    const { conn, csms } = await pair('2.1', {}, { compression: false });
    expect(conn.compression).toBe(false);
    expect(csms.compression).toBe(false);
    csms.handlers.calls.set('Heartbeat', () => ({ currentTime: new Date().toISOString() }));
    await expect(conn.call('Heartbeat', {})).resolves.toHaveProperty('currentTime');
  });

  it('compresses large messages when negotiated (RFC 7692)', async () => {
    const { conn, csms } = await pair('2.1');
    const raw = (csms as unknown as { ws: { _socket: { bytesRead: number } } }).ws._socket;
    const before = raw.bytesRead;
    csms.handlers.calls.set('DataTransfer', () => ({ status: 'Accepted' }));
    await conn.call('DataTransfer', { vendorId: 'org.v2xsim', data: 'abcd'.repeat(10_000) });
    const wireBytes = raw.bytesRead - before;
    // 40 kB of repetitive JSON crosses the wire in far fewer bytes
    expect(wireBytes).toBeLessThan(5_000);
  });

  it('a reconnecting station replaces its old connection', async () => {
    const { server, url, csms } = await pair('2.0.1');
    const again = new OcppClient({ url, identity: 'CS-001', protocols: ['2.0.1'], reconnect: false });
    cleanups.push(() => again.close());
    const closed = new Promise((r) => csms.once('close', r));
    await again.connect();
    await closed;
    expect(server.connections.get('CS-001')).not.toBe(csms);
    expect(server.connections.size).toBe(1);
  });
});

describe('server-level handlers', () => {
  it('gives every new connection of a version its handlers; a connection may override them', async () => {
    const server = new OcppServer();
    const { url } = await server.listen();
    cleanups.push(() => server.close());
    server.handle('2.0.1', 'Heartbeat', () => ({ currentTime: '2026-01-01T00:00:00Z' }));
    server.handle('1.6', 'Heartbeat', () => ({ currentTime: '2016-01-01T00:00:00Z' }));
    const a = new OcppClient({ url, identity: 'CS-A', protocols: ['2.0.1'], reconnect: false });
    const b = new OcppClient({ url, identity: 'CS-B', protocols: ['1.6'], reconnect: false });
    const c = new OcppClient({ url, identity: 'CS-C', protocols: ['2.1'], reconnect: false });
    cleanups.push(() => a.close(), () => b.close(), () => c.close());
    await Promise.all([a.connect(), b.connect(), c.connect()]);
    await expect(a.call('Heartbeat', {})).resolves.toEqual({ currentTime: '2026-01-01T00:00:00Z' });
    await expect(b.call('Heartbeat', {})).resolves.toEqual({ currentTime: '2016-01-01T00:00:00Z' });
    await expect(c.call('Heartbeat', {})).rejects.toMatchObject({ code: 'NotSupported' });
    const atA = server.connections.get('CS-A');
    if (!atA?.is('2.0.1')) throw new Error('expected a 2.0.1 connection');
    atA.handle('Heartbeat', () => ({ currentTime: '2030-01-01T00:00:00Z' }));
    await expect(a.call('Heartbeat', {})).resolves.toEqual({ currentTime: '2030-01-01T00:00:00Z' });
    // the override stays on that connection
    expect(server.handlers['2.0.1'].calls.size).toBe(1);
  });
});
