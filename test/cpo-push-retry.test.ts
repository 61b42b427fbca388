// The CPO's pushes to a party that hangs, then answers nothing after taking a request, then drops
// connections, then recovers, over real HTTP: a fault-injecting proxy in front of an eMSP/SCSP
// party built from @v2xsim/ocpi, the CSMS in-process with short push timeouts, an ocpp-rpc
// station. Every push arrives in the end, in order, once per object: the party's Session equals the
// CPO's own (no charging period lost or doubled), the CDR and the charging-profile result arrive,
// the Session's last change comes before the CDR; the CSMS logs the outage and the recovery.
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CsmsProcess, resolveCsmsConfig } from '../packages/csms/src/index.js';
import type { OcpiClient, Session } from '../packages/ocpi/src/index.js';
import { faultyProxy, type FaultyProxy } from '../packages/ocpi/test/client-faulty-proxy.js';
import { startParty, type TestParty } from '../packages/csms/test/support/ocpi-party.js';
import { tempDir } from '../packages/csms/test/support/process.js';
import { action, boot, connectStation, now, type TestStation } from '../packages/csms/test/support/station.js';
import { until } from './support/processes.js';

const data = tempDir('v2xsim-cpo-retry-');
const logs: string[] = [];
let csms: CsmsProcess;
let party: TestParty;
let proxy: FaultyProxy;
let client: OcpiClient;
let station: TestStation;
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  const config = resolveCsmsConfig({
    listen: { host: '127.0.0.1', port: 0, path: '/ocpp' },
    data,
    securityProfile: 0,
    acceptUnknown: true,
    siteLimitW: 22000,
    evseMaxPowerW: 22000,
    callTimeoutMs: 5000,
    control: { host: '127.0.0.1', port: 0 },
    ocpi: { port: 0, party: 'NL*CPO', push: { timeoutMs: 250, retryBaseMs: 40, retryMaxMs: 200 } },
  });
  csms = await CsmsProcess.start(config, { out: () => undefined, log: (l: string) => void logs.push(l) });
  party = await startParty([]);
  // the CPO reaches the party only through the faulty proxy
  proxy = await faultyProxy(party.proxy.url);
  party.platform.publicOrigin = proxy.url;
  const { json } = await action(csms.controlUrl!, 'ocpi-token-a', { peerId: 'scsp' });
  await party.platform.register('cpo', { versionsUrl: json.versionsUrl as string, tokenA: json.tokenA as string });
  client = await party.platform.client('cpo');
  station = await connectStation(csms.ocppUrl, 'CS-R', '2.0.1');
  await station.call('BootNotification', boot['2.0.1']);
}, 30_000);

afterAll(async () => {
  await station?.close().catch(() => undefined);
  await csms?.close();
  await proxy?.close();
  await party?.close();
  rmSync(data, { recursive: true, force: true });
});

const meter = (seqNo: number, wh: number, eventType: 'Updated' | 'Ended' = 'Updated') =>
  station.call('TransactionEvent', {
    eventType,
    timestamp: now(),
    triggerReason: eventType === 'Ended' ? 'StopAuthorized' : 'MeterValuePeriodic',
    seqNo,
    transactionInfo: { transactionId: 'TX-R', ...(eventType === 'Ended' ? { stoppedReason: 'Local' } : {}) },
    meterValue: [{ timestamp: now(), sampledValue: [{ value: wh, measurand: 'Energy.Active.Import.Register' }, { value: 7000 + seqNo, measurand: 'Power.Active.Import' }] }],
  });

describe('CPO pushes to a party that times out', () => {
  it('are retried with back-off and all arrive, in order, once per object', async () => {
    await station.call('StatusNotification', { timestamp: now(), connectorStatus: 'Occupied', evseId: 1, connectorId: 1 });
    await until(() => party.locations.get('CS-R'), 'Location pushed');
    await station.call('TransactionEvent', {
      eventType: 'Started',
      timestamp: now(-60_000),
      triggerReason: 'Authorized',
      seqNo: 0,
      transactionInfo: { transactionId: 'TX-R', chargingState: 'Charging' },
      evse: { id: 1, connectorId: 1 },
      idToken: { idToken: 'RFID-R', type: 'ISO14443' },
      meterValue: [{ timestamp: now(-60_000), sampledValue: [{ value: 1000, measurand: 'Energy.Active.Import.Register' }] }],
    });
    await until(() => party.sessions.get('CS-R-TX-R'), 'Session pushed');

    // 1. it takes requests in but its answers are lost: a PATCH (charging periods appended) is
    //    applied, yet the CPO cannot know: it sends the whole Session (PUT) from then on
    proxy.mode = 'hang-after-forwarding';
    await meter(1, 2000);
    await pause(700);
    expect(party.sessions.get('CS-R-TX-R')!.kwh).toBe(1);

    // 2. it takes requests and never answers: a meter value and a charging-profile result wait
    proxy.mode = 'hang';
    await meter(2, 3500);
    const profile = { charging_rate_unit: 'W' as const, charging_profile_period: [{ start_period: 0, limit: 6000 }] };
    expect(await client.chargingProfiles.receiver.set('CS-R-TX-R', { charging_profile: profile, response_url: `${party.endpoint('chargingprofiles')}/result/r1` })).toMatchObject({ result: 'ACCEPTED' });
    await pause(700);
    expect(party.sessions.get('CS-R-TX-R')!.kwh).toBe(1);
    expect(party.profileResults.has('r1')).toBe(false);

    // 3. it drops every connection; the session ends (the CDR is due)
    proxy.mode = 'reset';
    await meter(3, 5000, 'Ended');
    await pause(500);
    expect(party.cdrs.size).toBe(0);

    // 4. back
    proxy.mode = 'pass';
    await until(() => party.cdrs.get('CS-R-TX-R'), 'the CDR after the outage');
    await until(() => (party.sessions.get('CS-R-TX-R')?.status === 'COMPLETED' ? true : undefined), 'the completed Session');
    expect(await until(() => party.profileResults.get('r1'), 'the charging-profile result')).toEqual({ result: 'ACCEPTED' });

    // the party's Session is the CPO's own: no charging period lost or doubled
    let ours: Session | undefined;
    for await (const s of client.sessions.sender.list({ date_from: '2020-01-01T00:00:00Z' })) if (s.id === 'CS-R-TX-R') ours = s;
    const theirs = party.sessions.get('CS-R-TX-R')!;
    expect(theirs.kwh).toBe(4);
    expect(theirs.charging_periods).toEqual(ours!.charging_periods);
    expect(theirs).toMatchObject({ status: 'COMPLETED', kwh: ours!.kwh, end_date_time: ours!.end_date_time });
    // in order: the result (asked for before the session ended) before the Session's last change,
    // that before the CDR, which arrived once (a repeated POST would have been refused with 409)
    expect(party.cdrs.size).toBe(1);
    const at = (f: (d: string) => boolean) => proxy.delivered.findIndex(f);
    const result = at((d) => d.includes('/chargingprofiles/result/r1'));
    const lastSession = proxy.delivered.findLastIndex((d) => d.includes('/sessions/'));
    const cdr = at((d) => d.startsWith('POST') && d.includes('/cdrs'));
    expect(result).toBeGreaterThan(-1);
    expect(lastSession).toBeGreaterThan(result);
    expect(cdr).toBeGreaterThan(lastSession);
    expect(proxy.delivered.filter((d) => d.includes('/cdrs'))).toHaveLength(1);
    // what the CSMS said about it
    expect(logs.some((l) => /sync of station CS-R to scsp failed: .*trying again with back-off/.test(l))).toBe(true);
    expect(logs.some((l) => /scsp reachable again: .* delivered after \d+ attempts/.test(l))).toBe(true);
    await csms.ocpi!.settled();
    expect(csms.ocpi!.status().pushesWaiting).toEqual({});
  });
});
