// The SCSP process's configuration: what `v2xsim scsp` reads from a YAML file and its flags.
// resolveScspProcessConfig() lays a partial document over the defaults and checks it.
import { ConfigError, SIM_TIME_SPEC, checkConfig, isPlainObject, mergeConfig, type ConfigProblem, type ConfigSpec } from '@v2xsim/process';
import { ProfileTypeValues, TokenTypeValues, WhitelistTypeValues, isOcpiDateTime } from '@v2xsim/ocpi';
import type { Driver } from '../ocpi/drivers.js';

export interface ScspProcessConfig {
  /** actor name in traces and on the banner */
  id: string;
  /** this party: country code, party id (roles SCSP and EMSP), business name */
  party: { countryCode: string; partyId: string; name: string };
  /** the OCPI server */
  listen: { host: string; port: number };
  /** scheme://host:port the CPO reaches the OCPI server at (default: the bound address) */
  publicUrl?: string;
  /** the CPO to register with: its versions URL and the token A it handed over */
  cpo?: { versionsUrl: string; tokenA: string };
  /**
   * After an unreachable CPO, no answer within timeoutMs, or a 3000/3001 answer: registration is
   * tried `attempts` more times; requests to the CPO (preferences, profiles) are tried again until
   * giveUpAfterS. The delay starts at delayMs and doubles up to maxDelayMs, jittered.
   */
  retry: { attempts: number; delayMs: number; maxDelayMs: number; giveUpAfterS: number; timeoutMs: number };
  /** day-ahead prices (CSV or JSON, docs/scsp.md) */
  prices: { file: string; currency?: string };
  optimiser: { autoOptimise: boolean; maxSlotS?: number };
  site: { capacityW?: number };
  /** to read charging profiles in A: phase-to-neutral voltage and phases */
  ac: { voltageV: number; phases: number };
  /** preferences and EV data for sessions whose token is not among `drivers` (and its token, if given) */
  driver?: Driver;
  drivers: (Driver & { token: NonNullable<Driver['token']> })[];
  /** the longest wait for an asynchronous ChargingProfiles result, s (wall clock) */
  resultTimeoutS: number;
  /** sim ms per wall ms; the sim time at start (default now), or with `epoch` (ISO 8601 or ms) at that wall instant: the shared sim time line of @v2xsim/process sim-epoch.ts */
  clock: { speed: number; start?: string; epoch?: string };
  trace?: string;
  control: { host: string; port: number };
}

const num = (extra: Omit<Extract<ConfigSpec, { type: 'number' }>, 'type'> = {}): ConfigSpec => ({ type: 'number', ...extra });
const port = num({ min: 0, max: 65535, integer: true });
const str: ConfigSpec = { type: 'string', nonEmpty: true };
const url: ConfigSpec = { type: 'string', check: (v) => (/^https?:\/\/[^\s/]+/.test(v) ? undefined : `must be an http(s) URL, got ${JSON.stringify(v)}`) };
const dateTime: ConfigSpec = { type: 'string', check: (v) => (isOcpiDateTime(v) ? undefined : `must be an ISO 8601 date-time (e.g. 2026-01-01T18:00:00Z), got ${JSON.stringify(v)}`) };
const percent = num({ min: 0, max: 100 });

const TOKEN_SPEC: ConfigSpec = {
  type: 'object',
  fields: {
    uid: { type: 'string', check: (v) => (v.length >= 1 && v.length <= 36 ? undefined : 'must be 1 to 36 characters (Token.uid)') },
    type: { type: 'string', enum: TokenTypeValues },
    contractId: { type: 'string', check: (v) => (v.length >= 1 && v.length <= 36 ? undefined : 'must be 1 to 36 characters (Token.contract_id)') },
    issuer: str,
    visualNumber: str,
    valid: { type: 'boolean' },
    whitelist: { type: 'string', enum: WhitelistTypeValues },
  },
};

const DRIVER_FIELDS = {
  token: TOKEN_SPEC,
  preferences: {
    type: 'object',
    fields: {
      profileType: { type: 'string', enum: ProfileTypeValues },
      departureTime: dateTime,
      departureAfterS: num({ above: 0 }),
      energyNeedKwh: num({ min: 0 }),
      dischargeAllowed: { type: 'boolean' },
    },
  },
  ev: {
    type: 'object',
    fields: {
      maxChargeW: num({ above: 0 }),
      minChargeW: num({ min: 0 }),
      maxDischargeW: num({ min: 0 }),
      minDischargeW: num({ min: 0 }),
      batteryCapacityWh: num({ above: 0 }),
      socPercent: percent,
      minSocPercent: percent,
      maxSocPercent: percent,
      roundTripEfficiency: num({ above: 0, max: 1 }),
      v2xBudgetWh: num({ min: 0 }),
    },
  },
} as const satisfies Record<string, ConfigSpec>;

export const SCSP_CONFIG_SPEC: ConfigSpec = {
  type: 'object',
  fields: {
    id: str,
    party: {
      type: 'object',
      fields: {
        countryCode: { type: 'string', check: (v) => (/^[A-Z]{2}$/.test(v) ? undefined : `must be 2 capital letters (ISO 3166-1 alpha-2), got ${JSON.stringify(v)}`) },
        partyId: { type: 'string', check: (v) => (/^[A-Z0-9]{3}$/.test(v) ? undefined : `must be 3 capital letters or digits, got ${JSON.stringify(v)}`) },
        name: str,
      },
    },
    listen: { type: 'object', fields: { host: str, port } },
    publicUrl: url,
    cpo: { type: 'object', fields: { versionsUrl: url, tokenA: { type: 'string', check: (v) => (/^[\x21-\x7e]{1,64}$/.test(v) ? undefined : 'must be 1 to 64 printable ASCII characters without spaces') } } },
    retry: {
      type: 'object',
      fields: { attempts: num({ min: 0, max: 20, integer: true }), delayMs: num({ min: 0 }), maxDelayMs: num({ min: 0 }), giveUpAfterS: num({ min: 0 }), timeoutMs: num({ above: 0 }) },
    },
    prices: { type: 'object', fields: { file: str, currency: { type: 'string', check: (v) => (/^[A-Z]{3}$/.test(v) ? undefined : 'must be an ISO 4217 code such as EUR') } } },
    optimiser: { type: 'object', fields: { autoOptimise: { type: 'boolean' }, maxSlotS: num({ min: 1 }) } },
    site: { type: 'object', fields: { capacityW: num({ above: 0 }) } },
    ac: { type: 'object', fields: { voltageV: num({ above: 0 }), phases: num({ min: 1, max: 3, integer: true }) } },
    driver: { type: 'object', fields: DRIVER_FIELDS },
    drivers: { type: 'array', items: { type: 'object', fields: DRIVER_FIELDS } },
    resultTimeoutS: num({ above: 0 }),
    clock: { type: 'object', fields: { speed: num({ above: 0, max: 1e6 }), start: dateTime, epoch: SIM_TIME_SPEC } },
    trace: str,
    control: { type: 'object', fields: { host: str, port } },
  },
};

export function defaultScspProcessConfig(): Omit<ScspProcessConfig, 'prices'> {
  return {
    id: 'scsp',
    party: { countryCode: 'NL', partyId: 'SCS', name: 'v2xsim SCSP' },
    listen: { host: '127.0.0.1', port: 0 },
    retry: { attempts: 3, delayMs: 500, maxDelayMs: 60_000, giveUpAfterS: 3_600, timeoutMs: 10_000 },
    optimiser: { autoOptimise: true },
    site: {},
    ac: { voltageV: 230, phases: 3 },
    drivers: [],
    resultTimeoutS: 30,
    clock: { speed: 1 },
    control: { host: '127.0.0.1', port: 0 },
  };
}

/**
 * `input` (a parsed YAML document and/or flags, possibly partial) over the defaults, checked.
 * Throws ConfigError with every problem and its key path.
 */
export function resolveScspProcessConfig(input: unknown = {}): ScspProcessConfig {
  if (input !== undefined && input !== null && !isPlainObject(input)) throw new ConfigError([{ path: '', message: 'the configuration must be a mapping of keys to values' }]);
  const problems = checkConfig(SCSP_CONFIG_SPEC, input ?? {});
  if (problems.length > 0) throw new ConfigError(problems);
  const config = mergeConfig(defaultScspProcessConfig(), input ?? {}) as ScspProcessConfig;
  const more: ConfigProblem[] = [];
  if (!config.prices?.file) more.push({ path: 'prices.file', message: 'a day-ahead price file is needed (--prices FILE; CSV or JSON, see docs/scsp.md)' });
  const checkDriver = (d: Driver, path: string, needsToken: boolean) => {
    if (needsToken && !d.token) more.push({ path: `${path}.token`, message: 'a driver in the list needs its token (uid, type, contractId)' });
    if (d.token) for (const k of ['uid', 'type', 'contractId'] as const) if (d.token[k] === undefined) more.push({ path: `${path}.token.${k}`, message: 'missing' });
    if (d.preferences && d.preferences.profileType === undefined) more.push({ path: `${path}.preferences.profileType`, message: 'missing (CHEAP, FAST, GREEN or REGULAR)' });
    if (d.preferences?.departureTime !== undefined && d.preferences.departureAfterS !== undefined) more.push({ path: `${path}.preferences`, message: 'give departureTime or departureAfterS, not both' });
    const ev = d.ev;
    if (ev && (ev.minSocPercent ?? 0) > (ev.maxSocPercent ?? 100)) more.push({ path: `${path}.ev.minSocPercent`, message: 'is above maxSocPercent' });
    if (ev && (ev.minChargeW ?? 0) > (ev.maxChargeW ?? Infinity)) more.push({ path: `${path}.ev.minChargeW`, message: 'is above maxChargeW' });
  };
  if (config.driver) checkDriver(config.driver, 'driver', false);
  config.drivers.forEach((d, i) => checkDriver(d, `drivers[${i}]`, true));
  const uids = [...config.drivers.map((d) => d.token?.uid), config.driver?.token?.uid].filter((u) => u !== undefined);
  if (new Set(uids).size !== uids.length) more.push({ path: 'drivers', message: 'two drivers have the same token uid' });
  if (more.length > 0) throw new ConfigError(more);
  return config;
}
