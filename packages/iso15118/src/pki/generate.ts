// Key pairs and certificates of the V2G PKI, built in memory with @peculiar/x509 on Node's WebCrypto.
import { createPrivateKey, createPublicKey, randomBytes, webcrypto, type KeyObject } from 'node:crypto';
import type * as X509 from '@peculiar/x509';
import type * as X509Provider from './x509.js';
import { parseCertificate, type CertificateInfo } from './cert.js';
import { PkiError } from './errors.js';
import {
  CERTIFICATE_PROFILES,
  DEFAULT_COUNTRY,
  DEFAULT_EMAID,
  DEFAULT_EVSE_ID,
  DEFAULT_ORGANIZATION,
  DEFAULT_PCID,
  KEY_USAGE_BITS,
  PKI_ROLES,
  checkCountry,
  checkCurve,
  checkEmaid,
  checkNameValue,
  chainOf,
  type CertificateProfile,
  type PkiCurve,
  type PkiIdentities,
  type PkiLeafRole,
  type PkiRole,
} from './profiles.js';

const subtle = webcrypto.subtle;

/** @peculiar/x509, loaded on first use: it takes a noticeable time to load, and only generation needs it. */
let x509Module: Promise<typeof X509Provider> | undefined;
const loadX509 = (): Promise<typeof X509Provider> => (x509Module ??= import('./x509.js'));
const DAY_MS = 86_400_000;

const NODE_CURVES: Readonly<Record<string, PkiCurve | 'P-384'>> = { prime256v1: 'P-256', secp384r1: 'P-384', secp521r1: 'P-521' };
const HASH_OF_CURVE: Readonly<Record<string, 'SHA-256' | 'SHA-384' | 'SHA-512'>> = { 'P-256': 'SHA-256', 'P-384': 'SHA-384', 'P-521': 'SHA-512' };

/** A random positive serial number: 16 bytes, the first in 0x01..0x7f (so DER needs no leading zero). */
export function randomSerialNumber(): string {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0]! & 0x7f) | 0x01;
  return bytes.toString('hex');
}

const toPem = (der: ArrayBuffer, label: string): string =>
  `-----BEGIN ${label}-----\n${Buffer.from(der).toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '')}\n-----END ${label}-----\n`;

/** A fresh EC key pair on `curve`; the private key as PKCS#8 PEM. */
export async function generateEcKeyPair(curve: PkiCurve): Promise<{ privateKeyPem: string; publicKeyPem: string }> {
  const keys = await subtle.generateKey({ name: 'ECDSA', namedCurve: checkCurve(curve) }, true, ['sign', 'verify']);
  return {
    privateKeyPem: toPem(await subtle.exportKey('pkcs8', keys.privateKey), 'PRIVATE KEY'),
    publicKeyPem: toPem(await subtle.exportKey('spki', keys.publicKey), 'PUBLIC KEY'),
  };
}

function ecCurve(key: KeyObject): PkiCurve | 'P-384' {
  const curve = key.asymmetricKeyType === 'ec' ? NODE_CURVES[key.asymmetricKeyDetails?.namedCurve ?? ''] : undefined;
  if (!curve) throw new PkiError('MALFORMED', 'the key is not an EC key on P-256, P-384 or P-521');
  return curve;
}

/** A private key PEM (PKCS#8 or SEC1) as PKCS#8 PEM. */
function privateKeyPkcs8(pem: string): string {
  try {
    return createPrivateKey(pem).export({ type: 'pkcs8', format: 'pem' }) as string;
  } catch (err) {
    throw new PkiError('MALFORMED', `not a private key: ${err instanceof Error ? err.message : String(err)}`);
  }
}

async function importSigningKey(pem: string): Promise<{ key: webcrypto.CryptoKey; hash: string }> {
  let obj: KeyObject;
  try {
    obj = createPrivateKey(pem);
  } catch (err) {
    throw new PkiError('MALFORMED', `not a private key: ${err instanceof Error ? err.message : String(err)}`);
  }
  const curve = ecCurve(obj);
  const der = obj.export({ type: 'pkcs8', format: 'der' });
  const key = await subtle.importKey('pkcs8', der, { name: 'ECDSA', namedCurve: curve }, false, ['sign']);
  return { key, hash: HASH_OF_CURVE[curve]! };
}

async function importPublicKey(pem: string): Promise<webcrypto.CryptoKey> {
  let obj: KeyObject;
  try {
    obj = createPublicKey(pem);
  } catch (err) {
    throw new PkiError('MALFORMED', `not a public or private key: ${err instanceof Error ? err.message : String(err)}`);
  }
  const curve = ecCurve(obj);
  return subtle.importKey('spki', obj.export({ type: 'spki', format: 'der' }), { name: 'ECDSA', namedCurve: curve }, true, ['verify']);
}

/** A subject or issuer name as the V2G profiles write it: CN, O, C, DC in this order (Josev's configs). */
function v2gName(x509: typeof X509, cn: string, organization: string, country: string, dc: string): X509.Name {
  const text = (value: string) => [x509.Name.isPrintableString(value) ? { printableString: value } : { utf8String: value }];
  return new x509.Name([{ CN: text(cn) }, { O: text(organization) }, { C: [{ printableString: country }] }, { DC: [{ ia5String: dc }] }]);
}

export interface IssueCertificateOptions {
  /** The profile to follow (names, extensions, default validity), by role or given in full. */
  readonly profile: PkiRole | CertificateProfile;
  /** CN; default: the profile's (for leaves with an identity, give it). */
  readonly commonName?: string;
  readonly organization?: string;
  readonly country?: string;
  /** The issuing CA's certificate and private key (PEM); absent for a self-signed root. */
  readonly issuer?: { readonly certPem: string; readonly keyPem: string };
  /** The subject's private key (PKCS#8 or SEC1 PEM), e.g. one made with generateEcKeyPair. */
  readonly subjectKeyPem?: string;
  /** Only the subject's public key (SPKI PEM), e.g. a key the EV made; needs an issuer. */
  readonly publicKeyPem?: string;
  /** Curve of a newly generated key pair, when neither subjectKeyPem nor publicKeyPem is given (default P-256). */
  readonly curve?: PkiCurve;
  readonly notBefore?: Date;
  readonly validityDays?: number;
  /** Hex; default random (randomSerialNumber). */
  readonly serialNumber?: string;
}

export interface IssuedCertificate {
  readonly certPem: string;
  /** The subject's private key (PKCS#8 PEM): the new one, or subjectKeyPem; undefined with publicKeyPem. */
  readonly keyPem: string | undefined;
  readonly info: CertificateInfo;
}

/**
 * Issues one certificate following a V2G profile: basicConstraints (critical, cA, pathLen),
 * keyUsage (critical), subjectKeyIdentifier, and authorityKeyIdentifier (the issuer's SKI) on all
 * but self-signed roots. ECDSA with the digest of the signing key's curve (SHA-256 on P-256,
 * SHA-512 on P-521). E.g. a new contract certificate from MO Sub-CA 2 for a CertificateInstallationRes.
 */
export async function issueCertificate(opts: IssueCertificateOptions): Promise<IssuedCertificate> {
  const profile = typeof opts.profile === 'string' ? CERTIFICATE_PROFILES[opts.profile] : opts.profile;
  if (!profile) throw new PkiError('BAD_OPTION', `unknown profile '${String(opts.profile)}'`);
  const organization = checkNameValue('organization', opts.organization ?? DEFAULT_ORGANIZATION);
  const country = checkCountry(opts.country ?? DEFAULT_COUNTRY);
  const commonName = checkNameValue('common name', opts.commonName ?? profile.commonName({ evseId: DEFAULT_EVSE_ID, emaid: DEFAULT_EMAID, pcid: DEFAULT_PCID }));
  const days = opts.validityDays ?? profile.validityDays;
  if (!(days > 0 && days <= 100 * 366)) throw new PkiError('BAD_OPTION', `invalid validity for ${profile.role}: ${days} days`);
  const notBefore = new Date(Math.floor((opts.notBefore ?? new Date()).getTime() / 1000) * 1000);
  const notAfter = new Date(notBefore.getTime() + days * DAY_MS);

  if (!opts.issuer && opts.subjectKeyPem === undefined && opts.publicKeyPem !== undefined) {
    throw new PkiError('BAD_OPTION', 'a self-signed certificate needs the private key: give subjectKeyPem, or an issuer');
  }
  let keyPem = opts.subjectKeyPem === undefined ? undefined : privateKeyPkcs8(opts.subjectKeyPem);
  let publicKeyPem = opts.publicKeyPem ?? keyPem;
  if (publicKeyPem === undefined) {
    const pair = await generateEcKeyPair(opts.curve ?? 'P-256');
    keyPem = pair.privateKeyPem;
    publicKeyPem = pair.publicKeyPem;
  }
  const publicKey = await importPublicKey(publicKeyPem);
  const signer = await importSigningKey(opts.issuer?.keyPem ?? keyPem!);

  const { x509, nodeWebCrypto } = await loadX509();
  const subject = v2gName(x509, commonName, organization, country, profile.domainComponent);
  const usage = profile.keyUsage.reduce((bits, name) => bits | KEY_USAGE_BITS[name], 0);
  const extensions: X509.Extension[] = [
    new x509.BasicConstraintsExtension(profile.ca, profile.ca ? profile.pathLength : undefined, true),
    new x509.KeyUsagesExtension(usage, true),
    await x509.SubjectKeyIdentifierExtension.create(publicKey, false, nodeWebCrypto),
  ];
  let issuerName: X509.Name = subject;
  if (opts.issuer) {
    const issuerCert = new x509.X509Certificate(opts.issuer.certPem);
    const issuerSki = issuerCert.getExtension(x509.SubjectKeyIdentifierExtension);
    extensions.push(
      issuerSki
        ? new x509.AuthorityKeyIdentifierExtension(issuerSki.keyId, false)
        : await x509.AuthorityKeyIdentifierExtension.create(issuerCert.publicKey, false, nodeWebCrypto),
    );
    issuerName = issuerCert.subjectName;
  }

  const cert = await x509.X509CertificateGenerator.create(
    {
      serialNumber: opts.serialNumber ?? randomSerialNumber(),
      subject,
      issuer: issuerName,
      notBefore,
      notAfter,
      publicKey,
      signingKey: signer.key,
      signingAlgorithm: { name: 'ECDSA', hash: signer.hash } as webcrypto.EcdsaParams,
      extensions,
    },
    nodeWebCrypto,
  );
  const certPem = cert.toString('pem') + '\n';
  return { certPem, keyPem, info: parseCertificate(certPem) };
}

// ------------------------------------------------------------------------------ the whole PKI

export interface GeneratePkiOptions {
  /** P-256 (ISO 15118-2, default) or P-521 (ISO 15118-20). */
  readonly curve?: PkiCurve | string;
  /** CN of the contract certificate (default DEV2XC12345678). */
  readonly emaid?: string;
  /** CN of the SECC certificate (default DE*V2X*E12345*1). */
  readonly evseId?: string;
  /** CN of the OEM provisioning certificate (default OEMProvCert). */
  readonly pcid?: string;
  /** O of every certificate (default v2xsim). */
  readonly organization?: string;
  /** C of every certificate (default DE). */
  readonly country?: string;
  /** Validity in days per role, instead of the defaults (CERTIFICATE_PROFILES[role].validityDays). */
  readonly validityOverrides?: Partial<Record<PkiRole, number>>;
  /** notBefore of every certificate (default: now). A past date makes short-lived ones expired. */
  readonly now?: Date;
}

export interface GeneratedCertificate {
  readonly role: PkiRole;
  readonly profile: CertificateProfile;
  readonly certPem: string;
  /** PKCS#8 PEM, unencrypted. */
  readonly keyPem: string;
  readonly info: CertificateInfo;
}

export interface GeneratedPki {
  readonly curve: PkiCurve;
  readonly identities: PkiIdentities;
  readonly organization: string;
  readonly country: string;
  readonly createdAt: Date;
  readonly certificates: Readonly<Record<PkiRole, GeneratedCertificate>>;
}

/** The options checked and defaulted (throws PkiError BAD_* first, before any key is made). */
export function resolvePkiOptions(opts: GeneratePkiOptions): {
  curve: PkiCurve;
  identities: PkiIdentities;
  organization: string;
  country: string;
  validity: Record<PkiRole, number>;
  now: Date;
} {
  const curve = checkCurve(opts.curve ?? 'P-256');
  const identities: PkiIdentities = {
    emaid: checkEmaid(opts.emaid ?? DEFAULT_EMAID),
    evseId: checkNameValue('EVSEID', opts.evseId ?? DEFAULT_EVSE_ID, 1, 64),
    pcid: checkNameValue('PCID', opts.pcid ?? DEFAULT_PCID, 1, 64),
  };
  const organization = checkNameValue('organization', opts.organization ?? DEFAULT_ORGANIZATION);
  const country = checkCountry(opts.country ?? DEFAULT_COUNTRY);
  const validity = {} as Record<PkiRole, number>;
  for (const role of PKI_ROLES) validity[role] = CERTIFICATE_PROFILES[role].validityDays;
  for (const [role, days] of Object.entries(opts.validityOverrides ?? {})) {
    if (!(role in CERTIFICATE_PROFILES)) throw new PkiError('BAD_OPTION', `validityOverrides: unknown role '${role}'; roles: ${PKI_ROLES.join(', ')}`);
    if (typeof days !== 'number' || !(days > 0 && days <= 100 * 366)) throw new PkiError('BAD_OPTION', `validityOverrides.${role}: ${String(days)} is not a number of days in 1..36600`);
    validity[role as PkiRole] = days;
  }
  const now = opts.now ?? new Date();
  if (Number.isNaN(now.getTime())) throw new PkiError('BAD_OPTION', 'now is an invalid date');
  return { curve, identities, organization, country, validity, now };
}

/**
 * Generates the four chains of the V2G PKI in memory: V2G root → CPO Sub-CA 1 → CPO Sub-CA 2 →
 * SECC; V2G root → CPS Sub-CA 1 → Sub-CA 2 → CPS leaf; OEM root → Sub-CA 1 → Sub-CA 2 → OEM
 * provisioning; MO root → Sub-CA 1 → Sub-CA 2 → contract. Every key is on `curve`.
 */
export async function generatePki(opts: GeneratePkiOptions = {}): Promise<GeneratedPki> {
  const { curve, identities, organization, country, validity, now } = resolvePkiOptions(opts);
  const keys = await Promise.all(PKI_ROLES.map(() => generateEcKeyPair(curve)));
  const certificates = {} as Record<PkiRole, GeneratedCertificate>;
  for (const [i, role] of PKI_ROLES.entries()) {
    const profile = CERTIFICATE_PROFILES[role];
    const issuer = profile.issuer === null ? undefined : certificates[profile.issuer];
    const pair = keys[i]!;
    const issued = await issueCertificate({
      profile,
      commonName: profile.commonName(identities),
      organization,
      country,
      subjectKeyPem: pair.privateKeyPem,
      ...(issuer ? { issuer: { certPem: issuer.certPem, keyPem: issuer.keyPem } } : {}),
      notBefore: now,
      validityDays: validity[role],
    });
    certificates[role] = { role, profile, certPem: issued.certPem, keyPem: pair.privateKeyPem, info: issued.info };
  }
  return { curve, identities, organization, country, createdAt: now, certificates };
}

/**
 * The chain a leaf presents: leaf, Sub-CA 2, Sub-CA 1 (without the root), concatenated PEM, as
 * TLS servers send it and as ISO 15118 messages carry it (Certificate + SubCertificates).
 */
export function leafChainPem(pki: GeneratedPki, role: PkiLeafRole): string {
  return chainOf(role)
    .filter((r) => CERTIFICATE_PROFILES[r].issuer !== null)
    .map((r) => pki.certificates[r].certPem)
    .join('');
}

