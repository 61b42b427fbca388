// The CPO serves pulls (GET Locations, GET Sessions pages) and the charging-profile requests from
// what it built before (pull-cache.ts; a page and its JSON made once, @v2xsim/ocpi pageOf and the
// route): over real HTTP and real WebSockets, a change at a station, or of a token, is what the
// very next request sees, and the traffic still conforms to the official OpenAPI.
import { rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CsmsProcess, resolveCsmsConfig } from '../src/index.js';
import type { Location, OcpiClient, Session } from '@v2xsim/ocpi';
import { OpenApiTrafficValidator, type Exchange } from '../../ocpi/test/support/openapi-validator.js';
import { openapiDir } from '../../ocpi/test/support/parties.js';
import { startRecordingProxy, type RecordingProxy } from '../../ocpi/test/support/recording-proxy.js';
import { until } from '../../../test/support/processes.js';
import { startParty, type TestParty } from './support/ocpi-party.js';
import { tempDir } from './support/process.js';
import { action, boot, connectStation, now, type TestStation } from './support/station.js';

const exchanges: Exchange[] = [];
const data = tempDir('v2xsim-cpo-pulls-');
let cpoProxy: RecordingProxy;
let csms: CsmsProcess;
let party: TestParty;
let client: OcpiClient;
let station: TestStation;

const freePort = (): Promise<number> =>
  new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });

beforeAll(async () => {
  const ocpiPort = await freePort();
  cpoProxy = await startRecordingProxy(`http://127.0.0.1:${ocpiPort}`, exchanges);
  const config = resolveCsmsConfig({
    listen: { host: '127.0.0.1', port: 0, path: '/ocpp' },
    data,
    securityProfile: 0,
    acceptUnknown: true,
    acceptAnyToken: true,
    evseMaxPowerW: 22000,
    callTimeoutMs: 5000,
    control: { host: '127.0.0.1', port: 0 },
    ocpi: { port: ocpiPort, party: 'NL*CPO', publicUrl: cpoProxy.url },
  });
  csms = await CsmsProcess.start(config, { out: () => undefined, log: () => undefined });
  party = await startParty(exchanges);
  const { json } = await action(csms.controlUrl!, 'ocpi-token-a', { peerId: 'scsp' });
  await party.platform.register('cpo', { versionsUrl: json.versionsUrl as string, tokenA: json.tokenA as string });
  client = await party.platform.client('cpo');
  station = await connectStation(csms.ocppUrl, 'CS-P', '2.0.1');
  await station.call('BootNotification', boot['2.0.1']);
}, 30_000);

afterAll(async () => {
  await station?.close().catch(() => undefined);
  await party?.close();
  await csms?.close();
  await cpoProxy?.close();
  rmSync(data, { recursive: true, force: true });
});

const pulledLocation = async (): Promise<Location | undefined> => {
  for await (const l of client.locations.sender.list()) if (l.id === 'CS-P') return l;
  return undefined;
};
const pulledSession = async (id: string): Promise<Session | undefined> => {
  for await (const s of client.sessions.sender.list({ date_from: '2020-01-01T00:00:00Z' })) if (s.id === id) return s;
  return undefined;
};
const resultUrl = (uid: string): string => `${party.endpoint('chargingprofiles')}/result/${uid}`;
const meter = (seqNo: number, wh: number, eventType = 'Updated', extra: Record<string, unknown> = {}) => ({
  eventType,
  timestamp: now(),
  triggerReason: eventType === 'Ended' ? 'EVCommunicationLost' : 'MeterValuePeriodic',
  seqNo,
  transactionInfo: { transactionId: 'TX-P', ...(eventType === 'Ended' ? { stoppedReason: 'EVDisconnected' } : {}) },
  meterValue: [{ timestamp: now(), sampledValue: [{ value: wh, measurand: 'Energy.Active.Import.Register' }] }],
  ...extra,
});

describe('CPO pulls from its cache', () => {
  it('a station’s status change is in the very next pull of its Location', async () => {
    await station.call('StatusNotification', { timestamp: now(), connectorStatus: 'Available', evseId: 1, connectorId: 1 });
    expect((await pulledLocation())?.evses?.[0]?.status).toBe('AVAILABLE');
    // pulled again unchanged: the same answer (served from the cached page)
    expect(await pulledLocation()).toEqual(await pulledLocation());
    await station.call('StatusNotification', { timestamp: now(), connectorStatus: 'Occupied', evseId: 1, connectorId: 1 });
    expect((await pulledLocation())?.evses?.[0]?.status).toBe('CHARGING');
  });

  it('a transaction, its meter values and a token pushed later are in the very next pull of Sessions', async () => {
    await station.call('TransactionEvent', meter(0, 1000, 'Started', { triggerReason: 'Authorized', evse: { id: 1, connectorId: 1 }, idToken: { idToken: 'RFID-P', type: 'ISO14443' } }));
    const started = await pulledSession('CS-P-TX-P');
    expect(started).toMatchObject({ status: 'ACTIVE', kwh: 0, cdr_token: { uid: 'RFID-P', party_id: 'CPO' } });
    await station.call('TransactionEvent', meter(1, 3500));
    expect(await pulledSession('CS-P-TX-P')).toMatchObject({ kwh: 2.5 });
    // the eMSP pushes the token: the session's cdr_token is now the eMSP's
    await client.tokens.receiver.put({ country_code: 'NL', party_id: 'SCS', uid: 'RFID-P', type: 'RFID', contract_id: 'NL-SCS-CP1', issuer: 'test', valid: true, whitelist: 'ALWAYS', last_updated: '2026-01-01T00:00:00Z' });
    expect(await pulledSession('CS-P-TX-P')).toMatchObject({ cdr_token: { uid: 'RFID-P', party_id: 'SCS', contract_id: 'NL-SCS-CP1' } });
  });

  it('charging profiles: accepted while the transaction runs, UNKNOWN_SESSION from the moment it ended', async () => {
    const profile = { charging_rate_unit: 'W' as const, charging_profile_period: [{ start_period: 0, limit: 7000 }] };
    for (let i = 1; i <= 3; i++) expect(await client.chargingProfiles.receiver.set('CS-P-TX-P', { charging_profile: profile, response_url: resultUrl(`p-${i}`) })).toEqual({ result: 'ACCEPTED', timeout: 30 });
    for (let i = 1; i <= 3; i++) expect(await until(() => party.profileResults.get(`p-${i}`), `result p-${i}`)).toEqual({ result: 'ACCEPTED' });
    await station.call('TransactionEvent', meter(2, 4000, 'Ended'));
    expect(await client.chargingProfiles.receiver.set('CS-P-TX-P', { charging_profile: profile, response_url: resultUrl('p-late') })).toEqual({ result: 'UNKNOWN_SESSION', timeout: 30 });
    expect(await pulledSession('CS-P-TX-P')).toMatchObject({ status: 'COMPLETED', kwh: 3 });
  });

  it('the traffic conforms to the official OpenAPI', () => {
    const v = new OpenApiTrafficValidator(openapiDir);
    v.addVersionsUrl(csms.ocpi!.versionsUrl);
    v.addVersionsUrl(party.platform.versionsUrl);
    const findings = exchanges.flatMap((ex) => {
      const r = v.check(ex);
      // the documented defect of the official OpenAPI (docs/ocpi.md): no result body satisfies its oneOf
      return [...r.request, ...r.response].filter((f) => !(f.operation === 'senderPostChargingProfileCallback' && /oneOf|must match exactly one/.test(f.problem)));
    });
    expect(findings).toEqual([]);
    expect(exchanges.length).toBeGreaterThan(20);
  });
});
