// `v2xsim evse`: the charging station. The SECC listens on a free port on [::1] without SDP (so
// runs do not collide on UDP 15118); the EV gets its address. With an OCPP link it is a station of
// the run's CSMS (through the evse-csms fault proxy when there is one), Basic auth, its offline
// journal in the run's folder, meter values every 2 wall seconds.
import { join } from 'node:path';
import { resolveEvseProcessConfig } from '@v2xsim/evse';
import { ConfigError, mergeConfig, type ConfigProblem } from '@v2xsim/process';
import type { Scenario, Step } from '../types.js';
import { bannerFields, bracket, clockConfig, hostPort, pollFor, type ProcessAdapter, type ProcessControl, type StartContext } from './adapter.js';
import { iso15118Protocols, pkiDir } from './iso15118.js';
import { csmsDecides, stationIdOf, stepOwners } from './routing.js';

const defined = (o: Record<string, unknown>): Record<string, unknown> => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && !(typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length === 0)));

/** the SECC address of a banner's `secc=tcp://[::1]:port` */
const seccAddress = (secc: string): string => secc.replace(/^(tcp|tls):\/\//, '');

/**
 * The Basic auth password of the run's station: hex, so it is also a valid OCPP 1.6
 * AuthorizationKey (16 bytes); the CSMS auto-registers the station with it.
 */
export const OCPP_PASSWORD = '0123456789abcdef0123456789abcdef';

/** stations reconnect soon after a CSMS restart (RetryBackOffWaitMinimum, wall s) */
const RETRY_WAIT_S = 0.5;

export const evseAdapter: ProcessAdapter = {
  kind: 'evse',
  present: () => true,
  actorId: (s) => s.evse?.id ?? 'evse',
  finishes: false,
  serves: [
    {
      link: 'ev-evse',
      address: 'secc',
      endpoint: hostPort,
      through: (_address, proxy) => `${bracket(proxy.host)}:${proxy.port}`,
    },
  ],

  config(ctx: StartContext): Record<string, unknown> {
    const s = ctx.scenario;
    const iso = s.stack.iso15118;
    const evse = s.evse ?? {};
    const site = s.site ?? {};
    const auth = evse.authorization;
    const previousSecc = ctx.previous?.addresses.secc;
    const ocpp = s.stack.ocpp;
    const derived = defined({
      id: this.actorId(s),
      evseId: evse.evseId,
      listen: { host: '::1', port: previousSecc ? hostPort(previousSecc).port : 0 },
      sdp: { enabled: false },
      protocols: iso15118Protocols(iso),
      ...(iso.version === 'iso15118-20' ? { iso20: defined({ controlModes: iso.controlMode ? [iso.controlMode] : undefined, bpt: iso.bpt ?? true }) } : {}),
      ...(iso.pki ? { pki: pkiDir(iso, ctx) } : {}),
      tls: iso.tls ?? false,
      // Plug & Charge: the EVSE offers both, the EV picks
      ...(iso.payment === 'pnc' ? { payment: ['pnc', 'eim'] } : {}),
      authorization: auth === undefined ? undefined : typeof auth === 'number' ? { mode: 'delay', delayMs: auth } : { mode: auth },
      dc: defined({ maxPowerW: evse.dcMaxPowerW, maxDischargePowerW: evse.dcMaxDischargePowerW }),
      ac: defined({ maxCurrentA: evse.acMaxCurrentA }),
      // the site's limit is the EVSE's own limit source unless a CSMS (or a site EMS behind it) decides
      limits: csmsDecides(s) ? undefined : defined({ maxPowerW: site.maxPowerW, schedule: site.schedule }),
      clock: clockConfig(ctx),
      control: { port: ctx.previous ? Number(new URL(ctx.previous.control).port) : 0 },
      ...(ocpp && ctx.upstream.ocpp
        ? {
            ocpp: {
              csms: ctx.upstream.ocpp,
              version: ocpp.version,
              stationId: stationIdOf(s),
              securityProfile: 1,
              password: OCPP_PASSWORD,
              scale: ocpp.scale ?? false,
              dataDir: join(ctx.runDir, 'evse-data'),
              meterIntervalS: 2,
              retryWaitS: RETRY_WAIT_S,
            },
          }
        : {}),
    });
    return mergeConfig(derived, evse.config ?? {}) as Record<string, unknown>;
  },

  check(config): ConfigProblem[] {
    try {
      // the CSMS's address is only known once it runs
      const ocpp = config.ocpp as Record<string, unknown> | undefined;
      resolveEvseProcessConfig(ocpp ? { ...config, ocpp: { ...ocpp, csms: ocpp.csms ?? 'ws://127.0.0.1:1/ocpp' } } : config);
      return [];
    } catch (e) {
      if (e instanceof ConfigError) return [...e.problems];
      return [{ path: '', message: e instanceof Error ? e.message : String(e) }];
    }
  },

  banner(line) {
    const f = bannerFields(line, 'evse');
    if (!f?.control || !f.secc) return undefined;
    return { control: f.control, addresses: { secc: seccAddress(f.secc) } };
  },

  /** A station waits for its BootNotification to be accepted, so the EV's session becomes a transaction. */
  async afterStart(p: ProcessControl) {
    if (!p.scenario.stack.ocpp) return;
    const online = await pollFor(async () => {
      const h = await p.health();
      const station = (h.ocpp as { station?: { online?: boolean } } | undefined)?.station;
      return station?.online ? true : undefined;
    }, p.timeoutMs);
    if (!online) throw new Error(`the station ${stationIdOf(p.scenario)} did not come online at the CSMS within ${p.timeoutMs} ms`);
  },

  /** A station is online again with an empty offline journal: every TransactionEvent is at the CSMS. */
  async settled(p: ProcessControl) {
    if (!p.scenario.stack.ocpp) return true;
    const station = ((await p.health()).ocpp as { station?: { online?: boolean; queued?: number } } | undefined)?.station;
    return station?.online === true && (station.queued ?? 0) === 0;
  },

  call(step: Step, scenario: Scenario) {
    if (!stepOwners(step, scenario).includes('evse')) return undefined;
    if ('stop' in step) return { action: 'stop' };
    if ('discharge' in step) return { action: 'discharge', body: { setpointW: step.discharge.setpointW } };
    if ('authorize' in step) return { action: 'authorize' };
    if ('set-limit' in step) return { action: 'set-limit', body: { maxPowerW: step['set-limit'].maxPowerW } };
    return undefined;
  },
};
