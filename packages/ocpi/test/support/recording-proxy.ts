// A recording reverse proxy for tests: a party announces the proxy's address as its public
// origin, so every request to it and every response from it crosses the proxy and is captured
// byte for byte, independently of the party's own code.
import { createServer, request as httpRequest, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Exchange } from './openapi-validator.js';

export interface RecordingProxy {
  url: string;
  exchanges: Exchange[];
  close(): Promise<void>;
}

const flat = (h: IncomingHttpHeaders): Record<string, string> =>
  Object.fromEntries(Object.entries(h).flatMap(([k, v]) => (v === undefined ? [] : [[k.toLowerCase(), Array.isArray(v) ? v.join(', ') : v]])));

export async function startRecordingProxy(target: string, exchanges: Exchange[] = []): Promise<RecordingProxy> {
  const t = new URL(target);
  let url = '';
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const requestBody = Buffer.concat(chunks);
      const headers = { ...req.headers, host: t.host };
      const up = httpRequest({ host: t.hostname, port: t.port, method: req.method, path: req.url, headers }, (upRes) => {
        const out: Buffer[] = [];
        upRes.on('data', (c: Buffer) => out.push(c));
        upRes.on('end', () => {
          const responseBody = Buffer.concat(out);
          exchanges.push({
            method: req.method ?? 'GET',
            url: new URL(req.url ?? '/', url).href,
            requestHeaders: flat(req.headers),
            ...(requestBody.length ? { requestBody: requestBody.toString('utf8') } : {}),
            status: upRes.statusCode ?? 0,
            responseHeaders: flat(upRes.headers),
            ...(responseBody.length ? { responseBody: responseBody.toString('utf8') } : {}),
          });
          res.writeHead(upRes.statusCode ?? 502, upRes.headers);
          res.end(responseBody);
        });
      });
      up.on('error', (e) => {
        res.writeHead(502, { 'content-type': 'text/plain' });
        res.end(String(e));
      });
      up.end(requestBody);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    exchanges,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
