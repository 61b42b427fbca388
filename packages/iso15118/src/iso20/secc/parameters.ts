// ServiceDiscovery and ServiceDetail: the services of the negotiated namespace and one parameter
// set per control mode, with the parameter names and values of ISO 15118-20 Tables 205-208
// (checked against Josev enums.ParameterName and EVerest message/service_detail.cpp).
import type { Iso20 } from '@v2xsim/exi';
import {
  AC_CONNECTOR, BPT_CHANNEL, CONTROL_MODE, DC_CONNECTOR, GENERATOR_MODE, ISLANDING_DETECTION, isAcService, isBptService, MOBILITY_NEEDS_MODE, PRICING,
  serviceOf, SERVICE_ID, type ControlMode, type EnergyService,
} from '../messages.js';
import type { Secc20Context } from './context.js';

/** The services this SECC offers in this session: its own, of the negotiated namespace (AC or DC). */
export function offeredServices(ctx: Secc20Context): EnergyService[] {
  const ac = ctx.protocol.id.startsWith('iso20-ac');
  return ctx.evse.services.filter((s) => isAcService(s) === ac);
}

/** ParameterSetID → control mode: set n is the n-th control mode the EVSE offers. */
export function parameterSetIds(ctx: Secc20Context): { id: number; mode: ControlMode }[] {
  return ctx.evse.controlModes.map((mode, i) => ({ id: i + 1, mode }));
}

export function parameterSets(ctx: Secc20Context, service: EnergyService): Iso20.ParameterSetType[] {
  const e = ctx.evse;
  return parameterSetIds(ctx).map(({ id, mode }) => {
    // Scheduled control: the EVCC provides the mobility needs (EVerest enforces the same)
    const mobility = mode === 'Scheduled' ? 'ProvidedByEvcc' : (e.mobilityNeedsMode ?? 'ProvidedByEvcc');
    const Parameter: Iso20.ParameterType[] = isAcService(service)
      ? [
          { Name: 'Connector', intValue: AC_CONNECTOR[e.acConnector ?? 'ThreePhase'] },
          { Name: 'ControlMode', intValue: CONTROL_MODE[mode] },
          { Name: 'EVSENominalVoltage', intValue: Math.round(e.acLimits().nominalVoltage) },
          { Name: 'MobilityNeedsMode', intValue: MOBILITY_NEEDS_MODE[mobility] },
          { Name: 'Pricing', intValue: PRICING[e.pricing ?? 'None'] },
        ]
      : [
          { Name: 'Connector', intValue: DC_CONNECTOR[e.dcConnector ?? 'Extended'] },
          { Name: 'ControlMode', intValue: CONTROL_MODE[mode] },
          { Name: 'MobilityNeedsMode', intValue: MOBILITY_NEEDS_MODE[mobility] },
          { Name: 'Pricing', intValue: PRICING[e.pricing ?? 'None'] },
        ];
    if (isBptService(service)) {
      Parameter.push({ Name: 'BPTChannel', intValue: BPT_CHANNEL.Unified }, { Name: 'GeneratorMode', intValue: GENERATOR_MODE.GridFollowing });
      // AC_BPT only (Table 208); EVerest names it DetectionMethodGridCodeIslanding, Josev as here
      if (isAcService(service)) Parameter.push({ Name: 'GridCodeIslandingDetectionMethod', intValue: ISLANDING_DETECTION.Passive });
    }
    return { ParameterSetID: id, Parameter };
  });
}

/** The service and control mode of a ServiceSelectionReq, or undefined when it was not offered. */
export function selection(ctx: Secc20Context, sel: Iso20.SelectedServiceType): { service: EnergyService; mode: ControlMode; id: number } | undefined {
  const service = serviceOf(sel.ServiceID);
  if (!service || !offeredServices(ctx).includes(service)) return undefined;
  const set = parameterSetIds(ctx).find((p) => p.id === sel.ParameterSetID);
  return set ? { service, mode: set.mode, id: set.id } : undefined;
}

export const serviceList = (ctx: Secc20Context): Iso20.ServiceType[] => offeredServices(ctx).map((s) => ({ ServiceID: SERVICE_ID[s], FreeService: false }));

/** The authorization services on offer: the EVSE's (default PnC and EIM), PnC only with Secc20Pnc. */
export function authorizationServices(ctx: Secc20Context): ('EIM' | 'PnC')[] {
  const wanted = ctx.evse.authorizationServices ?? ['PnC', 'EIM'];
  const offered = wanted.filter((s) => s === 'EIM' || ctx.pnc !== undefined);
  return offered.length ? offered : ['EIM'];
}
