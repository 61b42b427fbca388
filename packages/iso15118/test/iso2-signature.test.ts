import { describe, expect, it, beforeAll } from 'vitest';
import { generatePki, type GeneratedPki } from '../src/index.js';
import { signElements, verifyElements } from '../src/iso2/signature.js';

describe('XML signatures over EXI fragments', () => {
  let pki: GeneratedPki;
  beforeAll(async () => {
    pki = await generatePki();
  });
  const auth = { id: 'ID1', fragment: { AuthorizationReq: { Id: 'ID1', GenChallenge: '00112233445566778899aabbccddeeff' } } };

  it('signs AuthorizationReq with the contract key; verifies with the contract certificate', () => {
    const sig = signElements('iso2', [auth], pki.certificates.contract.keyPem!);
    expect(sig.SignatureValue.CONTENT).toHaveLength(128); // r||s of P-256: 64 bytes
    expect(sig.SignedInfo.Reference[0]!.URI).toBe('#ID1');
    expect(verifyElements('iso2', sig, [auth], pki.certificates.contract.certPem)).toEqual({ ok: true });
  });

  it('a changed element, another key or a missing reference fail', () => {
    const sig = signElements('iso2', [auth], pki.certificates.contract.keyPem!);
    const tampered = { id: 'ID1', fragment: { AuthorizationReq: { Id: 'ID1', GenChallenge: 'ffffffffffffffffffffffffffffffff' } } };
    expect(verifyElements('iso2', sig, [tampered], pki.certificates.contract.certPem)).toMatchObject({ ok: false, reason: /digest/ });
    expect(verifyElements('iso2', sig, [auth], pki.certificates.secc.certPem)).toMatchObject({ ok: false, reason: /does not verify/ });
    expect(verifyElements('iso2', sig, [auth, { id: 'ID2', fragment: { AuthorizationReq: { Id: 'ID2' } } }], pki.certificates.contract.certPem)).toMatchObject({ ok: false, reason: /not signed/ });
  });
});
