// PEM/DER conversion and a typed view of a certificate (names, validity, V2G-relevant extensions).
import { X509Certificate as NodeX509Certificate, type KeyObject } from 'node:crypto';
import { TAG, children, expectTag, hex, nameAttributes, nameString, oid, readTlv, smallInteger, time, type Tlv } from './der.js';
import { PkiError } from './errors.js';
import { KEY_USAGE_BITS, type KeyUsageName } from './profiles.js';

/** A certificate as PEM text (the first CERTIFICATE block counts) or as DER bytes (what EXI messages carry). */
export type CertInput = string | Uint8Array;

const PEM_BLOCK = /-----BEGIN CERTIFICATE-----([A-Za-z0-9+/=\s]*?)-----END CERTIFICATE-----/g;

const wrap64 = (b64: string): string => b64.replace(/(.{64})/g, '$1\n').replace(/\n$/, '');

/** DER bytes → PEM (`-----BEGIN CERTIFICATE-----`, 64-column base64, trailing newline). */
export function certificatePem(der: Uint8Array): string {
  const b64 = Buffer.from(der.buffer, der.byteOffset, der.byteLength).toString('base64');
  return `-----BEGIN CERTIFICATE-----\n${wrap64(b64)}\n-----END CERTIFICATE-----\n`;
}

/** The DER bytes of every CERTIFICATE block in a PEM text, in order. */
export function certificatesDer(pem: string): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const m of pem.matchAll(PEM_BLOCK)) {
    const b64 = m[1]!.replace(/\s+/g, '');
    const der = Buffer.from(b64, 'base64');
    if (der.length === 0 || der.toString('base64') !== b64) throw new PkiError('MALFORMED', 'a CERTIFICATE block is not valid base64');
    out.push(new Uint8Array(der.buffer, der.byteOffset, der.byteLength));
  }
  return out;
}

/** The DER bytes of the first certificate in a PEM text (e.g. for the Certificate elements of ISO 15118 messages). */
export function certificateDer(pem: string): Uint8Array {
  const all = certificatesDer(pem);
  if (all.length === 0) throw new PkiError('MALFORMED', 'no -----BEGIN CERTIFICATE----- block in the PEM text');
  return all[0]!;
}

/** Splits a PEM bundle (e.g. chain.pem) into one normalised PEM string per certificate. */
export function splitPemCertificates(pem: string): string[] {
  return certificatesDer(pem).map(certificatePem);
}

/** The DER of a CertInput (the first certificate of a PEM text). */
export function toDer(input: CertInput): Uint8Array {
  return typeof input === 'string' ? certificateDer(input) : input;
}

/** A list of CertInputs from a PEM bundle, one PEM/DER, or a list of them. */
export function toDerList(input: CertInput | readonly CertInput[]): Uint8Array[] {
  if (typeof input === 'string') return certificatesDer(input);
  if (input instanceof Uint8Array) return [input];
  return input.flatMap((item) => (typeof item === 'string' ? certificatesDer(item) : [item]));
}

/** A parsed certificate: the fields the V2G profiles and chain checks look at. */
export interface CertificateInfo {
  readonly pem: string;
  readonly der: Uint8Array;
  /** Distinguished name, e.g. `CN=SECCCert, O=v2xsim, C=DE, DC=CPO`. */
  readonly subject: string;
  readonly issuer: string;
  readonly commonName: string | undefined;
  readonly organization: string | undefined;
  readonly country: string | undefined;
  readonly domainComponent: string | undefined;
  /** Serial number, lowercase hex. */
  readonly serialNumber: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** basicConstraints cA (false when the extension is absent). */
  readonly ca: boolean;
  /** basicConstraints pathLenConstraint. */
  readonly pathLength: number | undefined;
  readonly basicConstraintsCritical: boolean | undefined;
  /** keyUsage bits; undefined when the extension is absent (any use allowed). */
  readonly keyUsage: readonly KeyUsageName[] | undefined;
  readonly keyUsageCritical: boolean | undefined;
  readonly subjectKeyId: string | undefined;
  readonly authorityKeyId: string | undefined;
  /** Named curve of the public key: 'P-256', 'P-384', 'P-521', or what Node reports for others. */
  readonly curve: string | undefined;
  /** Signature hash, e.g. 'SHA-256' for ecdsa-with-SHA256. */
  readonly signatureHash: string | undefined;
  /** Node's view, for signature checks (`verify`, `checkIssued`) and TLS. */
  readonly node: NodeX509Certificate;
  readonly publicKey: KeyObject;
}

const CURVE_NAMES: Readonly<Record<string, string>> = {
  prime256v1: 'P-256',
  secp256r1: 'P-256',
  secp384r1: 'P-384',
  secp521r1: 'P-521',
};

const KEY_USAGE_ORDER = Object.keys(KEY_USAGE_BITS) as KeyUsageName[];

const SIGNATURE_HASHES: Readonly<Record<string, string>> = {
  '1.2.840.10045.4.3.2': 'SHA-256',
  '1.2.840.10045.4.3.3': 'SHA-384',
  '1.2.840.10045.4.3.4': 'SHA-512',
  '1.2.840.113549.1.1.11': 'SHA-256',
  '1.2.840.113549.1.1.12': 'SHA-384',
  '1.2.840.113549.1.1.13': 'SHA-512',
};

const EXT = { basicConstraints: '2.5.29.19', keyUsage: '2.5.29.15', subjectKeyId: '2.5.29.14', authorityKeyId: '2.5.29.35' } as const;

interface Extension {
  readonly critical: boolean;
  readonly value: Uint8Array;
}

/** The fields parseCertificate reads from the DER (everything but the key, which Node parses). */
function readCertificate(der: Uint8Array) {
  const { tlv: cert, next } = readTlv(der);
  if (next !== der.length) throw new Error('trailing bytes after the certificate');
  const [tbs, sigAlg] = children(expectTag(cert, TAG.SEQUENCE, 'Certificate').content);
  const fields = children(expectTag(tbs, TAG.SEQUENCE, 'TBSCertificate').content);
  let i = fields[0]?.tag === 0xa0 ? 1 : 0; // [0] EXPLICIT version
  const serial = expectTag(fields[i++], TAG.INTEGER, 'serialNumber').content;
  i++; // signature AlgorithmIdentifier
  const issuer = nameAttributes(fields[i++]!);
  const [notBefore, notAfter] = children(expectTag(fields[i++], TAG.SEQUENCE, 'Validity').content);
  const subject = nameAttributes(fields[i++]!);
  const extensions = new Map<string, Extension>();
  for (const f of fields.slice(i + 1)) {
    if (f.tag !== 0xa3) continue; // [3] EXPLICIT Extensions
    const [list] = children(f.content);
    for (const ext of children(expectTag(list, TAG.SEQUENCE, 'Extensions').content)) {
      const parts = children(expectTag(ext, TAG.SEQUENCE, 'Extension').content);
      const id = oid(expectTag(parts[0], TAG.OID, 'extnID').content);
      const critical = parts.length === 3 && expectTag(parts[1], TAG.BOOLEAN, 'critical').content[0] !== 0;
      const value = expectTag(parts[parts.length - 1], TAG.OCTET_STRING, 'extnValue').content;
      extensions.set(id, { critical, value });
    }
  }
  const sigOid = oid(expectTag(children(expectTag(sigAlg, TAG.SEQUENCE, 'signatureAlgorithm').content)[0], TAG.OID, 'algorithm').content);
  let s = 0;
  while (s < serial.length - 1 && serial[s] === 0) s++;
  return {
    serialNumber: hex(serial.subarray(s)),
    issuer,
    subject,
    notBefore: time(notBefore!),
    notAfter: time(notAfter!),
    extensions,
    signatureHash: SIGNATURE_HASHES[sigOid],
  };
}

function basicConstraints(ext: Extension | undefined): { ca: boolean; pathLength: number | undefined } {
  if (!ext) return { ca: false, pathLength: undefined };
  const { tlv } = readTlv(ext.value);
  let ca = false;
  let pathLength: number | undefined;
  for (const item of children(expectTag(tlv, TAG.SEQUENCE, 'BasicConstraints').content)) {
    if (item.tag === TAG.BOOLEAN) ca = item.content[0] !== 0;
    else if (item.tag === TAG.INTEGER) pathLength = smallInteger(item.content);
  }
  return { ca, pathLength };
}

function keyUsage(ext: Extension | undefined): KeyUsageName[] | undefined {
  if (!ext) return undefined;
  const bits = expectTag(readTlv(ext.value).tlv, TAG.BIT_STRING, 'KeyUsage').content.subarray(1);
  return KEY_USAGE_ORDER.filter((_, i) => ((bits[i >> 3] ?? 0) & (0x80 >> (i & 7))) !== 0);
}

function subjectKeyId(ext: Extension | undefined): string | undefined {
  return ext ? hex(expectTag(readTlv(ext.value).tlv, TAG.OCTET_STRING, 'SubjectKeyIdentifier').content) : undefined;
}

function authorityKeyId(ext: Extension | undefined): string | undefined {
  if (!ext) return undefined;
  const keyId = children(expectTag(readTlv(ext.value).tlv, TAG.SEQUENCE, 'AuthorityKeyIdentifier').content).find((t: Tlv) => t.tag === 0x80);
  return keyId ? hex(keyId.content) : undefined;
}

const attr = (attrs: readonly [string, string][], key: string): string | undefined => attrs.find(([k]) => k === key)?.[1];

/** Parses a certificate (PEM or DER). Throws PkiError MALFORMED if it is not one. */
export function parseCertificate(input: CertInput): CertificateInfo {
  const der = toDer(input);
  let fields: ReturnType<typeof readCertificate>;
  let node: NodeX509Certificate;
  let bc: ReturnType<typeof basicConstraints>;
  let ku: KeyUsageName[] | undefined;
  let ski: string | undefined;
  let aki: string | undefined;
  try {
    node = new NodeX509Certificate(der);
    fields = readCertificate(der);
    bc = basicConstraints(fields.extensions.get(EXT.basicConstraints));
    ku = keyUsage(fields.extensions.get(EXT.keyUsage));
    ski = subjectKeyId(fields.extensions.get(EXT.subjectKeyId));
    aki = authorityKeyId(fields.extensions.get(EXT.authorityKeyId));
  } catch (err) {
    throw new PkiError('MALFORMED', `not an X.509 certificate: ${err instanceof Error ? err.message : String(err)}`);
  }
  const namedCurve = node.publicKey.asymmetricKeyDetails?.namedCurve;
  return {
    pem: certificatePem(der),
    der,
    subject: nameString(fields.subject),
    issuer: nameString(fields.issuer),
    commonName: attr(fields.subject, 'CN'),
    organization: attr(fields.subject, 'O'),
    country: attr(fields.subject, 'C'),
    domainComponent: attr(fields.subject, 'DC'),
    serialNumber: fields.serialNumber,
    notBefore: fields.notBefore,
    notAfter: fields.notAfter,
    ca: bc.ca,
    pathLength: bc.pathLength,
    basicConstraintsCritical: fields.extensions.get(EXT.basicConstraints)?.critical,
    keyUsage: ku,
    keyUsageCritical: fields.extensions.get(EXT.keyUsage)?.critical,
    subjectKeyId: ski,
    authorityKeyId: aki,
    curve: namedCurve === undefined ? undefined : (CURVE_NAMES[namedCurve] ?? namedCurve),
    signatureHash: fields.signatureHash,
    node,
    publicKey: node.publicKey,
  };
}
