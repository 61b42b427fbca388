// `v2xsim pki`: generate the ISO 15118 V2G test PKI (V2G/CPO, CPS, OEM and MO chains) into a
// folder, and show what a PKI folder holds and whether its chains verify.
import type { Command } from 'commander';
import { InvalidArgumentError, Option } from 'commander';
import {
  DEFAULT_EMAID,
  DEFAULT_EVSE_ID,
  DEFAULT_PCID,
  PKI_ROLES,
  checkCurve,
  checkEmaid,
  initPki,
  isPkiError,
  loadPki,
  pkiRoleFiles,
  verifyChain,
  type LoadedLeaf,
  type LoadedPki,
  type PkiCurve,
  type PkiRole,
} from '@v2xsim/iso15118';
import type { CliIo } from './exi.js';

const processIo = (): CliIo => ({ stdin: process.stdin, stdout: process.stdout, stderr: process.stderr });

const messageOf = (err: unknown): string => (err instanceof Error ? err.message : String(err));

const usage = (cmd: Command, message: string): never => cmd.error(`v2xsim pki: ${message}`, { exitCode: 2, code: 'v2xsim.usage' });

/** A failure of the files or folder, not of the usage: no "add --help" hint. */
const failure = (cmd: Command, message: string): never =>
  cmd.showHelpAfterError(false).error(`v2xsim pki: ${message}`, { exitCode: 1, code: 'v2xsim.failed' });

/** Option values are checked while parsing, so a bad one is a usage error (exit 2) before any work. */
function checked<T>(check: (value: string) => T): (value: string) => T {
  return (value) => {
    try {
      return check(value);
    } catch (err) {
      throw new InvalidArgumentError(messageOf(err));
    }
  };
}

/** PkiError BAD_* (an option) → usage; anything else (folder exists, unreadable file) → failure. */
function fail(cmd: Command, err: unknown): never {
  if (isPkiError(err) && err.code.startsWith('BAD_')) return usage(cmd, err.message);
  return failure(cmd, messageOf(err));
}

const isoSeconds = (d: Date): string => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

interface Row {
  role: string;
  cn: string;
  until: string;
  file: string;
}

function table(rows: readonly Row[]): string {
  const w = (key: keyof Row, title: string) => Math.max(title.length, ...rows.map((r) => r[key].length));
  const [a, b, c] = [w('role', 'ROLE'), w('cn', 'SUBJECT CN'), w('until', 'VALID UNTIL')];
  const line = (r: Row) => `${r.role.padEnd(a)}  ${r.cn.padEnd(b)}  ${r.until.padEnd(c)}  ${r.file}\n`;
  return line({ role: 'ROLE', cn: 'SUBJECT CN', until: 'VALID UNTIL', file: 'FILE' }) + rows.map(line).join('');
}

/** The chain checks `pki show` runs: each leaf against the root its peer trusts. */
const CHAIN_CHECKS: readonly { leaf: keyof Pick<LoadedPki, 'secc' | 'cpsLeaf' | 'oemProv' | 'contract'>; role: PkiRole; root: 'v2g' | 'oem' | 'mo' }[] = [
  { leaf: 'secc', role: 'secc', root: 'v2g' },
  { leaf: 'cpsLeaf', role: 'cps-leaf', root: 'v2g' },
  { leaf: 'oemProv', role: 'oem-prov', root: 'oem' },
  { leaf: 'contract', role: 'contract', root: 'mo' },
];

function chainLines(pki: LoadedPki, at: Date): string[] {
  return CHAIN_CHECKS.map(({ leaf, role, root }) => {
    const l: LoadedLeaf | undefined = pki[leaf];
    const anchors = pki.roots[root];
    const label = `${role} → ${root} root`;
    if (!l || !anchors) return `${label}: (missing ${!l ? `${pkiRoleFiles(role).cert} or its key` : pkiRoleFiles(`${root}-root`).cert})`;
    const r = verifyChain(l.leafPem, l.subCaPems, anchors, at);
    return r.ok ? `${label}: ok` : `${label}: ${r.status} (${r.message})`;
  });
}

const EXAMPLE_DIR = 'pki';

export function registerPkiCommand(parent: Command, io?: CliIo): Command {
  const pki = parent
    .command('pki')
    .description('generate and inspect the ISO 15118 V2G test PKI (V2G root, CPO/CPS/OEM/MO chains, SECC, contract)')
    .showHelpAfterError('(add --help for usage and examples)');
  pki.addHelpText(
    'after',
    `
Examples:
  $ v2xsim pki init --out ${EXAMPLE_DIR}
  $ v2xsim pki show ${EXAMPLE_DIR}`,
  );

  pki
    .command('init')
    .description('generate the V2G, CPS, OEM and MO chains with their keys into a folder')
    .requiredOption('-o, --out <dir>', 'the folder to write (created; must be empty unless --force)')
    .addOption(
      new Option('-c, --curve <curve>', `key curve: P-256 (ISO 15118-2, ECDSA-SHA256) or P-521 (ISO 15118-20, ECDSA-SHA512)`)
        .argParser(checked((v) => checkCurve(v.trim().toUpperCase())))
        .default('P-256' as PkiCurve),
    )
    .addOption(new Option('--emaid <emaid>', `contract certificate CN: 14-15 letters/digits, no separators (default ${DEFAULT_EMAID})`).argParser(checked(checkEmaid)))
    .option('--evse-id <id>', `SECC certificate CN: the EVSEID or SECC-ID (default ${DEFAULT_EVSE_ID})`)
    .option('--pcid <id>', `OEM provisioning certificate CN: the PCID (default ${DEFAULT_PCID})`)
    .option('--force', 'write into a folder that is not empty (replaces the PKI files there)')
    .option('--json', 'print the manifest (pki.json) instead of the table')
    .addHelpText(
      'after',
      `
Writes PEM files (keys unencrypted PKCS#8, mode 0600: test material only) and pki.json:
  v2g/root.pem                      V2G root CA (the EV's trust anchor for ISO 15118-2 TLS)
  cpo/subca1.pem, cpo/subca2.pem    CPO Sub-CA 1 and 2
  secc/cert.pem key.pem chain.pem   SECC certificate (EVSE TLS server; chain = leaf, Sub-CA 2, Sub-CA 1)
  cps/subca1.pem, cps/subca2.pem    CPS Sub-CAs, under the V2G root
  cps-leaf/cert.pem key.pem chain.pem  CPS certificate (signs CertificateInstallationRes)
  oem/root.pem subca1.pem subca2.pem   OEM root CA and Sub-CAs
  oem-prov/cert.pem key.pem chain.pem  OEM provisioning certificate (EV; ISO 15118-20 TLS client)
  mo/root.pem subca1.pem subca2.pem    MO root CA and Sub-CAs
  contract/cert.pem key.pem chain.pem  contract certificate (EV; CN = eMAID)
Each CA's key is beside its certificate (v2g/root.key.pem, cpo/subca1.key.pem, ...).
Then give the folder to the simulated EVSE and EV with --pki DIR. See docs/pki.md.

Examples:
  $ v2xsim pki init --out ${EXAMPLE_DIR}
  $ v2xsim pki init --out pki-20 --curve P-521 --emaid DEV2XC87654321 --evse-id 'DE*V2X*E00042*1'
  $ v2xsim pki init --out ${EXAMPLE_DIR} --force`,
    )
    .action(async (_opts: unknown, cmd: Command) => {
      const opts = cmd.opts<{ out: string; curve: PkiCurve; emaid?: string; evseId?: string; pcid?: string; force?: boolean; json?: boolean }>();
      const out = (io ?? processIo()).stdout;
      let result: Awaited<ReturnType<typeof initPki>>;
      try {
        result = await initPki({
          out: opts.out,
          curve: opts.curve,
          ...(opts.emaid !== undefined ? { emaid: opts.emaid } : {}),
          ...(opts.evseId !== undefined ? { evseId: opts.evseId } : {}),
          ...(opts.pcid !== undefined ? { pcid: opts.pcid } : {}),
          ...(opts.force ? { force: true } : {}),
        });
      } catch (err) {
        return fail(cmd, err);
      }
      const { manifest, dir } = result;
      if (opts.json) {
        out.write(JSON.stringify(manifest, null, 2) + '\n');
        return;
      }
      const rows = manifest.certificates.map((c) => ({ role: c.role, cn: c.commonName, until: isoSeconds(new Date(c.notAfter)), file: c.cert }));
      out.write(`ISO 15118 V2G PKI (${manifest.curve}, ${manifest.signatureAlgorithm}) written to ${dir}\n` + table(rows));
    });

  pki
    .command('show')
    .description('print what a PKI folder holds (pki.json or the files) and check its chains')
    .argument('<dir>', 'the PKI folder (from `pki init`, or third-party certificates in the same layout)')
    .option('--json', 'print the manifest (pki.json) as it is')
    .addHelpText(
      'after',
      `
Prints one line per certificate found (role, subject CN, valid until, file), then the
chain checks the EV and EVSE do: SECC and CPS chains against the V2G root, the OEM
provisioning chain against the OEM root, the contract chain against the MO root.

Examples:
  $ v2xsim pki init --out ${EXAMPLE_DIR} && v2xsim pki show ${EXAMPLE_DIR}
  $ v2xsim pki show ${EXAMPLE_DIR} --json`,
    )
    .action(async (dir: string, _opts: unknown, cmd: Command) => {
      const opts = cmd.opts<{ json?: boolean }>();
      const out = (io ?? processIo()).stdout;
      let loaded: LoadedPki;
      try {
        loaded = await loadPki(dir);
      } catch (err) {
        return fail(cmd, err);
      }
      if (opts.json) {
        if (!loaded.manifest) failure(cmd, `${loaded.dir} has no pki.json`);
        out.write(JSON.stringify(loaded.manifest, null, 2) + '\n');
        return;
      }
      const rows: Row[] = [];
      for (const role of PKI_ROLES) {
        const c = loaded.certificates[role];
        if (!c) continue;
        rows.push({ role, cn: c.info.commonName ?? '', until: isoSeconds(c.info.notAfter), file: c.certFile.slice(loaded.dir.length + 1) });
      }
      if (rows.length === 0) failure(cmd, `no certificates in ${loaded.dir} (expected the layout of \`v2xsim pki init\`)`);
      const m = loaded.manifest;
      const head = m
        ? `ISO 15118 V2G PKI (${m.curve}, ${m.signatureAlgorithm}) in ${loaded.dir}, created ${m.createdAt}\n` +
          `EVSEID ${m.identities.evseId}, eMAID ${m.identities.emaid}, PCID ${m.identities.pcid}\n`
        : `Certificates in ${loaded.dir} (no pki.json)\n`;
      out.write(head + table(rows) + '\nChains (checked now):\n' + chainLines(loaded, new Date()).map((l) => `  ${l}\n`).join(''));
    });

  return pki;
}
