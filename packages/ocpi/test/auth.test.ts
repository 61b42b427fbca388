// Authorization: missing token, wrong token, token A on a functional module → HTTP 401 with the
// envelope; the Base64 form is what is sent; the raw form is accepted only from peers flagged so.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OcpiError } from '../src/index.js';
import { haveSharedSchemas, startPair, type Pair } from './support/parties.js';
import { raw } from './support/raw.js';

describe.runIf(haveSharedSchemas)('authorization', () => {
  let pair: Pair;
  let tokenC: string;
  let locationsUrl: string;
  beforeAll(async () => {
    pair = await startPair();
    const peer = await pair.scsp.platform.register('cpo', { versionsUrl: pair.cpo.platform.versionsUrl, tokenA: await pair.cpo.platform.createTokenA('scsp') });
    tokenC = peer.outgoingToken!;
    locationsUrl = peer.endpoints!.find((e) => e.identifier === 'locations')!.url;
  });
  afterAll(async () => pair.close());

  it('no Authorization header → 401 with an OCPI envelope and the request ids echoed', async () => {
    const r = await raw(`${locationsUrl}/LOC1`, { headers: { 'X-Request-ID': '5b4d2c1e-0000-4000-8000-000000000001' } });
    expect(r.status).toBe(401);
    expect(r.body).toMatchObject({ status_code: 2000, status_message: expect.stringMatching(/Authorization header missing/) });
    expect(typeof r.body.timestamp).toBe('string');
    expect(r.headers.get('x-request-id')).toBe('5b4d2c1e-0000-4000-8000-000000000001');
    expect(r.headers.get('x-correlation-id')).toBeTruthy();
    expect((await raw(pair.cpo.platform.versionsUrl)).status).toBe(401);
  });

  it('unknown token and malformed header → 401', async () => {
    expect((await raw(`${locationsUrl}/LOC1`, { token: 'not-a-known-token' })).status).toBe(401);
    expect((await raw(`${locationsUrl}/LOC1`, { authorization: `Bearer ${Buffer.from(tokenC).toString('base64')}` })).status).toBe(401);
    expect((await raw(`${locationsUrl}/LOC1`, { token: tokenC })).status).toBe(200);
  });

  it('token A opens versions and credentials only; a module answers 401', async () => {
    const tokenA = await pair.cpo.platform.createTokenA('newcomer');
    expect((await raw(pair.cpo.platform.versionsUrl, { token: tokenA })).status).toBe(200);
    const r = await raw(`${locationsUrl}/LOC1`, { token: tokenA });
    expect(r.status).toBe(401);
    expect(r.body.status_message).toMatch(/CREDENTIALS_TOKEN_A/);
  });

  it('the raw (not Base64) token is refused unless the peer is flagged rawToken', async () => {
    expect((await raw(`${locationsUrl}/LOC1`, { token: tokenC, rawToken: true })).status).toBe(401);
    const peer = (await pair.cpo.platform.store.get('scsp'))!;
    await pair.cpo.platform.store.save({ ...peer, quirks: { rawToken: true } });
    expect((await raw(`${locationsUrl}/LOC1`, { token: tokenC, rawToken: true })).status).toBe(200);
    // Base64 still works for that peer: the decoded value is tried first
    expect((await raw(`${locationsUrl}/LOC1`, { token: tokenC })).status).toBe(200);
    await pair.cpo.platform.store.save(peer);
  });

  it('the client surfaces a 401 as OcpiError with httpStatus 401', async () => {
    const client = await pair.scsp.platform.client('cpo');
    const stale = await pair.scsp.platform.store.get('cpo');
    await pair.cpo.platform.store.save({ ...(await pair.cpo.platform.store.get('scsp'))!, incomingToken: 'rotated-elsewhere' });
    const err = await client.locations.sender.get('LOC1').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OcpiError);
    expect((err as OcpiError).httpStatus).toBe(401);
    await pair.cpo.platform.store.save({ ...(await pair.cpo.platform.store.get('scsp'))!, incomingToken: stale!.outgoingToken });
  });

  it('all traffic matches the OpenAPI', () => {
    expect(pair.findings()).toEqual([]);
  });
});
