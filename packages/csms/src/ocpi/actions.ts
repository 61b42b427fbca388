// Control API actions of the OCPI CPO: connections (a token A for a new party, registering with a
// party that gave us one, token rotation, unregistering) and what the CPO would serve.
import { ControlActionError, type ControlAction } from '@v2xsim/process';
import type { OcpiCpo } from './cpo.js';

const str = { type: 'string', minLength: 1 } as const;
const obj = (required: string[], properties: Record<string, unknown>) => ({ type: 'object', additionalProperties: false, required, properties });
const fail = (e: unknown, status = 409): never => {
  throw new ControlActionError(status, e instanceof Error ? e.message : String(e));
};

export function ocpiActions(cpo: OcpiCpo): ControlAction[] {
  return [
    {
      name: 'ocpi-token-a',
      description: 'OCPI: a new CREDENTIALS_TOKEN_A for a party (hand it over with versionsUrl; it registers with it)',
      body: obj(['peerId'], { peerId: str, rawToken: { type: 'boolean', description: 'the party sends the raw token (OCPI 2.1.1/2.2 style)' } }),
      run: async (b: { peerId: string; rawToken?: boolean }) => {
        const tokenA = await cpo.platform.createTokenA(b.peerId, b.rawToken ? { rawToken: true } : undefined).catch((e: unknown) => fail(e));
        return { peerId: b.peerId, tokenA, versionsUrl: cpo.versionsUrl };
      },
    },
    {
      name: 'ocpi-register',
      description: 'OCPI: register with a party that gave us its versions URL and a token A',
      body: obj(['peerId', 'versionsUrl', 'tokenA'], { peerId: str, versionsUrl: str, tokenA: str }),
      run: async (b: { peerId: string; versionsUrl: string; tokenA: string }) => {
        const peer = await cpo.platform.register(b.peerId, { versionsUrl: b.versionsUrl, tokenA: b.tokenA }).catch((e: unknown) => fail(e, 502));
        return { peerId: peer.id, status: peer.status, roles: peer.roles ?? [], version: peer.version ?? null };
      },
    },
    {
      name: 'ocpi-update-credentials',
      description: 'OCPI: rotate the credentials tokens with a registered party (credentials PUT)',
      body: obj(['peerId'], { peerId: str }),
      run: async (b: { peerId: string }) => {
        const peer = await cpo.platform.updateCredentials(b.peerId).catch((e: unknown) => fail(e, 502));
        return { peerId: peer.id, status: peer.status };
      },
    },
    {
      name: 'ocpi-unregister',
      description: 'OCPI: unregister from a party (credentials DELETE) and forget it',
      body: obj(['peerId'], { peerId: str }),
      run: async (b: { peerId: string }) => {
        await cpo.platform.unregister(b.peerId).catch((e: unknown) => fail(e, 502));
        return { peerId: b.peerId, unregistered: true };
      },
    },
    {
      name: 'ocpi-peers',
      description: 'OCPI: the connected parties (status, roles, version, endpoints; no tokens)',
      run: async () => ({
        ...cpo.status(),
        peers: (await cpo.platform.store.list()).map((p) => ({
          id: p.id,
          status: p.status,
          roles: p.roles ?? [],
          version: p.version ?? null,
          endpoints: p.endpoints ?? [],
          updatedAt: p.updatedAt ?? null,
        })),
      }),
    },
    {
      name: 'ocpi-sessions',
      description: 'OCPI: the Session objects the CPO serves (one per OCPP transaction)',
      run: () => ({ sessions: cpo.sessions() }),
    },
    {
      name: 'ocpi-push',
      description: 'OCPI: bring every receiver up to date with every station now, and wait for it (at most 10 s: a party that is down gets it when it is back)',
      run: async () => {
        const syncs = Promise.all(cpo.locations().map((l) => cpo.stationChanged(l.id))).then(() => true);
        const done = await Promise.race([syncs, new Promise<false>((r) => setTimeout(() => r(false), 10_000).unref())]);
        return { pushed: done, waiting: cpo.status().pushesWaiting };
      },
    },
  ];
}
