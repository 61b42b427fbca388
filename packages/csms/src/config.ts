// The CSMS process's configuration: what `v2xsim csms` reads from a YAML file and its flags.
// Defaults: OCPP-J on 127.0.0.1:9000/ocpp (ws, security profile 1: Basic auth), the database in
// ./csms-data, heartbeat 300 s, unknown stations refused (404), no site limit.
// resolveCsmsConfig() lays a partial document over the defaults and checks it.
import { OCPP_VERSIONS, isValidIdentity, type OcppVersion } from '@v2xsim/ocpp';
import { ConfigError, SIM_TIME_SPEC, checkConfig, isPlainObject, mergeConfig, type ConfigProblem, type ConfigSpec } from '@v2xsim/process';

export type SecurityProfileSetting = 0 | 1 | 2 | 3;

/** A station the CSMS knows before it connects. */
export interface StationConfig {
  id: string;
  /** BasicAuthPassword (2.x, UTF-8) / AuthorizationKey (1.6: hex, 16–20 bytes); default: the CSMS's defaultPassword */
  password?: string;
  /** default: the CSMS's security profile */
  securityProfile?: SecurityProfileSetting;
  /** the station's EVSEs' rated power, W (the policy's EVSE limit); default the CSMS's evseMaxPowerW */
  evseMaxPowerW?: number;
}

export interface IdTokenConfig {
  idToken: string;
  /** IdTokenEnumType; default Central (a 1.6 idTag) */
  type?: string;
  status?: 'Accepted' | 'Blocked' | 'Expired' | 'Invalid';
  /** 2.1: EnergyTransferModeEnumType values this token may use (e.g. DC_BPT for V2X) */
  allowedEnergyTransfer?: string[];
  groupIdToken?: string;
}

export interface CsmsConfig {
  /** actor name in traces and on the banner */
  id: string;
  /** the OCPP-J endpoint: stations connect to ws(s)://host:port<path>/<identity> */
  listen: { host: string; port: number; path: string };
  /** versions served; the station's order of preference picks among them */
  protocols: OcppVersion[];
  /** the database folder (created): <data>/csms.sqlite */
  data: string;
  /**
   * 0: no authentication (test benches only; not a valid OCPP 2.1 set-up), 1: Basic auth over ws,
   * 2: Basic auth over TLS, 3: TLS with client certificates
   */
  securityProfile: SecurityProfileSetting;
  /** PKI folder (v2xsim pki init): TLS server certificate from the CPO chain, client CA (profile 3), certificates for SignCertificate / Get15118EVCertificate */
  pki?: string;
  /** TLS server certificate (PEM files) instead of one issued from the PKI's CPO Sub-CA 2 */
  tls: { cert?: string; key?: string; ca?: string; serverName?: string };
  /** accept stations not in the database, registering them at their first connection with defaultPassword */
  acceptUnknown: boolean;
  /** the password of stations without their own (and of auto-registered ones) */
  defaultPassword?: string;
  stations: StationConfig[];
  idTokens: IdTokenConfig[];
  /** authorize id tokens the store does not know (test set-ups); default false: Unknown (1.6: Invalid) */
  acceptAnyToken: boolean;
  /** BootNotification status for known stations: Accepted, or Pending (the CSMS may then configure the station) */
  bootStatus: 'Accepted' | 'Pending';
  /** BootNotification status for auto-registered stations */
  unknownBootStatus: 'Accepted' | 'Pending';
  /** Heartbeat interval sent in BootNotificationResponse, s */
  heartbeatS: number;
  /** the site's grid connection limit, W, shared by every station and EVSE of the site; absent = none */
  siteLimitW?: number;
  /** an EVSE's rated power when the station config gives none, W */
  evseMaxPowerW: number;
  /** AC: phase-to-neutral voltage and phases, for A ↔ W */
  ac: { voltageV: number; phases: number };
  /**
   * the smart-charging policy: default (the CSMS plans TxProfiles: each need by its departure, the
   * rest of the site shared), spread (each need spread until its departure, the rest to the others)
   * or none (it only stores charging needs)
   */
  policy: 'default' | 'spread' | 'none';
  /** the CSMS calls a station with this timeout, ms */
  callTimeoutMs: number;
  /** the CSMS's sim clock (its `now`: stored times, schedules, departures): sim ms per wall ms, and the shared sim time line (`epoch`, `start`: ISO 8601 or ms, @v2xsim/process sim-epoch.ts) */
  clock: { speed: number; start?: string; epoch?: string };
  /** NDJSON trace file */
  trace?: string;
  /** control API, on loopback by default */
  control: { host: string; port: number };
  /** OCPI 2.2.1 CPO interfaces (absent: no OCPI); see docs/csms.md, OCPI */
  ocpi?: OcpiCpoConfig;
}

/** The CSMS as an OCPI 2.2.1 CPO. */
export interface OcpiCpoConfig {
  host: string;
  /** 0: a free port (printed on the banner) */
  port: number;
  /** the CPO's party as `CC*PTY` (ISO 3166-1 alpha-2 country_code, 3-character party_id) */
  party: string;
  /** business_details.name */
  name: string;
  /** scheme://host:port peers are told (behind a proxy); default the bound address */
  publicUrl?: string;
  /** a CREDENTIALS_TOKEN_A for `tokenAPeer`, handed over out of band (else the control action `ocpi-token-a` makes one) */
  tokenA?: string;
  tokenAPeer: string;
  /** Location (one per station) details */
  location: { address: string; city: string; postalCode?: string; country: string; latitude: string; longitude: string; timeZone: string };
  /** the EVSEs' connector (power_type, standard, format, max_voltage) */
  connector: { standard: string; format: 'SOCKET' | 'CABLE'; powerType: 'AC_1_PHASE' | 'AC_2_PHASE' | 'AC_3_PHASE' | 'DC'; maxVoltage: number };
  currency: string;
  /** Tariffs in the OCPI shape (country_code, party_id and last_updated filled in); default one energy price */
  tariffs?: TariffConfig[];
  /** ChargingPreferences profile types this CPO can plan for; others get PROFILE_TYPE_NOT_SUPPORTED */
  profileTypes: ('CHEAP' | 'FAST' | 'GREEN' | 'REGULAR')[];
  /** the stackLevel of TxProfiles set through OCPI chargingprofiles: above the planner's (0) and setpoints (1) */
  profileStackLevel: number;
  /** how long a peer may wait for an asynchronous result, s (CommandResponse/ChargingProfileResponse timeout) */
  resultTimeoutS: number;
  /** pushes to the parties (Locations, Sessions, CDRs, results): per-request timeout and retries (docs/csms.md, OCPI); defaults in ocpi/push.ts */
  push?: { timeoutMs?: number; retryBaseMs?: number; retryMaxMs?: number; giveUpAfterS?: number };
}

/** A Tariff as configured: the OCPI object without country_code, party_id and last_updated. */
export interface TariffConfig {
  id: string;
  currency?: string;
  type?: 'AD_HOC_PAYMENT' | 'PROFILE_CHEAP' | 'PROFILE_FAST' | 'PROFILE_GREEN' | 'REGULAR';
  elements: { price_components: { type: 'ENERGY' | 'FLAT' | 'PARKING_TIME' | 'TIME'; price: number; vat?: number; step_size: number }[] }[];
}

export function parseOcpiParty(party: string): { country_code: string; party_id: string } | undefined {
  const m = /^([A-Z]{2})\*?([A-Z0-9]{3})$/.exec(party);
  return m ? { country_code: m[1]!, party_id: m[2]! } : undefined;
}

export function defaultOcpiConfig(): OcpiCpoConfig {
  return {
    host: '127.0.0.1',
    port: 0,
    party: 'NL*CPO',
    name: 'v2xsim CSMS',
    tokenAPeer: 'peer-1',
    location: { address: 'Simulatorstraat 1', city: 'Delft', postalCode: '2600 AA', country: 'NLD', latitude: '52.011600', longitude: '4.358400', timeZone: 'Europe/Amsterdam' },
    connector: { standard: 'IEC_62196_T2', format: 'SOCKET', powerType: 'AC_3_PHASE', maxVoltage: 400 },
    currency: 'EUR',
    profileTypes: ['REGULAR', 'FAST', 'CHEAP'],
    profileStackLevel: 2,
    resultTimeoutS: 30,
  };
}

const num = (extra: Omit<Extract<ConfigSpec, { type: 'number' }>, 'type'> = {}): ConfigSpec => ({ type: 'number', ...extra });
const port = num({ min: 0, max: 65535, integer: true });
const str: ConfigSpec = { type: 'string', nonEmpty: true };
const profile = num({ min: 0, max: 3, integer: true });
const identity: ConfigSpec = { type: 'string', check: (v) => (isValidIdentity(v) ? undefined : 'a station identity has 1 to 48 characters and no ":"') };

export const CSMS_CONFIG_SPEC: ConfigSpec = {
  type: 'object',
  fields: {
    id: str,
    listen: { type: 'object', fields: { host: str, port, path: { type: 'string', check: (v) => (v === '' || /^\/[^?#]*[^/]$/.test(v) ? undefined : 'a path like /ocpp (no trailing /)') } } },
    protocols: { type: 'array', items: { type: 'string', enum: OCPP_VERSIONS }, minItems: 1, unique: true },
    data: str,
    securityProfile: profile,
    pki: str,
    tls: { type: 'object', fields: { cert: str, key: str, ca: str, serverName: str } },
    acceptUnknown: { type: 'boolean' },
    defaultPassword: { type: 'string', check: (v) => (v.length >= 16 && v.length <= 64 ? undefined : `a BasicAuthPassword has 16 to 64 characters, got ${v.length}`) },
    stations: {
      type: 'array',
      items: { type: 'object', fields: { id: identity, password: str, securityProfile: profile, evseMaxPowerW: num({ above: 0 }) } },
    },
    idTokens: {
      type: 'array',
      items: {
        type: 'object',
        fields: {
          idToken: { type: 'string', check: (v) => (v.length >= 1 && v.length <= 255 ? undefined : 'an idToken has 1 to 255 characters') },
          type: str,
          status: { type: 'string', enum: ['Accepted', 'Blocked', 'Expired', 'Invalid'] },
          allowedEnergyTransfer: {
            type: 'array',
            minItems: 1,
            unique: true,
            items: { type: 'string', enum: ['DC', 'AC_single_phase', 'AC_two_phase', 'AC_three_phase', 'AC_BPT', 'AC_BPT_DER', 'AC_DER', 'DC_BPT', 'DC_ACDP', 'DC_ACDP_BPT', 'WPT'] },
          },
          groupIdToken: str,
        },
      },
    },
    acceptAnyToken: { type: 'boolean' },
    bootStatus: { type: 'string', enum: ['Accepted', 'Pending'] },
    unknownBootStatus: { type: 'string', enum: ['Accepted', 'Pending'] },
    heartbeatS: num({ min: 1, max: 86_400, integer: true }),
    siteLimitW: num({ min: 0 }),
    evseMaxPowerW: num({ above: 0 }),
    ac: { type: 'object', fields: { voltageV: num({ above: 0 }), phases: num({ min: 1, max: 3, integer: true }) } },
    policy: { type: 'string', enum: ['default', 'spread', 'none'] },
    callTimeoutMs: num({ above: 0 }),
    clock: { type: 'object', fields: { speed: num({ above: 0, max: 1e6 }), start: SIM_TIME_SPEC, epoch: SIM_TIME_SPEC } },
    trace: str,
    control: { type: 'object', fields: { host: str, port } },
    ocpi: {
      type: 'object',
      fields: {
        host: str,
        port,
        party: { type: 'string', check: (v) => (parseOcpiParty(v) ? undefined : 'a party is CC*PTY: a 2-letter country code and a 3-character party id, e.g. NL*CPO') },
        name: str,
        publicUrl: { type: 'string', check: (v) => (/^https?:\/\/[^/]+$/.test(v.replace(/\/$/, '')) ? undefined : 'scheme://host:port') },
        tokenA: { type: 'string', check: (v) => (/^[\x21-\x7e]{1,64}$/.test(v) ? undefined : 'a credentials token has 1 to 64 printable non-whitespace ASCII characters') },
        tokenAPeer: str,
        location: {
          type: 'object',
          fields: { address: str, city: str, postalCode: str, country: { type: 'string', check: (v) => (/^[A-Z]{3}$/.test(v) ? undefined : 'ISO 3166-1 alpha-3') }, latitude: str, longitude: str, timeZone: str },
        },
        connector: {
          type: 'object',
          fields: { standard: str, format: { type: 'string', enum: ['SOCKET', 'CABLE'] }, powerType: { type: 'string', enum: ['AC_1_PHASE', 'AC_2_PHASE', 'AC_3_PHASE', 'DC'] }, maxVoltage: num({ above: 0 }) },
        },
        currency: { type: 'string', check: (v) => (/^[A-Z]{3}$/.test(v) ? undefined : 'ISO 4217 code') },
        tariffs: {
          type: 'array',
          items: {
            type: 'object',
            fields: {
              id: str,
              currency: str,
              type: { type: 'string', enum: ['AD_HOC_PAYMENT', 'PROFILE_CHEAP', 'PROFILE_FAST', 'PROFILE_GREEN', 'REGULAR'] },
              elements: {
                type: 'array',
                minItems: 1,
                items: {
                  type: 'object',
                  fields: {
                    price_components: {
                      type: 'array',
                      minItems: 1,
                      items: {
                        type: 'object',
                        fields: { type: { type: 'string', enum: ['ENERGY', 'FLAT', 'PARKING_TIME', 'TIME'] }, price: num({ min: 0 }), vat: num({ min: 0 }), step_size: num({ min: 0, integer: true }) },
                      },
                    },
                  },
                },
              },
            },
          },
        },
        profileTypes: { type: 'array', items: { type: 'string', enum: ['CHEAP', 'FAST', 'GREEN', 'REGULAR'] }, unique: true },
        profileStackLevel: num({ min: 0, integer: true }),
        resultTimeoutS: num({ above: 0, integer: true }),
        push: { type: 'object', fields: { timeoutMs: num({ above: 0 }), retryBaseMs: num({ above: 0 }), retryMaxMs: num({ above: 0 }), giveUpAfterS: num({ above: 0 }) } },
      },
    },
  },
};

export function defaultCsmsConfig(): CsmsConfig {
  return {
    id: 'csms',
    listen: { host: '127.0.0.1', port: 9000, path: '/ocpp' },
    protocols: ['2.1', '2.0.1', '1.6'],
    data: 'csms-data',
    securityProfile: 1,
    tls: {},
    acceptUnknown: false,
    stations: [],
    idTokens: [],
    acceptAnyToken: false,
    bootStatus: 'Accepted',
    unknownBootStatus: 'Accepted',
    heartbeatS: 300,
    evseMaxPowerW: 22_000,
    ac: { voltageV: 230, phases: 3 },
    policy: 'default',
    callTimeoutMs: 30_000,
    clock: { speed: 1 },
    control: { host: '127.0.0.1', port: 0 },
  };
}

/**
 * `input` (a parsed YAML document and/or flags, possibly partial) over the defaults, checked.
 * Throws ConfigError with every problem and its key path.
 */
export function resolveCsmsConfig(input: unknown = {}): CsmsConfig {
  if (input !== undefined && input !== null && !isPlainObject(input)) throw new ConfigError([{ path: '', message: 'the configuration must be a mapping of keys to values' }]);
  const problems = checkConfig(CSMS_CONFIG_SPEC, input ?? {});
  if (problems.length > 0) throw new ConfigError(problems);
  const config = mergeConfig(defaultCsmsConfig(), input ?? {}) as CsmsConfig;
  if (isPlainObject(input) && input.ocpi !== undefined) config.ocpi = mergeConfig(defaultOcpiConfig(), input.ocpi) as OcpiCpoConfig;
  const more: ConfigProblem[] = [];
  const tlsNeeded = config.securityProfile >= 2 || config.stations.some((s) => (s.securityProfile ?? 0) >= 2);
  if (tlsNeeded && !config.pki && !(config.tls.cert && config.tls.key)) {
    more.push({ path: 'securityProfile', message: 'security profiles 2 and 3 need TLS: give --pki DIR (server certificate from its CPO chain) or tls.cert and tls.key' });
  }
  if ((config.tls.cert === undefined) !== (config.tls.key === undefined)) more.push({ path: 'tls', message: 'tls.cert and tls.key go together' });
  const needsClientCa = config.securityProfile === 3 || config.stations.some((s) => s.securityProfile === 3);
  if (needsClientCa && !config.pki && !config.tls.ca) more.push({ path: 'tls.ca', message: 'security profile 3 needs the CA of the station certificates: --pki DIR (its V2G root) or tls.ca' });
  if (config.acceptUnknown && config.securityProfile > 0 && config.securityProfile < 3 && config.defaultPassword === undefined) {
    more.push({ path: 'defaultPassword', message: 'auto-registered stations (--accept-unknown) need a default password for Basic auth (--default-password, 16 to 64 characters)' });
  }
  const ids = new Set<string>();
  config.stations.forEach((s, i) => {
    if (ids.has(s.id)) more.push({ path: `stations[${i}].id`, message: `station ${s.id} is listed twice` });
    ids.add(s.id);
    const sp = s.securityProfile ?? config.securityProfile;
    if ((sp === 1 || sp === 2) && s.password === undefined && config.defaultPassword === undefined) {
      more.push({ path: `stations[${i}].password`, message: `security profile ${sp} needs a password (or a defaultPassword)` });
    }
    if (s.password !== undefined && (s.password.length < 16 || s.password.length > 64)) more.push({ path: `stations[${i}].password`, message: `a BasicAuthPassword has 16 to 64 characters, got ${s.password.length}` });
  });
  if (more.length > 0) throw new ConfigError(more);
  return config;
}
