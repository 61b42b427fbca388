// `v2xsim evse`: the simulated EVSE as a process. Flags and/or a YAML file (`--config`, flags win)
// become an EvseProcessConfig; the SECC serves one EV after another (SDP on [::1]:15118 by
// default) until SIGINT/SIGTERM.
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { EvseProcess, resolveEvseProcessConfig } from '@v2xsim/evse';
import type { CliIo } from './exi.js';
import { addFlags, configFailure, exitSoon, listArg, loadConfig, numberArg, onTerminationSignals, pairsArg, processLines, type FlagSpec } from './process-cli.js';

const processIo = (): Pick<CliIo, 'stdout' | 'stderr'> => ({ stdout: process.stdout, stderr: process.stderr });

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
  { flags: '--protocols <list>', path: 'protocols', description: 'protocols supported: iso2, iso2-scale, din (default iso2,din)', parse: listArg },
  { flags: '--modes <list>', path: 'energyTransferModes', description: 'energy transfer modes offered (default DC_extended,AC_three_phase_core)', parse: listArg },
  { flags: '--payment <list>', path: 'payment', description: 'payment options offered: eim (default), pnc (Plug & Charge, contracts checked against the MO root in --pki), or eim,pnc', parse: listArg },
  { flags: '--receipts', path: 'pnc.receipts', description: 'pnc: ask the EV for signed metering receipts' },
  { flags: '--authorize <how>', path: 'authorization', description: 'EIM authorisation: auto (default), manual (control API), or a delay in ms', parse: authorizeArg },
  { flags: '--pki <dir>', path: 'pki', description: 'PKI folder (v2xsim pki init): the SECC certificate chain and key; the MO root, CPS and contract for pnc' },
  { flags: '--tls', path: 'tls', description: 'TLS 1.2 (needs --pki; on by default when --pki is given)' },
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
  { flags: '--trace <file>', path: 'trace', description: 'write the trace (NDJSON, one event per message) to this file' },
  { flags: '--control-port <port>', path: 'control.port', description: 'control API port on 127.0.0.1 (default 0: a free one, printed)', parse: numberArg },
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
Control API (loopback): GET /health, POST /actions/{authorize,stop,set-limit}, GET /trace (NDJSON).
With --cable-port, an EV plugs in over the cable socket: PWM 5 % when it does, an unplug ends the session.

Examples:
  $ v2xsim evse                                        # SECC on [::1] (free port), SDP on [::1]:15118
  $ v2xsim evse --port 64109 --no-sdp --protocols din,iso2 --speed 600
  $ v2xsim evse --pki pki --authorize manual --schedule 0:50000,3600:22000
  $ v2xsim evse --pki pki --payment pnc,eim --receipts     # Plug & Charge over TLS
  $ v2xsim evse --config evse.yaml --trace evse.ndjson
  $ v2xsim evse --cable-port 0                         # with the cable: the EV runs with --cable 127.0.0.1:PORT`,
  );
  evse.action(async (_opts: unknown, cmd: Command) => {
    const realProcess = io === undefined;
    const config = await loadConfig(cmd, 'evse', EVSE_FLAGS, resolveEvseProcessConfig);
    let proc: EvseProcess;
    try {
      proc = await EvseProcess.start(config, processLines(io ?? processIo()));
    } catch (e) {
      if (e instanceof Error && e.name === 'ConfigError') return configFailure(cmd, 'evse', e, cmd.opts<{ config?: string }>().config, new Map());
      return cmd.showHelpAfterError(false).error(`v2xsim evse: ${e instanceof Error ? e.message : String(e)}`, { exitCode: 1, code: 'v2xsim.failed' });
    }
    await new Promise<void>((resolve) => {
      const remove = onTerminationSignals(() => {
        remove();
        resolve();
      }, realProcess);
    });
    await proc.close();
    exitSoon(realProcess);
  });
  return evse;
}
