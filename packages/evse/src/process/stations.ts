// The EVSE process's OCPP side: one charging station (or N from an identity pattern) on the CSMS
// given by `ocpp`. The first station's EVSE 1 is the SECC's (the StationLink); the others are
// simulated EVSEs that stay idle (no EV, meter at 0) — they boot, report status, heartbeat and
// take profiles, which is what a fleet or load test of a CSMS needs until a load mode drives them.
// Security profile 3 with a PKI folder: each station gets a certificate with its identity as CN.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isPkiError, issueCertificate, loadPki } from '@v2xsim/iso15118';
import { ConfigError } from '@v2xsim/process';
import { Tracer, type TraceSink } from '@v2xsim/trace';
import type { Clock } from '../model/clock.js';
import { StationConfigError, stationIdFromPattern, type StationConfig, type StationEvseConfig } from '../station/config.js';
import type { EvseMeterSample, StationEvsePort } from '../station/ports.js';
import { ChargingStation } from '../station/station.js';
import type { EvseProcessConfig } from './config.js';

/** An EVSE with nothing plugged in: it reports an idle meter and keeps the schedules it is given. */
export class IdleEvsePort implements StationEvsePort {
  meter(): EvseMeterSample {
    return { importedWh: 0, exportedWh: 0, powerW: 0 };
  }

  applySchedule(): void {}
}

export interface EvseStations {
  /** the station whose EVSE 1 is the SECC's */
  readonly primary: ChargingStation;
  readonly all: readonly ChargingStation[];
  /** for the banner */
  describe(): string;
  health(): Record<string, unknown>;
  stop(): Promise<void>;
}

/**
 * Profile 3 from the PKI folder: a station certificate whose CN is the station's identity (as a
 * CSMS checks, A00.FR.412), issued by the CPO Sub-CA 2 of the folder, with its chain.
 */
async function stationCertificate(pki: string, id: string): Promise<{ cert: string; key: string }> {
  const read = (f: string): string => {
    try {
      return readFileSync(join(pki, f), 'utf8');
    } catch (e) {
      throw new ConfigError([{ path: 'pki', message: `security profile 3 needs ${f} in the PKI folder to issue the station certificate: ${e instanceof Error ? e.message : String(e)}` }]);
    }
  };
  const subCa2 = read('cpo/subca2.pem');
  const issued = await issueCertificate({ profile: 'secc', commonName: id, issuer: { certPem: subCa2, keyPem: read('cpo/subca2.key.pem') } });
  return { cert: issued.certPem + subCa2 + read('cpo/subca1.pem'), key: issued.keyPem! };
}

/** The station's (or stations') configuration from the process's, with the TLS material read. */
async function baseConfig(config: EvseProcessConfig, clock: Clock): Promise<Omit<StationConfig, 'id' | 'dataDir'>> {
  const o = config.ocpp!;
  const evse: StationEvseConfig = config.dc
    ? { id: 1, connectorType: 'cCCS2', supply: { kind: 'DC', voltage: 400 }, maxPowerW: config.dc.maxPowerW, ...(config.dc.maxDischargePowerW ? { maxDischargePowerW: config.dc.maxDischargePowerW } : {}) }
    : { id: 1, connectorType: 'cType2', supply: { kind: 'AC', voltage: config.ac.nominalVoltageV, phases: config.ac.phases }, maxPowerW: config.ac.maxCurrentA * config.ac.nominalVoltageV * config.ac.phases };
  let tls: StationConfig['tls'];
  if (o.securityProfile >= 2) {
    const file = (path: string, what: string): string => {
      try {
        return readFileSync(path, 'utf8');
      } catch (e) {
        throw new ConfigError([{ path: `ocpp.tls.${what}`, message: `cannot read ${path}: ${e instanceof Error ? e.message : String(e)}` }]);
      }
    };
    let ca = o.tls?.ca !== undefined ? file(o.tls.ca, 'ca') : undefined;
    const cert = o.tls?.cert !== undefined ? file(o.tls.cert, 'cert') : undefined;
    const key = o.tls?.key !== undefined ? file(o.tls.key, 'key') : undefined;
    if (config.pki !== undefined && ca === undefined) {
      // the project's PKI: the CSMS's server certificate comes from the CPO chain under the V2G root
      try {
        const pki = await loadPki(config.pki);
        ca = pki.roots.v2g;
      } catch (e) {
        if (isPkiError(e)) throw new ConfigError([{ path: 'pki', message: e.message }]);
        throw e;
      }
    }
    tls = { ...(ca !== undefined ? { ca } : {}), ...(cert !== undefined ? { cert } : {}), ...(key !== undefined ? { key } : {}) };
  }
  return {
    csmsUrl: o.csms,
    version: o.version,
    securityProfile: o.securityProfile,
    ...(o.password !== undefined ? { password: o.password } : {}),
    ...(tls ? { tls } : {}),
    vendorName: 'v2xsim',
    model: 'v2xsim-evse',
    serialNumber: config.evseId.replace(/[^A-Za-z0-9]/g, '').slice(0, 25),
    evses: [evse],
    scaleExtension: o.scale,
    ...(o.meterIntervalS !== undefined ? { variables: { 'SampledDataCtrlr.TxUpdatedInterval': String(o.meterIntervalS) } } : {}),
    ...(o.retryWaitS !== undefined ? { reconnect: { waitMinimumMs: o.retryWaitS * 1000, randomRangeMs: Math.min(2000, o.retryWaitS * 1000) } } : {}),
    // the station lives on the EVSE's sim clock: its timestamps and schedules agree with the meter
    now: () => clock.now(),
  };
}

export async function startStations(config: EvseProcessConfig, primaryPort: StationEvsePort, opts: { clock: Clock; sinks: TraceSink[]; log: (line: string) => void }): Promise<EvseStations> {
  const o = config.ocpp!;
  const base = await baseConfig(config, opts.clock);
  const tracer = (id: string): Tracer => new Tracer({ actor: id, link: 'evse-csms', sinks: opts.sinks, simNow: () => opts.clock.now() });
  // one station, or N from the pattern (as StationPool names them), each with its own journal folder
  const ids = o.stations > 1 ? Array.from({ length: o.stations }, (_, i) => stationIdFromPattern(o.stationIdPattern!, i + 1)) : [o.stationId];
  if (new Set(ids).size !== ids.length) throw new ConfigError([{ path: 'ocpp.stationIdPattern', message: `${o.stationIdPattern} gives the same identity twice` }]);
  // profile 3 without a certificate of its own: one per station from the PKI (CN = identity)
  const issue = o.securityProfile === 3 && !(o.tls?.cert && o.tls.key) && config.pki !== undefined ? config.pki : undefined;
  const all: ChargingStation[] = [];
  try {
    for (const [i, id] of ids.entries()) {
      const tls = issue !== undefined ? { ...base.tls, ...(await stationCertificate(issue, id)) } : base.tls;
      const port = i === 0 ? primaryPort : new IdleEvsePort();
      all.push(new ChargingStation({ ...base, ...(tls ? { tls } : {}), id, dataDir: join(o.dataDir, id) }, new Map([[1, port]]), { tracer: tracer(id) }));
    }
  } catch (e) {
    if (e instanceof StationConfigError || e instanceof RangeError) throw new ConfigError([{ path: 'ocpp', message: e.message }]);
    throw e;
  }
  const primary = all[0]!;
  // the first station says what happens on the link; a fleet would drown the log
  primary.on('booted', ({ interval }) => opts.log(`ocpp: ${primary.id} booted (heartbeat ${interval} s)`));
  primary.on('connected', ({ version }) => opts.log(`ocpp: ${primary.id} connected (${version})`));
  primary.on('disconnected', () => opts.log(`ocpp: ${primary.id} disconnected, ${primary.queued} queued`));
  primary.on('transaction', (t) => (t.event === 'Updated' ? undefined : opts.log(`ocpp: transaction ${t.transactionId} ${t.event} (${t.triggerReason})`)));
  primary.on('dropped', (d) => opts.log(`ocpp: ${d.action} given up (${d.reason})`));
  for (const s of all) s.on('error', (e) => (s === primary ? opts.log(`ocpp: ${s.id}: ${e.message}`) : undefined));
  for (const s of all) s.start();
  const url = (id: string): string => `${o.csms.replace(/\/$/, '')}/${id}`;
  return {
    primary,
    all,
    describe: () =>
      `ocpp=${url(primary.id)} (${o.version}, profile ${o.securityProfile}, scale ${o.scale ? 'on' : 'off'}${all.length > 1 ? `, ${all.length} stations ${all[0]!.id}…${all.at(-1)!.id}` : ''})`,
    health: () => ({
      csms: o.csms,
      version: o.version,
      scale: o.scale,
      stations: all.length,
      online: all.filter((s) => s.online).length,
      station: { id: primary.id, online: primary.online, queued: primary.queued, ...(primary.transaction(1) ? { transactionId: primary.transaction(1)!.transactionId } : {}) },
    }),
    stop: async () => {
      await Promise.all(all.map((s) => s.stop()));
    },
  };
}

