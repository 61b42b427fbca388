// A CSMS killed with SIGKILL mid-stream and restarted on the same data folder has every message
// it acknowledged. The station (ocpp-rpc's RPCClient) keeps what it sent in a queue until the
// CSMS answers, as OCPP 2.x stations do with transaction messages (E.§1.3: a message is removed
// from the queue once acknowledged); after the kill it reconnects to the restarted CSMS and sends
// again whatever was not answered, so the one in flight at the kill may arrive twice. The
// database must then hold every event and every meter value exactly once.
import { rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { listMeterValues, listTransactionEvents, missingSeqNos, openStore } from '../packages/csms/src/store/index.js';
import { startCsms, tempDir } from '../packages/csms/test/support/process.js';
import { connectStation, type TestStation } from '../packages/csms/test/support/station.js';
import { children } from './support/processes.js';

const dirs: string[] = [];
afterAll(() => {
  for (const c of children) c.kill('SIGKILL');
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

const TOTAL = 240;
const KILL_AFTER = 90;
const T0 = Date.UTC(2025, 5, 1, 8);
const ts = (i: number, k: number) => new Date(T0 + i * 10_000 + k * 1000).toISOString();

/** the events are numbered without the MeterValues slots: 0, 1, 2, (MV), 3, 4, 5, (MV), … */
const seqNoOf = (i: number): number => i - Math.floor((i + 1) / 4);

/** Message i: a TransactionEvent with three sampled values, every 4th one a MeterValues (evse 1) instead. */
function message(i: number): { action: string; params: Record<string, unknown> } {
  const values = [0, 1, 2].map((k) => ({ timestamp: ts(i, k), sampledValue: [{ value: i * 10 + k, measurand: 'Energy.Active.Import.Register' }] }));
  if (i % 4 === 3) return { action: 'MeterValues', params: { evseId: 1, meterValue: values } };
  return {
    action: 'TransactionEvent',
    params: {
      eventType: i === 0 ? 'Started' : 'Updated',
      timestamp: ts(i, 0),
      triggerReason: i === 0 ? 'Authorized' : 'MeterValuePeriodic',
      seqNo: seqNoOf(i),
      transactionInfo: { transactionId: 'TX-DUR' },
      ...(i === 0 ? { evse: { id: 1, connectorId: 1 }, idToken: { idToken: 'T', type: 'Central' } } : {}),
      meterValue: values,
    },
  };
}

describe('CSMS durability (separate process, SIGKILL)', () => {
  it('has every acknowledged message after SIGKILL + restart, and every meter value exactly once after the station re-sends', async () => {
    const data = tempDir();
    dirs.push(data);
    const port = String(await freePort());
    const args = ['--port', port, '--security-profile', '0', '--accept-unknown', '--accept-any-token', '--policy', 'none'];
    let csms = await startCsms(args, data);

    const queue = Array.from({ length: TOTAL }, (_, i) => i);
    const acknowledged: number[] = [];
    let station: TestStation = await connectStation(csms.ocpp, 'CS-DUR', '2.0.1', { strict: false });
    await station.call('BootNotification', { reason: 'PowerUp', chargingStation: { vendorName: 'v', model: 'm' } });
    let killed = false;
    let resends = 0;
    while (queue.length > 0) {
      const i = queue[0]!;
      const m = message(i);
      try {
        await station.call(m.action, m.params);
      } catch {
        // the CSMS died under us: restart it on the same data folder and port, reconnect, send the queue again
        expect(killed).toBe(true);
        await csms.p.exited;
        csms = await startCsms(args, data);
        await station.close().catch(() => undefined);
        station = await connectStation(csms.ocpp, 'CS-DUR', '2.0.1', { strict: false });
        resends++;
        continue;
      }
      acknowledged.push(i);
      queue.shift();
      if (!killed && acknowledged.length === KILL_AFTER) {
        // SIGKILL while the next message is on its way: no shutdown, no flush
        const next = message(queue[0]!);
        const inFlight = station.call(next.action, next.params).then(
          () => true,
          () => false,
        );
        await new Promise((r) => setTimeout(r, 2));
        csms.p.child.kill('SIGKILL');
        killed = true;
        if (await inFlight) {
          acknowledged.push(queue.shift()!);
        }
      }
    }
    expect(killed).toBe(true);
    expect(resends).toBeGreaterThanOrEqual(1);
    expect(acknowledged).toEqual(Array.from({ length: TOTAL }, (_, i) => i));
    await station.close();
    csms.p.child.kill('SIGTERM');
    await csms.p.exited;

    const store = openStore(data);
    try {
      const events = listTransactionEvents(store, 'CS-DUR', 'TX-DUR').map((e) => e.seqNo);
      const expectedEvents = Array.from({ length: TOTAL }, (_, i) => i).filter((i) => i % 4 !== 3);
      expect(events).toEqual(expectedEvents.map(seqNoOf));
      expect(missingSeqNos(store, 'CS-DUR', 'TX-DUR')).toEqual([]);
      const inTx = listMeterValues(store, { stationId: 'CS-DUR', transactionId: 'TX-DUR' }).map((v) => v.value);
      expect(inTx).toEqual(expectedEvents.flatMap((i) => [i * 10, i * 10 + 1, i * 10 + 2]));
      const all = listMeterValues(store, { stationId: 'CS-DUR' });
      // every value once: 3 per message, no duplicates from the re-sent one
      expect(all).toHaveLength(TOTAL * 3);
      expect(new Set(all.map((v) => v.value)).size).toBe(TOTAL * 3);
      expect(store.db.pragma('integrity_check', { simple: true })).toBe('ok');
    } finally {
      store.close();
    }
  });
});

