// The bad-input matrix: a raw WebSocket peer sends broken OCPP-J to our server; each gets the
// CALLERROR its version prescribes (or, where the standard says so, none) and the connection
// keeps serving: a valid Heartbeat right after still gets its CALLRESULT.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OcppServer, OCPP_VERSIONS, type OcppVersion } from '../src/index.js';
import { RawPeer } from './support/raw.js';

let server: OcppServer;
let url: string;
let release: (() => void) | undefined;

beforeAll(async () => {
  server = new OcppServer({ path: '/ocpp', maxFrameBytes: 4096 });
  server.on('connection', (conn) => {
    conn.handlers.calls.set('Heartbeat', () => ({ currentTime: new Date().toISOString() }));
    conn.handlers.calls.set('BootNotification', () => ({ status: 'Accepted', currentTime: new Date().toISOString(), interval: 300 }));
    conn.handlers.calls.set('StatusNotification', () => ({}));
    // a CALL the test holds open, to send a second one meanwhile
    conn.handlers.calls.set('Authorize', () => new Promise((resolve) => (release = () => resolve(conn.version === '1.6' ? { idTagInfo: { status: 'Accepted' } } : { idTokenInfo: { status: 'Accepted' } }))));
  });
  ({ url } = await server.listen());
});
afterAll(() => server.close());

/** Per version: the codes the matrix expects (1.6 spellings and its lack of 2.x-only codes). */
const expected = (v: OcppVersion) => ({
  framework: v === '1.6' ? 'FormationViolation' : 'RpcFrameworkError',
  busy: v === '1.6' ? 'GenericError' : 'RpcFrameworkError',
  occurrence: v === '1.6' ? 'OccurenceConstraintViolation' : 'OccurrenceConstraintViolation',
  format: v === '1.6' ? 'FormationViolation' : 'FormatViolation',
  extraField: v === '1.6' ? 'FormationViolation' : 'ProtocolError',
});

const authorize = (v: OcppVersion) => (v === '1.6' ? { idTag: 'TAG1' } : { idToken: { idToken: 'TAG1', type: 'ISO14443' } });

describe.each(OCPP_VERSIONS)('OCPP %s bad input', (version) => {
  let peer: RawPeer;
  const codes = expected(version);

  beforeAll(async () => {
    peer = await RawPeer.open(`${url}/BAD-${version}`, [`ocpp${version}`]);
  });
  afterAll(() => peer.close());

  async function stillServes(): Promise<void> {
    peer.send([2, 'hb-ok', 'Heartbeat', {}]);
    const res = await peer.next();
    expect(res[0]).toBe(3);
    expect(res[1]).toBe('hb-ok');
  }

  it('invalid JSON → CALLERROR with id "-1" (or the readable id), never echoing the input', async () => {
    peer.sendText('{not json');
    const res = await peer.next();
    expect(res).toEqual([4, '-1', codes.framework, 'message is not valid JSON', {}]);
    peer.sendText('[2, "id-7", "Heartbeat", {]');
    expect((await peer.next()).slice(0, 3)).toEqual([4, 'id-7', codes.framework]);
    await stillServes();
  });

  it('not an array, no message type, unreadable id → framework error with "-1"', async () => {
    for (const bad of ['{"a":1}', '[]', '["2","x","Heartbeat",{}]', '[2, 17, "Heartbeat", {}]']) {
      peer.sendText(bad);
      const res = await peer.next();
      expect(res.slice(0, 3)).toEqual([4, '-1', codes.framework]);
    }
    await stillServes();
  });

  it('unknown message type → MessageTypeNotSupported on 2.x, ignored on 1.6', async () => {
    peer.send([7, 'mt-1', 'Heartbeat', {}]);
    if (version === '1.6') expect(await peer.silentFor(150)).toBe(true);
    else expect(await peer.next()).toEqual([4, 'mt-1', 'MessageTypeNotSupported', 'message type 7 is not supported', {}]);
    // SEND (6) exists only in 2.1
    peer.send([6, 'send-1', 'NotifyPeriodicEventStream', { id: 1, pending: 0, basetime: '2026-01-01T00:00:00Z', data: [] }]);
    if (version === '2.1') expect(await peer.silentFor(150)).toBe(true);
    else if (version === '2.0.1') expect((await peer.next()).slice(0, 3)).toEqual([4, 'send-1', 'MessageTypeNotSupported']);
    else expect(await peer.silentFor(150)).toBe(true);
    await stillServes();
  });

  it('unknown action → NotImplemented; known but unhandled → NotSupported', async () => {
    peer.send([2, 'ua-1', 'MakeCoffee', {}]);
    expect((await peer.next()).slice(0, 3)).toEqual([4, 'ua-1', 'NotImplemented']);
    peer.send([2, 'ua-2', 'DataTransfer', { vendorId: 'x' }]);
    expect((await peer.next()).slice(0, 3)).toEqual([4, 'ua-2', 'NotSupported']);
    await stillServes();
  });

  it('schema violations → the code of the failing constraint', async () => {
    const cases: Array<[string, unknown, string]> = [
      // a required field missing
      ['sv-req', version === '1.6' ? {} : { idToken: { type: 'ISO14443' } }, codes.occurrence],
      // a field of the wrong type
      ['sv-type', version === '1.6' ? { idTag: 42 } : { idToken: { idToken: 42, type: 'ISO14443' } }, 'TypeConstraintViolation'],
      // a string too long
      ['sv-len', version === '1.6' ? { idTag: 'x'.repeat(21) } : { idToken: { idToken: 'x'.repeat(256), type: 'ISO14443' } }, 'PropertyConstraintViolation'],
      // a field the PDU does not have
      ['sv-extra', { ...authorize(version), colour: 'blue' }, codes.extraField],
    ];
    for (const [id, payload, code] of cases) {
      peer.send([2, id, 'Authorize', payload]);
      const res = await peer.next();
      expect(res.slice(0, 3), id).toEqual([4, id, code]);
      expect(typeof res[3]).toBe('string');
      expect((res[3] as string).length).toBeLessThanOrEqual(255);
    }
    // a payload that is not an object
    peer.send([2, 'sv-arr', 'Heartbeat', []]);
    expect((await peer.next()).slice(0, 3)).toEqual([4, 'sv-arr', codes.format]);
    // enum and date-time
    peer.send([2, 'sv-enum', 'BootNotification', version === '1.6' ? { chargePointVendor: 'v', chargePointModel: 'm', iccid: 5 } : { reason: 'Bored', chargingStation: { model: 'm', vendorName: 'v' } }]);
    expect((await peer.next()).slice(0, 3)).toEqual([4, 'sv-enum', version === '1.6' ? 'TypeConstraintViolation' : 'PropertyConstraintViolation']);
    peer.send([
      2,
      'sv-time',
      'StatusNotification',
      version === '1.6'
        ? { connectorId: 1, errorCode: 'NoError', status: 'Available', timestamp: 'noon' }
        : { timestamp: 'noon', connectorStatus: 'Available', evseId: 1, connectorId: 1 },
    ]);
    expect((await peer.next()).slice(0, 3)).toEqual([4, 'sv-time', 'PropertyConstraintViolation']);
    await stillServes();
  });

  it('message id longer than 36 characters → framework error, the id echoed', async () => {
    const id = 'x'.repeat(37);
    peer.send([2, id, 'Heartbeat', {}]);
    const res = await peer.next();
    expect(res.slice(0, 3)).toEqual([4, id, codes.framework]);
    peer.send([2, 'y'.repeat(36), 'Heartbeat', {}]);
    expect((await peer.next()).slice(0, 2)).toEqual([3, 'y'.repeat(36)]);
    await stillServes();
  });

  it('a frame over the size limit → CALLERROR with its id, unparsed', async () => {
    peer.send([2, 'big-1', 'DataTransfer', { vendorId: 'x', data: 'z'.repeat(5000) }]);
    const res = await peer.next();
    expect(res.slice(0, 3)).toEqual([4, 'big-1', codes.busy]);
    expect(res[3]).toMatch(/exceeds the limit of 4096 bytes/);
    await stillServes();
  });

  it('a second CALL while one is being handled → refused, and the first still answered', async () => {
    peer.send([2, 'first', 'Authorize', authorize(version)]);
    await new Promise((r) => setTimeout(r, 30));
    peer.send([2, 'second', 'Heartbeat', {}]);
    const refusal = await peer.next();
    expect(refusal.slice(0, 3)).toEqual([4, 'second', codes.busy]);
    release?.();
    const first = await peer.next();
    expect(first.slice(0, 2)).toEqual([3, 'first']);
    await stillServes();
  });

  it('CALLRESULT / CALLERROR for no outstanding CALL are dropped, never answered', async () => {
    peer.send([3, 'nobody-asked', {}]);
    peer.send([4, 'nobody-asked', 'GenericError', '', {}]);
    peer.sendText('[3, "broken"');
    expect(await peer.silentFor(150)).toBe(true);
    await stillServes();
  });
});

describe('server refusals', () => {
  it('a path without identity → 404', async () => {
    await expect(RawPeer.open(`${url}/`, ['ocpp2.0.1'])).rejects.toThrow('HTTP 404');
    await expect(RawPeer.open(url.replace('/ocpp', '/other/CS1'), ['ocpp2.0.1'])).rejects.toThrow('HTTP 404');
  });

  it('no agreed subprotocol → handshake without Sec-WebSocket-Protocol', async () => {
    // ws (like any RFC 6455 client that offered protocols) refuses such a handshake itself
    await expect(RawPeer.open(`${url}/CS-X`, ['ocpp1.5'])).rejects.toThrow(/subprotocol/);
  });
});
