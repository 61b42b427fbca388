// Every OCPI request and response is one trace event on each side, correlated by X-Request-ID.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TraceEvent } from '@v2xsim/trace';
import { haveSharedSchemas, session, startPair, type Pair } from './support/parties.js';
import { raw } from './support/raw.js';

describe.runIf(haveSharedSchemas)('trace events', () => {
  let pair: Pair;
  beforeAll(async () => {
    pair = await startPair();
    await pair.scsp.platform.register('cpo', { versionsUrl: pair.cpo.platform.versionsUrl, tokenA: await pair.cpo.platform.createTokenA('scsp') });
  });
  afterAll(async () => pair.close());

  it('a session PUT: tx request and rx response at the CPO, rx request and tx response at the SCSP', async () => {
    pair.cpo.sink.events.length = 0;
    pair.scsp.sink.events.length = 0;
    const before = pair.exchanges.length;
    const client = await pair.cpo.platform.client('scsp');
    const s = session('S7');
    await client.sessions.receiver.put(s);
    const name = 'PUT /sessions/{country_code}/{party_id}/{session_id}';
    const ex = pair.exchanges[before];
    const requestId = ex.requestHeaders['x-request-id'];
    expect(ex.responseHeaders['x-request-id']).toBe(requestId);
    expect(ex.responseHeaders['x-correlation-id']).toBe(ex.requestHeaders['x-correlation-id']);
    // routing headers on a Functional module, mirrored on the response
    expect(ex.requestHeaders).toMatchObject({ 'ocpi-from-country-code': 'NL', 'ocpi-from-party-id': 'CPO', 'ocpi-to-country-code': 'NL', 'ocpi-to-party-id': 'SCS' });
    expect(ex.responseHeaders).toMatchObject({ 'ocpi-from-party-id': 'SCS', 'ocpi-to-party-id': 'CPO' });

    const pick = (events: TraceEvent[]) => events.map((e) => ({ actor: e.actor, direction: e.direction, message: e.message, correlationId: e.correlationId, protocol: e.protocol, version: e.version, peer: e.peer }));
    expect(pick(pair.cpo.sink.events)).toEqual([
      { actor: 'csms', direction: 'tx', message: name, correlationId: requestId, protocol: 'ocpi2.2.1', version: '2.2.1', peer: 'scsp' },
      { actor: 'csms', direction: 'rx', message: `${name} response`, correlationId: requestId, protocol: 'ocpi2.2.1', version: '2.2.1', peer: 'scsp' },
    ]);
    expect(pick(pair.scsp.sink.events)).toEqual([
      { actor: 'scsp', direction: 'rx', message: name, correlationId: requestId, protocol: 'ocpi2.2.1', version: '2.2.1', peer: 'cpo' },
      { actor: 'scsp', direction: 'tx', message: `${name} response`, correlationId: requestId, protocol: 'ocpi2.2.1', version: '2.2.1', peer: 'cpo' },
    ]);
    expect(pair.cpo.sink.events[0].body).toEqual(s);
    expect(pair.cpo.sink.events[0].size).toBe(Buffer.byteLength(ex.requestBody!));
    expect(pair.scsp.sink.events[0].body).toEqual(s);
    expect(pair.scsp.sink.events[1].size).toBe(Buffer.byteLength(ex.responseBody!));
    expect(pair.scsp.sink.events[1].body).toMatchObject({ status_code: 1000 });
    expect(pair.scsp.sink.events.every((e) => e.link === 'csms-scsp' && e.error === undefined)).toBe(true);
  });

  it('a refused request is traced with its error, raw body included', async () => {
    pair.scsp.sink.events.length = 0;
    const url = `${(await pair.cpo.platform.store.get('scsp'))!.endpoints!.find((e) => e.identifier === 'sessions')!.url}/NL/CPO/S8`;
    await raw(url, { method: 'PUT', token: (await pair.cpo.platform.store.get('scsp'))!.outgoingToken, text: '{oops' });
    const [rx, tx] = pair.scsp.sink.events;
    expect(rx).toMatchObject({ direction: 'rx', message: 'PUT /sessions/{country_code}/{party_id}/{session_id}', body: { raw: '{oops' }, error: expect.stringMatching(/HTTP 400, status_code 2001/) });
    expect(tx).toMatchObject({ direction: 'tx', body: { status_code: 2001 }, error: expect.stringMatching(/not valid JSON/) });
    await raw(url, {});
    expect(pair.scsp.sink.events.at(-1)).toMatchObject({ direction: 'tx', body: { status_code: 2000 }, error: expect.stringMatching(/HTTP 401/) });
  });
});
