// ISO 15118-20 Plug & Charge between the cores on a P-521 PKI: the GenChallenge of
// AuthorizationSetupRes signed back in PnC_AReqAuthorizationMode (ECDSA-SHA512 over EXI fragments),
// the contract chain checked against the MO root, the backend's verdict, signed metering data;
// and what a bad signature, an untrusted or expired chain or a wrong challenge get.
import { beforeAll, describe, expect, it } from 'vitest';
import { generatePki, leafChainPem, splitPemCertificates, type GeneratedPki } from '../src/index.js';
import { signElements } from '../src/iso2/signature.js';
import * as iso20 from '../src/iso20/index.js';
import { protocol, run, TestEv, TestEvse } from './support/iso20-doubles.js';

let pki: GeneratedPki;
let contract: iso20.Evcc20Pnc;
let moRoot: string;

beforeAll(async () => {
  pki = await generatePki({ curve: 'P-521' });
  const chain = splitPemCertificates(leafChainPem(pki, 'contract'));
  contract = { contractCertPem: chain[0]!, subCaPems: chain.slice(1), contractKeyPem: pki.certificates.contract.keyPem };
  moRoot = pki.certificates['mo-root'].certPem;
}, 60_000);

function make(id: 'iso20-ac' | 'iso20-dc', ev: TestEv, evse: TestEvse, secc: Partial<iso20.Secc20Pnc> = {}, evcc: iso20.Evcc20Pnc | null = contract) {
  return {
    secc: new iso20.Secc20Session(evse, { protocol: protocol(id), pnc: { moRoots: [moRoot], ...secc } }),
    evcc: new iso20.Evcc20Session(ev, { protocol: protocol(id), ...(evcc ? { pnc: evcc } : {}) }),
  };
}

const code = (r: { replies: iso20.Secc20Reply[] }, name: iso20.ResponseName) => {
  const reply = r.replies.find((x) => x.responseName === name);
  return reply ? (iso20.bodyOf(reply.response, name) as { ResponseCode: string }).ResponseCode : undefined;
};

describe('Plug & Charge', () => {
  it('DC_BPT, Dynamic: signed authorization on P-521, the eMAID to the backend, signed metering confirmation', () => {
    const evse = new TestEvse();
    evse.notifications = [];
    const ev = new TestEv(['DC_BPT'], 'Dynamic', 4);
    const { secc, evcc } = make('iso20-dc', ev, evse, { meteringConfirmationAfterLoops: 2 });
    const r = run(secc, evcc, 'iso20-dc');
    expect(r.error).toBeUndefined();
    const setup = iso20.bodyOf(r.replies[1]!.response, 'AuthorizationSetupRes')!;
    expect(setup.AuthorizationServices).toEqual(['PnC', 'EIM']);
    expect(setup.PnC_ASResAuthorizationMode?.GenChallenge).toMatch(/^[0-9a-f]{32}$/);
    const auth = r.steps.find((s) => s.name === 'AuthorizationReq')!.request as { AuthorizationReq: iso20.Messages['AuthorizationReq'] };
    expect(auth.AuthorizationReq.SelectedAuthorizationService).toBe('PnC');
    const sig = auth.AuthorizationReq.Header.Signature!;
    expect(sig.SignedInfo.SignatureMethod.Algorithm).toBe('http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha512');
    expect(sig.SignedInfo.Reference[0]!.DigestMethod.Algorithm).toBe('http://www.w3.org/2001/04/xmlenc#sha512');
    expect(sig.SignatureValue.CONTENT).toHaveLength(264); // r||s of P-521: 132 bytes
    expect(evse.authRequests[0]).toMatchObject({ service: 'PnC', emaid: pki.identities.emaid });
    expect(evse.authRequests).toHaveLength(2); // Ongoing, then Accepted
    expect(r.steps.filter((s) => s.name === 'AuthorizationReq').map((s) => s.phase)).toEqual([undefined, 'Ongoing']);
    // metering confirmation asked by the SECC after 2 loops, signed with the contract key
    expect(r.sent).toContain('MeteringConfirmationReq');
    expect(evse.metering).toHaveLength(1);
    expect(evse.metering[0]!.signatureVerified).toBe(true);
    const mc = r.steps.find((s) => s.name === 'MeteringConfirmationReq')!.request as { MeteringConfirmationReq: iso20.Messages['MeteringConfirmationReq'] };
    expect(mc.MeteringConfirmationReq.Header.Signature?.SignedInfo.Reference[0]!.URI).toBe('#ID2');
  });

  it('AC, Scheduled under PnC', () => {
    const evse = new TestEvse();
    const ev = new TestEv(['AC'], 'Scheduled', 2);
    const { secc, evcc } = make('iso20-ac', ev, evse);
    const r = run(secc, evcc, 'iso20-ac');
    expect(r.error).toBeUndefined();
    expect(secc.ctx.authorization).toBe('PnC');
    expect(secc.ctx.contract?.emaid).toBe(pki.identities.emaid);
  });

  it('an EV without a contract uses EIM where both are offered', () => {
    const evse = new TestEvse();
    const ev = new TestEv(['AC'], 'Scheduled', 1);
    const { secc, evcc } = make('iso20-ac', ev, evse, {}, null);
    const r = run(secc, evcc, 'iso20-ac');
    expect(r.error).toBeUndefined();
    expect(evse.authRequests[0]).toEqual({ service: 'EIM' });
  });

  it('a signature by another key: FAILED_SignatureError and close', () => {
    const evse = new TestEvse();
    const ev = new TestEv(['DC'], 'Scheduled', 1);
    const { secc, evcc } = make('iso20-dc', ev, evse, {}, { ...contract, contractKeyPem: pki.certificates['oem-prov'].keyPem });
    const r = run(secc, evcc, 'iso20-dc');
    expect(code(r, 'AuthorizationRes')).toBe('FAILED_SignatureError');
    expect(r.replies.at(-1)!.close).toBe(true);
    expect(r.error).toBe('AuthorizationRes: FAILED_SignatureError');
    expect(evse.authRequests).toHaveLength(0);
    expect(evse.stopped).toBe('Error');
  });

  it('a contract chain to an untrusted root: WARNING_CertificateValidationError; the EV falls back to EIM, or stops without it', () => {
    const evse = new TestEvse();
    const ev = new TestEv(['DC'], 'Scheduled', 1);
    // the SECC trusts only the OEM root for contracts: the MO chain leads nowhere it trusts
    const a = make('iso20-dc', ev, evse, { moRoots: [pki.certificates['oem-root'].certPem] });
    const r = run(a.secc, a.evcc, 'iso20-dc');
    expect(code(r, 'AuthorizationRes')).toBe('WARNING_CertificateValidationError');
    expect(r.error).toBeUndefined();
    expect(evse.authRequests.map((x) => x.service)).toEqual(['EIM', 'EIM']);

    const pncOnly = new TestEvse();
    pncOnly.authorizationServices = ['PnC'];
    const b = make('iso20-dc', new TestEv(['DC'], 'Scheduled', 1), pncOnly, { moRoots: [pki.certificates['oem-root'].certPem] });
    const r2 = run(b.secc, b.evcc, 'iso20-dc');
    expect(r2.error).toBe('AuthorizationRes: WARNING_CertificateValidationError');
  });

  it('an expired contract: WARNING_CertificateExpired', () => {
    const evse = new TestEvse();
    evse.authorizationServices = ['PnC'];
    const { secc, evcc } = make('iso20-dc', new TestEv(['DC'], 'Scheduled', 1), evse, { now: () => new Date(Date.now() + 20 * 365 * 86400_000) });
    const r = run(secc, evcc, 'iso20-dc');
    expect(r.error).toBe('AuthorizationRes: WARNING_CertificateExpired');
  });

  it('a validly signed but wrong challenge: WARNING_ChallengeInvalid', () => {
    const evse = new TestEvse();
    evse.authorizationServices = ['PnC'];
    const { secc, evcc } = make('iso20-dc', new TestEv(['DC'], 'Scheduled', 1), evse);
    const r = run(secc, evcc, 'iso20-dc', {
      tamper(m, name) {
        if (name !== 'AuthorizationReq') return m;
        const a = (m as { AuthorizationReq: iso20.Messages['AuthorizationReq'] }).AuthorizationReq;
        const el = { ...a.PnC_AReqAuthorizationMode!, GenChallenge: '00'.repeat(16) };
        const Signature = signElements('iso20-cm', [{ id: el.Id, fragment: { PnC_AReqAuthorizationMode: el } }], contract.contractKeyPem);
        return iso20.message('AuthorizationReq', { ...a, Header: { ...a.Header, Signature }, PnC_AReqAuthorizationMode: el });
      },
    });
    expect(code(r, 'AuthorizationRes')).toBe('WARNING_ChallengeInvalid');
    expect(r.error).toBe('AuthorizationRes: WARNING_ChallengeInvalid');
  });

  it('a metering confirmation signed by another key: FAILED_MeteringSignatureNotValid', () => {
    const evse = new TestEvse();
    evse.notifications = ['MeteringConfirmation'];
    const { secc, evcc } = make('iso20-dc', new TestEv(['DC'], 'Scheduled', 5), evse);
    const r = run(secc, evcc, 'iso20-dc', {
      tamper(m, name) {
        if (name !== 'MeteringConfirmationReq') return m;
        const b = (m as { MeteringConfirmationReq: iso20.Messages['MeteringConfirmationReq'] }).MeteringConfirmationReq;
        const Signature = signElements('iso20-cm', [{ id: b.SignedMeteringData.Id, fragment: { SignedMeteringData: b.SignedMeteringData } }], pki.certificates['oem-prov'].keyPem);
        return iso20.message('MeteringConfirmationReq', { ...b, Header: { ...b.Header, Signature } });
      },
    });
    expect(code(r, 'MeteringConfirmationRes')).toBe('FAILED_MeteringSignatureNotValid');
    expect(r.error).toBe('MeteringConfirmationRes: FAILED_MeteringSignatureNotValid');
    expect(evse.metering).toHaveLength(0);
  });

  it('the backend rejects the contract: WARNING_GeneralPnCAuthorizationError', () => {
    const evse = new TestEvse();
    evse.authorizationServices = ['PnC'];
    evse.authOngoing = 0;
    evse.verdict = 'Rejected';
    const { secc, evcc } = make('iso20-ac', new TestEv(['AC'], 'Scheduled', 1), evse);
    const r = run(secc, evcc, 'iso20-ac');
    expect(r.error).toBe('AuthorizationRes: WARNING_GeneralPnCAuthorizationError');
  });

  it('every service × control mode × authorization completes a session', () => {
    const services: iso20.EnergyService[] = ['AC', 'AC_BPT', 'DC', 'DC_BPT'];
    for (const service of services) {
      for (const mode of ['Scheduled', 'Dynamic'] as const) {
        for (const auth of ['EIM', 'PnC'] as const) {
          const evse = new TestEvse();
          const ev = new TestEv([service], mode, 2);
          const id = service.startsWith('AC') ? 'iso20-ac' : 'iso20-dc';
          const { secc, evcc } = make(id, ev, evse, {}, auth === 'PnC' ? contract : null);
          const inLoop: boolean[] = [];
          const r = run(secc, evcc, id, { tamper: (m, name) => (name.endsWith('ChargeLoopReq') && inLoop.push(secc.inChargeLoop), m) });
          const what = `${service} ${mode} ${auth}`;
          expect(r.error, what).toBeUndefined();
          expect(secc.ctx.authorization, what).toBe(auth);
          expect(secc.ctx.service, what).toBe(service);
          expect(secc.ctx.controlMode, what).toBe(mode);
          expect(inLoop, what).toEqual([true, true]);
          expect(secc.inChargeLoop, what).toBe(false);
          expect(evse.stopped, what).toBe('Terminate');
        }
      }
    }
  });
});
