// An independent OCPP station for CSMS tests: the npm package ocpp-rpc's RPCClient (strict mode:
// it checks every payload our CSMS sends against its own copy of the OCA schemas), recording
// every CALL the CSMS makes and answering it with a configurable response.
import { createRequire } from 'node:module';
import ocppRpc from 'ocpp-rpc';

const { RPCClient, createValidator } = ocppRpc;
const require = createRequire(import.meta.url);

export type Version = '1.6' | '2.0.1' | '2.1';

/** ocpp-rpc 2.2.1 looks its 2.1 schemas up as urn:X.req / urn:X.conf but ships urn:XRequest (facts §3) */
function strict21Validator(): ReturnType<typeof createValidator> {
  const schemas = require('ocpp-rpc/lib/schemas/ocpp2_1.json') as Array<{ $id: string }>;
  return createValidator(
    'ocpp2.1',
    schemas.map((s) => ({ ...s, $id: s.$id.replace(/Request$/, '.req').replace(/Response$/, '.conf') })),
  );
}

export interface ReceivedCall {
  action: string;
  params: Record<string, unknown>;
}

export interface TestStation {
  client: InstanceType<typeof RPCClient>;
  /** every CALL the CSMS sent, in order */
  received: ReceivedCall[];
  call(action: string, params: Record<string, unknown>): Promise<Record<string, unknown>>;
  /** resolves with the next CALL of `action` the CSMS sends (or one already received after `from`) */
  next(action: string, from?: number, timeoutMs?: number): Promise<ReceivedCall>;
  close(): Promise<void>;
}

export interface StationOptions {
  password?: string;
  /** answers per action; default Accepted-style answers */
  answers?: Record<string, (params: Record<string, unknown>) => Record<string, unknown>>;
  strict?: boolean;
  reconnect?: boolean;
  wsOpts?: Record<string, unknown>;
}

const DEFAULT_ANSWERS: Record<string, (p: Record<string, unknown>) => Record<string, unknown>> = {
  SetChargingProfile: () => ({ status: 'Accepted' }),
  ClearChargingProfile: () => ({ status: 'Accepted' }),
  UpdateDynamicSchedule: () => ({ status: 'Accepted' }),
  CertificateSigned: () => ({ status: 'Accepted' }),
  RequestStartTransaction: () => ({ status: 'Accepted' }),
  RequestStopTransaction: () => ({ status: 'Accepted' }),
  RemoteStartTransaction: () => ({ status: 'Accepted' }),
  RemoteStopTransaction: () => ({ status: 'Accepted' }),
  Reset: () => ({ status: 'Accepted' }),
  TriggerMessage: () => ({ status: 'Accepted' }),
};

export async function connectStation(endpoint: string, identity: string, version: Version, opts: StationOptions = {}): Promise<TestStation> {
  const strict = opts.strict ?? true;
  const client = new RPCClient({
    endpoint,
    identity,
    protocols: [`ocpp${version}`],
    reconnect: opts.reconnect ?? false,
    ...(opts.password !== undefined ? { password: opts.password } : {}),
    ...(strict ? { strictMode: true, ...(version === '2.1' ? { strictModeValidators: [strict21Validator()] } : {}) } : {}),
    ...(opts.wsOpts ? { wsOpts: opts.wsOpts } : {}),
  } as never);
  const received: ReceivedCall[] = [];
  const waiters: { action: string; from: number; resolve: (c: ReceivedCall) => void }[] = [];
  const answers = { ...DEFAULT_ANSWERS, ...opts.answers };
  // ocpp-rpc's wildcard handler: every CALL without a handler of its own
  const handler = ({ method, params }: { method: string; params: Record<string, unknown> }) => {
    const call = { action: method, params };
    received.push(call);
    for (const w of waiters.splice(0)) {
      if (w.action === method) w.resolve(call);
      else waiters.push(w);
    }
    const answer = answers[method];
    if (!answer) throw ocppRpc.createRPCError('NotSupported', `test station does not do ${method}`);
    return answer(params);
  };
  client.handle(handler as never);
  await client.connect();
  return {
    client,
    received,
    call: (action, params) => client.call(action, params) as Promise<Record<string, unknown>>,
    next(action, from = received.length, timeoutMs = 10_000) {
      const already = received.slice(from).find((c) => c.action === action);
      if (already) return Promise.resolve(already);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`${identity}: no ${action} from the CSMS within ${timeoutMs} ms (got ${received.map((c) => c.action).join(', ') || 'nothing'})`)), timeoutMs);
        waiters.push({ action, from, resolve: (c) => (clearTimeout(timer), resolve(c)) });
      });
    },
    close: () => client.close({ force: true }).then(() => undefined),
  };
}

export async function action(controlUrl: string, name: string, body: Record<string, unknown> = {}): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${controlUrl}/actions/${name}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

export const now = (offsetMs = 0): string => new Date(Date.now() + offsetMs).toISOString();

export const boot: Record<Version, Record<string, unknown>> = {
  '1.6': { chargePointVendor: 'v2xsim-test', chargePointModel: 'RPC', chargePointSerialNumber: 'SN-1', firmwareVersion: '1.0' },
  '2.0.1': { reason: 'PowerUp', chargingStation: { vendorName: 'v2xsim-test', model: 'RPC', serialNumber: 'SN-1', firmwareVersion: '1.0' } },
  '2.1': { reason: 'PowerUp', chargingStation: { vendorName: 'v2xsim-test', model: 'RPC', serialNumber: 'SN-1', firmwareVersion: '1.0' } },
};
