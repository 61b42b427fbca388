// The PKI on disk: `initPki` writes the generated chains as PEM files plus a pki.json manifest,
// `loadPki` reads a folder in that layout back (generated, or third-party certificates put there).
import { mkdir, readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { parseCertificate, splitPemCertificates, type CertificateInfo } from './cert.js';
import { PkiError } from './errors.js';
import { generatePki, leafChainPem, resolvePkiOptions, type GeneratePkiOptions, type GeneratedPki } from './generate.js';
import {
  CERTIFICATE_PROFILES,
  CURVE_HASH,
  PKI_LEAF_ROLES,
  PKI_ROLES,
  checkCurve,
  chainOf,
  type KeyUsageName,
  type PkiCurve,
  type PkiIdentities,
  type PkiLeafRole,
  type PkiRole,
} from './profiles.js';

export const PKI_MANIFEST_FILE = 'pki.json';
export const PKI_MANIFEST_FORMAT = 'v2xsim-pki/1';

/** Where a role's files live, relative to the PKI folder. */
export interface PkiRoleFiles {
  /** The certificate (PEM). For roots it may hold several certificates (extra trust anchors). */
  readonly cert: string;
  /** The private key (PKCS#8 PEM). */
  readonly key: string;
  /** Leaves only: leaf + Sub-CA 2 + Sub-CA 1 (PEM), the chain the holder presents. */
  readonly chain?: string;
}

const isLeaf = (role: PkiRole): role is PkiLeafRole => (PKI_LEAF_ROLES as readonly string[]).includes(role);

/**
 * The layout: CAs in one folder per PKI (`v2g/root.pem`, `cpo/subca1.pem`, `mo/subca2.key.pem`),
 * leaves in one folder each (`secc/cert.pem`, `secc/key.pem`, `secc/chain.pem`).
 */
export function pkiRoleFiles(role: PkiRole): PkiRoleFiles {
  if (isLeaf(role)) return { cert: `${role}/cert.pem`, key: `${role}/key.pem`, chain: `${role}/chain.pem` };
  const [pki, name] = role.split('-') as [string, string];
  return { cert: `${pki}/${name}.pem`, key: `${pki}/${name}.key.pem` };
}

export interface PkiManifestEntry {
  readonly role: PkiRole;
  readonly description: string;
  readonly subject: string;
  readonly commonName: string;
  readonly issuer: string;
  /** Lowercase hex. */
  readonly serialNumber: string;
  /** ISO 8601. */
  readonly notBefore: string;
  readonly notAfter: string;
  readonly ca: boolean;
  readonly pathLength?: number;
  readonly keyUsage: readonly KeyUsageName[];
  /** Files, relative to the folder. */
  readonly cert: string;
  readonly key: string;
  readonly chain?: string;
}

/** pki.json: what each file is. */
export interface PkiManifest {
  readonly format: typeof PKI_MANIFEST_FORMAT;
  readonly createdAt: string;
  readonly curve: PkiCurve;
  /** Certificate signature algorithm: ecdsa-with-SHA256 (P-256) or ecdsa-with-SHA512 (P-521). */
  readonly signatureAlgorithm: string;
  readonly identities: PkiIdentities;
  readonly organization: string;
  readonly country: string;
  readonly certificates: readonly PkiManifestEntry[];
}

/** The manifest of a generated PKI. */
export function pkiManifest(pki: GeneratedPki): PkiManifest {
  return {
    format: PKI_MANIFEST_FORMAT,
    createdAt: pki.createdAt.toISOString(),
    curve: pki.curve,
    signatureAlgorithm: `ecdsa-with-${CURVE_HASH[pki.curve].replace('-', '')}`,
    identities: pki.identities,
    organization: pki.organization,
    country: pki.country,
    certificates: PKI_ROLES.map((role) => {
      const { info, profile } = pki.certificates[role];
      const files = pkiRoleFiles(role);
      return {
        role,
        description: profile.description,
        subject: info.subject,
        commonName: info.commonName ?? '',
        issuer: info.issuer,
        serialNumber: info.serialNumber,
        notBefore: info.notBefore.toISOString(),
        notAfter: info.notAfter.toISOString(),
        ca: info.ca,
        ...(info.pathLength !== undefined ? { pathLength: info.pathLength } : {}),
        keyUsage: info.keyUsage ?? [],
        cert: files.cert,
        key: files.key,
        ...(files.chain !== undefined ? { chain: files.chain } : {}),
      };
    }),
  };
}

async function statOrUndefined(path: string) {
  try {
    return await stat(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

export interface InitPkiOptions extends GeneratePkiOptions {
  /** The folder to write; created if missing. */
  readonly out: string;
  /** Write into a non-empty folder, replacing the PKI files there (other files stay). */
  readonly force?: boolean;
}

export interface InitPkiResult {
  /** The folder, absolute. */
  readonly dir: string;
  readonly manifest: PkiManifest;
  readonly pki: GeneratedPki;
}

/**
 * Generates the V2G PKI (see generatePki) and writes it to `out` in the pkiRoleFiles layout, with
 * pki.json. Keys are unencrypted PKCS#8 PEM, mode 0600. Refuses (PkiError OUT_EXISTS) a folder
 * that is not empty unless `force`; bad options fail (PkiError BAD_*) before anything is written.
 */
export async function initPki(opts: InitPkiOptions): Promise<InitPkiResult> {
  resolvePkiOptions(opts);
  const dir = resolve(opts.out);
  const st = await statOrUndefined(dir);
  if (st && !st.isDirectory()) throw new PkiError('OUT_EXISTS', `${dir} exists and is not a folder`);
  if (st && !opts.force && (await readdir(dir)).length > 0) {
    throw new PkiError('OUT_EXISTS', `${dir} is not empty; refusing to overwrite it (use force / --force to write into it anyway)`);
  }
  const pki = await generatePki(opts);
  const manifest = pkiManifest(pki);
  const files: [string, string, number][] = [];
  for (const role of PKI_ROLES) {
    const { certPem, keyPem } = pki.certificates[role];
    const paths = pkiRoleFiles(role);
    files.push([paths.cert, certPem, 0o644], [paths.key, keyPem, 0o600]);
    if (paths.chain !== undefined) files.push([paths.chain, leafChainPem(pki, role as PkiLeafRole), 0o644]);
  }
  files.push([PKI_MANIFEST_FILE, JSON.stringify(manifest, null, 2) + '\n', 0o644]);
  for (const [rel, text, mode] of files) {
    const path = join(dir, rel);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, text, { mode });
  }
  return { dir, manifest, pki };
}

// ------------------------------------------------------------------------------ loading

export interface LoadedCertificate {
  readonly role: PkiRole;
  /** The file's text: for roots possibly several certificates (all of them trust anchors). */
  readonly certPem: string;
  /** The first certificate of certPem. */
  readonly info: CertificateInfo;
  readonly keyPem: string | undefined;
  /** Absolute paths. */
  readonly certFile: string;
  readonly keyFile: string | undefined;
}

/** A leaf with what its holder needs for TLS and for ISO 15118 messages. */
export interface LoadedLeaf extends LoadedCertificate {
  readonly keyPem: string;
  /** Leaf + Sub-CA 2 + Sub-CA 1, concatenated PEM (TLS `cert`). */
  readonly chainPem: string;
  /** The leaf, one PEM. */
  readonly leafPem: string;
  /** The Sub-CAs after the leaf (Sub-CA 2, Sub-CA 1): the SubCertificates of ISO 15118 messages. */
  readonly subCaPems: readonly string[];
}

export interface LoadedPki {
  /** The folder, absolute. */
  readonly dir: string;
  /** pki.json, when there is one (a folder of third-party certificates may have none). */
  readonly manifest: PkiManifest | undefined;
  readonly curve: PkiCurve | undefined;
  /** Every certificate file found, by role. */
  readonly certificates: Partial<Record<PkiRole, LoadedCertificate>>;
  /** Trust anchors, PEM (each may be a bundle): V2G roots (EVCC, -2 TLS), OEM roots (SECC, -20 TLS), MO roots (SECC, contracts). */
  readonly roots: { readonly v2g?: string; readonly oem?: string; readonly mo?: string };
  /** SECC certificate + key + chain (the EVSE's TLS server identity). */
  readonly secc?: LoadedLeaf;
  /** CPS certificate + key + chain (signs CertificateInstallationRes). */
  readonly cpsLeaf?: LoadedLeaf;
  /** OEM provisioning certificate + key + chain (the EV; -20 TLS client identity). */
  readonly oemProv?: LoadedLeaf;
  /** Contract certificate + key + chain (the EV; Plug & Charge). */
  readonly contract?: LoadedLeaf;
}

export interface LoadPkiOptions {
  /** Roles that must be there, each with its key where it is a leaf (PkiError NOT_FOUND otherwise). */
  readonly require?: readonly PkiRole[];
}

/** Without a manifest: the curve of the V2G or OEM root or SECC key, if it is one the generator knows. */
function curveOf(certificates: Partial<Record<PkiRole, LoadedCertificate>>): PkiCurve | undefined {
  const curve = (certificates['v2g-root'] ?? certificates.secc ?? certificates['oem-root'])?.info.curve;
  return curve === 'P-256' || curve === 'P-521' ? curve : undefined;
}

async function readText(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'EISDIR') return undefined;
    throw err;
  }
}

function isManifest(value: unknown): value is PkiManifest {
  const m = value as Partial<PkiManifest> | null;
  return !!m && typeof m === 'object' && m.format === PKI_MANIFEST_FORMAT && Array.isArray(m.certificates);
}

/**
 * Reads a PKI folder in the pkiRoleFiles layout: every certificate, key and chain file that is
 * there (pki.json optional; file names from it take precedence). A leaf's chain is its chain.pem,
 * or else the leaf plus its Sub-CA files. Throws PkiError NOT_FOUND for a missing folder or a
 * required role, MALFORMED for a file that does not parse.
 */
export async function loadPki(dir: string, opts: LoadPkiOptions = {}): Promise<LoadedPki> {
  const root = resolve(dir);
  const st = await statOrUndefined(root);
  if (!st?.isDirectory()) throw new PkiError('NOT_FOUND', `no PKI folder at ${root}`);

  let manifest: PkiManifest | undefined;
  const manifestText = await readText(join(root, PKI_MANIFEST_FILE));
  if (manifestText !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(manifestText);
    } catch (err) {
      throw new PkiError('MALFORMED', `${join(root, PKI_MANIFEST_FILE)}: ${err instanceof Error ? err.message : String(err)}`);
    }
    if (!isManifest(parsed)) throw new PkiError('MALFORMED', `${join(root, PKI_MANIFEST_FILE)} is not a ${PKI_MANIFEST_FORMAT} manifest`);
    manifest = parsed;
  }
  const filesOf = (role: PkiRole): PkiRoleFiles => {
    const entry = manifest?.certificates.find((c) => c.role === role);
    return entry ? { cert: entry.cert, key: entry.key, ...(entry.chain !== undefined ? { chain: entry.chain } : {}) } : pkiRoleFiles(role);
  };
  const parse = (file: string, text: string): CertificateInfo => {
    try {
      return parseCertificate(text);
    } catch (err) {
      throw new PkiError('MALFORMED', `${file}: ${err instanceof Error ? err.message : String(err)}`);
    }
  };

  const certificates: Partial<Record<PkiRole, LoadedCertificate>> = {};
  const chains: Partial<Record<PkiLeafRole, string>> = {};
  for (const role of PKI_ROLES) {
    const files = filesOf(role);
    const certFile = join(root, files.cert);
    const keyFile = join(root, files.key);
    const chainFile = files.chain === undefined ? undefined : join(root, files.chain);
    const chainText = chainFile === undefined ? undefined : await readText(chainFile);
    let certPem = await readText(certFile);
    if (certPem === undefined && chainText !== undefined) certPem = splitPemCertificates(chainText)[0];
    if (certPem === undefined) continue;
    const keyPem = await readText(keyFile);
    certificates[role] = { role, certPem, info: parse(certFile, certPem), keyPem, certFile, keyFile: keyPem === undefined ? undefined : keyFile };
    if (chainText !== undefined && isLeaf(role)) {
      if (splitPemCertificates(chainText).length === 0) throw new PkiError('MALFORMED', `${chainFile}: no certificates`);
      chains[role] = chainText;
    }
  }

  const leaf = (role: PkiLeafRole): LoadedLeaf | undefined => {
    const cert = certificates[role];
    if (!cert?.keyPem) return undefined;
    let chainPem = chains[role];
    if (chainPem === undefined) {
      chainPem = chainOf(role)
        .filter((r) => CERTIFICATE_PROFILES[r].issuer !== null)
        .map((r) => (r === role ? cert.info.pem : certificates[r] ? certificates[r].info.pem : ''))
        .join('');
    }
    const [leafPem, ...subCaPems] = splitPemCertificates(chainPem);
    return { ...cert, keyPem: cert.keyPem, chainPem, leafPem: leafPem ?? cert.info.pem, subCaPems };
  };

  const missing = (opts.require ?? []).filter((role) => !certificates[role] || (isLeaf(role) && !certificates[role].keyPem));
  if (missing.length > 0) {
    const what = missing.map((role) => (certificates[role] ? filesOf(role).key : filesOf(role).cert));
    throw new PkiError('NOT_FOUND', `${root}: missing ${what.join(', ')}`);
  }

  const secc = leaf('secc');
  const cpsLeaf = leaf('cps-leaf');
  const oemProv = leaf('oem-prov');
  const contract = leaf('contract');
  const roots: { v2g?: string; oem?: string; mo?: string } = {};
  if (certificates['v2g-root']) roots.v2g = certificates['v2g-root'].certPem;
  if (certificates['oem-root']) roots.oem = certificates['oem-root'].certPem;
  if (certificates['mo-root']) roots.mo = certificates['mo-root'].certPem;
  return {
    dir: root,
    manifest,
    curve: manifest ? checkCurve(manifest.curve) : curveOf(certificates),
    certificates,
    roots,
    ...(secc ? { secc } : {}),
    ...(cpsLeaf ? { cpsLeaf } : {}),
    ...(oemProv ? { oemProv } : {}),
    ...(contract ? { contract } : {}),
  };
}
