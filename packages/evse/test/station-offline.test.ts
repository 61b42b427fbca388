// Offline behaviour: while the CSMS is away, transaction messages go to the journal on disk and
// are delivered after the reconnect in order, with offline=true (2.x), none twice — also when
// the station itself restarts in between (a new ChargingStation on the same data folder).
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { OcppVersion } from '@v2xsim/ocpp';
import { afterEach, describe, expect, it } from 'vitest';
import { ChargingStation } from '../src/station/index.js';
import { TestCsms, type Params } from './support/station-csms.js';
import { FakeEvse, stationConfig, tempDir, until } from './support/station-evse.js';

const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function setup(version: OcppVersion) {
  const csms = await TestCsms.start();
  cleanups.push(() => csms.close());
  const dir = tempDir();
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const evse = new FakeEvse();
  const mk = () => {
    const s = new ChargingStation(stationConfig(version, csms.url, dir), new Map([[1, evse]]));
    cleanups.push(() => s.stop());
    return s;
  };
  return { csms, evse, dir, mk };
}

/** The transaction messages the CSMS received, in order. */
const txMessages = (csms: TestCsms) => csms.received.filter((c) => ['TransactionEvent', 'StartTransaction', 'StopTransaction', 'MeterValues'].includes(c.action));

describe.each(['2.0.1', '2.1'] as const)('OCPP %s offline journal', (version) => {
  it('journals events while the CSMS is away and delivers them in order, offline=true, none twice', async () => {
    const { csms, evse, mk } = await setup(version);
    const station = mk();
    station.start();
    await station.waitBooted();
    const ev = station.evse(1);
    ev.plugIn();
    await ev.authorize({ idToken: 'TOKEN-1' });
    ev.chargingState('Charging');
    await csms.waitAction('TransactionEvent', station.id, (p) => p.triggerReason === 'ChargingStateChanged');
    await station.drained();

    // the CSMS goes away mid-transaction
    await csms.close();
    await until(() => !station.online, 3000, 'the station to notice');
    evse.importedWh = 2500;
    await until(() => station.queued >= 2, 4000, 'periodic samples in the journal');
    ev.chargingState('SuspendedEV');
    ev.unplug();
    const queued = station.queued;
    expect(queued).toBeGreaterThanOrEqual(4);
    const before = csms.received.length;

    await csms.restart();
    await station.drained();
    const delivered = txMessages(csms).slice(txMessages(csms).length - queued);
    expect(csms.received.length - before).toBeGreaterThanOrEqual(queued);
    // in order, every one offline, the last one the Ended
    const seqNos = csms.calls('TransactionEvent').map((c) => c.params.seqNo as number);
    expect(seqNos).toEqual(seqNos.map((_, i) => i));
    expect(new Set(csms.calls('TransactionEvent').map((c) => c.messageId)).size).toBe(seqNos.length);
    expect(delivered.every((c) => c.params.offline === true)).toBe(true);
    expect(delivered[delivered.length - 1].params).toMatchObject({ eventType: 'Ended', triggerReason: 'EVCommunicationLost', transactionInfo: { stoppedReason: 'EVDisconnected' } });
    const periodic = delivered.find((c) => c.params.triggerReason === 'MeterValuePeriodic')!;
    expect((periodic.params.meterValue as Params[])[0].sampledValue).toEqual(expect.arrayContaining([expect.objectContaining({ measurand: 'Energy.Active.Import.Register', value: 2500 })]));
    expect(station.queued).toBe(0);
  });

  it('keeps the journal across a restart of the station, ends the open transaction (PowerLoss), and sends nothing twice', async () => {
    const { csms, evse, dir, mk } = await setup(version);
    const first = mk();
    first.start();
    await first.waitBooted();
    const ev = first.evse(1);
    ev.plugIn();
    await ev.authorize({ idToken: 'TOKEN-1' });
    await first.drained();
    const onlineEvents = csms.calls('TransactionEvent').length;
    const transactionId = first.transaction(1)!.transactionId;

    await csms.close();
    await until(() => !first.online, 3000, 'the station to notice');
    ev.chargingState('Charging');
    evse.importedWh = 1800;
    await until(() => first.queued >= 2, 4000, 'samples in the journal');
    const queuedBefore = first.queued;
    // the process stops (power cut): nothing delivered yet, all on disk
    await first.stop();
    const journal = readFileSync(join(dir, 'journal.ndjson'), 'utf8').trim().split('\n');
    expect(journal.filter((l) => l.includes('"t":"add"')).length).toBeGreaterThanOrEqual(onlineEvents + queuedBefore);

    const second = mk();
    await csms.restart();
    second.start();
    await second.waitBooted();
    await second.drained();
    const events = csms.calls('TransactionEvent').map((c) => c.params);
    // the online ones once, then the journaled ones, then the PowerLoss Ended from the restart
    expect(events.map((e) => e.seqNo)).toEqual(events.map((_, i) => i));
    expect(events.every((e) => (e.transactionInfo as Params).transactionId === transactionId)).toBe(true);
    expect(events.slice(onlineEvents).every((e) => e.offline === true)).toBe(true);
    expect(events[events.length - 1]).toMatchObject({ eventType: 'Ended', triggerReason: 'AbnormalCondition', transactionInfo: { stoppedReason: 'PowerLoss' } });
    expect(new Set(csms.calls('TransactionEvent').map((c) => c.messageId)).size).toBe(events.length);
    expect(second.transaction(1)).toBeUndefined();
  });
});

describe('OCPP 1.6 offline journal', () => {
  it('queues StartTransaction, MeterValues and StopTransaction in order and fills in the transactionId the CSMS gives', async () => {
    const { csms, evse, mk } = await setup('1.6');
    csms.respond('StartTransaction', () => ({ idTagInfo: { status: 'Accepted' }, transactionId: 4711 }));
    const station = mk();
    station.start();
    await station.waitBooted();
    await csms.close();
    await until(() => !station.online, 3000, 'the station to notice');
    const ev = station.evse(1);
    ev.plugIn();
    const auth = await ev.authorize({ idToken: 'TOKEN-1' });
    // offline: unknown ids are refused unless AllowOfflineTxForUnknownId
    expect(auth.accepted).toBe(false);
    station.dm.setLocal('AuthCtrlr.OfflineTxForUnknownIdEnabled', 'true');
    expect((await ev.authorize({ idToken: 'TOKEN-1' })).accepted).toBe(true);
    ev.chargingState('Charging');
    evse.importedWh = 1700;
    await until(() => station.queued >= 2, 4000, 'samples in the journal');
    ev.unplug();
    const queued = station.queued;

    await csms.restart();
    await station.drained();
    const got = txMessages(csms);
    expect(got.length).toBe(queued);
    expect(got.map((c) => c.action)).toEqual(['StartTransaction', ...Array(queued - 2).fill('MeterValues'), 'StopTransaction']);
    expect(got.slice(1).every((c) => c.params.transactionId === 4711)).toBe(true);
    expect(got[got.length - 1].params).toMatchObject({ meterStop: 1700, reason: 'EVDisconnected' });
  });
});
