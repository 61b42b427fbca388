// Contract key transport of CertificateInstallation/Update (ISO 15118-2 §7.9.2.4):
// the SECC side makes an ephemeral EC key, derives a shared secret with the EV's OEM provisioning
// (or old contract) public key, turns it into an AES-128 key with the NIST SP 800-56A concatenation
// KDF (SHA-256, AlgorithmID 0x01, PartyUInfo 'U', PartyVInfo 'V'), and encrypts the new contract
// private key (the raw 32-byte scalar) with AES-128-CBC, the IV in front: 48 bytes on the wire.
import { createCipheriv, createDecipheriv, createECDH, createHash, createPrivateKey, createPublicKey, randomBytes, X509Certificate } from 'node:crypto';

const CURVE = 'prime256v1';

function concatKdf(z: Buffer): Buffer {
  const otherInfo = Buffer.from([0x01, 0x55, 0x56]);
  return createHash('sha256').update(Buffer.from([0, 0, 0, 1])).update(z).update(otherInfo).digest().subarray(0, 16);
}

/** The raw 32-byte private scalar of a PEM EC private key. */
export function rawPrivateKey(pem: string): Buffer {
  const jwk = createPrivateKey(pem).export({ format: 'jwk' });
  return Buffer.from(jwk.d!, 'base64url');
}

/** The uncompressed public point (65 bytes, 0x04 || X || Y) of a certificate or public key. */
export function rawPublicKey(certOrKeyPem: string): Buffer {
  const key = certOrKeyPem.includes('CERTIFICATE') ? new X509Certificate(certOrKeyPem).publicKey : createPublicKey(certOrKeyPem);
  const jwk = key.export({ format: 'jwk' });
  return Buffer.concat([Buffer.from([4]), Buffer.from(jwk.x!, 'base64url'), Buffer.from(jwk.y!, 'base64url')]);
}

/** SECC side: encrypts `contractKeyPem` for the holder of `recipientCertPem`. */
export function encryptContractKey(contractKeyPem: string, recipientCertPem: string): { dhPublicKey: Buffer; encryptedKey: Buffer } {
  const ephemeral = createECDH(CURVE);
  ephemeral.generateKeys();
  const z = ephemeral.computeSecret(rawPublicKey(recipientCertPem));
  const iv = randomBytes(16);
  const cipher = createCipheriv('aes-128-cbc', concatKdf(z), iv).setAutoPadding(false);
  const encrypted = Buffer.concat([cipher.update(rawPrivateKey(contractKeyPem)), cipher.final()]);
  return { dhPublicKey: ephemeral.getPublicKey(), encryptedKey: Buffer.concat([iv, encrypted]) };
}

/** EV side: recovers the contract private key (PEM, PKCS#8) with its own private key. */
export function decryptContractKey(encryptedKey: Uint8Array, dhPublicKey: Uint8Array, recipientKeyPem: string, contractCertPem: string): string {
  const ecdh = createECDH(CURVE);
  ecdh.setPrivateKey(rawPrivateKey(recipientKeyPem));
  const z = ecdh.computeSecret(Buffer.from(dhPublicKey));
  const data = Buffer.from(encryptedKey);
  const decipher = createDecipheriv('aes-128-cbc', concatKdf(z), data.subarray(0, 16)).setAutoPadding(false);
  const d = Buffer.concat([decipher.update(data.subarray(16)), decipher.final()]);
  const pub = rawPublicKey(contractCertPem);
  // a wrong key or a corrupted message yields some other scalar: check it against the certificate
  const check = createECDH(CURVE);
  check.setPrivateKey(d);
  if (!check.getPublicKey().equals(pub)) throw new Error('the decrypted key does not belong to the contract certificate');
  const key = createPrivateKey({
    format: 'jwk',
    key: { kty: 'EC', crv: 'P-256', d: d.toString('base64url'), x: pub.subarray(1, 33).toString('base64url'), y: pub.subarray(33).toString('base64url') },
  });
  return key.export({ format: 'pem', type: 'pkcs8' }).toString();
}
