// ISO 15118-20 between `v2xsim evse` and `v2xsim ev` as separate OS processes over real sockets
// (bin/v2xsim.js runs packages/cli/dist: `pnpm test` builds first), on one P-521 PKI
// (`v2xsim pki init --curve P-521`). The matrix: AC, DC, AC_BPT, DC_BPT × Scheduled and Dynamic ×
// EIM and Plug & Charge, over TLS 1.3 with the EV's OEM provisioning certificate. Then the
// fallbacks (SCALE ⇄ standard, -20 → -2 over TLS 1.2, a -2 EV at a -20 EVSE), a V2G session
// (charge, discharge on command, charge again) whose meter registers match the EV's energy
// balance, and the negatives: refused TLS 1.3 handshakes, a discharge beyond the EV's limits, the
// charge-loop sequence timeout, undecodable messages and unexpected payload types.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { getCodec } from '@v2xsim/exi';
import { appProtocolReq, connectToSecc, loadPki, TLS_ISO15118_20, V2gtpPayloadType, type V2gConnection } from '@v2xsim/iso15118';
import { children, until, v2xsim, type Spawned } from './support/processes.js';

const SPEED = '600';
/** the matrix: half the speed, so that each session charges for over a wall second (see EVSE_20) */
const MATRIX_SPEED = '300';
const ISO20_DC = 'urn:iso:std:iso:15118:-20:DC';
const SCALE20_DC = 'urn:scale:iso:std:iso:15118:-20:DC';

let tmp: string;
let pki: string;

interface Evse extends Spawned {
  secc: number;
  control: string;
}

async function startEvse(args: readonly string[], speed = SPEED): Promise<Evse> {
  const p = v2xsim(['evse', '--speed', speed, '--no-sdp', ...args]);
  const banner = await until(() => /v2xsim evse ready: .*/.exec(p.out.stderr)?.[0], 'EVSE banner', p);
  return { ...p, secc: Number(/secc=(?:tcp|tls):\/\/\S+:(\d+)/.exec(banner)![1]), control: /control=(\S+)/.exec(banner)![1]! };
}

interface EvSummary {
  ok: boolean;
  protocol?: string;
  namespace?: string;
  sessionId?: string;
  tls: boolean;
  tlsVersion?: string;
  payment?: string;
  service?: string;
  controlMode?: string;
  messages: Record<string, number>;
  energyWh: number;
  dischargedWh?: number;
  socStart: number;
  socEnd: number;
  remainingV2gEnergyWh?: number;
  renegotiations?: { elapsedMs: number; budgetMs: number; breach: boolean }[];
  breaches: unknown[];
  stopReason?: string;
  error?: string;
}

function startEv(args: readonly string[], speed = SPEED): Spawned {
  return v2xsim(['ev', '--speed', speed, '--summary', ...args]);
}

async function evResult(p: Spawned): Promise<{ code: number | null; summary: EvSummary; stderr: string }> {
  const code = await p.exited;
  const line = p.out.stdout.trim().split('\n').filter((l) => l.startsWith('{')).at(-1);
  if (!line) throw new Error(`no summary line (exit ${code})\n${p.out.stderr}`);
  return { code, summary: JSON.parse(line) as EvSummary, stderr: p.out.stderr };
}

const runEv = (args: readonly string[], speed = SPEED) => evResult(startEv(args, speed));

const getJson = async (url: string): Promise<Record<string, unknown>> => (await (await fetch(url)).json()) as Record<string, unknown>;
const post = async (url: string, body: unknown): Promise<Record<string, unknown>> =>
  (await (await fetch(url, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } })).json()) as Record<string, unknown>;

interface LastSession {
  reason: string;
  protocol?: string;
  sessionId?: string;
  detail?: string;
  energyWh?: number;
  exportedWh?: number;
  renegotiations?: number;
}

/** The EVSE's record of its n-th session, once it has ended. */
async function served(evse: Evse, n: number): Promise<{ last: LastSession; health: Record<string, unknown> }> {
  const health = await until(async () => {
    const h = await getJson(`${evse.control}/health`);
    return (h.sessionsServed as number) >= n ? h : undefined;
  }, `EVSE session ${n} end`);
  return { last: health.lastSession as LastSession, health };
}

const near = (a: number, b: number, rel: number): boolean => Math.abs(a - b) <= rel * Math.max(Math.abs(a), Math.abs(b), 1);

async function traceOf(file: string): Promise<Record<string, unknown>[]> {
  await until(async () => ((await readFile(file, 'utf8').catch(() => '')).length > 0 ? true : undefined), `trace ${file}`);
  return (await readFile(file, 'utf8'))
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'v2xsim-iso20-'));
  pki = join(tmp, 'pki20');
  const init = v2xsim(['pki', 'init', '--out', pki, '--curve', 'P-521']);
  expect(await init.exited).toBe(0);
});

afterAll(async () => {
  for (const c of children) c.kill('SIGKILL');
  await rm(tmp, { recursive: true, force: true });
});

// -------------------------------------------------------------------------------- the matrix

type Transfer = 'AC' | 'DC';
interface Case {
  transfer: Transfer;
  bpt: boolean;
  mode: 'scheduled' | 'dynamic';
  payment: 'eim' | 'pnc';
}

/**
 * One -20-capable EVSE (TLS 1.2 for -2/DIN and TLS 1.3 for -20 on one port) per energy transfer,
 * serving its eight sessions one after another. Both sides integrate the energy over their own sim
 * clock, so the meters agree within what the wall-clock jitter at the session's ends is worth
 * (a process busy for 0.1 s counts 0.1 s × speed more): each session charges for over a wall second.
 */
const EVSE_20 = ['--payment', 'pnc,eim', '--protocols', 'iso20-dc,iso20-ac,iso2,din', '--max-power', '11000'];

describe.concurrent('ISO 15118-20 over TLS 1.3 (P-521, mutual authentication), separate processes: the matrix', () => {
  it.each(['DC', 'AC'] as const)('%s, with and without BPT × Scheduled and Dynamic × EIM and PnC', async (transfer) => {
    const traceFile = join(tmp, `evse-${transfer}.ndjson`);
    const evse = await startEvse(['--pki', pki, ...EVSE_20, '--trace', traceFile], MATRIX_SPEED);
    const cases: Case[] = [false, true].flatMap((bpt) => (['scheduled', 'dynamic'] as const).flatMap((mode) => (['eim', 'pnc'] as const).map((payment) => ({ transfer, bpt, mode, payment }))));
    let n = 0;
    for (const c of cases) {
      const protocol = c.transfer === 'AC' ? 'iso20-ac' : 'iso20-dc';
      const { code, summary, stderr } = await runEv([
        '--secc', `[::1]:${evse.secc}`, '--pki', pki, '--payment', c.payment,
        // -20 first, -2 as the fallback: the EV offers TLS 1.2–1.3 and gets 1.3
        '--protocols', `${protocol},iso2`, '--mode', c.transfer === 'AC' ? 'AC_three_phase_core' : 'DC_extended',
        '--control-mode', c.mode, ...(c.bpt ? ['--bpt'] : []), '--target-soc', '22', '--max-soc', '22',
      ], MATRIX_SPEED);
      const what = `${JSON.stringify(c)}\n${stderr}`;
      const service = `${c.transfer}${c.bpt ? '_BPT' : ''}`;
      expect(summary, what).toMatchObject({ ok: true, protocol, tls: true, tlsVersion: 'TLSv1.3', payment: c.payment, service, controlMode: c.mode === 'scheduled' ? 'Scheduled' : 'Dynamic', breaches: [] });
      expect(code).toBe(0);
      expect(summary.energyWh, what).toBeGreaterThan(0);
      expect(summary.socEnd).toBeGreaterThan(summary.socStart);
      expect(summary.stopReason).toBe('charging-complete');
      expect(summary.messages[`${c.transfer}_ChargeLoopReq`], what).toBeGreaterThanOrEqual(1);
      expect(summary.messages.SessionStopRes).toBe(1);
      if (c.transfer === 'DC') expect(summary.messages.DC_CableCheckRes).toBeGreaterThanOrEqual(1);
      // the EVSE's meter saw the same session
      const { last } = await served(evse, ++n);
      expect(last, what).toMatchObject({ reason: 'stopped', protocol, sessionId: summary.sessionId });
      expect(near(last.energyWh!, summary.energyWh, 0.15), `EVSE ${last.energyWh} Wh, EV ${summary.energyWh} Wh`).toBe(true);
    }
    evse.child.kill('SIGTERM');
    expect(await evse.exited).toBe(0);

    // every -20 message traced, each response timed against its performance time (0.25 s in the charge loop)
    const events = (await traceOf(traceFile)).filter((e) => e.protocol === 'iso15118-20');
    expect(events.length).toBeGreaterThan(cases.length * 20);
    // both services of the namespace were used
    const services = events.filter((e) => e.message === 'ServiceSelectionReq').map((e) => (e.body as { ServiceSelectionReq: { SelectedEnergyTransferService: { ServiceID: number } } }).ServiceSelectionReq.SelectedEnergyTransferService.ServiceID);
    expect(new Set(services)).toEqual(new Set(transfer === 'DC' ? [2, 6] : [1, 5]));
    const tx = events.filter((e) => e.direction === 'tx');
    for (const e of tx) expect(e.timing, String(e.message)).toMatchObject({ kind: 'secc-performance' });
    expect(tx.find((e) => e.message === `${transfer}_ChargeLoopRes`)?.timing).toMatchObject({ budgetMs: 250 });
    expect(tx.find((e) => e.message === 'SessionSetupRes')?.timing).toMatchObject({ budgetMs: 1500 });
    expect(events.every((e) => e.version === undefined)).toBe(true);
  }, 150_000);
});

// -------------------------------------------------------------------------------- fallbacks

describe.concurrent('fallbacks', () => {
  it('a SCALE -20 EV at a standard -20 EVSE runs standard -20; with a SCALE EVSE it runs the SCALE namespace', async () => {
    const standard = await startEvse(['--protocols', 'iso20-dc', '--max-power', '22000']);
    const std = await runEv(['--secc', `[::1]:${standard.secc}`, '--protocols', 'iso20-dc-scale,iso20-dc', '--bpt', '--target-soc', '21']);
    expect(std.summary, std.stderr).toMatchObject({ ok: true, protocol: 'iso20-dc', namespace: ISO20_DC, service: 'DC_BPT' });
    expect(std.summary.tlsVersion).toBeUndefined();

    const traceFile = join(tmp, 'evse-scale.ndjson');
    const scale = await startEvse(['--protocols', 'iso20-dc-scale,iso20-dc', '--max-power', '22000', '--trace', traceFile]);
    const sc = await runEv(['--secc', `[::1]:${scale.secc}`, '--protocols', 'iso20-dc-scale,iso20-dc', '--bpt', '--target-soc', '21', '--v2x-budget', '4000']);
    expect(sc.summary, sc.stderr).toMatchObject({ ok: true, protocol: 'iso20-dc-scale', namespace: SCALE20_DC, service: 'DC_BPT', remainingV2gEnergyWh: 4000 });
    await served(scale, 1);
    scale.child.kill('SIGTERM');
    await scale.exited;
    const events = (await traceOf(traceFile)).filter((e) => e.protocol === 'iso15118-20');
    // the SCALE namespace is the trace's version; its RemainingV2GEnergy reached the EVSE
    expect(events.every((e) => e.version === SCALE20_DC)).toBe(true);
    const cpd = events.find((e) => e.message === 'DC_ChargeParameterDiscoveryReq')?.body as { DC_ChargeParameterDiscoveryReq: { BPT_DC_CPDReqEnergyTransferMode: Record<string, unknown> } };
    expect(cpd.DC_ChargeParameterDiscoveryReq.BPT_DC_CPDReqEnergyTransferMode.RemainingV2GEnergy).toEqual({ Exponent: 0, Value: 4000 });
    standard.child.kill('SIGTERM');
  }, 120_000);

  it('a -20 EV at a -2-only EVSE over TLS gets TLS 1.2 and falls back to ISO 15118-2', async () => {
    const evse = await startEvse(['--pki', pki, '--protocols', 'iso2,din']);
    const { summary, stderr } = await runEv(['--secc', `[::1]:${evse.secc}`, '--pki', pki, '--protocols', 'iso20-dc,iso2', '--target-soc', '21']);
    expect(summary, stderr).toMatchObject({ ok: true, protocol: 'iso2', tls: true, tlsVersion: 'TLSv1.2' });
    expect(summary.messages.CurrentDemandReq).toBeGreaterThanOrEqual(1);
    evse.child.kill('SIGTERM');
  }, 120_000);
});

// -------------------------------------------------------------------------------- TLS refusals

/** A bare TLS 1.3 client on the SECC port: resolves with how it ended. */
async function tls13Attempt(port: number, identity: { cert?: string; key?: string }): Promise<string> {
  const p = await loadPki(pki);
  return connectToSecc({ host: '::1', port, tls: { ...TLS_ISO15118_20, ca: p.roots.v2g!, ...identity } }).then(
    async (conn) => {
      // TLS 1.3: the client may finish before the server's verdict; it gets no data, only the close
      await conn.send(V2gtpPayloadType.Exi, getCodec('apphand').encode(appProtocolReq(['iso20-dc']) as never)).catch(() => undefined);
      const r = await conn.receive({ timeoutMs: 3000 }).then(
        () => 'answered',
        (e: { code: string }) => e.code,
      );
      await conn.close();
      return r;
    },
    (e: { code: string }) => e.code,
  );
}

describe('a SECC serving ISO 15118-20 (TLS 1.3) and -2 (TLS 1.2) on one port', () => {
  it('refuses a TLS 1.3 EV without a certificate or with an untrusted one in the handshake, and serves the next EVs (-20 and -2)', async () => {
    const evse = await startEvse(['--pki', pki, '--protocols', 'iso20-dc,iso2,din', '--max-power', '22000']);
    const loaded = await loadPki(pki);
    expect(['TLS_HANDSHAKE_FAILED', 'CLOSED']).toContain(await tls13Attempt(evse.secc, {}));
    // the contract chain leads to the MO root, not to the OEM root the SECC trusts for TLS
    expect(['TLS_HANDSHAKE_FAILED', 'CLOSED']).toContain(await tls13Attempt(evse.secc, { cert: loaded.contract!.chainPem, key: loaded.contract!.keyPem }));
    // no session was started by either
    expect((await getJson(`${evse.control}/health`)).sessionsServed).toBe(0);

    const ev20 = await runEv(['--secc', `[::1]:${evse.secc}`, '--pki', pki, '--protocols', 'iso20-dc', '--target-soc', '21']);
    expect(ev20.summary, ev20.stderr).toMatchObject({ ok: true, protocol: 'iso20-dc', tlsVersion: 'TLSv1.3' });
    // an ISO 15118-2 EV (TLS 1.2 only, no client certificate) is still served
    const ev2 = await runEv(['--secc', `[::1]:${evse.secc}`, '--pki', pki, '--protocols', 'iso2', '--target-soc', '21']);
    expect(ev2.summary, ev2.stderr).toMatchObject({ ok: true, protocol: 'iso2', tlsVersion: 'TLSv1.2' });
    expect((await served(evse, 2)).last).toMatchObject({ reason: 'stopped', protocol: 'iso2' });
    evse.child.kill('SIGTERM');
  }, 120_000);
});

// -------------------------------------------------------------------------------- V2G

describe('V2G: bidirectional power transfer between the processes', () => {
  it('charges, discharges on the EVSE’s command, charges again: meters match the EV’s energy balance, round-trip efficiency included', async () => {
    const evse = await startEvse(['--protocols', 'iso20-dc-scale,iso20-dc', '--max-power', '20000']);
    const ev = startEv([
      '--secc', `[::1]:${evse.secc}`, '--protocols', 'iso20-dc-scale', '--bpt', '--soc', '40', '--min-soc', '20', '--target-soc', '80',
      '--efficiency', '0.9', '--v2x-budget', '5000', '--control-port', '0',
    ]);
    const evControl = await until(() => /control=(http\S+)/.exec(ev.out.stderr)?.[1], 'EV banner', ev);
    const charged = async (what: 'importedWh' | 'exportedWh', above: number) =>
      until(async () => {
        const m = (await getJson(`${evse.control}/health`)).meter as Record<string, number>;
        return m[what] > above ? m : undefined;
      }, `EVSE ${what} above ${above}`);
    await charged('importedWh', 1000);
    // the operator asks for 8 kW back: a Scheduled session renegotiates to a discharging schedule
    expect(await post(`${evse.control}/actions/discharge`, { setpointW: -8000 })).toMatchObject({ ok: true, service: 'DC_BPT', controlMode: 'Scheduled', renegotiation: true });
    await charged('exportedWh', 1000);
    expect(await post(`${evse.control}/actions/discharge`, { setpointW: null })).toMatchObject({ ok: true, renegotiation: true });
    const before = ((await getJson(`${evse.control}/health`)).meter as Record<string, number>).importedWh;
    await charged('importedWh', before + 1000);
    await post(`${evControl}/actions/stop`, {});
    const { summary, stderr } = await evResult(ev);
    expect(summary, stderr).toMatchObject({ ok: true, protocol: 'iso20-dc-scale', service: 'DC_BPT', stopReason: 'driver' });
    const { last, health } = await served(evse, 1);
    const meter = health.meter as { importedWh: number; exportedWh: number };
    // import and export registers = the EV's inlet energy in and out
    expect(near(meter.importedWh, summary.energyWh, 0.05), `import ${meter.importedWh} vs ${summary.energyWh}`).toBe(true);
    expect(near(meter.exportedWh, summary.dischargedWh!, 0.05), `export ${meter.exportedWh} vs ${summary.dischargedWh}`).toBe(true);
    expect(last).toMatchObject({ reason: 'stopped', renegotiations: 2 });
    // the battery: in × √η − out / √η (D2.3 round-trip efficiency split evenly)
    const eta = Math.sqrt(0.9);
    const batteryWh = ((summary.socEnd - summary.socStart) / 100) * 60_000;
    expect(batteryWh).toBeCloseTo(summary.energyWh * eta - summary.dischargedWh! / eta, -1);
    expect(summary.remainingV2gEnergyWh).toBeCloseTo(5000 - summary.dischargedWh!, 0);
    // each renegotiation timed against SCALE_Renegotiation_Timeout
    expect(summary.renegotiations).toHaveLength(2);
    for (const r of summary.renegotiations!) expect(r).toMatchObject({ budgetMs: 7000, breach: false });
    evse.child.kill('SIGTERM');
  }, 120_000);
});

// -------------------------------------------------------------------------------- negatives

/** SupportedAppProtocol for `id` over plain TCP, answered. */
async function sapOver(port: number, id: 'iso20-dc'): Promise<V2gConnection> {
  const conn = await connectToSecc({ host: '::1', port });
  await conn.send(V2gtpPayloadType.Exi, getCodec('apphand').encode(appProtocolReq([id]) as never));
  const res = getCodec('apphand').decode((await conn.receive({ timeoutMs: 2000 })).payload) as { supportedAppProtocolRes: { ResponseCode: string } };
  expect(res.supportedAppProtocolRes.ResponseCode).toBe('OK_SuccessfulNegotiation');
  return conn;
}

describe('negatives at process level', () => {
  let evse: Evse;
  let traceFile: string;
  beforeAll(async () => {
    traceFile = join(tmp, 'evse-negatives.ndjson');
    evse = await startEvse(['--protocols', 'iso20-dc', '--max-power', '22000', '--trace', traceFile]);
  });
  afterAll(() => void evse.child.kill('SIGTERM'));
  // sessions the EVSE has served when each test starts (a failed test does not shift the next)
  let sessions = 0;
  beforeEach(async () => {
    sessions = (await getJson(`${evse.control}/health`)).sessionsServed as number;
  });

  it('a discharge asked beyond the EV’s limits: the EV keeps to them, and the meter agrees', async () => {
    await post(`${evse.control}/actions/discharge`, { setpointW: -40_000 });
    const evTrace = join(tmp, 'ev-limits.ndjson');
    const { summary, stderr } = await runEv([
      '--secc', `[::1]:${evse.secc}`, '--protocols', 'iso20-dc', '--bpt', '--control-mode', 'dynamic', '--discharge-max-power', '5000',
      '--soc', '60', '--min-soc', '20', '--departure', '1200', '--trace', evTrace,
    ]);
    await post(`${evse.control}/actions/discharge`, { setpointW: null });
    expect(summary, stderr).toMatchObject({ ok: true, service: 'DC_BPT', controlMode: 'Dynamic', stopReason: 'departure', energyWh: 0 });
    expect(summary.dischargedWh).toBeGreaterThan(100);
    const powers = (await traceOf(evTrace))
      .filter((e) => e.message === 'DC_ChargeLoopRes')
      .map((e) => {
        const b = (e.body as { DC_ChargeLoopRes: Record<string, { Value: number; Exponent: number }> }).DC_ChargeLoopRes;
        const n = (r: { Value: number; Exponent: number }) => r.Value * 10 ** r.Exponent;
        return n(b.EVSEPresentVoltage!) * n(b.EVSEPresentCurrent!);
      });
    expect(Math.min(...powers)).toBeLessThan(-4000);
    expect(Math.min(...powers)).toBeGreaterThanOrEqual(-5000 * 1.05);
    const { last } = await served(evse, ++sessions);
    expect(near(last.exportedWh!, summary.dischargedWh!, 0.15)).toBe(true);
  });

  it('an EV that pauses longer than 0.5 s in the charge loop: the SECC ends the session on its sequence timeout', async () => {
    const { summary } = await runEv(['--secc', `[::1]:${evse.secc}`, '--protocols', 'iso20-dc', '--loop-ms', '900', '--target-soc', '30']);
    expect(summary.ok).toBe(false);
    const { last } = await served(evse, ++sessions);
    expect(last).toMatchObject({ reason: 'sequence-timeout', protocol: 'iso20-dc' });
    expect(last.detail).toMatch(/charge loop/);
  });

  it('an undecodable request gets FAILED in its namespace and the connection closes', async () => {
    const conn = await sapOver(evse.secc, 'iso20-dc');
    await conn.send(V2gtpPayloadType.CommonMessages, Uint8Array.of(0xff, 0xff, 0xff, 0xff));
    const msg = await conn.receive({ timeoutMs: 2000 });
    expect(msg.payloadType).toBe(V2gtpPayloadType.CommonMessages);
    expect(getCodec('iso20-cm').decode(msg.payload)).toMatchObject({ SessionSetupRes: { ResponseCode: 'FAILED' } });
    expect((await conn.closed).kind).toBe('peer');
    expect((await served(evse, ++sessions)).last).toMatchObject({ reason: 'undecodable', protocol: 'iso20-dc' });
  });

  it('a request in an unexpected payload type (0x8001 after the handshake) is refused, traced, and the connection closes', async () => {
    const conn = await sapOver(evse.secc, 'iso20-dc');
    const setup = getCodec('iso20-cm').encode({ SessionSetupReq: { Header: { SessionID: '0000000000000000', TimeStamp: 1 }, EVCCID: '02005600a1b2' } } as never);
    await conn.send(V2gtpPayloadType.Exi, setup);
    const msg = await conn.receive({ timeoutMs: 2000 });
    expect(getCodec('iso20-cm').decode(msg.payload)).toMatchObject({ SessionSetupRes: { ResponseCode: 'FAILED' } });
    expect((await conn.closed).kind).toBe('peer');
    expect((await served(evse, ++sessions)).last).toMatchObject({ reason: 'undecodable' });
    // the trace file is written in batches: wait for the refused request to be there
    const refused = await until(async () => {
      const r = (await traceOf(traceFile)).filter((e) => e.protocol === 'iso15118-20' && e.direction === 'rx' && typeof e.error === 'string');
      return r.some((e) => /unexpected V2GTP payload type/.test(String(e.error))) ? r : undefined;
    }, 'the refused request in the EVSE trace file');
    expect(refused.map((e) => e.error).join('\n')).toMatch(/unexpected V2GTP payload type Exi in an iso20-dc session/);
    // and the SECC serves the next EV
    const { summary } = await runEv(['--secc', `[::1]:${evse.secc}`, '--protocols', 'iso20-dc', '--target-soc', '21']);
    expect(summary.ok).toBe(true);
  });
});
