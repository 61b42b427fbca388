// Child process of run.js for the floor: a bare TLS 1.2 echo server (the ISO 15118-2 preset,
// ECDHE-ECDSA-AES128-SHA256 on P-256) that sends every chunk straight back. No V2GTP, no EXI.
//
// IPC: ← { type: 'start', key, cert, host }   → { type: 'ready', port }
//      ← { type: 'profile-start' } / { type: 'profile-stop', file }   → { type: 'profiled', file }
//      ← { type: 'cpu' }                                               → { type: 'cpu', usage }
//      ← { type: 'shutdown' }                                          → { type: 'bye' } and exits
import tls from 'node:tls';
import { TLS_ISO15118_2 } from '../dist/index.js';
import { startProfile } from './profile.js';

let server;
let stopProfile;
process.on('message', async (m) => {
  if (m.type === 'start') {
    server = tls.createServer({ ...TLS_ISO15118_2, key: m.key, cert: m.cert, noDelay: true }, (socket) => {
      socket.setNoDelay(true);
      socket.on('data', (chunk) => socket.write(chunk));
      socket.on('error', () => {});
    });
    server.listen(0, m.host, () => process.send({ type: 'ready', port: server.address().port }));
  } else if (m.type === 'profile-start') {
    stopProfile = await startProfile();
  } else if (m.type === 'profile-stop') {
    await stopProfile?.(m.file);
    process.send({ type: 'profiled', file: m.file });
  } else if (m.type === 'cpu') {
    process.send({ type: 'cpu', usage: process.cpuUsage() });
  } else if (m.type === 'shutdown') {
    server?.close();
    process.send({ type: 'bye' }, () => process.exit(0));
  }
});
// the parent went away (crashed, ^C): stop by ourselves
process.on('disconnect', () => process.exit(0));
