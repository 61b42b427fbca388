// Child process of run.js for the layers between the floor and the whole SECC: the same TLS 1.2
// listener as the SECC (createSeccListener, V2gConnection), answering each V2GTP message
//   - on `v2gtpPort` with a fixed CurrentDemandRes payload (framing + connection, no EXI);
//   - on `exiPort` by decoding the CurrentDemandReq and encoding the CurrentDemandRes (+ EXI).
// No protocol core, no tracing: the difference to the whole SeccServer is those.
//
// IPC: ← { type: 'start', key, cert, host, response }   → { type: 'ready', v2gtpPort, exiPort }
//      ← { type: 'cpu' }                                  → { type: 'cpu', usage }
//      ← { type: 'shutdown' }                             → { type: 'bye' } and exits
import { getCodec } from '../../exi/dist/index.js';
import { TLS_ISO15118_2, V2gtpPayloadType, createSeccListener } from '../dist/index.js';

const listeners = [];

async function serve(conn, answer) {
  try {
    for (;;) {
      const msg = await conn.receive({ timeoutMs: 60_000 });
      await conn.send(V2gtpPayloadType.Exi, answer(msg.payload));
    }
  } catch {
    await conn.close();
  }
}

process.on('message', async (m) => {
  switch (m.type) {
    case 'start': {
      const codec = getCodec('iso2');
      const response = Uint8Array.from(m.response);
      const responseDoc = codec.decode(response);
      const tlsOptions = { ...TLS_ISO15118_2, key: m.key, cert: m.cert };
      const fixed = await createSeccListener({ host: m.host, tls: tlsOptions, onConnection: (c) => void serve(c, () => response) });
      const exi = await createSeccListener({
        host: m.host,
        tls: tlsOptions,
        onConnection: (c) =>
          void serve(c, (payload) => {
            if (!codec.decode(payload).V2G_Message) throw new Error('not a V2G_Message');
            return codec.encode(responseDoc);
          }),
      });
      listeners.push(fixed, exi);
      process.send({ type: 'ready', v2gtpPort: fixed.port, exiPort: exi.port });
      break;
    }
    case 'cpu':
      process.send({ type: 'cpu', usage: process.cpuUsage() });
      break;
    case 'shutdown':
      await Promise.all(listeners.map((l) => l.close()));
      process.send({ type: 'bye' }, () => process.exit(0));
      break;
  }
});
// the parent went away (crashed, ^C): stop by ourselves
process.on('disconnect', () => process.exit(0));
