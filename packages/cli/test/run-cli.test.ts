// `v2xsim run` flags: bad ones are refused with exit status 2 before anything starts (the real CLI
// is spawned; bin/v2xsim.js imports dist/, which the root `pnpm test` builds first).
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const bin = join(root, 'packages/cli/bin/v2xsim.js');
const run = (args: readonly string[]) => spawnSync(process.execPath, [bin, 'run', ...args], { cwd: root, input: '', encoding: 'utf8' });

describe('v2xsim run: bad flags', () => {
  it('--attach with an unknown process kind or without a URL: exit 2 and what is allowed', () => {
    const kind = run(['--attach', 'foo=http://127.0.0.1:1', 'scenarios/v1g-iso2-dc.yaml']);
    expect(kind.status).toBe(2);
    expect(kind.stderr).toContain('KIND must be one of ev, evse, csms, scsp, got "foo"');
    const url = run(['--attach', 'evse', 'scenarios/v1g-iso2-dc.yaml']);
    expect(url.status).toBe(2);
    expect(url.stderr).toContain('expected KIND=URL');
  });

  it('--speed 0: exit 2', () => {
    const r = run(['--speed', '0', 'scenarios/v1g-iso2-dc.yaml']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--speed must be > 0');
  });
});
