// `v2xsim evse`: the charging station. The SECC listens on a free port on [::1] without SDP (so
// runs do not collide on UDP 15118); the EV gets its address. With an OCPP link it connects to the
// CSMS (through the evse-csms fault proxy when there is one).
import { resolve } from 'node:path';
import { resolveEvseProcessConfig } from '@v2xsim/evse';
import { ConfigError, mergeConfig, type ConfigProblem } from '@v2xsim/process';
import type { Scenario, Step } from '../types.js';
import { bannerFields, bracket, hostPort, type ProcessAdapter, type StartContext } from './adapter.js';
import { iso15118Protocols } from './iso15118.js';

const defined = (o: Record<string, unknown>): Record<string, unknown> => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && !(typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length === 0)));

/** the SECC address of a banner's `secc=tcp://[::1]:port` */
const seccAddress = (secc: string): string => secc.replace(/^(tcp|tls):\/\//, '');

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
    // the site's limit is the EVSE's own limit source unless a CSMS (or a site EMS behind it) decides
    const localLimits = !s.stack.ocpp || (s.topology?.fsp !== 'csms' && s.topology?.fsp !== 'site-ems');
    const derived = defined({
      id: this.actorId(s),
      evseId: evse.evseId,
      listen: { host: '::1', port: previousSecc ? hostPort(previousSecc).port : 0 },
      sdp: { enabled: false },
      protocols: iso15118Protocols(iso),
      ...(iso.version === 'iso15118-20' ? { iso20: defined({ controlModes: iso.controlMode ? [iso.controlMode] : undefined, bpt: iso.bpt ?? true }) } : {}),
      ...(iso.pki ? { pki: resolve(ctx.baseDir, iso.pki) } : {}),
      tls: iso.tls ?? false,
      authorization: auth === undefined ? undefined : typeof auth === 'number' ? { mode: 'delay', delayMs: auth } : { mode: auth },
      dc: defined({ maxPowerW: evse.dcMaxPowerW, maxDischargePowerW: evse.dcMaxDischargePowerW }),
      ac: defined({ maxCurrentA: evse.acMaxCurrentA }),
      limits: localLimits ? defined({ maxPowerW: site.maxPowerW, schedule: site.schedule }) : undefined,
      clock: { speed: ctx.speed },
      control: { port: ctx.previous ? Number(new URL(ctx.previous.control).port) : 0 },
    });
    return mergeConfig(derived, evse.config ?? {}) as Record<string, unknown>;
  },

  check(config): ConfigProblem[] {
    try {
      resolveEvseProcessConfig(config);
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

  call(step: Step, scenario: Scenario) {
    if ('stop' in step) return step.stop.by === 'evse' ? { action: 'stop' } : undefined;
    if ('discharge' in step) return { action: 'discharge', body: { setpointW: step.discharge.setpointW } };
    if ('authorize' in step) return { action: 'authorize' };
    // without a CSMS deciding, the site's limit changes at the EVSE
    if ('set-limit' in step && !scenario.stack.ocpp) return { action: 'set-limit', body: { maxPowerW: step['set-limit'].maxPowerW } };
    return undefined;
  },
};
