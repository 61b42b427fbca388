// The SCSP as eMSP, Locations Receiver and Tariffs Receiver, as OS processes: `v2xsim csms` (CPO)
// with an OCPP 2.0.1 station over a real WebSocket, then `v2xsim scsp` registering with it. The
// SCSP pulls the CPO's Locations and Tariffs after registration, receives the CPO's pushes (the
// EVSE going Occupied), answers bad input with OCPI status codes and keeps serving. Both OCPI
// servers sit behind recording proxies; their traffic is checked against the official OpenAPI.
// Then the pull alone against a CPO built with @v2xsim/ocpi: every page, and tried again after a
// failure.
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OpenApiTrafficValidator, type Exchange } from '../packages/ocpi/test/support/openapi-validator.js';
import { openapiDir, startPair } from '../packages/ocpi/test/support/parties.js';
import { startRecordingProxy, type RecordingProxy } from '../packages/ocpi/test/support/recording-proxy.js';
import { ScspLocations } from '@v2xsim/scsp';
import { action, boot, connectStation, now, type TestStation } from '../packages/csms/test/support/station.js';
import { children, root, traceStream, until, v2xsim, type Spawned, type TraceStream } from './support/processes.js';

type Json = Record<string, unknown>;

const freePort = (): Promise<number> =>
  new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });

const banner = (p: Spawned, name: string): Promise<string> => until(() => new RegExp(`v2xsim ${name} ready: .*`).exec(p.out.stderr)?.[0], `${name} banner`, p);
const getJson = async (url: string): Promise<Json> => (await (await fetch(url)).json()) as Json;

const exchanges: Exchange[] = [];
let dir: string;
let cpoProxy: RecordingProxy;
let scspProxy: RecordingProxy;
let station: TestStation | undefined;
let trace: TraceStream | undefined;
let csms: Spawned;
let scsp: Spawned;
let scspControl: string;
let scspPort: number;
let cpoVersionsUrl: string;
let scspVersionsUrl: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'v2xsim-scsp-locations-'));
  const cpoPort = await freePort();
  scspPort = await freePort();
  cpoProxy = await startRecordingProxy(`http://127.0.0.1:${cpoPort}`, exchanges);
  scspProxy = await startRecordingProxy(`http://127.0.0.1:${scspPort}`, exchanges);
  csms = v2xsim([
    'csms', '--port', '0', '--security-profile', '0', '--accept-unknown', '--accept-any-token', '--evse-max-power', '11000',
    '--ocpi-port', String(cpoPort), '--ocpi-party', 'NL*CPO', '--ocpi-public-url', cpoProxy.url, '--data', join(dir, 'csms'),
  ]); // prettier-ignore
  const csmsBanner = await banner(csms, 'csms');
  const ocppUrl = /ocpp=(ws:\/\/\S+)\/<identity>/.exec(csmsBanner)![1]!;
  const csmsControl = /control=(\S+)/.exec(csmsBanner)![1]!;
  // a station the CPO publishes as a Location (one EVSE, one connector)
  station = await connectStation(ocppUrl, 'CS-L', '2.0.1');
  await station.call('BootNotification', boot['2.0.1']);
  await station.call('StatusNotification', { timestamp: now(), connectorStatus: 'Available', evseId: 1, connectorId: 1 });
  const { json } = await action(csmsControl, 'ocpi-token-a', { peerId: 'scsp' });
  cpoVersionsUrl = json.versionsUrl as string;
  scsp = v2xsim([
    'scsp', '--cpo', cpoVersionsUrl, '--token-a', String(json.tokenA), '--party', 'NL/SCS', '--port', String(scspPort), '--public-url', scspProxy.url,
    '--prices', join(root, 'packages/scsp/examples/day-ahead.csv'), '--currency', 'EUR', '--no-auto',
  ]); // prettier-ignore
  const scspBanner = await banner(scsp, 'scsp');
  scspControl = /control=(\S+)/.exec(scspBanner)![1]!;
  scspVersionsUrl = /ocpi=(\S+)/.exec(scspBanner)![1]!;
  trace = traceStream(scspControl);
  await trace.opened;
}, 30_000);

afterAll(async () => {
  trace?.close();
  await station?.close().catch(() => undefined);
  for (const c of children) c.kill('SIGKILL');
  await cpoProxy?.close();
  await scspProxy?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('the SCSP (eMSP) as Locations and Tariffs Receiver', () => {
  it('pulls the CPO’s Locations and Tariffs, receives the pushed EVSE status, answers bad input with OCPI status codes', async () => {
    // 1. after registration: the pull (all pages) gives the SCSP the CPO's Location and Tariff
    const health = await until(
      async () => {
        const h = await getJson(`${scspControl}/health`);
        return (h.cpo as Json).status === 'registered' && (h.pull as Json | undefined)?.at ? h : undefined;
      },
      'the SCSP pulled the CPO’s lists',
      scsp,
    );
    expect(health).toMatchObject({ locations: 1, evses: 1, connectors: 1, tariffs: 1, pull: { locations: 1, tariffs: 1 } });
    expect(scsp.out.stderr).toMatch(/pulled 1 location\(s\) and 1 tariff\(s\) from the CPO/);
    // the handshake advertised the SCSP's Receiver endpoints to the CPO
    const credentials = exchanges.find((ex) => ex.method === 'POST' && ex.url.startsWith(cpoProxy.url) && new URL(ex.url).pathname.endsWith('/credentials'));
    expect(credentials).toBeDefined();
    const details = exchanges.find((ex) => ex.method === 'GET' && ex.url.startsWith(scspProxy.url) && /\/ocpi\/2\.2\.1\/?$/.test(new URL(ex.url).pathname));
    const endpoints = (JSON.parse(details!.responseBody!) as { data: { endpoints: { identifier: string; role: string }[] } }).data.endpoints;
    expect(endpoints).toEqual(expect.arrayContaining([{ identifier: 'locations', role: 'RECEIVER', url: expect.any(String) }, { identifier: 'tariffs', role: 'RECEIVER', url: expect.any(String) }]));

    // 2. the EVSE goes Occupied, then Available again: the CPO pushes it (PUT the Location first, then PATCH)
    await station!.call('StatusNotification', { timestamp: now(), connectorStatus: 'Occupied', evseId: 1, connectorId: 1 });
    const pushed = (re: RegExp): Json | undefined => trace!.events.find((e) => e.protocol === 'ocpi2.2.1' && e.direction === 'rx' && re.test(String(e.message)));
    await until(() => pushed(/^(PUT|PATCH) \/locations\//), 'the Location pushed to the SCSP', scsp);
    const push = exchanges.find((ex) => ex.url.startsWith(scspProxy.url) && /^(PUT|PATCH)$/.test(ex.method) && new URL(ex.url).pathname.includes('/locations/'))!;
    const locationPath = /\/locations\/NL\/CPO\/[^/]+/.exec(new URL(push.url).pathname)![0];
    const cpoAuth = push.requestHeaders.authorization!;
    const send = async (method: string, path: string, body?: unknown): Promise<{ status: number; body: Json }> => {
      const id = randomUUID();
      const headers = { authorization: cpoAuth, 'x-request-id': id, 'x-correlation-id': id, ...(body ? { 'content-type': 'application/json' } : {}) };
      const res = await fetch(`${scspProxy.url}/ocpi/2.2.1${path}`, { method, headers, ...(body ? { body: JSON.stringify(body) } : {}) });
      return { status: res.status, body: (await res.json()) as Json };
    };
    const get = (path: string): Promise<{ status: number; body: Json }> => send('GET', path);
    const evseUid = (((await get(locationPath)).body.data as Json).evses as Json[])[0]!.uid as string;
    await until(async () => (((await get(`${locationPath}/${evseUid}`)).body.data as Json).status === 'CHARGING' ? true : undefined), 'the EVSE CHARGING (Occupied) at the SCSP', scsp);
    await station!.call('StatusNotification', { timestamp: now(), connectorStatus: 'Available', evseId: 1, connectorId: 1 });
    await until(() => pushed(/^PATCH \/locations\/\{country_code\}\/\{party_id\}\/\{location_id\}\/\{evse_uid\}$/), 'PATCH of the EVSE rx at the SCSP', scsp);
    const evse = (await get(`${locationPath}/${evseUid}`)).body.data as Json;
    expect(evse.status).toBe('AVAILABLE');
    expect(Date.parse(String(evse.last_updated))).toBeGreaterThan(0);
    const tariff = await get('/tariffs/NL/CPO/DEFAULT');
    expect(tariff).toMatchObject({ status: 200, body: { status_code: 1000, data: { id: 'DEFAULT', currency: expect.any(String) } } });
    // a Tariff pushed and deleted by the CPO
    const t2 = { ...(tariff.body.data as Json), id: 'NIGHT', last_updated: now().replace(/\.\d+Z$/, 'Z') };
    expect((await send('PUT', '/tariffs/NL/CPO/NIGHT', t2)).status).toBe(201);
    expect(await getJson(`${scspControl}/health`)).toMatchObject({ tariffs: 2 });
    expect((await send('DELETE', '/tariffs/NL/CPO/NIGHT')).status).toBe(200);
    expect(await get('/tariffs/NL/CPO/NIGHT')).toMatchObject({ status: 404, body: { status_code: 2000 } });

    // 3. bad input, with the CPO's token, straight at the SCSP's server (not the validated traffic)
    const direct = `http://127.0.0.1:${scspPort}/ocpi/2.2.1`;
    const malformed = await fetch(`${direct}${locationPath}`, { method: 'PUT', headers: { authorization: cpoAuth, 'content-type': 'application/json' }, body: JSON.stringify({ hello: 'world' }) });
    expect(malformed.status).toBe(400);
    expect(((await malformed.json()) as Json).status_code).toBe(2001);
    const unknown = await fetch(`${direct}/locations/NL/CPO/NO-SUCH-LOC`, { headers: { authorization: cpoAuth } });
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as Json).status_code).toBe(2003);
    const patchUnknown = await fetch(`${direct}/locations/NL/CPO/NO-SUCH-LOC/E1`, { method: 'PATCH', headers: { authorization: cpoAuth, 'content-type': 'application/json' }, body: JSON.stringify({ status: 'AVAILABLE', last_updated: now() }) });
    expect(patchUnknown.status).toBe(404);
    expect(((await patchUnknown.json()) as Json).status_code).toBe(2003);
    const noToken = await fetch(`${direct}${locationPath}`);
    expect(noToken.status).toBe(401);
    // and keeps serving
    expect((await get(locationPath)).status).toBe(200);
    expect(await getJson(`${scspControl}/health`)).toMatchObject({ status: 'ok', locations: 1, evses: 1, tariffs: 1 });

    // 4. every exchange through the proxies, against the official OpenAPI
    const v = new OpenApiTrafficValidator(openapiDir);
    v.addVersionsUrl(cpoVersionsUrl);
    v.addVersionsUrl(scspVersionsUrl);
    const problems = exchanges.flatMap((ex) => {
      const r = v.check(ex);
      return [...r.request, ...r.response].map((f) => `${f.exchange}: ${f.problem}`);
    });
    expect(problems).toEqual([]);
    const seen = exchanges.map((ex) => `${ex.method} ${new URL(ex.url).pathname} ${ex.status}`);
    for (const op of [/^GET \/ocpi\/2\.2\.1\/locations 200$/, /^GET \/ocpi\/2\.2\.1\/tariffs 200$/, /^PATCH \/ocpi\/2\.2\.1\/locations\/NL\/CPO\/[^/]+\/[^/]+ 200$/]) {
      expect(seen.some((x) => op.test(x)), `${op} in ${seen.join('\n')}`).toBe(true);
    }
  }, 60_000);
});

describe('the SCSP’s pull of the CPO’s lists', () => {
  it('follows every page, and a failed pull is logged and tried again, never fatal', async () => {
    // a CPO built with @v2xsim/ocpi: 5 Locations, at most 2 a page; no Tariffs Sender
    const pair = await startPair({ locations: 5, maxLimit: 2 });
    const log: string[] = [];
    const store = new ScspLocations({ now: () => Date.now(), log: (l) => void log.push(l), retry: { delayMs: 50, maxDelayMs: 200 } });
    try {
      // pulled before registering: fails (not registered), tried again until it works
      store.startPull(() => pair.scsp.platform.client('cpo'));
      await until(() => (log.length > 0 ? true : undefined), 'the first pull failed');
      expect(store.counts().pull).toMatchObject({ error: expect.stringMatching(/not registered/), attempts: 1 });
      await pair.scsp.platform.register('cpo', { versionsUrl: pair.cpo.platform.versionsUrl, tokenA: await pair.cpo.platform.createTokenA('scsp') });
      const counts = await until(() => {
        const c = store.counts();
        return c.pull && 'at' in c.pull ? c : undefined;
      }, 'the pull after registration');
      expect(counts).toMatchObject({ locations: 5, tariffs: 0, pull: { locations: 5, tariffs: 0 } });
      expect(counts.evses).toBe(pair.cpo.locations.reduce((n, l) => n + (l.evses?.length ?? 0), 0));
      expect(log[0]).toMatch(/pulling the CPO's locations and tariffs failed \(attempt 1\): .*not registered.*; retrying in 50 ms/);
      expect(log.at(-1)).toMatch(/pulled 5 location\(s\) and 0 tariff\(s\) from the CPO/);
      const pages = pair.exchanges.filter((ex) => ex.method === 'GET' && new URL(ex.url).pathname === '/ocpi/2.2.1/locations');
      expect(pages).toHaveLength(3);
      expect(pair.findings()).toEqual([]);
    } finally {
      store.stop();
      await pair.close();
    }
  });
});
