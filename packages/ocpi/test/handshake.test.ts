// The credentials handshake over real HTTP between two platforms, both directions, then token
// rotation and unregistration, the 405 rules and the 3001/3002/3003 registration errors. Every
// exchange is checked against the official OpenAPI definitions.
import { randomUUID } from 'node:crypto';
import Fastify from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { authorizationHeader, InMemoryCredentialsStore, OcpiError, OcpiPlatform, OcpiStatus, ocpiSuccess } from '../src/index.js';
import { cpoRole, haveSharedSchemas, scspRole, startPair, type Pair } from './support/parties.js';

let pair: Pair | undefined;
afterEach(async () => {
  await pair?.close();
  pair = undefined;
});

async function raw(url: string, init: { method?: string; token?: string; body?: unknown } = {}): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(url, {
    method: init.method ?? 'GET',
    headers: { 'X-Request-ID': randomUUID(), 'X-Correlation-ID': randomUUID(), ...(init.token ? { Authorization: authorizationHeader(init.token) } : {}), ...(init.body ? { 'Content-Type': 'application/json' } : {}) },
    ...(init.body ? { body: JSON.stringify(init.body) } : {}),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe.runIf(haveSharedSchemas)('credentials handshake', () => {
  it('SCSP registers at the CPO with token A: A → B → C, then both sides use their tokens', async () => {
    pair = await startPair();
    const { cpo, scsp } = pair;
    const tokenA = await cpo.platform.createTokenA('scsp');

    const peer = await scsp.platform.register('cpo', { versionsUrl: cpo.platform.versionsUrl, tokenA });
    expect(peer.status).toBe('registered');
    expect(peer.version).toBe('2.2.1');
    expect(peer.roles).toEqual([cpoRole]);
    expect(peer.endpoints?.map((e) => `${e.identifier}:${e.role}`)).toEqual(expect.arrayContaining(['credentials:SENDER', 'locations:SENDER', 'commands:RECEIVER', 'chargingprofiles:RECEIVER']));

    // the CPO side: registered, token A gone, it holds B (outgoing) and issued C (incoming)
    const atCpo = await cpo.platform.store.get('scsp');
    expect(atCpo?.status).toBe('registered');
    expect(atCpo?.tokenA).toBeUndefined();
    expect(atCpo?.outgoingToken).toBe(peer.incomingToken); // B
    expect(atCpo?.incomingToken).toBe(peer.outgoingToken); // C
    expect(atCpo?.roles).toEqual([scspRole]);
    expect(atCpo?.endpoints?.some((e) => e.identifier === 'sessions' && e.role === 'RECEIVER')).toBe(true);

    // token A is single use
    expect((await raw(cpo.platform.versionsUrl, { token: tokenA })).status).toBe(401);

    // C opens the CPO's modules to the SCSP; B opens the SCSP's modules to the CPO
    const toCpo = await scsp.platform.client('cpo');
    expect((await toCpo.locations.sender.get('LOC1')).id).toBe('LOC1');
    expect(await toCpo.credentials.get()).toMatchObject({ token: peer.outgoingToken, url: cpo.platform.versionsUrl, roles: [cpoRole] });
    const toScsp = await cpo.platform.client('scsp');
    const put = await toScsp.sessions.receiver.put(cpo.sessions.get('S1')!);
    expect(put.httpStatus).toBe(201);
    expect(scsp.sessions.get('S1')?.status).toBe('ACTIVE');

    // POST again once registered → 405
    const again = await raw(`${cpo.platform.versionsUrl.replace(/versions$/, '2.2.1/credentials')}`, { method: 'POST', token: peer.outgoingToken, body: scsp.platform.credentials('x') });
    expect(again.status).toBe(405);
    expect(again.body.status_code).toBe(2000);

    expect(pair.findings()).toEqual([]);
  });

  it('the other direction: the CPO registers at the SCSP', async () => {
    pair = await startPair();
    const { cpo, scsp } = pair;
    const tokenA = await scsp.platform.createTokenA('cpo');
    const peer = await cpo.platform.register('scsp', { versionsUrl: scsp.platform.versionsUrl, tokenA });
    expect(peer.status).toBe('registered');
    expect((await scsp.platform.store.get('cpo'))?.status).toBe('registered');

    // the SCSP, registered side, can pull and command the CPO with its token
    const toCpo = await scsp.platform.client('cpo');
    const locations = [];
    for await (const l of toCpo.locations.sender.list()) locations.push(l.id);
    expect(locations).toEqual(['LOC1', 'LOC2', 'LOC3']);
    expect(await toCpo.commands.receiver.send({ type: 'STOP_SESSION', body: { response_url: `${scsp.platform.versionsUrl}/x`, session_id: 'S1' } })).toEqual({ result: 'ACCEPTED', timeout: 30 });
    expect(pair.findings()).toEqual([]);
  });

  it('update (PUT) rotates both tokens; the old ones stop working', async () => {
    pair = await startPair();
    const { cpo, scsp } = pair;
    const before = await scsp.platform.register('cpo', { versionsUrl: cpo.platform.versionsUrl, tokenA: await cpo.platform.createTokenA('scsp') });
    const after = await scsp.platform.updateCredentials('cpo');
    expect(after.outgoingToken).not.toBe(before.outgoingToken);
    expect(after.incomingToken).not.toBe(before.incomingToken);
    expect(after.nextIncomingToken).toBeUndefined();
    const atCpo = await cpo.platform.store.get('scsp');
    expect(atCpo?.incomingToken).toBe(after.outgoingToken);
    expect(atCpo?.outgoingToken).toBe(after.incomingToken);

    // old C refused, new C accepted; old B refused at the SCSP
    expect((await raw(cpo.platform.versionsUrl, { token: before.outgoingToken })).status).toBe(401);
    expect((await raw(cpo.platform.versionsUrl, { token: after.outgoingToken })).status).toBe(200);
    expect((await raw(scsp.platform.versionsUrl, { token: before.incomingToken })).status).toBe(401);
    expect((await (await scsp.platform.client('cpo')).locations.sender.get('LOC2')).id).toBe('LOC2');

    // the registered side may rotate too (the module is symmetric)
    const fromCpo = await cpo.platform.updateCredentials('scsp');
    expect((await scsp.platform.store.get('cpo'))?.outgoingToken).toBe(fromCpo.incomingToken);
    expect(pair.findings()).toEqual([]);
  });

  it('unregister (DELETE): both sides forget the connection; PUT/DELETE unregistered → 405', async () => {
    pair = await startPair();
    const { cpo, scsp } = pair;
    const tokenA = await cpo.platform.createTokenA('scsp');
    const credentialsUrl = cpo.platform.versionsUrl.replace(/versions$/, '2.2.1/credentials');
    // what a party holding token A reads first: versions and version details
    const versions = (await raw(cpo.platform.versionsUrl, { token: tokenA })).body.data as { url: string }[];
    expect((await raw(versions[0].url, { token: tokenA })).status).toBe(200);
    // with token A the party is not registered: PUT and DELETE are 405, GET works
    expect((await raw(credentialsUrl, { method: 'PUT', token: tokenA, body: scsp.platform.credentials('tok') })).status).toBe(405);
    expect((await raw(credentialsUrl, { method: 'DELETE', token: tokenA })).status).toBe(405);
    expect((await raw(credentialsUrl, { token: tokenA })).body.data).toMatchObject({ token: tokenA, roles: [cpoRole] });

    const peer = await scsp.platform.register('cpo', { versionsUrl: cpo.platform.versionsUrl, tokenA });
    await scsp.platform.unregister('cpo');
    expect(await scsp.platform.store.get('cpo')).toBeUndefined();
    expect(await cpo.platform.store.get('scsp')).toBeUndefined();
    expect((await raw(cpo.platform.versionsUrl, { token: peer.outgoingToken })).status).toBe(401);
    expect((await raw(scsp.platform.versionsUrl, { token: peer.incomingToken })).status).toBe(401);
    expect(pair.findings()).toEqual([]);
  });

  it('registration errors: 3001 unreachable client API, 3002 no mutual version, 3003 missing endpoints', async () => {
    pair = await startPair();
    const { cpo } = pair;
    const credentialsUrl = cpo.platform.versionsUrl.replace(/versions$/, '2.2.1/credentials');

    // a party whose versions URL does not answer
    const t1 = await cpo.platform.createTokenA('p1');
    const versions = (await raw(cpo.platform.versionsUrl, { token: t1 })).body.data as { url: string }[];
    expect((await raw(versions[0].url, { token: t1 })).status).toBe(200);
    const r1 = await raw(credentialsUrl, { method: 'POST', token: t1, body: { token: 'tokenB-1', url: 'http://127.0.0.1:9/ocpi/versions', roles: [scspRole] } });
    expect(r1.body.status_code).toBe(OcpiStatus.UnableToUseClientApi);
    expect((await cpo.platform.store.get('p1'))?.status).toBe('pending'); // token A still valid for a retry

    // a 2.1.1-only party, and a 2.2.1 party without a credentials endpoint
    const other = Fastify();
    other.get('/old/versions', async () => ocpiSuccess([{ version: '2.1.1', url: 'http://x/2.1.1' }]));
    other.get('/bare/versions', async (req) => ocpiSuccess([{ version: '2.2.1', url: `http://${req.host}/bare/2.2.1` }]));
    other.get('/bare/2.2.1', async () => ocpiSuccess({ version: '2.2.1', endpoints: [{ identifier: 'locations', role: 'RECEIVER', url: 'http://x/locations' }] }));
    await other.listen({ host: '127.0.0.1', port: 0 });
    const base = `http://127.0.0.1:${(other.server.address() as { port: number }).port}`;
    try {
      const t2 = await cpo.platform.createTokenA('p2');
      const r2 = await raw(credentialsUrl, { method: 'POST', token: t2, body: { token: 'tokenB-2', url: `${base}/old/versions`, roles: [scspRole] } });
      expect(r2.body.status_code).toBe(OcpiStatus.UnsupportedVersion);
      const r3 = await raw(credentialsUrl, { method: 'POST', token: t2, body: { token: 'tokenB-3', url: `${base}/bare/versions`, roles: [scspRole] } });
      expect(r3.body.status_code).toBe(OcpiStatus.NoMatchingEndpoints);
      expect(String(r3.body.status_message)).toMatch(/credentials/);

      // the client side reports the same codes when it is the one that cannot register
      const lonely = new OcpiPlatform({ store: new InMemoryCredentialsStore(), roles: [scspRole], publicOrigin: 'http://127.0.0.1:9' });
      const err = await lonely.register('old', { versionsUrl: `${base}/old/versions`, tokenA: 'whatever' }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(OcpiError);
      expect((err as OcpiError).statusCode).toBe(OcpiStatus.UnsupportedVersion);
      expect(await lonely.store.get('old')).toBeUndefined();
      await lonely.close();
    } finally {
      await other.close();
    }
    expect(pair.findings()).toEqual([]);
  });
});
