// `v2xsim gaps` for real (bin/v2xsim.js runs packages/cli/dist: `pnpm test` builds first): three
// stacks of the matrix, each a whole session of four OS processes (EV, EVSE, CSMS, SCSP) over ISO
// 15118-20 DC_BPT, OCPP 1.6 or 2.0.1 (SCALE off and on) and OCPI 2.2.1, run in parallel. The
// report must reproduce D2.3 §8's findings of issue 7 on the real traces: no V2X data over OCPP
// 1.6 / 2.0.1, no EV data at the SCSP over OCPI 2.2.1, the session id reaching the CSMS only with
// the SCALE extension. And bad flags get exit 2.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { gaps } from '@v2xsim/scenario';
import { children, v2xsim } from './support/processes.js';

const out = mkdtempSync(join(tmpdir(), 'v2xsim-gaps-'));
afterAll(() => {
  for (const c of children) c.kill('SIGKILL');
  rmSync(out, { recursive: true, force: true });
});

const STD16 = 'gaps-iso20-dc-bpt-ocpp1.6-ocpi-std';
const STD201 = 'gaps-iso20-dc-bpt-ocpp2.0.1-ocpi-std';
const SCALE201 = 'gaps-iso20-dc-bpt-ocpp2.0.1-ocpi-scale';

describe('v2xsim gaps: a small matrix run for real', () => {
  it('reproduces D2.3 §8: no V2X over OCPP 1.6 / 2.0.1, no EV data at the SCSP, the session id at the CSMS only with SCALE', async () => {
    const json = join(out, 'gaps.json');
    const html = join(out, 'gaps.html');
    const p = v2xsim(['gaps', '--only', 'iso20-dc-bpt-ocpp1.6,iso20-dc-bpt-ocpp2.0.1', '--parallel', '3', '--runs', join(out, 'runs'), '--json', '--out', json, '--html', html]);
    const code = await p.exited;
    const report = JSON.parse(readFileSync(json, 'utf8')) as gaps.GapReport;
    const log = `${p.out.stderr}\n${JSON.stringify(report.differences.unknown, null, 1)}`;
    expect(report.runs.map((r) => r.name).sort(), log).toEqual([STD16, SCALE201, STD201].sort());
    expect(report.runs.every((r) => r.ok), log).toBe(true);
    expect(report.differences.unknown, log).toEqual([]);
    expect(report.summary.ok, log).toBe(true);
    expect(code, log).toBe(0);
    expect(p.out.stderr).toMatch(/✓ The runs agree with D2\.3 §8 — 3 runs/);

    const finding = (id: string) => report.findings.find((f) => f.finding.id === id)!;
    const cell = (run: string, object: string, role: string) => report.comparisons.find((c) => c.run === run)!.objects.find((o) => o.object === object)!.roles.find((r) => r.role === role)!;

    // no V2X data over OCPP 1.6 / 2.0.1: the station had the EV's discharge limits, the CSMS never did
    expect(finding('ocpp16-no-v2x')).toMatchObject({ status: 'confirmed', tested: [STD16], against: [] });
    expect(finding('ocpp201-no-v2x')).toMatchObject({ status: 'confirmed', against: [] });
    for (const run of [STD16, STD201, SCALE201]) {
      expect(cell(run, 'evMaxDischargePower', 'EVSE').observed).toMatchObject({ has: true, via: { message: 'DC_ChargeParameterDiscoveryReq', field: 'BPT_DC_CPDReqEnergyTransferMode/EVMaximumDischargePower' } });
      expect(cell(run, 'evMaxDischargePower', 'CSMS')).toMatchObject({ expected: false, agreement: 'agree', observed: { has: false, gap: 'cannot-carry' } });
    }

    // no EV data at the SCSP over OCPI 2.2.1, though the CSMS had the EV's maximum power (2.0.1)
    expect(finding('ocpi-no-ev-data')).toMatchObject({ status: 'confirmed' });
    expect(finding('ocpi-no-ev-data').against.every((a) => a.known === 'ocpi-soc-dimension')).toBe(true);
    expect(cell(STD201, 'evMaxChargePower', 'CSMS').observed).toMatchObject({ has: true, via: { message: 'NotifyEVChargingNeedsRequest', protocol: 'ocpp2.0.1' } });
    expect(cell(STD201, 'evMaxChargePower', 'SCSP')).toMatchObject({ expected: false, agreement: 'agree', observed: { has: false } });

    // the ISO 15118 session id reaches the CSMS only with the extension: TransactionEvent customData, with its latency
    expect(finding('session-id-csms-scale')).toMatchObject({ status: 'confirmed', against: [] });
    const withScale = cell(SCALE201, 'sessionId', 'CSMS');
    expect(withScale).toMatchObject({ expected: true, agreement: 'agree', observed: { received: { message: 'TransactionEventRequest', field: 'customData/sessionId', protocol: 'ocpp2.0.1' } } });
    expect(withScale.observed.delayMs).toBeGreaterThan(0);
    expect(cell(STD201, 'sessionId', 'CSMS')).toMatchObject({ expected: false, agreement: 'agree' });
    expect(cell(STD201, 'sessionId', 'CSMS').observed.received).toBeUndefined();

    // the HTML page, and the traces and scenario files stay for --from
    expect(readFileSync(html, 'utf8')).toMatch(/<h1>v2xsim gaps: data objects × actors against SCALE D2\.3 §8<\/h1>/);
    const again = v2xsim(['gaps', '--from', join(out, 'runs'), '-q']);
    expect(await again.exited, again.out.stderr).toBe(0);
    expect(again.out.stdout).toMatch(/\| ✓ \| No V2X data over OCPP 1\.6 \| §8\.3\.1\.2 \|/);
    expect(again.out.stdout).toContain(`### \`${SCALE201}\`: ISO 15118-20 DC BPT · OCPP 2.0.1 · OCPI 2.2.1 · SCALE`);
  }, 300_000);
});

describe('v2xsim gaps: flags', () => {
  it('--list prints the default matrix; bad flags exit 2', async () => {
    const list = v2xsim(['gaps', '--list']);
    expect(await list.exited).toBe(0);
    expect(list.out.stdout.trim().split('\n')).toHaveLength(8);
    expect(list.out.stdout).toMatch(/^gaps-iso2-dc-ocpp1\.6-ocpi-std\tISO 15118-2 DC · OCPP 1\.6 · OCPI 2\.2\.1 · standard$/m);
    const bad = [
      [['--parallel', '0'], /--parallel <n>.*whole number ≥ 1/],
      [['--speed', 'fast'], /--speed <factor>.*number > 0/],
      [['--from', out, '--full'], /--from makes the report from earlier runs/],
      [['--only', 'ocpp9'], /--only ocpp9: no stack of the default matrix matches/],
      [['--from', join(out, 'nothing-here')], /cannot read .*matrix\.json/],
      [['--colour'], /unknown option '--colour'/],
    ] as const;
    const runs = bad.map(([args]) => v2xsim(['gaps', ...args]));
    const codes = await Promise.all(runs.map((p) => p.exited));
    bad.forEach(([args, message], i) => {
      expect(codes[i], args.join(' ')).toBe(2);
      expect(runs[i]!.out.stderr, args.join(' ')).toMatch(message);
    });
  }, 60_000);
});
