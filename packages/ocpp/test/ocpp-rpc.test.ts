// Interoperability with an independent OCPP-J implementation, the npm package ocpp-rpc (2.2.1):
// its RPCClient against our OcppServer and its RPCServer against our OcppClient, each version,
// with ocpp-rpc's own strict (schema-checking) mode on. ocpp-rpc 2.2.1's bundled 2.1 validator is
// broken (it looks schemas up as urn:X.req / urn:X.conf but ships urn:XRequest / urn:XResponse,
// facts §3); its own 2.1 schemas with the ids renamed make a working one.
import { createRequire } from 'node:module';
import ocppRpc from 'ocpp-rpc';
import { afterEach, describe, expect, it } from 'vitest';
import { OcppCallError, OcppClient, OcppServer, OCPP_VERSIONS, type AnyOcppConnection, type OcppVersion } from '../src/index.js';
import { bootRequest, bootResponse, resetRequest } from './support/payloads.js';

const { RPCClient, RPCServer, createValidator } = ocppRpc;
const require = createRequire(import.meta.url);

function strict21Validator(): ReturnType<typeof createValidator> {
  const schemas = require('ocpp-rpc/lib/schemas/ocpp2_1.json') as Array<{ $id: string }>;
  const renamed = schemas.map((s) => ({ ...s, $id: s.$id.replace(/Request$/, '.req').replace(/Response$/, '.conf') }));
  return createValidator('ocpp2.1', renamed);
}
const strict = { strictMode: true, strictModeValidators: [strict21Validator()] };

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
});

interface RpcErrorLike {
  rpcErrorCode: string;
  message: string;
}

describe.each(OCPP_VERSIONS)('OCPP %s: ocpp-rpc RPCClient → our OcppServer', (version: OcppVersion) => {
  async function setup() {
    const server = new OcppServer({ path: '/ocpp' });
    const { url } = await server.listen();
    cleanups.push(() => server.close());
    const conns: AnyOcppConnection[] = [];
    server.on('connection', (c) => {
      conns.push(c);
      c.handlers.calls.set('BootNotification', (req: unknown) => {
        expect(req).toEqual(bootRequest[version]);
        return bootResponse(version, '2026-03-01T12:00:00.000Z');
      });
      c.handlers.calls.set('Heartbeat', () => ({ currentTime: '2026-03-01T12:00:00.000Z' }));
    });
    const mk = async (opts: Record<string, unknown>) => {
      const client = new RPCClient({ endpoint: url, identity: `RPC-${version}`, protocols: [`ocpp${version}`], reconnect: false, ...opts } as never);
      cleanups.push(() => client.close({ force: true }));
      await client.connect();
      return client;
    };
    return { server, url, conns, mk };
  }

  it('completes CALLs both ways with both sides validating', async () => {
    const { mk, conns } = await setup();
    const client = await mk(strict);
    expect(client.protocol).toBe(`ocpp${version}`);
    await expect(client.call('BootNotification', bootRequest[version])).resolves.toEqual(bootResponse(version, '2026-03-01T12:00:00.000Z'));
    client.handle('Reset', async ({ params }: { params?: unknown }) => {
      expect(params).toEqual(resetRequest[version]);
      return { status: 'Accepted' };
    });
    const csms = conns[0]!;
    expect(csms.version).toBe(version);
    await expect(csms.callUnchecked('Reset', resetRequest[version])).resolves.toEqual({ status: 'Accepted' });
  });

  it('answers its invalid or unknown CALLs with CALLERRORs it understands', async () => {
    const { mk } = await setup();
    const client = await mk({ strictMode: false });
    const err = (await client.call('BootNotification', { chargePointVendor: 7 }).catch((e: unknown) => e)) as RpcErrorLike;
    // the required chargePointModel / reason is missing: 1.6 spells the code with one "r"
    expect(err.rpcErrorCode).toBe(version === '1.6' ? 'OccurenceConstraintViolation' : 'OccurrenceConstraintViolation');
    const missing = (await client.call('Heartbeat', { extra: 1 }).catch((e: unknown) => e)) as RpcErrorLike;
    expect(missing.rpcErrorCode).toBe(version === '1.6' ? 'FormationViolation' : 'ProtocolError');
    const unknown = (await client.call('MakeCoffee', {}).catch((e: unknown) => e)) as RpcErrorLike;
    expect(unknown.rpcErrorCode).toBe('NotImplemented');
    // and the connection keeps serving
    await expect(client.call('Heartbeat', {})).resolves.toEqual({ currentTime: '2026-03-01T12:00:00.000Z' });
  });

  it('fails our CALL when ocpp-rpc answers with a CALLERROR', async () => {
    const { mk, conns } = await setup();
    const client = await mk(strict);
    client.handle('Reset', () => {
      throw new ocppRpc.RPCNotSupportedError('no resets today');
    });
    const err = (await conns[0]!.callUnchecked('Reset', resetRequest[version]).catch((e: unknown) => e)) as OcppCallError;
    expect(err).toBeInstanceOf(OcppCallError);
    expect(err.code).toBe('NotSupported');
  });
});

describe.each(OCPP_VERSIONS)('OCPP %s: our OcppClient → ocpp-rpc RPCServer', (version: OcppVersion) => {
  async function setup() {
    const rpc = new RPCServer({ protocols: ['ocpp2.1', 'ocpp2.0.1', 'ocpp1.6'], ...strict });
    const handshakes: Array<{ identity: string; password?: Buffer; protocols: Set<string> }> = [];
    rpc.auth((accept, reject, handshake) => {
      handshakes.push(handshake as never);
      if (handshake.password?.toString('utf8') !== 'a-long-enough-password') reject(401, 'Unauthorized');
      else accept();
    });
    const rpcClients: Array<InstanceType<typeof RPCClient>> = [];
    rpc.on('client', (c: InstanceType<typeof RPCClient>) => {
      rpcClients.push(c);
      c.handle('BootNotification', async ({ params }: { params?: unknown }) => {
        expect(params).toEqual(bootRequest[version]);
        return bootResponse(version, '2026-03-01T12:00:00.000Z');
      });
    });
    const http = await rpc.listen(0, '127.0.0.1');
    cleanups.push(() => rpc.close({ force: true }));
    const port = (http.address() as { port: number }).port;
    const mk = (password: string) => {
      const c = new OcppClient({ url: `ws://127.0.0.1:${port}/ocpp`, identity: `OUR-${version}`, protocols: [version], password, reconnect: false });
      cleanups.push(() => c.close());
      return c;
    };
    return { rpcClients, handshakes, mk };
  }

  it('connects with Basic auth, negotiates the version and runs CALLs both ways', async () => {
    const { mk, rpcClients, handshakes } = await setup();
    const station = mk('a-long-enough-password');
    station.handle('Reset', (req) => {
      expect(req).toEqual(resetRequest[version]);
      return { status: 'Accepted' } as never;
    });
    const conn = await station.connect();
    expect(conn.version).toBe(version);
    expect(handshakes[0]!.identity).toBe(`OUR-${version}`);
    await expect(conn.callUnchecked('BootNotification', bootRequest[version])).resolves.toEqual(bootResponse(version, '2026-03-01T12:00:00.000Z'));
    await expect(rpcClients[0]!.call('Reset', resetRequest[version])).resolves.toEqual({ status: 'Accepted' });
  });

  it('is refused (401) with a wrong password', async () => {
    const { mk } = await setup();
    await expect(mk('the-wrong-password-here').connect()).rejects.toMatchObject({ status: 401 });
  });

  it('answers ocpp-rpc\'s invalid and unsupported CALLs with CALLERRORs', async () => {
    const rpc = new RPCServer({ protocols: [`ocpp${version}`], strictMode: false });
    const got = new Promise<InstanceType<typeof RPCClient>>((resolve) => rpc.on('client', resolve));
    const http = await rpc.listen(0, '127.0.0.1');
    cleanups.push(() => rpc.close({ force: true }));
    const station = new OcppClient({ url: `ws://127.0.0.1:${(http.address() as { port: number }).port}`, identity: 'OUR-X', protocols: [version], reconnect: false });
    cleanups.push(() => station.close());
    station.handlers.calls.set('Reset', () => ({ status: 'Accepted' }));
    await station.connect();
    const peer = await got;
    const bad = (await peer.call('Reset', { type: 'Sideways' }).catch((e: unknown) => e)) as RpcErrorLike;
    expect(bad.rpcErrorCode).toBe('PropertyConstraintViolation');
    const unsupported = (await peer.call('UnlockConnector', version === '1.6' ? { connectorId: 1 } : { evseId: 1, connectorId: 1 }).catch((e: unknown) => e)) as RpcErrorLike;
    expect(unsupported.rpcErrorCode).toBe('NotSupported');
    await expect(peer.call('Reset', resetRequest[version])).resolves.toEqual({ status: 'Accepted' });
  });
});
