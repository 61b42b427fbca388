// `v2xsim ev`: the simulated EV as a process. Flags and/or a YAML file (`--config`, flags win)
// become an EvProcessConfig; the process finds the SECC (SDP or --secc), runs one session (or
// --repeat), prints a JSON summary line with --summary and exits 0 only for a complete,
// error-free session. The generic pieces live in process-cli.ts, shared with `v2xsim evse`.
import type { Command } from 'commander';
import type { EvProcess } from '@v2xsim/ev';
import type { CliIo } from './exi.js';
import { addFlags, configFailure, exitSoon, isConfigError, listArg, loadConfig, numberArg, onTerminationSignals, pairsArg, processIo, processLines, SIM_CLOCK_FLAGS, type FlagSpec } from './process-cli.js';

const EV_FLAGS: readonly FlagSpec[] = [
  { flags: '--id <name>', path: 'id', description: 'name of this EV in traces and on the banner (default ev)' },
  { flags: '--evcc-id <hex>', path: 'evccId', description: 'EVCCID: the MAC address, 12 hex digits' },
  {
    flags: '--protocols <list>',
    path: 'protocols',
    description: 'protocols to offer, most preferred first: iso20-dc, iso20-ac, iso20-dc-scale, iso20-ac-scale, iso2, iso2-scale, din (default iso2,din)',
    parse: listArg,
  },
  { flags: '--mode <mode>', path: 'energyTransferMode', description: 'energy transfer mode: DC_extended (default), AC_three_phase_core, AC_single_phase_core, DC_core, …' },
  { flags: '--control-mode <mode>', path: 'controlMode', description: 'ISO 15118-20 control mode: scheduled (default: the EV within the EVSE’s schedule) or dynamic (the EVSE decides)' },
  { flags: '--bpt', path: 'bpt', description: 'ISO 15118-20 bidirectional power transfer: ask for DC_BPT / AC_BPT (while discharge is allowed)' },
  { flags: '--allow-discharge', path: 'dischargeAllowed', description: 'the driver allows discharging (default)' },
  { flags: '--no-allow-discharge', path: 'dischargeAllowed', description: 'the driver does not: a --bpt EV asks for DC / AC instead (SCALE D2.3 §9.2)' },
  { flags: '--discharge-max-power <W>', path: 'discharge.maxPowerW', description: 'EVMaximumDischargePower (default 11000)', parse: numberArg },
  { flags: '--discharge-max-current <A>', path: 'discharge.maxCurrentA', description: 'EVMaximumDischargeCurrent, DC (default 30)', parse: numberArg },
  { flags: '--v2x-budget <Wh>', path: 'discharge.v2xBudgetWh', description: 'V2X warranty budget left (RemainingV2GEnergy); discharging stops when it is used up', parse: numberArg },
  { flags: '--efficiency <ratio>', path: 'battery.roundTripEfficiency', description: 'round-trip efficiency inlet → battery → inlet, 0..1 (default 1)', parse: numberArg },
  { flags: '--payment <method>', path: 'payment', description: 'eim (default: identification at the EVSE) or pnc (Plug & Charge with the contract in --pki, when the EVSE offers it)' },
  { flags: '--install-contract', path: 'pnc.install', description: 'pnc: get a contract by CertificateInstallation (with the OEM provisioning certificate in --pki) first' },
  {
    flags: '--pki <dir>',
    path: 'pki',
    description: 'PKI folder (v2xsim pki init; --curve P-521 for ISO 15118-20): the V2G root the SECC chain must lead to; the OEM provisioning certificate (-20 TLS 1.3); the contract for pnc',
  },
  { flags: '--tls', path: 'tls', description: 'TLS to the SECC: 1.2 for ISO 15118-2/DIN, 1.3 with the OEM certificate for -20 (needs --pki; on by default when --pki is given)' },
  { flags: '--no-tls', path: 'tls', description: 'plain TCP even with --pki' },
  { flags: '--secc <address>', path: 'secc', description: "the SECC's TCP address '[addr]:port' (skips SDP), e.g. '[::1]:64109'" },
  { flags: '--cable <host:port>', path: 'cable', description: "the EVSE's cable socket (from its banner, cable=…): plug in, wait for PWM 5 %, switch CP to C while charging, unplug at the end" },
  { flags: '--cable-current <A>', path: 'cableCurrentA', description: 'the cable’s rating (proximity pilot): 13, 20, 32 (default) or 63', parse: numberArg },
  { flags: '--sdp-address <addr>', path: 'sdp.address', description: 'SDP unicast target (default ::1)' },
  { flags: '--sdp-port <port>', path: 'sdp.port', description: 'SDP UDP port (default 15118)', parse: numberArg },
  { flags: '--interface <name>', path: 'sdp.interface', description: 'SDP by multicast to ff02::1 on this interface, as a real EV does' },
  { flags: '--speed <factor>', path: 'clock.speed', description: 'sim clock speed: sim seconds per wall second (default 1)', parse: numberArg },
  ...SIM_CLOCK_FLAGS,
  { flags: '--capacity <Wh>', path: 'battery.capacityWh', description: 'battery capacity, Wh (default 60000)', parse: numberArg },
  { flags: '--soc <percent>', path: 'battery.soc', description: 'SoC at start (default 20)', parse: numberArg },
  { flags: '--target-soc <percent>', path: 'needs.targetSoc', description: 'the driver’s target SoC: the EV stops there (default 80)', parse: numberArg },
  { flags: '--min-soc <percent>', path: 'needs.minimumSoc', description: 'minimum SoC (default 30, or the target if lower)', parse: numberArg },
  { flags: '--max-soc <percent>', path: 'needs.maximumSoc', description: 'maximum SoC (default 90, or the target if higher)', parse: numberArg },
  { flags: '--departure <s>', path: 'needs.departureS', description: 'departure, sim seconds after start: the EV stops then', parse: numberArg },
  {
    flags: '--curve <soc:W,...>',
    path: 'chargingCurve',
    description: 'charging curve: max power vs SoC (default 0:150000,50:150000,80:60000,100:10000)',
    parse: (v) => pairsArg(v).map(([soc, powerW]) => ({ soc, powerW })),
  },
  { flags: '--dc-max-power <W>', path: 'dc.maxPowerW', description: 'EVMaximumPowerLimit (default 150000)', parse: numberArg },
  { flags: '--dc-max-current <A>', path: 'dc.maxCurrentA', description: 'EVMaximumCurrentLimit (default 400)', parse: numberArg },
  { flags: '--dc-max-voltage <V>', path: 'dc.maxVoltageV', description: 'EVMaximumVoltageLimit (default 450)', parse: numberArg },
  { flags: '--ac-max-current <A>', path: 'ac.maxCurrentA', description: 'EVMaxCurrent per phase (default 16)', parse: numberArg },
  { flags: '--ac-phases <n>', path: 'ac.phases', description: 'phases of the on-board charger (default 3)', parse: numberArg },
  { flags: '--loop-ms <ms>', path: 'session.loopMs', description: 'charge-loop cycle, wall ms (default 100)', parse: numberArg },
  { flags: '--ongoing-ms <ms>', path: 'session.ongoingMs', description: 'pause while the EVSE says Ongoing, wall ms (default 100)', parse: numberArg },
  { flags: '--trace <file>', path: 'trace', description: 'write the trace (NDJSON, one event per message) to this file' },
  { flags: '--control-port <port>', path: 'control.port', description: 'control API port on 127.0.0.1 (default 0: a free one, printed)', parse: numberArg },
  { flags: '--summary', path: 'summary', description: 'print one JSON line when a session ends' },
  { flags: '--repeat <n>', path: 'repeat', description: 'sessions to run, 0 = until stopped (default 1); the SoC carries over', parse: numberArg },
];

export function registerEvCommand(parent: Command, io?: CliIo): Command {
  const ev = parent
    .command('ev')
    .description('run a simulated EV (EVCC): find the SECC, charge, print a summary')
    .option('-c, --config <file>', 'YAML configuration (flags override it); see docs/ev-evse.md')
    .showHelpAfterError('(add --help for usage and examples)');
  addFlags(ev, EV_FLAGS);
  ev.addHelpText(
    'after',
    `
Output: a one-line banner on stderr (addresses, control API), one line per session on stderr, and
with --summary one JSON line per session on stdout: protocol, namespace, messages per type, energyWh,
dischargedWh, socStart, socEnd, breaches, renegotiations (ISO 15118-20, against the 7 s SCALE timeout). Exit status: 0 complete and error-free, 1 a session failed, 2 bad usage.
Control API (loopback): GET /health, POST /actions/{stop,unplug,plug-in,allow-discharge,set-needs}, GET /trace (NDJSON).

Examples:
  $ v2xsim ev --summary                                   # SDP on [::1]:15118, ISO 15118-2 then DIN, DC
  $ v2xsim ev --secc '[::1]:64109' --protocols din --target-soc 30 --speed 600 --summary
  $ v2xsim ev --mode AC_three_phase_core --pki pki --departure 1800 --speed 60
  $ v2xsim ev --pki pki --payment pnc --summary           # Plug & Charge over TLS
  $ v2xsim ev --pki pki20 --protocols iso20-dc,iso2 --bpt --control-mode dynamic --summary   # V2G over TLS 1.3 (docs/iso15118-20.md)
  $ v2xsim ev --config ev.yaml --trace ev.ndjson
  $ v2xsim ev --secc '[::1]:64109' --speed 600 --sim-epoch 2026-01-01T18:00:00Z   # on the sim time line of the other processes with that epoch
  $ v2xsim ev --secc '[::1]:64109' --cable 127.0.0.1:40001 --summary   # with the cable (EVSE --cable-port)`,
  );
  ev.action(async (_opts: unknown, cmd: Command) => {
    const realProcess = io === undefined;
    // loaded here, not at the top: every `v2xsim` start loads only its own command's packages
    const { EvProcess, resolveEvProcessConfig } = await import('@v2xsim/ev');
    const config = await loadConfig(cmd, 'ev', EV_FLAGS, resolveEvProcessConfig);
    const lines = processLines(io ?? processIo());
    let proc: EvProcess;
    try {
      proc = await EvProcess.start(config, lines);
    } catch (e) {
      if (isConfigError(e)) return configFailure(cmd, 'ev', e, cmd.opts<{ config?: string }>().config, new Map());
      return cmd.showHelpAfterError(false).error(`v2xsim ev: ${e instanceof Error ? e.message : String(e)}`, { exitCode: 1, code: 'v2xsim.failed' });
    }
    const removeSignals = onTerminationSignals(() => proc.interrupt(), realProcess);
    let exitCode: number;
    try {
      exitCode = (await proc.run()).exitCode;
    } finally {
      removeSignals();
      await proc.close();
      exitSoon(realProcess);
    }
    if (exitCode !== 0) cmd.showHelpAfterError(false).error('v2xsim ev: the session did not complete', { exitCode, code: 'v2xsim.failed' });
  });
  return ev;
}
