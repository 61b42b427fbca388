/**
 * The ISO 15118 V2G PKI: certificate profiles (ISO 15118-2 Annex F; -20 on P-521), generation of
 * the V2G/CPO, CPS, OEM and MO chains, the on-disk layout, chain validation, and the raw ECDSA
 * signatures of ISO 15118 XML signatures. See docs/pki.md.
 */
export { PkiError, isPkiError } from './errors.js';
export type { PkiErrorCode } from './errors.js';
export {
  CERTIFICATE_PROFILES,
  CURVE_HASH,
  DEFAULT_COUNTRY,
  DEFAULT_EMAID,
  DEFAULT_EVSE_ID,
  DEFAULT_ORGANIZATION,
  DEFAULT_PCID,
  EMAID_PATTERN,
  KEY_USAGE_BITS,
  PKI_CURVES,
  PKI_LEAF_ROLES,
  PKI_ROLES,
  chainOf,
  checkCurve,
  checkEmaid,
} from './profiles.js';
export type { CertificateProfile, KeyUsageName, PkiCurve, PkiIdentities, PkiLeafRole, PkiRole } from './profiles.js';
export { certificateDer, certificatePem, certificatesDer, parseCertificate, splitPemCertificates } from './cert.js';
export type { CertInput, CertificateInfo } from './cert.js';
export { ecdsaHashForKey, signEcdsaRaw, verifyEcdsaRaw } from './ecdsa.js';
export type { EcdsaHash, PrivateKeyInput, PublicKeyInput } from './ecdsa.js';
export { generateEcKeyPair, generatePki, issueCertificate, leafChainPem, randomSerialNumber } from './generate.js';
export type { GeneratePkiOptions, GeneratedCertificate, GeneratedPki, IssueCertificateOptions, IssuedCertificate } from './generate.js';
export { PKI_MANIFEST_FILE, PKI_MANIFEST_FORMAT, initPki, loadPki, pkiManifest, pkiRoleFiles } from './files.js';
export type {
  InitPkiOptions,
  InitPkiResult,
  LoadPkiOptions,
  LoadedCertificate,
  LoadedLeaf,
  LoadedPki,
  PkiManifest,
  PkiManifestEntry,
  PkiRoleFiles,
} from './files.js';
export { verifyChain } from './verify.js';
export type { ChainFailure, ChainResult, ChainStatus, VerifyChainOptions } from './verify.js';
