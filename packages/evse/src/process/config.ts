// The EVSE process's configuration: what `v2xsim evse` reads from a YAML file and its flags.
// Defaults are the example station (150 kW DC, 22 kW AC, bidirectional) serving ISO 15118-2 and
// DIN 70121 with EIM, no TLS, the SECC on [::1] (free port) and SDP on [::1]:15118; ISO 15118-20
// (AC/DC, BPT, Scheduled/Dynamic) is added with `protocols`.
// resolveEvseProcessConfig() lays a partial document over the defaults and checks it.
import { DEFAULT_EVSE_ID, type AppProtocolId, type iso2, type iso20 } from '@v2xsim/iso15118';
import { EvseModel, type EvseAcConfig } from '../model/evse-model.js';
import type { EvseDcConfig, EvseRampConfig, IsolationConfig } from '../model/dc-power-stage.js';
import { exampleEvseConfig } from '../model/example.js';
import { StaticLimitSource } from '../model/limits.js';
import type { PMaxScheduleEntry } from '../model/schedule.js';
import { ConfigError, SIM_TIME_SPEC, checkConfig, isPlainObject, mergeConfig, type ConfigProblem, type ConfigSpec } from '@v2xsim/process';

/** Protocols this SECC serves. */
export const EVSE_PROTOCOLS = ['iso2', 'iso2-scale', 'din', 'iso20-dc', 'iso20-ac', 'iso20-dc-scale', 'iso20-ac-scale'] as const satisfies readonly AppProtocolId[];
export const EVSE_SERVICES_20 = ['DC', 'DC_BPT', 'AC', 'AC_BPT'] as const satisfies readonly iso20.EnergyService[];
export const isIso20Protocol = (p: string): boolean => p.startsWith('iso20');
export const EVSE_ENERGY_TRANSFER_MODES = ['DC_extended', 'DC_core', 'DC_combo_core', 'DC_unique', 'AC_three_phase_core', 'AC_single_phase_core'] as const satisfies readonly iso2.EnergyTransferMode[];

export interface EvseProcessConfig {
  /** actor name in traces and on the banner */
  id: string;
  /** EVSEID sent in SessionSetupRes and the charge loop */
  evseId: string;
  /** the SECC's TCP (or TLS) listener; port 0 = a free one */
  listen: { host: string; port: number };
  /** protocols supported; the EV's priorities choose among them */
  protocols: (typeof EVSE_PROTOCOLS)[number][];
  /** offered in ServiceDiscoveryRes */
  energyTransferModes: iso2.EnergyTransferMode[];
  /**
   * ISO 15118-20: control modes offered (scheduled, dynamic) and, when set, the energy services
   * (default: what the hardware has: DC, DC_BPT with DC discharge limits, AC, AC_BPT likewise; no
   * BPT with `bpt: false`).
   */
  iso20: { controlModes: ('scheduled' | 'dynamic')[]; bpt: boolean; services?: (typeof EVSE_SERVICES_20)[number][] };
  /** the operator's power setpoint, W (negative = discharge): Dynamic follows it, Scheduled gets it as its schedule */
  setpointW?: number;
  /** payment options offered: eim (ExternalPayment), pnc (Contract: Plug & Charge, checked against the MO root in `pki`) */
  payment: ('eim' | 'pnc')[];
  /** pnc: ask for signed metering receipts */
  pnc: { receipts: boolean };
  /** EIM: auto (at once), manual (the control API's authorize), delay (after delayMs wall ms) */
  authorization: { mode: 'auto' | 'manual' | 'delay'; delayMs: number };
  /** PKI folder (v2xsim pki init layout): the SECC chain and key for TLS (and the OEM root for -20's mutual TLS); the MO root, and the CPS and contract for CertificateInstallation, for pnc */
  pki?: string;
  /**
   * TLS with the SECC chain and key of the PKI folder: TLS 1.2 for ISO 15118-2/DIN, TLS 1.3 with
   * the EV's certificate verified against the OEM root for ISO 15118-20, both on one port when
   * both are served (the EV's ClientHello picks). Default: on when there is a pki.
   */
  tls: boolean;
  /** SDP server: unicast on host:port, or multicast on `interface`; seccAddress is what it announces */
  sdp: { enabled: boolean; host: string; port: number; interface?: string; seccAddress?: string };
  /** sim ms per wall ms; the shared sim time line (`epoch`, `start`: ISO 8601 or ms, @v2xsim/process sim-epoch.ts) */
  clock: { speed: number; start?: string; epoch?: string };
  meter: { id: string; startWh: number };
  dc: EvseDcConfig;
  ac: EvseAcConfig;
  ramp: EvseRampConfig;
  isolation: IsolationConfig;
  /** the static limit source: maximum power/current and an optional PMaxSchedule (t = 0 at each session's ChargeParameterDiscovery) */
  limits: { maxPowerW?: number; maxCurrentA?: number; schedule?: PMaxScheduleEntry[] };
  /** the cable socket (docs/cable.md): an EV plugs in over it; absent = no cable (port 0 = a free one) */
  cable?: { host: string; port: number };
  /** NDJSON trace file */
  trace?: string;
  /** control API, on loopback by default */
  control: { host: string; port: number };
  /** V2G_SECC_Sequence_Timeout override, ms (default the standard's 60 s) */
  sequenceTimeoutMs?: number;
  /** the OCPP link to a CSMS (docs/station.md); absent = a stand-alone EVSE */
  ocpp?: EvseOcppConfig;
}

export const OCPP_VERSIONS = ['1.6', '2.0.1', '2.1'] as const;

/** The EVSE process as an OCPP charging station (one, or N from a pattern). */
export interface EvseOcppConfig {
  /** ws:// or wss:// endpoint; the station identity is appended as the last path segment */
  csms: string;
  version: (typeof OCPP_VERSIONS)[number];
  /** identity of the (first) station */
  stationId: string;
  /** stations in this process: the first one's EVSE 1 is the SECC's, the others are idle simulated EVSEs */
  stations: number;
  /** identities of N stations, e.g. CS-{n:03} (then the first is number 1) */
  stationIdPattern?: string;
  securityProfile: 1 | 2 | 3;
  /** Basic auth: 2.x BasicAuthPassword (16–40/64 characters), 1.6 AuthorizationKey as hex */
  password?: string;
  /** PEM files: CA of the CSMS's server certificate; client certificate chain and key (profile 3). Default from `pki` (the V2G root; a certificate issued by its CPO Sub-CA 2 with CN = the identity) */
  tls?: { ca?: string; cert?: string; key?: string };
  /** SCALE customData (eu.scale-project) on TransactionEvent and NotifyEVChargingNeeds */
  scale: boolean;
  /** the offline journal, open transactions, device model and profiles: <dataDir>/<identity> */
  dataDir: string;
  /**
   * The id token sent in Authorize for EIM sessions (the card the driver tapped); default: the EV's
   * EVCCID as a MacAddress token ("autocharge"). Plug & Charge sends the contract's eMAID.
   */
  idToken?: string;
  /** SampledDataCtrlr.TxUpdatedInterval (1.6 MeterValueSampleInterval): transaction meter values every this many s (0 = none) */
  meterIntervalS?: number;
  /** reconnect back-off: the first wait, s (OCPPCommCtrlr.RetryBackOffWaitMinimum; default 3) */
  retryWaitS?: number;
}

const num = (extra: Omit<Extract<ConfigSpec, { type: 'number' }>, 'type'> = {}): ConfigSpec => ({ type: 'number', ...extra });
const port = num({ min: 0, max: 65535, integer: true });
const str: ConfigSpec = { type: 'string', nonEmpty: true };

export const EVSE_CONFIG_SPEC: ConfigSpec = {
  type: 'object',
  fields: {
    id: str,
    evseId: { type: 'string', check: (v) => (v.length >= 7 && v.length <= 37 ? undefined : `must be 7 to 37 characters (ISO 15118-2 evseIDType), got ${v.length}`) },
    listen: { type: 'object', fields: { host: str, port } },
    protocols: { type: 'array', items: { type: 'string', enum: EVSE_PROTOCOLS }, minItems: 1, unique: true },
    energyTransferModes: { type: 'array', items: { type: 'string', enum: EVSE_ENERGY_TRANSFER_MODES }, minItems: 1, unique: true },
    iso20: {
      type: 'object',
      fields: {
        controlModes: { type: 'array', items: { type: 'string', enum: ['scheduled', 'dynamic'] }, minItems: 1, unique: true },
        bpt: { type: 'boolean' },
        services: { type: 'array', items: { type: 'string', enum: EVSE_SERVICES_20 }, minItems: 1, unique: true },
      },
    },
    setpointW: num(),
    payment: { type: 'array', items: { type: 'string', enum: ['eim', 'pnc'] }, minItems: 1, unique: true },
    pnc: { type: 'object', fields: { receipts: { type: 'boolean' } } },
    authorization: { type: 'object', fields: { mode: { type: 'string', enum: ['auto', 'manual', 'delay'] }, delayMs: num({ min: 0 }) } },
    pki: str,
    tls: { type: 'boolean' },
    sdp: { type: 'object', fields: { enabled: { type: 'boolean' }, host: str, port, interface: str, seccAddress: str } },
    clock: { type: 'object', fields: { speed: num({ above: 0, max: 1e6 }), start: SIM_TIME_SPEC, epoch: SIM_TIME_SPEC } },
    meter: { type: 'object', fields: { id: str, startWh: num({ min: 0 }) } },
    dc: {
      type: 'object',
      fields: {
        maxVoltageV: num({ above: 0 }),
        minVoltageV: num({ min: 0 }),
        maxCurrentA: num({ above: 0 }),
        minCurrentA: num({ min: 0 }),
        maxPowerW: num({ above: 0 }),
        currentRegulationToleranceA: num({ min: 0 }),
        peakCurrentRippleA: num({ min: 0 }),
        energyToBeDeliveredWh: num({ min: 0 }),
        maxDischargePowerW: num({ min: 0 }),
        maxDischargeCurrentA: num({ min: 0 }),
        minDischargeCurrentA: num({ min: 0 }),
      },
    },
    ac: {
      type: 'object',
      fields: { nominalVoltageV: num({ above: 0 }), phases: num({ min: 1, max: 3, integer: true }), maxCurrentA: num({ above: 0 }), minCurrentA: num({ min: 0 }), maxDischargePowerW: num({ min: 0 }) },
    },
    ramp: { type: 'object', fields: { powerUpWPerS: num({ above: 0 }), powerDownWPerS: num({ above: 0 }), voltageVPerS: num({ above: 0 }) } },
    isolation: { type: 'object', fields: { status: { type: 'string', enum: ['Invalid', 'Valid', 'Warning', 'Fault', 'No_IMD'] }, durationMs: num({ min: 0 }), testVoltageV: num({ above: 0 }) } },
    limits: {
      type: 'object',
      fields: {
        maxPowerW: num({ min: 0 }),
        maxCurrentA: num({ min: 0 }),
        schedule: { type: 'array', minItems: 1, maxItems: 1024, items: { type: 'object', fields: { startS: num({ min: 0 }), pMaxW: num({ min: 0 }), durationS: num({ above: 0 }) } } },
      },
    },
    cable: { type: 'object', fields: { host: str, port } },
    trace: str,
    control: { type: 'object', fields: { host: str, port } },
    sequenceTimeoutMs: num({ above: 0 }),
    ocpp: {
      type: 'object',
      fields: {
        csms: { type: 'string', check: (v) => (/^wss?:\/\/[^/]/.test(v) ? undefined : `must be a ws:// or wss:// URL, got ${JSON.stringify(v)}`) },
        version: { type: 'string', enum: OCPP_VERSIONS },
        stationId: str,
        stations: num({ min: 1, max: 10_000, integer: true }),
        stationIdPattern: { type: 'string', check: (v) => (/\{n(?::0?\d+)?\}/.test(v) ? undefined : 'must contain {n} or {n:0W}, e.g. CS-{n:03}') },
        securityProfile: num({ min: 1, max: 3, integer: true }),
        password: str,
        tls: { type: 'object', fields: { ca: str, cert: str, key: str } },
        scale: { type: 'boolean' },
        dataDir: str,
        idToken: { type: 'string', check: (v) => (v.length >= 1 && v.length <= 36 ? undefined : 'must be 1 to 36 characters (IdToken)') },
        meterIntervalS: num({ min: 0, integer: true }),
        retryWaitS: num({ min: 0, max: 3600 }),
      },
    },
  },
};

export function defaultEvseProcessConfig(): EvseProcessConfig {
  const hw = exampleEvseConfig();
  return {
    id: 'evse',
    evseId: DEFAULT_EVSE_ID,
    listen: { host: '::1', port: 0 },
    protocols: ['iso2', 'din'],
    energyTransferModes: ['DC_extended', 'AC_three_phase_core'],
    iso20: { controlModes: ['scheduled', 'dynamic'], bpt: true },
    payment: ['eim'],
    pnc: { receipts: false },
    authorization: { mode: 'auto', delayMs: 0 },
    tls: false,
    sdp: { enabled: true, host: '::1', port: 15118 },
    clock: { speed: 1 },
    meter: { id: hw.meterId, startWh: 0 },
    dc: hw.dc!,
    ac: hw.ac!,
    ramp: hw.ramp ?? {},
    isolation: hw.isolation ?? {},
    limits: {},
    control: { host: '127.0.0.1', port: 0 },
  };
}

/** The model's hardware configuration. */
export function evseModelConfig(config: EvseProcessConfig): ConstructorParameters<typeof EvseModel>[0] {
  return { meterId: config.meter.id, meterStart: { importedWh: config.meter.startWh }, dc: config.dc, ac: config.ac, ramp: config.ramp, isolation: config.isolation };
}

/**
 * `input` (a parsed YAML document and/or flags, possibly partial) over the defaults, checked.
 * Throws ConfigError with every problem and its key path.
 */
export function resolveEvseProcessConfig(input: unknown = {}): EvseProcessConfig {
  if (input !== undefined && input !== null && !isPlainObject(input)) throw new ConfigError([{ path: '', message: 'the configuration must be a mapping of keys to values' }]);
  // YAML reads `version: 1.6` as a number
  if (isPlainObject(input) && isPlainObject(input.ocpp) && typeof input.ocpp.version === 'number') input = { ...input, ocpp: { ...input.ocpp, version: String(input.ocpp.version) } };
  const problems = checkConfig(EVSE_CONFIG_SPEC, input ?? {});
  if (problems.length > 0) throw new ConfigError(problems);
  const config = mergeConfig(defaultEvseProcessConfig(), input ?? {}) as EvseProcessConfig;
  // a PKI folder alone means TLS, unless TLS was turned off explicitly
  if (!(isPlainObject(input) && input.tls !== undefined) && config.pki !== undefined) config.tls = true;
  // a cable section without a host listens on loopback
  if (config.cable !== undefined) config.cable = { host: '127.0.0.1', port: 0, ...(config.cable as Partial<NonNullable<EvseProcessConfig['cable']>>) };
  const more: ConfigProblem[] = [];
  if (config.ocpp !== undefined) {
    const o = config.ocpp as Partial<EvseOcppConfig>;
    if (o.csms === undefined) more.push({ path: 'ocpp.csms', message: 'the OCPP settings need the CSMS URL (--csms ws://host:port/path)' });
    config.ocpp = { version: '2.0.1', stationId: 'CS-001', stations: 1, securityProfile: 1, scale: false, dataDir: 'evse-data', ...o } as EvseOcppConfig;
    const c = config.ocpp;
    const wss = c.csms?.startsWith('wss:');
    if (c.securityProfile === 1 && wss) more.push({ path: 'ocpp.securityProfile', message: 'security profile 1 connects over ws://; use 2 or 3 for wss://' });
    if (c.securityProfile !== 1 && c.csms !== undefined && !wss) more.push({ path: 'ocpp.csms', message: `security profile ${c.securityProfile} connects over wss://` });
    if (c.securityProfile !== 3 && c.password === undefined) more.push({ path: 'ocpp.password', message: `security profile ${c.securityProfile} needs the Basic auth password (--ocpp-password)` });
    if (c.securityProfile === 3 && !(c.tls?.cert && c.tls.key) && !config.pki) more.push({ path: 'ocpp.tls', message: 'security profile 3 needs a client certificate (--ocpp-cert/--ocpp-key or --pki)' });
    if (c.stations > 1 && c.stationIdPattern === undefined) more.push({ path: 'ocpp.stationIdPattern', message: 'N stations need an identity pattern (--station-id-pattern CS-{n:03})' });
  }
  if (config.tls && !config.pki) more.push({ path: 'pki', message: 'TLS needs the PKI folder with the SECC certificate and key (--pki DIR)' });
  if (config.payment.includes('pnc') && !config.pki) more.push({ path: 'pki', message: 'Plug & Charge needs the PKI folder with the MO root (--pki DIR)' });
  if (config.protocols.includes('din') && !config.energyTransferModes.some((m) => m.startsWith('DC_'))) {
    more.push({ path: 'energyTransferModes', message: 'DIN 70121 is DC only: offer a DC mode, or drop din from protocols' });
  }
  if (config.authorization.mode === 'delay' && !(config.authorization.delayMs > 0)) more.push({ path: 'authorization.delayMs', message: 'a delay needs delayMs > 0' });
  for (const s of config.iso20.services ?? []) {
    const hw = s.startsWith('AC') ? config.ac : config.dc;
    const discharge = s === 'DC_BPT' ? (config.dc.maxDischargePowerW ?? 0) > 0 && (config.dc.maxDischargeCurrentA ?? 0) > 0 : s === 'AC_BPT' ? (config.ac.maxDischargePowerW ?? 0) > 0 : true;
    if (!hw || !discharge) more.push({ path: 'iso20.services', message: `${s} needs ${s.endsWith('BPT') ? 'discharge limits in' : 'the'} ${s.startsWith('AC') ? 'ac' : 'dc'} section` });
  }
  if (more.length === 0) {
    // the model's own checks (voltage and current windows, AC minimum, schedule order, …)
    try {
      const clock = { now: () => 0 };
      new EvseModel(evseModelConfig(config), clock, new StaticLimitSource(config.limits));
    } catch (e) {
      more.push({ path: '', message: e instanceof Error ? e.message : String(e) });
    }
  }
  if (more.length > 0) throw new ConfigError(more);
  return config;
}
