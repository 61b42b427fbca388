import { beforeAll, describe, expect, it } from 'vitest';
import { createPrivateKey } from 'node:crypto';
import { generatePki, signEcdsaRaw, verifyEcdsaRaw, type GeneratedPki } from '../src/index.js';
import { decryptContractKey, encryptContractKey } from '../src/iso2/key-transport.js';

describe('contract key transport (ECDH + concat KDF + AES-128-CBC)', () => {
  let pki: GeneratedPki;
  beforeAll(async () => {
    pki = await generatePki();
  });
  it('the EV recovers the contract key the SECC encrypted for its OEM provisioning certificate', () => {
    const c = pki.certificates;
    const { dhPublicKey, encryptedKey } = encryptContractKey(c.contract.keyPem!, c['oem-prov'].certPem);
    expect(dhPublicKey).toHaveLength(65);
    expect(encryptedKey).toHaveLength(48);
    const recovered = decryptContractKey(encryptedKey, dhPublicKey, c['oem-prov'].keyPem!, c.contract.certPem);
    expect(createPrivateKey(recovered).export({ format: 'jwk' }).d).toBe(createPrivateKey(c.contract.keyPem!).export({ format: 'jwk' }).d);
    const data = new TextEncoder().encode('challenge');
    expect(verifyEcdsaRaw(c.contract.certPem, data, signEcdsaRaw(recovered, data))).toBe(true);
  });
  it('another recipient key does not recover it', () => {
    const c = pki.certificates;
    const { dhPublicKey, encryptedKey } = encryptContractKey(c.contract.keyPem!, c['oem-prov'].certPem);
    expect(() => decryptContractKey(encryptedKey, dhPublicKey, c.secc.keyPem!, c.contract.certPem)).toThrow();
  });
});
