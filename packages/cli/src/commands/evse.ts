// `v2xsim evse`: the simulated EVSE as a process. Flags and/or a YAML file (`--config`, flags win)
// become an EvseProcessConfig; the SECC serves one EV after another (SDP on [::1]:15118 by
// default) until SIGINT/SIGTERM.
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import type { CliIo } from './exi.js';
import { addFlags, listArg, loadConfig, numberArg, pairsArg, serveUntilStopped, SIM_CLOCK_FLAGS, type FlagSpec } from './process-cli.js';


/** `auto`, `manual`, or a delay in ms */
function authorizeArg(value: string): { mode: 'auto' | 'manual' } | { mode: 'delay'; delayMs: number } {
  const v = value.trim().toLowerCase();
  if (v === 'auto' || v === 'manual') return { mode: v };
  const ms = Number(v);
  if (v !== '' && Number.isFinite(ms) && ms > 0) return { mode: 'delay', delayMs: ms };
  throw new InvalidArgumentError(`expected auto, manual or a delay in ms, got ${JSON.stringify(value)}`);
}

const EVSE_FLAGS: readonly FlagSpec[] = [
  { flags: '--id <name>', path: 'id', description: 'name of this EVSE in traces and on the banner (default evse)' },
  { flags: '--evse-id <id>', path: 'evseId', description: 'EVSEID (default DE*V2X*E12345*1, as in the PKI’s SECC certificate)' },
  { flags: '--host <addr>', path: 'listen.host', description: 'SECC listen address (default ::1; :: for all)' },
  { flags: '--port <port>', path: 'listen.port', description: 'SECC TCP port (default 0: a free one, printed)', parse: numberArg },
  {
    flags: '--protocols <list>',
    path: 'protocols',
    description: 'protocols supported: iso2, iso2-scale, din, iso20-dc, iso20-ac, iso20-dc-scale, iso20-ac-scale (default iso2,din)',
    parse: listArg,
  },
  { flags: '--control-modes <list>', path: 'iso20.controlModes', description: 'ISO 15118-20 control modes offered: scheduled, dynamic (default both)', parse: listArg },
  { flags: '--services <list>', path: 'iso20.services', description: 'ISO 15118-20 services offered: DC, DC_BPT, AC, AC_BPT (default: what the hardware has)', parse: listArg },
  { flags: '--no-bpt', path: 'iso20.bpt', description: 'ISO 15118-20: offer no bidirectional services (DC_BPT, AC_BPT)' },
  { flags: '--setpoint <W>', path: 'setpointW', description: 'ISO 15118-20 power setpoint, W (negative = discharge): Dynamic follows it, Scheduled gets it as its schedule', parse: numberArg },
  { flags: '--dc-max-discharge-power <W>', path: 'dc.maxDischargePowerW', description: 'EVSEMaximumDischargePower, DC (default 50000; 0 = no DC_BPT)', parse: numberArg },
  { flags: '--dc-max-discharge-current <A>', path: 'dc.maxDischargeCurrentA', description: 'EVSEMaximumDischargeCurrent, DC (default 125)', parse: numberArg },
  { flags: '--ac-max-discharge-power <W>', path: 'ac.maxDischargePowerW', description: 'EVSEMaximumDischargePower, AC (default 11000; 0 = no AC_BPT)', parse: numberArg },
  { flags: '--modes <list>', path: 'energyTransferModes', description: 'energy transfer modes offered (default DC_extended,AC_three_phase_core)', parse: listArg },
  { flags: '--payment <list>', path: 'payment', description: 'payment options offered: eim (default), pnc (Plug & Charge, contracts checked against the MO root in --pki), or eim,pnc', parse: listArg },
  { flags: '--receipts', path: 'pnc.receipts', description: 'pnc: ask the EV for signed metering receipts' },
  { flags: '--authorize <how>', path: 'authorization', description: 'EIM authorisation: auto (default), manual (control API), or a delay in ms', parse: authorizeArg },
  {
    flags: '--pki <dir>',
    path: 'pki',
    description: 'PKI folder (v2xsim pki init; --curve P-521 for ISO 15118-20): the SECC certificate chain and key; the OEM root (-20 mutual TLS); the MO root, CPS and contract for pnc',
  },
  { flags: '--tls', path: 'tls', description: 'TLS: 1.2 for ISO 15118-2/DIN, 1.3 with the EV certificate verified for -20, both on one port (needs --pki; on by default when --pki is given)' },
  { flags: '--no-tls', path: 'tls', description: 'plain TCP even with --pki' },
  { flags: '--sdp', path: 'sdp.enabled', description: 'serve SDP (default)' },
  { flags: '--no-sdp', path: 'sdp.enabled', description: 'no SDP server: EVs connect with the SECC address' },
  { flags: '--sdp-host <addr>', path: 'sdp.host', description: 'SDP unicast listen address (default ::1)' },
  { flags: '--sdp-port <port>', path: 'sdp.port', description: 'SDP UDP port (default 15118; 0 = a free one)', parse: numberArg },
  { flags: '--interface <name>', path: 'sdp.interface', description: 'SDP multicast on this interface (ff02::1), as a real charger does' },
  { flags: '--dc-max-power <W>', path: 'dc.maxPowerW', description: 'EVSEMaximumPowerLimit, hardware (default 150000)', parse: numberArg },
  { flags: '--dc-max-current <A>', path: 'dc.maxCurrentA', description: 'EVSEMaximumCurrentLimit, hardware (default 375)', parse: numberArg },
  { flags: '--dc-max-voltage <V>', path: 'dc.maxVoltageV', description: 'EVSEMaximumVoltageLimit (default 920)', parse: numberArg },
  { flags: '--dc-min-voltage <V>', path: 'dc.minVoltageV', description: 'EVSEMinimumVoltageLimit (default 150)', parse: numberArg },
  { flags: '--ac-max-current <A>', path: 'ac.maxCurrentA', description: 'AC current per phase, hardware (default 32)', parse: numberArg },
  { flags: '--ac-phases <n>', path: 'ac.phases', description: 'AC phases (default 3)', parse: numberArg },
  { flags: '--ac-voltage <V>', path: 'ac.nominalVoltageV', description: 'EVSENominalVoltage, phase to neutral (default 230)', parse: numberArg },
  { flags: '--max-power <W>', path: 'limits.maxPowerW', description: 'the site’s power limit (the static limit source)', parse: numberArg },
  {
    flags: '--schedule <start:W[:dur],...>',
    path: 'limits.schedule',
    description: 'static PMaxSchedule, seconds from each session’s start: e.g. 0:50000,3600:22000',
    parse: (v) => pairsArg(v, true).map(([startS, pMaxW, durationS]) => ({ startS, pMaxW, ...(durationS !== undefined ? { durationS } : {}) })),
  },
  { flags: '--cable-check-ms <ms>', path: 'isolation.durationMs', description: 'isolation test duration, sim ms (default 2000)', parse: numberArg },
  { flags: '--speed <factor>', path: 'clock.speed', description: 'sim clock speed: sim seconds per wall second (default 1)', parse: numberArg },
  ...SIM_CLOCK_FLAGS,
  { flags: '--trace <file>', path: 'trace', description: 'write the trace (NDJSON, one event per message) to this file' },
  { flags: '--control-port <port>', path: 'control.port', description: 'control API port on 127.0.0.1 (default 0: a free one, printed)', parse: numberArg },
  { flags: '--csms <url>', path: 'ocpp.csms', description: 'OCPP: connect to this CSMS (ws:// profile 1, wss:// profiles 2/3); the station id is appended as the last path segment' },
  { flags: '--ocpp <version>', path: 'ocpp.version', description: 'OCPP version: 1.6, 2.0.1 (default) or 2.1' },
  { flags: '--station-id <id>', path: 'ocpp.stationId', description: 'OCPP identity of the station (default CS-001)' },
  { flags: '--stations <n>', path: 'ocpp.stations', description: 'N stations in this process (with --station-id-pattern): the first one’s EVSE 1 is the SECC’s, the others idle simulated EVSEs', parse: numberArg },
  { flags: '--station-id-pattern <pattern>', path: 'ocpp.stationIdPattern', description: 'identities of N stations, e.g. CS-{n:03} → CS-001, CS-002, …' },
  { flags: '--security-profile <n>', path: 'ocpp.securityProfile', description: 'OCPP security profile: 1 Basic auth over ws:// (default), 2 Basic auth over wss://, 3 client certificate', parse: numberArg },
  { flags: '--ocpp-password <pw>', path: 'ocpp.password', description: 'Basic auth password: 2.x BasicAuthPassword (16–40 characters, 2.1 up to 64), 1.6 AuthorizationKey as hex' },
  { flags: '--ocpp-ca <file>', path: 'ocpp.tls.ca', description: 'PEM: CA of the CSMS’s TLS certificate (default the V2G root of --pki)' },
  { flags: '--ocpp-cert <file>', path: 'ocpp.tls.cert', description: 'PEM: the station’s certificate chain, profile 3 (default: issued at start from the CPO Sub-CA 2 of --pki, CN = the station id)' },
  { flags: '--ocpp-key <file>', path: 'ocpp.tls.key', description: 'PEM: its private key' },
  { flags: '--scale-ocpp', path: 'ocpp.scale', description: 'add the SCALE customData (eu.scale-project) to TransactionEvent and NotifyEVChargingNeeds' },
  { flags: '--data <dir>', path: 'ocpp.dataDir', description: 'OCPP offline journal, open transactions, device model and profiles: <dir>/<station id> (default evse-data)' },
  { flags: '--id-token <token>', path: 'ocpp.idToken', description: 'EIM id token sent in Authorize (default: the EV’s EVCCID as a MacAddress token; PnC sends the eMAID)' },
  { flags: '--meter-interval <s>', path: 'ocpp.meterIntervalS', description: 'transaction meter values every s seconds (TxUpdatedInterval / MeterValueSampleInterval)', parse: numberArg },
  { flags: '--ocpp-retry <s>', path: 'ocpp.retryWaitS', description: 'OCPP reconnect back-off: first wait, s (RetryBackOffWaitMinimum, default 3)', parse: numberArg },
  { flags: '--cable-port <port>', path: 'cable.port', description: 'open the cable socket (CP/PWM/PP side channel, docs/cable.md) on 127.0.0.1 at this port (0: a free one, printed as cable=…); default off', parse: numberArg },
];

export function registerEvseCommand(parent: Command, io?: CliIo): Command {
  const evse = parent
    .command('evse')
    .description('run a simulated EVSE (SECC + SDP): serve EVs one after another until stopped')
    .option('-c, --config <file>', 'YAML configuration (flags override it); see docs/ev-evse.md')
    .showHelpAfterError('(add --help for usage and examples)');
  addFlags(evse, EVSE_FLAGS);
  evse.addHelpText(
    'after',
    `
Output (stderr): a one-line banner with the SECC, SDP and control API addresses, then one line
per session. Stops cleanly on SIGINT/SIGTERM. Exit status: 0 stopped, 1 cannot start (address in
use), 2 bad usage.
Control API (loopback): GET /health, POST /actions/{authorize,stop,set-limit,discharge}, GET /trace (NDJSON).
With --csms, the EVSE is an OCPP charging station: the CSMS authorises (Authorize), gets the
transaction, meter values and the EV's charging needs, and its charging profiles become the
schedule the SECC offers the EV (renegotiated when they change).
With --cable-port, an EV plugs in over the cable socket: PWM 5 % when it does, an unplug ends the session.

Examples:
  $ v2xsim evse                                        # SECC on [::1] (free port), SDP on [::1]:15118
  $ v2xsim evse --port 64109 --no-sdp --protocols din,iso2 --speed 600
  $ v2xsim evse --pki pki --authorize manual --schedule 0:50000,3600:22000
  $ v2xsim evse --pki pki --payment pnc,eim --receipts     # Plug & Charge over TLS
  $ v2xsim evse --pki pki20 --protocols iso20-dc,iso20-ac,iso2,din --max-power 22000   # ISO 15118-20 + -2 (docs/iso15118-20.md)
  $ v2xsim evse --config evse.yaml --trace evse.ndjson
  $ v2xsim evse --cable-port 0                         # with the cable: the EV runs with --cable 127.0.0.1:PORT
  $ v2xsim evse --csms ws://127.0.0.1:9000/ocpp --ocpp 2.1 --station-id CS-001 --ocpp-password 0123456789abcdef --scale-ocpp   # an OCPP station (docs/station.md)`,
  );
  evse.action(async (_opts: unknown, cmd: Command) => {
    // loaded here, not at the top: every `v2xsim` start loads only its own command's packages
    const { EvseProcess, resolveEvseProcessConfig } = await import('@v2xsim/evse');
    const config = await loadConfig(cmd, 'evse', EVSE_FLAGS, resolveEvseProcessConfig);
    await serveUntilStopped(cmd, 'evse', config, (c, lines) => EvseProcess.start(c, lines), io);
  });
  return evse;
}
