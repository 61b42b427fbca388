// Our EVCC against our SECC over real TCP and TLS on loopback: the SupportedAppProtocol handshake,
// whole ISO 15118-2 and DIN 70121 sessions, the SCALE fallback, one trace event per message with
// timing, certificate checks, and the error paths that need a real socket (timeouts, a dropped
// connection, garbage on the wire).
import net from 'node:net';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runEvccSession } from '@v2xsim/ev';
import { SeccServer, type SeccSessionEnd } from '@v2xsim/evse';
import { MemorySink, Tracer } from '@v2xsim/trace';
import { getCodec } from '@v2xsim/exi';
import { appProtocolReq, connectToSecc, encodeV2gtp, generatePki, leafChainPem, TLS_ISO15118_2, V2gtpPayloadType, type AppProtocolId, type GeneratedPki } from '@v2xsim/iso15118';
import { SlowEvse, TestEv, TestEvse } from '../packages/iso15118/test/support/iso2-doubles.js';

const servers: SeccServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.stop()));
});

type SeccExtra = Pick<ConstructorParameters<typeof SeccServer>[0], 'sequenceTimeoutMs' | 'tls' | 'pnc'>;
async function secc(evse: TestEvse, protocols: AppProtocolId[], extra: SeccExtra = {}) {
  const evseTrace = new MemorySink();
  const server = new SeccServer({ evse, protocols, tracer: new Tracer({ actor: 'evse', link: 'ev-evse', sinks: [evseTrace] }), ...extra });
  const ends: SeccSessionEnd[] = [];
  server.onSessionEnd = (e) => ends.push(e);
  await server.start();
  servers.push(server);
  return { server, evseTrace, ends };
}

const fast = { ongoingDelayMs: 1, loopDelayMs: 1 };

/** waits (bounded) until the condition holds */
async function until(cond: () => boolean, ms = 2000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond() && Date.now() < end) await new Promise((r) => setTimeout(r, 5));
}

describe('ISO 15118-2 over TCP: our EVCC ↔ our SECC', () => {
  it('DC: a whole session, every message traced on both sides with its timing', async () => {
    const evse = new TestEvse(['DC_extended']);
    const { server, evseTrace, ends } = await secc(evse, ['iso2', 'din']);
    const evTrace = new MemorySink();
    const ev = new TestEv('DC_extended', 5);
    const summary = await runEvccSession({ ev, protocols: ['iso2'], host: '::1', port: server.port, tracer: new Tracer({ actor: 'ev', link: 'ev-evse', sinks: [evTrace] }), session: fast });
    expect(summary).toMatchObject({ ok: true, protocol: 'iso2' });
    expect(summary.messages.CurrentDemandReq).toBe(5);
    expect(evse.importedWh).toBeGreaterThan(0);
    await until(() => ends.length > 0);
    expect(ends[0]).toMatchObject({ reason: 'stopped' });
    // one event per message on each side: requests + responses + the handshake
    const requests = Object.values(summary.messages).reduce((a, b) => a + b, 0);
    expect(evTrace.events).toHaveLength(2 * requests);
    expect(evseTrace.events).toHaveLength(2 * requests);
    const cdRes = evTrace.events.find((e) => e.message === 'CurrentDemandRes')!;
    expect(cdRes).toMatchObject({ direction: 'rx', protocol: 'iso15118-2', correlationId: summary.sessionId, timing: { kind: 'evcc-msg-timeout', budgetMs: 250, breach: false } });
    const seccCd = evseTrace.events.find((e) => e.message === 'CurrentDemandRes')!;
    expect(seccCd).toMatchObject({ direction: 'tx', timing: { kind: 'secc-performance', budgetMs: 25 } });
  });

  it('AC: a whole session', async () => {
    const { server } = await secc(new TestEvse(['AC_three_phase_core']), ['iso2']);
    const summary = await runEvccSession({ ev: new TestEv('AC_three_phase_core', 3), protocols: ['iso2'], host: '::1', port: server.port, tracer: new Tracer({ actor: 'ev', link: 'ev-evse' }), session: fast });
    expect(summary).toMatchObject({ ok: true, protocol: 'iso2', messages: { ChargingStatusReq: 3 } });
  });

  it.each([
    [['iso2-scale', 'iso2'], ['iso2'], 'iso2'],
    [['iso2'], ['iso2-scale', 'iso2'], 'iso2'],
    [['iso2-scale', 'iso2'], ['iso2-scale', 'iso2'], 'iso2-scale'],
  ] as [AppProtocolId[], AppProtocolId[], string][])('EV offers %j, EVSE supports %j → %s', async (offer, support, expected) => {
    const { server } = await secc(new TestEvse(['DC_extended']), support);
    const evTrace = new MemorySink();
    const summary = await runEvccSession({ ev: new TestEv('DC_extended', 1), protocols: offer, host: '::1', port: server.port, tracer: new Tracer({ actor: 'ev', link: 'ev-evse', sinks: [evTrace] }), session: fast });
    expect(summary).toMatchObject({ ok: true, protocol: expected });
    // the EV traces the SCALE namespace as the version of every V2G message, as the SECC does
    const v2g = evTrace.events.filter((e) => e.protocol === 'iso15118-2');
    expect(v2g.length).toBeGreaterThan(10);
    expect(new Set(v2g.map((e) => e.version))).toEqual(new Set([expected === 'iso2-scale' ? summary.namespace : undefined]));
  });

  it('an EVSE that answers too late: the EV times out, stops and closes; both sides end cleanly', async () => {
    const { server, ends } = await secc(new SlowEvse(['DC_extended'], 300), ['iso2']);
    const summary = await runEvccSession({ ev: new TestEv('DC_extended', 5), protocols: ['iso2'], host: '::1', port: server.port, tracer: new Tracer({ actor: 'ev', link: 'ev-evse' }), session: fast });
    expect(summary.ok).toBe(false);
    expect(summary.error).toMatch(/timeout/i);
    expect(summary.messages.CurrentDemandReq).toBe(1);
    await until(() => ends.length > 0);
    expect(ends[0]?.reason).toBe('peer-closed');
  });

  it('an endless cable check: V2G_EVCC_CableCheck_Timeout stops the session', async () => {
    const evse = new TestEvse(['DC_extended']);
    evse.cableCheck = () => 'Ongoing' as never;
    const { server } = await secc(evse, ['iso2']);
    const summary = await runEvccSession({
      ev: new TestEv('DC_extended', 1),
      protocols: ['iso2'],
      host: '::1',
      port: server.port,
      tracer: new Tracer({ actor: 'ev', link: 'ev-evse' }),
      session: { ongoingDelayMs: 20, loopDelayMs: 1 },
      timerOverrides: { V2G_EVCC_CableCheck_Timeout: 150 },
    });
    expect(summary.ok).toBe(false);
    expect(summary.error).toMatch(/V2G_EVCC_CableCheck_Timeout/);
    expect(summary.messages.CableCheckReq).toBeGreaterThan(2);
    expect(summary.messages.PreChargeReq).toBeUndefined();
  });

  it('the SECC closes an idle connection on its sequence timeout', async () => {
    const { server, ends } = await secc(new TestEvse(['DC_extended']), ['iso2'], { sequenceTimeoutMs: 100 });
    const sock = net.connect({ host: '::1', port: server.port });
    const closed = new Promise((r) => sock.on('close', r));
    await closed;
    await until(() => ends.length > 0);
    expect(ends[0]?.reason).toBe('sequence-timeout');
  });

  it('an undecodable message mid-session: the SECC answers FAILED for the expected message and closes', async () => {
    const { server, ends } = await secc(new TestEvse(['DC_extended']), ['iso2']);
    const conn = await connectToSecc({ host: '::1', port: server.port });
    await conn.send(V2gtpPayloadType.Exi, getCodec('apphand').encode(appProtocolReq(['iso2'])));
    const sap = getCodec('apphand').decode((await conn.receive({ timeoutMs: 2000 })).payload);
    expect(sap).toMatchObject({ supportedAppProtocolRes: { ResponseCode: 'OK_SuccessfulNegotiation' } });
    await conn.send(V2gtpPayloadType.Exi, new Uint8Array([0x80, 0x98, 0xff, 0xff, 0xff]));
    const res = getCodec('iso2').decode((await conn.receive({ timeoutMs: 2000 })).payload) as { V2G_Message: { Body: Record<string, { ResponseCode: string }> } };
    expect(res.V2G_Message.Body.SessionSetupRes?.ResponseCode).toBe('FAILED');
    expect(await conn.closed).toMatchObject({ kind: 'peer' });
    await until(() => ends.length > 0);
    expect(ends[0]?.reason).toBe('undecodable');
  });

  it('garbage instead of SupportedAppProtocol: the SECC closes, and keeps serving the next EV', async () => {
    const { server, ends } = await secc(new TestEvse(['DC_extended']), ['iso2']);
    const sock = net.connect({ host: '::1', port: server.port });
    sock.write(encodeV2gtp(V2gtpPayloadType.Exi, new Uint8Array([0x80, 0xff, 0xff, 0x13])));
    await new Promise((r) => sock.on('close', r));
    await until(() => ends.length > 0);
    expect(ends[0]?.reason).toBe('undecodable');
    const summary = await runEvccSession({ ev: new TestEv('DC_extended', 1), protocols: ['iso2'], host: '::1', port: server.port, tracer: new Tracer({ actor: 'ev', link: 'ev-evse' }), session: fast });
    expect(summary.ok).toBe(true);
  });

  it('DIN 70121 DC: a whole session when the EV prefers DIN', async () => {
    const evse = new TestEvse(['DC_extended']);
    const { server } = await secc(evse, ['iso2', 'din']);
    const summary = await runEvccSession({ ev: new TestEv('DC_extended', 3), protocols: ['din', 'iso2'], host: '::1', port: server.port, tracer: new Tracer({ actor: 'ev', link: 'ev-evse' }), session: fast });
    expect(summary).toMatchObject({ ok: true, protocol: 'din', messages: { ContractAuthenticationReq: 3 } });
    expect(summary.messages.CurrentDemandReq).toBeGreaterThanOrEqual(3);
    expect(evse.importedWh).toBeGreaterThan(0);
  });
});

describe('ISO 15118-2 over TLS 1.2 (ECDHE-ECDSA-AES128-SHA256, P-256) with the V2G PKI', () => {
  let pki: GeneratedPki;
  let expired: GeneratedPki;
  let other: GeneratedPki;
  beforeAll(async () => {
    [pki, expired, other] = await Promise.all([
      generatePki(),
      // SECC leaf valid for 60 days from 100 days ago: expired now
      generatePki({ now: new Date(Date.now() - 100 * 86400_000) }),
      generatePki(),
    ]);
  });
  const seccTls = (p: GeneratedPki) => ({ ...TLS_ISO15118_2, key: p.certificates.secc.keyPem!, cert: leafChainPem(p, 'secc') });

  it('DC session over TLS: the EV verifies the SECC chain against the V2G root', async () => {
    const { server } = await secc(new TestEvse(['DC_extended']), ['iso2'], { tls: seccTls(pki) });
    const summary = await runEvccSession({
      ev: new TestEv('DC_extended', 3),
      protocols: ['iso2'],
      host: '::1',
      port: server.port,
      tls: { ...TLS_ISO15118_2, ca: pki.certificates['v2g-root'].certPem },
      tracer: new Tracer({ actor: 'ev', link: 'ev-evse' }),
      session: fast,
    });
    expect(summary).toMatchObject({ ok: true, protocol: 'iso2' });
  });

  it('DC with Plug & Charge over TLS: signed Authorization and metering receipts', async () => {
    const evse = new TestEvse(['DC_extended']);
    evse.paymentOptions = ['Contract', 'ExternalPayment'];
    const { server } = await secc(evse, ['iso2'], { tls: seccTls(pki), pnc: { moRoots: [pki.certificates['mo-root'].certPem], receiptRequired: true } });
    const summary = await runEvccSession({
      ev: new TestEv('DC_extended', 2),
      protocols: ['iso2'],
      host: '::1',
      port: server.port,
      tls: { ...TLS_ISO15118_2, ca: pki.certificates['v2g-root'].certPem },
      tracer: new Tracer({ actor: 'ev', link: 'ev-evse' }),
      session: {
        ...fast,
        pnc: {
          emaid: pki.identities.emaid,
          contractCertPem: pki.certificates.contract.certPem,
          subCaPems: [pki.certificates['mo-subca2'].certPem, pki.certificates['mo-subca1'].certPem],
          contractKeyPem: pki.certificates.contract.keyPem!,
        },
      },
    });
    expect(summary).toMatchObject({ ok: true, messages: { PaymentDetailsReq: 1, MeteringReceiptReq: 2 } });
  });

  it.each([
    ['untrusted', () => ({ server: seccTls(other), ca: pki.certificates['v2g-root'].certPem })],
    ['expired', () => ({ server: seccTls(expired), ca: expired.certificates['v2g-root'].certPem })],
  ])('an %s SECC certificate: the EV refuses the connection', async (_what, setup) => {
    const { server: tls, ca } = setup();
    const { server } = await secc(new TestEvse(['DC_extended']), ['iso2'], { tls });
    const summary = await runEvccSession({ ev: new TestEv('DC_extended', 1), protocols: ['iso2'], host: '::1', port: server.port, tls: { ...TLS_ISO15118_2, ca }, tracer: new Tracer({ actor: 'ev', link: 'ev-evse' }), session: fast });
    expect(summary.ok).toBe(false);
    expect(summary.error).toMatch(/connect/);
    expect(summary.messages).toEqual({});
  });
});
