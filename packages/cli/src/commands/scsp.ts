// `v2xsim scsp`: the SCSP as a process: an OCPI 2.2.1 party (roles SCSP and EMSP) that registers
// with a CPO, stores the Sessions and CDRs it pushes, sets the drivers' charging preferences and
// sends charging profiles computed from day-ahead prices, until SIGINT/SIGTERM. Flags and/or a
// YAML file (`--config`, flags win) become a ScspProcessConfig.
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import type { CliIo } from './exi.js';
import { addFlags, loadConfig, numberArg, serveUntilStopped, SIM_CLOCK_FLAGS, type FlagSpec } from './process-cli.js';

/** `CC/PID` or `CC*PID` (e.g. NL/SCS) → the party */
function partyArg(value: string): { countryCode: string; partyId: string } {
  const m = /^([A-Za-z]{2})[/*-]([A-Za-z0-9]{3})$/.exec(value.trim());
  if (!m) throw new InvalidArgumentError(`expected COUNTRY/PARTY such as NL/SCS, got ${JSON.stringify(value)}`);
  return { countryCode: m[1].toUpperCase(), partyId: m[2].toUpperCase() };
}

/** 8h, 90m, 3600s (or a plain number of seconds) → s */
function durationArg(value: string): number {
  const m = /^\+?(\d+(?:\.\d+)?)(h|m|s)?$/.exec(value.trim());
  if (!m || !(Number(m[1]) > 0)) throw new InvalidArgumentError(`expected a duration such as 8h, 90m or 3600s, got ${JSON.stringify(value)}`);
  return Number(m[1]) * (m[2] === 'h' ? 3600 : m[2] === 'm' ? 60 : 1);
}

const SCSP_FLAGS: readonly FlagSpec[] = [
  { flags: '--id <name>', path: 'id', description: 'name of this SCSP in traces and on the banner (default scsp)' },
  { flags: '--party <cc/pid>', path: 'party', description: 'country code and party id, e.g. NL/SCS (roles SCSP and EMSP)', parse: partyArg },
  { flags: '--name <name>', path: 'party.name', description: 'business name in the Credentials roles (default v2xsim SCSP)' },
  { flags: '--host <addr>', path: 'listen.host', description: 'OCPI server listen address (default 127.0.0.1)' },
  { flags: '--port <port>', path: 'listen.port', description: 'OCPI server port (default 0: a free one, printed)', parse: numberArg },
  { flags: '--public-url <url>', path: 'publicUrl', description: 'http://host:port the CPO reaches the OCPI server at (default the bound address)' },
  { flags: '--cpo <versions-url>', path: 'cpo.versionsUrl', description: "the CPO's OCPI versions URL to register with (needs --token-a)" },
  { flags: '--token-a <token>', path: 'cpo.tokenA', description: 'the CREDENTIALS_TOKEN_A the CPO handed over' },
  { flags: '--retries <n>', path: 'retry.attempts', description: 'retries after an unreachable CPO or a 3000/3001 answer (default 3)', parse: numberArg },
  { flags: '--prices <file>', path: 'prices.file', description: 'day-ahead prices, CSV or JSON: time,price[,export_price] in currency/kWh (docs/scsp.md)' },
  { flags: '--currency <code>', path: 'prices.currency', description: 'ISO 4217 currency of the prices (default: the file’s, if it says)' },
  { flags: '--site-capacity <W>', path: 'site.capacityW', description: 'site / connection capacity, W', parse: numberArg },
  { flags: '--max-slot <s>', path: 'optimiser.maxSlotS', description: 'longest optimiser slot, s (default: the price steps)', parse: numberArg },
  { flags: '--no-auto', path: 'optimiser.autoOptimise', description: 'do not send preferences and a schedule for new sessions by themselves (control API only)' },
  { flags: '--token <uid>', path: 'driver.token.uid', description: 'the default driver’s token uid (APP_USER; pushed to the CPO, authorized)' },
  { flags: '--contract-id <id>', path: 'driver.token.contractId', description: 'its contract id (default NL-SCS-<uid> from --party)' },
  { flags: '--profile-type <type>', path: 'driver.preferences.profileType', description: 'CHEAP (default), FAST, GREEN or REGULAR' },
  { flags: '--energy-need <kWh>', path: 'driver.preferences.energyNeedKwh', description: 'the default driver’s energy need, kWh', parse: numberArg },
  { flags: '--departure <time>', path: 'driver.preferences.departureTime', description: 'departure, ISO 8601 date-time (sim time)' },
  { flags: '--departure-after <duration>', path: 'driver.preferences.departureAfterS', description: 'or: departure this long after the session’s start, e.g. 8h, 90m, 3600s', parse: durationArg },
  { flags: '--discharge', path: 'driver.preferences.dischargeAllowed', description: 'the driver allows discharging (V2G)' },
  { flags: '--ev-max-power <W>', path: 'driver.ev.maxChargeW', description: 'EV max charge power (driver app; default: read from the active profile)', parse: numberArg },
  { flags: '--ev-max-discharge <W>', path: 'driver.ev.maxDischargeW', description: 'EV max discharge power (driver app; not in OCPI 2.2.1)', parse: numberArg },
  { flags: '--battery <Wh>', path: 'driver.ev.batteryCapacityWh', description: 'EV battery capacity (driver app)', parse: numberArg },
  { flags: '--soc <percent>', path: 'driver.ev.socPercent', description: 'EV SoC at plug-in (driver app)', parse: numberArg },
  { flags: '--min-soc <percent>', path: 'driver.ev.minSocPercent', description: 'minimum SoC: never discharged below, charged up to first', parse: numberArg },
  { flags: '--rte <fraction>', path: 'driver.ev.roundTripEfficiency', description: 'round-trip efficiency of a charge/discharge cycle, e.g. 0.85 (needed for V2G)', parse: numberArg },
  { flags: '--v2x-budget <Wh>', path: 'driver.ev.v2xBudgetWh', description: 'remaining V2X warranty budget: energy that may still be discharged', parse: numberArg },
  { flags: '--result-timeout <s>', path: 'resultTimeoutS', description: 'longest wait for an asynchronous ChargingProfiles result (default 30)', parse: numberArg },
  { flags: '--speed <factor>', path: 'clock.speed', description: 'sim clock speed: sim seconds per wall second (default 1)', parse: numberArg },
  { flags: '--start <time>', path: 'clock.start', description: 'sim time at start, ISO 8601 (default now); with --sim-epoch: at the epoch' },
  ...SIM_CLOCK_FLAGS,
  { flags: '--trace <file>', path: 'trace', description: 'write the trace (NDJSON, one event per OCPI message) to this file' },
  { flags: '--control-port <port>', path: 'control.port', description: 'control API port on 127.0.0.1 (default 0: a free one, printed)', parse: numberArg },
];

/** The default driver's token, completed: APP_USER and a contract id of this eMSP when not given. */
function completeDriver(input: unknown): unknown {
  const doc = input as { party?: { countryCode?: string; partyId?: string }; driver?: { token?: { uid?: string; type?: string; contractId?: string }; preferences?: { profileType?: string } } };
  const token = doc?.driver?.token;
  if (token?.uid !== undefined) {
    token.type ??= 'APP_USER';
    token.contractId ??= `${doc.party?.countryCode ?? 'NL'}-${doc.party?.partyId ?? 'SCS'}-${token.uid}`.slice(0, 36);
  }
  if (doc?.driver?.preferences && doc.driver.preferences.profileType === undefined) doc.driver.preferences.profileType = 'CHEAP';
  return input;
}

export function registerScspCommand(parent: Command, io?: CliIo): Command {
  const scsp = parent
    .command('scsp')
    .description('run the SCSP (OCPI 2.2.1, roles SCSP and EMSP): register with a CPO, set charging preferences, send price-optimised charging profiles')
    .option('-c, --config <file>', 'YAML configuration (flags override it); see docs/scsp.md')
    .showHelpAfterError('(add --help for usage and examples)');
  addFlags(scsp, SCSP_FLAGS);
  scsp.addHelpText(
    'after',
    `
Output: a one-line banner (stderr) with the OCPI versions URL and the control API; one line per
session, preference and profile (stderr); one JSON line per schedule (stdout). OCPI 2.2.1 cannot
carry discharge setpoints: a V2G schedule's discharge periods are sent as 0 W and reported.
Stops cleanly on SIGINT/SIGTERM. Exit status: 0 stopped, 1 cannot start, 2 bad usage.
Control API (loopback): GET /health, POST /actions/{register,set-preferences,set-prices,optimise,session}, GET /trace.

Examples:
  $ v2xsim scsp --prices packages/scsp/examples/day-ahead.csv --start 2026-01-01T18:00:00Z \\
      --token APP-1 --energy-need 30 --departure-after 8h         # waits for a CPO to register with (control API)
  $ v2xsim scsp --cpo http://127.0.0.1:9000/ocpi/versions --token-a TOKEN_A --party NL/SCS \\
      --prices packages/scsp/examples/day-ahead.csv --token APP-1 --energy-need 20 --departure-after 8h \\
      --discharge --ev-max-discharge 10000 --rte 0.9 --battery 60000 --soc 50 --min-soc 20
  $ v2xsim scsp --config packages/scsp/examples/scsp.yaml --trace scsp.ndjson`,
  );
  scsp.action(async (_opts: unknown, cmd: Command) => {
    // loaded here, not at the top: every `v2xsim` start loads only its own command's packages
    const { ScspProcess, resolveScspProcessConfig } = await import('@v2xsim/scsp');
    const config = await loadConfig(cmd, 'scsp', SCSP_FLAGS, (input) => resolveScspProcessConfig(completeDriver(input)));
    await serveUntilStopped(cmd, 'scsp', config, (c, lines) => ScspProcess.start(c, lines), io, new Map([['prices.file', '--prices']]));
  });
  return scsp;
}
