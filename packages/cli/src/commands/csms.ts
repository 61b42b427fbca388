// `v2xsim csms`: the CSMS as a process. Flags and/or a YAML file (`--config`, flags win) become a
// CsmsConfig; the OCPP-J server serves stations (1.6, 2.0.1, 2.1) until SIGINT/SIGTERM.
import type { Command } from 'commander';
import type { CliIo } from './exi.js';
import { addFlags, listArg, loadConfig, numberArg, serveUntilStopped, SIM_CLOCK_FLAGS, type FlagSpec } from './process-cli.js';

const CSMS_FLAGS: readonly FlagSpec[] = [
  { flags: '--id <name>', path: 'id', description: 'name of this CSMS in traces and on the banner (default csms)' },
  { flags: '--host <addr>', path: 'listen.host', description: 'OCPP-J listen address (default 127.0.0.1; 0.0.0.0 for all)' },
  { flags: '--port <port>', path: 'listen.port', description: 'OCPP-J port (default 9000; 0: a free one, printed)', parse: numberArg },
  { flags: '--path <path>', path: 'listen.path', description: 'endpoint path; stations connect to ws(s)://host:port<path>/<identity> (default /ocpp)' },
  { flags: '--protocols <list>', path: 'protocols', description: 'OCPP versions served: 2.1, 2.0.1, 1.6 (default all three)', parse: listArg },
  { flags: '--data <dir>', path: 'data', description: 'database folder, created if missing: <dir>/csms.sqlite (default ./csms-data)' },
  {
    flags: '--security-profile <n>',
    path: 'securityProfile',
    description: 'OCPP security profile of stations: 0 none (test only), 1 Basic auth over ws (default), 2 Basic auth over TLS, 3 TLS client certificates',
    parse: numberArg,
  },
  { flags: '--pki <dir>', path: 'pki', description: 'PKI folder (v2xsim pki init): TLS server certificate from its CPO Sub-CA 2, V2G root as client CA (profile 3), CSR signing, contract certificates' },
  { flags: '--tls-cert <file>', path: 'tls.cert', description: 'TLS server certificate chain (PEM) instead of one issued from --pki' },
  { flags: '--tls-key <file>', path: 'tls.key', description: 'its private key (PEM)' },
  { flags: '--tls-ca <file>', path: 'tls.ca', description: 'CA of the station certificates (profile 3) instead of the PKI’s V2G root' },
  { flags: '--accept-unknown', path: 'acceptUnknown', description: 'register unknown stations at their first connection (with --default-password for profiles 1/2)' },
  { flags: '--default-password <pw>', path: 'defaultPassword', description: 'BasicAuthPassword of auto-registered stations and of configured ones without their own (16–64 characters)' },
  { flags: '--accept-any-token', path: 'acceptAnyToken', description: 'authorize id tokens the CSMS does not know (default: Unknown / 1.6 Invalid)' },
  { flags: '--boot-status <status>', path: 'bootStatus', description: 'BootNotification answer for known stations: Accepted (default) or Pending' },
  { flags: '--heartbeat <s>', path: 'heartbeatS', description: 'heartbeat interval given in BootNotificationResponse, s (default 300)', parse: numberArg },
  { flags: '--site-limit <W>', path: 'siteLimitW', description: 'grid connection limit of the site, W, shared by every station and EVSE (default none)', parse: numberArg },
  { flags: '--evse-max-power <W>', path: 'evseMaxPowerW', description: 'rated power of an EVSE when the station config gives none, W (default 22000)', parse: numberArg },
  { flags: '--policy <name>', path: 'policy', description: 'smart charging: default (TxProfiles planned from charging needs and the site limit, the rest shared), spread (each need spread until its departure) or none' },
  { flags: '--speed <factor>', path: 'clock.speed', description: 'sim clock speed: sim seconds per wall second for stored times, schedules and departures (default 1)', parse: numberArg },
  ...SIM_CLOCK_FLAGS,
  { flags: '--trace <file>', path: 'trace', description: 'write the trace (NDJSON, one event per OCPP frame) to this file' },
  { flags: '--control-port <port>', path: 'control.port', description: 'control API port on 127.0.0.1 (default 0: a free one, printed)', parse: numberArg },
  { flags: '--ocpi-port <port>', path: 'ocpi.port', description: 'serve OCPI 2.2.1 as CPO on this port (0: a free one, printed; default: no OCPI)', parse: numberArg },
  { flags: '--ocpi-host <addr>', path: 'ocpi.host', description: 'OCPI listen address (default 127.0.0.1)' },
  { flags: '--ocpi-party <CC*PTY>', path: 'ocpi.party', description: 'the CPO party: country_code*party_id (default NL*CPO)' },
  { flags: '--ocpi-token-a <token>', path: 'ocpi.tokenA', description: 'a CREDENTIALS_TOKEN_A a party registers with (else the control action ocpi-token-a makes one)' },
  { flags: '--ocpi-public-url <url>', path: 'ocpi.publicUrl', description: 'scheme://host:port the OCPI parties reach this CPO at (default the bound address)' },
];

export function registerCsmsCommand(parent: Command, io?: CliIo): Command {
  const csms = parent
    .command('csms')
    .description('run the CSMS: an OCPP 1.6 / 2.0.1 / 2.1 server with a database, smart charging and a control API')
    .option('-c, --config <file>', 'YAML configuration (flags override it): stations, id tokens, …; see docs/csms.md')
    .showHelpAfterError('(add --help for usage and examples)');
  addFlags(csms, CSMS_FLAGS);
  csms.addHelpText(
    'after',
    `
Output (stderr): a one-line banner with the OCPP endpoint and control API addresses, then one line
per connection, boot and profile. Stops cleanly on SIGINT/SIGTERM. Exit status: 0 stopped, 1 cannot
start (address in use), 2 bad usage.
Control API (loopback): GET /health, GET /actions, POST /actions/<name> (stations, transactions,
meter-values, charging-needs, set-charging-profile, discharge, request-start, reset, call, …), GET /trace.

Examples:
  $ v2xsim csms --port 9000 --security-profile 0 --accept-unknown --accept-any-token   # a test CSMS: any station, any token
  $ v2xsim csms --accept-unknown --default-password 0123456789abcdef --site-limit 50000
  $ v2xsim pki init --out pki && v2xsim csms --pki pki --security-profile 2 --config csms.yaml
  $ v2xsim csms --config csms.yaml --data /var/lib/v2xsim --trace csms.ndjson
  $ v2xsim csms --port 0 --speed 600 --sim-epoch "$(date -u +%s%3N)"   # on one sim time line with stations given the same epoch`,
  );
  csms.action(async (_opts: unknown, cmd: Command) => {
    // loaded here, not at the top: every `v2xsim` start loads only its own command's packages
    const { CsmsProcess, resolveCsmsConfig } = await import('@v2xsim/csms');
    const config = await loadConfig(cmd, 'csms', CSMS_FLAGS, resolveCsmsConfig);
    await serveUntilStopped(cmd, 'csms', config, (c, lines) => CsmsProcess.start(c, lines), io);
  });
  return csms;
}
