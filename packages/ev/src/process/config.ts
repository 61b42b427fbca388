// The EV process's configuration: what `v2xsim ev` reads from a YAML file and its flags. Defaults
// are the example EV (60 kWh, 150 kW DC, 11 kW AC, 11 kW back with BPT) on ISO 15118-2 then DIN,
// EIM, no TLS, SDP on loopback; ISO 15118-20 (AC/DC, BPT, Scheduled/Dynamic) is added with
// `protocols`. resolveEvProcessConfig() lays a partial document over the defaults and checks it.
import type { AppProtocolId, iso2 } from '@v2xsim/iso15118';
import { EvModel, type EvAcConfig, type EvConfig, type EvDcConfig, type EvDischargeConfig } from '../model/ev-model.js';
import type { BatteryConfig } from '../model/battery.js';
import type { ChargingCurve } from '../model/charging-curve.js';
import { exampleEvConfig } from '../model/example.js';
import { DEFAULT_EVCC_ID } from '../adapter/evcc-ev.js';
import { ConfigError, SIM_TIME_SPEC, checkConfig, isPlainObject, mergeConfig, type ConfigProblem, type ConfigSpec } from '@v2xsim/process';

/** Protocols this EV runs. */
export const EV_PROTOCOLS = ['iso2', 'iso2-scale', 'din', 'iso20-dc', 'iso20-ac', 'iso20-dc-scale', 'iso20-ac-scale'] as const satisfies readonly AppProtocolId[];
export const isIso20Protocol = (p: string): boolean => p.startsWith('iso20');
export const ENERGY_TRANSFER_MODES = ['DC_extended', 'DC_core', 'DC_combo_core', 'DC_unique', 'AC_three_phase_core', 'AC_single_phase_core'] as const satisfies readonly iso2.EnergyTransferMode[];

export interface EvProcessConfig {
  /** actor name in traces and on the banner */
  id: string;
  /** EVCCID, 12 hex digits (the MAC address) */
  evccId: string;
  /** offered in SupportedAppProtocolReq, most preferred first */
  protocols: (typeof EV_PROTOCOLS)[number][];
  energyTransferMode: iso2.EnergyTransferMode;
  /** ISO 15118-20: who decides the power: scheduled (the EV within the EVSE's schedule) or dynamic (the EVSE) */
  controlMode: 'scheduled' | 'dynamic';
  /** ISO 15118-20: the EV asks for AC_BPT / DC_BPT (bidirectional), with the `discharge` limits */
  bpt: boolean;
  /** the driver allows discharging (without it a BPT EV asks for AC/DC: SCALE D2.3 §9.2) */
  dischargeAllowed: boolean;
  /** discharge limits at the inlet and the V2X warranty budget left (RemainingV2GEnergy) */
  discharge: EvDischargeConfig;
  /** eim, or pnc: Plug & Charge when the EVSE offers it (else EIM), with the contract in `pki` */
  payment: 'eim' | 'pnc';
  /** pnc: install a contract first (CertificateInstallation, with the OEM provisioning certificate) instead of using the folder's */
  pnc: { install: boolean };
  /** PKI folder (v2xsim pki init layout): the V2G root for TLS, the contract or OEM provisioning certificate for pnc */
  pki?: string;
  /**
   * TLS; the SECC chain must lead to the V2G root in `pki`. ISO 15118-2/DIN: TLS 1.2. ISO 15118-20:
   * TLS 1.3 presenting the OEM provisioning certificate of `pki` (without one -20 is not offered
   * over TLS). Default: on when there is a pki.
   */
  tls: boolean;
  /** the SECC's TCP address, `[addr]:port`; skips SDP */
  secc?: string;
  /** the EVSE's cable socket, `host:port` (docs/cable.md): plug in, wait for PWM 5 %, switch CP B/C; absent = no cable */
  cable?: string;
  /** the cable's current rating (proximity pilot), A */
  cableCurrentA: 13 | 20 | 32 | 63;
  /** SDP: unicast to address:port, or multicast on `interface` */
  sdp: { address: string; port: number; interface?: string; timeoutMs: number; maxRequests: number };
  /** sim ms per wall ms; the shared sim time line (`epoch`, `start`: ISO 8601 or ms, @v2xsim/process sim-epoch.ts) */
  clock: { speed: number; start?: string; epoch?: string };
  /** EVCC pacing, wall ms: the charge-loop cycle and the pause while the EVSE says Ongoing */
  session: { loopMs: number; ongoingMs: number };
  battery: BatteryConfig;
  chargingCurve: ChargingCurve;
  dc?: EvDcConfig;
  ac?: EvAcConfig;
  bulkSoc: number;
  /** the driver's needs; departureS is sim seconds after the process starts */
  needs: { targetSoc: number; minimumSoc: number; maximumSoc: number; departureS?: number };
  /** NDJSON trace file */
  trace?: string;
  /** control API, on loopback by default */
  control: { host: string; port: number };
  /** print one JSON line per session */
  summary: boolean;
  /** sessions to run (0 = until stopped); the SoC carries over */
  repeat: number;
}

const num = (extra: Omit<Extract<ConfigSpec, { type: 'number' }>, 'type'> = {}): ConfigSpec => ({ type: 'number', ...extra });
const percent = num({ min: 0, max: 100 });
const port = num({ min: 0, max: 65535, integer: true });
const str: ConfigSpec = { type: 'string', nonEmpty: true };

/** The cable socket's address, `host:port`, `[addr]:port` or `:port` (host 127.0.0.1); undefined when it is not one. */
export function parseCableAddress(value: string): { host: string; port: number } | undefined {
  const m = /^(?:\[([^\]]+)\]|([^:[\]]*)):(\d{1,5})$/.exec(value.trim());
  if (!m) return undefined;
  const p = Number(m[3]);
  if (!(p > 0 && p <= 65535)) return undefined;
  return { host: m[1] ?? (m[2] || '127.0.0.1'), port: p };
}

/** `[addr]:port`, `host:port` or `:port`; undefined when it is not one. */
export function parseSeccAddress(value: string): { host: string; port: number } | undefined {
  const m = /^(?:\[([^\]]+)\]|([^:[\]]*)):(\d{1,5})$/.exec(value.trim());
  if (!m) return undefined;
  const p = Number(m[3]);
  if (!(p > 0 && p <= 65535)) return undefined;
  return { host: m[1] ?? (m[2] || '::1'), port: p };
}

export const EV_CONFIG_SPEC: ConfigSpec = {
  type: 'object',
  fields: {
    id: str,
    evccId: { type: 'string', check: (v) => (/^[0-9a-fA-F]{12}$/.test(v) ? undefined : `must be 12 hex digits (a MAC address), got ${JSON.stringify(v)}`) },
    protocols: { type: 'array', items: { type: 'string', enum: EV_PROTOCOLS }, minItems: 1, maxItems: 20, unique: true },
    energyTransferMode: { type: 'string', enum: ENERGY_TRANSFER_MODES },
    controlMode: { type: 'string', enum: ['scheduled', 'dynamic'] },
    bpt: { type: 'boolean' },
    dischargeAllowed: { type: 'boolean' },
    discharge: { type: 'object', fields: { maxPowerW: num({ min: 0 }), maxCurrentA: num({ min: 0 }), minPowerW: num({ min: 0 }), v2xBudgetWh: num({ min: 0 }) } },
    payment: { type: 'string', enum: ['eim', 'pnc'] },
    pnc: { type: 'object', fields: { install: { type: 'boolean' } } },
    pki: str,
    tls: { type: 'boolean' },
    secc: { type: 'string', check: (v) => (parseSeccAddress(v) ? undefined : `must be [address]:port (e.g. [::1]:64109), got ${JSON.stringify(v)}`) },
    cable: { type: 'string', check: (v) => (parseCableAddress(v) ? undefined : `must be host:port (the EVSE's cable socket, e.g. 127.0.0.1:40001), got ${JSON.stringify(v)}`) },
    cableCurrentA: num({ integer: true }),
    sdp: { type: 'object', fields: { address: str, port, interface: str, timeoutMs: num({ above: 0 }), maxRequests: num({ min: 1, integer: true }) } },
    clock: { type: 'object', fields: { speed: num({ above: 0, max: 1e6 }), start: SIM_TIME_SPEC, epoch: SIM_TIME_SPEC } },
    session: { type: 'object', fields: { loopMs: num({ min: 0, max: 60_000 }), ongoingMs: num({ min: 0, max: 60_000 }) } },
    battery: {
      type: 'object',
      fields: {
        capacityWh: num({ above: 0 }),
        soc: percent,
        usableMinSoc: percent,
        usableMaxSoc: percent,
        minVoltageV: num({ above: 0 }),
        maxVoltageV: num({ above: 0 }),
        roundTripEfficiency: num({ above: 0, max: 1 }),
      },
    },
    chargingCurve: { type: 'array', minItems: 1, items: { type: 'object', fields: { soc: percent, powerW: num({ min: 0 }) } } },
    dc: { type: 'object', fields: { maxVoltageV: num({ above: 0 }), minVoltageV: num({ min: 0 }), maxCurrentA: num({ above: 0 }), maxPowerW: num({ above: 0 }), minPowerW: num({ min: 0 }) } },
    ac: {
      type: 'object',
      fields: {
        phases: { type: 'number', integer: true, min: 1, max: 3 },
        maxCurrentA: num({ above: 0 }),
        minCurrentA: num({ min: 0 }),
        maxVoltageV: num({ above: 0 }),
        onBoardChargerMaxPowerW: num({ above: 0 }),
      },
    },
    bulkSoc: percent,
    needs: { type: 'object', fields: { targetSoc: percent, minimumSoc: percent, maximumSoc: percent, departureS: num({ min: 0 }) } },
    trace: str,
    control: { type: 'object', fields: { host: str, port } },
    summary: { type: 'boolean' },
    repeat: num({ min: 0, integer: true }),
  },
};

export function defaultEvProcessConfig(): EvProcessConfig {
  const ev = exampleEvConfig();
  return {
    id: 'ev',
    evccId: DEFAULT_EVCC_ID,
    protocols: ['iso2', 'din'],
    energyTransferMode: 'DC_extended',
    controlMode: 'scheduled',
    bpt: false,
    dischargeAllowed: true,
    discharge: { maxPowerW: 11_000, maxCurrentA: 30 },
    payment: 'eim',
    pnc: { install: false },
    tls: false,
    cableCurrentA: 32,
    sdp: { address: '::1', port: 15118, timeoutMs: 250, maxRequests: 50 },
    clock: { speed: 1 },
    session: { loopMs: 100, ongoingMs: 100 },
    battery: ev.battery,
    chargingCurve: ev.chargingCurve,
    ...(ev.dc ? { dc: ev.dc } : {}),
    ...(ev.ac ? { ac: ev.ac } : {}),
    bulkSoc: ev.bulkSoc ?? 80,
    needs: { targetSoc: ev.needs.targetSoc, minimumSoc: ev.needs.minimumSoc ?? 0, maximumSoc: ev.needs.maximumSoc ?? 100 },
    control: { host: '127.0.0.1', port: 0 },
    summary: false,
    repeat: 1,
  };
}

/** The model's configuration; departure is sim time `start` + departureS. */
export function evModelConfig(config: EvProcessConfig, start: number): EvConfig {
  const { needs } = config;
  return {
    battery: config.battery,
    chargingCurve: config.chargingCurve,
    ...(config.dc ? { dc: config.dc } : {}),
    ...(config.ac ? { ac: config.ac } : {}),
    discharge: config.discharge,
    dischargeAllowed: config.dischargeAllowed,
    bulkSoc: config.bulkSoc,
    energyTransfer: config.energyTransferMode.startsWith('AC_') ? 'AC' : 'DC',
    needs: {
      targetSoc: needs.targetSoc,
      minimumSoc: needs.minimumSoc,
      maximumSoc: needs.maximumSoc,
      ...(needs.departureS !== undefined ? { departureTime: start + needs.departureS * 1000 } : {}),
    },
  };
}

/**
 * `input` (a parsed YAML document and/or flags, possibly partial) over the defaults, checked.
 * Throws ConfigError with every problem and its key path.
 */
export function resolveEvProcessConfig(input: unknown = {}): EvProcessConfig {
  if (input !== undefined && input !== null && !isPlainObject(input)) throw new ConfigError([{ path: '', message: 'the configuration must be a mapping of keys to values' }]);
  const problems = checkConfig(EV_CONFIG_SPEC, input ?? {});
  if (problems.length > 0) throw new ConfigError(problems);
  const config = mergeConfig(defaultEvProcessConfig(), input ?? {}) as EvProcessConfig;
  // a PKI folder alone means TLS, unless TLS was turned off explicitly
  if (!(isPlainObject(input) && input.tls !== undefined) && config.pki !== undefined) config.tls = true;
  // defaults give way to a target SoC outside them: a target of 25 % lowers the default minimum
  const needsIn = isPlainObject(input) && isPlainObject(input.needs) ? input.needs : {};
  if (needsIn.minimumSoc === undefined) config.needs.minimumSoc = Math.min(config.needs.minimumSoc, config.needs.targetSoc);
  if (needsIn.maximumSoc === undefined) config.needs.maximumSoc = Math.max(config.needs.maximumSoc, config.needs.targetSoc);
  const more: ConfigProblem[] = [];
  const { needs } = config;
  if (!(needs.minimumSoc <= needs.targetSoc && needs.targetSoc <= needs.maximumSoc)) {
    more.push({ path: 'needs', message: `must satisfy minimumSoc ≤ targetSoc ≤ maximumSoc, got ${needs.minimumSoc} / ${needs.targetSoc} / ${needs.maximumSoc}` });
  }
  if (![13, 20, 32, 63].includes(config.cableCurrentA)) more.push({ path: 'cableCurrentA', message: `must be 13, 20, 32 or 63 (the proximity pilot's ratings), got ${config.cableCurrentA}` });
  if (config.tls && !config.pki) more.push({ path: 'pki', message: 'TLS needs the PKI folder with the V2G root (--pki DIR)' });
  if (config.payment === 'pnc' && !config.pki) more.push({ path: 'pki', message: 'Plug & Charge needs the PKI folder with the contract (or OEM provisioning) certificate (--pki DIR)' });
  const ac = config.energyTransferMode.startsWith('AC_');
  if (ac && config.protocols.every((p) => p === 'din')) more.push({ path: 'protocols', message: `DIN 70121 is DC only; ${config.energyTransferMode} needs iso2` });
  if (ac && !config.ac) more.push({ path: 'ac', message: `${config.energyTransferMode} needs the EV's ac section` });
  if (!ac && !config.dc) more.push({ path: 'dc', message: `${config.energyTransferMode} needs the EV's dc section` });
  for (const p of config.protocols.filter(isIso20Protocol)) {
    if (p.startsWith('iso20-ac') !== ac) more.push({ path: 'protocols', message: `${p} is ${ac ? 'DC' : 'AC'}; the EV charges with ${config.energyTransferMode} (--mode)` });
  }
  if (config.bpt && !(config.discharge.maxPowerW > 0)) more.push({ path: 'discharge.maxPowerW', message: 'bidirectional power transfer (bpt) needs a discharge power above 0' });
  if (more.length === 0) {
    // the model's own checks (curve order, voltage window, AC current range, …)
    try {
      new EvModel(evModelConfig(config, 0), { now: () => 0 });
    } catch (e) {
      more.push({ path: '', message: e instanceof Error ? e.message : String(e) });
    }
  }
  if (more.length > 0) throw new ConfigError(more);
  return config;
}
