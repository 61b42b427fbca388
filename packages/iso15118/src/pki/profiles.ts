// The certificate profiles of the ISO 15118 V2G PKI (ISO 15118-2 Annex F; ISO 15118-20 uses the
// same chains on other curves), as the open implementations generate them for testing:
// SwitchEV/iso15118 (Josev) `iso15118/shared/pki/configs/*.cnf` and `create_certs.sh` @676b315,
// V2GClarity/RISE-V2G `RISE-V2G-Certificates/configs/*.cnf` and `generateCertificates.sh` @055806d.
import { PkiError } from './errors.js';

/** The curves the generator supports: P-256 (secp256r1) for ISO 15118-2, P-521 (secp521r1) for -20. */
export type PkiCurve = 'P-256' | 'P-521';

export const PKI_CURVES: readonly PkiCurve[] = ['P-256', 'P-521'];

/** The certificate hash algorithm that goes with a curve (ECDSA-SHA256 on P-256, ECDSA-SHA512 on P-521). */
export const CURVE_HASH: Readonly<Record<PkiCurve, 'SHA-256' | 'SHA-512'>> = { 'P-256': 'SHA-256', 'P-521': 'SHA-512' };

/** The X.509 key usage bits the V2G profiles use (RFC 5280 §4.2.1.3 names). */
export type KeyUsageName =
  | 'digitalSignature'
  | 'nonRepudiation'
  | 'keyEncipherment'
  | 'dataEncipherment'
  | 'keyAgreement'
  | 'keyCertSign'
  | 'cRLSign'
  | 'encipherOnly'
  | 'decipherOnly';

/** KeyUsage bit values as @peculiar/x509's KeyUsageFlags (bit 0 = digitalSignature). */
export const KEY_USAGE_BITS: Readonly<Record<KeyUsageName, number>> = {
  digitalSignature: 1,
  nonRepudiation: 2,
  keyEncipherment: 4,
  dataEncipherment: 8,
  keyAgreement: 16,
  keyCertSign: 32,
  cRLSign: 64,
  encipherOnly: 128,
  decipherOnly: 256,
};

/** Every certificate of the generated PKI, in issuing order (an issuer always comes before its subjects). */
export const PKI_ROLES = [
  'v2g-root',
  'cpo-subca1',
  'cpo-subca2',
  'secc',
  'cps-subca1',
  'cps-subca2',
  'cps-leaf',
  'oem-root',
  'oem-subca1',
  'oem-subca2',
  'oem-prov',
  'mo-root',
  'mo-subca1',
  'mo-subca2',
  'contract',
] as const;

export type PkiRole = (typeof PKI_ROLES)[number];

/** The leaf roles: each has a private key, a certificate and a chain file for its holder. */
export type PkiLeafRole = 'secc' | 'cps-leaf' | 'oem-prov' | 'contract';

export const PKI_LEAF_ROLES: readonly PkiLeafRole[] = ['secc', 'cps-leaf', 'oem-prov', 'contract'];

/** The identities that end up in the leaf certificates' common names. */
export interface PkiIdentities {
  /** CN of the SECC certificate: the EVSEID (-2) or SECC-ID (-20). */
  readonly evseId: string;
  /** CN of the contract certificate: the eMAID without separators. */
  readonly emaid: string;
  /** CN of the OEM provisioning certificate: the PCID. */
  readonly pcid: string;
}

export interface CertificateProfile {
  readonly role: PkiRole;
  readonly description: string;
  /** The role that signs it; null for a self-signed root. */
  readonly issuer: PkiRole | null;
  readonly commonName: (ids: PkiIdentities) => string;
  /** The domainComponent (DC) attribute of the subject. */
  readonly domainComponent: 'V2G' | 'CPO' | 'CPS' | 'OEM' | 'MO';
  /** basicConstraints cA. */
  readonly ca: boolean;
  /** basicConstraints pathLenConstraint (CAs only; absent = unlimited, as on the roots). */
  readonly pathLength?: number;
  readonly keyUsage: readonly KeyUsageName[];
  /** Default validity in days (Josev create_certs.sh). */
  readonly validityDays: number;
}

const CA_USAGE: readonly KeyUsageName[] = ['keyCertSign', 'cRLSign'];

const profile = (p: CertificateProfile): CertificateProfile => p;
const fixed = (cn: string) => (): string => cn;

/** The profiles, by role. Names, extensions and validities follow Josev's configs (see the file header). */
export const CERTIFICATE_PROFILES: Readonly<Record<PkiRole, CertificateProfile>> = {
  'v2g-root': profile({
    role: 'v2g-root',
    description: 'V2G root CA',
    issuer: null,
    commonName: fixed('V2GRootCA'),
    domainComponent: 'V2G',
    ca: true,
    keyUsage: CA_USAGE,
    validityDays: 3650,
  }),
  'cpo-subca1': profile({
    role: 'cpo-subca1',
    description: 'CPO Sub-CA 1',
    issuer: 'v2g-root',
    commonName: fixed('CPOSubCA1'),
    domainComponent: 'V2G',
    ca: true,
    pathLength: 1,
    keyUsage: CA_USAGE,
    validityDays: 1460,
  }),
  'cpo-subca2': profile({
    role: 'cpo-subca2',
    description: 'CPO Sub-CA 2',
    issuer: 'cpo-subca1',
    commonName: fixed('CPOSubCA2'),
    domainComponent: 'V2G',
    ca: true,
    pathLength: 0,
    keyUsage: CA_USAGE,
    validityDays: 365,
  }),
  secc: profile({
    role: 'secc',
    description: 'SECC certificate (TLS server)',
    issuer: 'cpo-subca2',
    commonName: (ids) => ids.evseId,
    domainComponent: 'CPO',
    ca: false,
    keyUsage: ['digitalSignature', 'keyAgreement'],
    validityDays: 60,
  }),
  'cps-subca1': profile({
    role: 'cps-subca1',
    description: 'CPS Sub-CA 1',
    issuer: 'v2g-root',
    commonName: fixed('ProvSubCA1'),
    domainComponent: 'CPS',
    ca: true,
    pathLength: 1,
    keyUsage: CA_USAGE,
    validityDays: 1460,
  }),
  'cps-subca2': profile({
    role: 'cps-subca2',
    description: 'CPS Sub-CA 2',
    issuer: 'cps-subca1',
    commonName: fixed('ProvSubCA2'),
    domainComponent: 'CPS',
    ca: true,
    pathLength: 0,
    keyUsage: CA_USAGE,
    validityDays: 730,
  }),
  'cps-leaf': profile({
    role: 'cps-leaf',
    description: 'CPS certificate (signs CertificateInstallationRes)',
    issuer: 'cps-subca2',
    commonName: fixed('CPS Leaf'),
    domainComponent: 'CPS',
    ca: false,
    keyUsage: ['digitalSignature'],
    validityDays: 90,
  }),
  'oem-root': profile({
    role: 'oem-root',
    description: 'OEM root CA',
    issuer: null,
    commonName: fixed('OEMRootCA'),
    domainComponent: 'OEM',
    ca: true,
    keyUsage: CA_USAGE,
    validityDays: 3650,
  }),
  'oem-subca1': profile({
    role: 'oem-subca1',
    description: 'OEM Sub-CA 1',
    issuer: 'oem-root',
    commonName: fixed('OEMSubCA1'),
    domainComponent: 'OEM',
    ca: true,
    pathLength: 1,
    keyUsage: CA_USAGE,
    validityDays: 1460,
  }),
  'oem-subca2': profile({
    role: 'oem-subca2',
    description: 'OEM Sub-CA 2',
    issuer: 'oem-subca1',
    commonName: fixed('OEMSubCA2'),
    domainComponent: 'OEM',
    ca: true,
    pathLength: 0,
    keyUsage: CA_USAGE,
    validityDays: 1460,
  }),
  'oem-prov': profile({
    role: 'oem-prov',
    description: 'OEM provisioning certificate (EV; -20 TLS client)',
    issuer: 'oem-subca2',
    commonName: (ids) => ids.pcid,
    domainComponent: 'OEM',
    ca: false,
    keyUsage: ['digitalSignature', 'keyAgreement'],
    validityDays: 1460,
  }),
  'mo-root': profile({
    role: 'mo-root',
    description: 'MO root CA',
    issuer: null,
    commonName: fixed('MORootCA'),
    domainComponent: 'MO',
    ca: true,
    keyUsage: CA_USAGE,
    validityDays: 3650,
  }),
  'mo-subca1': profile({
    role: 'mo-subca1',
    description: 'MO Sub-CA 1',
    issuer: 'mo-root',
    commonName: fixed('MOSubCA1'),
    domainComponent: 'MO',
    ca: true,
    pathLength: 1,
    keyUsage: CA_USAGE,
    validityDays: 1460,
  }),
  'mo-subca2': profile({
    role: 'mo-subca2',
    description: 'MO Sub-CA 2',
    issuer: 'mo-subca1',
    commonName: fixed('MOSubCA2'),
    domainComponent: 'MO',
    ca: true,
    pathLength: 0,
    keyUsage: ['digitalSignature', 'nonRepudiation', 'keyCertSign', 'cRLSign'],
    validityDays: 1460,
  }),
  contract: profile({
    role: 'contract',
    description: 'contract certificate (EV; Plug & Charge)',
    issuer: 'mo-subca2',
    commonName: (ids) => ids.emaid,
    domainComponent: 'MO',
    ca: false,
    keyUsage: ['digitalSignature', 'nonRepudiation', 'keyEncipherment', 'keyAgreement'],
    validityDays: 730,
  }),
};

/** The issuers of a role up to its root: `chainOf('secc')` is ['secc', 'cpo-subca2', 'cpo-subca1', 'v2g-root']. */
export function chainOf(role: PkiRole): PkiRole[] {
  const out: PkiRole[] = [];
  for (let r: PkiRole | null = role; r !== null; r = CERTIFICATE_PROFILES[r].issuer) out.push(r);
  return out;
}

// ------------------------------------------------------------------------------ identities

export const DEFAULT_EVSE_ID = 'DE*V2X*E12345*1';
export const DEFAULT_EMAID = 'DEV2XC12345678';
export const DEFAULT_PCID = 'OEMProvCert';
export const DEFAULT_ORGANIZATION = 'v2xsim';
export const DEFAULT_COUNTRY = 'DE';

/**
 * An eMAID as the contract certificate's CN and the ISO 15118-2 `eMAIDType` (14-15 characters)
 * carry it: no separators; country code (2 letters), provider ID (3), ID type and instance (9),
 * optional check digit (1).
 */
export const EMAID_PATTERN = /^[A-Za-z]{2}[A-Za-z0-9]{12,13}$/;

export function checkEmaid(emaid: string): string {
  if (!EMAID_PATTERN.test(emaid)) {
    const why =
      emaid.length < 14 || emaid.length > 15
        ? `it has ${emaid.length} characters`
        : 'it has a character that is not a letter or digit, or does not start with a 2-letter country code';
    throw new PkiError(
      'BAD_EMAID',
      `invalid eMAID '${emaid}': ${why}; an eMAID is 14 or 15 letters and digits without separators (country 2, provider 3, ID 9, optional check digit), e.g. ${DEFAULT_EMAID}`,
    );
  }
  return emaid;
}

/** A CN, O: 1-64 printable characters (RFC 5280 ub-common-name), no control characters. */
export function checkNameValue(what: string, value: string, min = 1, max = 64): string {
  // eslint-disable-next-line no-control-regex
  if (value.length < min || value.length > max || /[\u0000-\u001f\u007f]/.test(value)) {
    throw new PkiError('BAD_OPTION', `invalid ${what} '${value}': it must be ${min}-${max} characters without control characters`);
  }
  return value;
}

export function checkCountry(country: string): string {
  if (!/^[A-Z]{2}$/.test(country)) throw new PkiError('BAD_OPTION', `invalid country '${country}': an ISO 3166-1 alpha-2 code such as DE`);
  return country;
}

export function checkCurve(curve: string): PkiCurve {
  if (!(PKI_CURVES as readonly string[]).includes(curve)) {
    throw new PkiError('BAD_CURVE', `unsupported curve '${curve}': use ${PKI_CURVES.join(' (ISO 15118-2) or ')} (ISO 15118-20)`);
  }
  return curve as PkiCurve;
}
