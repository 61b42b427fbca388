// `v2xsim evse` and `v2xsim ev` as real OS processes over real sockets (bin/v2xsim.js runs
// packages/cli/dist: `pnpm test` builds first). The matrix: DIN 70121 DC; ISO 15118-2 AC and DC
// × EIM and Plug & Charge × TLS on and off; the SCALE -2 variant against a standard peer and with
// a SCALE peer.
// Each session must end normally with energy > 0, SoC up, and the EVSE's meter agreeing with the
// EV. Then the control API (health, actions, a bad one → 400, the live trace) and an EVSE that
// survives an EV killed during CurrentDemand.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { children, traceStream, until, v2xsim, type Spawned } from './support/processes.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildProgram } from '../packages/cli/src/program.js';

const SPEED = '600';

let tmp: string;
let pki: string;


interface Evse extends Spawned {
  secc: number;
  sdp?: number;
  control: string;
}

async function startEvse(args: readonly string[]): Promise<Evse> {
  const p = v2xsim(['evse', '--speed', SPEED, ...args]);
  const banner = await until(() => /v2xsim evse ready: .*/.exec(p.out.stderr)?.[0], 'EVSE banner', p);
  return {
    ...p,
    secc: Number(/secc=tc?l?s?p?:\/\/\S+:(\d+)/.exec(banner)![1]),
    ...(/sdp=udp/.test(banner) ? { sdp: Number(/sdp=udp:\/\/\S+:(\d+)/.exec(banner)![1]) } : {}),
    control: /control=(\S+)/.exec(banner)![1]!,
  };
}

interface EvSummary {
  ok: boolean;
  protocol?: string;
  namespace?: string;
  sessionId?: string;
  tls: boolean;
  payment?: string;
  discovery: string;
  messages: Record<string, number>;
  energyWh: number;
  socStart: number;
  socEnd: number;
  breaches: unknown[];
  stopReason?: string;
  error?: string;
}

async function runEv(args: readonly string[]): Promise<{ code: number | null; summary: EvSummary; stderr: string }> {
  const p = v2xsim(['ev', '--speed', SPEED, '--summary', ...args]);
  const code = await p.exited;
  const line = p.out.stdout.trim().split('\n').filter((l) => l.startsWith('{')).at(-1);
  if (!line) throw new Error(`no summary line (exit ${code})\n${p.out.stderr}`);
  return { code, summary: JSON.parse(line) as EvSummary, stderr: p.out.stderr };
}

const getJson = async (url: string): Promise<{ status: number; body: Record<string, unknown> }> => {
  const res = await fetch(url);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};

const post = async (url: string, body?: string): Promise<{ status: number; body: Record<string, unknown> }> => {
  const res = await fetch(url, { method: 'POST', ...(body !== undefined ? { body, headers: { 'content-type': 'application/json' } } : {}) });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};


beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'v2xsim-processes-'));
  pki = join(tmp, 'pki');
  const init = v2xsim(['pki', 'init', '--out', pki]);
  expect(await init.exited).toBe(0);
});

afterAll(async () => {
  for (const c of children) c.kill('SIGKILL');
  await rm(tmp, { recursive: true, force: true });
});

interface Case {
  name: string;
  evse: string[];
  ev: string[];
  protocol: string;
  namespace: string;
  tls: boolean;
  payment?: 'eim' | 'pnc';
  /** messages the session must have had */
  has?: string[];
  loop: 'CurrentDemandReq' | 'ChargingStatusReq';
  /** find the SECC by SDP (default) or give its address */
  direct?: boolean;
}

const ISO2 = 'urn:iso:15118:2:2013:MsgDef';
const SCALE = 'urn:scale:15118:2:2013:MsgDef';
const DC = ['--mode', 'DC_extended', '--target-soc', '28'];
const AC = ['--mode', 'AC_three_phase_core', '--target-soc', '22'];
const withPki = (): string[] => ['--pki', pki];

const PNC_EVSE = ['<pki>', '--payment', 'pnc,eim'];
const PNC_EV = ['<pki>', '--payment', 'pnc'];

const MATRIX: Case[] = [
  { name: 'DIN 70121 DC (SECC address given)', evse: ['--protocols', 'din,iso2'], ev: ['--protocols', 'din', ...DC], protocol: 'din', namespace: 'urn:din:70121:2012:MsgDef', tls: false, loop: 'CurrentDemandReq', direct: true },
  { name: 'ISO 15118-2 DC, EIM, TCP', evse: [], ev: DC, protocol: 'iso2', namespace: ISO2, tls: false, loop: 'CurrentDemandReq' },
  { name: 'ISO 15118-2 DC, EIM, TLS', evse: ['<pki>'], ev: ['<pki>', ...DC], protocol: 'iso2', namespace: ISO2, tls: true, loop: 'CurrentDemandReq' },
  { name: 'ISO 15118-2 AC, EIM, TCP', evse: [], ev: AC, protocol: 'iso2', namespace: ISO2, tls: false, loop: 'ChargingStatusReq' },
  { name: 'ISO 15118-2 AC, EIM, TLS', evse: ['<pki>'], ev: ['<pki>', ...AC], protocol: 'iso2', namespace: ISO2, tls: true, loop: 'ChargingStatusReq' },
  { name: 'ISO 15118-2 DC, Plug & Charge, TLS, signed metering receipts', evse: [...PNC_EVSE, '--receipts'], ev: [...PNC_EV, ...DC], protocol: 'iso2', namespace: ISO2, tls: true, loop: 'CurrentDemandReq', payment: 'pnc', has: ['PaymentDetailsRes', 'MeteringReceiptRes'] },
  { name: 'ISO 15118-2 AC, Plug & Charge, TLS, contract installed first', evse: PNC_EVSE, ev: [...PNC_EV, '--install-contract', ...AC], protocol: 'iso2', namespace: ISO2, tls: true, loop: 'ChargingStatusReq', payment: 'pnc', has: ['CertificateInstallationRes', 'PaymentDetailsRes'] },
  { name: 'ISO 15118-2 DC, Plug & Charge, TCP', evse: [...PNC_EVSE, '--no-tls'], ev: [...PNC_EV, '--no-tls', ...DC], protocol: 'iso2', namespace: ISO2, tls: false, loop: 'CurrentDemandReq', payment: 'pnc', has: ['PaymentDetailsRes'] },
  { name: 'ISO 15118-2 AC, Plug & Charge, TCP', evse: [...PNC_EVSE, '--no-tls'], ev: [...PNC_EV, '--no-tls', ...AC], protocol: 'iso2', namespace: ISO2, tls: false, loop: 'ChargingStatusReq', payment: 'pnc', has: ['PaymentDetailsRes'] },
  { name: 'SCALE -2 EV, standard EVSE: falls back to ISO 15118-2', evse: ['--protocols', 'iso2'], ev: ['--protocols', 'iso2-scale,iso2', ...DC], protocol: 'iso2', namespace: ISO2, tls: false, loop: 'CurrentDemandReq' },
  { name: 'standard EV, SCALE EVSE: ISO 15118-2', evse: ['--protocols', 'iso2-scale,iso2'], ev: ['--protocols', 'iso2', ...DC], protocol: 'iso2', namespace: ISO2, tls: false, loop: 'CurrentDemandReq' },
  { name: 'SCALE EV, SCALE EVSE: the SCALE variant', evse: ['--protocols', 'iso2-scale,iso2'], ev: ['--protocols', 'iso2-scale,iso2', ...AC], protocol: 'iso2-scale', namespace: SCALE, tls: false, loop: 'ChargingStatusReq' },
];

const expand = (args: string[]): string[] => args.flatMap((a) => (a === '<pki>' ? withPki() : [a]));

describe.concurrent('EV ↔ EVSE as separate processes: the matrix', () => {
  it.each(MATRIX)('$name', async (c) => {
    const evse = await startEvse([...(c.direct ? ['--no-sdp'] : ['--sdp-port', '0']), ...expand(c.evse)]);
    const target = c.direct ? ['--secc', `[::1]:${evse.secc}`] : ['--sdp-port', String(evse.sdp)];
    const { code, summary, stderr } = await runEv([...target, ...expand(c.ev)]);
    expect(summary, stderr).toMatchObject({ ok: true, protocol: c.protocol, namespace: c.namespace, tls: c.tls, payment: c.payment ?? 'eim', discovery: c.direct ? 'configured' : 'sdp', breaches: [] });
    for (const m of c.has ?? []) expect(summary.messages[m], m).toBeGreaterThanOrEqual(1);
    expect(code).toBe(0);
    expect(summary.error).toBeUndefined();
    expect(summary.energyWh).toBeGreaterThan(0);
    expect(summary.socEnd).toBeGreaterThan(summary.socStart);
    expect(summary.stopReason).toBe('charging-complete');
    expect(summary.messages[c.loop]).toBeGreaterThanOrEqual(1);
    expect(summary.messages.SessionStopRes).toBe(1);
    if (!c.direct) expect(summary.messages.SDPRes).toBe(1);
    // the EVSE's meter saw the same session, within the two sides' integration error
    const health = await until(async () => {
      const h = (await getJson(`${evse.control}/health`)).body;
      return h.sessionsServed === 1 ? h : undefined;
    }, 'EVSE session end');
    const last = health.lastSession as { reason: string; protocol: string; sessionId: string; energyWh: number };
    expect(last).toMatchObject({ reason: 'stopped', protocol: c.protocol, sessionId: summary.sessionId });
    expect(Math.abs(last.energyWh - summary.energyWh) / summary.energyWh).toBeLessThan(0.15);
    evse.child.kill('SIGTERM');
    expect(await evse.exited).toBe(0);
  });
});

describe.concurrent('the control API', () => {
  it('health, actions, a bad action → 400 and the process runs on, the live trace, manual authorisation', async () => {
    const evse = await startEvse(['--no-sdp', '--authorize', 'manual']);
    expect(await getJson(`${evse.control}/health`)).toMatchObject({ status: 200, body: { status: 'ok', role: 'evse', state: 'idle', sessionsServed: 0, authorization: 'manual' } });

    const unknown = await post(`${evse.control}/actions/teleport`);
    expect(unknown.status).toBe(400);
    expect(unknown.body.message).toMatch(/unknown action "teleport".*authorize, stop, set-limit/);
    const badJson = await post(`${evse.control}/actions/set-limit`, '{"maxPowerW": ');
    expect(badJson.status).toBe(400);
    expect(badJson.body.message).toMatch(/JSON/);
    const badValue = await post(`${evse.control}/actions/set-limit`, '{"maxPowerW": -5}');
    expect(badValue).toMatchObject({ status: 400, body: { message: 'body.maxPowerW: must be >= 0' } });
    const unknownKey = await post(`${evse.control}/actions/set-limit`, '{"maxPowerW": 5, "phase": 2}');
    expect(unknownKey).toMatchObject({ status: 400, body: { message: 'body: unknown key "phase"' } });
    expect(await post(`${evse.control}/actions/stop`)).toMatchObject({ status: 409 });
    expect((await getJson(`${evse.control}/health`)).body.status).toBe('ok');

    const trace = traceStream(evse.control);
    await trace.opened;
    const ev = v2xsim(['ev', '--speed', SPEED, '--summary', '--secc', `[::1]:${evse.secc}`, '--target-soc', '28']);
    const evControl = await until(() => /control=(\S+)/.exec(ev.out.stderr)?.[1], 'EV banner', ev);
    // the EVSE holds the EV in Authorization until the operator authorises
    await until(async () => ((await getJson(`${evse.control}/health`)).body.state === 'authorizing' ? true : undefined), 'EVSE authorizing');
    expect((await getJson(`${evControl}/health`)).body).toMatchObject({ status: 'ok', role: 'ev', state: 'in-session', protocol: 'iso2', lastMessage: 'AuthorizationRes' });
    expect((await post(`${evControl}/actions/fly`)).status).toBe(400);
    expect((await post(`${evControl}/actions/set-needs`, '{"targetSoc": "lots"}')).status).toBe(400);
    expect((await post(`${evControl}/actions/set-needs`, '{}')).status).toBe(400);
    expect(await post(`${evControl}/actions/set-needs`, '{"targetSoc": 33}')).toMatchObject({ status: 200, body: { ok: true, changed: true, needs: { targetSoc: 33 } } });
    expect(await post(`${evse.control}/actions/authorize`)).toMatchObject({ status: 200, body: { ok: true, session: 'current' } });

    expect(await ev.exited).toBe(0);
    const summary = JSON.parse(ev.out.stdout.trim()) as EvSummary;
    expect(summary).toMatchObject({ ok: true, protocol: 'iso2' });
    expect(summary.socEnd).toBeGreaterThan(32.9); // stops at the new target (to within the last step)
    expect(summary.messages.AuthorizationReq).toBeGreaterThan(1);

    // the live trace: one event per message, each one JSON line, as the EVSE saw them
    await until(() => (trace.events.some((e) => e.message === 'SessionStopRes') ? true : undefined), 'SessionStopRes in the trace');
    trace.close();
    const names = trace.events.map((e) => e.message);
    expect(names.slice(0, 4)).toEqual(['supportedAppProtocolReq', 'supportedAppProtocolRes', 'SessionSetupReq', 'SessionSetupRes']);
    expect(names).toContain('CurrentDemandRes');
    expect(trace.events.every((e) => e.actor === 'evse' && e.link === 'ev-evse' && typeof e.ts === 'number' && typeof e.simTime === 'number')).toBe(true);
    const cd = trace.events.find((e) => e.message === 'CurrentDemandRes')!;
    expect(cd).toMatchObject({ direction: 'tx', protocol: 'iso15118-2', correlationId: summary.sessionId, timing: { kind: 'secc-performance', budgetMs: 25 } });

    // a late subscriber asks for the recent past first
    const replay = traceStream(evse.control, 3);
    await replay.opened;
    await until(() => (replay.events.length === 3 ? true : undefined), 'the replayed events');
    replay.close();
    expect(replay.events.map((e) => e.message)).toEqual(names.slice(-3));

    expect((await getJson(`${evse.control}/health`)).body).toMatchObject({ state: 'idle', sessionsServed: 1, lastSession: { reason: 'stopped' } });
    evse.child.kill('SIGINT');
    expect(await evse.exited).toBe(0);
  });
});

describe.concurrent('robustness', () => {
  it('the EVSE survives an EV killed (SIGKILL) during CurrentDemand and serves the next EV', async () => {
    const evse = await startEvse(['--no-sdp']);
    const trace = traceStream(evse.control);
    await trace.opened;
    const doomed = v2xsim(['ev', '--speed', SPEED, '--secc', `[::1]:${evse.secc}`, '--target-soc', '90', '--summary']);
    await until(() => (trace.events.some((e) => e.message === 'CurrentDemandReq') ? true : undefined), 'CurrentDemand', doomed);
    doomed.child.kill('SIGKILL');
    expect(await doomed.exited).toBeNull();
    const afterKill = await until(async () => {
      const h = (await getJson(`${evse.control}/health`)).body;
      return h.sessionsServed === 1 ? h : undefined;
    }, 'EVSE notices the dropped connection');
    expect(afterKill).toMatchObject({ state: 'idle', lastSession: { reason: 'peer-closed', protocol: 'iso2' } });
    trace.close();

    const { code, summary } = await runEv(['--secc', `[::1]:${evse.secc}`, '--target-soc', '28']);
    expect(code).toBe(0);
    expect(summary.ok).toBe(true);
    expect(summary.energyWh).toBeGreaterThan(0);
    expect((await getJson(`${evse.control}/health`)).body).toMatchObject({ sessionsServed: 2, lastSession: { reason: 'stopped' } });
    evse.child.kill('SIGTERM');
    expect(await evse.exited).toBe(0);
  });

  it('an EV that finds no SECC fails with exit 1 and says why', async () => {
    const { code, summary } = await runEv(['--secc', '[::1]:9', '--target-soc', '28']);
    expect(code).toBe(1);
    expect(summary.ok).toBe(false);
    expect(summary.error).toMatch(/connect/);
  });
});

/** The CLI in this process (no spawn): for configuration errors, which end before any socket opens. */
async function cliInProcess(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = { stdout: '', stderr: '' };
  const sink = (key: 'stdout' | 'stderr') => new Writable({ write: (chunk: Buffer, _enc, done) => ((out[key] += chunk.toString()), done()) });
  const program = buildProgram({ stdin: Readable.from([]), stdout: sink('stdout'), stderr: sink('stderr') });
  let code = 0;
  program.exitOverride((err) => {
    code = err.exitCode;
    throw err;
  });
  try {
    await program.parseAsync(['node', 'v2xsim', ...args]);
  } catch (e) {
    // commander's exit, carried as an error (exitCode); anything else is a bug
    if (!(e instanceof Error && 'exitCode' in e)) throw e;
  }
  return { code, ...out };
}

describe.concurrent('configuration: YAML file and flags', () => {
  it('flags override the file; unknown keys and bad values are exit 2 with their key paths', async () => {
    const file = async (name: string, text: string) => {
      const path = join(tmp, name);
      await writeFile(path, text);
      return path;
    };
    const [good, bad, evseBad, syntax] = await Promise.all([
      file('ev.yaml', 'id: ev-yaml\nbattery:\n  soc: 35\nneeds:\n  targetSoc: 50\nsummary: true\n'),
      file('bad-ev.yaml', 'battery:\n  soc: 120\n  colour: red\nprotocols: [iso2, iso20]\npayment: card\n'),
      file('bad-evse.yaml', 'listen:\n  port: 70000\nlimits:\n  schedule:\n    - { startS: 0, pMax: 1 }\n'),
      file('syntax.yaml', 'id: [unclosed\n'),
    ]);
    // one real process, for the exit status; the rest in this process
    const flag = v2xsim(['ev', '--soc', '101']);
    // the file's SoC, the flag's target; an unreachable SECC ends it quickly (exit 1)
    const run = await cliInProcess(['ev', '--config', good, '--target-soc', '45', '--secc', '[::1]:9']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/v2xsim ev ready: id=ev-yaml .*soc=35 target=45/);
    expect(JSON.parse(run.stdout.trim())).toMatchObject({ actor: 'ev-yaml', socStart: 35 });

    const r = await cliInProcess(['ev', '--config', bad]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/battery\.soc: must be ≤ 100, got 120/);
    expect(r.stderr).toMatch(/battery\.colour: unknown key/);
    expect(r.stderr).toMatch(/protocols\[1\]: must be one of iso2, iso2-scale, din/);
    expect(r.stderr).toMatch(/payment: must be one of eim, pnc, got "card"/);

    const e = await cliInProcess(['evse', '--config', evseBad, '--no-sdp']);
    expect(e.code).toBe(2);
    expect(e.stderr).toMatch(/listen\.port: must be ≤ 65535/);
    expect(e.stderr).toMatch(/limits\.schedule\[0\]\.pMax: unknown key/);

    const y = await cliInProcess(['evse', '--config', syntax]);
    expect(y.code).toBe(2);
    expect(y.stderr).toMatch(/syntax\.yaml/);

    const tlsNoPki = await cliInProcess(['evse', '--tls', '--no-sdp']);
    expect(tlsNoPki.code).toBe(2);
    expect(tlsNoPki.stderr).toMatch(/pki: TLS needs the PKI folder/);

    const badFlag = await cliInProcess(['evse', '--authorize', 'sometimes']);
    expect(badFlag.code).toBe(2);
    expect(badFlag.stderr).toMatch(/expected auto, manual or a delay in ms/);

    expect(await flag.exited).toBe(2);
    expect(flag.out.stderr).toMatch(/battery\.soc: must be ≤ 100, got 101 \(from --soc\)/);
  });
});
