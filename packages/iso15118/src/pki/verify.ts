// Certificate path validation for ISO 15118: the EVCC checks the SECC chain against its V2G roots,
// the SECC checks a contract chain against its MO roots (and, under -20, the OEM provisioning
// chain against the OEM roots). RFC 5280 path building, restricted to what the V2G profiles use:
// names, signatures, validity, basicConstraints (cA, pathLen) and keyUsage; no CRL/OCSP.
import { parseCertificate, toDerList, type CertInput, type CertificateInfo } from './cert.js';
import { PkiError } from './errors.js';
import type { KeyUsageName } from './profiles.js';

/** Why a chain was rejected. */
export type ChainFailure =
  /** No path from the leaf to one of the trust anchors (unknown root, missing Sub-CA). */
  | 'untrusted'
  /** A certificate of the path (leaf, Sub-CA or root) is past its notAfter. */
  | 'expired'
  /** A certificate of the path is before its notBefore. */
  | 'not-yet-valid'
  /** A certificate names an issuer that is there, but the issuer's key did not sign it. */
  | 'bad-signature'
  /** The leaf lacks a key usage it needs, or a CA lacks keyCertSign. */
  | 'wrong-key-usage'
  /** An issuing certificate is not a CA (basicConstraints cA false or absent). */
  | 'not-a-ca'
  /** More Sub-CAs below a CA than its pathLenConstraint allows. */
  | 'path-too-long'
  /** The leaf's subject does not match what was asked (e.g. DC=CPO for an SECC certificate). */
  | 'wrong-subject'
  /** A certificate does not parse. */
  | 'malformed';

export type ChainStatus = 'ok' | ChainFailure;

export type ChainResult =
  | {
      readonly ok: true;
      readonly status: 'ok';
      /** The validated path: leaf, Sub-CAs, trust anchor. */
      readonly path: readonly CertificateInfo[];
    }
  | {
      readonly ok: false;
      readonly status: ChainFailure;
      readonly message: string;
      /** Subject of the certificate the check failed on, where there is one. */
      readonly subject?: string;
    };

export interface VerifyChainOptions {
  /** The time to check validity at (default: now). */
  readonly at?: Date;
  /** Key usages the leaf must have (default ['digitalSignature']); [] to skip. */
  readonly leafKeyUsage?: readonly KeyUsageName[];
  /** The domainComponent the leaf's subject must have, e.g. 'CPO' (SECC), 'MO' (contract), 'OEM'. */
  readonly leafDomainComponent?: string;
  /**
   * Most Sub-CAs between leaf and anchor (default 4, as many as an ISO 15118-2 SubCertificates
   * element holds; -20's holds 3). The V2G PKI itself has 2, which pathLen enforces.
   */
  readonly maxIntermediates?: number;
}

const fail = (status: ChainFailure, message: string, cert?: CertificateInfo): ChainResult =>
  cert ? { ok: false, status, message, subject: cert.subject } : { ok: false, status, message };

const sameDer = (a: CertificateInfo, b: CertificateInfo): boolean => Buffer.compare(a.der, b.der) === 0;

/**
 * `issuer` may have issued `cert`: its subject is cert's issuer name and, where both are present,
 * its subjectKeyIdentifier is cert's authorityKeyIdentifier. (Not Node's checkIssued: that also
 * rejects an issuer without keyCertSign, which is reported as wrong-key-usage here.)
 */
const namesIssuer = (cert: CertificateInfo, issuer: CertificateInfo): boolean =>
  cert.issuer === issuer.subject &&
  (cert.authorityKeyId === undefined || issuer.subjectKeyId === undefined || cert.authorityKeyId === issuer.subjectKeyId);

const signedBy = (cert: CertificateInfo, issuer: CertificateInfo): boolean => {
  try {
    return cert.node.verify(issuer.publicKey);
  } catch {
    return false;
  }
};

function parseAll(input: CertInput | readonly CertInput[]): CertificateInfo[] {
  return toDerList(input).map((der) => parseCertificate(der));
}

/**
 * Checks that `leaf` chains up to one of `trustAnchors` through `chain` (the Sub-CAs, in any order;
 * a root among them is ignored unless it is also a trust anchor), that every certificate of the path
 * is valid at `at`, and that the CA and key-usage constraints hold. Takes PEM text (bundles allowed)
 * or DER bytes. Never throws for bad input: a certificate that does not parse gives `malformed`.
 *
 * The fourth argument is the time to check at, or the options.
 */
export function verifyChain(
  leaf: CertInput,
  chain: CertInput | readonly CertInput[],
  trustAnchors: CertInput | readonly CertInput[],
  atOrOptions?: Date | VerifyChainOptions,
): ChainResult {
  const opts: VerifyChainOptions = atOrOptions instanceof Date ? { at: atOrOptions } : (atOrOptions ?? {});
  const at = opts.at ?? new Date();
  const maxIntermediates = opts.maxIntermediates ?? 4;

  let leafInfo: CertificateInfo;
  let intermediates: CertificateInfo[];
  let anchors: CertificateInfo[];
  try {
    leafInfo = parseCertificate(leaf);
    intermediates = parseAll(chain);
    anchors = parseAll(trustAnchors);
  } catch (err) {
    if (err instanceof PkiError) return fail('malformed', err.message);
    throw err;
  }
  if (anchors.length === 0) return fail('untrusted', 'no trust anchors given');

  // Build the path leaf → anchor. At each step prefer a trust anchor, then an unused intermediate.
  const path: CertificateInfo[] = [leafInfo];
  const used = new Set<CertificateInfo>();
  let anchored = anchors.some((a) => sameDer(a, leafInfo));
  while (!anchored) {
    const cur = path[path.length - 1]!;
    const anchorCandidates = anchors.filter((a) => namesIssuer(cur, a));
    const anchor = anchorCandidates.find((a) => signedBy(cur, a));
    if (anchor) {
      path.push(anchor);
      anchored = true;
      break;
    }
    const candidates = intermediates.filter((c) => !used.has(c) && !sameDer(c, cur) && namesIssuer(cur, c));
    const next = candidates.find((c) => signedBy(cur, c));
    if (!next) {
      if (anchorCandidates.length > 0 || candidates.length > 0) {
        return fail('bad-signature', `the signature of '${cur.subject}' does not verify with the key of its issuer '${cur.issuer}'`, cur);
      }
      return fail(
        'untrusted',
        path.length === 1 && intermediates.length === 0
          ? `no trust anchor issued '${cur.subject}' (issuer '${cur.issuer}')`
          : `no trust anchor or Sub-CA in the chain issued '${cur.subject}' (issuer '${cur.issuer}')`,
        cur,
      );
    }
    used.add(next);
    path.push(next);
    if (path.length - 1 > maxIntermediates) {
      return fail('path-too-long', `more than ${maxIntermediates} Sub-CAs between the leaf and a trust anchor`, next);
    }
  }

  // Validity of every certificate, leaf first.
  for (const cert of path) {
    if (at.getTime() > cert.notAfter.getTime()) {
      return fail('expired', `'${cert.subject}' expired on ${cert.notAfter.toISOString()} (checked at ${at.toISOString()})`, cert);
    }
    if (at.getTime() < cert.notBefore.getTime()) {
      return fail('not-yet-valid', `'${cert.subject}' is valid only from ${cert.notBefore.toISOString()} (checked at ${at.toISOString()})`, cert);
    }
  }

  // Issuers: CA, keyCertSign, path length (Sub-CAs below them, not counting the leaf).
  for (let i = 1; i < path.length; i++) {
    const ca = path[i]!;
    if (!ca.ca) return fail('not-a-ca', `'${ca.subject}' issued a certificate but is not a CA (basicConstraints)`, ca);
    if (ca.keyUsage && !ca.keyUsage.includes('keyCertSign')) {
      return fail('wrong-key-usage', `'${ca.subject}' issued a certificate but its keyUsage lacks keyCertSign`, ca);
    }
    const below = i - 1;
    if (ca.pathLength !== undefined && below > ca.pathLength) {
      return fail('path-too-long', `'${ca.subject}' allows ${ca.pathLength} Sub-CAs below it (pathLen) but has ${below}`, ca);
    }
  }

  // The leaf.
  const missing = (opts.leafKeyUsage ?? ['digitalSignature']).filter((u) => leafInfo.keyUsage !== undefined && !leafInfo.keyUsage.includes(u));
  if (missing.length > 0) return fail('wrong-key-usage', `'${leafInfo.subject}' lacks keyUsage ${missing.join(', ')}`, leafInfo);
  if (opts.leafDomainComponent !== undefined && leafInfo.domainComponent !== opts.leafDomainComponent) {
    return fail(
      'wrong-subject',
      `'${leafInfo.subject}' has DC=${leafInfo.domainComponent ?? '(none)'}, expected DC=${opts.leafDomainComponent}`,
      leafInfo,
    );
  }
  return { ok: true, status: 'ok', path };
}
