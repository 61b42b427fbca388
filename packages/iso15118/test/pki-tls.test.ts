// The generated certificates in real TLS handshakes over 127.0.0.1 with Node's tls (OpenSSL):
// ISO 15118-2 (TLS 1.2, server auth, ECDHE-ECDSA-AES128-SHA256 on P-256) and ISO 15118-20
// (TLS 1.3, mutual auth with the OEM provisioning certificate, P-521).
import type { AddressInfo } from 'node:net';
import * as tls from 'node:tls';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { generatePki, leafChainPem, verifyChain, type GeneratedPki } from '../src/index.js';

let p256: GeneratedPki;
let p521: GeneratedPki;

beforeAll(async () => {
  [p256, p521] = await Promise.all([generatePki(), generatePki({ curve: 'P-521', pcid: 'WV2XSIM0000000001' })]);
});

const servers: tls.Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
});

/** A TLS server on 127.0.0.1 that answers every connection with the CN of the client certificate (or "-"). */
async function listen(options: tls.TlsOptions): Promise<{ port: number; clientErrors: Error[]; peers: tls.TLSSocket[] }> {
  const clientErrors: Error[] = [];
  const peers: tls.TLSSocket[] = [];
  const server = tls.createServer(options, (socket) => {
    peers.push(socket);
    const cn = socket.getPeerCertificate().subject?.CN;
    socket.end(`hello ${typeof cn === 'string' ? cn : '-'}`);
  });
  server.on('tlsClientError', (err) => clientErrors.push(err));
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as AddressInfo).port, clientErrors, peers };
}

interface Handshake {
  socket: tls.TLSSocket;
  data: string;
}

/** Connects, completes the handshake and reads until the server closes. */
function connect(options: tls.ConnectionOptions): Promise<Handshake> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: '127.0.0.1', ...options });
    let data = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (data += chunk));
    socket.on('error', reject);
    socket.on('end', () => resolve({ socket, data }));
    socket.setTimeout(5000, () => socket.destroy(new Error('timeout')));
  });
}

/** Node's peer chain (leaf first) as DER, following issuerCertificate up to the self-signed root. */
function peerChainDer(socket: tls.TLSSocket): Buffer[] {
  const out: Buffer[] = [];
  let cert: tls.DetailedPeerCertificate | undefined = socket.getPeerCertificate(true);
  while (cert?.raw && !out.some((d) => d.equals(cert!.raw))) {
    out.push(cert.raw);
    cert = cert.issuerCertificate;
  }
  return out;
}

const ISO2_TLS = { ciphers: 'ECDHE-ECDSA-AES128-SHA256', minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2', ecdhCurve: 'prime256v1' } as const;

describe('ISO 15118-2: TLS 1.2, ECDHE-ECDSA-AES128-SHA256, P-256', () => {
  it('the EVCC trusting the V2G root connects to the SECC presenting its chain', async () => {
    const secc = p256.certificates.secc;
    const { port } = await listen({ cert: leafChainPem(p256, 'secc'), key: secc.keyPem, ...ISO2_TLS });
    const { socket, data } = await connect({
      port,
      ca: p256.certificates['v2g-root'].certPem,
      ...ISO2_TLS,
      // SECC certificates carry the EVSEID, not a host name
      checkServerIdentity: () => undefined,
    });
    expect(socket.authorized).toBe(true);
    expect(socket.getProtocol()).toBe('TLSv1.2');
    expect(socket.getCipher()).toMatchObject({ name: 'ECDHE-ECDSA-AES128-SHA256', standardName: 'TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256' });
    expect(socket.getEphemeralKeyInfo()).toMatchObject({ type: 'ECDH', name: 'prime256v1' });
    expect(socket.getPeerCertificate().subject.CN).toBe(secc.info.commonName);
    expect(data).toBe('hello -');

    // what the EVCC's own check sees: the chain the SECC sent, validated against the V2G root
    const chain = peerChainDer(socket);
    expect(chain).toHaveLength(4); // leaf, Sub-CA 2, Sub-CA 1, and the root Node found in `ca`
    const r = verifyChain(chain[0]!, chain.slice(1, 3), p256.certificates['v2g-root'].certPem, { leafDomainComponent: 'CPO' });
    expect(r.status).toBe('ok');
  });

  it('an EVCC trusting another root rejects the SECC', async () => {
    const { port } = await listen({ cert: leafChainPem(p256, 'secc'), key: p256.certificates.secc.keyPem, ...ISO2_TLS });
    await expect(
      connect({ port, ca: p256.certificates['mo-root'].certPem, ...ISO2_TLS, checkServerIdentity: () => undefined }),
    ).rejects.toMatchObject({ code: expect.stringMatching(/ISSUER|UNABLE|SELF_SIGNED/) });
  });
});

describe('ISO 15118-20: TLS 1.3 mutual authentication, P-521', () => {
  const serverOptions = (): tls.TlsOptions => ({
    cert: leafChainPem(p521, 'secc'),
    key: p521.certificates.secc.keyPem,
    ca: p521.certificates['oem-root'].certPem,
    requestCert: true,
    rejectUnauthorized: true,
    minVersion: 'TLSv1.3',
    ciphers: 'TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256',
  });

  it('the EVCC presents the OEM provisioning chain, the SECC trusts the OEM root; both sides verified', async () => {
    const { port, peers, clientErrors } = await listen(serverOptions());
    const { socket, data } = await connect({
      port,
      cert: leafChainPem(p521, 'oem-prov'),
      key: p521.certificates['oem-prov'].keyPem,
      ca: p521.certificates['v2g-root'].certPem,
      minVersion: 'TLSv1.3',
      ciphers: 'TLS_AES_256_GCM_SHA384',
      checkServerIdentity: () => undefined,
    });
    expect(clientErrors).toEqual([]);
    expect(socket.authorized).toBe(true);
    expect(socket.getProtocol()).toBe('TLSv1.3');
    expect(socket.getCipher().name).toBe('TLS_AES_256_GCM_SHA384');
    expect(socket.getPeerCertificate().subject.CN).toBe(p521.certificates.secc.info.commonName);
    expect(socket.getPeerX509Certificate()?.publicKey.asymmetricKeyDetails?.namedCurve).toBe('secp521r1');
    // the server saw and verified the client certificate
    expect(data).toBe('hello WV2XSIM0000000001');
    expect(peers).toHaveLength(1);
    expect(peers[0]!.authorized).toBe(true);
    const clientChain = peerChainDer(peers[0]!);
    expect(verifyChain(clientChain[0]!, clientChain.slice(1, 3), p521.certificates['oem-root'].certPem, { leafDomainComponent: 'OEM' }).ok).toBe(true);
  });

  it('the SECC rejects a client certificate from a root it does not trust', async () => {
    const { port, peers } = await listen(serverOptions());
    // the contract chain is under the MO root, which the SECC's TLS server does not trust
    const attempt = connect({
      port,
      cert: leafChainPem(p521, 'contract'),
      key: p521.certificates.contract.keyPem,
      ca: p521.certificates['v2g-root'].certPem,
      minVersion: 'TLSv1.3',
      checkServerIdentity: () => undefined,
    });
    // under TLS 1.3 the client may finish its side of the handshake before the server's verdict
    // arrives: either way it gets no application data, and the server never accepts the connection
    const data = await attempt.then(
      (r) => r.data,
      () => '',
    );
    expect(data).toBe('');
    expect(peers).toEqual([]);
  });
});
