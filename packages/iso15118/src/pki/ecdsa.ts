// ECDSA for the XML signatures of ISO 15118 messages. The SignatureValue element carries r||s
// (IEEE P1363: 64 bytes on P-256, 132 on P-521), not the DER SEQUENCE X.509 and TLS use.
import { X509Certificate, createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { PkiError } from './errors.js';

/** The digest of an ECDSA signature. */
export type EcdsaHash = 'SHA-256' | 'SHA-384' | 'SHA-512';

/** A private key: PKCS#8 or SEC1 PEM, or a KeyObject. */
export type PrivateKeyInput = string | KeyObject;

/** A public key: a certificate (PEM or DER), an SPKI public key PEM, or a KeyObject. */
export type PublicKeyInput = string | Uint8Array | KeyObject;

const HASH_OF_CURVE: Readonly<Record<string, EcdsaHash>> = {
  prime256v1: 'SHA-256',
  secp256r1: 'SHA-256',
  secp384r1: 'SHA-384',
  secp521r1: 'SHA-512',
};

/** r||s length in bytes per curve. */
const RAW_SIGNATURE_LENGTH: Readonly<Record<string, number>> = { prime256v1: 64, secp256r1: 64, secp384r1: 96, secp521r1: 132 };

const nodeHash = (hash: EcdsaHash): string => hash.replace('-', '').toLowerCase();

function ecCurveOf(key: KeyObject): string {
  const curve = key.asymmetricKeyType === 'ec' ? key.asymmetricKeyDetails?.namedCurve : undefined;
  if (curve === undefined) throw new PkiError('MALFORMED', `not an EC key (${key.asymmetricKeyType ?? 'unknown type'})`);
  return curve;
}

/** The digest ISO 15118 pairs with the key's curve: SHA-256 on P-256 (-2), SHA-512 on P-521 (-20). */
export function ecdsaHashForKey(key: KeyObject): EcdsaHash {
  const curve = ecCurveOf(key);
  const hash = HASH_OF_CURVE[curve];
  if (!hash) throw new PkiError('MALFORMED', `unsupported curve ${curve}`);
  return hash;
}

function privateKeyOf(input: PrivateKeyInput): KeyObject {
  if (typeof input !== 'string') return input;
  try {
    return createPrivateKey(input);
  } catch (err) {
    throw new PkiError('MALFORMED', `not a private key: ${err instanceof Error ? err.message : String(err)}`);
  }
}

function publicKeyOf(input: PublicKeyInput): KeyObject {
  if (typeof input !== 'string' && !(input instanceof Uint8Array)) return input.type === 'private' ? createPublicKey(input) : input;
  try {
    if (input instanceof Uint8Array || input.includes('-----BEGIN CERTIFICATE-----')) return new X509Certificate(input).publicKey;
    return createPublicKey(input);
  } catch (err) {
    throw new PkiError('MALFORMED', `not a certificate or public key: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/**
 * Signs `data` with ECDSA and returns the raw r||s signature (IEEE P1363), as the ISO 15118
 * SignatureValue carries it. The digest defaults to the one of the key's curve (SHA-256 on
 * P-256, SHA-512 on P-521). ECDSA signatures are randomised: two calls give different bytes.
 */
export function signEcdsaRaw(privateKey: PrivateKeyInput, data: Uint8Array, hash?: EcdsaHash): Uint8Array {
  const key = privateKeyOf(privateKey);
  const sig = sign(nodeHash(hash ?? ecdsaHashForKey(key)), data, { key, dsaEncoding: 'ieee-p1363' });
  return new Uint8Array(sig.buffer, sig.byteOffset, sig.byteLength);
}

/**
 * Checks a raw r||s ECDSA signature over `data` with the public key of a certificate (PEM or DER)
 * or a public key. False for a wrong signature, including one of the wrong length.
 */
export function verifyEcdsaRaw(publicKey: PublicKeyInput, data: Uint8Array, signature: Uint8Array, hash?: EcdsaHash): boolean {
  const key = publicKeyOf(publicKey);
  const expected = RAW_SIGNATURE_LENGTH[ecCurveOf(key)];
  if (expected !== undefined && signature.byteLength !== expected) return false;
  return verify(nodeHash(hash ?? ecdsaHashForKey(key)), data, { key, dsaEncoding: 'ieee-p1363' }, signature);
}
