// Security profiles over real sockets: 1 (Basic auth over ws), 2 (TLS + Basic auth), 3 (mutual
// TLS, the client certificate checked against the CSMS's CA); unknown stations get 404, bad
// credentials 401, a certificate from another CA is refused.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authenticateStations, OcppClient, OcppHandshakeError, OcppServer, type StationCredentials } from '../src/index.js';
import { makeCa, makeServerCert, makeStationCert, type Issued } from './support/certs.js';

const stations: Record<string, StationCredentials> = {
  'CS-P1': { securityProfile: 1, password: 'correct-horse-battery-staple' },
  'CS-P2': { securityProfile: 2, password: 'another-long-password-16+' },
  'CS-P3': { securityProfile: 3 },
  'CS-P3B': { securityProfile: 3 },
  'RDAM|123': { securityProfile: 1, password: Buffer.from('0001020304050607ffffffcccccccccccc', 'hex') },
};
const authenticate = authenticateStations((id) => stations[id]);

let ca: Issued;
let rogueCa: Issued;
let serverCert: Issued;
const servers: OcppServer[] = [];
const clients: OcppClient[] = [];

beforeAll(async () => {
  ca = await makeCa('v2xsim test CSMS CA');
  rogueCa = await makeCa('v2xsim rogue CA');
  serverCert = await makeServerCert(ca);
});
afterAll(async () => {
  for (const c of clients) await c.close();
  for (const s of servers) await s.close();
});

async function serve(opts: ConstructorParameters<typeof OcppServer>[0]): Promise<{ server: OcppServer; url: string }> {
  const server = new OcppServer({ path: '/ocpp', authenticate, ...opts });
  servers.push(server);
  server.on('connection', (conn) => conn.handlers.calls.set('Heartbeat', () => ({ currentTime: new Date().toISOString() })));
  const { url } = await server.listen();
  return { server, url: url.replace('127.0.0.1', 'localhost') };
}

function client(opts: ConstructorParameters<typeof OcppClient<'2.0.1'>>[0]): OcppClient<'2.0.1'> {
  const c = new OcppClient<'2.0.1'>({ reconnect: false, ...opts });
  clients.push(c as OcppClient);
  return c;
}

async function refusal(c: OcppClient<'2.0.1'>): Promise<number | undefined> {
  const e = await c.connect().then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(OcppHandshakeError);
  return (e as OcppHandshakeError).status;
}

describe('security profile 1: Basic auth over ws', () => {
  it('accepts the right password, refuses a wrong or missing one (401) and unknown stations (404)', async () => {
    const { url, server } = await serve({});
    const refused: number[] = [];
    server.on('refused', (r) => refused.push(r.status));
    const ok = client({ url, identity: 'CS-P1', protocols: ['2.0.1'], password: 'correct-horse-battery-staple' });
    const conn = await ok.connect();
    await expect(conn.call('Heartbeat', {})).resolves.toHaveProperty('currentTime');

    expect(await refusal(client({ url, identity: 'CS-P1', protocols: ['2.0.1'], password: 'wrong-password-of-length' }))).toBe(401);
    expect(await refusal(client({ url, identity: 'CS-P1', protocols: ['2.0.1'] }))).toBe(401);
    expect(await refusal(client({ url, identity: 'CS-NOBODY', protocols: ['2.0.1'], password: 'correct-horse-battery-staple' }))).toBe(404);
    expect(refused).toEqual([401, 401, 404]);
  });

  it('percent-encodes the identity in the URL and takes binary (1.6 AuthorizationKey) passwords', async () => {
    const { url, server } = await serve({});
    const seen = new Promise<string>((resolve) => server.once('connection', (c) => resolve(c.identity)));
    const c = new OcppClient({ url, identity: 'RDAM|123', protocols: ['1.6'], password: Buffer.from('0001020304050607ffffffcccccccccccc', 'hex'), reconnect: false });
    clients.push(c as OcppClient);
    expect(c.connectionUrl).toBe(`${url}/RDAM%7C123`);
    await c.connect();
    expect(await seen).toBe('RDAM|123');
  });

  it('refuses a profile 2 or 3 station that comes over plain ws', async () => {
    const { url } = await serve({});
    expect(await refusal(client({ url, identity: 'CS-P2', protocols: ['2.0.1'], password: 'another-long-password-16+' }))).toBe(401);
    expect(await refusal(client({ url, identity: 'CS-P3', protocols: ['2.0.1'] }))).toBe(401);
  });
});

describe('security profile 2: TLS + Basic auth', () => {
  it('connects over wss trusting the CSMS CA; wrong password → 401', async () => {
    const { url } = await serve({ tls: { key: serverCert.keyPem, cert: serverCert.certPem } });
    expect(url.startsWith('wss://localhost:')).toBe(true);
    const conn = await client({ url, identity: 'CS-P2', protocols: ['2.0.1'], password: 'another-long-password-16+', tls: { ca: ca.certPem } }).connect();
    await expect(conn.call('Heartbeat', {})).resolves.toHaveProperty('currentTime');
    expect(await refusal(client({ url, identity: 'CS-P2', protocols: ['2.0.1'], password: 'not-the-password-at-all', tls: { ca: ca.certPem } }))).toBe(401);
  });

  it('a station that does not trust the server certificate does not connect', async () => {
    const { url } = await serve({ tls: { key: serverCert.keyPem, cert: serverCert.certPem } });
    const c = client({ url, identity: 'CS-P2', protocols: ['2.0.1'], password: 'another-long-password-16+', tls: { ca: rogueCa.certPem } });
    await expect(c.connect()).rejects.toThrow(/certificate/i);
  });
});

describe('security profile 3: mutual TLS', () => {
  it('accepts a client certificate from the CSMS CA with CN = identity; refuses others per station (401)', async () => {
    // requestCert without rejectUnauthorized: the per-station decision happens at the upgrade
    const { url } = await serve({ tls: { key: serverCert.keyPem, cert: serverCert.certPem, ca: [ca.certPem], requestCert: true, rejectUnauthorized: false } });
    const good = await makeStationCert(ca, 'CS-P3');
    const rogue = await makeStationCert(rogueCa, 'CS-P3');
    const conn = await client({ url, identity: 'CS-P3', protocols: ['2.0.1'], tls: { ca: ca.certPem, cert: good.certPem, key: good.keyPem } }).connect();
    await expect(conn.call('Heartbeat', {})).resolves.toHaveProperty('currentTime');
    // a certificate of another CA
    expect(await refusal(client({ url, identity: 'CS-P3', protocols: ['2.0.1'], tls: { ca: ca.certPem, cert: rogue.certPem, key: rogue.keyPem } }))).toBe(401);
    // no certificate at all
    expect(await refusal(client({ url, identity: 'CS-P3', protocols: ['2.0.1'], tls: { ca: ca.certPem } }))).toBe(401);
    // a valid certificate of another station
    expect(await refusal(client({ url, identity: 'CS-P3B', protocols: ['2.0.1'], tls: { ca: ca.certPem, cert: good.certPem, key: good.keyPem } }))).toBe(401);
  });

  it('with rejectUnauthorized the TLS handshake itself refuses a wrong client certificate', async () => {
    const { url } = await serve({ tls: { key: serverCert.keyPem, cert: serverCert.certPem, ca: [ca.certPem], requestCert: true, rejectUnauthorized: true } });
    const good = await makeStationCert(ca, 'CS-P3');
    const rogue = await makeStationCert(rogueCa, 'CS-P3');
    await client({ url, identity: 'CS-P3', protocols: ['2.0.1'], tls: { ca: ca.certPem, cert: good.certPem, key: good.keyPem } }).connect();
    const e = await client({ url, identity: 'CS-P3', protocols: ['2.0.1'], tls: { ca: ca.certPem, cert: rogue.certPem, key: rogue.keyPem } })
      .connect()
      .catch((err: unknown) => err);
    expect(e).toBeInstanceOf(Error);
    expect(e).not.toBeInstanceOf(OcppHandshakeError);
    // TLS 1.3: the server's alert after the client's Finished shows as a reset on the client
    expect(`${(e as Error).message} ${(e as NodeJS.ErrnoException).code ?? ''}`).toMatch(/socket hang up|ECONNRESET|alert|certificate/i);
  });
});
