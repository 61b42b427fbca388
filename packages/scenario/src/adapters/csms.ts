// `v2xsim csms`: the CPO's charging station management system (docs/csms.md). It serves OCPP-J on
// a free port; the EVSE's station connects to it (through the evse-csms fault proxy when there is
// one) with Basic auth and is registered on the spot. As the FSP (topology csms, or site-ems: a
// CSMS acting as the site's energy manager, actor `site-ems`) it plans the charging profiles from
// the charging needs and the site's limit. With OCPI it is the CPO the SCSP registers with: the
// runner gets a CREDENTIALS_TOKEN_A from its control API for the SCSP's handshake.
import { join } from 'node:path';
import type { Scenario, Step } from '../types.js';
import { bannerFields, clockConfig, type ProcessAdapter, type ProcessControl, type StartContext, urlEndpoint, urlThrough } from './adapter.js';
import { OCPP_PASSWORD } from './evse.js';
import { csmsDecides, fspOf, stationIdOf, stepOwners } from './routing.js';

/** The CPO's OCPI party. */
export const CPO_PARTY = 'NL*CPO';

const portOf = (url: string | undefined): number => (url ? Number(new URL(url).port) : 0);

export const csmsAdapter: ProcessAdapter = {
  kind: 'csms',
  present: (s) => s.stack.ocpp !== undefined,
  actorId: (s) => (fspOf(s) === 'site-ems' ? 'site-ems' : 'csms'),
  finishes: false,
  serves: [
    { link: 'evse-csms', address: 'ocpp', endpoint: urlEndpoint, through: urlThrough },
    // the SCSP calls the CPO through it (registration, preferences, profiles); the CPO tells it its
    // module URLs with the public URL, so the proxy must exist first
    { link: 'csms-scsp', address: 'ocpi', endpoint: urlEndpoint, through: urlThrough, proxyFirst: { host: '127.0.0.1' } },
  ],

  config(ctx: StartContext): Record<string, unknown> {
    const s = ctx.scenario;
    const deciding = csmsDecides(s);
    const policy = !deciding ? 'none' : (s.topology?.policy ?? (fspOf(s) === 'site-ems' ? 'default' : 'spread'));
    const iso = s.stack.iso15118;
    const dc = (iso.energy ?? 'DC') === 'DC';
    const evseMaxPowerW = dc ? (s.evse?.dcMaxPowerW ?? 150_000) : (s.evse?.acMaxCurrentA ?? 32) * 230 * 3;
    const proxy = ctx.proxies?.['csms-scsp'];
    return {
      id: this.actorId(s),
      listen: { host: '127.0.0.1', port: portOf(ctx.previous?.addresses.ocpp) },
      protocols: [s.stack.ocpp!.version],
      data: join(ctx.runDir, 'csms-data'),
      securityProfile: 1,
      acceptUnknown: true,
      defaultPassword: OCPP_PASSWORD,
      acceptAnyToken: true,
      stations: [{ id: stationIdOf(s), evseMaxPowerW }],
      evseMaxPowerW,
      policy,
      ...(deciding && s.site?.maxPowerW !== undefined ? { siteLimitW: s.site.maxPowerW } : {}),
      clock: clockConfig(ctx),
      control: { port: ctx.previous ? portOf(ctx.previous.control) : 0 },
      ...(s.stack.ocpi
        ? {
            ocpi: {
              // behind a proxy its public URL is the proxy's, on a port the runner chose for it
              port: proxy ? proxy.targetPort : portOf(ctx.previous?.addresses.ocpi),
              party: CPO_PARTY,
              ...(proxy ? { publicUrl: `http://${proxy.host}:${proxy.port}` } : {}),
              connector: dc
                ? { standard: 'IEC_62196_T2_COMBO', format: 'CABLE', powerType: 'DC', maxVoltage: 920 }
                : { standard: 'IEC_62196_T2', format: 'SOCKET', powerType: 'AC_3_PHASE', maxVoltage: 400 },
              ...(s.tariff?.currency ? { currency: s.tariff.currency } : {}),
            },
          }
        : {}),
    };
  },

  banner(line) {
    const f = bannerFields(line, 'csms');
    if (!f?.control || !f.ocpp) return undefined;
    // ocpp=ws://127.0.0.1:9000/ocpp/<identity>: stations append their identity; ocpi= the CPO's versions URL
    return { control: f.control, addresses: { ocpp: f.ocpp.replace(/\/<identity>$/, ''), ...(f.ocpi ? { ocpi: f.ocpi } : {}) } };
  },

  /** With OCPI: a CREDENTIALS_TOKEN_A for the SCSP's registration, and the versions URL it registers at (through the proxy when there is one). */
  async afterStart(p: ProcessControl) {
    if (!p.scenario.stack.ocpi) return;
    const { tokenA, versionsUrl } = (await p.post('ocpi-token-a', { peerId: 'scsp' })) as { tokenA?: string; versionsUrl?: string };
    if (typeof tokenA !== 'string' || typeof versionsUrl !== 'string') throw new Error('the CSMS gave no OCPI token A');
    return { ocpiTokenA: tokenA, ocpiVersions: versionsUrl };
  },

  /** Its transactions as stored, each with its events and the seqNos it never received. */
  async finalState(p: ProcessControl) {
    const { transactions } = (await p.post('transactions', {})) as { transactions: { stationId: string; transactionId: string }[] };
    const detailed = await Promise.all(transactions.map((t) => p.post('transactions', { stationId: t.stationId, transactionId: t.transactionId })));
    return { transactions: detailed.map((d, i) => ({ ...transactions[i], events: d.events, missingSeqNos: d.missingSeqNos })) };
  },

  call(step: Step, scenario: Scenario) {
    if (!stepOwners(step, scenario).includes('csms')) return undefined;
    const stationId = stationIdOf(scenario);
    if ('set-limit' in step) return { action: 'set-site-limit', body: { siteLimitW: step['set-limit'].maxPowerW } };
    if ('priority-charging' in step) return { action: 'priority-charging', body: { stationId, enabled: step['priority-charging'].enabled } };
    if ('discharge' in step) return { action: 'discharge', body: { stationId, evseId: 1, setpointW: step.discharge.setpointW } };
    return undefined;
  },
};
