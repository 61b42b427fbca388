// The CSMS's certificates, from the project's PKI folder (`v2xsim pki init`): its TLS server
// certificate (issued at start from CPO Sub-CA 2, with the listen host as subjectAltName, so a
// station that trusts the V2G root verifies it), the CA it trusts for station client
// certificates (security profile 3: the V2G root), and the signing of station CSRs
// (SignCertificate → CertificateSigned) with CPO Sub-CA 2.
import 'reflect-metadata';
import { isIP } from 'node:net';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { CERTIFICATE_PROFILES, issueCertificate, loadPki, randomSerialNumber, type CertificateProfile, type LoadedPki } from '@v2xsim/iso15118';

x509.cryptoProvider.set(webcrypto);

const pem = (der: ArrayBuffer, label: string): string => `-----BEGIN ${label}-----\n${Buffer.from(der).toString('base64').replace(/(.{64})/g, '$1\n').trimEnd()}\n-----END ${label}-----\n`;

export type CertificateSigningUse = 'ChargingStationCertificate' | 'V2GCertificate' | 'V2G20Certificate';

/** Why a CSR is refused (SignCertificate answers Rejected with this as reasonCode). */
export class CsrError extends Error {
  override readonly name = 'CsrError';
  constructor(
    readonly reasonCode: 'InvalidCSR' | 'NoSigningCA' | 'InvalidCommonName',
    message: string,
  ) {
    super(message);
  }
}

/** The station certificate profile: a TLS client certificate from CPO Sub-CA 2 (A02/A03: O = the CSO, CN = the station's serial number). */
const STATION_PROFILE: CertificateProfile = { ...CERTIFICATE_PROFILES.secc, description: 'Charging station certificate (OCPP security profile 3 client)' };

export class CsmsPki {
  private constructor(readonly pki: LoadedPki) {}

  static async load(dir: string): Promise<CsmsPki> {
    return new CsmsPki(await loadPki(dir, { require: ['v2g-root', 'cpo-subca1', 'cpo-subca2'] }));
  }

  /** the V2G root (PEM): trust anchor of the server chain and of station certificates */
  get rootPem(): string {
    return this.pki.roots.v2g!;
  }

  private get subCa2(): { certPem: string; keyPem: string } {
    const c = this.pki.certificates['cpo-subca2'];
    if (!c?.keyPem) throw new CsrError('NoSigningCA', 'the PKI folder has no CPO Sub-CA 2 key (cpo/subca2.key.pem)');
    return { certPem: c.certPem, keyPem: c.keyPem };
  }

  /** CPO Sub-CA 2 + Sub-CA 1, PEM: what follows a leaf issued here */
  get subCaChainPem(): string {
    return joinPem(this.pki.certificates['cpo-subca2']!.info.pem, this.pki.certificates['cpo-subca1']!.info.pem);
  }

  /** A TLS server certificate for the CSMS: CN = the first name, subjectAltName = all of them (DNS names and IP addresses). */
  async serverCertificate(names: readonly string[]): Promise<{ keyPem: string; chainPem: string }> {
    const issuer = this.subCa2;
    const alg = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
    const keys = (await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
    const issuerCert = new x509.X509Certificate(issuer.certPem);
    const issuerKey = await importKey(issuer.keyPem, issuerCert);
    const now = Date.now();
    const cert = await x509.X509CertificateGenerator.create({
      serialNumber: randomSerialNumber(),
      subject: `CN=${names[0] ?? 'localhost'}, O=v2xsim CSMS`,
      issuer: issuerCert.subject,
      notBefore: new Date(now - 60_000),
      notAfter: new Date(now + 365 * 86_400_000),
      signingAlgorithm: issuerKey.algorithm,
      publicKey: keys.publicKey,
      signingKey: issuerKey.key,
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyAgreement, true),
        new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
        new x509.SubjectAlternativeNameExtension(names.map((n) => (isIP(n) ? { type: 'ip' as const, value: n } : { type: 'dns' as const, value: n }))),
        await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      ],
    });
    return { keyPem: pem(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey), 'PRIVATE KEY'), chainPem: joinPem(cert.toString('pem'), this.subCaChainPem) };
  }

  /**
   * Signs a station's CSR (PKCS#10, PEM) with CPO Sub-CA 2: a ChargingStationCertificate must
   * name the station (CN = its identity, as profile 3 checks), a V2GCertificate is the SECC certificate
   * (CN = the EVSE ID the CSR names). Returns the chain: leaf + Sub-CA 2 + Sub-CA 1.
   */
  async signCsr(csrPem: string, use: CertificateSigningUse, stationId: string): Promise<{ chainPem: string; commonName: string; serialNumber: string }> {
    let csr: x509.Pkcs10CertificateRequest;
    try {
      csr = new x509.Pkcs10CertificateRequest(csrPem.trim());
    } catch (e) {
      throw new CsrError('InvalidCSR', `not a PKCS#10 request: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (!(await csr.verify())) throw new CsrError('InvalidCSR', 'the CSR signature does not verify');
    const commonName = csr.subjectName.getField('CN')[0];
    const organization = csr.subjectName.getField('O')[0];
    if (!commonName) throw new CsrError('InvalidCSR', 'the CSR has no common name');
    if (use === 'ChargingStationCertificate' && commonName !== stationId) throw new CsrError('InvalidCommonName', `CN ${commonName} is not the station identity ${stationId}`);
    const spki = pem(csr.publicKey.rawData, 'PUBLIC KEY');
    const issued = await issueCertificate({
      profile: use === 'ChargingStationCertificate' ? STATION_PROFILE : 'secc',
      commonName,
      ...(organization ? { organization } : {}),
      issuer: this.subCa2,
      publicKeyPem: spki,
    });
    return { chainPem: joinPem(issued.certPem, this.subCaChainPem), commonName, serialNumber: issued.info.serialNumber };
  }
}

const joinPem = (...pems: string[]): string => pems.map((p) => p.trim() + '\n').join('');

/** The issuer's private key for @peculiar/x509, with the algorithm of its curve. */
async function importKey(keyPem: string, cert: x509.X509Certificate): Promise<{ key: webcrypto.CryptoKey; algorithm: { name: 'ECDSA'; hash: string } }> {
  const curve = (cert.publicKey.algorithm as { namedCurve?: string }).namedCurve ?? 'P-256';
  const hash = curve === 'P-521' ? 'SHA-512' : curve === 'P-384' ? 'SHA-384' : 'SHA-256';
  const der = Buffer.from(keyPem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64');
  const key = await webcrypto.subtle.importKey('pkcs8', der, { name: 'ECDSA', namedCurve: curve }, false, ['sign']);
  return { key, algorithm: { name: 'ECDSA', hash } };
}
