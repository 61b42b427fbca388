// Which EXI codec and which V2GTP payload type each -20 message travels with. CommonMessages go
// in 0x8002 with 'iso20-cm'; AC_* in 0x8003 and DC_* in 0x8004, with the SCALE codec of their
// namespace when a `-scale` AppProtocol was negotiated (docs/scale-variants.md).
// ISO 15118-20 Table 12 also lists 0x8101 (ScheduleRenegotiation) and 0x8102 (MeteringConfirmation)
// for side streams; Josev and EVerest send every CommonMessage, MeteringConfirmation included, in
// 0x8002, and so do we. We still decode the two side-stream types as CommonMessages.
import type { AppProtocolInfo } from '../app-protocol.js';
import type { CodecId, MessageName } from './messages.js';

export const PAYLOAD_SAP = 0x8001;
export const PAYLOAD_MAINSTREAM = 0x8002;
export const PAYLOAD_AC = 0x8003;
export const PAYLOAD_DC = 0x8004;
export const PAYLOAD_SCHEDULE_RENEGOTIATION = 0x8101;
export const PAYLOAD_METERING_CONFIRMATION = 0x8102;

const isScale = (protocol: AppProtocolInfo): boolean => protocol.id.endsWith('-scale');

/** The EXI codec of a message in the negotiated protocol. */
export function codecFor(protocol: AppProtocolInfo, name: MessageName | string): CodecId {
  if (name.startsWith('AC_')) return isScale(protocol) ? 'iso20-ac-scale' : 'iso20-ac';
  if (name.startsWith('DC_')) return isScale(protocol) ? 'iso20-dc-scale' : 'iso20-dc';
  return 'iso20-cm';
}

/** The V2GTP payload type a message is sent in. */
export function payloadTypeOf(name: MessageName | string): number {
  if (name.startsWith('AC_')) return PAYLOAD_AC;
  if (name.startsWith('DC_')) return PAYLOAD_DC;
  return PAYLOAD_MAINSTREAM;
}

/** The codec that decodes an incoming message of a payload type; undefined = not a -20 payload we speak. */
export function codecForPayloadType(protocol: AppProtocolInfo, payloadType: number): CodecId | undefined {
  switch (payloadType) {
    case PAYLOAD_MAINSTREAM:
    case PAYLOAD_SCHEDULE_RENEGOTIATION:
    case PAYLOAD_METERING_CONFIRMATION:
      return 'iso20-cm';
    case PAYLOAD_AC:
      return codecFor(protocol, 'AC_');
    case PAYLOAD_DC:
      return codecFor(protocol, 'DC_');
    default:
      return undefined;
  }
}
