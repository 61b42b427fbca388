// End-to-end tests of `v2xsim pki`: they spawn the real CLI (bin/v2xsim.js imports dist/, so run
// `pnpm exec tsc -b` first; the root `pnpm test` does).
import { spawn, spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const bin = join(root, 'packages/cli/bin/v2xsim.js');

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

function v2xsim(args: readonly string[]): Run {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: root, input: '', encoding: 'utf8' });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Like v2xsim() but asynchronous, so that independent runs go in parallel. */
function v2xsimAsync(args: readonly string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

const ROLES = [
  'v2g-root',
  'cpo-subca1',
  'cpo-subca2',
  'secc',
  'cps-subca1',
  'cps-subca2',
  'cps-leaf',
  'oem-root',
  'oem-subca1',
  'oem-subca2',
  'oem-prov',
  'mo-root',
  'mo-subca1',
  'mo-subca2',
  'contract',
];

let tmp: string;

beforeAll(async () => {
  if (!existsSync(join(root, 'packages/cli/dist/commands/pki.js'))) {
    throw new Error('packages/cli/dist is not built: run `pnpm exec tsc -b` first');
  }
  tmp = await mkdtemp(join(tmpdir(), 'v2xsim-pki-cli-'));
});

afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('v2xsim pki init', () => {
  it('writes the PKI and prints one line per certificate (role, CN, valid until, file)', async () => {
    const out = join(tmp, 'pki');
    const r = v2xsim(['pki', 'init', '--out', out, '--emaid', 'DEV2XC87654321', '--evse-id', 'DE*V2X*E00042*1']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const lines = r.stdout.split('\n').filter((l) => l !== '');
    expect(lines[0]).toBe(`ISO 15118 V2G PKI (P-256, ecdsa-with-SHA256) written to ${out}`);
    expect(lines[1]).toMatch(/^ROLE\s+SUBJECT CN\s+VALID UNTIL\s+FILE$/);
    const rows = lines.slice(2).map((l) => l.split(/\s{2,}/));
    expect(rows.map((row) => row[0])).toEqual(ROLES);
    const byRole = Object.fromEntries(rows.map((row) => [row[0], row]));
    expect(byRole['secc']).toEqual(['secc', 'DE*V2X*E00042*1', expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/), 'secc/cert.pem']);
    expect(byRole['contract']!.slice(0, 2)).toEqual(['contract', 'DEV2XC87654321']);
    expect(byRole['v2g-root']![3]).toBe('v2g/root.pem');

    // the files are there and are what the table says
    for (const row of rows) {
      const cert = new X509Certificate(await readFile(join(out, row[3]!)));
      expect(cert.subject.split('\n')[0]).toBe(`CN=${row[1]}`);
      expect(new Date(cert.validTo).toISOString().replace('.000', '')).toBe(row[2]);
    }
    const manifest = JSON.parse(await readFile(join(out, 'pki.json'), 'utf8')) as { curve: string; certificates: { role: string }[] };
    expect(manifest.curve).toBe('P-256');
    expect(manifest.certificates.map((c) => c.role)).toEqual(ROLES);
    expect(await readFile(join(out, 'secc/key.pem'), 'utf8')).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    expect((await readFile(join(out, 'secc/chain.pem'), 'utf8')).match(/BEGIN CERTIFICATE/g)).toHaveLength(3);

    // pki show reads it back and checks the chains
    const show = v2xsim(['pki', 'show', out]);
    expect(show.status).toBe(0);
    expect(show.stdout).toContain('EVSEID DE*V2X*E00042*1, eMAID DEV2XC87654321, PCID OEMProvCert');
    for (const role of ROLES) expect(show.stdout).toMatch(new RegExp(`^${role}\\s`, 'm'));
    expect(show.stdout).toContain('secc → v2g root: ok');
    expect(show.stdout).toContain('contract → mo root: ok');
    expect(show.stdout).toContain('oem-prov → oem root: ok');
    const json = v2xsim(['pki', 'show', out, '--json']);
    expect(json.status).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual(manifest);

    // an existing folder: refused (exit 1) unless --force
    const again = v2xsim(['pki', 'init', '--out', out]);
    expect(again.status).toBe(1);
    expect(again.stdout).toBe('');
    expect(again.stderr).toMatch(/v2xsim pki: .* is not empty; refusing to overwrite it/);
    expect(again.stderr).toContain('--force');
    const before = await readFile(join(out, 'secc/cert.pem'), 'utf8');
    expect(await readFile(join(out, 'secc/cert.pem'), 'utf8')).toBe(before);
    const forced = v2xsim(['pki', 'init', '--out', out, '--force', '--curve', 'p-521', '--json']);
    expect(forced.status).toBe(0);
    expect(JSON.parse(forced.stdout)).toMatchObject({ curve: 'P-521', signatureAlgorithm: 'ecdsa-with-SHA512' });
    expect(await readFile(join(out, 'secc/cert.pem'), 'utf8')).not.toBe(before);
    expect(new X509Certificate(await readFile(join(out, 'secc/cert.pem'))).publicKey.asymmetricKeyDetails?.namedCurve).toBe('secp521r1');
  });

  it('usage errors exit 2 with a clear message and write nothing', async () => {
    const out = join(tmp, 'never');
    const cases: [string[], RegExp][] = [
      [['pki', 'init', '--out', out, '--curve', 'P-384'], /unsupported curve 'P-384': use P-256 \(ISO 15118-2\) or P-521/],
      [['pki', 'init', '--out', out, '--emaid', 'DEV2G123'], /invalid eMAID 'DEV2G123': it has 8 characters; an eMAID is 14 or 15/],
      [['pki', 'init', '--out', out, '--emaid', 'DE-V2X-C12345678'], /invalid eMAID/],
      [['pki', 'init'], /required option '-o, --out <dir>' not specified/],
      [['pki', 'init', '--out', out, '--evse-id', ''], /invalid EVSEID/],
    ];
    const runs = await Promise.all(cases.map(([args]) => v2xsimAsync(args)));
    for (const [i, [args, message]] of cases.entries()) {
      const r = runs[i]!;
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stdout).toBe('');
      expect(existsSync(out)).toBe(false);
    }
  });

  it('init refuses a path that is a file; show fails (exit 1) on a missing or empty folder', async () => {
    const file = join(tmp, 'a-file');
    await writeFile(file, 'x');
    const empty = await mkdtemp(join(tmp, 'empty-'));
    const [r, missing, none] = await Promise.all([
      v2xsimAsync(['pki', 'init', '--out', file]),
      v2xsimAsync(['pki', 'show', join(tmp, 'nowhere')]),
      v2xsimAsync(['pki', 'show', empty]),
    ]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/exists and is not a folder/);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/no PKI folder at/);
    expect(none.status).toBe(1);
    expect(none.stderr).toMatch(/no certificates in/);
  });

  it('--help shows runnable examples', async () => {
    const [r, top, all] = await Promise.all([v2xsimAsync(['pki', 'init', '--help']), v2xsimAsync(['pki', '--help']), v2xsimAsync(['--help'])]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('$ v2xsim pki init --out pki');
    expect(r.stdout).toContain('--curve P-521');
    expect(r.stdout).toContain('secc/cert.pem key.pem chain.pem');
    expect(top.status).toBe(0);
    expect(top.stdout).toContain('$ v2xsim pki show pki');
    expect(all.stdout).toMatch(/^\s+pki\b/m);
  });
});
