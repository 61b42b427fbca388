// One SECC listener serving ISO 15118-2 EVs over TLS 1.2 (server authentication) and ISO 15118-20
// EVs over TLS 1.3 (mutual authentication with the OEM provisioning certificate), on the P-521
// PKI of `v2xsim pki init --curve P-521`: the ClientHello picks the profile.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { generatePki, leafChainPem, type GeneratedPki } from '../src/pki/index.js';
import { clientHelloVersion } from '../src/transport/client-hello.js';
import { TLS_ISO15118_2, TLS_ISO15118_20, connectToSecc, createSeccListener } from '../src/transport/index.js';
import type { EvccTlsOptions, SeccListener, V2gConnection } from '../src/transport/index.js';
import { V2gtpPayloadType } from '../src/v2gtp/index.js';

let pki: GeneratedPki;
beforeAll(async () => {
  pki = await generatePki({ curve: 'P-521', pcid: 'WV2XSIM0000000001' });
});

const listeners: SeccListener[] = [];
afterEach(async () => {
  await Promise.all(listeners.splice(0).map((l) => l.close()));
});

async function dualSecc(errors: Error[] = []): Promise<SeccListener> {
  const key = pki.certificates.secc.keyPem;
  const cert = leafChainPem(pki, 'secc');
  const listener = await createSeccListener({
    tls: { ...TLS_ISO15118_2, key, cert },
    tls13: { ...TLS_ISO15118_20, key, cert, ca: pki.certificates['oem-root'].certPem },
    onError: (e) => errors.push(e),
  });
  listeners.push(listener);
  return listener;
}

/**
 * An ISO 15118-2 EV on this P-521 PKI: in TLS 1.2 the SECC certificate's curve must be among the
 * client's supported groups (RFC 8422 §5.1), so the EV lists secp521r1 beside prime256v1.
 */
const ISO2_ON_P521 = { ...TLS_ISO15118_2, ecdhCurve: 'prime256v1:secp521r1' } as const;
const nextConnection = (listener: SeccListener): Promise<V2gConnection> => new Promise((resolve) => listener.onConnection(resolve));
const v2gRoot = (): string => pki.certificates['v2g-root'].certPem;
const oemProv = (): Pick<EvccTlsOptions, 'cert' | 'key'> => ({ cert: leafChainPem(pki, 'oem-prov'), key: pki.certificates['oem-prov'].keyPem });

/** One V2GTP round trip over an accepted connection. */
async function roundTrip(conn: V2gConnection, server: V2gConnection): Promise<void> {
  await conn.send(V2gtpPayloadType.Exi, Uint8Array.of(0x80, 0x01));
  expect(Array.from((await server.receive({ timeoutMs: 2000 })).payload)).toEqual([0x80, 0x01]);
  await server.send(V2gtpPayloadType.Exi, Uint8Array.of(0x80, 0x02));
  expect(Array.from((await conn.receive({ timeoutMs: 2000 })).payload)).toEqual([0x80, 0x02]);
}

/** A refused TLS 1.3 client: the connect fails, or the connection closes before any data. */
async function refused(listener: SeccListener, tls: EvccTlsOptions): Promise<void> {
  const outcome = await connectToSecc({ host: '::1', port: listener.port, tls }).then(
    async (conn) => {
      const r = await conn.receive({ timeoutMs: 2000 }).then(
        () => 'data',
        (e: { code: string }) => e.code,
      );
      await conn.close();
      return r;
    },
    (e: { code: string }) => e.code,
  );
  expect(['TLS_HANDSHAKE_FAILED', 'CLOSED']).toContain(outcome);
  expect(listener.connections.size).toBe(0);
}

describe('a SECC with both TLS profiles (ISO 15118-2 and -20), P-521 PKI', () => {
  it('an ISO 15118-2 EV gets TLS 1.2 without a client certificate', async () => {
    const listener = await dualSecc();
    const accepted = nextConnection(listener);
    const conn = await connectToSecc({ host: '::1', port: listener.port, tls: { ...ISO2_ON_P521, ca: v2gRoot() } });
    const server = await accepted;
    expect(conn.tls).toMatchObject({ protocol: 'TLSv1.2', cipher: 'ECDHE-ECDSA-AES128-SHA256', authorized: true });
    expect(server.tls).toMatchObject({ protocol: 'TLSv1.2', peerCertificate: undefined });
    await roundTrip(conn, server);
    await conn.close();
  });

  it('an EV offering only P-256 cannot take the P-521 SECC certificate over TLS 1.2', async () => {
    const listener = await dualSecc();
    await expect(connectToSecc({ host: '::1', port: listener.port, tls: { ...TLS_ISO15118_2, ca: v2gRoot() } })).rejects.toMatchObject({ code: 'TLS_HANDSHAKE_FAILED' });
  });

  it('an ISO 15118-20 EV gets TLS 1.3 and its OEM provisioning certificate is verified', async () => {
    const listener = await dualSecc();
    const accepted = nextConnection(listener);
    const conn = await connectToSecc({ host: '::1', port: listener.port, tls: { ...TLS_ISO15118_20, ca: v2gRoot(), ...oemProv() } });
    const server = await accepted;
    expect(conn.tls).toMatchObject({ protocol: 'TLSv1.3', cipher: 'TLS_AES_256_GCM_SHA384', authorized: true });
    expect(server.tls).toMatchObject({ protocol: 'TLSv1.3', authorized: true });
    expect(server.tls?.peerCertificate?.subject).toMatchObject({ CN: 'WV2XSIM0000000001' });
    await roundTrip(conn, server);
    await conn.close();
  });

  it('an EV offering TLS 1.2 and 1.3 (-20 with -2 fallback) gets TLS 1.3 with its certificate checked', async () => {
    const listener = await dualSecc();
    const accepted = nextConnection(listener);
    const tls: EvccTlsOptions = {
      ca: v2gRoot(),
      ...oemProv(),
      minVersion: 'TLSv1.2',
      maxVersion: 'TLSv1.3',
      ciphers: `${TLS_ISO15118_20.ciphers}:${TLS_ISO15118_2.ciphers}`,
    };
    const conn = await connectToSecc({ host: '::1', port: listener.port, tls });
    expect(conn.tls?.protocol).toBe('TLSv1.3');
    expect((await accepted).tls?.authorized).toBe(true);
    await conn.close();
  });

  it('refuses a TLS 1.3 EV without a client certificate in the handshake, and serves the next EV', async () => {
    const errors: Error[] = [];
    const listener = await dualSecc(errors);
    await refused(listener, { ...TLS_ISO15118_20, ca: v2gRoot() });
    await expect.poll(() => errors.length).toBeGreaterThan(0);
    expect(errors.map((e) => String((e as NodeJS.ErrnoException).code ?? e.message)).join()).toMatch(/CERTIFICATE|PEER_DID_NOT_RETURN/i);
    const accepted = nextConnection(listener);
    const conn = await connectToSecc({ host: '::1', port: listener.port, tls: { ...TLS_ISO15118_20, ca: v2gRoot(), ...oemProv() } });
    await roundTrip(conn, await accepted);
    await conn.close();
  });

  it('refuses a TLS 1.3 EV whose certificate does not lead to the OEM root', async () => {
    const listener = await dualSecc();
    // the contract certificate chains to the MO root, which the SECC does not trust for TLS
    await refused(listener, { ...TLS_ISO15118_20, ca: v2gRoot(), cert: leafChainPem(pki, 'contract'), key: pki.certificates.contract.keyPem });
  });

  it('a TLS 1.3-only SECC (tls13 alone) refuses an ISO 15118-2 TLS 1.2 EV', async () => {
    const listener = await createSeccListener({
      tls13: { ...TLS_ISO15118_20, key: pki.certificates.secc.keyPem, cert: leafChainPem(pki, 'secc'), ca: pki.certificates['oem-root'].certPem },
      onError: () => undefined,
    });
    listeners.push(listener);
    expect(listener.secure).toBe(true);
    await expect(connectToSecc({ host: '::1', port: listener.port, tls: { ...ISO2_ON_P521, ca: v2gRoot() } })).rejects.toMatchObject({ code: 'TLS_HANDSHAKE_FAILED' });
  });

  it('a plain TCP client on the TLS port is refused and the listener keeps serving', async () => {
    const listener = await dualSecc();
    const tcp = await connectToSecc({ host: '::1', port: listener.port });
    await tcp.send(V2gtpPayloadType.Exi, Uint8Array.of(0x80, 0x01)).catch(() => undefined);
    expect((await tcp.closed).kind).toMatch(/peer|socket/);
    const accepted = nextConnection(listener);
    const conn = await connectToSecc({ host: '::1', port: listener.port, tls: { ...ISO2_ON_P521, ca: v2gRoot() } });
    await roundTrip(conn, await accepted);
    await conn.close();
  });
});

describe('clientHelloVersion', () => {
  it('needs the whole ClientHello, and says when the bytes are not TLS', () => {
    expect(clientHelloVersion(Uint8Array.of(0x16, 0x03, 0x01))).toBe('incomplete');
    expect(clientHelloVersion(Uint8Array.of(0x16, 0x03, 0x01, 0x00, 0x10, 0x01))).toBe('incomplete');
    // a V2GTP header (01 FE …) on the TLS port
    expect(clientHelloVersion(Uint8Array.of(0x01, 0xfe, 0x80, 0x01, 0, 0, 0, 2, 0x80, 0x01))).toBe('not-tls');
    // a handshake record that is not a ClientHello
    expect(clientHelloVersion(Uint8Array.of(0x16, 0x03, 0x03, 0x00, 0x04, 0x02, 0x00, 0x00, 0x00))).toBe('not-tls');
  });

  it('reads supported_versions, across records', () => {
    const hello = (ext: number[]): number[] => {
      const body = [0x03, 0x03, ...new Array<number>(32).fill(7), 0, 0x00, 0x02, 0x13, 0x02, 1, 0, (ext.length >> 8) & 0xff, ext.length & 0xff, ...ext];
      return [0x01, 0, (body.length >> 8) & 0xff, body.length & 0xff, ...body];
    };
    const record = (hs: number[]): number[] => [0x16, 0x03, 0x01, (hs.length >> 8) & 0xff, hs.length & 0xff, ...hs];
    const v13 = hello([0x00, 0x2b, 0x00, 0x05, 0x04, 0x03, 0x04, 0x03, 0x03]);
    const v12 = hello([0x00, 0x0a, 0x00, 0x02, 0x00, 0x17]);
    expect(clientHelloVersion(Uint8Array.from(record(v13)))).toBe('tls13');
    expect(clientHelloVersion(Uint8Array.from(record(v12)))).toBe('tls12');
    // the same ClientHello split over two records
    expect(clientHelloVersion(Uint8Array.from([...record(v13.slice(0, 20)), ...record(v13.slice(20))]))).toBe('tls13');
    expect(clientHelloVersion(Uint8Array.from(record(v13.slice(0, 20))))).toBe('incomplete');
  });
});
