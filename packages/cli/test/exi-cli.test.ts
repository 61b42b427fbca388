// End-to-end tests of `v2xsim exi`: they spawn the real CLI (bin/v2xsim.js imports dist/, so run
// `pnpm exec tsc -b` first; the root `pnpm test` does).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const bin = join(root, 'packages/cli/bin/v2xsim.js');

const SAP_HEX = '8000dbab9371d3234b71d1b981899189d191818991d26b9b3a232b30020000040040';
const SAP_V2GTP_HEX = `01fe8001${(SAP_HEX.length / 2).toString(16).padStart(8, '0')}${SAP_HEX}`;
const SAP = {
  supportedAppProtocolReq: {
    AppProtocol: [
      { ProtocolNamespace: 'urn:din:70121:2012:MsgDef', VersionNumberMajor: 2, VersionNumberMinor: 0, SchemaID: 1, Priority: 1 },
    ],
  },
};
const SESSION_STOP =
  '{"V2G_Message":{"Header":{"SessionID":"0102030405060708"},"Body":{"SessionStopReq":{"ChargingSession":"Terminate"}}}}';
const SESSION_STOP_20 =
  '{"SessionStopReq":{"Header":{"SessionID":"0102030405060708","TimeStamp":"18446744073709551615"},"ChargingSession":"Terminate"}}';

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

function v2xsim(args: readonly string[], input?: string): Run {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: root, input: input ?? '', encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Like v2xsim() but through spawn with a streamed stdin, for large inputs. */
function v2xsimStream(args: readonly string[], input: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { cwd: root, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
    child.stdin.end(input);
  });
}

const lines = (text: string): string[] => text.split('\n').filter((l) => l !== '');

beforeAll(() => {
  if (!existsSync(join(root, 'packages/cli/dist/commands/exi.js'))) {
    throw new Error('packages/cli/dist is not built: run `pnpm exec tsc -b` first');
  }
});

describe('v2xsim exi decode / encode', () => {
  it('decodes the real SupportedAppProtocolReq', () => {
    const r = v2xsim(['exi', 'decode', '--schema', 'apphand', '--hex', SAP_HEX]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(lines(r.stdout)).toHaveLength(1);
    const json = JSON.parse(r.stdout) as typeof SAP;
    expect(json.supportedAppProtocolReq.AppProtocol[0]!.ProtocolNamespace).toBe('urn:din:70121:2012:MsgDef');
    expect(json).toEqual(SAP);
  });

  it('reads hex from stdin, ignoring whitespace, and pretty-prints on request', () => {
    const spaced = SAP_HEX.replace(/(..)/g, '$1 ').replace(/(.{24})/g, '$1\n');
    const r = v2xsim(['exi', 'decode', '--schema', 'apphand', '--pretty'], spaced);
    expect(r.status).toBe(0);
    expect(lines(r.stdout).length).toBeGreaterThan(1);
    expect(JSON.parse(r.stdout)).toEqual(SAP);
  });

  it('encodes the SupportedAppProtocolReq JSON back to the same hex', () => {
    const r = v2xsim(['exi', 'encode', '--schema', 'apphand', '--json', JSON.stringify(SAP)]);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(`${SAP_HEX}\n`);
    const fromStdin = v2xsim(['exi', 'encode', '--schema', 'apphand'], JSON.stringify(SAP, null, 2));
    expect(fromStdin.stdout).toBe(`${SAP_HEX}\n`);
  });

  it('--v2gtp prepends and checks the 8-byte header', () => {
    expect(SAP_V2GTP_HEX.startsWith('01fe800100000022')).toBe(true);
    const enc = v2xsim(['exi', 'encode', '--schema', 'apphand', '--v2gtp', '--json', JSON.stringify(SAP)]);
    expect(enc.status).toBe(0);
    expect(enc.stdout).toBe(`${SAP_V2GTP_HEX}\n`);
    const dec = v2xsim(['exi', 'decode', '--schema', 'apphand', '--v2gtp', '--hex', SAP_V2GTP_HEX]);
    expect(dec.status).toBe(0);
    expect(JSON.parse(dec.stdout)).toEqual(SAP);
  });

  it('--v2gtp rejects a payload type that does not fit the schema, a bad length, and a bare payload', () => {
    const wrongType = v2xsim(['exi', 'decode', '--schema', 'iso20-cm', '--v2gtp', '--hex', SAP_V2GTP_HEX]);
    expect(wrongType.status).toBe(1);
    expect(wrongType.stderr).toMatch(/^v2xsim exi: .*payload type 0x8001.*iso20-cm/);
    const badLength = v2xsim(['exi', 'decode', '--schema', 'apphand', '--v2gtp', '--hex', SAP_V2GTP_HEX + '00']);
    expect(badLength.status).toBe(1);
    const bare = v2xsim(['exi', 'decode', '--schema', 'apphand', '--v2gtp', '--hex', SAP_HEX]);
    expect(bare.status).toBe(1);
    expect(bare.stdout).toBe('');
  });

  it('--v2gtp accepts the -20 renegotiation / metering payload types for CommonMessages', () => {
    const enc = v2xsim(['exi', 'encode', '--schema', 'iso20-cm', '--payload-type', '0x8102', '--json', SESSION_STOP_20]);
    expect(enc.status).toBe(0);
    expect(enc.stdout.startsWith('01fe8102')).toBe(true);
    const dec = v2xsim(['exi', 'decode', '--schema', 'iso20-cm', '--v2gtp', '--hex', enc.stdout]);
    expect(dec.status).toBe(0);
    expect(dec.stdout).toBe(`${SESSION_STOP_20}\n`);
    const defaultType = v2xsim(['exi', 'encode', '--schema', 'iso20-cm', '--v2gtp', '--json', SESSION_STOP_20]);
    expect(defaultType.stdout.startsWith('01fe8002')).toBe(true);
    const notAllowed = v2xsim(['exi', 'encode', '--schema', 'iso20-cm', '--payload-type', 'AcMessages', '--json', SESSION_STOP_20]);
    expect(notAllowed.status).toBe(2);
  });

  it('round-trips an ISO 15118-2 V2G_Message, with and without V2GTP', () => {
    const enc = v2xsim(['exi', 'encode', '--schema', 'iso2', '--json', SESSION_STOP]);
    expect(enc.status).toBe(0);
    expect(enc.stdout).toMatch(/^80[0-9a-f]+\n$/);
    const dec = v2xsim(['exi', 'decode', '--schema', 'iso2', '--hex', enc.stdout.trim()]);
    expect(dec.status).toBe(0);
    expect(dec.stdout).toBe(`${SESSION_STOP}\n`);

    const framed = v2xsim(['exi', 'encode', '--schema', 'iso2', '--v2gtp'], SESSION_STOP);
    expect(framed.stdout).toBe(`01fe8001${((enc.stdout.trim().length / 2) >>> 0).toString(16).padStart(8, '0')}${enc.stdout}`);
    expect(v2xsim(['exi', 'decode', '--schema', 'iso2', '--v2gtp'], framed.stdout).stdout).toBe(`${SESSION_STOP}\n`);
  });

  it('keeps a 64-bit integer beyond 2^53 as a decimal string (ISO 15118-20 TimeStamp)', () => {
    const enc = v2xsim(['exi', 'encode', '--schema', 'iso20-cm', '--json', SESSION_STOP_20]);
    expect(enc.status).toBe(0);
    const dec = v2xsim(['exi', 'decode', '--schema', 'iso20-cm', '--hex', enc.stdout]);
    expect(dec.status).toBe(0);
    expect(dec.stdout).toContain('"TimeStamp":"18446744073709551615"');
    expect(dec.stdout).toBe(`${SESSION_STOP_20}\n`);
  });

  it('--fragment encodes and decodes an element with attributes and CONTENT', () => {
    const json = '{"ContractSignatureEncryptedPrivateKey":{"Id":"id2","CONTENT":"0011"}}';
    const enc = v2xsim(['exi', 'encode', '--schema', 'iso2', '--fragment', '--json', json]);
    expect(enc.status).toBe(0);
    const dec = v2xsim(['exi', 'decode', '--schema', 'iso2', '--fragment', '--hex', enc.stdout]);
    expect(dec.stdout).toBe(`${json}\n`);
    // not a document root
    expect(v2xsim(['exi', 'encode', '--schema', 'iso2', '--json', json]).status).toBe(1);
  });

  it('reports bad hex clearly with exit status 1', () => {
    const odd = v2xsim(['exi', 'decode', '--schema', 'apphand', '--hex', 'abc']);
    expect(odd.status).toBe(1);
    expect(odd.stderr).toMatch(/^v2xsim exi: invalid hex: odd number of digits/);
    const nonHex = v2xsim(['exi', 'decode', '--schema', 'apphand', '--hex', '80zz']);
    expect(nonHex.status).toBe(1);
    expect(nonHex.stderr).toMatch(/^v2xsim exi: invalid hex: 'z' at position 2/);
    const notExi = v2xsim(['exi', 'decode', '--schema', 'apphand', '--hex', '00']);
    expect(notExi.status).toBe(1);
    expect(notExi.stderr).toMatch(/^v2xsim exi: BAD_HEADER/);
  });

  it('reports an invalid message with exit status 1', () => {
    const r = v2xsim(['exi', 'encode', '--schema', 'iso2', '--json', '{"NoSuchElement":{}}']);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^v2xsim exi: UNKNOWN_ELEMENT/);
    const badJson = v2xsim(['exi', 'encode', '--schema', 'iso2', '--json', '{']);
    expect(badJson.status).toBe(1);
    expect(badJson.stderr).toMatch(/^v2xsim exi: /);
  });
});

describe('v2xsim exi --lines', () => {
  it('writes one result per line, an error object for a failed line, and exits 1', () => {
    const r = v2xsim(['exi', 'decode', '--schema', 'apphand', '--lines'], `${SAP_HEX}\nnot hex at all\n\n${SAP_HEX}\n`);
    expect(r.status).toBe(1);
    const out = lines(r.stdout);
    expect(out).toHaveLength(3);
    expect(JSON.parse(out[0]!)).toEqual(SAP);
    const err = JSON.parse(out[1]!) as { error: string; code: string };
    expect(Object.keys(err)).toEqual(['error', 'code']);
    expect(err.code).toBe('SyntaxError');
    expect(err.error).toMatch(/invalid hex/);
    expect(JSON.parse(out[2]!)).toEqual(SAP);
    expect(r.stderr).toMatch(/1 of 3 lines failed/);
  });

  it('reports the ExiError code of a line that is hex but not a valid message', () => {
    const r = v2xsim(['exi', 'decode', '--schema', 'apphand', '--lines'], `${SAP_HEX}\n80\n`);
    expect(r.status).toBe(1);
    const out = lines(r.stdout);
    expect(out).toHaveLength(2);
    expect((JSON.parse(out[1]!) as { code: string }).code).toBe('TRUNCATED');
  });

  it('exits 0 when every line succeeds (encode, CRLF input)', () => {
    const r = v2xsim(['exi', 'encode', '--schema', 'apphand', '--lines'], `${JSON.stringify(SAP)}\r\n${JSON.stringify(SAP)}\r\n`);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(`${SAP_HEX}\n${SAP_HEX}\n`);
    expect(r.stderr).toBe('');
  });

  it('handles tens of thousands of lines in order', async () => {
    const n = 30_000;
    const input = Array.from({ length: n }, (_, i) => (i % 1000 === 999 ? 'zz' : SAP_HEX)).join('\n') + '\n';
    const r = await v2xsimStream(['exi', 'decode', '--schema', 'apphand', '--lines'], input);
    expect(r.status).toBe(1);
    const out = lines(r.stdout);
    expect(out).toHaveLength(n);
    const sap = JSON.stringify(SAP);
    out.forEach((line, i) => {
      if (i % 1000 === 999) expect(line.startsWith('{"error":')).toBe(true);
      else expect(line).toBe(sap);
    });
    const back = await v2xsimStream(['exi', 'encode', '--schema', 'apphand', '--lines'], out.filter((l) => !l.startsWith('{"error"')).join('\n'));
    expect(back.status).toBe(0);
    expect(lines(back.stdout)).toEqual(Array.from({ length: n - n / 1000 }, () => SAP_HEX));
  });
});

describe('v2xsim exi usage', () => {
  it('rejects an unknown schema with exit 2 and lists the valid ids', () => {
    const r = v2xsim(['exi', 'decode', '--schema', 'iso3', '--hex', SAP_HEX]);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    for (const id of ['apphand', 'din', 'iso2', 'iso2-scale', 'xmldsig', 'iso20-cm', 'iso20-ac', 'iso20-dc', 'iso20-wpt', 'iso20-acdp', 'iso20-ac-scale', 'iso20-dc-scale']) {
      expect(r.stderr).toContain(id);
    }
  });

  it('exits 2 on a bad flag, a missing --schema, missing input and --v2gtp with xmldsig', () => {
    expect(v2xsim(['exi', 'decode', '--schema', 'apphand', '--bogus']).status).toBe(2);
    expect(v2xsim(['exi', 'decode', '--hex', SAP_HEX]).status).toBe(2);
    const noInput = v2xsim(['exi', 'decode', '--schema', 'apphand'], '');
    expect(noInput.status).toBe(2);
    expect(noInput.stderr).toMatch(/^v2xsim exi: no input/);
    expect(v2xsim(['exi', 'encode', '--schema', 'xmldsig', '--v2gtp', '--json', '{}']).status).toBe(2);
    expect(v2xsim(['exi', 'decode', '--schema', 'apphand', '--lines', '--pretty']).status).toBe(2);
    expect(v2xsim(['exi']).status).toBe(2);
  });

  it('accepts the SCALE schema ids as they are', () => {
    const r = v2xsim(['exi', 'encode', '--schema', 'iso20-ac-scale', '--json', '{}']);
    expect(r.status).toBe(1); // a usage-valid schema; the message itself is wrong
    expect(r.stderr).not.toMatch(/unknown schema/);
  });

  it('--help shows a runnable example on every command', () => {
    for (const args of [[], ['exi'], ['exi', 'decode'], ['exi', 'encode'], ['exi', 'schemas']]) {
      const r = v2xsim([...args, '--help']);
      expect(r.status).toBe(0);
      expect(r.stdout).toMatch(/Examples:\n {2}\$ v2xsim /);
    }
    const decodeHelp = v2xsim(['exi', 'decode', '--help']).stdout;
    expect(decodeHelp).toContain(`v2xsim exi decode --schema apphand --hex ${SAP_HEX}`);
  });

  it('the example in `exi decode --help` runs', () => {
    const help = v2xsim(['exi', 'decode', '--help']).stdout;
    const example = /\$ v2xsim (exi decode --schema apphand --hex [0-9a-f]+)\n/.exec(help)![1]!;
    const r = v2xsim(example.split(' '));
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(SAP);
  });

  it('lists the schemas with description and namespace', () => {
    const r = v2xsim(['exi', 'schemas']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^iso2 +urn:iso:15118:2:2013:MsgDef +ISO 15118-2/m);
    expect(r.stdout).toMatch(/^din +urn:din:70121:2012:MsgDef /m);
    const json = JSON.parse(v2xsim(['exi', 'schemas', '--json']).stdout) as { id: string; protocolNamespace?: string }[];
    expect(json.map((s) => s.id)).toContain('iso20-dc-scale');
    expect(json.find((s) => s.id === 'iso20-cm')!.protocolNamespace).toBe('urn:iso:std:iso:15118:-20:CommonMessages');
  });

  it('runs through node_modules/.bin/v2xsim (what `pnpm v2xsim` and `pnpm exec v2xsim` use)', () => {
    const shim = join(root, 'node_modules/.bin/v2xsim');
    expect(existsSync(shim)).toBe(true);
    const help = spawnSync(shim, ['--help'], { cwd: root, encoding: 'utf8' });
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('Usage: v2xsim');
    expect(help.stdout).toContain('exi');
    const dec = spawnSync(shim, ['exi', 'decode', '--schema', 'apphand', '--hex', SAP_HEX], { cwd: root, encoding: 'utf8' });
    expect(dec.status).toBe(0);
    expect(JSON.parse(dec.stdout)).toEqual(SAP);
  });
});
