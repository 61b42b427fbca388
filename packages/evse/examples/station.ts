// An OCPP 2.1 charging station (SCALE extension on) in front of a stand-in EVSE, against a small
// CSMS on 127.0.0.1: boot, an ISO 15118-20 V2X session (NotifyEVChargingNeeds with
// v2xChargingParameters and the SCALE customData), a CentralSetpoint profile whose discharge
// setpoint reaches the EVSE port, then the EV leaves. Every OCPP frame is traced to stdout.
// Run: pnpm exec tsx packages/evse/examples/station.ts
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { authenticateStations, OcppServer } from '@v2xsim/ocpp';
import { Tracer } from '@v2xsim/trace';
import { ChargingStation, type EvseScheduleUpdate, type StationEvsePort } from '../src/station/index.js';

const PASSWORD = 'a-secret-of-16-chars-or-more';

// --- a CSMS that accepts everything and prints what the station tells it -----------------------
const csms = new OcppServer({ path: '/ocpp', authenticate: authenticateStations((id) => (id === 'CS-001' ? { securityProfile: 1, password: PASSWORD } : undefined)) });
const transactions: string[] = [];
let connected: () => void;
const ready = new Promise<void>((r) => (connected = r));
csms.on('connection', (conn) => {
  if (!conn.is('2.1')) return;
  conn.handle('BootNotification', () => ({ status: 'Accepted', currentTime: new Date().toISOString(), interval: 300 }));
  conn.handle('Heartbeat', () => ({ currentTime: new Date().toISOString() }));
  conn.handle('StatusNotification', (req) => (console.log(`CSMS  StatusNotification EVSE ${req.evseId}: ${req.connectorStatus}`), {}));
  conn.handle('Authorize', () => ({ idTokenInfo: { status: 'Accepted' }, allowedEnergyTransfer: ['DC', 'DC_BPT'] }));
  conn.handle('TransactionEvent', (req) => {
    console.log(`CSMS  TransactionEvent ${req.eventType} (${req.triggerReason}) seqNo ${req.seqNo}${req.customData ? ` customData ${JSON.stringify(req.customData)}` : ''}`);
    if (req.eventType === 'Started') transactions.push(req.transactionInfo.transactionId);
    return {};
  });
  conn.handle('NotifyEVChargingNeeds', (req) => {
    console.log(`CSMS  NotifyEVChargingNeeds ${JSON.stringify(req.chargingNeeds)}`);
    return { status: 'Accepted' };
  });
  connected();
});
const { url } = await csms.listen(0, '127.0.0.1');

// --- the EVSE as the station sees it -----------------------------------------------------------
const evse: StationEvsePort = {
  meter: () => ({ importedWh: 12_000, exportedWh: 800, powerW: -5000, soc: 55 }),
  applySchedule: (u: EvseScheduleUpdate) => console.log(`EVSE  schedule (${u.cause}): ${JSON.stringify(u.now)} setpoints ${JSON.stringify(u.iso15118.setpoints ?? [])}`),
  stopCharging: (reason) => console.log(`EVSE  stop charging: ${reason}`),
};

const dataDir = mkdtempSync(join(tmpdir(), 'v2xsim-station-example-'));
const tracer = new Tracer({ actor: 'CS-001', link: 'evse-csms', sinks: [{ write: (e) => console.log(`trace ${e.direction} ${e.message} ${e.correlationId ?? ''}`) }] });
const station = new ChargingStation(
  {
    id: 'CS-001',
    csmsUrl: url,
    version: '2.1',
    securityProfile: 1,
    password: PASSWORD,
    vendorName: 'v2xsim',
    model: 'ExampleDC',
    evses: [{ id: 1, supply: { kind: 'DC', voltage: 400 }, maxPowerW: 50_000, maxDischargePowerW: 20_000 }],
    dataDir,
    scaleExtension: true,
  },
  new Map([[1, evse]]),
  { tracer },
);
station.start();
await station.waitBooted();
await ready;

// --- an ISO 15118-20 V2X session -----------------------------------------------------------------
const ev = station.evse(1);
ev.plugIn();
ev.iso15118SessionStarted({ sessionId: '0a1b2c3d4e5f6071', protocol: 'iso15118-20', evccId: '0A1B2C3D4E5F' });
await ev.authorize({ idToken: 'NL-EXA-C12345678-X', type: 'eMAID', evccId: '0A1B2C3D4E5F' });
await ev.chargingNeeds({
  protocol: 'iso15118-20',
  energyTransfer: 'DC_BPT',
  controlMode: 'Dynamic',
  departureTime: Date.now() + 8 * 3600_000,
  energyAmountWh: 30_000,
  maxChargePowerW: 50_000,
  maxDischargePowerW: 20_000,
  maxCurrentA: 125,
  maxVoltageV: 450,
  soc: 55,
  targetSoc: 80,
  remainingV2XEnergyWh: 1_200_000,
  roundTripEfficiency: 0.9,
});
ev.chargingState('Charging');

// the CSMS asks for 5 kW out of the EV
const res = await csms.connections.get('CS-001')!.callUnchecked('SetChargingProfile', {
  evseId: 1,
  chargingProfile: {
    id: 1,
    stackLevel: 0,
    transactionId: transactions[0],
    chargingProfilePurpose: 'TxProfile',
    chargingProfileKind: 'Relative',
    chargingSchedule: [{ id: 1, chargingRateUnit: 'W', chargingSchedulePeriod: [{ startPeriod: 0, operationMode: 'CentralSetpoint', setpoint: -5000, dischargeLimit: -20000 }] }],
  },
});
console.log(`CSMS  SetChargingProfile → ${JSON.stringify(res)}`);
await new Promise((r) => setTimeout(r, 200));

ev.unplug();
await station.drained();
await station.stop();
await csms.close();
rmSync(dataDir, { recursive: true, force: true });
