// `v2xsim csms`: the CPO's charging station management system (docs/csms.md). It serves OCPP-J on
// a free port; the EVSE's station connects to it (through the evse-csms fault proxy when there is
// one). As the FSP (topology csms, or site-ems: a CSMS acting as the site's energy manager) it
// plans the charging profiles from the charging needs and the site's limit.
import { join } from 'node:path';
import type { Step } from '../types.js';
import { bannerFields, type ProcessAdapter, type StartContext, urlEndpoint, urlThrough } from './adapter.js';

export const csmsAdapter: ProcessAdapter = {
  kind: 'csms',
  present: (s) => s.stack.ocpp !== undefined,
  actorId: () => 'csms',
  finishes: false,
  serves: [{ link: 'evse-csms', address: 'ocpp', endpoint: urlEndpoint, through: urlThrough }],

  config(ctx: StartContext): Record<string, unknown> {
    const s = ctx.scenario;
    const fsp = s.topology?.fsp;
    const deciding = fsp === 'csms' || fsp === 'site-ems';
    const previous = ctx.previous?.addresses.ocpp;
    return {
      id: this.actorId(s),
      listen: { host: '127.0.0.1', port: previous ? Number(new URL(previous).port) : 0 },
      protocols: [s.stack.ocpp!.version],
      data: join(ctx.runDir, 'csms-data'),
      acceptUnknown: true,
      acceptAnyToken: true,
      policy: deciding ? 'default' : 'none',
      ...(deciding && s.site?.maxPowerW !== undefined ? { siteLimitW: s.site.maxPowerW } : {}),
      control: { port: ctx.previous ? Number(new URL(ctx.previous.control).port) : 0 },
    };
  },

  banner(line) {
    const f = bannerFields(line, 'csms');
    if (!f?.control || !f.ocpp) return undefined;
    // ocpp=ws://127.0.0.1:9000/ocpp/<identity>: stations append their identity
    return { control: f.control, addresses: { ocpp: f.ocpp.replace(/\/<identity>$/, '') } };
  },

  call(_step: Step) {
    return undefined;
  },
};
