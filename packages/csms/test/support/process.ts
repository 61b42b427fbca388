// `v2xsim csms` as a real OS process for tests: started on free ports with its own data folder,
// its banner parsed for the OCPP endpoint and the control API.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { until, v2xsim, type Spawned } from '../../../../test/support/processes.js';

export interface CsmsUnderTest {
  p: Spawned;
  /** ws(s)://127.0.0.1:PORT/ocpp */
  ocpp: string;
  control: string;
  data: string;
}

export function tempDir(prefix = 'v2xsim-csms-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export async function startCsms(args: readonly string[], data = tempDir()): Promise<CsmsUnderTest> {
  const p = v2xsim(['csms', '--port', '0', '--control-port', '0', '--data', data, ...args]);
  const banner = await until(() => /v2xsim csms ready: .*$/m.exec(p.out.stderr)?.[0], 'csms banner', p);
  const ocpp = /ocpp=(\S+)\/<identity>/.exec(banner)![1]!;
  const control = /control=(\S+)/.exec(banner)![1]!;
  return { p, ocpp, control, data };
}
