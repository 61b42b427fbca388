// Bad input gets the protocol-correct answer and the server keeps serving: bad JSON and
// schema-invalid bodies → HTTP 400 with 2001 and a clear message; unknown objects → 404 with the
// module's status code; ids that differ between URL and object → 2001.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { haveSharedSchemas, session, startPair, type Pair } from './support/parties.js';
import { raw } from './support/raw.js';

describe.runIf(haveSharedSchemas)('error mapping', () => {
  let pair: Pair;
  let tokenB: string;
  let sessionsUrl: string;
  let tokenC: string;
  let locationsUrl: string;
  const bad = new Set<number>();
  const expectBad = (): void => void bad.add(pair.exchanges.length - 1);

  beforeAll(async () => {
    pair = await startPair();
    const peer = await pair.scsp.platform.register('cpo', { versionsUrl: pair.cpo.platform.versionsUrl, tokenA: await pair.cpo.platform.createTokenA('scsp') });
    tokenB = peer.incomingToken!; // what the CPO uses at the SCSP
    tokenC = peer.outgoingToken!;
    sessionsUrl = `${(await pair.cpo.platform.store.get('scsp'))!.endpoints!.find((e) => e.identifier === 'sessions')!.url}/NL/CPO/S1`;
    locationsUrl = peer.endpoints!.find((e) => e.identifier === 'locations')!.url;
  });
  afterAll(async () => pair.close());

  it('a body that is not JSON → 400, 2001, and the server keeps serving', async () => {
    const r = await raw(sessionsUrl, { method: 'PUT', token: tokenB, text: '{"country_code": "NL", ' });
    expectBad();
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ status_code: 2001, status_message: expect.stringMatching(/not valid JSON/) });
    const ok = await raw(sessionsUrl, { method: 'PUT', token: tokenB, body: session('S1') });
    expect(ok.status).toBe(201);
    expect(ok.body.status_code).toBe(1000);
  });

  it('a schema-invalid body → 400, 2001, naming the field', async () => {
    const { kwh: _kwh, ...noKwh } = session('S1');
    const r1 = await raw(sessionsUrl, { method: 'PUT', token: tokenB, body: noKwh });
    expectBad();
    expect(r1.status).toBe(400);
    expect(r1.body).toMatchObject({ status_code: 2001, status_message: expect.stringMatching(/kwh/) });
    const r2 = await raw(sessionsUrl, { method: 'PUT', token: tokenB, body: { ...session('S1'), status: 'CHARGING' } });
    expectBad();
    expect(r2.body).toMatchObject({ status_code: 2001, status_message: expect.stringMatching(/status/) });
    const r3 = await raw(sessionsUrl, { method: 'PATCH', token: tokenB, body: { kwh: 3 } }); // PATCH needs last_updated
    expectBad();
    expect(r3.body).toMatchObject({ status_code: 2001, status_message: expect.stringMatching(/last_updated/) });
    const r4 = await raw(sessionsUrl, { method: 'PUT', token: tokenB, body: { ...session('S1'), start_date_time: 'yesterday' } });
    expectBad();
    expect(r4.body).toMatchObject({ status_code: 2001, status_message: expect.stringMatching(/start_date_time/) });
    const r5 = await raw(sessionsUrl.replace('/NL/', '/NLD/'), { method: 'PUT', token: tokenB, body: session('S1') }); // country_code is 2 letters
    expectBad();
    expect(r5.status).toBe(400);
    expect(r5.body.status_code).toBe(2001);
    const r6 = await raw(sessionsUrl, { method: 'PUT', token: tokenB });
    expectBad();
    expect(r6.body.status_code).toBe(2001);
    // still serving
    expect((await raw(sessionsUrl, { token: tokenB })).body.data).toMatchObject({ id: 'S1', kwh: 0 });
  });

  it('the pushed object must carry the ids of its URL → 2001', async () => {
    const r = await raw(sessionsUrl, { method: 'PUT', token: tokenB, body: { ...session('S1'), id: 'S2' } });
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ status_code: 2001, status_message: expect.stringMatching(/id "S2".*"S1"/) });
  });

  it('unknown objects → HTTP 404 with the module status (2003 for Locations, 2004 for Tokens)', async () => {
    const loc = await raw(`${locationsUrl}/NOPE`, { token: tokenC });
    expect(loc.status).toBe(404);
    expect(loc.body.status_code).toBe(2003);
    const evse = await raw(`${locationsUrl}/LOC1/NOPE`, { token: tokenC });
    expect(evse.status).toBe(404);
    expect(evse.body.status_code).toBe(2003);
    const client = await pair.cpo.platform.client('scsp');
    const err = await client.tokens.sender.authorize('UNKNOWN').catch((e: unknown) => e);
    expect(err).toMatchObject({ statusCode: 2004, httpStatus: 404 });
    const sess = await raw(sessionsUrl.replace('/S1', '/S9'), { token: tokenB });
    expect(sess.status).toBe(404);
    expect(sess.body.status_code).toBe(2000);
  });

  it('wrong Content-Type → 400 with 2001; unknown endpoint → 404 with the envelope', async () => {
    const r = await raw(sessionsUrl, { method: 'PUT', token: tokenB, text: JSON.stringify(session('S1')), contentType: 'text/plain' });
    expectBad();
    expect(r.status).toBe(400);
    expect(r.body.status_message).toMatch(/Content-Type/);
    expect(r.body.status_code).toBe(2001);
    const nf = await raw(`${locationsUrl.replace(/locations$/, 'nothing')}`, { token: tokenC });
    expect(nf.status).toBe(404);
    expect(nf.body).toMatchObject({ status_code: 2000 });
  });

  it('all traffic matches the OpenAPI; each deliberately bad request is flagged by it too', () => {
    // the unknown endpoint is outside any operation, as it should be
    expect(pair.findings(bad)).toEqual([{ exchange: expect.stringMatching(/nothing → 404$/), problem: 'no OpenAPI operation matches this request' }]);
  });
});
