// An independent CSMS for the station tests: the npm package ocpp-rpc's RPCServer, strict mode
// on (every CALL the station sends is checked against ocpp-rpc's own copy of the OCA schemas
// before it reaches a handler). ocpp-rpc 2.2.1's bundled 2.1 validator looks schemas up as
// urn:X.req / urn:X.conf but ships urn:XRequest (facts §3): its schemas with renamed ids fix it.
import { createRequire } from 'node:module';
import ocppRpc from 'ocpp-rpc';

const { RPCServer, createValidator } = ocppRpc;
const require = createRequire(import.meta.url);

/** its 2.1 schemas under the ids its validator asks for, without `additionalProperties` on string enums (Ajv strictTypes noise) */
function strict21Validator(): ReturnType<typeof createValidator> {
  const schemas = require('ocpp-rpc/lib/schemas/ocpp2_1.json') as Array<{ $id: string; definitions?: Record<string, Record<string, unknown>> }>;
  return createValidator(
    'ocpp2.1',
    schemas.map((s) => ({
      ...s,
      $id: s.$id.replace(/Request$/, '.req').replace(/Response$/, '.conf'),
      definitions: Object.fromEntries(
        Object.entries(s.definitions ?? {}).map(([k, d]) => {
          if (d.type !== 'string') return [k, d];
          const { additionalProperties: _a, ...rest } = d;
          return [k, rest];
        }),
      ),
    })),
  );
}

export type Params = Record<string, unknown> & { [k: string]: unknown };

export interface ReceivedCall {
  identity: string;
  protocol: string;
  action: string;
  params: Params;
  messageId: string;
}

type Responder = (params: Params, call: ReceivedCall) => unknown;

interface RpcClientLike {
  identity: string;
  protocol: string;
  handle(handler: (c: { method: string; params: Params; messageId: string }) => unknown): void;
  call(method: string, params: unknown): Promise<unknown>;
  close(o: { force: boolean }): Promise<unknown>;
  on(event: string, fn: (...a: unknown[]) => void): void;
}

export interface TestCsmsOptions {
  port?: number;
  /** Basic auth: identity → expected password bytes; absent = no check */
  passwords?: (identity: string) => Buffer | undefined;
  heartbeatInterval?: number;
}

let nextTransactionId = 1000;

export class TestCsms {
  readonly received: ReceivedCall[] = [];
  readonly strictFailures: unknown[] = [];
  readonly clients = new Map<string, RpcClientLike>();
  private readonly responders = new Map<string, Responder>();
  private server: InstanceType<typeof RPCServer> | undefined;
  port = 0;

  private constructor(private readonly opts: TestCsmsOptions) {}

  static async start(opts: TestCsmsOptions = {}): Promise<TestCsms> {
    const csms = new TestCsms(opts);
    await csms.listen(opts.port ?? 0);
    return csms;
  }

  get url(): string {
    return `ws://127.0.0.1:${this.port}/ocpp`;
  }

  /** Answers `action` with `fn` instead of the default. */
  respond(action: string, fn: Responder): this {
    this.responders.set(action, fn);
    return this;
  }

  calls(action: string, identity?: string): ReceivedCall[] {
    return this.received.filter((c) => c.action === action && (identity === undefined || c.identity === identity));
  }

  /** Resolves with the first received call matching, waiting up to `timeoutMs`. */
  async waitFor(pred: (c: ReceivedCall) => boolean, timeoutMs = 5000, what = 'a call'): Promise<ReceivedCall> {
    const t0 = Date.now();
    for (;;) {
      const hit = this.received.find(pred);
      if (hit) return hit;
      if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}; got ${this.received.map((c) => c.action).join(', ')}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  waitAction(action: string, identity?: string, pred: (p: Params) => boolean = () => true, timeoutMs = 5000): Promise<ReceivedCall> {
    return this.waitFor((c) => c.action === action && (identity === undefined || c.identity === identity) && pred(c.params), timeoutMs, action);
  }

  /** A CALL to a station (the CSMS side). */
  async call(identity: string, action: string, params: unknown): Promise<Params> {
    const c = this.clients.get(identity);
    if (!c) throw new Error(`${identity} is not connected`);
    return (await c.call(action, params)) as Params;
  }

  /** Stops listening and drops every connection (the CSMS goes away). */
  async close(): Promise<void> {
    await this.server?.close({ force: true });
    this.server = undefined;
    this.clients.clear();
  }

  /** Listens again on the same port (the CSMS comes back). */
  async restart(): Promise<void> {
    await this.listen(this.port);
  }

  private async listen(port: number): Promise<void> {
    const server = new RPCServer({ protocols: ['ocpp2.1', 'ocpp2.0.1', 'ocpp1.6'], strictMode: true, strictModeValidators: [strict21Validator()] });
    server.auth((accept, reject, handshake) => {
      const expected = this.opts.passwords?.(handshake.identity);
      if (expected && !(handshake.password && Buffer.compare(handshake.password, expected) === 0)) reject(401, 'Unauthorized');
      else accept();
    });
    server.on('client', (client: RpcClientLike) => {
      this.clients.set(client.identity, client);
      client.on('strictValidationFailure', (e) => this.strictFailures.push(e));
      client.handle(({ method, params, messageId }) => {
        const call: ReceivedCall = { identity: client.identity, protocol: client.protocol, action: method, params, messageId };
        this.received.push(call);
        const r = this.responders.get(method);
        return r ? r(params, call) : defaultResponse(client.protocol, method);
      });
    });
    const http = await server.listen(port, '127.0.0.1');
    this.port = (http.address() as { port: number }).port;
    this.server = server;
  }
}

export function defaultResponse(protocol: string, action: string): unknown {
  const now = new Date().toISOString();
  const v16 = protocol === 'ocpp1.6';
  switch (action) {
    case 'BootNotification':
      return { status: 'Accepted', currentTime: now, interval: 300 };
    case 'Heartbeat':
      return { currentTime: now };
    case 'Authorize':
      return v16 ? { idTagInfo: { status: 'Accepted' } } : { idTokenInfo: { status: 'Accepted' } };
    case 'StartTransaction':
      return { idTagInfo: { status: 'Accepted' }, transactionId: nextTransactionId++ };
    case 'NotifyEVChargingNeeds':
    case 'NotifyEVChargingSchedule':
      return { status: 'Accepted' };
    case 'DataTransfer':
      return { status: 'UnknownVendorId' };
    case 'PullDynamicScheduleUpdate':
      return { status: 'Rejected' };
    default:
      return {};
  }
}
