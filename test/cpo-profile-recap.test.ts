// Charging profiles set through OCPI, over real HTTP and WebSockets (the CSMS in-process, an
// ocpp-rpc station, an eMSP/SCSP party from @v2xsim/ocpi):
//   - two PUTs at once for two sessions of one station are both applied (one profile change at a
//     time per station: no duplicate profile id, K01.FR.39);
//   - a later change of the site limit (control API set-site-limit) caps them again: the station
//     gets the new limits and the party that set them the new ActiveChargingProfile; a higher
//     limit gives back what they asked for;
//   - a pulled Session shows a station's new meter value at once (the pull cache is invalidated).
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CsmsProcess, resolveCsmsConfig } from '../packages/csms/src/index.js';
import type { OcpiClient, Session } from '../packages/ocpi/src/index.js';
import { startParty, type TestParty } from '../packages/csms/test/support/ocpi-party.js';
import { tempDir } from '../packages/csms/test/support/process.js';
import { action, boot, connectStation, now, type TestStation } from '../packages/csms/test/support/station.js';
import { until } from './support/processes.js';

/** the OCPP SetChargingProfile profile, as much of it as is looked at here */
interface OcppProfile {
  id: number;
  stackLevel: number;
  transactionId?: string;
  chargingSchedule: { chargingSchedulePeriod: { limit: number }[] }[];
}

const data = tempDir('v2xsim-cpo-recap-');
let csms: CsmsProcess;
let party: TestParty;
let client: OcpiClient;
let station: TestStation;

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
    ocpi: { port: 0, party: 'NL*CPO' },
  });
  csms = await CsmsProcess.start(config, { out: () => undefined, log: () => undefined });
  party = await startParty([]);
  const { json } = await action(csms.controlUrl!, 'ocpi-token-a', { peerId: 'scsp' });
  await party.platform.register('cpo', { versionsUrl: json.versionsUrl as string, tokenA: json.tokenA as string });
  client = await party.platform.client('cpo');
  station = await connectStation(csms.ocppUrl, 'CS-K', '2.0.1');
  await station.call('BootNotification', boot['2.0.1']);
  for (const evse of [1, 2]) {
    await station.call('StatusNotification', { timestamp: now(), connectorStatus: 'Occupied', evseId: evse, connectorId: 1 });
    await station.call('TransactionEvent', {
      eventType: 'Started',
      timestamp: now(-60_000),
      triggerReason: 'Authorized',
      seqNo: 0,
      transactionInfo: { transactionId: `TX-${evse}`, chargingState: 'Charging' },
      evse: { id: evse, connectorId: 1 },
      idToken: { idToken: 'RFID-K', type: 'ISO14443' },
      meterValue: [{ timestamp: now(-60_000), sampledValue: [{ value: 1000, measurand: 'Energy.Active.Import.Register' }] }],
    });
  }
  await until(() => (party.sessions.size === 2 ? true : undefined), 'both sessions pushed');
}, 30_000);

afterAll(async () => {
  await station?.close().catch(() => undefined);
  await csms?.close();
  await party?.close();
  rmSync(data, { recursive: true, force: true });
});

const resultUrl = (uid: string) => `${party.endpoint('chargingprofiles')}/result/${uid}`;
const limitsAtStation = (from: number): Record<string, number> => {
  const out: Record<string, number> = {};
  for (const c of station.received.slice(from)) {
    if (c.action !== 'SetChargingProfile') continue;
    const p = (c.params as { chargingProfile: OcppProfile }).chargingProfile;
    if (p.stackLevel === 2) out[p.transactionId!] = p.chargingSchedule[0]!.chargingSchedulePeriod[0]!.limit;
  }
  return out;
};
const activeLimit = (sessionId: string): number | undefined => party.activeProfiles.get(sessionId)?.charging_profile.charging_profile_period?.[0]?.limit;

describe('OCPI charging profiles and the site limit', () => {
  it('two profiles PUT at once for one station are both applied', async () => {
    const mark = station.received.length;
    const profile = { charging_rate_unit: 'W' as const, charging_profile_period: [{ start_period: 0, limit: 11_000 }] };
    const answers = await Promise.all([
      client.chargingProfiles.receiver.set('CS-K-TX-1', { charging_profile: profile, response_url: resultUrl('p1') }),
      client.chargingProfiles.receiver.set('CS-K-TX-2', { charging_profile: profile, response_url: resultUrl('p2') }),
    ]);
    expect(answers.map((a) => a.result)).toEqual(['ACCEPTED', 'ACCEPTED']);
    expect(await until(() => party.profileResults.get('p1'), 'result p1')).toEqual({ result: 'ACCEPTED' });
    expect(await until(() => party.profileResults.get('p2'), 'result p2')).toEqual({ result: 'ACCEPTED' });
    expect(limitsAtStation(mark)).toEqual({ 'TX-1': 11_000, 'TX-2': 11_000 });
    const ids = station.received.slice(mark).filter((c) => c.action === 'SetChargingProfile').map((c) => (c.params as { chargingProfile: OcppProfile }).chargingProfile);
    expect(new Set(ids.filter((p) => p.stackLevel === 2).map((p) => p.id)).size).toBe(2);
  });

  it('a lower site limit caps them again, shared; a higher one gives back what they asked for', async () => {
    let mark = station.received.length;
    await action(csms.controlUrl!, 'set-site-limit', { siteLimitW: 10_000 });
    await until(() => (Object.keys(limitsAtStation(mark)).length === 2 ? true : undefined), 'both profiles capped again at the station');
    expect(limitsAtStation(mark)).toEqual({ 'TX-1': 5_000, 'TX-2': 5_000 });
    await until(() => (activeLimit('CS-K-TX-1') === 5_000 && activeLimit('CS-K-TX-2') === 5_000 ? true : undefined), 'the new ActiveChargingProfiles at the party');

    mark = station.received.length;
    await action(csms.controlUrl!, 'set-site-limit', { siteLimitW: 30_000 });
    await until(() => (Object.keys(limitsAtStation(mark)).length === 2 ? true : undefined), 'both profiles restored at the station');
    expect(limitsAtStation(mark)).toEqual({ 'TX-1': 11_000, 'TX-2': 11_000 });
    await until(() => (activeLimit('CS-K-TX-1') === 11_000 && activeLimit('CS-K-TX-2') === 11_000 ? true : undefined), 'the restored ActiveChargingProfiles');
  });

  it('a pulled Session shows a new meter value at once', async () => {
    const pull = async (): Promise<Session | undefined> => {
      for await (const s of client.sessions.sender.list({ date_from: '2020-01-01T00:00:00Z' })) if (s.id === 'CS-K-TX-1') return s;
      return undefined;
    };
    expect((await pull())?.kwh).toBe(0);
    await station.call('TransactionEvent', {
      eventType: 'Updated',
      timestamp: now(),
      triggerReason: 'MeterValuePeriodic',
      seqNo: 1,
      transactionInfo: { transactionId: 'TX-1' },
      meterValue: [{ timestamp: now(), sampledValue: [{ value: 4000, measurand: 'Energy.Active.Import.Register' }] }],
    });
    expect((await pull())?.kwh).toBe(3);
  });
});
