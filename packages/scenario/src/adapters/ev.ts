// `v2xsim ev`: one car. It starts at the run's start (or at its plug-in step), connects to the
// EVSE's SECC address (through the ev-evse fault proxy when there is one), runs its session and
// exits; its --summary line is the session's result.
import { resolveEvProcessConfig } from '@v2xsim/ev';
import { ConfigError, mergeConfig, type ConfigProblem } from '@v2xsim/process';
import type { Scenario, Step } from '../types.js';
import { bannerFields, clockConfig, type ProcessAdapter, type StartContext } from './adapter.js';
import { energyTransferMode, iso15118Protocols, pkiDir } from './iso15118.js';
import { stepOwners } from './routing.js';

const defined = (o: Record<string, unknown>): Record<string, unknown> => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && !(typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length === 0)));

export const evAdapter: ProcessAdapter = {
  kind: 'ev',
  present: () => true,
  actorId: (s) => s.ev?.id ?? 'ev',
  finishes: true,
  serves: [],

  config(ctx: StartContext): Record<string, unknown> {
    const s = ctx.scenario;
    const iso = s.stack.iso15118;
    const ev = s.ev ?? {};
    const d = s.driver ?? {};
    const is20 = iso.version === 'iso15118-20';
    const derived = defined({
      id: this.actorId(s),
      protocols: iso15118Protocols(iso),
      energyTransferMode: energyTransferMode(iso),
      ...(is20 ? { controlMode: iso.controlMode ?? 'scheduled', bpt: iso.bpt ?? false } : {}),
      dischargeAllowed: d.dischargeAllowed,
      ...(iso.pki ? { pki: pkiDir(iso, ctx) } : {}),
      tls: iso.tls ?? false,
      ...(iso.payment ? { payment: iso.payment } : {}),
      ...(ctx.upstream.secc ? { secc: ctx.upstream.secc } : {}),
      clock: clockConfig(ctx),
      battery: defined({ capacityWh: ev.capacityWh, soc: ev.soc, roundTripEfficiency: ev.roundTripEfficiency }),
      dc: defined({ maxPowerW: ev.dcMaxPowerW }),
      ac: defined({ maxCurrentA: ev.acMaxCurrentA }),
      discharge: defined({ maxPowerW: ev.dischargeMaxPowerW, v2xBudgetWh: ev.v2xBudgetWh }),
      needs: defined({ targetSoc: d.targetSoc, minimumSoc: d.minimumSoc, maximumSoc: d.maximumSoc, departureS: d.departureS }),
      session: defined({ loopMs: ev.loopMs }),
      control: { port: ctx.previous ? Number(new URL(ctx.previous.control).port) : 0 },
      summary: true,
    });
    return mergeConfig(derived, ev.config ?? {}) as Record<string, unknown>;
  },

  check(config): ConfigProblem[] {
    try {
      // the SECC address is only known once the EVSE runs
      resolveEvProcessConfig({ ...config, secc: config.secc ?? '[::1]:1' });
      return [];
    } catch (e) {
      if (e instanceof ConfigError) return [...e.problems];
      return [{ path: '', message: e instanceof Error ? e.message : String(e) }];
    }
  },

  banner(line) {
    const f = bannerFields(line, 'ev');
    if (!f?.control) return undefined;
    // the EV serves nothing: its secc= is where it connects
    return { control: f.control, addresses: {} };
  },

  call(step: Step, scenario: Scenario) {
    if (!stepOwners(step, scenario).includes('ev')) return undefined;
    if ('unplug' in step) return { action: 'unplug' };
    if ('stop' in step) return { action: 'stop' };
    if ('allow-discharge' in step) return { action: 'allow-discharge', body: { allowed: step['allow-discharge'].allowed } };
    if ('set-needs' in step) {
      const n = step['set-needs'];
      const body: Record<string, unknown> = {};
      if (n.targetSoc !== undefined) body.targetSoc = n.targetSoc;
      if (n.minimumSoc !== undefined) body.minimumSoc = n.minimumSoc;
      if (n.maximumSoc !== undefined) body.maximumSoc = n.maximumSoc;
      if (n.departureS !== undefined) body.departureTime = n.departureS;
      return { action: 'set-needs', body };
    }
    return undefined;
  },
};
