// `v2xsim scsp`: the smart charging service provider, also the eMSP (docs/scsp.md). It talks OCPI
// 2.2.1 with the CSMS. With an eMSP in the run the driver's choices (departure time, target SoC,
// priority charging) travel through it (D2.3 §11.4), and it takes the price curve.
import type { Step } from '../types.js';
import { bannerFields, type ProcessAdapter, type StartContext, urlEndpoint, urlThrough } from './adapter.js';

export const scspAdapter: ProcessAdapter = {
  kind: 'scsp',
  present: (s) => s.stack.ocpi !== undefined,
  actorId: () => 'scsp',
  finishes: false,
  serves: [{ link: 'csms-scsp', address: 'ocpi', endpoint: urlEndpoint, through: urlThrough }],

  config(ctx: StartContext): Record<string, unknown> {
    const s = ctx.scenario;
    const previous = ctx.previous?.addresses.ocpi;
    // registration with the CPO (cpo.versionsUrl, cpo.tokenA) and the price file follow once the
    // CSMS serves OCPI; until then the SCSP runs on its own and takes its steps at the control API
    return {
      id: this.actorId(s),
      listen: { host: '127.0.0.1', port: previous ? Number(new URL(previous).port) : 0 },
      clock: { speed: ctx.speed },
      control: { port: ctx.previous ? Number(new URL(ctx.previous.control).port) : 0 },
    };
  },

  banner(line) {
    const f = bannerFields(line, 'scsp');
    if (!f?.control) return undefined;
    return { control: f.control, addresses: { ...(f.ocpi ? { ocpi: f.ocpi } : {}) } };
  },

  call(step: Step) {
    if ('set-needs' in step) return { action: 'set-needs', body: { ...step['set-needs'] } };
    if ('priority-charging' in step) return { action: 'priority-charging', body: { enabled: step['priority-charging'].enabled } };
    if ('price-curve' in step) return { action: 'price-curve', body: { curve: step['price-curve'].curve } };
    return undefined;
  },
};
