// A whole ISO 15118-2 session between our EVCC and SECC cores, every message through the EXI
// codec, with small but physical EV and EVSE behaviours: DC and AC, EIM, pause and resume, and
// the SECC's answers to a message out of sequence and to a wrong SessionID.
import { beforeAll, describe, expect, it } from 'vitest';
import { getTypedCodec } from '@v2xsim/exi';
import { generatePki, iso2, type GeneratedPki } from '../src/index.js';
import { TestEv, TestEvse } from './support/iso2-doubles.js';

type V2G = Parameters<iso2.SeccSession['handle']>[0];
const codec = getTypedCodec('iso2');
/** a message as the peer sees it: encoded and decoded */
const wire = (m: V2G): V2G => codec.decode(codec.encode(m)) as V2G;

function run(_ev: iso2.EvccEv | undefined, secc: iso2.SeccSession, evcc: iso2.EvccSession) {
  const sent: string[] = [];
  let step = evcc.start();
  while (step.request) {
    sent.push(step.name!);
    const reply = secc.handle(wire(step.request));
    step = evcc.onResponse(wire(reply.response));
    if (reply.close) expect(step.request).toBeNull();
  }
  return { sent, error: step.error };
}

describe('ISO 15118-2 session, EVCC ↔ SECC cores over the EXI codec', () => {
  it('DC, EIM: the whole sequence, energy delivered, SoC up', () => {
    const evse = new TestEvse(['DC_extended', 'AC_three_phase_core']);
    const ev = new TestEv('DC_extended');
    const r = run(ev, new iso2.SeccSession(evse), new iso2.EvccSession(ev));
    expect(r.error).toBeUndefined();
    expect(r.sent).toEqual([
      'SessionSetupReq', 'ServiceDiscoveryReq', 'PaymentServiceSelectionReq',
      'AuthorizationReq', 'AuthorizationReq', 'AuthorizationReq',
      'ChargeParameterDiscoveryReq', 'CableCheckReq', 'PreChargeReq', 'PreChargeReq', 'PowerDeliveryReq',
      'CurrentDemandReq', 'CurrentDemandReq', 'CurrentDemandReq', 'CurrentDemandReq', 'CurrentDemandReq',
      'PowerDeliveryReq', 'WeldingDetectionReq', 'SessionStopReq',
    ]);
    expect(evse.importedWh).toBeCloseTo(5 * (400 * 125 * 10) / 3600, 3);
    expect(ev.soc).toBeGreaterThan(40);
    expect(evse.stopped).toBe('Terminate');
  });

  it('the schedule carries the EVSE\'s sales tariff to the EV', () => {
    const evse = new TestEvse(['DC_extended']);
    evse.salesTariff = () => ({ entries: [{ startS: 0, ePriceLevel: 3 }, { startS: 7200, ePriceLevel: 1 }], numEPriceLevels: 3, description: 'night' });
    const ev = new TestEv('DC_extended', 1);
    let seen: unknown;
    ev.tariff = (entries, levels) => (seen = { entries, levels });
    expect(run(ev, new iso2.SeccSession(evse), new iso2.EvccSession(ev)).error).toBeUndefined();
    expect(seen).toEqual({ entries: [{ startS: 0, ePriceLevel: 3 }, { startS: 7200, ePriceLevel: 1 }], levels: 3 });
  });

  it('AC three-phase, EIM: ChargingStatus loop, no cable check', () => {
    const evse = new TestEvse(['AC_three_phase_core']);
    const ev = new TestEv('AC_three_phase_core', 3);
    const r = run(ev, new iso2.SeccSession(evse), new iso2.EvccSession(ev));
    expect(r.error).toBeUndefined();
    expect(r.sent.filter((m) => m === 'ChargingStatusReq')).toHaveLength(3);
    expect(r.sent).not.toContain('CableCheckReq');
    expect(r.sent.at(-1)).toBe('SessionStopReq');
  });

  it('pause, then resume with the old SessionID on a new connection', () => {
    const paused: iso2.PausedSessions = new Map();
    const evse = new TestEvse(['DC_extended']);
    const ev = new TestEv('DC_extended', 2, 'Pause');
    const first = new iso2.SeccSession(evse, paused);
    const evcc = new iso2.EvccSession(ev);
    expect(run(ev, first, evcc).error).toBeUndefined();
    expect(paused.has(evcc.id)).toBe(true);
    const second = new iso2.SeccSession(evse, paused);
    const resumed = new iso2.EvccSession(new TestEv('DC_extended', 1), { resumeSessionId: evcc.id });
    const step = resumed.start();
    const reply = second.handle(wire(step.request!));
    expect(reply.response.V2G_Message.Body.SessionSetupRes?.ResponseCode).toBe('OK_OldSessionJoined');
    expect(reply.response.V2G_Message.Header.SessionID).toBe(evcc.id);
  });

  it('a request out of sequence: FAILED_SequenceError and close', () => {
    const secc = new iso2.SeccSession(new TestEvse(['DC_extended']));
    const reply = secc.handle(wire({ V2G_Message: { Header: { SessionID: '00' }, Body: { ServiceDiscoveryReq: {} } } }));
    expect(reply.response.V2G_Message.Body.ServiceDiscoveryRes?.ResponseCode).toBe('FAILED_SequenceError');
    expect(reply.close).toBe(true);
  });

  it('a wrong SessionID: FAILED_UnknownSession and close', () => {
    const secc = new iso2.SeccSession(new TestEvse(['DC_extended']));
    secc.handle(wire({ V2G_Message: { Header: { SessionID: '00' }, Body: { SessionSetupReq: { EVCCID: '0a0b0c0d0e0f' } } } }));
    const reply = secc.handle(wire({ V2G_Message: { Header: { SessionID: '1122334455667788' }, Body: { ServiceDiscoveryReq: {} } } }));
    expect(reply.response.V2G_Message.Body.ServiceDiscoveryRes?.ResponseCode).toBe('FAILED_UnknownSession');
    expect(reply.close).toBe(true);
  });

  it('an energy transfer mode the EVSE does not offer: the EV stops before asking', () => {
    const ev = new TestEv('DC_extended');
    const r = run(ev, new iso2.SeccSession(new TestEvse(['AC_three_phase_core'])), new iso2.EvccSession(ev));
    expect(r.error).toMatch(/does not offer DC_extended/);
  });
});

describe('ISO 15118-2 Plug & Charge: contract certificate, signed Authorization and metering receipts', () => {
  let pki: GeneratedPki;
  let other: GeneratedPki;
  beforeAll(async () => {
    [pki, other] = await Promise.all([generatePki(), generatePki()]);
  });
  const contract = (p: GeneratedPki, key = p) => ({
    emaid: p.identities.emaid,
    contractCertPem: p.certificates.contract.certPem,
    subCaPems: [p.certificates['mo-subca2'].certPem, p.certificates['mo-subca1'].certPem],
    contractKeyPem: key.certificates.contract.keyPem!,
  });
  const pncEvse = () => {
    const evse = new TestEvse(['DC_extended']);
    evse.paymentOptions = ['Contract', 'ExternalPayment'];
    return evse;
  };

  it('DC with PnC: PaymentDetails, signed AuthorizationReq, a signed MeteringReceiptReq after each CurrentDemand', () => {
    const secc = new iso2.SeccSession(pncEvse(), new Map(), { pnc: { moRoots: [pki.certificates['mo-root'].certPem], receiptRequired: true } });
    const r = run(undefined, secc, new iso2.EvccSession(new TestEv('DC_extended', 3), { pnc: contract(pki) }));
    expect(r.error).toBeUndefined();
    expect(r.sent.slice(2, 5)).toEqual(['PaymentServiceSelectionReq', 'PaymentDetailsReq', 'AuthorizationReq']);
    expect(r.sent.filter((m) => m === 'MeteringReceiptReq')).toHaveLength(3);
    expect(secc.ctx.paymentOption).toBe('Contract');
  });

  it('a sales tariff under PnC is signed by the secondary actor (MO Sub-CA 2) and checked by the EV', () => {
    const tariffEvse = () => {
      const evse = pncEvse();
      evse.salesTariff = () => ({ entries: [{ startS: 0, ePriceLevel: 2 }], numEPriceLevels: 2 });
      return evse;
    };
    const pnc = (key: GeneratedPki) => ({ moRoots: [pki.certificates['mo-root'].certPem], salesTariffKeyPem: key.certificates['mo-subca2'].keyPem! });
    const ok = run(undefined, new iso2.SeccSession(tariffEvse(), new Map(), { pnc: pnc(pki) }), new iso2.EvccSession(new TestEv('DC_extended', 1), { pnc: contract(pki) }));
    expect(ok.error).toBeUndefined();
    const bad = run(undefined, new iso2.SeccSession(tariffEvse(), new Map(), { pnc: pnc(other) }), new iso2.EvccSession(new TestEv('DC_extended', 1), { pnc: contract(pki) }));
    expect(bad.error).toMatch(/SalesTariff signature/);
  });

  it('a contract chain from an untrusted MO: FAILED_CertChainError at PaymentDetails', () => {
    const secc = new iso2.SeccSession(pncEvse(), new Map(), { pnc: { moRoots: [other.certificates['mo-root'].certPem] } });
    const r = run(undefined, secc, new iso2.EvccSession(new TestEv('DC_extended', 1), { pnc: contract(pki) }));
    expect(r.error).toBe('PaymentDetailsRes: FAILED_CertChainError');
  });

  it('an AuthorizationReq signed with another key: FAILED_SignatureError', () => {
    const secc = new iso2.SeccSession(pncEvse(), new Map(), { pnc: { moRoots: [pki.certificates['mo-root'].certPem] } });
    const r = run(undefined, secc, new iso2.EvccSession(new TestEv('DC_extended', 1), { pnc: contract(pki, other) }));
    expect(r.error).toBe('AuthorizationRes: FAILED_SignatureError');
  });

  it('an EV without a contract installs one (CertificateInstallation), then charges with it', () => {
    const c = pki.certificates;
    const provisioning = {
      emaid: pki.identities.emaid,
      contractCertPem: c.contract.certPem,
      contractKeyPem: c.contract.keyPem!,
      contractSubCaPems: [c['mo-subca2'].certPem, c['mo-subca1'].certPem],
      cpsLeafCertPem: c['cps-leaf'].certPem,
      cpsLeafKeyPem: c['cps-leaf'].keyPem!,
      cpsSubCaPems: [c['cps-subca2'].certPem, c['cps-subca1'].certPem],
    };
    const secc = new iso2.SeccSession(pncEvse(), new Map(), { pnc: { moRoots: [c['mo-root'].certPem], provisioning } });
    let installed: iso2.EvccContract | undefined;
    const evcc = new iso2.EvccSession(new TestEv('DC_extended', 1), {
      pnc: { oemProvCertPem: c['oem-prov'].certPem, oemProvKeyPem: c['oem-prov'].keyPem!, v2gRootPems: [c['v2g-root'].certPem], onContractInstalled: (x) => (installed = x) },
    });
    const r = run(undefined, secc, evcc);
    expect(r.error).toBeUndefined();
    expect(r.sent.slice(2, 6)).toEqual(['PaymentServiceSelectionReq', 'CertificateInstallationReq', 'PaymentDetailsReq', 'AuthorizationReq']);
    expect(installed?.emaid).toBe(pki.identities.emaid);
    expect(installed?.contractCertPem.replace(/\s/g, '')).toBe(c.contract.certPem.replace(/\s/g, ''));
  });

  it('an EV renews its contract with CertificateUpdate (the new key encrypted for the old one)', () => {
    const c = pki.certificates;
    const o = other.certificates;
    // the backend's new contract: the other PKI's contract certificate and key, from the same CPS
    const provisioning = {
      emaid: other.identities.emaid,
      contractCertPem: o.contract.certPem,
      contractKeyPem: o.contract.keyPem!,
      contractSubCaPems: [o['mo-subca2'].certPem, o['mo-subca1'].certPem],
      cpsLeafCertPem: c['cps-leaf'].certPem,
      cpsLeafKeyPem: c['cps-leaf'].keyPem!,
      cpsSubCaPems: [c['cps-subca2'].certPem, c['cps-subca1'].certPem],
    };
    const secc = new iso2.SeccSession(pncEvse(), new Map(), { pnc: { moRoots: [c['mo-root'].certPem, o['mo-root'].certPem], provisioning } });
    let installed: iso2.EvccContract | undefined;
    const evcc = new iso2.EvccSession(new TestEv('DC_extended', 1), {
      pnc: { ...contract(pki), updateContract: true, v2gRootPems: [c['v2g-root'].certPem], onContractInstalled: (x) => (installed = x) },
    });
    const r = run(undefined, secc, evcc);
    expect(r.error).toBeUndefined();
    expect(r.sent.slice(2, 6)).toEqual(['PaymentServiceSelectionReq', 'CertificateUpdateReq', 'PaymentDetailsReq', 'AuthorizationReq']);
    expect(installed?.emaid).toBe(other.identities.emaid);
  });

  it('an EV installing a contract refuses a CPS chain it does not trust', () => {
    const c = pki.certificates;
    const o = other.certificates;
    const provisioning = {
      emaid: pki.identities.emaid,
      contractCertPem: c.contract.certPem,
      contractKeyPem: c.contract.keyPem!,
      contractSubCaPems: [],
      cpsLeafCertPem: o['cps-leaf'].certPem,
      cpsLeafKeyPem: o['cps-leaf'].keyPem!,
      cpsSubCaPems: [o['cps-subca2'].certPem, o['cps-subca1'].certPem],
    };
    const secc = new iso2.SeccSession(pncEvse(), new Map(), { pnc: { moRoots: [c['mo-root'].certPem], provisioning } });
    const evcc = new iso2.EvccSession(new TestEv('DC_extended', 1), { pnc: { oemProvCertPem: c['oem-prov'].certPem, oemProvKeyPem: c['oem-prov'].keyPem!, v2gRootPems: [c['v2g-root'].certPem] } });
    expect(run(undefined, secc, evcc).error).toMatch(/CertificateInstallationRes: CPS chain untrusted/);
  });

  it('an EV with a contract at an EVSE without PnC falls back to external payment', () => {
    const r = run(undefined, new iso2.SeccSession(new TestEvse(['DC_extended'])), new iso2.EvccSession(new TestEv('DC_extended', 1), { pnc: contract(pki) }));
    expect(r.error).toBeUndefined();
    expect(r.sent).not.toContain('PaymentDetailsReq');
  });
});

describe('the SCALE -2 variant', () => {
  it('the EV sends its energy and SoC window in ChargeParameterDiscoveryReq; the SECC sees it', () => {
    const evse = new TestEvse(['AC_three_phase_core']);
    let seen: unknown;
    evse.schedule = ((needs: iso2.EvChargeNeeds) => {
      seen = needs.raw.AC_EVChargeParameter;
      return [{ startS: 0, pMaxW: 11_000 }];
    }) as TestEvse['schedule'];
    const ev = new TestEv('AC_three_phase_core', 1);
    const params = ev.chargeParameters.bind(ev);
    ev.chargeParameters = () => ({ ...params(), scale: { maxEnergyRequestWh: 40_000, minEnergyRequestWh: 10_000, maxSoc: 90, minSoc: 20 } });
    const scale = getTypedCodec('iso2-scale');
    const wireScale = (m: V2G): V2G => scale.decode(scale.encode(m as never)) as unknown as V2G;
    const secc = new iso2.SeccSession(evse, new Map(), { codec: 'iso2-scale' });
    const evcc = new iso2.EvccSession(ev, { codec: 'iso2-scale' });
    let step = evcc.start();
    while (step.request) step = evcc.onResponse(wireScale(secc.handle(wireScale(step.request)).response));
    expect(step.error).toBeUndefined();
    expect(seen).toMatchObject({ EVMaxPower: { Unit: 'W' }, EVMaxSoc: 90, EVMinSoc: 20, EVMaxEnergyRequest: { Unit: 'Wh' } });
  });
});
