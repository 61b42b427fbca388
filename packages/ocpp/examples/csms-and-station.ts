// A CSMS endpoint and a charging station talking OCPP 2.1 over a real WebSocket (security
// profile 1), every frame traced. Run: pnpm exec tsx packages/ocpp/examples/csms-and-station.ts
import { MemorySink, Tracer } from '@v2xsim/trace';
import { authenticateStations, OcppClient, OcppServer, type OcppCallError } from '../src/index.js';

const sink = new MemorySink();

// --- CSMS -----------------------------------------------------------------------------------
const csms = new OcppServer({
  path: '/ocpp',
  protocols: ['2.1', '2.0.1', '1.6'],
  // per-station decisions at the upgrade: unknown → 404, wrong password → 401
  authenticate: authenticateStations((id) => (id === 'CS-0001' ? { securityProfile: 1, password: 'a-secret-of-16-chars-or-more' } : undefined)),
  tracer: new Tracer({ actor: 'csms', link: 'evse-csms', sinks: [sink] }),
});
csms.on('connection', (conn) => {
  console.log(`CSMS: ${conn.identity} connected with OCPP ${conn.version} (permessage-deflate: ${conn.compression})`);
  if (!conn.is('2.1')) return;
  conn.handle('BootNotification', (req) => {
    console.log(`CSMS: BootNotification from a ${req.chargingStation.vendorName} ${req.chargingStation.model}`);
    return { status: 'Accepted', currentTime: new Date().toISOString(), interval: 300 };
  });
  conn.handle('Heartbeat', () => ({ currentTime: new Date().toISOString() }));
});
const { url } = await csms.listen(0, '127.0.0.1');
console.log(`CSMS: listening on ${url}`);

// --- Charging station -----------------------------------------------------------------------
const station = new OcppClient({
  url,
  identity: 'CS-0001',
  protocols: ['2.1', '2.0.1'],
  password: 'a-secret-of-16-chars-or-more',
  tracer: new Tracer({ actor: 'evse-1', link: 'evse-csms', sinks: [sink] }),
});
station.handle('GetVariables', (req) => ({
  getVariableResult: req.getVariableData.map((d) => ({ attributeStatus: 'UnknownVariable', component: d.component, variable: d.variable })),
}));
const conn = await station.connect();
const boot = await station.call('BootNotification', { reason: 'PowerUp', chargingStation: { model: 'V2G-22', vendorName: 'v2xsim' } });
console.log(`station: boot ${boot.status}, heartbeat every ${boot.interval} s`);

// the CSMS calls the station
const atCsms = csms.connections.get('CS-0001');
if (atCsms?.is('2.1')) {
  const res = await atCsms.call('GetVariables', { getVariableData: [{ component: { name: 'OCPPCommCtrlr' }, variable: { name: 'MessageTimeout' } }] });
  console.log(`CSMS: GetVariables → ${res.getVariableResult[0]?.attributeStatus}`);
}

// an invalid payload never leaves the station; an unsupported action comes back as a CALLERROR
await station.call('Heartbeat', { extra: true } as never).catch((e: Error) => console.log(`station: refused locally: ${e.message}`));
await conn.callUnchecked('Authorize', { idToken: { idToken: 'TAG-1', type: 'ISO14443' } }).catch((e: OcppCallError) => console.log(`station: CALLERROR ${e.code}`));

await station.close();
await csms.close();
console.log('\ntrace:');
for (const e of sink.events) console.log(`  ${e.actor.padEnd(6)} ${e.direction} ${e.message.padEnd(28)} ${String(e.correlationId).slice(0, 8)} ${e.size} B${e.error ? `  (${e.error})` : ''}`);
