// A fault-injecting HTTP proxy for retry tests over real HTTP (test/cpo-push-retry.test.ts,
// test/scsp-retry.test.ts): it passes requests on to the target, or takes them and never answers
// (a peer that hangs), or passes them on and drops the answer (the peer applied it, the caller
// cannot know), or resets the connection (a peer that is down). `delivered` lists, in order, every
// request the target answered with 2xx, whether or not the answer got back.
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

export type FaultMode = 'pass' | 'hang' | 'hang-after-forwarding' | 'reset';

export interface FaultyProxy {
  url: string;
  mode: FaultMode;
  /** `METHOD /path` of each request the target took (2xx), in order */
  delivered: string[];
  close(): Promise<void>;
}

export async function faultyProxy(target: string): Promise<FaultyProxy> {
  const sockets = new Set<Socket>();
  const state = { mode: 'pass' as FaultMode, delivered: [] as string[] };
  const forward = (req: IncomingMessage, body: Buffer): Promise<{ status: number; headers: IncomingMessage['headers']; body: Buffer }> =>
    new Promise((resolve, reject) => {
      const up = httpRequest(`${target}${req.url ?? '/'}`, { method: req.method, headers: { ...req.headers, host: new URL(target).host } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 502, headers: res.headers, body: Buffer.concat(chunks) }));
      });
      up.on('error', reject);
      up.end(body);
    });
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const mode = state.mode;
      if (mode === 'hang') return;
      if (mode === 'reset') return void req.socket.destroy();
      forward(req, Buffer.concat(chunks)).then(
        (up) => {
          if (up.status < 300) state.delivered.push(`${req.method} ${new URL(req.url ?? '/', 'http://x').pathname}`);
          if (mode === 'hang-after-forwarding') return;
          res.writeHead(up.status, up.headers);
          res.end(up.body);
        },
        () => req.socket.destroy(),
      );
    });
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    get mode() {
      return state.mode;
    },
    set mode(m: FaultMode) {
      state.mode = m;
    },
    delivered: state.delivered,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}
