// `v2xsim exi`: decode EXI (hex) to the JSON form, encode JSON to EXI (hex), optionally with the
// V2GTP header in front, one message or a stream of lines; and list the schemas.
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import type { Command } from 'commander';
import { InvalidArgumentError, Option } from 'commander';
import { codecIds, codecInfo, fromJson, getCodec, toJson } from '@v2xsim/exi';
import { V2gtpError, V2gtpPayloadType, decodeV2gtp, encodeV2gtp, v2gtpPayloadTypeName } from '@v2xsim/iso15118';

/** The streams a command reads and writes; the process streams by default. */
export interface CliIo {
  readonly stdin: Readable;
  readonly stdout: Writable;
  readonly stderr: Writable;
}

const processIo = (): CliIo => ({ stdin: process.stdin, stdout: process.stdout, stderr: process.stderr });

const SAP_HEX = '8000dbab9371d3234b71d1b981899189d191818991d26b9b3a232b30020000040040';
const SAP_JSON =
  '{"supportedAppProtocolReq":{"AppProtocol":[{"ProtocolNamespace":"urn:din:70121:2012:MsgDef","VersionNumberMajor":2,"VersionNumberMinor":0,"SchemaID":1,"Priority":1}]}}';
const SAP_V2GTP_HEX = `01fe800100000022${SAP_HEX}`;

/** Largest V2GTP payload --v2gtp accepts when decoding (the codec's own default limit). */
const MAX_V2GTP_PAYLOAD = 1 << 20;

// ------------------------------------------------------------------------------ schemas

/**
 * V2GTP payload types per schema; the first one is what `encode --v2gtp` writes. -20 sends
 * ScheduleRenegotiation / MeteringConfirmation (CommonMessages) and the ACDP SystemStatus messages
 * with their own payload types; the SupportedAppProtocol handshake is 0x8001 under every protocol.
 */
const PAYLOAD_TYPES: Readonly<Record<string, readonly number[]>> = {
  apphand: [V2gtpPayloadType.Exi],
  din: [V2gtpPayloadType.Exi],
  iso2: [V2gtpPayloadType.Exi],
  'iso20-cm': [V2gtpPayloadType.CommonMessages, V2gtpPayloadType.ScheduleRenegotiation, V2gtpPayloadType.MeteringConfirmation],
  'iso20-ac': [V2gtpPayloadType.AcMessages],
  'iso20-dc': [V2gtpPayloadType.DcMessages],
  'iso20-acdp': [V2gtpPayloadType.AcdpMessages, V2gtpPayloadType.AcdpSystemStatus],
  'iso20-wpt': [V2gtpPayloadType.WptMessages],
};

/** Payload types a schema travels under; SCALE variants inherit those of their base schema. */
function payloadTypesOf(schema: string): readonly number[] | undefined {
  const own = PAYLOAD_TYPES[schema];
  if (own) return own;
  const base = codecInfo(schema)?.base;
  return base === undefined ? undefined : PAYLOAD_TYPES[base];
}

const hex16 = (n: number): string => `0x${n.toString(16).padStart(4, '0')}`;
const describeType = (n: number): string => `${hex16(n)} (${v2gtpPayloadTypeName(n)})`;

function parseSchema(value: string): string {
  const id = value.trim().toLowerCase();
  if (!codecIds.includes(id)) throw new InvalidArgumentError(`unknown schema '${value}'; valid ids: ${codecIds.join(', ')}`);
  return id;
}

function parsePayloadType(value: string): number {
  const v = value.trim();
  const byName = Object.hasOwn(V2gtpPayloadType, v) ? (V2gtpPayloadType as Record<string, number>)[v] : undefined;
  const n = byName ?? (/^(0x)?[0-9a-f]{1,4}$/i.test(v) ? parseInt(v.replace(/^0x/i, ''), 16) : NaN);
  if (Number.isNaN(n)) throw new InvalidArgumentError(`a V2GTP payload type is hex (0x8002) or a name (CommonMessages), got '${value}'`);
  return n;
}

const schemaOption = (): Option =>
  new Option('-s, --schema <id>', `schema (codec) id: ${codecIds.join(', ')}`).argParser(parseSchema).makeOptionMandatory();

// ------------------------------------------------------------------------------ conversions

/** Hex text (whitespace ignored) to bytes; a SyntaxError that says what is wrong otherwise. */
export function parseHex(text: string): Uint8Array {
  const bad = /[^0-9a-fA-F\s]/.exec(text);
  if (bad) throw new SyntaxError(`invalid hex: '${bad[0]}' at position ${bad.index} is not a hex digit`);
  const hex = text.replace(/\s+/g, '');
  if (hex.length === 0) throw new SyntaxError('invalid hex: no digits');
  if (hex.length % 2 !== 0) throw new SyntaxError(`invalid hex: odd number of digits (${hex.length})`);
  return Buffer.from(hex, 'hex');
}

const toHex = (bytes: Uint8Array): string => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');

interface CodecOptions {
  schema: string;
  v2gtp?: boolean;
  fragment?: boolean;
}

/** hex → JSON text (one line unless `indent`). */
function decoder(opts: CodecOptions, indent: number | undefined): (text: string) => string {
  const codec = getCodec(opts.schema);
  const accepted = opts.v2gtp ? payloadTypesOf(opts.schema)! : undefined;
  return (text) => {
    let bytes = parseHex(text);
    if (accepted) {
      const msg = decodeV2gtp(bytes, { maxPayloadLength: MAX_V2GTP_PAYLOAD });
      if (!accepted.includes(msg.payloadType)) {
        throw new V2gtpError(
          'INVALID_PAYLOAD_TYPE',
          `V2GTP payload type ${describeType(msg.payloadType)} does not carry ${opts.schema} messages (expected ${accepted.map(describeType).join(' or ')})`,
        );
      }
      bytes = msg.payload;
    }
    return toJson(opts.fragment ? codec.decodeFragment(bytes) : codec.decode(bytes), indent);
  };
}

/** JSON text → lowercase hex. */
function encoder(opts: CodecOptions, payloadType: number | undefined): (text: string) => string {
  const codec = getCodec(opts.schema);
  return (text) => {
    const value = fromJson(text);
    const exi = opts.fragment ? codec.encodeFragment(value) : codec.encode(value);
    return toHex(payloadType === undefined ? exi : encodeV2gtp(payloadType as V2gtpPayloadType, exi));
  };
}

const messageOf = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/** The `code` of an ExiError / V2gtpError, else the error's name (SyntaxError for bad hex or JSON). */
function codeOf(err: unknown): string {
  if (err && typeof err === 'object') {
    const code = (err as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    if (err instanceof Error) return err.name;
  }
  return 'Error';
}

// ------------------------------------------------------------------------------ I/O

async function readAll(stream: Readable): Promise<string> {
  stream.setEncoding('utf8');
  let text = '';
  for await (const chunk of stream) text += chunk as string;
  return text;
}

/** Joins output lines into large writes and waits for 'drain' when the stream asks to. */
class LineWriter {
  private parts: string[] = [];
  private size = 0;
  private failure: Error | undefined;

  constructor(
    private readonly out: Writable,
    private readonly highWater = 64 * 1024,
  ) {
    out.on('error', this.onError);
  }

  private readonly onError = (err: Error): void => {
    this.failure ??= err;
  };

  /** Output failed (e.g. EPIPE: the reader went away); nothing more will be written. */
  get failed(): Error | undefined {
    return this.failure;
  }

  /** Queues one line; returns a promise only when the caller has to wait. */
  push(line: string): Promise<void> | undefined {
    this.parts.push(line);
    this.size += line.length + 1;
    return this.size >= this.highWater ? this.flush() : undefined;
  }

  private async flush(): Promise<void> {
    if (this.parts.length === 0 || this.failure) return;
    const chunk = this.parts.join('\n') + '\n';
    this.parts = [];
    this.size = 0;
    if (!this.out.write(chunk)) await this.drained();
  }

  private async drained(): Promise<void> {
    const ac = new AbortController();
    try {
      await Promise.race([once(this.out, 'drain', { signal: ac.signal }), once(this.out, 'error', { signal: ac.signal })]);
    } catch {
      // error: recorded by onError
    } finally {
      ac.abort();
    }
  }

  /** Writes what is left and waits until the stream has taken it. */
  async close(): Promise<void> {
    await this.flush();
    if (!this.failure) await new Promise<void>((resolve) => this.out.write('', () => resolve()));
    this.out.off('error', this.onError);
  }
}

/**
 * One item per input line (empty lines skipped), one output line per item in order; a failed
 * item becomes `{"error":..., "code":...}`. Resolves to the number of lines read and failed.
 */
async function runLines(io: CliIo, convert: (text: string) => string): Promise<{ total: number; failed: number }> {
  const rl = createInterface({ input: io.stdin, crlfDelay: Infinity });
  const out = new LineWriter(io.stdout);
  let total = 0;
  let failed = 0;
  try {
    for await (const raw of rl) {
      const line = raw.trim();
      if (line === '') continue;
      total++;
      let result: string;
      try {
        result = convert(line);
      } catch (err) {
        failed++;
        result = JSON.stringify({ error: messageOf(err), code: codeOf(err) });
      }
      const wait = out.push(result);
      if (wait) await wait;
      if (out.failed) break;
    }
  } finally {
    rl.close();
  }
  await out.close();
  return { total, failed };
}

// ------------------------------------------------------------------------------ commands

interface RunOptions extends CodecOptions {
  lines?: boolean;
}

const usage = (cmd: Command, message: string): never =>
  cmd.error(`v2xsim exi: ${message}`, { exitCode: 2, code: 'v2xsim.usage' });

/** A failure of the input data, not of the usage: no "add --help" hint. */
const failure = (cmd: Command, message: string): never =>
  cmd.showHelpAfterError(false).error(`v2xsim exi: ${message}`, { exitCode: 1, code: 'v2xsim.failed' });

function checkV2gtp(cmd: Command, opts: CodecOptions): void {
  if (opts.v2gtp && !payloadTypesOf(opts.schema)) usage(cmd, `${opts.schema} has no V2GTP payload type; drop --v2gtp`);
}

/** Runs `convert` over --lines input or over the one item from the inline option or stdin. */
async function run(
  cmd: Command,
  io: CliIo,
  opts: RunOptions,
  inline: string | undefined,
  what: { flag: string; noun: string },
  convert: (text: string) => string,
): Promise<void> {
  if (opts.lines) {
    const { total, failed } = await runLines(io, convert);
    if (failed > 0) failure(cmd, `${failed} of ${total} lines failed`);
    return;
  }
  let text = inline;
  if (text === undefined) {
    if ((io.stdin as { isTTY?: boolean }).isTTY) usage(cmd, `no input: give ${what.flag} or pipe ${what.noun} into stdin`);
    text = await readAll(io.stdin);
  }
  if (text.trim() === '') usage(cmd, `no input: ${what.flag} or stdin is empty`);
  let result: string;
  try {
    result = convert(text);
  } catch (err) {
    return failure(cmd, messageOf(err));
  }
  io.stdout.write(result + '\n');
}

const linesHelp = `With --lines, stdin is read line by line: one item per line (empty lines skipped), one
result per line in the same order. A line that fails prints {"error":"...","code":"..."}
in its place and the run goes on; the exit status is 1 if any line failed.`;

export function registerExiCommand(parent: Command, io?: CliIo): Command {
  const exi = parent
    .command('exi')
    .description('encode and decode V2G EXI messages (SupportedAppProtocol, DIN 70121, ISO 15118-2, ISO 15118-20)')
    .showHelpAfterError('(add --help for usage and examples)');
  exi.addHelpText(
    'after',
    `
Examples:
  $ v2xsim exi schemas
  $ v2xsim exi decode --schema apphand --hex ${SAP_HEX}
  $ v2xsim exi encode --schema apphand --json '${SAP_JSON}'`,
  );

  exi
    .command('decode')
    .description('decode an EXI message (hex) to JSON')
    .addOption(schemaOption())
    .addOption(new Option('-x, --hex <hex>', 'the EXI bytes as hex (default: read from stdin; whitespace ignored)').conflicts('lines'))
    .option('--v2gtp', 'the input starts with an 8-byte V2GTP header; check its payload type against the schema')
    .option('--fragment', 'the input is an EXI fragment (e.g. the SignedInfo of a signature), not a document')
    .option('--lines', 'read stdin line by line: one hex message per line, one JSON result per line')
    .addOption(new Option('--pretty', 'indent the JSON').conflicts('lines'))
    .addHelpText(
      'after',
      `
Output: one line of JSON (element names as keys, repeated elements as arrays, binary as hex,
64-bit integers beyond 2^53 as decimal strings).

${linesHelp}

Examples:
  $ v2xsim exi decode --schema apphand --hex ${SAP_HEX}
  $ echo ${SAP_V2GTP_HEX} | v2xsim exi decode --schema apphand --v2gtp --pretty
  $ v2xsim exi decode --schema iso2 --lines < messages.hex > messages.jsonl`,
    )
    .action(async (_opts: unknown, cmd: Command) => {
      const opts = cmd.opts<RunOptions & { hex?: string; pretty?: boolean }>();
      checkV2gtp(cmd, opts);
      await run(cmd, io ?? processIo(), opts, opts.hex, { flag: '--hex HEX', noun: 'hex' }, decoder(opts, opts.pretty ? 2 : undefined));
    });

  exi
    .command('encode')
    .description('encode a message given as JSON to EXI (hex)')
    .addOption(schemaOption())
    .addOption(new Option('-j, --json <json>', 'the message as JSON (default: read from stdin)').conflicts('lines'))
    .option('--v2gtp', "prepend the 8-byte V2GTP header with the schema's payload type")
    .addOption(
      new Option('--payload-type <type>', 'V2GTP payload type to write instead of the default, e.g. 0x8101 or ScheduleRenegotiation (implies --v2gtp)')
        .argParser(parsePayloadType)
        .implies({ v2gtp: true }),
    )
    .option('--fragment', 'encode an EXI fragment (e.g. a SignedInfo to be hashed), not a document')
    .option('--lines', 'read stdin line by line: one JSON message per line, one hex result per line')
    .addHelpText(
      'after',
      `
Output: lowercase hex. Give 64-bit integers beyond 2^53 as decimal strings. With --v2gtp
the payload type is ${hex16(V2gtpPayloadType.Exi)} for apphand, din and iso2 and ${hex16(V2gtpPayloadType.CommonMessages)}-${hex16(V2gtpPayloadType.WptMessages)} for the -20
schemas (see \`v2xsim exi schemas --json\`); --payload-type picks another one the schema allows.

${linesHelp}

Examples:
  $ v2xsim exi encode --schema apphand --json '${SAP_JSON}'
  $ echo '{"V2G_Message":{"Header":{"SessionID":"0102030405060708"},"Body":{"SessionStopReq":{"ChargingSession":"Terminate"}}}}' | v2xsim exi encode --schema iso2 --v2gtp
  $ v2xsim exi encode --schema iso20-dc --lines < messages.jsonl > messages.hex`,
    )
    .action(async (_opts: unknown, cmd: Command) => {
      const opts = cmd.opts<RunOptions & { json?: string; payloadType?: number }>();
      checkV2gtp(cmd, opts);
      let payloadType: number | undefined;
      if (opts.v2gtp) {
        const accepted = payloadTypesOf(opts.schema)!;
        payloadType = opts.payloadType ?? accepted[0];
        if (!accepted.includes(payloadType!)) {
          usage(cmd, `payload type ${describeType(payloadType!)} does not carry ${opts.schema} messages (use ${accepted.map(describeType).join(' or ')})`);
        }
      }
      await run(cmd, io ?? processIo(), opts, opts.json, { flag: '--json JSON', noun: 'JSON' }, encoder(opts, payloadType));
    });

  exi
    .command('schemas')
    .description('list the schema ids with their description and SupportedAppProtocol namespace')
    .option('--json', 'print a JSON array instead of a table')
    .addHelpText(
      'after',
      `
Examples:
  $ v2xsim exi schemas
  $ v2xsim exi schemas --json`,
    )
    .action((_opts: unknown, cmd: Command) => {
      const out = (io ?? processIo()).stdout;
      const rows = codecIds.map((id) => {
        const info = codecInfo(id)!;
        const types = payloadTypesOf(id);
        return {
          id,
          description: info.description,
          ...(info.protocolNamespace !== undefined ? { protocolNamespace: info.protocolNamespace } : {}),
          ...(info.base !== undefined ? { base: info.base } : {}),
          ...(types ? { v2gtpPayloadTypes: types.map(hex16) } : {}),
        };
      });
      if (cmd.opts<{ json?: boolean }>().json) {
        out.write(JSON.stringify(rows, null, 2) + '\n');
        return;
      }
      const idWidth = Math.max(2, ...rows.map((r) => r.id.length));
      const nsWidth = Math.max(9, ...rows.map((r) => (r.protocolNamespace ?? '-').length));
      const line = (a: string, b: string, c: string): string => `${a.padEnd(idWidth)}  ${b.padEnd(nsWidth)}  ${c}\n`;
      out.write(line('ID', 'NAMESPACE', 'DESCRIPTION') + rows.map((r) => line(r.id, r.protocolNamespace ?? '-', r.description)).join(''));
    });

  return exi;
}
