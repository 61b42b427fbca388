// Certificates at the CSMS (separate process, --pki from `v2xsim pki init`): TLS with the server
// certificate issued from the PKI's CPO chain (security profile 2, the station trusts the V2G
// root), SignCertificate → CertificateSigned with a chain that verifies, the station moved to
// profile 3 and reconnecting with that certificate (and refused without it), and
// Get15118EVCertificate: the EV's signed CertificateInstallationReq EXI in, a contract whose key
// only the EV can decrypt out.
import { X509Certificate } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getCodec } from '../packages/exi/src/index.js';
import { certificateDer, certificatePem, initPki, iso2, loadPki, type LoadedPki } from '../packages/iso15118/src/index.js';
import { startCsms, tempDir, type CsmsUnderTest } from '../packages/csms/test/support/process.js';
import { makeCsr } from '../packages/csms/test/support/csr.js';
import { action, boot, connectStation } from '../packages/csms/test/support/station.js';
import { children } from './support/processes.js';

const PASSWORD = 'station-password-0001';
let dir: string;
let pki: LoadedPki;
let csms: CsmsUnderTest;

beforeAll(async () => {
  dir = tempDir('v2xsim-csms-pki-');
  await initPki({ out: join(dir, 'pki') });
  pki = await loadPki(join(dir, 'pki'));
  writeFileSync(join(dir, 'csms.yaml'), `stations:\n  - id: CS-TLS\n    password: ${PASSWORD}\n  - id: CS-MTLS\n    securityProfile: 3\n`);
  csms = await startCsms(['--pki', join(dir, 'pki'), '--security-profile', '2', '--config', join(dir, 'csms.yaml')]);
});
afterAll(() => {
  for (const c of children) c.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
  if (csms) rmSync(csms.data, { recursive: true, force: true });
});

const csr = makeCsr;

describe('v2xsim csms --pki: TLS and certificates', () => {
  it('serves wss with a server certificate from the CPO chain; plain ws and unknown roots do not get in', async () => {
    expect(csms.ocpp).toMatch(/^wss:\/\/127\.0\.0\.1:\d+\/ocpp$/);
    const s = await connectStation(csms.ocpp, 'CS-TLS', '2.0.1', { password: PASSWORD, wsOpts: { ca: pki.roots.v2g } });
    expect(await s.call('BootNotification', boot['2.0.1'])).toMatchObject({ status: 'Accepted' });
    await s.close();
    // the server certificate does not chain to a root the client trusts
    await expect(connectStation(csms.ocpp, 'CS-TLS', '2.0.1', { password: PASSWORD })).rejects.toThrow();
    await expect(connectStation(csms.ocpp.replace('wss:', 'ws:'), 'CS-TLS', '2.0.1', { password: PASSWORD })).rejects.toThrow();
  });

  it('signs a station CSR (SignCertificate → CertificateSigned), and the station then connects with profile 3', async () => {
    const s = await connectStation(csms.ocpp, 'CS-TLS', '2.0.1', { password: PASSWORD, wsOpts: { ca: pki.roots.v2g } });
    await s.call('BootNotification', boot['2.0.1']);
    const { pem, keyPem } = await csr('CS-TLS');
    expect(await s.call('SignCertificate', { csr: pem, certificateType: 'ChargingStationCertificate' })).toEqual({ status: 'Accepted' });
    const signed = await s.next('CertificateSigned', 0);
    expect(signed.params.certificateType).toBe('ChargingStationCertificate');
    const chain = String(signed.params.certificateChain);
    const certs = chain.split(/(?=-----BEGIN CERTIFICATE-----)/).map((p) => new X509Certificate(p));
    expect(certs).toHaveLength(3);
    expect(certs[0]!.subject).toMatch(/CN=CS-TLS/);
    expect(certs[0]!.verify(certs[1]!.publicKey)).toBe(true);
    expect(certs[2]!.verify(new X509Certificate(pki.roots.v2g!).publicKey)).toBe(true);
    // a CSR naming another station is signed by nobody
    const other = await csr('SOMEONE-ELSE');
    expect(await s.call('SignCertificate', { csr: other.pem })).toEqual({ status: 'Accepted' });
    await new Promise((r) => setTimeout(r, 300));
    expect(s.received.filter((c) => c.action === 'CertificateSigned')).toHaveLength(1);
    expect(csms.p.out.stderr).toMatch(/InvalidCommonName/);
    await s.close();

    // A02: the operator moves the station to profile 3; it reconnects with its new certificate
    expect((await action(csms.control, 'register-station', { id: 'CS-TLS', securityProfile: 3 })).status).toBe(200);
    await expect(connectStation(csms.ocpp, 'CS-TLS', '2.0.1', { password: PASSWORD, wsOpts: { ca: pki.roots.v2g } })).rejects.toThrow(/401|Unauthorized/);
    const m = await connectStation(csms.ocpp, 'CS-TLS', '2.0.1', { wsOpts: { ca: pki.roots.v2g, cert: chain, key: keyPem } });
    expect(await m.call('Heartbeat', {})).toHaveProperty('currentTime');
    await m.close();
  });

  it('answers Get15118EVCertificate with a signed CertificateInstallationRes whose contract key the EV decrypts', async () => {
    const s = await connectStation(csms.ocpp, 'CS-TLS', '2.0.1', { password: PASSWORD, wsOpts: { ca: pki.roots.v2g } }).catch(() => undefined);
    // (the previous test moved CS-TLS to profile 3: connect as CS-MTLS with a certificate issued for it)
    const station = s ?? (await mtlsStation('CS-MTLS'));
    const oem = pki.oemProv!;
    const element = {
      Id: 'ID1',
      OEMProvisioningCert: Buffer.from(certificateDer(oem.leafPem)).toString('hex'),
      ListOfRootCertificateIDs: { RootCertificateID: [{ X509IssuerName: 'CN=V2GRootCA', X509SerialNumber: 1n }] },
    };
    const signature = iso2.signElements('iso2', [{ id: 'ID1', fragment: { CertificateInstallationReq: element } }], oem.keyPem);
    const exi = getCodec('iso2').encode(iso2.v2gMessage('0102030405060708', { CertificateInstallationReq: element }, signature) as never);
    const res = await station.call('Get15118EVCertificate', { iso15118SchemaVersion: 'urn:iso:15118:2:2013:MsgDef', action: 'Install', exiRequest: Buffer.from(exi).toString('base64') });
    expect(res.status).toBe('Accepted');
    const doc = getCodec('iso2').decode(Buffer.from(String(res.exiResponse), 'base64')) as unknown as { V2G_Message: { Header: { SessionID: string }; Body: { CertificateInstallationRes: Record<string, { CONTENT: string; Certificate: string }> & { ResponseCode: string } } } };
    const out = doc.V2G_Message.Body.CertificateInstallationRes;
    expect(doc.V2G_Message.Header.SessionID.toLowerCase()).toBe('0102030405060708');
    expect(out.ResponseCode).toBe('OK');
    const contractPem = certificatePem(Buffer.from(out.ContractSignatureCertChain!.Certificate, 'hex'));
    const key = iso2.decryptContractKey(Buffer.from(out.ContractSignatureEncryptedPrivateKey!.CONTENT, 'hex'), Buffer.from(out.DHpublickey!.CONTENT, 'hex'), oem.keyPem, contractPem);
    expect(key).toMatch(/BEGIN PRIVATE KEY/);
    expect(new X509Certificate(contractPem).verify(new X509Certificate(pki.certificates['mo-subca2']!.certPem).publicKey)).toBe(true);
    // garbage: Failed with a reason, the connection keeps serving
    expect(await station.call('Get15118EVCertificate', { iso15118SchemaVersion: 'urn:iso:15118:2:2013:MsgDef', action: 'Install', exiRequest: 'AAAA' })).toMatchObject({
      status: 'Failed',
      statusInfo: { reasonCode: 'InvalidEXI' },
    });
    expect(await station.call('GetCertificateStatus', { ocspRequestData: { hashAlgorithm: 'SHA256', issuerNameHash: 'aa', issuerKeyHash: 'bb', serialNumber: '01', responderURL: 'http://ocsp' } })).toMatchObject({ status: 'Failed' });
    await station.close();
  });
});

/** A profile 3 station with a certificate signed by the PKI's CPO Sub-CA 2 (as SignCertificate would issue). */
async function mtlsStation(id: string) {
  const { pem, keyPem } = await csr(id);
  const { CsmsPki } = await import('../packages/csms/src/security/pki.js');
  const signer = await CsmsPki.load(join(dir, 'pki'));
  const { chainPem } = await signer.signCsr(pem, 'ChargingStationCertificate', id);
  return connectStation(csms.ocpp, id, '2.0.1', { wsOpts: { ca: pki.roots.v2g, cert: chainPem, key: keyPem } });
}
