// XML signatures over EXI fragments (ISO 15118-2 Annex J; -20 the same way): each signed element
// is EXI-encoded as a fragment of the message schema and hashed into a Reference; SignedInfo is
// EXI-encoded as a fragment of xmldsig alone and signed with ECDSA, the signature value being the
// raw r||s, not DER. The hash follows the key's curve: SHA-256 on P-256 (-2), SHA-512 on P-521 (-20).
import { createHash, createPrivateKey } from 'node:crypto';
import { getCodec, type ExiCodec } from '@v2xsim/exi';
import type { Iso2 } from '@v2xsim/exi';
import { ecdsaHashForKey, signEcdsaRaw, verifyEcdsaRaw, type EcdsaHash } from '../pki/ecdsa.js';

export const EXI_C14N = 'http://www.w3.org/TR/canonical-exi/';
export const ECDSA_SHA256 = 'http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256';
export const SHA256 = 'http://www.w3.org/2001/04/xmlenc#sha256';
export const ECDSA_SHA384 = 'http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384';
export const SHA384 = 'http://www.w3.org/2001/04/xmldsig-more#sha384';
export const ECDSA_SHA512 = 'http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha512';
export const SHA512 = 'http://www.w3.org/2001/04/xmlenc#sha512';

const ALGORITHMS: Readonly<Record<EcdsaHash, { signature: string; digest: string; node: string }>> = {
  'SHA-256': { signature: ECDSA_SHA256, digest: SHA256, node: 'sha256' },
  'SHA-384': { signature: ECDSA_SHA384, digest: SHA384, node: 'sha384' },
  'SHA-512': { signature: ECDSA_SHA512, digest: SHA512, node: 'sha512' },
};
const hashOf = (uri: string, kind: 'signature' | 'digest'): EcdsaHash | undefined =>
  (Object.keys(ALGORITHMS) as EcdsaHash[]).find((h) => ALGORITHMS[h][kind] === uri);

/** One signed element: its Id attribute value and the element as a fragment, e.g. `{ AuthorizationReq: {...} }`. */
export interface SignedElement {
  id: string;
  fragment: object;
}

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

function digest(codec: ExiCodec, fragment: object, hash: EcdsaHash): string {
  return createHash(ALGORITHMS[hash].node).update(codec.encodeFragment(fragment)).digest('hex');
}

/** Signs elements of a message of `codecId` ('iso2', 'iso20-cm', …) with a private key (PEM). */
export function signElements(codecId: string, elements: readonly SignedElement[], privateKeyPem: string): Iso2.SignatureType {
  const codec = getCodec(codecId);
  const key = createPrivateKey(privateKeyPem);
  const hash = ecdsaHashForKey(key);
  const signedInfo: Iso2.SignedInfoType = {
    CanonicalizationMethod: { Algorithm: EXI_C14N },
    SignatureMethod: { Algorithm: ALGORITHMS[hash].signature },
    Reference: elements.map((e) => ({
      URI: `#${e.id}`,
      Transforms: { Transform: [{ Algorithm: EXI_C14N }] },
      DigestMethod: { Algorithm: ALGORITHMS[hash].digest },
      DigestValue: digest(codec, e.fragment, hash),
    })),
  };
  const value = signEcdsaRaw(key, getCodec('xmldsig').encodeFragment({ SignedInfo: signedInfo }), hash);
  return { SignedInfo: signedInfo, SignatureValue: { CONTENT: hex(value) } };
}

export type SignatureCheck = { ok: true } | { ok: false; reason: string };

/**
 * Checks a Signature: every Reference must point to one of `elements` (by Id) with the right
 * digest, and SignatureValue must verify with the signer's certificate (PEM or DER).
 */
export function verifyElements(codecId: string, signature: Iso2.SignatureType, elements: readonly SignedElement[], signerCert: string | Uint8Array): SignatureCheck {
  const codec = getCodec(codecId);
  const si = signature.SignedInfo;
  const hash = hashOf(si.SignatureMethod.Algorithm, 'signature');
  if (!hash) return { ok: false, reason: `signature method ${si.SignatureMethod.Algorithm}` };
  const byId = new Map(elements.map((e) => [e.id, e]));
  for (const e of elements) {
    if (!si.Reference.some((r) => r.URI === `#${e.id}`)) return { ok: false, reason: `element #${e.id} is not signed` };
  }
  for (const ref of si.Reference) {
    const el = ref.URI?.startsWith('#') ? byId.get(ref.URI.slice(1)) : undefined;
    if (!el) return { ok: false, reason: `reference ${ref.URI ?? '(none)'} points to no signed element` };
    const digestHash = hashOf(ref.DigestMethod.Algorithm, 'digest');
    if (!digestHash) return { ok: false, reason: `digest method ${ref.DigestMethod.Algorithm}` };
    let value: string;
    try {
      value = digest(codec, el.fragment, digestHash);
    } catch (e) {
      return { ok: false, reason: `#${el.id}: ${String(e)}` };
    }
    if (ref.DigestValue.toLowerCase() !== value) return { ok: false, reason: `digest of #${el.id} does not match` };
  }
  let data: Uint8Array;
  try {
    data = getCodec('xmldsig').encodeFragment({ SignedInfo: si });
  } catch (e) {
    return { ok: false, reason: `SignedInfo: ${String(e)}` };
  }
  const key = typeof signerCert === 'string' ? signerCert : `-----BEGIN CERTIFICATE-----\n${Buffer.from(signerCert).toString('base64')}\n-----END CERTIFICATE-----\n`;
  try {
    return verifyEcdsaRaw(key, data, Buffer.from(signature.SignatureValue.CONTENT, 'hex'), hash) ? { ok: true } : { ok: false, reason: 'signature value does not verify' };
  } catch (e) {
    return { ok: false, reason: `signer certificate: ${String(e)}` };
  }
}
