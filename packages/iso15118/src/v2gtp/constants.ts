/**
 * V2G Transfer Protocol (V2GTP) constants.
 *
 * Header layout (ISO 15118-2 §7.8.3, ISO 15118-20, DIN SPEC 70121 share it):
 *
 *   offset 0  uint8    protocol version          0x01
 *   offset 1  uint8    inverse protocol version  0xFE (= ~version)
 *   offset 2  uint16BE payload type
 *   offset 4  uint32BE payload length (header excluded)
 */

export const V2GTP_VERSION = 0x01;
export const V2GTP_INVERSE_VERSION = 0xfe;
export const V2GTP_HEADER_LENGTH = 8;

/**
 * Default upper bound for an accepted payload. The wire format allows up to
 * 4 GiB; a peer must not be able to make us allocate that, and real EXI
 * messages (even CertificateInstallationRes) stay well below 64 KiB.
 */
export const V2GTP_DEFAULT_MAX_PAYLOAD_LENGTH = 64 * 1024;

/** Largest value the 32-bit payload length field can carry. */
export const V2GTP_MAX_WIRE_PAYLOAD_LENGTH = 0xffff_ffff;

/**
 * Payload types. ISO 15118-2 Table 10 / DIN 70121 know only 0x8001 and
 * 0x9000/0x9001; ISO 15118-20 adds the rest. 0xA000-0xFFFF is manufacturer
 * specific and everything else reserved, so both count as unknown here.
 */
export const V2gtpPayloadType = {
  /** EXI-encoded V2G message: all -2 / DIN messages; SupportedAppProtocol (SAP) in -20. */
  Exi: 0x8001,
  /** -20 common ("mainstream") messages. */
  CommonMessages: 0x8002,
  /** -20 AC messages. */
  AcMessages: 0x8003,
  /** -20 DC messages. */
  DcMessages: 0x8004,
  /** -20 ACDP (pantograph) messages. */
  AcdpMessages: 0x8005,
  /** -20 WPT (wireless) messages. */
  WptMessages: 0x8006,
  /** -20 ScheduleRenegotiation. */
  ScheduleRenegotiation: 0x8101,
  /** -20 MeteringConfirmation. */
  MeteringConfirmation: 0x8102,
  /** -20 ACDP SystemStatus. */
  AcdpSystemStatus: 0x8103,
  /** -20 ParkingStatus. */
  ParkingStatus: 0x8104,
  /** SECC Discovery Protocol request (UDP). */
  SdpRequest: 0x9000,
  /** SECC Discovery Protocol response (UDP). */
  SdpResponse: 0x9001,
  /** -20 SDP request for wireless / ACDP. */
  SdpRequestWireless: 0x9002,
  /** -20 SDP response for wireless / ACDP. */
  SdpResponseWireless: 0x9003,
} as const;

export type V2gtpPayloadTypeName = keyof typeof V2gtpPayloadType;
export type V2gtpPayloadType = (typeof V2gtpPayloadType)[V2gtpPayloadTypeName];

const NAME_BY_TYPE: ReadonlyMap<number, V2gtpPayloadTypeName> = new Map(
  (Object.keys(V2gtpPayloadType) as V2gtpPayloadTypeName[]).map((name) => [V2gtpPayloadType[name], name]),
);

/** All known payload type values. */
export const V2GTP_PAYLOAD_TYPES: readonly V2gtpPayloadType[] = Object.values(V2gtpPayloadType);

export function isV2gtpPayloadType(value: number): value is V2gtpPayloadType {
  return NAME_BY_TYPE.has(value);
}

/** Name of a payload type for logs, e.g. `Exi`; `0xa000` style hex when unknown. */
export function v2gtpPayloadTypeName(value: number): string {
  return NAME_BY_TYPE.get(value) ?? hex16(value);
}

export function hex16(value: number): string {
  return `0x${value.toString(16).padStart(4, '0')}`;
}
