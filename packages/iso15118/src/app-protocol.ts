// SupportedAppProtocol (ISO 15118-2 §8.2, the same handshake for DIN 70121 and ISO 15118-20):
// the EV offers protocols with priorities, the EVSE picks the first one by priority it supports.
// The SCALE variants are offered as protocols of their own namespace beside the standard ones, so a
// standard peer just never picks them (D2.3 §9; docs/scale-variants.md).
import type { AppHand } from '@v2xsim/exi';

export type AppProtocolId = 'din' | 'iso2' | 'iso2-scale' | 'iso20-ac' | 'iso20-dc' | 'iso20-ac-scale' | 'iso20-dc-scale';

export interface AppProtocolInfo {
  id: AppProtocolId;
  namespace: string;
  major: number;
  minor: number;
  /** the EXI codec of the session once this protocol is chosen */
  codec: string;
}

export const APP_PROTOCOLS: Record<AppProtocolId, AppProtocolInfo> = {
  din: { id: 'din', namespace: 'urn:din:70121:2012:MsgDef', major: 2, minor: 0, codec: 'din' },
  iso2: { id: 'iso2', namespace: 'urn:iso:15118:2:2013:MsgDef', major: 2, minor: 0, codec: 'iso2' },
  'iso2-scale': { id: 'iso2-scale', namespace: 'urn:scale:15118:2:2013:MsgDef', major: 2, minor: 0, codec: 'iso2-scale' },
  'iso20-ac': { id: 'iso20-ac', namespace: 'urn:iso:std:iso:15118:-20:AC', major: 1, minor: 0, codec: 'iso20-ac' },
  'iso20-dc': { id: 'iso20-dc', namespace: 'urn:iso:std:iso:15118:-20:DC', major: 1, minor: 0, codec: 'iso20-dc' },
  'iso20-ac-scale': { id: 'iso20-ac-scale', namespace: 'urn:scale:iso:std:iso:15118:-20:AC', major: 1, minor: 0, codec: 'iso20-ac-scale' },
  'iso20-dc-scale': { id: 'iso20-dc-scale', namespace: 'urn:scale:iso:std:iso:15118:-20:DC', major: 1, minor: 0, codec: 'iso20-dc-scale' },
};

/** The EV's offer: protocols in order of preference, SchemaIDs 1.., Priority 1 = most preferred. */
export function appProtocolReq(protocols: readonly AppProtocolId[]): { supportedAppProtocolReq: AppHand.supportedAppProtocolReqType } {
  if (protocols.length === 0 || protocols.length > 20) throw new RangeError('offer 1 to 20 protocols');
  return {
    supportedAppProtocolReq: {
      AppProtocol: protocols.map((id, i) => {
        const p = APP_PROTOCOLS[id];
        return { ProtocolNamespace: p.namespace, VersionNumberMajor: p.major, VersionNumberMinor: p.minor, SchemaID: i + 1, Priority: i + 1 };
      }),
    },
  };
}

export interface AppProtocolChoice {
  response: { supportedAppProtocolRes: AppHand.supportedAppProtocolResType };
  /** the chosen protocol, undefined when the negotiation failed */
  protocol?: AppProtocolInfo;
}

/**
 * The EVSE's choice [V2G2-172..176]: among the offered protocols it supports (same namespace and
 * major version), the one with the best priority; a different minor version is a minor deviation.
 */
export function chooseAppProtocol(req: AppHand.supportedAppProtocolReqType, supported: readonly AppProtocolId[]): AppProtocolChoice {
  const candidates = req.AppProtocol.map((offer) => ({ offer, info: supported.map((id) => APP_PROTOCOLS[id]).find((p) => p.namespace === offer.ProtocolNamespace && p.major === offer.VersionNumberMajor) }))
    .filter((c) => c.info)
    .sort((a, b) => a.offer.Priority - b.offer.Priority);
  const best = candidates[0];
  if (!best) return { response: { supportedAppProtocolRes: { ResponseCode: 'Failed_NoNegotiation' } } };
  const exact = best.offer.VersionNumberMinor === best.info!.minor;
  return {
    response: { supportedAppProtocolRes: { ResponseCode: exact ? 'OK_SuccessfulNegotiation' : 'OK_SuccessfulNegotiationWithMinorDeviation', SchemaID: best.offer.SchemaID } },
    protocol: best.info!,
  };
}

/** The EV's reading of the answer: which of its offered protocols was chosen. */
export function chosenAppProtocol(offered: readonly AppProtocolId[], res: AppHand.supportedAppProtocolResType): AppProtocolInfo | undefined {
  if (!res.ResponseCode.startsWith('OK') || res.SchemaID === undefined) return undefined;
  const id = offered[res.SchemaID - 1];
  return id ? APP_PROTOCOLS[id] : undefined;
}
