// The V2G PKI: certificate profiles of every certificate on both curves, chain validation,
// raw ECDSA, and the files written by initPki / read by loadPki.
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm, stat, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CERTIFICATE_PROFILES,
  PKI_LEAF_ROLES,
  PKI_ROLES,
  PkiError,
  certificateDer,
  certificatePem,
  chainOf,
  generatePki,
  initPki,
  issueCertificate,
  leafChainPem,
  loadPki,
  parseCertificate,
  pkiRoleFiles,
  signEcdsaRaw,
  splitPemCertificates,
  verifyChain,
  verifyEcdsaRaw,
  type GeneratedPki,
  type PkiCurve,
  type PkiRole,
} from '../src/index.js';

const DAY = 86_400_000;
/** notBefore of the generated certificates: a day ago, whole seconds (X.509 time resolution). */
const NOW = new Date(Math.floor(Date.now() / 1000) * 1000 - DAY);
/** DER of the domainComponent OID 0.9.2342.19200300.100.1.25 followed by the IA5String tag. */
const DC_IA5 = Buffer.from('060a0992268993f22c64011916', 'hex');

const pkis: Partial<Record<PkiCurve, GeneratedPki>> = {};
let tmp: string;

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'v2xsim-pki-'));
  [pkis['P-256'], pkis['P-521']] = await Promise.all([
    generatePki({ now: NOW, emaid: 'DEV2XC12345678', evseId: 'DE*V2X*E12345*1', pcid: 'WV2XSIM0000000001' }),
    generatePki({ curve: 'P-521', now: NOW }),
  ]);
});

afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

const ROOTS: PkiRole[] = ['v2g-root', 'oem-root', 'mo-root'];

describe.each(['P-256', 'P-521'] as const)('generatePki %s: certificate profiles', (curve) => {
  const pki = (): GeneratedPki => pkis[curve]!;

  it('every certificate follows its profile (names, basicConstraints, keyUsage, validity, curve, hash)', () => {
    for (const role of PKI_ROLES) {
      const { info, profile } = pki().certificates[role];
      expect(profile.role).toBe(role);
      expect(info.organization).toBe('v2xsim');
      expect(info.country).toBe('DE');
      expect(info.domainComponent).toBe(profile.domainComponent);
      expect(info.subject).toBe(`CN=${info.commonName}, O=v2xsim, C=DE, DC=${profile.domainComponent}`);
      expect(info.basicConstraintsCritical).toBe(true);
      expect(info.ca).toBe(profile.ca);
      expect(info.pathLength).toBe(profile.pathLength);
      expect(info.keyUsageCritical).toBe(true);
      expect([...info.keyUsage!].sort()).toEqual([...profile.keyUsage].sort());
      expect(info.notBefore.getTime()).toBe(NOW.getTime());
      expect(info.notAfter.getTime() - info.notBefore.getTime()).toBe(profile.validityDays * DAY);
      expect(info.curve).toBe(curve);
      expect(info.signatureHash).toBe(curve === 'P-256' ? 'SHA-256' : 'SHA-512');
      expect(info.subjectKeyId).toMatch(/^[0-9a-f]{40}$/);
      // the DC attribute is an IA5String, as OpenSSL writes domainComponent
      expect(Buffer.from(info.der).includes(DC_IA5)).toBe(true);
      // ISO 15118-2 certificateType: at most 800 bytes; -20: 1600
      expect(info.der.byteLength).toBeLessThanOrEqual(curve === 'P-256' ? 800 : 1600);
    }
  });

  it('the profile values of Josev / ISO 15118-2 Annex F', () => {
    const c = pki().certificates;
    expect(c['cpo-subca1'].info.pathLength).toBe(1);
    expect(c['cpo-subca2'].info.pathLength).toBe(0);
    expect(c.secc.info.keyUsage).toEqual(['digitalSignature', 'keyAgreement']);
    expect(c.secc.info.domainComponent).toBe('CPO');
    expect(c['oem-prov'].info.keyUsage).toEqual(['digitalSignature', 'keyAgreement']);
    expect(c.contract.info.keyUsage).toEqual(['digitalSignature', 'nonRepudiation', 'keyEncipherment', 'keyAgreement']);
    expect(c['cps-leaf'].info.keyUsage).toEqual(['digitalSignature']);
    expect(c['mo-subca2'].info.keyUsage).toEqual(['digitalSignature', 'nonRepudiation', 'keyCertSign', 'cRLSign']);
    const days = (role: PkiRole) => (c[role].info.notAfter.getTime() - c[role].info.notBefore.getTime()) / DAY;
    expect([days('v2g-root'), days('cpo-subca1'), days('cpo-subca2'), days('secc')]).toEqual([3650, 1460, 365, 60]);
    expect([days('cps-leaf'), days('contract'), days('oem-prov')]).toEqual([90, 730, 1460]);
  });

  it('each certificate is signed by its issuer, with AKI = issuer SKI; roots are self-signed without AKI', () => {
    const c = pki().certificates;
    for (const role of PKI_ROLES) {
      const { info, profile } = c[role];
      const node = new X509Certificate(c[role].certPem);
      if (profile.issuer === null) {
        expect(ROOTS).toContain(role);
        expect(info.issuer).toBe(info.subject);
        expect(info.authorityKeyId).toBeUndefined();
        expect(node.verify(node.publicKey)).toBe(true);
        expect(node.ca).toBe(true);
      } else {
        const issuer = c[profile.issuer];
        expect(info.issuer).toBe(issuer.info.subject);
        expect(info.authorityKeyId).toBe(issuer.info.subjectKeyId);
        expect(node.verify(issuer.info.publicKey)).toBe(true);
        expect(node.checkIssued(new X509Certificate(issuer.certPem))).toBe(true);
      }
    }
    expect(chainOf('secc')).toEqual(['secc', 'cpo-subca2', 'cpo-subca1', 'v2g-root']);
    expect(chainOf('cps-leaf')).toEqual(['cps-leaf', 'cps-subca2', 'cps-subca1', 'v2g-root']);
    expect(chainOf('oem-prov').at(-1)).toBe('oem-root');
    expect(chainOf('contract').at(-1)).toBe('mo-root');
  });

  it('serial numbers are random, positive and unique; keys are PKCS#8 on the curve', () => {
    const serials = PKI_ROLES.map((role) => pki().certificates[role].info.serialNumber);
    expect(new Set(serials).size).toBe(serials.length);
    for (const s of serials) {
      expect(s).toMatch(/^[0-9a-f]{32}$/);
      expect(parseInt(s.slice(0, 2), 16)).toBeGreaterThan(0);
      expect(parseInt(s.slice(0, 2), 16)).toBeLessThan(0x80);
    }
    for (const role of PKI_ROLES) {
      const { keyPem, info } = pki().certificates[role];
      expect(keyPem).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
      const key = createPrivateKey(keyPem);
      expect(key.asymmetricKeyDetails?.namedCurve).toBe(curve === 'P-256' ? 'prime256v1' : 'secp521r1');
      // the key belongs to the certificate
      const sig = signEcdsaRaw(keyPem, Buffer.from(role));
      expect(verifyEcdsaRaw(info.pem, Buffer.from(role), sig)).toBe(true);
    }
  });

  it('the leaf chains verify against their roots', () => {
    const p = pki();
    const c = p.certificates;
    const at = new Date(NOW.getTime() + DAY);
    const roots: Record<(typeof PKI_LEAF_ROLES)[number], string> = {
      secc: c['v2g-root'].certPem,
      'cps-leaf': c['v2g-root'].certPem,
      'oem-prov': c['oem-root'].certPem,
      contract: c['mo-root'].certPem,
    };
    for (const leaf of PKI_LEAF_ROLES) {
      const chain = splitPemCertificates(leafChainPem(p, leaf));
      expect(chain).toHaveLength(3);
      expect(chain[0]).toBe(c[leaf].info.pem);
      const r = verifyChain(chain[0]!, chain.slice(1), roots[leaf], at);
      expect(r).toMatchObject({ ok: true, status: 'ok' });
      if (r.ok) expect(r.path.map((i) => i.commonName)).toEqual(chainOf(leaf).map((role) => c[role].info.commonName));
    }
  });
});

describe('identities and options', () => {
  it('puts the EVSEID, eMAID and PCID into the leaf CNs', () => {
    const c = pkis['P-256']!.certificates;
    expect(c.secc.info.commonName).toBe('DE*V2X*E12345*1');
    expect(c.contract.info.commonName).toBe('DEV2XC12345678');
    expect(c['oem-prov'].info.commonName).toBe('WV2XSIM0000000001');
    expect(pkis['P-521']!.certificates['oem-prov'].info.commonName).toBe('OEMProvCert');
  });

  it('rejects a bad curve, eMAID, country or validity before generating anything', async () => {
    await expect(generatePki({ curve: 'P-384' })).rejects.toMatchObject({ code: 'BAD_CURVE' });
    await expect(generatePki({ emaid: 'DEV2G123' })).rejects.toMatchObject({ code: 'BAD_EMAID', message: expect.stringContaining('8 characters') });
    await expect(generatePki({ emaid: 'DEV2XC1234567890' })).rejects.toMatchObject({ code: 'BAD_EMAID' });
    await expect(generatePki({ emaid: 'DE-V2X-C1234567' })).rejects.toMatchObject({ code: 'BAD_EMAID' });
    await expect(generatePki({ country: 'Germany' })).rejects.toMatchObject({ code: 'BAD_OPTION' });
    await expect(generatePki({ validityOverrides: { secc: 0 } })).rejects.toMatchObject({ code: 'BAD_OPTION' });
    await expect(generatePki({ validityOverrides: { nope: 1 } as never })).rejects.toBeInstanceOf(PkiError);
  });

  it('accepts 14- and 15-character eMAIDs and validity overrides', async () => {
    const pki = await generatePki({ emaid: 'DEV2XC123456789', validityOverrides: { secc: 1, contract: 30 }, now: NOW });
    expect(pki.certificates.contract.info.commonName).toBe('DEV2XC123456789');
    expect(pki.certificates.secc.info.notAfter.getTime()).toBe(NOW.getTime() + DAY);
    expect(pki.certificates.contract.info.notAfter.getTime()).toBe(NOW.getTime() + 30 * DAY);
  });

  it('issueCertificate: a new contract certificate from MO Sub-CA 2 for a key made elsewhere', async () => {
    const c = pkis['P-256']!.certificates;
    const evKey = await issueCertificate({ profile: 'contract', issuer: c['mo-subca2'], commonName: 'DEV2XC00000001' });
    expect(evKey.keyPem).toBeDefined();
    const fromPublicKey = await issueCertificate({
      profile: 'contract',
      commonName: 'DEV2XC00000002',
      issuer: { certPem: c['mo-subca2'].certPem, keyPem: c['mo-subca2'].keyPem },
      publicKeyPem: c.contract.info.publicKey.export({ type: 'spki', format: 'pem' }) as string,
    });
    expect(fromPublicKey.keyPem).toBeUndefined();
    expect(fromPublicKey.info.commonName).toBe('DEV2XC00000002');
    const chain = [c['mo-subca2'].certPem, c['mo-subca1'].certPem];
    expect(verifyChain(fromPublicKey.certPem, chain, c['mo-root'].certPem).ok).toBe(true);
    await expect(issueCertificate({ profile: 'v2g-root', publicKeyPem: fromPublicKey.certPem })).rejects.toMatchObject({ code: 'BAD_OPTION' });
  });
});

describe('verifyChain', () => {
  const c = () => pkis['P-256']!.certificates;
  const seccChain = () => [c()['cpo-subca2'].certPem, c()['cpo-subca1'].certPem];
  const at = new Date(NOW.getTime() + 10 * DAY);

  it('ok for the SECC chain at the V2G root, in any order, as PEM bundles or DER', () => {
    expect(verifyChain(c().secc.certPem, seccChain(), c()['v2g-root'].certPem, at).status).toBe('ok');
    expect(verifyChain(c().secc.certPem, [...seccChain()].reverse(), c()['v2g-root'].certPem, at).status).toBe('ok');
    expect(verifyChain(c().secc.certPem, seccChain().join(''), c()['v2g-root'].certPem + c()['mo-root'].certPem, { at }).status).toBe('ok');
    const der = seccChain().map(certificateDer);
    expect(verifyChain(certificateDer(c().secc.certPem), der, [certificateDer(c()['v2g-root'].certPem)], at).status).toBe('ok');
    // the chain may carry the leaf itself and the root (as TLS chains sometimes do)
    expect(verifyChain(c().secc.certPem, leafChainPem(pkis['P-256']!, 'secc') + c()['v2g-root'].certPem, c()['v2g-root'].certPem, at).ok).toBe(true);
  });

  it('expired: the SECC certificate lives 60 days', () => {
    const r = verifyChain(c().secc.certPem, seccChain(), c()['v2g-root'].certPem, new Date(NOW.getTime() + 61 * DAY));
    expect(r).toMatchObject({ ok: false, status: 'expired', subject: c().secc.info.subject });
  });

  it('expired: a PKI generated with `now` in the past has an expired SECC leaf but a valid root', async () => {
    const old = await generatePki({ now: new Date(Date.now() - 100 * DAY) });
    const o = old.certificates;
    const r = verifyChain(o.secc.certPem, [o['cpo-subca2'].certPem, o['cpo-subca1'].certPem], o['v2g-root'].certPem);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.status).toBe('expired');
      expect(r.subject).toContain('CN=DE*V2X*E12345*1');
      expect(r.message).toMatch(/expired on/);
    }
    expect(verifyChain(o.contract.certPem, [o['mo-subca2'].certPem, o['mo-subca1'].certPem], o['mo-root'].certPem).ok).toBe(true);
  });

  it('not yet valid', () => {
    const r = verifyChain(c().secc.certPem, seccChain(), c()['v2g-root'].certPem, new Date(NOW.getTime() - DAY));
    expect(r.status).toBe('not-yet-valid');
  });

  it('untrusted: another root, or a missing Sub-CA', () => {
    expect(verifyChain(c().secc.certPem, seccChain(), c()['mo-root'].certPem, at).status).toBe('untrusted');
    expect(verifyChain(c().secc.certPem, seccChain(), pkis['P-521']!.certificates['v2g-root'].certPem, at).status).toBe('untrusted');
    expect(verifyChain(c().secc.certPem, [c()['cpo-subca2'].certPem], c()['v2g-root'].certPem, at).status).toBe('untrusted');
    expect(verifyChain(c().secc.certPem, [], [], at).status).toBe('untrusted');
  });

  it('bad signature: a root with the same name but another key', async () => {
    // same subject and SKI-less lookup: a second V2G root named like the first
    const other = await issueCertificate({ profile: 'v2g-root', curve: 'P-256' });
    const r = verifyChain(c()['cpo-subca1'].certPem, [], other.certPem, at);
    expect(other.info.subject).toBe(c()['v2g-root'].info.subject);
    // the AKI does not match the impostor's SKI, so it is not even a candidate issuer
    expect(r.status).toBe('untrusted');
    // tamper with the signature of a real certificate instead
    const der = Buffer.from(c().secc.info.der);
    der[der.length - 5] ^= 0x01;
    const t = verifyChain(certificatePem(der), seccChain(), c()['v2g-root'].certPem, at);
    expect(t.status).toBe('bad-signature');
  });

  it('wrong key usage, wrong subject, not a CA, path too long', () => {
    // the CPS leaf has digitalSignature only; ask for keyAgreement as for a TLS key
    expect(
      verifyChain(c()['cps-leaf'].certPem, [c()['cps-subca2'].certPem, c()['cps-subca1'].certPem], c()['v2g-root'].certPem, {
        at,
        leafKeyUsage: ['digitalSignature', 'keyAgreement'],
      }).status,
    ).toBe('wrong-key-usage');
    expect(verifyChain(c().secc.certPem, seccChain(), c()['v2g-root'].certPem, { at, leafDomainComponent: 'CPO' }).status).toBe('ok');
    expect(verifyChain(c().contract.certPem, [c()['mo-subca2'].certPem, c()['mo-subca1'].certPem], c()['mo-root'].certPem, { at, leafDomainComponent: 'CPO' }).status).toBe(
      'wrong-subject',
    );
    expect(verifyChain(c().secc.certPem, seccChain(), c()['v2g-root'].certPem, { at, maxIntermediates: 1 }).status).toBe('path-too-long');
  });

  it('not a CA / pathLen: certificates issued by a leaf or below a pathLen-0 Sub-CA', async () => {
    const cc = c();
    // a "Sub-CA 3" issued by Sub-CA 2 (pathLen 0), then a leaf under it
    const sub3 = await issueCertificate({ profile: 'cpo-subca2', commonName: 'CPOSubCA3', issuer: cc['cpo-subca2'] });
    const leaf = await issueCertificate({ profile: 'secc', commonName: 'SECCCert', issuer: { certPem: sub3.certPem, keyPem: sub3.keyPem! } });
    const chain = [sub3.certPem, cc['cpo-subca2'].certPem, cc['cpo-subca1'].certPem];
    expect(verifyChain(leaf.certPem, chain, cc['v2g-root'].certPem, { maxIntermediates: 5 }).status).toBe('path-too-long');
    // a certificate issued with the SECC leaf's key
    const underLeaf = await issueCertificate({ profile: 'contract', commonName: 'DEV2XC99999999', issuer: cc.secc });
    const r = verifyChain(underLeaf.certPem, [cc.secc.certPem, ...seccChain()], cc['v2g-root'].certPem, { maxIntermediates: 5 });
    expect(r.status).toBe('not-a-ca');
  });

  it('malformed input is a result, not an exception', () => {
    expect(verifyChain('not a pem', [], c()['v2g-root'].certPem).status).toBe('malformed');
    expect(verifyChain(new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x00]), [], c()['v2g-root'].certPem).status).toBe('malformed');
    expect(verifyChain(c().secc.info.der.subarray(0, 200), [], c()['v2g-root'].certPem).status).toBe('malformed');
    expect(verifyChain(c().secc.certPem, ['-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n'], c()['v2g-root'].certPem).status).toBe('malformed');
  });
});

/**
 * Made with OpenSSL 3 from Josev's moRootCACert.cnf / contractLeafCert.cnf (C=GB instead of UK,
 * 36500 days): UTF8String names, UTCTime + GeneralizedTime, authorityInfoAccess, serials 12353/12356.
 */
const OPENSSL_MO_ROOT = `-----BEGIN CERTIFICATE-----
MIIBvzCCAWSgAwIBAgICMEEwCgYIKoZIzj0EAwIwRTERMA8GA1UEAwwITU9Sb290
Q0ExDzANBgNVBAoMBlN3aXRjaDELMAkGA1UEBhMCR0IxEjAQBgoJkiaJk/IsZAEZ
FgJNTzAgFw0yNjExMjQwMzE4MTlaGA8yMTI2MTAzMTAzMTgxOVowRTERMA8GA1UE
AwwITU9Sb290Q0ExDzANBgNVBAoMBlN3aXRjaDELMAkGA1UEBhMCR0IxEjAQBgoJ
kiaJk/IsZAEZFgJNTzBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABEF+PLNqjPRm
LvFwSUZVcDR9YnS/hFKtfGZd7Vc7XHVjFyK9QalI41y2onBt1sNFtIjSscM8kuo3
YEY3sce9+qujQjBAMA8GA1UdEwEB/wQFMAMBAf8wDgYDVR0PAQH/BAQDAgEGMB0G
A1UdDgQWBBRVxeNfddwsXvEEE7ZWWPkv2vGOqTAKBggqhkjOPQQDAgNJADBGAiEA
w7lVsFo/SpHdEL1II3Pn4qSiDFiuWnOoqFitpoKvCR0CIQDrtFUJLQdeTmkIBcg1
PlgCEPjrb/pV5cQBH6oMGlpN4Q==
-----END CERTIFICATE-----
`;
const OPENSSL_CONTRACT = `-----BEGIN CERTIFICATE-----
MIICVDCCAfqgAwIBAgICMEQwCgYIKoZIzj0EAwIwRTERMA8GA1UEAwwITU9Sb290
Q0ExDzANBgNVBAoMBlN3aXRjaDELMAkGA1UEBhMCR0IxEjAQBgoJkiaJk/IsZAEZ
FgJNTzAgFw0yNjExMjQwMzE4MTlaGA8yMTI2MTAzMTAzMTgxOVowTDEYMBYGA1UE
AwwPVUtTV0kxMjM0NTY3OTFBMQ8wDQYDVQQKDAZTd2l0Y2gxCzAJBgNVBAYTAkdC
MRIwEAYKCZImiZPyLGQBGRYCTU8wWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAAQ2
j13dhcND7v42N49GO6go7RZTaBW30aqW2pG/M6ffgJvxU+ADv2Fv6aav7vjv8sSp
ROuE9WE2+d8TAsPpMNRuo4HQMIHNMAwGA1UdEwEB/wQCMAAwDgYDVR0PAQH/BAQD
AgPoMB0GA1UdDgQWBBQ1o9UlEmnYQ/t6qUeOOFwGJNxQ7zBtBggrBgEFBQcBAQRh
MF8wJAYIKwYBBQUHMAGGGGh0dHBzOi8vd3d3LmV4YW1wbGUuY29tLzA3BggrBgEF
BQcwAoYraHR0cHM6Ly93d3cuZXhhbXBsZS5jb20vSW50ZXJtZWRpYXRlLUNBLmNl
cjAfBgNVHSMEGDAWgBRVxeNfddwsXvEEE7ZWWPkv2vGOqTAKBggqhkjOPQQDAgNI
ADBFAiEAzaM0NVkwBZ2jjNwJYYfXzUM7xlKQE/wdl2Zmfp9UXyACIE+pwqnnqldU
y71CMhMveMpqiGzgpdiSX4kh7kV4Mk2D
-----END CERTIFICATE-----
`;

describe('parseCertificate / verifyChain on certificates made by OpenSSL (Josev configs)', () => {
  it('reads names, validity, extensions and serial', () => {
    const root = parseCertificate(OPENSSL_MO_ROOT);
    const leaf = parseCertificate(OPENSSL_CONTRACT);
    expect(root).toMatchObject({ subject: 'CN=MORootCA, O=Switch, C=GB, DC=MO', ca: true, pathLength: undefined, serialNumber: '3041' });
    expect(root.keyUsage).toEqual(['keyCertSign', 'cRLSign']);
    expect(root.notAfter.toISOString()).toBe('2126-10-31T03:18:19.000Z');
    expect(leaf).toMatchObject({
      subject: 'CN=UKSWI123456791A, O=Switch, C=GB, DC=MO',
      issuer: 'CN=MORootCA, O=Switch, C=GB, DC=MO',
      commonName: 'UKSWI123456791A',
      domainComponent: 'MO',
      ca: false,
      basicConstraintsCritical: true,
      keyUsageCritical: true,
      serialNumber: '3044',
      curve: 'P-256',
      signatureHash: 'SHA-256',
      authorityKeyId: root.subjectKeyId,
    });
    expect(leaf.keyUsage).toEqual(['digitalSignature', 'nonRepudiation', 'keyEncipherment', 'keyAgreement']);
    expect(leaf.notBefore.toISOString()).toBe('2026-11-24T03:18:19.000Z');
    const at = new Date('2027-06-01T00:00:00Z');
    expect(verifyChain(OPENSSL_CONTRACT, [], OPENSSL_MO_ROOT, { at, leafDomainComponent: 'MO' }).status).toBe('ok');
    expect(verifyChain(OPENSSL_CONTRACT, [], OPENSSL_MO_ROOT, new Date('2026-01-01T00:00:00Z')).status).toBe('not-yet-valid');
  });
});

describe('raw ECDSA (ISO 15118 XML signatures)', () => {
  const data = Buffer.from('SignedInfo EXI bytes');

  it.each(['P-256', 'P-521'] as const)('%s: r||s of 64 or 132 bytes, verifies with the certificate, not with another key', (curve) => {
    const c = pkis[curve]!.certificates;
    const sig = signEcdsaRaw(c.contract.keyPem, data);
    expect(sig).toBeInstanceOf(Uint8Array);
    expect(sig.byteLength).toBe(curve === 'P-256' ? 64 : 132);
    expect(verifyEcdsaRaw(c.contract.certPem, data, sig)).toBe(true);
    expect(verifyEcdsaRaw(c.contract.info.der, data, sig)).toBe(true);
    expect(verifyEcdsaRaw(c.contract.info.publicKey, data, sig)).toBe(true);
    expect(verifyEcdsaRaw(c.secc.certPem, data, sig)).toBe(false);
    expect(verifyEcdsaRaw(c.contract.certPem, Buffer.from('other'), sig)).toBe(false);
    const flipped = Uint8Array.from(sig);
    flipped[3]! ^= 0x80;
    expect(verifyEcdsaRaw(c.contract.certPem, data, flipped)).toBe(false);
    expect(verifyEcdsaRaw(c.contract.certPem, data, sig.subarray(1))).toBe(false);
  });

  it('uses SHA-256 on P-256 and SHA-512 on P-521 by default; another hash can be forced', () => {
    const c = pkis['P-256']!.certificates;
    const sig512 = signEcdsaRaw(c.secc.keyPem, data, 'SHA-512');
    expect(verifyEcdsaRaw(c.secc.certPem, data, sig512)).toBe(false);
    expect(verifyEcdsaRaw(c.secc.certPem, data, sig512, 'SHA-512')).toBe(true);
  });

  it('certificateDer / certificatePem round-trip', () => {
    const pem = pkis['P-256']!.certificates.secc.certPem;
    const der = certificateDer(pem);
    expect(der[0]).toBe(0x30);
    expect(certificatePem(der)).toBe(parseCertificate(pem).pem);
    expect(parseCertificate(der).serialNumber).toBe(parseCertificate(pem).serialNumber);
    expect(() => certificateDer('-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n')).toThrow(PkiError);
  });
});

describe('initPki / loadPki', () => {
  it('writes the layout and manifest, and loads it back', async () => {
    const out = join(tmp, 'p256');
    const { dir, manifest } = await initPki({ out, now: NOW, evseId: 'DE*V2X*E00042*1' });
    expect(dir).toBe(out);
    expect(manifest).toMatchObject({ format: 'v2xsim-pki/1', curve: 'P-256', signatureAlgorithm: 'ecdsa-with-SHA256', createdAt: NOW.toISOString() });
    expect(manifest.identities).toEqual({ evseId: 'DE*V2X*E00042*1', emaid: 'DEV2XC12345678', pcid: 'OEMProvCert' });
    expect(manifest.certificates.map((e) => e.role)).toEqual([...PKI_ROLES]);
    expect(JSON.parse(await readFile(join(out, 'pki.json'), 'utf8'))).toEqual(JSON.parse(JSON.stringify(manifest)));

    expect((await readdir(out)).sort()).toEqual(['contract', 'cpo', 'cps', 'cps-leaf', 'mo', 'oem', 'oem-prov', 'pki.json', 'secc', 'v2g']);
    expect((await readdir(join(out, 'secc'))).sort()).toEqual(['cert.pem', 'chain.pem', 'key.pem']);
    expect((await readdir(join(out, 'v2g'))).sort()).toEqual(['root.key.pem', 'root.pem']);
    expect((await readdir(join(out, 'cpo'))).sort()).toEqual(['subca1.key.pem', 'subca1.pem', 'subca2.key.pem', 'subca2.pem']);
    expect(pkiRoleFiles('mo-subca2')).toEqual({ cert: 'mo/subca2.pem', key: 'mo/subca2.key.pem' });
    if (process.platform !== 'win32') expect((await stat(join(out, 'secc/key.pem'))).mode & 0o777).toBe(0o600);
    for (const e of manifest.certificates) {
      const info = parseCertificate(await readFile(join(out, e.cert), 'utf8'));
      expect(info.subject).toBe(e.subject);
      expect(info.serialNumber).toBe(e.serialNumber);
      expect(info.notAfter.toISOString()).toBe(e.notAfter);
      expect(e.description).toBe(CERTIFICATE_PROFILES[e.role].description);
    }

    const loaded = await loadPki(out, { require: ['secc', 'v2g-root'] });
    expect(loaded.curve).toBe('P-256');
    expect(loaded.manifest?.identities.evseId).toBe('DE*V2X*E00042*1');
    expect(Object.keys(loaded.certificates)).toEqual([...PKI_ROLES]);
    expect(loaded.secc!.info.commonName).toBe('DE*V2X*E00042*1');
    expect(loaded.secc!.chainPem).toBe(await readFile(join(out, 'secc/chain.pem'), 'utf8'));
    expect(loaded.secc!.subCaPems.map((p) => parseCertificate(p).commonName)).toEqual(['CPOSubCA2', 'CPOSubCA1']);
    expect(loaded.contract!.subCaPems.map((p) => parseCertificate(p).commonName)).toEqual(['MOSubCA2', 'MOSubCA1']);
    expect(loaded.oemProv!.keyPem).toMatch(/PRIVATE KEY/);
    expect(loaded.cpsLeaf!.info.commonName).toBe('CPS Leaf');
    expect(parseCertificate(loaded.roots.v2g!).commonName).toBe('V2GRootCA');
    expect(parseCertificate(loaded.roots.oem!).commonName).toBe('OEMRootCA');
    expect(parseCertificate(loaded.roots.mo!).commonName).toBe('MORootCA');
    const at = new Date(NOW.getTime() + DAY);
    expect(verifyChain(loaded.secc!.leafPem, loaded.secc!.subCaPems, loaded.roots.v2g!, at).ok).toBe(true);
    expect(verifyChain(loaded.contract!.leafPem, loaded.contract!.subCaPems, loaded.roots.mo!, at).ok).toBe(true);
  });

  it('refuses a non-empty folder unless force, and a file', async () => {
    const out = join(tmp, 'busy');
    await mkdir(out);
    await writeFile(join(out, 'notes.txt'), 'mine');
    await expect(initPki({ out })).rejects.toMatchObject({ code: 'OUT_EXISTS' });
    await expect(initPki({ out: join(out, 'notes.txt') })).rejects.toMatchObject({ code: 'OUT_EXISTS' });
    const { manifest } = await initPki({ out, force: true, curve: 'P-521' });
    expect(manifest.curve).toBe('P-521');
    expect(await readFile(join(out, 'notes.txt'), 'utf8')).toBe('mine');
    // an empty folder is fine without force
    const empty = join(tmp, 'empty');
    await mkdir(empty);
    await initPki({ out: empty });
    // bad options fail before the folder is touched
    await expect(initPki({ out: join(tmp, 'bad'), emaid: 'X' })).rejects.toMatchObject({ code: 'BAD_EMAID' });
    await expect(stat(join(tmp, 'bad'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('loads third-party certificates in the layout without pki.json (chain built from the Sub-CA files)', async () => {
    const c = pkis['P-521']!.certificates;
    const dir = join(tmp, 'third-party');
    const put = async (rel: string, text: string) => {
      await mkdir(join(dir, rel, '..'), { recursive: true });
      await writeFile(join(dir, rel), text);
    };
    // two V2G roots in one file (e.g. a production and a test root), the CPO Sub-CAs, SECC cert + key, no chain.pem
    await put('v2g/root.pem', pkis['P-256']!.certificates['v2g-root'].certPem + c['v2g-root'].certPem);
    await put('cpo/subca1.pem', c['cpo-subca1'].certPem);
    await put('cpo/subca2.pem', c['cpo-subca2'].certPem);
    await put('secc/cert.pem', c.secc.certPem);
    await put('secc/key.pem', c.secc.keyPem);
    await put('mo/root.pem', c['mo-root'].certPem);
    const loaded = await loadPki(dir);
    expect(loaded.manifest).toBeUndefined();
    expect(loaded.curve).toBe('P-256'); // the first V2G root's
    expect(Object.keys(loaded.certificates).sort()).toEqual(['cpo-subca1', 'cpo-subca2', 'mo-root', 'secc', 'v2g-root']);
    expect(splitPemCertificates(loaded.secc!.chainPem)).toHaveLength(3);
    expect(verifyChain(loaded.secc!.leafPem, loaded.secc!.subCaPems, loaded.roots.v2g!).ok).toBe(true);
    expect(loaded.contract).toBeUndefined();
    await expect(loadPki(dir, { require: ['contract'] })).rejects.toMatchObject({ code: 'NOT_FOUND', message: expect.stringContaining('contract/cert.pem') });
    await expect(loadPki(join(tmp, 'nowhere'))).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await put('oem/root.pem', 'garbage');
    await expect(loadPki(dir)).rejects.toMatchObject({ code: 'MALFORMED' });
  });
});
